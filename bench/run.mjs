// bundlescope benchmark (issue 6): `npm run bench` (full, long) or `npm run bench -- --quick`.
//
// Generates deterministic inputs under bench-data/ (bench/gen.mjs), then measures, each as a child
// process under /usr/bin/time (wall, user+sys CPU, peak RSS):
//   - `bundlescope ingest` of a central syslog file, a journal JSON export, a slabinfo snapshot log
//   - lnav 0.11 on the same syslog file (headless index + one SQL count), when installed
//   - DuckDB's own readers on the same files (read_csv one column, read_json) via @duckdb/node-api
//   - rca and three canned reports on the syslog database
//   - fleet ingest of 50/100/200 sosreports: one process, and `ingest --jobs 2` (two workers merged into one database)
// and checks what was loaded against the generators' truth. Results: DIR/results.json and
// DIR/results.md. Exits non-zero when any step fails.
//
// Options: --quick (tiny inputs, < 1 min)  --data DIR  --no-lnav  --keep-db (keep the syslog, journal
// and slab databases under DIR/db/)  --render results.json (print the Markdown of an earlier run)
// --no-update (a full run writes its tables into BENCHMARKS.md between the bench:latest markers
// unless told not to)  --benchmarks FILE (write there instead)
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAll } from './gen.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CLI = join(DIST, 'cli.js');
const NATIVE = join(ROOT, 'bench', 'native.mjs');

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const QUICK = flag('--quick');
const DATA = resolve(ROOT, opt('--data', QUICK ? 'bench-data/quick' : 'bench-data'));
const PARAMS = QUICK
  ? { syslogLines: 20_000, journalBytes: 2_000_000, slabSnapshots: 50, fleet: 4, fleetSizes: [2, 4], bigFleet: 2, bigLines: 2_000 }
  : { syslogLines: 5_000_000, journalBytes: 520_000_000, slabSnapshots: 10_000, fleet: 200, fleetSizes: [50, 100, 200], bigFleet: 8, bigLines: 300_000 };

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

function loadavg() {
  return os.loadavg()[0];
}

/**
 * Run a command, return wall seconds, CPU seconds (user+sys), peak RSS (KiB), exit code and output.
 * Peak RSS from GNU time's %M, or (no GNU time) by polling /proc/<pid>/status VmHWM.
 */
