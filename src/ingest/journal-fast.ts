/**
 * Fast path for uncompressed `journalctl -o json` files: DuckDB's `read_json` reads the fields
 * bundlescope keeps (each as JSON, so a string is told apart from an array, a number or null)
 * and one INSERT maps them to log_events exactly as `journalEntryToRow` does. The entries are
 * numbered in file order (row ids of the insert, or WITH ORDINALITY when insertion order is not
 * preserved), which equals the line number once the file is known to hold exactly one `{…}`
 * object per line (checked in the same JavaScript read that computes the sha256).
 *
 * Entries that the SQL mapping does not cover — MESSAGE missing or not a plain string (byte array,
 * repeated field), any kept field that is an array/number/object, an unreadable
 * __REALTIME_TIMESTAMP (an issue with the line's text), a NUL in MESSAGE — are inserted with a
 * placeholder source id, deleted again, and their lines re-read and given to the JavaScript parser
 * (same rows, same issues). The kernel rows that may be overflow lines are selected back, merged
 * with those, and classified in line order by the usual OverflowClassifier.
 *
 * A line read_json cannot parse becomes a NULL row (ignore_errors), hence odd, hence the JavaScript
 * parser's (a `bad-json` issue, as without the fast path); lines DuckDB is more lenient with than
 * JSON.parse are found by the scan and sent there too (JournalScan.suspects). What breaks the
 * one-row-per-line rule (a blank line, CR, NUL bytes, json-seq/json-pretty) or any error from DuckDB
 * makes the caller fall back to the JavaScript parser for the whole file.
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Issue, LogEventRow, ParseContext } from '../model.js';
import type { Load } from '../store/load.js';
import { MAX_LOG_LINE } from './dmesg.js';
import { createJournalJsonParser, JOURNAL_FIELDS } from './journal-json.js';
import { OverflowClassifier } from './overflow.js';

export interface JournalScan {
  sha256: string;
  /**
   * Every line starts with `{` (no blank line, CR, NUL, json-seq or json-pretty): read_json then
   * yields exactly one row per line (a NULL row for a line it cannot parse), so ordinality = line.
   */
  fits: boolean;
  lines: number;
  /**
   * Lines that DuckDB may read differently from JSON.parse: not ending in `}`, ending in `,}` (a
   * trailing comma, which DuckDB's reader accepts), or longer than MAX_LOG_LINE bytes. They go to
   * the JavaScript parser. (DuckDB also accepts NaN and Infinity: in a field bundlescope keeps that
   * makes the row odd, hence the JavaScript parser's too; in any other field — journalctl never
   * writes them — the entry loads where JSON.parse would have rejected the line.)
   */
  suspects: number[];
}

const MAX_SUSPECTS = 100_000;

/** sha256 of the file and whether (and which of) its lines fit the fast path, in one read. */
export async function scanJournalJson(path: string): Promise<JournalScan> {
  const hash = createHash('sha256');
  let fits = true;
  let lines = 0;
  let lineLen = 0; // bytes of the current line so far
  let first = -1; // first byte of the current line (-1: none yet)
  let last = -1; // last byte seen
  let prev = -1; // byte before `last`
  const suspects: number[] = [];
  const endLine = () => {
    lines++;
    if (first !== 0x7b) fits = false;
    else if (last !== 0x7d || prev === 0x2c || lineLen > MAX_LOG_LINE) suspects.push(lines);
    first = -1;
    last = -1;
    prev = -1;
    lineLen = 0;
  };
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const chunk = c as Buffer;
    hash.update(chunk);
    if (!fits) continue;
    if (chunk.indexOf(0) >= 0 || chunk.indexOf(13) >= 0) {
      fits = false;
      continue;
    }
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (end > start) {
        if (first < 0) first = chunk[start]!;
        prev = end - start >= 2 ? chunk[end - 2]! : last;
        last = chunk[end - 1]!;
        lineLen += end - start;
      }
      if (nl < 0) break;
      endLine();
      start = nl + 1;
    }
    if (suspects.length > MAX_SUSPECTS) fits = false;
  }
  if (lineLen > 0) endLine();
  if (lines === 0) fits = false;
  return { sha256: hash.digest('hex'), fits, lines, suspects };
}

