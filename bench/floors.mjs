// The measured floors behind issue 21's missed targets: the parts of `bundlescope ingest` of one
// file timed one at a time, in one process, with the statements the ingest itself runs (dist/):
//
//   node bench/floors.mjs syslog FILE DB   hash · read (raw lines into a temporary table, read_csv)
//                                          · parse (the syslog SELECT, every column, nothing stored)
//                                          · store (the parsed rows, computed beforehand, INSERT into
//                                          log_events + COMMIT: DuckDB's writer alone)
//   node bench/floors.mjs journal FILE DB  hash (sha256 + the line check, scanJournalJson) · insert
//                                          (the read_json mapping INSERT + COMMIT, nothing numbered;
//                                          the host of the first entry for every row, as the ingest)
//                                          · number (the line_no UPDATE + its COMMIT, on a second copy)
//
// DB: a database file this creates afresh (bundlescope's schema) and removes. DuckDB is capped at
// the ingest's memory limit, as in an ingest. Prints one JSON line: { parts: { name: { wall, cpu } },
// rows }. CPU-seconds are the process's (every thread). bench/run.mjs runs it next to the targets.
import { DuckDBInstance } from '@duckdb/node-api';
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(join(ROOT, 'dist', p));
const [mode, file, db] = process.argv.slice(2);
if (!['syslog', 'journal'].includes(mode) || !file || !db) {
  console.error('usage: node bench/floors.mjs syslog|journal FILE DB');
  process.exit(2);
}
const { applySchema } = await dist('store/db.js');
const { INGEST_MEMORY_LIMIT_BYTES } = await dist('store/tuning.js');

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const parts = {};
async function timed(name, fn) {
  const c0 = cpu();
  const t0 = performance.now();
  const r = await fn();
  parts[name] = { wall: (performance.now() - t0) / 1000, cpu: cpu() - c0 };
  return r;
}
/** The first 64 kB of a file as text (what the ingest's format detection sees). */
function headOf(path) {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}
const drop = () => {
  for (const f of [db, db + '.wal']) rmSync(f, { force: true });
};
async function open() {
  drop();
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  await applySchema(conn);
  await conn.run(`SET memory_limit = '${Math.floor(INGEST_MEMORY_LIMIT_BYTES / 1024)}KiB'`);
  return { instance, conn, close: () => { conn.closeSync(); instance.closeSync(); drop(); } };
}
let rows = null;

if (mode === 'syslog') {
  const { readSyslogLines } = await dist('formats/syslog/sql-loader.js');
  const { syslogSelectSql } = await dist('formats/syslog/select.sql.js');
  const { scanSyslog } = await dist('formats/syslog/scan.js');
  const scan = await timed('hash', () => scanSyslog(file));
  const { conn, close } = await open();
  const ok = await timed('read', () => readSyslogLines(conn, file, Promise.resolve(scan)));
  if (!ok) throw new Error('read_csv could not read the lines');
  const ctx = { file, host: null, tz: 'UTC', tzAssumed: true, referenceTimeMs: statSync(file).mtimeMs };
  const forms = { rfc3164: scan.digitStarts < scan.lines, rfc3339: scan.digitStarts > 0 };
  const select = syslogSelectSql('(SELECT line, rowid + 1 AS n, NULL::VARCHAR AS boot FROM temp.syslog_fast_lines)', 1, -2, ctx, { fixed: null, fallback: null }, forms);
  const cols = ['host', 'ts', 'ts_quality', 'boot_id', 'mono_us', 'ident', 'pid', 'transport', 'message', 'source_id', 'line_no'];
  await timed('parse', () => conn.run(`SELECT ${cols.map((c) => `max(${c})`).join(', ')} FROM (${select})`));
  // The parsed rows in memory (not timed), then stored as the ingest stores them.
  await conn.run("SET memory_limit = '8GiB'");
  await conn.run(`CREATE TEMP TABLE parsed AS ${select}`);
  await conn.run(`SET memory_limit = '${Math.floor(INGEST_MEMORY_LIMIT_BYTES / 1024)}KiB'`);
  await timed('store', async () => {
    await conn.run('BEGIN TRANSACTION');
    const r = await conn.run('INSERT INTO log_events SELECT * FROM temp.parsed');
    await conn.run('COMMIT');
    rows = r.rowsChanged;
  });
  close();
} else {
  const { scanJournalJson, journalInsertSql } = await dist('formats/journal-json/sql-loader.js');
  const scan = await timed('hash', () => scanJournalJson(file));
  if (!scan.fits) throw new Error('not one journal object per line');
  // The host as the ingest gives a side file's entries: the one of its first entry (the format's
  // hostFromHead), for every row (the mapping then has no per-row host expression).
  const { FORMAT_BY_KIND } = await dist('formats/registry.js');
  const { shortHost } = await dist('formats/kit/host.js');
  const head = headOf(file);
  const named = FORMAT_BY_KIND.get('journal-json').hostFromHead?.(head) ?? null;
  const sql = journalInsertSql(file, 1, { fixed: named != null ? shortHost(named) : null, fallback: null }, true);
  let { conn, close } = await open();
  await timed('insert', async () => {
    await conn.run('BEGIN TRANSACTION');
    const r = await conn.run(sql);
    await conn.run('COMMIT');
    rows = r.rowsChanged;
  });
  close();
  // The numbering costs mostly in the COMMIT after it: timed on a second copy, from its UPDATE.
  ({ conn, close } = await open());
  await conn.run('BEGIN TRANSACTION');
  await conn.run(sql);
  await timed('number', async () => {
    await conn.run('UPDATE log_events SET line_no = rowid + 1');
    await conn.run('COMMIT');
  });
  close();
}
process.stdout.write(JSON.stringify({ mode, file, rows, parts }) + '\n');
