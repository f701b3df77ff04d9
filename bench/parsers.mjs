// The syslog parsers alone, before/after a change: `node bench/parsers.mjs [--lines N] [--runs K]
// [--data DIR] --dist A [--dist B …]`. Each --dist is a built tree (a copy of dist/ with sql/ and
// node_modules beside it, e.g. the build of the commit before the change). On one generated
// syslog file (genSyslog, default 1M lines) and a copy of it with syslogd/rsyslog repeat summaries
// sprinkled in (`last message repeated N times`, `message repeated N times: [ …]`), each build runs,
// in turn and `runs` times:
//   - line parser + overflow classifier in process, no database (createSyslogParser, feedBuffer,
//     OverflowClassifier: what parse-rows.ts does per batch);
//   - `bundlescope ingest` of the plain file (read_csv fast path) into a fresh database;
//   - `bundlescope ingest` of the same file under a name with glob characters (the line parser).
// Prints the median wall times (s) per build and step, and the rows each run loaded.
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { genSyslog } from './gen.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const dists = argv.flatMap((a, i) => (a === '--dist' && argv[i + 1] ? [resolve(argv[i + 1])] : []));
if (dists.length === 0) dists.push(join(ROOT, 'dist'));
const LINES = Number(opt('--lines', 1_000_000));
const RUNS = Number(opt('--runs', 3));
const DIR = resolve(ROOT, opt('--data', 'bench-data/parsers'));
mkdirSync(DIR, { recursive: true });

const plain = join(DIR, `syslog-${LINES}.log`);
if (!existsSync(plain)) genSyslog(plain, LINES);
const mtime = statSync(plain).mtime;
// The same lines with a repeat summary after every 500th line: sysklogd's form, and rsyslog's
// (which repeats the message in brackets) after a kernel line.
const repeats = join(DIR, `syslog-${LINES}-repeats.log`);
if (!existsSync(repeats)) {
  const out = [];
  const lines = readFileSync(plain, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((l, i) => {
    out.push(l);
    if (i % 500 !== 499) return;
    const m = /^(\S+ +\S+ \S+) (\S+) (\S+?): (.*)$/.exec(l);
    if (!m) return;
    out.push(m[3] === 'kernel' ? `${m[1]} ${m[2]} kernel: message repeated 7 times: [ ${m[4]}]` : `${m[1]} ${m[2]} last message repeated 7 times`);
  });
  writeFileSync(repeats, out.join('\n') + '\n');
}
utimesSync(repeats, mtime, mtime);

/** A hard link whose name has glob characters: ingest reads it with the line parser. */
function globbed(file) {
  const g = file.replace(/\.log$/, '[js].log');
  if (!existsSync(g)) linkSync(file, g);
  return g;
}

function ingest(dist, file) {
  const db = join(DIR, 'bench.duckdb');
  for (const f of [db, db + '.wal']) rmSync(f, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(dist, 'cli.js'), 'ingest', file, '--db', db, '--tz', 'UTC'], { encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`ingest ${file} with ${dist}: ${r.stderr}`);
  const rows = /log_events (\d+)/.exec(r.stdout + r.stderr)?.[1] ?? '?';
  const ov = /overflow_events (\d+)/.exec(r.stdout + r.stderr)?.[1] ?? '?';
  rmSync(db, { force: true });
  return { s, rows: `${rows} log / ${ov} overflow` };
}

/** Line parser + classifier in a child process (each build's modules in their own process). */
function lineParser(dist, file) {
  const code = `
    const { createSyslogParser } = await import(${JSON.stringify(pathToFileURL(join(dist, 'ingest/syslog.js')).href)});
    const { OverflowClassifier } = await import(${JSON.stringify(pathToFileURL(join(dist, 'ingest/overflow.js')).href)});
    const { feedBuffer } = await import(${JSON.stringify(pathToFileURL(join(dist, 'ingest/run.js')).href)});
    const { readFileSync, statSync } = await import('node:fs');
    const data = readFileSync(${JSON.stringify(file)});
    const ctx = { file: 'x', host: null, tz: 'UTC', tzAssumed: false, referenceTimeMs: statSync(${JSON.stringify(file)}).mtimeMs, bootTimeMs: null };
    const t0 = performance.now();
    const parser = createSyslogParser(ctx);
    const classifier = new OverflowClassifier();
    let rows = 0, ov = 0, counted = 0;
    await feedBuffer(parser, data, async (batch) => { rows += batch.length; for (const o of classifier.classify(batch)) { ov++; counted += o.count; } });
    process.stdout.write(JSON.stringify({ s: (performance.now() - t0) / 1000, rows: rows + ' log / ' + ov + ' overflow (' + counted + ' counted)' }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`line parser with ${dist}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const steps = [
  ['line parser + classifier (no db)', plain, lineParser],
  ['ingest, read_csv fast path', plain, ingest],
  ['ingest, line parser', globbed(plain), ingest],
  ['line parser + classifier (no db), with repeats', repeats, lineParser],
  ['ingest, read_csv fast path, with repeats', repeats, ingest],
  ['ingest, line parser, with repeats', globbed(repeats), ingest],
];
const times = new Map();
const rows = new Map();
for (let run = 0; run < RUNS; run++) {
  for (const [name, file, fn] of steps) {
    for (const dist of dists) {
      const r = fn(dist, file);
      const k = `${name}\u0000${dist}`;
      (times.get(k) ?? times.set(k, []).get(k)).push(r.s);
      rows.set(k, r.rows);
      process.stderr.write(`run ${run + 1} ${name} ${dist}: ${r.s.toFixed(2)} s (${r.rows})\n`);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const out = [`${LINES.toLocaleString('en')} generated lines (${(statSync(plain).size / 1e6).toFixed(1)} MB); medians of ${RUNS} runs, builds in turn`, '',
  `| step | ${dists.join(' | ')} |`, `|---|${dists.map(() => '---').join('|')}|`];
for (const [name] of steps) {
  out.push(`| ${name} | ${dists.map((d) => `${median(times.get(`${name}\u0000${d}`)).toFixed(2)} s (${rows.get(`${name}\u0000${d}`)})`).join(' | ')} |`);
}
process.stdout.write(out.join('\n') + '\n');