export const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const col = (f: string) => `"${f}"`;
/** journal-json's `uint`: 1–17 ASCII digits and ≤ max, else NULL. */
const uint = (e: string, max = Number.MAX_SAFE_INTEGER) =>
  `CASE WHEN length(${e}) BETWEEN 1 AND 17 AND ltrim(${e}, '0123456789') = '' AND ${e}::BIGINT <= ${max} THEN ${e}::BIGINT END`;
/** sosreport's shortHost: IPv4 and IPv6 addresses kept, else the first label (or all of it). */
export const shortHostSql = (e: string) =>
  `CASE WHEN regexp_full_match(${e}, '[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+') OR contains(${e}, ':') THEN ${e} ` +
  `WHEN split_part(${e}, '.', 1) = '' THEN ${e} ELSE split_part(${e}, '.', 1) END`;

/** Files loaded through the fast path in this process (tests check which path a file took). */
export const fastPathStats = { files: 0 };

export interface FastHost {
  /** The host every row gets (--host, or the host ctx.host resolves to), or null: per row from _HOSTNAME. */
  fixed: string | null;
  /** Host for rows without _HOSTNAME when `fixed` is null (the JS rows get theirs from fixHost). */
  fallback: string | null;
}

export interface FastResult {
  logEvents: number;
  overflowEvents: number;
  issues: Issue[];
  skipped: number;
  noHost: number;
}

/**
 * Loads the journal into log_events (and overflow_events) inside `load`'s transaction. Throws
 * when DuckDB cannot read the file; the caller rolls back and uses the JavaScript parser.
 */
