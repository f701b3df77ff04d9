// How fast can parsed log_events rows get into DuckDB? Compares, on the same rows (parsed once
// with the library's syslog parser from dist/), three loading paths into a fresh database with the
// real schema, each in one transaction:
//   cells   what src/store/load.ts does today: DuckDBAppender.append<Type>() per cell, endRow per row
//   chunks  DuckDBDataChunk of 2048 rows filled column by column (typed arrays for numbers and
//           timestamps, one call per string), DuckDBAppender.appendDataChunk
//   csv     rows written to a temporary TSV file, INSERT INTO log_events SELECT … FROM read_csv(…)
// Usage: node bench/append-paths.mjs [SYSLOG_FILE] [--only cells,chunks,csv]
// A measurement aid for issue 6, not used by the CLI.
import { createReadStream, mkdtempSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BIGINT, DuckDBDataChunk, DuckDBTimestampTZValue, INTEGER, TIMESTAMPTZ, TINYINT, VARCHAR,
} from '@duckdb/node-api';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = resolve(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : join(ROOT, 'bench-data/profile/syslog-profile.log'));
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : ['cells', 'chunks', 'csv'];

const { createSyslogParser } = await import(join(ROOT, 'dist/ingest/syslog.js'));
const { openStore } = await import(join(ROOT, 'dist/store/db.js'));

// --- parse once -------------------------------------------------------------------------------
const st = statSync(file);
const parser = createSyslogParser({
  file, host: null, tz: 'UTC', tzAssumed: true, referenceTimeMs: st.mtimeMs, bootTimeMs: null,
  snapshotTs: Math.round(st.mtimeMs * 1000), snapshotQuality: 'file-mtime', netns: null,
});
const rows = [];
let t0 = performance.now();
{
  let carry = '';
  let n = 0;
  const dec = new TextDecoder();
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const s = carry + dec.decode(c, { stream: true });
    let start = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
      parser.line(s.slice(start, nl), ++n);
      start = nl + 1;
    }
    carry = s.slice(start);
    for (const r of parser.drain()) rows.push(r);
  }
  if (carry) parser.line(carry, ++n);
  parser.end();
  for (const r of parser.drain()) rows.push(r);
}
const parseMs = performance.now() - t0;
console.log(`${file}: ${rows.length.toLocaleString('en')} rows parsed in ${(parseMs / 1000).toFixed(2)} s (parser alone, no classification)`);

// --- loading paths ----------------------------------------------------------------------------
const SRC = 1;
const tzv = (us) => (us == null || !Number.isFinite(us) ? null : new DuckDBTimestampTZValue(BigInt(Math.round(us))));

function cells(app) {
  for (const r of rows) {
    const s = (v) => (v == null ? app.appendNull() : app.appendVarchar(v));
    s(r.host);
    if (r.ts == null) app.appendNull(); else app.appendTimestampTZ(tzv(r.ts));
    s(r.ts_quality); s(r.boot_id);
    if (r.mono_us == null) app.appendNull(); else app.appendBigInt(BigInt(Math.trunc(r.mono_us)));
    s(r.ident);
    if (r.pid == null) app.appendNull(); else app.appendInteger(r.pid);
    s(r.unit);
    if (r.priority == null) app.appendNull(); else app.appendTinyInt(r.priority);
    if (r.facility == null) app.appendNull(); else app.appendTinyInt(r.facility);
    s(r.transport); app.appendVarchar(r.message); app.appendBigInt(BigInt(SRC));
    if (r.line_no == null) app.appendNull(); else app.appendBigInt(BigInt(r.line_no));
    app.endRow();
  }
}

