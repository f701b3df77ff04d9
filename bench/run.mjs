// bundlescope benchmark (issues 6 and 21): `npm run bench` (full, long), `npm run bench -- --quick`
// (tiny, for CI) or `npm run bench -- --scale 0.01` (every input at 1 % of its full size).
//
// Generates deterministic inputs under bench-data/ (bench/gen.mjs), then measures, each as a child
// process under /usr/bin/time (wall, user+sys CPU of the child and its children, peak RSS):
//   - syslog, two shapes from two generators (central: 8 hosts, ~84 B/line; short: 400 hosts,
//     ~53 B/line, 0.6 % kernel lines): `bundlescope ingest`, lnav 0.11 (headless index + one SQL
//     count, when installed), DuckDB storing the raw lines (read_csv, one VARCHAR per line)
//   - rca and three canned reports on the central syslog database
//   - journal JSON, three shapes from three generators (full ~920 B entries; short ~420 B, 11
//     fields; container ~780 B with 1 % byte-array MESSAGEs) and the short entries again as
//     `journalctl -o export`: `bundlescope ingest`, DuckDB read_json (SELECT * into a table)
//   - a real-size sosreport .tar.xz (~1.5 GB of logs at full size): ingest + rca, lnav opening the
//     archive + one SQL count, `xz -dc ARCHIVE > /dev/null`, DuckDB storing the raw log lines
//   - growth: 1M / 5M / 20M syslog lines and short journal entries (time per line, peak RSS)
//   - floors: the parts of the syslog and journal ingests timed alone on the same files
//     (bench/floors.mjs) and an ingest of one line (the fixed start-up): what bounds each target
//   - a slabinfo snapshot log; fleet ingest of 50/100/200 sosreports (one process and --jobs 2);
//     large bundles as .tar and .tar.xz
// and checks what was loaded against the generators' truth. Results: DIR/results.json and
// DIR/results.md, every row with its shape, CPU s/GB and ratio to its reference, and issue 21's
// targets judged per row. Exits non-zero when any step fails.
//
// Options: --quick (tiny inputs)  --scale F (0 < F ≤ 1: every input F × its full size; data under
// bench-data/scale-F)  --only g1,g2 (groups: syslog, analysis, journal, sosreport, growth,
// floors, slab, fleet, bigfleet)  --data DIR  --no-lnav  --keep-db (keep the databases under DIR/db/)
// --render results.json (print the Markdown of an earlier run)  --no-update (a full run writes its
// tables into BENCHMARKS.md between the bench:latest markers unless told not to; --quick, --scale
// and --only never do)  --benchmarks FILE (write there instead)
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateAll } from './gen.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CLI = join(DIST, 'cli.js');
const NATIVE = join(ROOT, 'bench', 'native.mjs');
const FLOORS = join(ROOT, 'bench', 'floors.mjs');

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const QUICK = flag('--quick');
// --scale F: every input F times its full size (a few minutes at 0.01 for the whole pipeline).
const SCALE = Number(opt('--scale', '1'));
if (!(SCALE > 0 && SCALE <= 1)) {
  process.stderr.write(`--scale wants a number in (0, 1], got ${opt('--scale', '')}\n`);
  process.exit(2);
}
// --only g1,g2: run only these groups.
const GROUPS = ['syslog', 'analysis', 'journal', 'sosreport', 'growth', 'floors', 'slab', 'fleet', 'bigfleet'];
const ONLY = opt('--only', null)?.split(',').map((x) => x.trim()).filter(Boolean) ?? null;
if (ONLY && ONLY.some((g) => !GROUPS.includes(g))) {
  process.stderr.write(`--only: unknown group ${ONLY.filter((g) => !GROUPS.includes(g)).join(', ')}; the groups are ${GROUPS.join(', ')}\n`);
  process.exit(2);
}
const runs = (group) => !ONLY || ONLY.includes(group) || (group === 'bigfleet-xz' && ONLY.includes('bigfleet'));
const DATA = resolve(ROOT, opt('--data', QUICK ? 'bench-data/quick' : SCALE < 1 ? `bench-data/scale-${SCALE}` : 'bench-data'));
const FULL = {
  syslogLines: 5_000_000, syslogShortLines: 5_000_000,
  journalBytes: 520_000_000, journalShortBytes: 1_100_000_000, journalContainerBytes: 520_000_000,
  // ~1.5 GB of logs: 4 × 3M rotated + 3M current messages lines, 1.5M journalctl lines, dmesg, 28 days of sar
  sos: { currentLines: 3_000_000, rotatedLines: 3_000_000, journalLines: 1_500_000, dmesgLines: 10_000, sarDays: 28 },
  growthSyslog: [1_000_000, 5_000_000, 20_000_000], growthJournal: [1_000_000, 5_000_000, 20_000_000],
  slabSnapshots: 10_000, fleet: 200, fleetSizes: [50, 100, 200], bigFleet: 8, bigLines: 300_000,
};
const scaled = (f) => {
  const n = (x, min) => Math.max(min, Math.round(x * f));
  const uniq = (xs) => [...new Set(xs)];
  return {
    syslogLines: n(FULL.syslogLines, 2_000), syslogShortLines: n(FULL.syslogShortLines, 2_000),
    journalBytes: n(FULL.journalBytes, 200_000), journalShortBytes: n(FULL.journalShortBytes, 200_000), journalContainerBytes: n(FULL.journalContainerBytes, 200_000),
    sos: { currentLines: n(FULL.sos.currentLines, 1_000), rotatedLines: n(FULL.sos.rotatedLines, 1_000), journalLines: n(FULL.sos.journalLines, 500), dmesgLines: n(FULL.sos.dmesgLines, 100), sarDays: n(FULL.sos.sarDays, 2) },
    growthSyslog: uniq(FULL.growthSyslog.map((x) => n(x, 1_000))), growthJournal: uniq(FULL.growthJournal.map((x) => n(x, 1_000))),
    slabSnapshots: n(FULL.slabSnapshots, 10), fleet: n(FULL.fleet, 8), fleetSizes: FULL.fleetSizes.map((x) => n(x, x / 25)), // (2, 4, 8 at the least: three sizes stay three)
    bigFleet: n(FULL.bigFleet, 2), bigLines: n(FULL.bigLines, 1_000),
  };
};
const PARAMS = QUICK
  ? {
    syslogLines: 20_000, syslogShortLines: 20_000, journalBytes: 2_000_000, journalShortBytes: 1_000_000, journalContainerBytes: 1_000_000,
    sos: { currentLines: 10_000, rotatedLines: 5_000, journalLines: 2_000, dmesgLines: 200, sarDays: 2 },
    growthSyslog: [5_000, 20_000], growthJournal: [2_000, 5_000],
    slabSnapshots: 50, fleet: 4, fleetSizes: [2, 4], bigFleet: 2, bigLines: 2_000,
  }
  : SCALE < 1 ? scaled(SCALE) : FULL;

const failures = [];
const log = (s) => process.stderr.write(s + '\n');
const fail = (step, why) => {
  failures.push({ step, why });
  log(`FAILED    ${step}: ${why}`);
};

// ---------------------------------------------------------------------------------------------
// Measuring a child process

// (looked up again after scripts/bench-deps.sh may have installed it)
const findTime = () => ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p)) ?? null;
let TIME = findTime();

/**
 * Reads the files among a command's arguments once, untimed, so that every tool starts with its
 * input in the page cache: the bench runs bundlescope first on each input, and the inputs (17 GB in
 * all) do not all stay cached, so the reference run after it found the file cached and
 * bundlescope did not (0.8 s of 10 on the 1.1 GB journal, cold against warm; session 12).
 */
function warm(args) {
  const files = args.filter((a) => typeof a === 'string' && a.startsWith('/') && !a.startsWith(ROOT + '/dist') && !a.startsWith(ROOT + '/bench/')
    && (() => { try { return statSync(a).isFile(); } catch { return false; } })());
  if (files.length) spawnSync('cat', files, { stdio: ['ignore', 'ignore', 'ignore'] });
}

function loadavg() {
  return os.loadavg()[0];
}

/**
 * Run a command, return wall seconds, CPU seconds (user+sys), peak RSS (KiB), exit code and output.
 * Peak RSS from GNU time's %M, or (no GNU time) by polling /proc/<pid>/status VmHWM.
 */
