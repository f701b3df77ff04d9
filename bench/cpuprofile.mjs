// Summarise a V8 .cpuprofile (node --cpu-prof): self and inclusive time per function, and self
// time per source file. Usage: node bench/cpuprofile.mjs FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Short location of a call frame: path relative to the repository (or node internals), line. */
function where(cf) {
  let u = cf.url || '';
  u = u.replace(/^file:\/\//, '');
  const i = u.search(/\/(dist|src|node_modules|bench)\//);
  if (i >= 0) u = u.slice(i + 1);
  return u ? `${u}:${cf.lineNumber + 1}` : '';
}

/** Group key for a file: its repository path, or the node_modules package, or "(node)". */
function fileOf(cf) {
  const u = (cf.url || '').replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 14).split('/');
    return `node_modules/${rest[0].startsWith('@') ? rest[0] + '/' + rest[1] : rest[0]}`;
  }
  const i = u.search(/\/(dist|src|bench)\//);
  if (i >= 0) return u.slice(i + 1);
  if (u.startsWith('node:')) return '(node internals)';
  return cf.functionName ? `(${cf.functionName.startsWith('(') ? cf.functionName.replace(/[()]/g, '') : 'native/V8'})` : '(native/V8)';
}

export function summarise(profile, top = 20) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Self time per node from the samples and their time deltas.
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame)}`.trim();
  const selfBy = new Map();
  const inclBy = new Map();
  const fileBy = new Map();
  for (const [id, t] of self) {
    const n = nodes.get(id);
    const k = key(n);
    selfBy.set(k, (selfBy.get(k) ?? 0) + t);
    const f = fileOf(n.callFrame);
    fileBy.set(f, (fileBy.get(f) ?? 0) + t);
    // Inclusive: count this sample once for every distinct function on its stack.
    const seen = new Set();
    for (let cur = id; cur != null; cur = parent.get(cur)) {
      const kk = key(nodes.get(cur));
      if (seen.has(kk)) continue;
      seen.add(kk);
      inclBy.set(kk, (inclBy.get(kk) ?? 0) + t);
    }
  }
  const rank = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / total }));
  return {
    total_ms: total / 1000,
    self: rank(selfBy),
    inclusive: rank(new Map([...inclBy].filter(([k]) => !/^\((root|program|idle|garbage collector)\)/.test(k)))),
    files: rank(fileBy),
  };
}

export function toMarkdown(s) {
  const t = (rows) => ['| % | ms | function |', '|--:|--:|---|', ...rows.map((r) => `| ${r.pct.toFixed(1)} | ${r.ms.toFixed(0)} | \`${r.name.replace(/\|/g, '\\|')}\` |`)].join('\n');
  return `Total sampled: ${(s.total_ms / 1000).toFixed(1)} s\n\nSelf time, top functions:\n\n${t(s.self)}\n\nInclusive time (function and everything it called):\n\n${t(s.inclusive)}\n\nSelf time by file / package:\n\n${t(s.files)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/cpuprofile.mjs FILE.cpuprofile [top]');
    process.exit(2);
  }
  process.stdout.write(toMarkdown(summarise(JSON.parse(readFileSync(file, 'utf8')), Number(process.argv[3] ?? 20))));
}
