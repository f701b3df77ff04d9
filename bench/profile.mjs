// Where ingest time goes: `node bench/profile.mjs [--lines N] [--journal-mb M] [--data DIR]`.
// Generates a syslog file (default 500,000 lines) and a journal JSON export (default 50 MB) with
// the bench generators, ingests each under `node --cpu-prof`, and writes the top functions (self
// and inclusive) and files to DIR/profile.md (default bench-data/profile/).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { genJournalJson, genSyslog } from './gen.mjs';
import { summarise, toMarkdown } from './cpuprofile.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const DIR = resolve(ROOT, opt('--data', 'bench-data/profile'));
const LINES = Number(opt('--lines', 500_000));
const JOURNAL = Number(opt('--journal-mb', 50)) * 1e6;
mkdirSync(DIR, { recursive: true });

function profile(label, file, extra = []) {
  const profDir = join(DIR, `prof-${label}`);
  rmSync(profDir, { recursive: true, force: true });
  const db = join(DIR, `${label}.duckdb`);
  for (const f of [db, db + '.wal']) rmSync(f, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval', '500', join(ROOT, 'dist', 'cli.js'), 'ingest', file, '--db', db, ...extra], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`ingest of ${file} failed (${r.status}): ${r.stderr}`);
  const prof = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  const s = summarise(JSON.parse(readFileSync(join(profDir, prof), 'utf8')), 25);
  rmSync(db, { force: true });
  process.stderr.write(`${label}: ${wall.toFixed(1)} s wall, ${(s.total_ms / 1000).toFixed(1)} s sampled on the main thread\n`);
  return `## ${label}: \`bundlescope ingest ${file.replace(ROOT + '/', '')}\` (${wall.toFixed(1)} s wall under the profiler)\n\n${toMarkdown(s)}\n`;
}

const sy = join(DIR, 'syslog-profile.log');
const syTruth = genSyslog(sy, LINES);
const jo = join(DIR, 'journal-profile.json');
const joTruth = genJournalJson(jo, JOURNAL);
let md = `# CPU profiles of ingest (${new Date().toISOString().slice(0, 16)} UTC)\n\n` +
  `node --cpu-prof samples only the JavaScript main thread; DuckDB's own worker threads (appender flush, ` +
  `checkpoint) appear as native time inside the calls that wait for them.\n\n` +
  `Inputs: syslog ${syTruth.lines.toLocaleString('en')} lines (${(syTruth.bytes / 1e6).toFixed(1)} MB); ` +
  `journal JSON ${joTruth.entries.toLocaleString('en')} entries (${(joTruth.bytes / 1e6).toFixed(1)} MB).\n\n`;
md += profile('syslog', sy);
md += profile('journal-json', jo);
writeFileSync(join(DIR, 'profile.md'), md);
process.stdout.write(md);