export async function loadJournalJsonFast(
  load: Load, srcId: number, path: string, ctx: ParseContext, host: FastHost, fixHost: (rows: LogEventRow[]) => void,
  scan: Promise<JournalScan>,
): Promise<FastResult> {
  const conn = load.conn;
  const fields = [...JOURNAL_FIELDS];
  const columns = '{' + fields.map((f) => `${q(f)}: 'JSON'`).join(', ') + '}';
  const s = (f: string) => `(${col(f)} ->> '$')`;
  const plain = (f: string) => `coalesce(json_type(${col(f)}) IN ('VARCHAR', 'NULL'), true)`;
  const ok = [
    `json_type(${col('MESSAGE')}) = 'VARCHAR'`,
    ...fields.filter((f) => f !== 'MESSAGE').map(plain),
    `(${s('__REALTIME_TIMESTAMP')} IS NULL OR ${uint(s('__REALTIME_TIMESTAMP'))} IS NOT NULL)`,
    `NOT contains(${s('MESSAGE')}, chr(0))`,
  ].join(' AND ');
  const hostExpr = host.fixed != null ? q(host.fixed)
    : `coalesce(${shortHostSql(s('_HOSTNAME'))}, ${host.fallback != null ? q(host.fallback) : 'NULL'})`;
  const oddSrc = -1 - srcId;
  // With insertion order preserved (DuckDB's default) the rows land in file order and are
  // numbered afterwards from their row ids: WITH ORDINALITY would number them during the scan
  // but makes the whole INSERT single-threaded (about 1.5× slower).
  const pio = await conn.runAndReadAll("SELECT current_setting('preserve_insertion_order')");
  const ordered = pio.getRows()[0]![0] === true;
  const sql = `
    INSERT INTO log_events
    SELECT
      ${hostExpr},
      make_timestamptz(${uint(s('__REALTIME_TIMESTAMP'))}),
      CASE WHEN ${uint(s('__REALTIME_TIMESTAMP'))} IS NOT NULL THEN 'exact' END,
      ${s('_BOOT_ID')},
      coalesce(${uint(s('_SOURCE_MONOTONIC_TIMESTAMP'))}, ${uint(s('__MONOTONIC_TIMESTAMP'))}),
      coalesce(${s('SYSLOG_IDENTIFIER')}, ${s('_COMM')}),
      CASE WHEN ${s('_TRANSPORT')} IS DISTINCT FROM 'kernel' THEN coalesce(${uint(s('_PID'), 0x7fffffff)}, ${uint(s('SYSLOG_PID'), 0x7fffffff)}) END,
      ${s('_SYSTEMD_UNIT')},
      ${uint(s('PRIORITY'), 7)},
      ${uint(s('SYSLOG_FACILITY'), 127)},
      ${s('_TRANSPORT')},
      coalesce(${s('MESSAGE')}, ''),
      CASE WHEN ${ok} THEN ${srcId} ELSE ${oddSrc} END,
      ${ordered ? 'NULL' : 'ordinality'}
    FROM read_json(${q(path)}, format = 'newline_delimited', columns = ${columns}, maximum_object_size = ${MAX_LOG_LINE * 4}, ignore_errors = true)
      ${ordered ? '' : 'WITH ORDINALITY'}`;
  // The scan first: run alongside the INSERT it competes with DuckDB's threads for the two cores
  // and both get slower (measured 6–8 s against 5–5.5 s one after the other on the bench file).
  const scanned = { value: await scan };
  if (!scanned.value.fits) throw new Error('not one journal object per line');
  await conn.run(sql);
  if (ordered) {
    // Rows went in in file order, one per line, with consecutive row ids: number them.
    const ids = await conn.runAndReadAll(
      `SELECT min(rowid), max(rowid), count(*) FROM log_events WHERE source_id IN (${srcId}, ${oddSrc})`);
    const [lo, hi, cnt] = ids.getRows()[0]!.map((v) => (v == null ? null : BigInt(v as bigint)));
    if (lo == null || hi == null || cnt !== BigInt(scanned.value.lines) || hi - lo + 1n !== cnt) {
      throw new Error('read_json did not give one row per line');
    }
    await conn.run(`UPDATE log_events SET line_no = rowid - ${lo} + 1 WHERE source_id IN (${srcId}, ${oddSrc})`);
  }
  const suspects = scanned.value.suspects;
  for (let i = 0; i < suspects.length; i += 1000) {
    await conn.run(`UPDATE log_events SET source_id = ${oddSrc} WHERE source_id = ${srcId} AND line_no IN (${suspects.slice(i, i + 1000).join(',')})`);
  }

  // Entries the SQL mapping does not cover: back to the JavaScript parser, line by line.
  const odd = await conn.runAndReadAll(`DELETE FROM log_events WHERE source_id = ${oddSrc} RETURNING line_no`);
  const oddLines = new Set<number>(odd.getRows().map((r) => Number(r[0])));
  const agg = await conn.runAndReadAll(
    `SELECT count(*), epoch_us(min(ts)), epoch_us(max(ts)), count(*) FILTER (WHERE host IS NULL) FROM log_events WHERE source_id = ${srcId}`);
  const [n, lo, hi, nullHosts] = agg.getRows()[0]!;
  const sqlRows = Number(n);
  load.addTotals(srcId, sqlRows, lo == null ? null : Number(lo), hi == null ? null : Number(hi));

  const parser = createJournalJsonParser(ctx);
  const jsRows: LogEventRow[] = [];
  if (oddLines.size > 0) {
    let lineNo = 0;
    let carry: Buffer | null = null;
    const take = async (line: Buffer) => {
      lineNo++;
      if (!oddLines.has(lineNo)) return;
      parser.line(line.toString('utf8'), lineNo);
      const rows = parser.drain();
      if (rows.length) {
        fixHost(rows);
        await load.add('log_events', srcId, rows);
        for (const r of rows) jsRows.push(r);
      }
    };
    for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) {
      let chunk = c as Buffer;
      let start = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
        let line = chunk.subarray(start, nl);
        if (carry) {
          line = Buffer.concat([carry, line]);
          carry = null;
        }
        await take(line);
        start = nl + 1;
      }
      if (start < chunk.length) {
        chunk = chunk.subarray(start);
        carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      }
    }
    if (carry && carry.length) await take(carry);
    parser.end();
    const rest = parser.drain();
    if (rest.length) {
      fixHost(rest);
      await load.add('log_events', srcId, rest);
      for (const r of rest) jsRows.push(r);
    }
  }

  const overflow = await classifyLoaded(load, srcId, jsRows);

  fastPathStats.files++;
  return {
    logEvents: sqlRows + jsRows.length,
    overflowEvents: overflow,
    issues: [...parser.issues],
    skipped: parser.linesSkipped,
    noHost: Number(nullHosts),
  };
}