async function measure(cmd, args, { env, cwd } = {}) {
  warm(args);
  const tmp = mkdtempSync(join(os.tmpdir(), 'bsbench-'));
  const tfile = join(tmp, 'time');
  const [file, fargs] = TIME ? [TIME, ['-f', '%e %U %S %M', '-o', tfile, cmd, ...args]] : [cmd, args];
  const load0 = loadavg();
  const t0 = process.hrtime.bigint();
  const child = spawn(file, fargs, { env: { ...process.env, ...env }, cwd: cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { if (stdout.length < 1 << 20) stdout += d; });
  child.stderr.on('data', (d) => { if (stderr.length < 1 << 20) stderr += d; });
  let hwm = 0;
  let poll = null;
  if (!TIME) {
    poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch { /* gone */ }
    }, 20);
  }
  const code = await new Promise((res) => child.on('close', (c) => res(c ?? 1)));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);
  let cpu = null;
  let rssKiB = hwm || null;
  if (TIME && existsSync(tfile)) {
    const lines = readFileSync(tfile, 'utf8').trim().split('\n');
    const last = lines[lines.length - 1].trim().split(/\s+/).map(Number);
    if (last.length === 4 && last.every(Number.isFinite)) {
      cpu = last[1] + last[2];
      rssKiB = last[3];
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  return { code, wall, cpu, rssKiB, stdout, stderr, load: [load0, loadavg()] };
}

/** Several commands at once (the fleet on two cores): wall of the whole, CPU summed, RSS max and sum. */
async function measureAll(jobs) {
  const t0 = process.hrtime.bigint();
  const rs = await Promise.all(jobs.map(([cmd, args, o]) => measure(cmd, args, o)));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    code: rs.find((r) => r.code !== 0)?.code ?? 0,
    wall,
    cpu: rs.every((r) => r.cpu != null) ? rs.reduce((a, r) => a + r.cpu, 0) : null,
    rssKiB: Math.max(...rs.map((r) => r.rssKiB ?? 0)) || null,
    rssSumKiB: rs.reduce((a, r) => a + (r.rssKiB ?? 0), 0) || null,
    stdout: rs.map((r) => r.stdout).join(''),
    stderr: rs.map((r) => r.stderr).join(''),
    load: [rs[0].load[0], loadavg()],
    parts: rs.map((r) => ({ wall: r.wall, cpu: r.cpu, rssKiB: r.rssKiB })),
  };
}

const node = process.execPath;
const results = { quick: QUICK, scale: QUICK ? null : SCALE, only: ONLY, params: PARAMS, steps: [] };
// Small inputs (--quick, --scale < 1): the fleet's --jobs rows need the override to use workers at all.
const SMALL = QUICK || SCALE < 1;

/** Two commands one after the other as one step (archive → rca answer): wall and CPU summed, RSS the larger. */
function seq(a, b) {
  if (!b) return { ...a, parts: [{ wall: a.wall, cpu: a.cpu, rssKiB: a.rssKiB }] }; // the first failed: no second part
  return {
    code: a.code !== 0 ? a.code : b.code, wall: a.wall + b.wall, cpu: a.cpu != null && b.cpu != null ? a.cpu + b.cpu : null,
    rssKiB: Math.max(a.rssKiB ?? 0, b.rssKiB ?? 0) || null, stdout: b.stdout, stderr: a.stderr + b.stderr, load: [a.load[0], b.load[1]],
    parts: [a, b].map((r) => ({ wall: r.wall, cpu: r.cpu, rssKiB: r.rssKiB })),
  };
}

/** lnav headless: index FILE, run one SQL count, print it. HOME and TMPDIR are fresh so nothing is reused (lnav unpacks archives under TMPDIR). */
async function lnavCount(file, sql) {
  const home = mkdtempSync(join(os.tmpdir(), 'bsbench-lnav-'));
  mkdirSync(join(home, 'tmp'));
  const r = await measure('lnav', ['-n', '-c', sql, file], { env: { HOME: home, TMPDIR: join(home, 'tmp') } });
  rmSync(home, { recursive: true, force: true });
  return r;
}
const LNAV_SQL = ';SELECT count(*) FROM syslog_log WHERE log_body LIKE "%time wait bucket table overflow%"';
const lnavNumber = (r) => /(\d+)\s*$/.exec(r.stdout.trim())?.[1] ?? 'none';

function record(group, name, m, extra = {}) {
  const row = { group, name, code: m.code, wall_s: m.wall, cpu_s: m.cpu, rss_mib: m.rssKiB != null ? m.rssKiB / 1024 : null, load: m.load, ...extra };
  if (m.rssSumKiB != null) row.rss_sum_mib = m.rssSumKiB / 1024;
  if (m.parts) row.parts = m.parts;
  results.steps.push(row);
  const tp = extra.bundles ? `  ${(extra.bundles / m.wall).toFixed(1)} bundles/s` : extra.mb ? `  ${(extra.mb / m.wall).toFixed(1)} MB/s` : '';
  const lp = extra.lines ? `  ${Math.round(extra.lines / m.wall).toLocaleString('en')} lines/s` : '';
  log(`${m.code === 0 ? 'ok       ' : 'FAILED   '} ${group.padEnd(8)} ${(extra.shape ?? '').padEnd(10)} ${name.padEnd(34)} ${m.wall.toFixed(2).padStart(8)} s  cpu ${m.cpu?.toFixed(1) ?? '?'} s  rss ${row.rss_mib?.toFixed(0) ?? '?'} MiB${tp}${lp}  (load ${m.load[0].toFixed(1)})`);
  if (m.code !== 0) fail(`${group}${extra.shape ? ' ' + extra.shape : ''} ${name}`, `exit code ${m.code}: ${(m.stderr || m.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return row;
}

async function cli(args) {
  return measure(node, [CLI, ...args]);
}

/** A query through the CLI (read-only), as JSON rows. */
async function query(db, sql) {
  const r = await measure(node, [CLI, 'query', sql, '--db', db, '--format', 'json']);
  if (r.code !== 0) throw new Error(`query failed (${r.code}): ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

function check(step, what, got, want) {
  const ok = Number(got) === Number(want);
  log(`${ok ? 'check ok ' : 'MISMATCH '} ${step}: ${what} = ${got}${ok ? '' : ` (expected ${want})`}`);
  if (!ok) fail(step, `${what} = ${got}, expected ${want}`);
  results.checks ??= [];
  results.checks.push({ step, what, got: Number(got), want: Number(want), ok });
}

function freshDb(name) {
  const p = join(DATA, 'db', name);
  mkdirSync(dirname(p), { recursive: true });
  for (const f of [p, p + '.wal']) rmSync(f, { force: true });
  return p;
}

const mb = (bytes) => bytes / 1e6;

// ---------------------------------------------------------------------------------------------

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return null;
  }
}

async function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const duckdb = String((await conn.runAndReadAll('SELECT version()')).getRows()[0][0]);
  conn.closeSync();
  inst.closeSync();
  const lnavPath = sh('sh', ['-c', 'command -v lnav']);
  const lnavVersion = lnavPath ? sh('lnav', ['-V'])?.split('\n')[0] ?? null : null;
  const nodeApi = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')).version;
  const commit = sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', 'src', 'sql']);
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    ram_gib: os.totalmem() / 2 ** 30,
    cpu: model,
    kernel: os.release(),
    node: process.version,
    duckdb,
    duckdb_node_api: nodeApi,
    lnav: lnavVersion,
    lnav_path: lnavPath,
    time: TIME ? 'GNU time %M' : 'VmHWM polling',
    commit: commit ? commit + (dirty ? ' (+ uncommitted changes in src/ or sql/)' : '') : null,
    loadavg_start: os.loadavg(),
  };
}

