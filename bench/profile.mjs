// Where ingest time goes: `node bench/profile.mjs [--lines N] [--journal-mb M] [--data DIR] [--shape central|short]`.
// Generates a syslog file (default 500,000 lines) and a journal JSON export (default 50 MB) with
// the bench generators, ingests each under `node --cpu-prof`, and writes the top functions (self
// and inclusive) and files to DIR/profile.md (default bench-data/profile/). `--shape short` uses
// issue 21's other generators (genSyslogShort: 400 hosts, short lines; genJournalShort: ~420-byte
// entries of 11 fields). Each profile is followed by DuckDB's own reader on the same file
// (bench/native.mjs: read_csv of the raw lines, read_json SELECT * into a table) under GNU time,
// so the CPU-seconds of the ingest (also measured under GNU time, without the profiler) sit
// beside the floor.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { genJournalJson, genJournalShort, genSyslog, genSyslogShort } from './gen.mjs';
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
const SHAPE = opt('--shape', 'central');
mkdirSync(DIR, { recursive: true });
const TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));

/** CPU-seconds (user + sys), wall and peak RSS of a command under GNU time. */
function timed(cmd, args) {
  const out = join(DIR, 'time.txt');
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', out, cmd, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [, u, sy, m] = readFileSync(out, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
  return { wall: (performance.now() - t0) / 1000, cpu: u + sy, user: u, sys: sy, rss_mib: m / 1024 };
}

/** The ingest without the profiler, then DuckDB's reader of the same file: a Markdown table. */
function floor(label, file, mode) {
  if (!TIME) return '';
  const db = join(DIR, `${label}-floor.duckdb`);
  const rows = [];
  for (const [what, cmd, args] of [
    ['bundlescope ingest', process.execPath, [join(ROOT, 'dist', 'cli.js'), 'ingest', file, '--db', db]],
    [mode === 'json' ? 'duckdb read_json (SELECT * into a table)' : 'duckdb read_csv (raw lines into a table)', process.execPath, [join(ROOT, 'bench', 'native.mjs'), mode, file, db]],
  ]) {
    for (const f of [db, db + '.wal']) rmSync(f, { force: true });
    const t = timed(cmd, args);
    rows.push(`| ${what} | ${t.wall.toFixed(2)} | ${t.user.toFixed(2)} | ${t.sys.toFixed(2)} | ${t.cpu.toFixed(2)} | ${t.rss_mib.toFixed(0)} |`);
    process.stderr.write(`${label} ${what}: ${t.wall.toFixed(2)} s wall, ${t.cpu.toFixed(2)} CPU-s\n`);
  }
  for (const f of [db, db + '.wal']) rmSync(f, { force: true });
  return `Without the profiler, beside DuckDB's own reader of the same file:\n\n| command | wall s | user s | sys s | CPU s | peak RSS MiB |\n|---|--:|--:|--:|--:|--:|\n${rows.join('\n')}\n\n`;
}

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

const short = SHAPE === 'short';
const sy = join(DIR, `syslog-${SHAPE}-profile.log`);
const syTruth = short ? genSyslogShort(sy, LINES) : genSyslog(sy, LINES);
const jo = join(DIR, `journal-${SHAPE}-profile.json`);
const joTruth = short ? genJournalShort(jo, null, { bytes: JOURNAL }) : genJournalJson(jo, JOURNAL);
let md = `# CPU profiles of ingest (${new Date().toISOString().slice(0, 16)} UTC)\n\n` +
  `node --cpu-prof samples only the JavaScript main thread; DuckDB's own worker threads (appender flush, ` +
  `checkpoint) appear as native time inside the calls that wait for them.\n\n` +
  `Inputs (${SHAPE} shape): syslog ${syTruth.lines.toLocaleString('en')} lines (${(syTruth.bytes / 1e6).toFixed(1)} MB); ` +
  `journal JSON ${joTruth.entries.toLocaleString('en')} entries (${(joTruth.bytes / 1e6).toFixed(1)} MB).\n\n`;
md += profile(`syslog-${SHAPE}`, sy) + floor(`syslog-${SHAPE}`, sy, 'csv');
md += profile(`journal-json-${SHAPE}`, jo) + floor(`journal-${SHAPE}`, jo, 'json');
writeFileSync(join(DIR, `profile${short ? '-short' : ''}.md`), md);
process.stdout.write(md);