const CLASSIFY_PAGE = 20_000;

/**
 * Overflow classification of a source whose log_events rows were inserted by SQL: the kernel rows
 * that can match a signature or a ratelimit summary (a superset of what classifyMessage /
 * suppressedCount accept) are selected back, merged with `jsRows` (rows of the same source that
 * went through a JavaScript parser), and classified in line order; the overflow rows are loaded.
 * The candidates go through JavaScript a page at a time (memory stays bounded when a file holds
 * hundreds of thousands of overflow lines): they are first put in a temporary table, which is
 * then read by line number (no query result stays open while the overflow rows are appended).
 */
export async function classifyLoaded(load: Load, srcId: number, jsRows: LogEventRow[]): Promise<number> {
  const conn = load.conn;
  await conn.run(`CREATE OR REPLACE TEMP TABLE classify_candidates AS
    SELECT host, epoch_us(ts) AS us, ts_quality, boot_id, mono_us, ident, pid, unit, priority, facility, transport, message, line_no
    FROM log_events
    WHERE source_id = ${srcId}
      AND (ident = 'kernel' OR transport = 'kernel' OR (ident IS NULL AND transport IS NULL))
      AND ((length(message) <= 400 AND regexp_matches(message, 'overflow|table full|orphaned|memory|SYN flooding', 'i'))
           OR contains(message, 'suppressed'))`);
  const num = (v: unknown) => (v == null ? null : Number(v));
  const js = jsRows.length ? [...jsRows].sort((a, b) => a.line_no - b.line_no) : [];
  let j = 0;
  const classifier = new OverflowClassifier();
  let total = 0;
  let last = -Infinity;
  for (;;) {
    const page = await conn.runAndReadAll(`
      SELECT * FROM temp.classify_candidates ${last === -Infinity ? '' : `WHERE line_no > ${last}`} ORDER BY line_no LIMIT ${CLASSIFY_PAGE}`);
    const rows = page.getRows();
    const batch: LogEventRow[] = [];
    for (const r of rows) {
      const row: LogEventRow = {
        host: r[0] as string | null, ts: num(r[1]), ts_quality: r[2] as LogEventRow['ts_quality'], boot_id: r[3] as string | null,
        mono_us: num(r[4]), ident: r[5] as string | null, pid: num(r[6]), unit: r[7] as string | null, priority: num(r[8]),
        facility: num(r[9]), transport: r[10] as string | null, message: r[11] as string, line_no: Number(r[12]),
      };
      while (j < js.length && js[j]!.line_no < row.line_no) batch.push(js[j++]!);
      batch.push(row);
      last = row.line_no;
    }
    if (rows.length < CLASSIFY_PAGE) while (j < js.length) batch.push(js[j++]!);
    const overflow = classifier.classify(batch);
    await load.add('overflow_events', srcId, overflow);
    await load.flushAll(); // into the table's (buffer-managed) storage, not the appender's buffer
    total += overflow.length;
    if (rows.length < CLASSIFY_PAGE) break;
  }
  await conn.run('DROP TABLE temp.classify_candidates');
  return total;
}
