// The binary journal reader against journalctl: `node bench/journal-binary.mjs [--entries N]
// [--runs K] [--data DIR]`, or `--total-mb 1000` (a 1 GB journal: see bigFolder) (needs `npm run build`, journalctl and systemd-journal-remote).
// (GNU time gives the CPU seconds.) Makes an export stream of N entries (default 100k; kernel and service lines, a compressed
// 3000-byte field every 7th entry), turns it into a journal file with systemd-journal-remote, then
// times, each in a fresh process (median of K runs, peak RSS):
//   - native: the file streamed into createJournalBinaryParser and drained (what ingest does), and
//     the same with the in-memory limit at 1 MiB (the path of a journal above 64 MiB: a temporary file);
//   - journalctl: `journalctl --file F -o export` piped into createJournalExportParser;
//   - ingest: `bundlescope ingest` of the journal file into a fresh database.
// Both parsers must give the same rows (checked: count and a hash of every row).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};

async function measure(kind, file) {
  const { createJournalBinaryParser } = await import(pathToFileURL(join(ROOT, 'dist/ingest/journal-binary.js')).href);
  const { createJournalExportParser } = await import(pathToFileURL(join(ROOT, 'dist/ingest/journal-export.js')).href);
  const ctx = { file, host: null, tz: 'UTC' };
  const hash = createHash('sha256');
  let rows = 0;
  const take = (batch) => {
    rows += batch.length;
    for (const r of batch) hash.update(JSON.stringify(r));
  };
  const t0 = process.hrtime.bigint();
  const spill = opt('--spill-bytes', null);
  const p = kind === 'native' ? createJournalBinaryParser(ctx, spill ? { spillBytes: Number(spill) } : {}) : createJournalExportParser(ctx);
  const input = kind === 'native' ? createReadStream(file, { highWaterMark: 1 << 20 }) : spawn('journalctl', ['--file', file, '-o', 'export']).stdout;
  for await (const c of input) {
    p.chunk(c);
    take(p.drain());
  }
  p.end();
  for (let b = p.drain(); b.length; b = p.drain()) take(b);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ s, rows, sha: hash.digest('hex').slice(0, 16), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

/** Writes the export stream of n entries to `path`, 10k entries at a time (a 1 GB journal's stream is larger than a JS string). */
function writeExportStream(path, n) {
  const fd = openSync(path, 'w');
  for (let i = 0; i < n; i += 10_000) writeSync(fd, exportStream(i, Math.min(n, i + 10_000)));
  closeSync(fd);
}

function exportStream(from, to) {
  const parts = [];
  const f = (k, v) => parts.push(`${k}=${v}\n`);
  const units = ['nginx.service', 'sshd.service', 'cron.service', 'app.service'];
  for (let i = from; i < to; i++) {
    f('__CURSOR', `s=0;i=${i.toString(16)}`);
    f('__REALTIME_TIMESTAMP', String(1700000000000000 + i * 10000));
    f('__MONOTONIC_TIMESTAMP', String(5000000 + i * 10000));
    f('_BOOT_ID', '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b');
    f('_MACHINE_ID', '46eff2c0526d485fa8103457ae6f7146');
    f('_HOSTNAME', 'web01');
    const kernel = i % 4 === 0;
    f('_TRANSPORT', kernel ? 'kernel' : 'stdout');
    f('PRIORITY', String(kernel ? 4 : 6));
    f('SYSLOG_FACILITY', kernel ? '0' : '3');
    f('SYSLOG_IDENTIFIER', kernel ? 'kernel' : 'app');
    if (!kernel) {
      f('_PID', String(1000 + (i % 97)));
      f('_COMM', 'app');
      f('_SYSTEMD_UNIT', units[i % units.length]);
    } else f('_SOURCE_MONOTONIC_TIMESTAMP', String(4000000 + i * 10000));
    f('MESSAGE', kernel && i % 20 === 0 ? 'TCP: time wait bucket table overflow' : `request ${i} served in ${i % 1000} ms from 10.0.${i % 256}.${(i * 7) % 256}`);
    if (i % 7 === 0) f('DETAIL', `${'trace '.repeat(500)}${i}`);
    parts.push('\n');
  }
  return parts.join('');
}

/**
 * `--total-mb M`: a journal of about M MB, as journald keeps one — a folder of rotated files
 * (journald caps a file at 128 MiB by default, systemd-journal-remote 252 at about 58 MB for these
 * entries, so a 1 GB journal is always a set of files). One `bundlescope ingest` of the folder,
 * under GNU time: wall, CPU, peak RSS; every entry must be one log_events row.
 */
async function bigFolder(remote, totalMb) {
  const DIR = resolve(ROOT, opt('--data', 'bench-data/journal-binary'), `folder-${totalMb}mb`);
  const N = Math.round(totalMb * 2400); // ~420 bytes of journal file per entry (measured: 100k entries, 42 MB)
  const jdir = join(DIR, 'journal');
  if (!existsSync(join(DIR, 'done'))) {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(jdir, { recursive: true });
    const src = join(DIR, 'all.export');
    writeExportStream(src, N);
    const r = spawnSync(remote, ['--split-mode=none', '-o', join(jdir, 'bench.journal'), src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    rmSync(src);
    writeSync(openSync(join(DIR, 'done'), 'w'), String(N));
  }
  const files = readdirSync(jdir).filter((n) => n.endsWith('.journal'));
  const bytes = files.reduce((a, n) => a + statSync(join(jdir, n)).size, 0);
  const db = join(DIR, 'ingest.duckdb');
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const t0 = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'rss %M cpu %U %S', process.execPath, join(ROOT, 'dist/cli.js'), 'ingest', '--db', db, jdir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const s = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(r.stderr + r.stdout.slice(-2000));
  const m = /rss (\d+) cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const q = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'query', '--db', db, '--format', 'json', 'SELECT count(*)::BIGINT AS n FROM log_events'], { encoding: 'utf8' });
  const rows = Number(/"n":\s*"?(\d+)/.exec(q.stdout)?.[1]);
  rmSync(db, { force: true });
  console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('| input | files | MB | entries | log_events rows | wall s | CPU s | CPU s per GB | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const cpu = Number(m?.[2]) + Number(m?.[3]);
  console.log(`| folder of rotated journal files | ${files.length} | ${(bytes / 1e6).toFixed(0)} | ${N} | ${rows} | ${s.toFixed(1)} | ${cpu.toFixed(1)} | ${(cpu / (bytes / 1e9)).toFixed(1)} | ${Math.round(Number(m?.[1]) / 1024)} |`);
  if (rows !== N) {
    console.log(`ROWS DIFFER: ${rows} log_events rows for ${N} entries`);
    process.exitCode = 1;
  }
}

async function main() {
  const kind = opt('--run', null);
  if (kind) return measure(kind, opt('--file'));
  if (opt('--total-mb', null)) {
    const remote = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p));
    if (!remote) throw new Error('systemd-journal-remote is missing (Debian package systemd-journal-remote)');
    return bigFolder(remote, Number(opt('--total-mb')));
  }
  const N = Number(opt('--entries', 100_000));
  const RUNS = Number(opt('--runs', 3));
  const DIR = resolve(ROOT, opt('--data', 'bench-data/journal-binary'));
  const remote = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p));
  if (!remote) throw new Error('systemd-journal-remote is missing (Debian package systemd-journal-remote)');
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `bench-${N}.journal`);
  if (!existsSync(file)) {
    const src = join(DIR, `bench-${N}.export`);
    writeExportStream(src, N);
    const r = spawnSync(remote, ['--split-mode=none', '-o', file, src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    // systemd-journal-remote rotates its output at about 50 MB unless MaxFileSize= in
    // /etc/systemd/journal-remote.conf (or a drop-in in /run/systemd/journal-remote.conf.d/) says more.
    if (readdirSync(DIR).some((n) => n.startsWith(`bench-${N}@`))) throw new Error(`systemd-journal-remote rotated ${file}: use fewer entries (100k make 42 MB)`);
    rmSync(src);
  }
  const header = spawnSync('journalctl', ['--file', file, '--header'], { encoding: 'utf8' }).stdout;
  console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(1)} MB, ${/Entry objects: (\d+)/.exec(header)?.[1]} entries, ${/Incompatible flags: (.*)/.exec(header)?.[1]}`);
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = {};
  const steps = { native: ['native'], 'native, spilled to a temporary file (limit 1 MiB)': ['native', '--spill-bytes', String(1 << 20)], journalctl: ['export'] };
  for (const [k, args] of Object.entries(steps)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      // GNU time: CPU seconds of the process and the children it waited for (journalctl).
      const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, fileURLToPath(import.meta.url), '--run', ...args, '--file', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(r.stderr);
      const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
      runs.push({ ...JSON.parse(r.stdout), cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN });
    }
    results[k] = { s: median(runs.map((r) => r.s)), cpu: median(runs.map((r) => r.cpu)), rows: runs[0].rows, sha: runs[0].sha, maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)) };
  }
  const ingest = [];
  for (let i = 0; i < RUNS; i++) {
    const db = join(DIR, 'ingest.duckdb');
    rmSync(db, { force: true });
    const t0 = Date.now();
    const r = spawnSync('/usr/bin/time', ['-f', 'rss %M', process.execPath, join(ROOT, 'dist/cli.js'), 'ingest', '--db', db, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    ingest.push({ s: (Date.now() - t0) / 1000, rssMB: Math.round(Number(/rss (\d+)/.exec(r.stderr)?.[1]) / 1024) });
    rmSync(db, { force: true });
  }
  console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('| reader | wall s (median) | CPU s, children included (median) | rows | rows sha256 | peak RSS MB (node) |');
  console.log('|---|---:|---:|---:|---|---:|');
  for (const [k, r] of Object.entries(results)) console.log(`| ${k} | ${r.s.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.rows} | ${r.sha} | ${r.maxRssMB} |`);
  console.log(`| bundlescope ingest (native, into DuckDB) | ${median(ingest.map((x) => x.s)).toFixed(2)} | | | | ${Math.max(...ingest.map((x) => x.rssMB))} |`);
  if (results.native.sha !== results.journalctl.sha || results.native.rows !== results.journalctl.rows) {
    console.log('ROWS DIFFER');
    process.exitCode = 1;
  }
}

await main();