const TYPES = [VARCHAR, TIMESTAMPTZ, VARCHAR, VARCHAR, BIGINT, VARCHAR, INTEGER, VARCHAR, TINYINT, TINYINT, VARCHAR, VARCHAR, BIGINT, BIGINT];
const GET = [
  (r) => r.host, (r) => tzv(r.ts), (r) => r.ts_quality, (r) => r.boot_id,
  (r) => (r.mono_us == null ? null : BigInt(Math.trunc(r.mono_us))), (r) => r.ident, (r) => r.pid ?? null, (r) => r.unit,
  (r) => r.priority ?? null, (r) => r.facility ?? null, (r) => r.transport, (r) => r.message,
  () => BigInt(SRC), (r) => (r.line_no == null ? null : BigInt(r.line_no)),
];
function chunks(app) {
  const N = 2048;
  for (let off = 0; off < rows.length; off += N) {
    const n = Math.min(N, rows.length - off);
    const chunk = DuckDBDataChunk.create(TYPES, n);
    for (let c = 0; c < TYPES.length; c++) {
      const v = chunk.getColumnVector(c);
      const get = GET[c];
      for (let i = 0; i < n; i++) v.setItem(i, get(rows[off + i]));
      v.flush();
    }
    app.appendDataChunk(chunk);
  }
}

const esc = (v) => (v == null ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (m) => (m === '\t' ? '\\t' : m === '\n' ? '\\n' : m === '\r' ? '\\r' : '\\\\')));
async function csv(conn, dir) {
  const tsv = join(dir, 'rows.tsv');
  const out = createWriteStream(tsv, { highWaterMark: 1 << 20 });
  let buf = [];
  const put = async (s) => {
    if (!out.write(s)) await new Promise((r) => out.once('drain', r));
  };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    buf.push(`${esc(r.host)}\t${r.ts ?? '\\N'}\t${esc(r.ts_quality)}\t${esc(r.boot_id)}\t${r.mono_us ?? '\\N'}\t${esc(r.ident)}\t${r.pid ?? '\\N'}\t${esc(r.unit)}\t${r.priority ?? '\\N'}\t${r.facility ?? '\\N'}\t${esc(r.transport)}\t${esc(r.message)}\t${SRC}\t${r.line_no ?? '\\N'}\n`);
    if (buf.length === 10_000) {
      await put(buf.join(''));
      buf = [];
    }
  }
  await put(buf.join(''));
  await new Promise((r) => out.end(r));
  // Backslash escapes are not a DuckDB CSV feature: un-escape message columns in SQL (rare in logs).
  await conn.run(`INSERT INTO log_events SELECT host, make_timestamptz(ts::BIGINT), ts_quality, boot_id, mono_us, ident, pid, unit, priority, facility, transport,
      CASE WHEN contains(message, '\\') THEN replace(replace(replace(message, '\\t', chr(9)), '\\n', chr(10)), '\\\\', '\\') ELSE message END, source_id, line_no
    FROM read_csv('${tsv}', delim='\t', quote='', escape='', header=false, nullstr='\\N', auto_detect=false,
      columns={'host':'VARCHAR','ts':'BIGINT','ts_quality':'VARCHAR','boot_id':'VARCHAR','mono_us':'BIGINT','ident':'VARCHAR','pid':'INTEGER','unit':'VARCHAR','priority':'TINYINT','facility':'TINYINT','transport':'VARCHAR','message':'VARCHAR','source_id':'BIGINT','line_no':'BIGINT'})`);
}

for (const method of only) {
  const dir = mkdtempSync(join(tmpdir(), 'bsappend-'));
  const store = await openStore(join(dir, 'x.duckdb'));
  t0 = performance.now();
  await store.conn.run('BEGIN TRANSACTION');
  if (method === 'csv') await csv(store.conn, dir);
  else {
    const app = await store.conn.createAppender('log_events');
    if (method === 'cells') cells(app);
    else chunks(app);
    app.flushSync();
    app.closeSync();
  }
  await store.conn.run('COMMIT');
  const ms = performance.now() - t0;
  const n = Number((await store.conn.runAndReadAll('SELECT count(*), count(DISTINCT ts), sum(length(message)) FROM log_events')).getRows()[0][0]);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`${method.padEnd(7)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${Math.round(rows.length / (ms / 1000)).toLocaleString('en').padStart(10)} rows/s  (${n.toLocaleString('en')} rows loaded)`);
}