async function main() {
  const t0 = Date.now();
  if (!existsSync(CLI)) {
    log(`no ${relative(ROOT, CLI)}: run npm run build first`);
    process.exit(2);
  }
  // A full run compares with lnav and measures peak RSS with GNU time: install them when missing
  // (scripts/bench-deps.sh; a machine where that fails still benchmarks, lnav skipped by name).
  if (!QUICK && !flag('--no-lnav')) {
    const deps = spawnSync('bash', [join(ROOT, 'scripts', 'bench-deps.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (deps.status !== 0) log('bench-deps: could not install lnav / GNU time; going on without what is missing');
    TIME = findTime();
  }
  results.machine = await machine();
  const m = results.machine;
  log(`bundlescope bench${QUICK ? ' --quick' : ''}: ${m.nproc} cores, ${m.ram_gib.toFixed(0)} GiB, ${m.cpu}; node ${m.node}, duckdb ${m.duckdb}, lnav ${m.lnav ?? 'not installed'}; load ${m.loadavg_start.map((x) => x.toFixed(1)).join(' ')}`);
  const useLnav = !flag('--no-lnav') && m.lnav_path;
  if (!useLnav) log(`lnav: ${flag('--no-lnav') ? 'skipped (--no-lnav)' : 'not installed, skipped (apt-get install -y lnav)'}`);
  log(`data: ${DATA}`);

  const want = (key) => {
    // (the growth series' files are keyed growthSyslog<N>, growthJournal<N>)
    const group = key.startsWith('growth') ? 'growth' : { syslog: 'syslog', syslogShort: 'syslog', journal: 'journal', journalShort: 'journal', journalContainer: 'journal', sosreport: 'sosreport', growth: 'growth', slab: 'slab', fleet: 'fleet', bigfleet: 'bigfleet' }[key];
    // (the analysis runs on the central syslog database; the floors time parts of the syslog and journal ingests)
    return runs(group) || (key === 'syslog' && runs('analysis')) || (['syslog', 'journal'].includes(group) && runs('floors'));
  };
  const inputs = await generateAll(DATA, PARAMS, DIST, log, want);
  const rel = (v) => ({ ...v, files: undefined, log_files: undefined, file: relative(ROOT, v.file), stage: v.stage ? relative(ROOT, v.stage) : undefined, export_file: v.export_file ? relative(ROOT, v.export_file) : undefined });
  results.inputs = Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== 'growth').map(([k, v]) => [k, rel(v)]));
  if (inputs.growth) results.inputs.growth = { syslog: inputs.growth.syslog.map(rel), journal: inputs.growth.journal.map(rel) };

  // --- syslog, two shapes: bundlescope, lnav, DuckDB storing the raw lines ---------------------
  let r;
  let syDb = null;
  let syRow = null;
  for (const [shape, sy] of [['central', inputs.syslog], ['short', inputs.syslogShort]]) {
    if (!sy || !runs('syslog') && !(shape === 'central' && runs('analysis'))) continue;
    const db = freshDb(`syslog-${shape}.duckdb`);
    r = await cli(['ingest', sy.file, '--db', db]);
    const row = record('syslog', 'bundlescope ingest', r, { shape, mb: mb(sy.bytes), lines: sy.lines });
    if (r.code === 0) {
      row.db_mb = mb(statSync(db).size);
      const [c] = await query(db, "SELECT (SELECT count(*) FROM log_events) AS events, (SELECT count(*) FROM overflow_events WHERE kind = 'tcp_timewait_overflow' AND NOT suppressed) AS overflow, (SELECT coalesce(sum(count), 0) FROM overflow_events WHERE suppressed) AS suppressed, (SELECT count(*) FROM hosts) AS hosts");
      check(`syslog ${shape} ingest`, 'log_events rows', c.events, sy.lines);
      check(`syslog ${shape} ingest`, 'overflow lines', c.overflow, sy.overflow_lines);
      check(`syslog ${shape} ingest`, 'suppressed callbacks', c.suppressed, sy.suppressed);
      if (shape === 'short') check(`syslog ${shape} ingest`, 'hosts', c.hosts, sy.hosts);
    }
    if (shape === 'central') {
      syDb = db;
      syRow = row;
    } else if (!flag('--keep-db')) rmSync(db, { force: true });
    if (!runs('syslog')) continue;
    if (useLnav) {
      r = await lnavCount(sy.file, LNAV_SQL);
      record('syslog', 'lnav index + SQL count', r, { shape, mb: mb(sy.bytes), lines: sy.lines });
      if (r.code === 0) check(`lnav syslog ${shape}`, 'overflow lines (syslog_log.log_body LIKE)', lnavNumber(r), sy.overflow_lines);
    }
    const csvDb = freshDb('native-csv.duckdb');
    r = await measure(node, [NATIVE, 'csv', sy.file, csvDb]);
    record('syslog', 'duckdb read_csv (raw lines)', r, { shape, mb: mb(sy.bytes), lines: sy.lines });
    if (r.code === 0) check(`read_csv syslog ${shape}`, 'rows', JSON.parse(r.stdout).rows, sy.lines);
    rmSync(csvDb, { force: true });
  }

  // --- rca and canned reports on the central syslog database ----------------------------------
  if (syRow?.code === 0 && runs('analysis')) {
    for (const [name, args] of [
      ['rca', ['rca']],
      ['report sources', ['report', 'sources']],
      ['report overflow_timeline', ['report', 'overflow_timeline', '--format', 'csv']],
      ['report episodes', ['report', 'episodes']],
    ]) {
      r = await cli([...args, '--db', syDb]);
      record('analysis', name, r, { out_bytes: r.stdout.length });
      if (r.code === 0 && r.stdout.trim() === '') fail(`analysis ${name}`, 'empty output');
    }
  }

  // --- journal JSON, three shapes (+ the export format of the short one): bundlescope, read_json
  if (runs('journal')) {
    for (const [shape, jo] of [['full', inputs.journal], ['short', inputs.journalShort], ['container', inputs.journalContainer]]) {
      if (!jo) continue;
      const ingests = [['bundlescope ingest', jo.file, jo.bytes]];
      if (jo.export_file) ingests.push(['bundlescope ingest (export format)', jo.export_file, jo.export_bytes]);
      for (const [name, file, bytes] of ingests) {
        const db = freshDb(`journal-${shape}.duckdb`);
        r = await cli(['ingest', file, '--db', db]);
        const row = record('journal', name, r, { shape, mb: mb(bytes), lines: jo.entries });
        if (r.code === 0) {
          row.db_mb = mb(statSync(db).size);
          const [c] = await query(db, "SELECT (SELECT count(*) FROM log_events) AS events, (SELECT count(*) FROM overflow_events WHERE kind = 'tcp_timewait_overflow' AND NOT suppressed) AS overflow");
          const what = `journal ${shape}${name.includes('export') ? ' export' : ''} ingest`;
          check(what, 'log_events rows', c.events, jo.entries);
          check(what, 'overflow entries', c.overflow, jo.overflow_lines);
        }
        if (!flag('--keep-db')) rmSync(db, { force: true });
      }
      const jsonDb = freshDb('native-json.duckdb');
      r = await measure(node, [NATIVE, 'json', jo.file, jsonDb]);
      const nj = record('journal', 'duckdb read_json', r, { shape, mb: mb(jo.bytes), lines: jo.entries });
      if (r.code === 0) {
        nj.db_mb = mb(statSync(jsonDb).size);
        check(`read_json ${shape}`, 'rows', JSON.parse(r.stdout).rows, jo.entries);
      }
      rmSync(jsonDb, { force: true });
    }
  }

  // --- a real-size sosreport: archive → rca answer; lnav on the archive; xz -dc + DuckDB raw lines
  const so = inputs.sosreport;
  if (so && runs('sosreport')) {
    const ext = { shape: 'sosreport', mb: mb(so.log_bytes), lines: so.lines, archive_mb: mb(so.bytes) };
    const db = freshDb('sosreport.duckdb');
    const a = await cli(['ingest', so.file, '--db', db]);
    const b = a.code === 0 ? await cli(['rca', '--db', db]) : null;
    r = seq(a, b);
    record('sosreport', 'bundlescope ingest + rca', r, ext);
    if (a.code === 0) {
      const [c] = await query(db, "SELECT (SELECT count(*) FROM log_events) AS events, (SELECT count(*) FROM overflow_events WHERE kind = 'tcp_timewait_overflow' AND NOT suppressed) AS overflow, (SELECT count(*) FROM hosts) AS hosts");
      check('sosreport ingest', 'log_events rows', c.events, so.lines);
      check('sosreport ingest', 'overflow lines (messages* and dmesg)', c.overflow, so.overflow_total);
      check('sosreport ingest', 'hosts', c.hosts, 1);
    }
    if (b?.code === 0 && !/TIME_WAIT bucket table overflow/.test(b.stdout)) fail('sosreport rca', 'the rca does not name the TIME_WAIT overflow');
    if (b?.code === 0) {
      // The log copies are matched by the first reader of log_timeline, not by the ingest (the
      // verdict does not read them): that cost, moved out of the target's row, is timed here.
      r = await cli(['report', 'log_search', '--db', db, '--param', 'pattern=time wait bucket table overflow', '--format', 'json']);
      record('sosreport', 'bundlescope report log_search (first read: matches the log copies)', r, ext);
      if (r.code === 0) {
        const rows = JSON.parse(r.stdout);
        check('sosreport log_search', 'overflow events, each once (every copy in messages* and dmesg counted in copies)', rows.reduce((a, x) => a + x.copies, 0), so.overflow_total);
      }
    }
    if (!flag('--keep-db')) rmSync(db, { force: true });
    if (useLnav) {
      r = await lnavCount(so.file, LNAV_SQL);
      record('sosreport', 'lnav open archive + SQL count', r, ext);
      if (r.code === 0) check('lnav sosreport', 'overflow lines in messages* (syslog_log)', lnavNumber(r), so.overflow_lines);
    }
    r = await measure('sh', ['-c', `xz -dc '${so.file.replace(/'/g, "'\\''")}' > /dev/null`]);
    record('sosreport', 'xz -dc > /dev/null', r, ext);
    const rawDb = freshDb('native-lines.duckdb');
    r = await measure(node, [NATIVE, 'lines', rawDb, ...inputs.sosreport.log_files]);
    record('sosreport', 'duckdb read_csv (raw log lines)', r, { ...ext, lines: so.raw_lines });
    if (r.code === 0) check('read_csv sosreport logs', 'rows', JSON.parse(r.stdout).rows, so.raw_lines);
    rmSync(rawDb, { force: true });
  }

  // --- growth: the same generator at three sizes (time per line, peak RSS) ----------------------
  if (inputs.growth && runs('growth')) {
    for (const [kind, list] of [['syslog', inputs.growth.syslog], ['journal', inputs.growth.journal]]) {
      for (const g of list) {
        const db = freshDb(`growth-${kind}.duckdb`);
        r = await cli(['ingest', g.file, '--db', db]);
        const row = record('growth', `${kind} ${g.lines.toLocaleString('en')} ${kind === 'syslog' ? 'lines' : 'entries'}`, r, { shape: kind === 'syslog' ? 'central' : 'short', series: kind, mb: mb(g.bytes), lines: g.lines });
        if (r.code === 0) {
          const [c] = await query(db, "SELECT (SELECT count(*) FROM log_events) AS events, (SELECT count(*) FROM overflow_events WHERE kind = 'tcp_timewait_overflow' AND NOT suppressed) AS overflow");
          check(`growth ${kind} ${g.lines}`, 'log_events rows', c.events, g.lines);
          check(`growth ${kind} ${g.lines}`, 'overflow lines', c.overflow, g.overflow_lines);
        }
        rmSync(db, { force: true });
      }
    }
  }

  // --- floors: the parts of an ingest timed alone (bench/floors.mjs), and the fixed start-up ------
  // What bounds each missed target, measured in the same run (issue 21): the statements the ingest
  // runs, one at a time, on the same files; and `bundlescope ingest` of one line (process start,
  // DuckDB, the schema of a new database), the fixed part of every ingest's time.
  if (runs('floors')) {
    const one = join(DATA, 'db', 'one-line.log');
    mkdirSync(dirname(one), { recursive: true });
    writeFileSync(one, 'Mar  2 00:00:00 web01 CROND[1]: (root) CMD (true)\n');
    const db = freshDb('startup.duckdb');
    r = await cli(['ingest', one, '--db', db]);
    record('floors', 'bundlescope ingest of one line', r, { series: 'startup', lines: 1 });
    rmSync(db, { force: true });
    // (the part of that start-up no ingest can skip: node itself and loading DuckDB's library)
    r = await measure(node, ['--input-type=module', '-e', "await import('@duckdb/node-api')"]);
    record('floors', 'node + importing DuckDB', r, { series: 'runtime' });
    // (and a new database made ready for an ingest, no more: its schema, views and catalogue)
    const sdb = freshDb('schema.duckdb');
    r = await measure(node, ['--input-type=module', '-e',
      `const { openStore } = await import(${JSON.stringify(pathToFileURL(join(DIST, 'store', 'db.js')).href)}); (await openStore(${JSON.stringify(sdb)})).close();`]);
    record('floors', 'node + DuckDB + a new database\'s schema', r, { series: 'schema' });
    rmSync(sdb, { force: true });
    for (const [kind, shape, inp] of [['syslog', 'central', inputs.syslog], ['syslog', 'short', inputs.syslogShort],
      ['journal', 'full', inputs.journal], ['journal', 'short', inputs.journalShort], ['journal', 'container', inputs.journalContainer]]) {
      if (!inp) continue;
      const fdb = freshDb('floors.duckdb');
      const lines = inp.lines ?? inp.entries;
      r = await measure(node, [FLOORS, kind, inp.file, fdb]);
      const row = record('floors', `${kind} ingest, parts timed alone`, r, { shape, series: kind, mb: mb(inp.bytes), lines });
      if (r.code === 0) {
        const out = JSON.parse(r.stdout.trim().split('\n').pop());
        row.floor_parts = out.parts;
        check(`floors ${kind} ${shape}`, 'rows', out.rows, lines);
      }
      rmSync(fdb, { force: true });
    }
  }

  // --- slabinfo snapshot log ------------------------------------------------------------------
  const sl = inputs.slab;
  if (sl && runs('slab')) {
  const slDb = freshDb('slab.duckdb');
  r = await cli(['ingest', sl.file, '--host', 'web01', '--db', slDb]);
  record('slab', 'bundlescope ingest', r, { mb: mb(sl.bytes), lines: sl.lines, snapshots: sl.snapshots });
  if (r.code === 0) {
    const [c] = await query(slDb, 'SELECT count(*) AS rows, count(DISTINCT ts) AS snapshots FROM slab_samples');
    check('slab ingest', 'slab_samples rows', c.rows, sl.rows);
    check('slab ingest', 'snapshots', c.snapshots, sl.snapshots);
  }
  if (!flag('--keep-db')) rmSync(slDb, { force: true });
  }

  // --- fleet ----------------------------------------------------------------------------------
  // Each size is run FLEET_RUNS times, one process and --jobs 2 alternating, and the median run
  // is recorded (a single run of 2–5 s moved ±20 % with the machine, which made the linearity
  // judgement noise); every run's wall time is kept in the results (walls).
  const FLEET_RUNS = SMALL ? 1 : 3;
  if (inputs.fleet && runs('fleet')) {
  const files = inputs.fleet.files;
  const median = (rs) => [...rs].sort((a, b) => a.wall - b.wall)[Math.floor(rs.length / 2)];
  for (const n of PARAMS.fleetSizes) {
    const some = files.slice(0, n);
    const bytes = some.reduce((a, f) => a + statSync(f).size, 0);
    const ones = [];
    const twos = [];
    for (let k = 0; k < FLEET_RUNS; k++) {
      const one = freshDb(`fleet-${n}-1proc.duckdb`);
      r = await cli(['ingest', ...some, '--db', one]);
      ones.push(r);
      if (k === 0 && r.code === 0) check(`fleet ${n} 1 process`, 'hosts', (await query(one, 'SELECT count(*) AS n FROM hosts'))[0].n, n);
      rmSync(one, { force: true });
      // --jobs 2: two worker processes, each into its own temporary database, merged into one.
      const two = freshDb(`fleet-${n}-jobs2.duckdb`);
      // (BUNDLESCOPE_JOBS_MIN_BYTES=0: workers even for these small bundles, where the CLI would
      // otherwise use one process below 32 MB of archives.)
      r = await measure(node, [CLI, 'ingest', '--jobs', '2', ...some, '--db', two], { env: { BUNDLESCOPE_JOBS_MIN_BYTES: '0' } });
      twos.push(r);
      if (k === 0 && r.code === 0) check(`fleet ${n} --jobs 2`, 'hosts', (await query(two, 'SELECT count(*) AS n FROM hosts'))[0].n, n);
      rmSync(two, { force: true });
    }
    const failed = (rs) => rs.find((x) => x.code !== 0);
    const row1 = record('fleet', `${n} bundles, 1 process`, failed(ones) ?? median(ones), { bundles: n, mb: mb(bytes) });
    row1.processes = 1;
    row1.walls = ones.map((x) => x.wall);
    row1.rss_mib = Math.max(...ones.map((x) => (x.rssKiB ?? 0) / 1024)) || row1.rss_mib;
    const row2 = record('fleet', `${n} bundles, --jobs 2`, failed(twos) ?? median(twos), { bundles: n, mb: mb(bytes) });
    row2.processes = 2;
    row2.walls = twos.map((x) => x.wall);
    row2.rss_mib = Math.max(...twos.map((x) => (x.rssKiB ?? 0) / 1024)) || row2.rss_mib;
  }
  }
  // --- large bundles: where worker processes pay off -----------------------------------------
  const big = inputs.bigfleet;
  if (big && runs('bigfleet')) {
    const one = freshDb('bigfleet-1proc.duckdb');
    r = await cli(['ingest', ...big.files, '--db', one]);
    const row1 = record('bigfleet', `${big.count} large bundles, 1 process`, r, { bundles: big.count, mb: mb(big.bytes) });
    row1.processes = 1;
    const apiLines = big.count * big.lines - big.overflow;
    const apiSql = "SELECT count(*) AS n FROM log_events WHERE contains(message, '/api/v1/items/')";
    if (r.code === 0) check('bigfleet 1 process', 'generated log lines', (await query(one, apiSql))[0].n, apiLines);
    rmSync(one, { force: true });
    const two = freshDb('bigfleet-jobs2.duckdb');
    // No override here: these bundles are above the --jobs threshold, as a user's would be.
    r = await measure(node, [CLI, 'ingest', '--jobs', '2', ...big.files, '--db', two], SMALL ? { env: { BUNDLESCOPE_JOBS_MIN_BYTES: '0' } } : {});
    const row2 = record('bigfleet', `${big.count} large bundles, --jobs 2`, r, { bundles: big.count, mb: mb(big.bytes) });
    row2.processes = 2;
    if (r.code === 0) check('bigfleet --jobs 2', 'generated log lines', (await query(two, apiSql))[0].n, apiLines);
    rmSync(two, { force: true });
  }
  // --- the large bundles as .tar.xz: the xz program beside the parse, and lzma-native on the main thread
  const bx = inputs.bigfleetXz;
  if (bx && runs('bigfleet')) {
    const apiLines = bx.count * bx.lines - bx.overflow;
    const apiSql = "SELECT count(*) AS n FROM log_events WHERE contains(message, '/api/v1/items/')";
    for (const [name, env, jobs] of [
      [`${bx.count} large bundles .tar.xz, 1 process (xz program)`, {}, 1],
      [`${bx.count} large bundles .tar.xz, 1 process (BUNDLESCOPE_XZ=none: lzma-native)`, { BUNDLESCOPE_XZ: 'none' }, 1],
      [`${bx.count} large bundles .tar.xz, --jobs 2 (xz program)`, SMALL ? { BUNDLESCOPE_JOBS_MIN_BYTES: '0' } : {}, 2],
    ]) {
      const db = freshDb('bigfleet-xz.duckdb');
      r = await measure(node, [CLI, 'ingest', ...(jobs > 1 ? ['--jobs', String(jobs)] : []), ...bx.files, '--db', db], { env });
      const row = record('bigfleet-xz', name, r, { bundles: bx.count, mb: mb(bx.bytes) });
      row.processes = jobs;
      row.xz = env.BUNDLESCOPE_XZ ? 'lzma-native' : 'program';
      if (r.code === 0) check(`bigfleet-xz ${row.xz}${jobs > 1 ? ' --jobs 2' : ''}`, 'generated log lines', (await query(db, apiSql))[0].n, apiLines);
      rmSync(db, { force: true });
    }
  }
  if (syDb && !flag('--keep-db')) rmSync(syDb, { force: true });

  results.machine.loadavg_end = os.loadavg();
  results.elapsed_s = (Date.now() - t0) / 1000;
  results.failures = failures;
  results.targets = targets(results);
  writeFileSync(join(DATA, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const md = renderMarkdown(results);
  writeFileSync(join(DATA, 'results.md'), md);
  process.stdout.write(md);
  log(`\nresults: ${relative(ROOT, join(DATA, 'results.md'))}, ${relative(ROOT, join(DATA, 'results.json'))} (${results.elapsed_s.toFixed(0)} s)`);
  // A full run writes its tables into BENCHMARKS.md (between the markers; the rest of the file is
  // the hand-written history and analysis). --quick never does; --no-update skips it.
  if (!QUICK && SCALE === 1 && !ONLY && !flag('--no-update') && !failures.length) {
    const file = flag('--benchmarks') ? resolve(opt('--benchmarks', '')) : join(ROOT, 'docs', 'BENCHMARKS.md');
    log(`updated: ${relative(ROOT, file)} (${updateBenchmarks(file, md)})`);
  }
  if (failures.length) {
    log(`${failures.length} step(s) failed:`);
    for (const f of failures) log(`  ${f.step}: ${f.why}`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Targets and tables

const find = (res, group, name, shape) => res.steps.find((s) => s.group === group && s.name === name && (shape == null || s.shape === shape));
const ok = (s) => s && s.code === 0;
const x2 = (v) => (v == null || !Number.isFinite(v) ? '?' : `${v.toFixed(2)}×`);
const cpuRatio = (a, b) => (a?.cpu_s != null && b?.cpu_s ? a.cpu_s / b.cpu_s : null);

/**
 * Each bundlescope row against its reference (issue 21): the ratio of wall times the target is
 * judged on, and the same ratio of CPU-seconds beside it (less machine-bound). Returns, per step
 * index, { text, ratios: [{ ref, wall, cpu }] }.
 */
function comparisons(res) {
  const out = new Map();
  const put = (s, ref, wall, cpu, label) => {
    const c = out.get(s) ?? { ratios: [], text: [] };
    c.ratios.push({ ref, wall, cpu });
    c.text.push(`${label}: ${x2(wall)} (CPU ${x2(cpu)})`);
    out.set(s, c);
  };
  for (const s of res.steps) {
    if (!ok(s)) continue;
    if (s.group === 'syslog' && s.name === 'bundlescope ingest') {
      const ln = find(res, 'syslog', 'lnav index + SQL count', s.shape);
      const csv = find(res, 'syslog', 'duckdb read_csv (raw lines)', s.shape) ?? find(res, 'syslog', 'duckdb read_csv (1 column)');
      // throughput ratio: lnav's time over ours (≥ 1 = at least as fast as lnav)
      if (ok(ln)) put(s, 'lnav', ln.wall_s / s.wall_s, cpuRatio(ln, s), "lnav's throughput");
      if (ok(csv)) put(s, 'read_csv', s.wall_s / csv.wall_s, cpuRatio(s, csv), "DuckDB raw lines' time");
    } else if (s.group === 'journal' && s.name === 'bundlescope ingest') {
      const rj = find(res, 'journal', 'duckdb read_json', s.shape);
      if (ok(rj)) put(s, 'read_json', s.wall_s / rj.wall_s, cpuRatio(s, rj), "read_json's time");
    } else if (s.group === 'journal' && s.name === 'bundlescope ingest (export format)') {
      const js = find(res, 'journal', 'bundlescope ingest', s.shape);
      if (ok(js)) put(s, 'json', s.wall_s / js.wall_s, cpuRatio(s, js), 'the JSON of the same entries');
    } else if (s.group === 'sosreport' && s.name === 'bundlescope ingest + rca') {
      const ln = find(res, 'sosreport', 'lnav open archive + SQL count');
      const xz = find(res, 'sosreport', 'xz -dc > /dev/null');
      const raw = find(res, 'sosreport', 'duckdb read_csv (raw log lines)');
      if (ok(ln)) put(s, 'lnav', s.wall_s / ln.wall_s, cpuRatio(s, ln), "lnav's time");
      if (ok(xz) && ok(raw)) {
        const floor = { wall_s: xz.wall_s + raw.wall_s, cpu_s: xz.cpu_s != null && raw.cpu_s != null ? xz.cpu_s + raw.cpu_s : null };
        put(s, 'xz+raw', s.wall_s / floor.wall_s, cpuRatio(s, floor), `xz -dc + DuckDB raw lines (${floor.wall_s.toFixed(2)} s)`);
      }
    } else if (s.group === 'growth') {
      const first = res.steps.find((x) => x.group === 'growth' && x.series === s.series && ok(x));
      if (first && first !== s) put(s, 'first', (s.wall_s / s.lines) / (first.wall_s / first.lines), cpuRatio({ cpu_s: s.cpu_s / s.lines }, { cpu_s: first.cpu_s / first.lines }), `time per line vs ${first.lines.toLocaleString('en')}`);
    }
  }
  return out;
}

/** A row's shape; rows of runs before issue 21 have none (one shape of each input then). */
const shapeOf = (s) => s.shape ?? (s.group === 'journal' ? 'full' : 'central');

/**
 * The floor of one ingest measured in the same run (the floors group): the fixed start-up (an
 * ingest of one line) plus the CPU-seconds of the ingest's parts timed alone (bench/floors.mjs)
 * spread perfectly over the machine's cores — no ingest that does these parts can take less wall
 * time on this machine. Null when the floors group did not run.
 */
function floorOf(res, kind, shape) {
  const f = res.steps.find((x) => x.group === 'floors' && x.series === kind && x.shape === shape && ok(x) && x.floor_parts);
  const start = res.steps.find((x) => x.group === 'floors' && x.series === 'startup' && ok(x));
  if (!f || !start) return null;
  const cores = res.machine?.nproc ?? 2;
  const parts = Object.entries(f.floor_parts);
  const cpu = parts.reduce((a, [, p]) => a + p.cpu, 0);
  const wall = start.wall_s + cpu / cores;
  const text = `start-up ${start.wall_s.toFixed(2)} s + (${parts.map(([k, p]) => `${k} ${p.cpu.toFixed(2)}`).join(' + ')} CPU-s) / ${cores} cores = ${wall.toFixed(2)} s`;
  return { wall, text, parts: f.floor_parts };
}

function targets(res) {
  const out = [];
  const cmp = comparisons(res);
  const ratio = (s, ref) => cmp.get(s)?.ratios.find((r) => r.ref === ref);
  const judged = (target, s, ref, le, limit, missing, floor) => {
    const r = s && ratio(s, ref);
    if (!r) return out.push({ target, value: missing, met: null });
    const met = le ? r.wall <= limit : r.wall >= limit;
    // A floor's verdict: does the floor alone already miss the target?
    const fl = floor ? `${floor.text} → at best ${x2(floor.best)}${(le ? floor.best > limit : floor.best < limit) ? ' (the floor alone misses it)' : ' (within the target: not the bound)'}` : null;
    out.push({ target, value: `${x2(r.wall)} (CPU-s ${x2(r.cpu)})`, met, floor: fl });
  };
  // 1. syslog, every shape
  for (const s of res.steps.filter((x) => x.group === 'syslog' && x.name === 'bundlescope ingest')) {
    const f = floorOf(res, 'syslog', shapeOf(s));
    const ln = find(res, 'syslog', 'lnav index + SQL count', s.shape);
    const csv = find(res, 'syslog', 'duckdb read_csv (raw lines)', s.shape);
    judged(`syslog ${shapeOf(s)}: ≥ 1.0× lnav's throughput`, ok(s) && s, 'lnav', false, 1, ok(s) ? 'lnav not run' : 'a step failed',
      f && ok(ln) ? { ...f, best: ln.wall_s / f.wall } : null);
    judged(`syslog ${shapeOf(s)}: ≤ 2× DuckDB storing the raw lines`, ok(s) && s, 'read_csv', true, 2, 'a step failed',
      f && ok(csv) ? { ...f, best: f.wall / csv.wall_s } : null);
  }
  // 2. journal, every shape, and the export format
  for (const s of res.steps.filter((x) => x.group === 'journal' && x.name === 'bundlescope ingest')) {
    const f = floorOf(res, 'journal', shapeOf(s));
    const rj = find(res, 'journal', 'duckdb read_json', s.shape);
    judged(`journal ${shapeOf(s)}: ≤ 1.2× read_json (SELECT * into a table)`, ok(s) && s, 'read_json', true, 1.2, 'a step failed',
      f && ok(rj) ? { ...f, best: f.wall / rj.wall_s } : null);
  }
  for (const s of res.steps.filter((x) => x.group === 'journal' && x.name === 'bundlescope ingest (export format)')) {
    judged(`journal export (${s.shape} entries): ≤ 1.5× the JSON of the same entries`, ok(s) && s, 'json', true, 1.5, 'a step failed');
  }
  // 3. the real-size sosreport
  const so = find(res, 'sosreport', 'bundlescope ingest + rca');
  if (so) {
    judged('sosreport: archive → rca answer ≤ lnav opening the archive + one SQL count', ok(so) && so, 'lnav', true, 1, ok(so) ? 'lnav not run' : 'a step failed');
    judged('sosreport: archive → rca answer ≤ 2× (xz -dc + DuckDB storing the raw log lines)', ok(so) && so, 'xz+raw', true, 2, 'a step failed');
  }
  // 4. growth: time per line within ±15 % of the smallest size's, peak RSS flat (the largest within
  // 15 % of the smallest) and under 1 GB
  for (const series of ['syslog', 'journal']) {
    const g = res.steps.filter((x) => x.group === 'growth' && x.series === series);
    if (!g.length) continue;
    const target = `growth ${series}: time per line within ±15 % across ${g.map((x) => x.lines.toLocaleString('en')).join(' / ')}, peak RSS flat and < 1 GB`;
    if (!g.every(ok) || g.length < 2) {
      out.push({ target, value: g.length < 2 ? 'fewer than two sizes' : 'a step failed', met: null });
      continue;
    }
    const per = g.map((x) => (x.wall_s / x.lines) * 1e6);
    const rel = per.map((x) => x / per[0]);
    const rss = g.map((x) => x.rss_mib * 1.048576);
    // The fixed part of every ingest (an ingest of one line) weighs on the smallest size most:
    // time per line without it, to tell a fixed cost from growth.
    const start = res.steps.find((x) => x.group === 'floors' && x.series === 'startup' && ok(x));
    const net = start ? g.map((x) => ((x.wall_s - start.wall_s) / x.lines) * 1e6) : null;
    // The fixed part the criterion allows: the smallest size's time per line may exceed the
    // largest's by 1/0.85 at most, so the fixed seconds ≤ lines₀ × (net_last / 0.85 − net₀) µs.
    // Against it, what no ingest can skip: node and loading DuckDB's library, then a new database
    // made ready for an ingest (openStore: schema, views, catalogue), measured.
    const runtime = res.steps.find((x) => x.group === 'floors' && x.series === 'runtime' && ok(x));
    const schema = res.steps.find((x) => x.group === 'floors' && x.series === 'schema' && ok(x));
    const allowed = net ? (g[0].lines * (net[net.length - 1] / 0.85 - net[0])) / 1e6 : null;
    const verdict = (x) => `${x.wall_s.toFixed(2)} s${x.wall_s > allowed ? ' (the floor alone misses it)' : ' (within it: not the bound)'}`;
    const rt = !net || !runtime ? ''
      : allowed < 0 ? '; the time per line without the start-up already differs by more than 15 %: not a fixed cost'
        : `; ±15 % allows a fixed part of at most ${allowed.toFixed(2)} s at ${g[0].lines.toLocaleString('en')} lines: node + importing DuckDB alone take ${verdict(runtime)}`
          + (schema ? `, with a new database made ready (schema, views, catalogue) ${verdict(schema)}` : '');
    out.push({
      target,
      value: `µs/line ${per.map((x) => x.toFixed(2)).join(' / ')} (${rel.map((x) => x.toFixed(2)).join(' / ')}× the first); peak RSS ${rss.map((x) => x.toFixed(0)).join(' / ')} MB`,
      met: rel.every((x) => x >= 0.85 && x <= 1.15) && rss[rss.length - 1] <= rss[0] * 1.15 && rss.every((x) => x < 1000),
      floor: net ? `without the fixed start-up (${start.wall_s.toFixed(2)} s, an ingest of one line): µs/line ${net.map((x) => x.toFixed(2)).join(' / ')} (${net.map((x) => (x / net[0]).toFixed(2)).join(' / ')}× the first)${rt}` : null,
    });
  }
  // Issue 6's targets that still stand
  const bsRuns = res.steps.filter((s) => s.name.startsWith('bundlescope') || s.group === 'growth' || s.group === 'fleet' || s.group === 'bigfleet' || s.group === 'bigfleet-xz' || s.group === 'analysis');
  if (bsRuns.length) {
    const peak = Math.max(...bsRuns.map((s) => s.rss_mib ?? 0));
    const peakStep = bsRuns.find((s) => s.rss_mib === peak);
    out.push({ target: 'peak RSS < 1 GB (1000 MB) for every bundlescope run (issue 6)', value: `${(peak * 1.048576).toFixed(0)} MB (${peakStep?.group} ${peakStep?.shape ?? ''} ${peakStep?.name})`.replace('  ', ' '), met: peak * 1.048576 < 1000 });
  }
  const an = res.steps.filter((s) => s.group === 'analysis');
  if (an.length) {
    const worst = an.reduce((a, b) => (b.wall_s > a.wall_s ? b : a));
    out.push({ target: `rca and each canned report < 2 s on the ${res.params.syslogLines.toLocaleString('en')}-line database (issue 6)`, value: `slowest: ${worst.name} ${worst.wall_s.toFixed(2)} s`, met: an.every((s) => s.code === 0 && s.wall_s < 2) });
  }
  const fl = res.steps.filter((s) => s.group === 'fleet' && s.processes === 2 && s.code === 0);
  const f1 = res.steps.filter((s) => s.group === 'fleet' && s.processes === 1 && s.code === 0);
  if (fl.length >= 2) {
    // Linear = a fixed start-up cost plus the same cost per bundle: the marginal cost per bundle
    // between successive sizes stays within ±25 %.
    const marg = [];
    for (let k = 1; k < fl.length; k++) marg.push((fl[k].wall_s - fl[k - 1].wall_s) / (fl[k].bundles - fl[k - 1].bundles));
    const spread = Math.max(...marg) / Math.min(...marg);
    const big = fl[fl.length - 1];
    const single = f1.find((s) => s.bundles === big.bundles);
    const speedup = single ? single.wall_s / big.wall_s : null;
    const marg1 = [];
    for (let k = 1; k < f1.length; k++) marg1.push((f1[k].wall_s - f1[k - 1].wall_s) / (f1[k].bundles - f1[k - 1].bundles));
    const one = f1.length >= 2
      ? `; 1 process: ${f1.map((s) => `${s.bundles} in ${s.wall_s.toFixed(1)} s`).join(', ')}, marginal ${marg1.map((x) => (x * 1000).toFixed(0) + ' ms').join(' / ')} (max/min ${(Math.max(...marg1) / Math.min(...marg1)).toFixed(2)}), CPU/wall at ${f1[f1.length - 1].bundles} ${(f1[f1.length - 1].cpu_s / f1[f1.length - 1].wall_s).toFixed(2)} cores`
      : '';
    const b1 = res.steps.find((s) => s.group === 'bigfleet' && s.processes === 1 && s.code === 0);
    const b2 = res.steps.find((s) => s.group === 'bigfleet' && s.processes === 2 && s.code === 0);
    const x1 = res.steps.find((s) => s.group === 'bigfleet-xz' && s.xz === 'program' && s.processes === 1 && s.code === 0);
    const x2 = res.steps.find((s) => s.group === 'bigfleet-xz' && s.processes === 2 && s.code === 0);
    const large = (b1 && b2 ? `; large bundles (${b1.bundles}): --jobs 2 ${(b1.wall_s / b2.wall_s).toFixed(2)}× one process, ${(b2.cpu_s / b2.wall_s).toFixed(2)} cores busy (one process ${(b1.cpu_s / b1.wall_s).toFixed(2)})` : '')
      + (x1 && x2 ? `; as .tar.xz: --jobs 2 ${(x1.wall_s / x2.wall_s).toFixed(2)}× one process, ${(x2.cpu_s / x2.wall_s).toFixed(2)} cores busy (one process ${(x1.cpu_s / x1.wall_s).toFixed(2)})` : '');
    out.push({
      target: 'fleet: both cores used, time linear in bundles (issue 6)',
      value: `--jobs 2: ${fl.map((s) => `${s.bundles} in ${s.wall_s.toFixed(1)} s`).join(', ')}; marginal ${marg.map((x) => (x * 1000).toFixed(0) + ' ms').join(' / ')} per bundle (max/min ${spread.toFixed(2)}); --jobs 2 vs 1 at ${big.bundles}: ${speedup ? speedup.toFixed(2) + '×' : '?'}${one}${large}`,
      met: marg.every((x) => x > 0) && spread <= 1.25 && (speedup ?? 0) >= 1.5,
    });
  }
  return out;
}

export const LATEST_START = '<!-- bench:latest:start (written by npm run bench; edit outside the markers) -->';
export const LATEST_END = '<!-- bench:latest:end -->';

/** Puts `md` between the markers of `file` (after its "## Results" heading when they are missing). */
export function updateBenchmarks(file, md) {
  const block = `${LATEST_START}\n\n${md.trim()}\n\n${LATEST_END}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n## Results\n\n';
  const i = text.indexOf(LATEST_START);
  const j = text.indexOf(LATEST_END);
  if (i >= 0 && j > i) {
    text = text.slice(0, i) + block + text.slice(j + LATEST_END.length);
  } else {
    const h = text.indexOf('## Results\n');
    const at = h >= 0 ? h + '## Results\n'.length : text.length;
    text = `${text.slice(0, at)}\n### Latest run\n\n${block}\n${text.slice(at)}`;
  }
  writeFileSync(file, text);
  return i >= 0 && j > i ? 'latest run replaced' : 'latest run added';
}

const f1 = (x, d = 1) => (x == null ? '–' : x.toFixed(d));

function renderMarkdown(res) {
  const m = res.machine;
  const L = [];
  const size = res.quick ? ' (--quick)' : res.scale && res.scale < 1 ? ` (--scale ${res.scale})` : '';
  L.push(`### Run ${m.date.slice(0, 16).replace('T', ' ')} UTC${size}${res.only ? ` (--only ${res.only.join(',')})` : ''}`);
  L.push('');
  L.push(`Machine: ${m.nproc} cores (${m.cpu}), ${m.ram_gib.toFixed(1)} GiB RAM, Linux ${m.kernel}. Node ${m.node}, DuckDB ${m.duckdb} (@duckdb/node-api ${m.duckdb_node_api}), ${m.lnav ?? 'lnav not installed'}. bundlescope ${m.commit ?? '?'}. Peak RSS by ${m.time}.`);
  L.push(`Load average (1/5/15 min) at start ${m.loadavg_start.map((x) => x.toFixed(1)).join(' / ')}, at end ${m.loadavg_end.map((x) => x.toFixed(1)).join(' / ')}; the "load" column is the 1-minute load when each step started (above ${m.nproc} the machine was shared).`);
  L.push('');
  const i = res.inputs;
  const n = (x) => (x ?? 0).toLocaleString('en');
  L.push('| input | shape | size | lines / entries | content |');
  L.push('|---|---|--:|--:|---|');
  if (i.syslog) L.push(`| syslog \`${i.syslog.file}\` | central | ${f1(mb(i.syslog.bytes))} MB | ${n(i.syslog.lines)} | genSyslog: RFC 3164, UTC, ${i.syslog.hosts} hosts, ${f1(i.syslog.bytes / i.syslog.lines, 0)} B/line, ${i.syslog.episodes} overflow episodes, ${n(i.syslog.overflow_lines)} overflow lines, ${n(i.syslog.ratelimit_lines)} net_ratelimit lines |`);
  if (i.syslogShort) L.push(`| syslog \`${i.syslogShort.file}\` | short | ${f1(mb(i.syslogShort.bytes))} MB | ${n(i.syslogShort.lines)} | genSyslogShort: RFC 3164, UTC, ${i.syslogShort.hosts} hosts, ${f1(i.syslogShort.bytes / i.syslogShort.lines, 0)} B/line, ${(100 * i.syslogShort.kernel_lines / i.syslogShort.lines).toFixed(2)} % kernel lines, ${n(i.syslogShort.overflow_lines)} overflow lines |`);
  if (i.journal) L.push(`| journal \`${i.journal.file}\` | full | ${f1(mb(i.journal.bytes))} MB | ${n(i.journal.entries)} | genJournalJson: journalctl -o json, ${f1(i.journal.bytes / i.journal.entries, 0)} B/entry, ${n(i.journal.overflow_lines)} overflow entries |`);
  if (i.journalShort) L.push(`| journal \`${i.journalShort.file}\` (+ \`${i.journalShort.export_file}\`, ${f1(mb(i.journalShort.export_bytes))} MB) | short | ${f1(mb(i.journalShort.bytes))} MB | ${n(i.journalShort.entries)} | genJournalShort: 11 fields, ${f1(i.journalShort.bytes / i.journalShort.entries, 0)} B/entry, ${n(i.journalShort.overflow_lines)} overflow entries; the same entries as journalctl -o export |`);
  if (i.journalContainer) L.push(`| journal \`${i.journalContainer.file}\` | container | ${f1(mb(i.journalContainer.bytes))} MB | ${n(i.journalContainer.entries)} | genJournalContainer: 18 fields, ${f1(i.journalContainer.bytes / i.journalContainer.entries, 0)} B/entry, ${n(i.journalContainer.byte_array_messages)} byte-array MESSAGEs, ${n(i.journalContainer.overflow_lines)} overflow entries |`);
  if (i.sosreport) L.push(`| sosreport \`${i.sosreport.file}\` | sosreport | ${f1(mb(i.sosreport.bytes))} MB (.tar.xz), ${f1(mb(i.sosreport.log_bytes))} MB of logs | ${n(i.sosreport.lines)} | genSosreportBig: web01 sample (sos 4.x layout, sos_commands, proc) + messages and 4 rotated .gz, journalctl text, dmesg, ${i.sosreport.sar_days} sar files; ${n(i.sosreport.overflow_lines)} overflow lines in messages*; MB/s and CPU s/GB of its rows count the logs' uncompressed bytes |`);
  if (i.growth) {
    for (const g of i.growth.syslog) L.push(`| growth \`${g.file}\` | central | ${f1(mb(g.bytes))} MB | ${n(g.lines)} | genSyslog |`);
    for (const g of i.growth.journal) L.push(`| growth \`${g.file}\` | short | ${f1(mb(g.bytes))} MB | ${n(g.entries)} | genJournalShort |`);
  }
  if (i.slab) L.push(`| slabinfo \`${i.slab.file}\` | | ${f1(mb(i.slab.bytes))} MB | ${n(i.slab.lines)} | ${n(i.slab.snapshots)} snapshots × ${i.slab.caches} caches |`);
  if (i.fleet) L.push(`| fleet \`${i.fleet.file}/\` | | ${f1(mb(i.fleet.bytes))} MB | ${i.fleet.count} bundles | .tar.xz from the web01/app02/db01 sample specs |`);
  if (i.bigfleet) L.push(`| large bundles \`${i.bigfleet.file}/\` | | ${f1(mb(i.bigfleet.bytes))} MB | ${i.bigfleet.count} bundles | .tar, web01 spec + ${n(i.bigfleet.lines)} messages lines each, ${n(i.bigfleet.overflow)} overflow lines in all |`);
  if (i.bigfleetXz) L.push(`| large bundles, xz \`${i.bigfleetXz.file}/\` | | ${f1(mb(i.bigfleetXz.bytes))} MB | ${i.bigfleetXz.count} bundles | the same bundles as .tar.xz (xz -6) |`);
  L.push('');
  L.push('Ratios: "lnav\'s throughput" is lnav\'s time over bundlescope\'s (≥ 1 = faster than lnav); every other ratio is bundlescope\'s time over the reference\'s (≤ 1 = faster). "CPU" is the same ratio of CPU-seconds (user + sys of the child and its children).');
  L.push('');
  L.push('| step | what | shape | wall s | CPU s | CPU s/GB | peak RSS MiB | MB/s | lines/s | vs reference | load |');
  L.push('|---|---|---|--:|--:|--:|--:|--:|--:|---|--:|');
  const cmp = comparisons(res);
  for (const s of res.steps) {
    const vs = [];
    if (cmp.has(s)) vs.push(...cmp.get(s).text);
    if (s.group === 'bigfleet') {
      const one = res.steps.find((x) => x.group === 'bigfleet' && x.processes === 1 && x.code === 0);
      vs.push(`${(s.wall_s / s.bundles).toFixed(2)} s/bundle${s.processes === 2 && one ? `; ${(one.wall_s / s.wall_s).toFixed(2)}× one process` : ''}`);
    } else if (s.group === 'bigfleet-xz') {
      const lib = res.steps.find((x) => x.group === 'bigfleet-xz' && x.xz === 'lzma-native' && x.code === 0);
      const one = res.steps.find((x) => x.group === 'bigfleet-xz' && x.xz === 'program' && x.processes === 1 && x.code === 0);
      vs.push(`${(s.wall_s / s.bundles).toFixed(2)} s/bundle${s.xz === 'program' && s.processes === 1 && lib ? `; ${(lib.wall_s / s.wall_s).toFixed(2)}× lzma-native` : ''}${s.processes === 2 && one ? `; ${(one.wall_s / s.wall_s).toFixed(2)}× one process, ${(s.cpu_s / s.wall_s).toFixed(2)} cores busy` : ''}`);
    } else if (s.group === 'fleet') {
      vs.push(`${(s.bundles / s.wall_s).toFixed(1)} bundles/s, ${(s.wall_s / s.bundles * 1000).toFixed(0)} ms/bundle${s.walls?.length > 1 ? `; median of ${s.walls.map((w) => w.toFixed(2)).join(' / ')} s` : ''}${s.rss_sum_mib ? `; RSS of both ${s.rss_sum_mib.toFixed(0)} MiB` : ''}`);
    } else if (s.group === 'sosreport' && s.parts) {
      vs.push(s.parts.length > 1 ? `ingest ${s.parts[0].wall.toFixed(2)} s + rca ${s.parts[1].wall.toFixed(2)} s` : 'ingest failed: no rca');
    } else if (s.group === 'growth') {
      vs.push(`${((s.wall_s / s.lines) * 1e6).toFixed(2)} µs/line`);
    } else if (s.group === 'floors' && s.floor_parts) {
      vs.push(`alone: ${Object.entries(s.floor_parts).map(([k, p]) => `${k} ${p.wall.toFixed(2)} s / ${p.cpu.toFixed(1)} CPU-s`).join(', ')} (the process's time includes untimed set-up)`);
    }
    if (s.db_mb) vs.push(`database ${s.db_mb.toFixed(0)} MB`);
    const gb = s.mb && s.group !== 'fleet' ? s.mb / 1000 : null;
    L.push(`| ${s.group} | ${s.name}${s.code !== 0 ? ` **(exit ${s.code})**` : ''} | ${s.shape ?? ''} | ${s.wall_s.toFixed(2)} | ${f1(s.cpu_s)} | ${gb && s.cpu_s != null ? (s.cpu_s / gb).toFixed(1) : ''} | ${f1(s.rss_mib, 0)} | ${gb ? (s.mb / s.wall_s).toFixed(1) : ''} | ${s.lines ? Math.round(s.lines / s.wall_s).toLocaleString('en') : ''} | ${vs.join('; ')} | ${s.load[0].toFixed(1)} |`);
  }
  L.push('');
  L.push('Floor: the fixed start-up (an ingest of one line) plus the CPU-seconds of the ingest\'s parts timed alone on the same file (bench/floors.mjs: syslog hash · read · parse · store; journal hash · insert · number) over the cores, measured in this run: the least wall time an ingest doing those parts can take here.');
  L.push('');
  L.push('| target | result | met | measured floor (this run) |');
  L.push('|---|---|---|---|');
  const why = res.quick ? 'n/a (--quick: tiny inputs, process start-up dominates)' : res.scale && res.scale < 1 ? `n/a (--scale ${res.scale}: reduced inputs; the targets are judged at full size)` : null;
  for (const t of res.targets) L.push(`| ${t.target} | ${t.value} | ${why ?? (t.met == null ? 'not measured' : t.met ? 'met' : '**missed**')} | ${t.floor ?? ''} |`);
  L.push('');
  const bad = (res.checks ?? []).filter((c) => !c.ok);
  L.push(`Checks against the generators' truth: ${(res.checks ?? []).length - bad.length}/${(res.checks ?? []).length} passed${bad.length ? ': ' + bad.map((c) => `${c.step} ${c.what} ${c.got} ≠ ${c.want}`).join('; ') : ''}. Total bench time ${res.elapsed_s.toFixed(0)} s.`);
  L.push('');
  return L.join('\n');
}

if (opt('--render', null)) {
  // Re-render the Markdown of an earlier results.json (targets recomputed with this script).
  const res = JSON.parse(readFileSync(resolve(opt('--render', null)), 'utf8'));
  res.targets = targets(res);
  const md = renderMarkdown(res);
  process.stdout.write(md);
  // With --benchmarks FILE: also put it in FILE between the markers (as a full run does).
  if (flag('--benchmarks')) log(`updated: ${opt('--benchmarks', '')} (${updateBenchmarks(resolve(opt('--benchmarks', '')), md)})`);
} else main().catch((e) => {
  log(e?.stack ?? String(e));
  process.exit(1);
});