async function measure(cmd, args, { env, cwd } = {}) {
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
const results = { quick: QUICK, params: PARAMS, steps: [] };

function record(group, name, m, extra = {}) {
  const row = { group, name, code: m.code, wall_s: m.wall, cpu_s: m.cpu, rss_mib: m.rssKiB != null ? m.rssKiB / 1024 : null, load: m.load, ...extra };
  if (m.rssSumKiB != null) row.rss_sum_mib = m.rssSumKiB / 1024;
  if (m.parts) row.parts = m.parts;
  results.steps.push(row);
  const tp = extra.bundles ? `  ${(extra.bundles / m.wall).toFixed(1)} bundles/s` : extra.mb ? `  ${(extra.mb / m.wall).toFixed(1)} MB/s` : '';
  const lp = extra.lines ? `  ${Math.round(extra.lines / m.wall).toLocaleString('en')} lines/s` : '';
  log(`${m.code === 0 ? 'ok       ' : 'FAILED   '} ${group.padEnd(8)} ${name.padEnd(34)} ${m.wall.toFixed(2).padStart(8)} s  cpu ${m.cpu?.toFixed(1) ?? '?'} s  rss ${row.rss_mib?.toFixed(0) ?? '?'} MiB${tp}${lp}  (load ${m.load[0].toFixed(1)})`);
  if (m.code !== 0) fail(`${group} ${name}`, `exit code ${m.code}: ${(m.stderr || m.stdout).trim().split('\n').slice(-3).join(' | ')}`);
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

  const inputs = await generateAll(DATA, PARAMS, DIST, log);
  results.inputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { ...v, files: undefined, file: relative(ROOT, v.file) }]));

  // --- syslog -------------------------------------------------------------------------------
  const sy = inputs.syslog;
  const syDb = freshDb('syslog.duckdb');
  let r = await cli(['ingest', sy.file, '--db', syDb]);
  const syRow = record('syslog', 'bundlescope ingest', r, { mb: mb(sy.bytes), lines: sy.lines });
  if (r.code === 0) {
    syRow.db_mb = mb(statSync(syDb).size);
    const [c] = await query(syDb, "SELECT (SELECT count(*) FROM log_events) AS events, (SELECT count(*) FROM overflow_events WHERE kind = 'tcp_timewait_overflow' AND NOT suppressed) AS overflow, (SELECT coalesce(sum(count), 0) FROM overflow_events WHERE suppressed) AS suppressed");
    check('syslog ingest', 'log_events rows', c.events, sy.lines);
    check('syslog ingest', 'overflow lines', c.overflow, sy.overflow_lines);
    check('syslog ingest', 'suppressed callbacks', c.suppressed, sy.suppressed);
  }
  if (useLnav) {
    const home = mkdtempSync(join(os.tmpdir(), 'bsbench-lnav-'));
    r = await measure('lnav', ['-n', '-c', ';SELECT count(*) FROM syslog_log WHERE log_body LIKE "%time wait bucket table overflow%"', sy.file], { env: { HOME: home } });
    record('syslog', 'lnav index + SQL count', r, { mb: mb(sy.bytes), lines: sy.lines });
    rmSync(home, { recursive: true, force: true });
    if (r.code === 0) {
      const n = /(\d+)\s*$/.exec(r.stdout.trim())?.[1];
      check('lnav', 'overflow lines (syslog_log.log_body LIKE)', n ?? 'none', sy.overflow_lines);
    }
  }
  const csvDb = freshDb('native-csv.duckdb');
  r = await measure(node, [NATIVE, 'csv', sy.file, csvDb]);
  record('syslog', 'duckdb read_csv (1 column)', r, { mb: mb(sy.bytes), lines: sy.lines });
  if (r.code === 0) check('read_csv', 'rows', JSON.parse(r.stdout).rows, sy.lines);
  rmSync(csvDb, { force: true });

  // --- rca and canned reports on the syslog database ------------------------------------------
  if (syRow.code === 0) {
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

  // --- journal JSON ---------------------------------------------------------------------------
  const jo = inputs.journal;
  const joDb = freshDb('journal.duckdb');
  r = await cli(['ingest', jo.file, '--db', joDb]);
  const joRow = record('journal', 'bundlescope ingest', r, { mb: mb(jo.bytes), lines: jo.lines });
  if (r.code === 0) {
    joRow.db_mb = mb(statSync(joDb).size);
    const [c] = await query(joDb, "SELECT (SELECT count(*) FROM log_events) AS events, (SELECT count(*) FROM overflow_events WHERE kind = 'tcp_timewait_overflow' AND NOT suppressed) AS overflow");
    check('journal ingest', 'log_events rows', c.events, jo.entries);
    check('journal ingest', 'overflow entries', c.overflow, jo.overflow_lines);
  }
  if (!flag('--keep-db')) rmSync(joDb, { force: true });
  const jsonDb = freshDb('native-json.duckdb');
  r = await measure(node, [NATIVE, 'json', jo.file, jsonDb]);
  const nj = record('journal', 'duckdb read_json', r, { mb: mb(jo.bytes), lines: jo.lines });
  if (r.code === 0) {
    nj.db_mb = mb(statSync(jsonDb).size);
    check('read_json', 'rows', JSON.parse(r.stdout).rows, jo.entries);
  }
  rmSync(jsonDb, { force: true });

  // --- slabinfo snapshot log ------------------------------------------------------------------
  const sl = inputs.slab;
  const slDb = freshDb('slab.duckdb');
  r = await cli(['ingest', sl.file, '--host', 'web01', '--db', slDb]);
  record('slab', 'bundlescope ingest', r, { mb: mb(sl.bytes), lines: sl.lines, snapshots: sl.snapshots });
  if (r.code === 0) {
    const [c] = await query(slDb, 'SELECT count(*) AS rows, count(DISTINCT ts) AS snapshots FROM slab_samples');
    check('slab ingest', 'slab_samples rows', c.rows, sl.rows);
    check('slab ingest', 'snapshots', c.snapshots, sl.snapshots);
  }
  if (!flag('--keep-db')) rmSync(slDb, { force: true });

  // --- fleet ----------------------------------------------------------------------------------
  // Each size is run FLEET_RUNS times, one process and --jobs 2 alternating, and the median run
  // is recorded (a single run of 2–5 s moved ±20 % with the machine, which made the linearity
  // judgement noise); every run's wall time is kept in the results (walls).
  const files = inputs.fleet.files;
  const FLEET_RUNS = QUICK ? 1 : 3;
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
  // --- large bundles: where worker processes pay off -----------------------------------------
  const big = inputs.bigfleet;
  {
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
    r = await measure(node, [CLI, 'ingest', '--jobs', '2', ...big.files, '--db', two], QUICK ? { env: { BUNDLESCOPE_JOBS_MIN_BYTES: '0' } } : {});
    const row2 = record('bigfleet', `${big.count} large bundles, --jobs 2`, r, { bundles: big.count, mb: mb(big.bytes) });
    row2.processes = 2;
    if (r.code === 0) check('bigfleet --jobs 2', 'generated log lines', (await query(two, apiSql))[0].n, apiLines);
    rmSync(two, { force: true });
  }
  // --- the large bundles as .tar.xz: the xz program beside the parse, and lzma-native on the main thread
  const bx = inputs.bigfleetXz;
  if (bx) {
    const apiLines = bx.count * bx.lines - bx.overflow;
    const apiSql = "SELECT count(*) AS n FROM log_events WHERE contains(message, '/api/v1/items/')";
    for (const [name, env, jobs] of [
      [`${bx.count} large bundles .tar.xz, 1 process (xz program)`, {}, 1],
      [`${bx.count} large bundles .tar.xz, 1 process (BUNDLESCOPE_XZ=none: lzma-native)`, { BUNDLESCOPE_XZ: 'none' }, 1],
      [`${bx.count} large bundles .tar.xz, --jobs 2 (xz program)`, QUICK ? { BUNDLESCOPE_JOBS_MIN_BYTES: '0' } : {}, 2],
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
  if (!flag('--keep-db')) rmSync(syDb, { force: true });

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
  if (!QUICK && !flag('--no-update') && !failures.length) {
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

const find = (res, group, name) => res.steps.find((s) => s.group === group && s.name === name);

function targets(res) {
  const out = [];
  const bs = find(res, 'syslog', 'bundlescope ingest');
  const ln = find(res, 'syslog', 'lnav index + SQL count');
  if (bs && ln && bs.code === 0 && ln.code === 0) {
    const ratio = ln.wall_s / bs.wall_s;
    out.push({ target: 'syslog ingest throughput ≥ 2× lnav (aim 3×)', value: `${ratio.toFixed(2)}× lnav`, met: ratio >= 2 });
  } else out.push({ target: 'syslog ingest throughput ≥ 2× lnav (aim 3×)', value: ln ? 'a step failed' : 'lnav not run', met: null });
  const bj = find(res, 'journal', 'bundlescope ingest');
  const nj = find(res, 'journal', 'duckdb read_json');
  if (bj && nj && bj.code === 0 && nj.code === 0) {
    const ratio = bj.wall_s / nj.wall_s;
    out.push({ target: 'journal JSON ingest within 1.5× of read_json time', value: `${ratio.toFixed(2)}× read_json`, met: ratio <= 1.5 });
  }
  const bsRuns = res.steps.filter((s) => s.name.startsWith('bundlescope') || s.group === 'fleet' || s.group === 'bigfleet' || s.group === 'bigfleet-xz' || s.group === 'analysis');
  const peak = Math.max(...bsRuns.map((s) => s.rss_mib ?? 0));
  const peakStep = bsRuns.find((s) => s.rss_mib === peak);
  out.push({ target: 'peak RSS < 1 GB (1000 MB) for every bundlescope run', value: `${(peak * 1.048576).toFixed(0)} MB (${peakStep?.group} ${peakStep?.name})`, met: peak * 1.048576 < 1000 });
  const an = res.steps.filter((s) => s.group === 'analysis');
  if (an.length) {
    const worst = an.reduce((a, b) => (b.wall_s > a.wall_s ? b : a));
    out.push({ target: `rca and each canned report < 2 s on the ${res.params.syslogLines.toLocaleString('en')}-line database`, value: `slowest: ${worst.name} ${worst.wall_s.toFixed(2)} s`, met: an.every((s) => s.code === 0 && s.wall_s < 2) });
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
      target: 'fleet: both cores used, time linear in bundles',
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
  L.push(`### Run ${m.date.slice(0, 16).replace('T', ' ')} UTC${res.quick ? ' (--quick)' : ''}`);
  L.push('');
  L.push(`Machine: ${m.nproc} cores (${m.cpu}), ${m.ram_gib.toFixed(1)} GiB RAM, Linux ${m.kernel}. Node ${m.node}, DuckDB ${m.duckdb} (@duckdb/node-api ${m.duckdb_node_api}), ${m.lnav ?? 'lnav not installed'}. bundlescope ${m.commit ?? '?'}. Peak RSS by ${m.time}.`);
  L.push(`Load average (1/5/15 min) at start ${m.loadavg_start.map((x) => x.toFixed(1)).join(' / ')}, at end ${m.loadavg_end.map((x) => x.toFixed(1)).join(' / ')}; the "load" column is the 1-minute load when each step started (above ${m.nproc} the machine was shared).`);
  L.push('');
  const i = res.inputs;
  L.push('| input | size | lines / entries | content |');
  L.push('|---|--:|--:|---|');
  L.push(`| syslog \`${i.syslog.file}\` | ${f1(mb(i.syslog.bytes))} MB | ${i.syslog.lines.toLocaleString('en')} | ${i.syslog.hosts} hosts, ${i.syslog.episodes} overflow episodes, ${i.syslog.overflow_lines.toLocaleString('en')} overflow lines, ${i.syslog.ratelimit_lines.toLocaleString('en')} net_ratelimit lines |`);
  L.push(`| journal \`${i.journal.file}\` | ${f1(mb(i.journal.bytes))} MB | ${i.journal.entries.toLocaleString('en')} | journalctl -o json, ${i.journal.overflow_lines.toLocaleString('en')} overflow entries |`);
  L.push(`| slabinfo \`${i.slab.file}\` | ${f1(mb(i.slab.bytes))} MB | ${i.slab.lines.toLocaleString('en')} | ${i.slab.snapshots.toLocaleString('en')} snapshots × ${i.slab.caches} caches |`);
  L.push(`| fleet \`${i.fleet.file}/\` | ${f1(mb(i.fleet.bytes))} MB | ${i.fleet.count} bundles | .tar.xz from the web01/app02/db01 sample specs |`);
  if (i.bigfleet) L.push(`| large bundles \`${i.bigfleet.file}/\` | ${f1(mb(i.bigfleet.bytes))} MB | ${i.bigfleet.count} bundles | .tar, web01 spec + ${i.bigfleet.lines.toLocaleString('en')} messages lines each, ${i.bigfleet.overflow.toLocaleString('en')} overflow lines in all |`);
  if (i.bigfleetXz) L.push(`| large bundles, xz \`${i.bigfleetXz.file}/\` | ${f1(mb(i.bigfleetXz.bytes))} MB | ${i.bigfleetXz.count} bundles | the same bundles as .tar.xz (xz -6) |`);
  L.push('');
  L.push('| step | what | wall s | CPU s | peak RSS MiB | MB/s | lines/s | vs reference | load |');
  L.push('|---|---|--:|--:|--:|--:|--:|---|--:|');
  const ref = {
    syslog: find(res, 'syslog', 'lnav index + SQL count') ?? find(res, 'syslog', 'duckdb read_csv (1 column)'),
    journal: find(res, 'journal', 'duckdb read_json'),
  };
  for (const s of res.steps) {
    let vs = '';
    if (s.group === 'syslog' && s.name === 'bundlescope ingest') {
      const lnv = find(res, 'syslog', 'lnav index + SQL count');
      const csv = find(res, 'syslog', 'duckdb read_csv (1 column)');
      vs = [lnv ? `${(lnv.wall_s / s.wall_s).toFixed(2)}× lnav's throughput` : null, csv ? `${(s.wall_s / csv.wall_s).toFixed(2)}× read_csv's time` : null].filter(Boolean).join('; ');
    } else if (s.group === 'journal' && s.name === 'bundlescope ingest' && ref.journal) {
      vs = `${(s.wall_s / ref.journal.wall_s).toFixed(2)}× read_json's time`;
    } else if (s.group === 'bigfleet') {
      const one = res.steps.find((x) => x.group === 'bigfleet' && x.processes === 1 && x.code === 0);
      vs = `${(s.wall_s / s.bundles).toFixed(2)} s/bundle${s.processes === 2 && one ? `; ${(one.wall_s / s.wall_s).toFixed(2)}× one process` : ''}`;
    } else if (s.group === 'bigfleet-xz') {
      const lib = res.steps.find((x) => x.group === 'bigfleet-xz' && x.xz === 'lzma-native' && x.code === 0);
      const one = res.steps.find((x) => x.group === 'bigfleet-xz' && x.xz === 'program' && x.processes === 1 && x.code === 0);
      vs = `${(s.wall_s / s.bundles).toFixed(2)} s/bundle${s.xz === 'program' && s.processes === 1 && lib ? `; ${(lib.wall_s / s.wall_s).toFixed(2)}× lzma-native` : ''}${s.processes === 2 && one ? `; ${(one.wall_s / s.wall_s).toFixed(2)}× one process, ${(s.cpu_s / s.wall_s).toFixed(2)} cores busy` : ''}`;
    } else if (s.group === 'fleet') {
      vs = `${(s.bundles / s.wall_s).toFixed(1)} bundles/s, ${(s.wall_s / s.bundles * 1000).toFixed(0)} ms/bundle${s.walls?.length > 1 ? `; median of ${s.walls.map((w) => w.toFixed(2)).join(' / ')} s` : ''}${s.rss_sum_mib ? `; RSS of both ${s.rss_sum_mib.toFixed(0)} MiB` : ''}`;
    } else if (s.db_mb) vs = `database ${s.db_mb.toFixed(0)} MB`;
    if (s.group === 'syslog' && s.name === 'bundlescope ingest' && s.db_mb) vs += `; database ${s.db_mb.toFixed(0)} MB`;
    if (s.group === 'journal' && s.name === 'bundlescope ingest' && s.db_mb) vs += `; database ${s.db_mb.toFixed(0)} MB`;
    L.push(`| ${s.group} | ${s.name}${s.code !== 0 ? ` **(exit ${s.code})**` : ''} | ${s.wall_s.toFixed(2)} | ${f1(s.cpu_s)} | ${f1(s.rss_mib, 0)} | ${s.mb && s.group !== 'fleet' ? (s.mb / s.wall_s).toFixed(1) : ''} | ${s.lines ? Math.round(s.lines / s.wall_s).toLocaleString('en') : ''} | ${vs} | ${s.load[0].toFixed(1)} |`);
  }
  L.push('');
  L.push('| target | result | met |');
  L.push('|---|---|---|');
  for (const t of res.targets) L.push(`| ${t.target} | ${t.value} | ${res.quick ? 'n/a (--quick: tiny inputs, process start-up dominates)' : t.met == null ? 'not measured' : t.met ? 'met' : '**not met**'} |`);
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
