/**
 * Fast path for syslog files (plain, gzip'd or zstd'd side files, and large syslog members of a bundle)
 * whose lines are plain RFC 3164 file lines (`Mar  9 14:02:11 web01 sshd[812]: …`) or RFC 3339
 * ones (`2026-03-09T14:02:11.204511+01:00 web01 kernel: …`, rsyslog's RSYSLOG_FileFormat, Debian
 * 12's default), in any mix, with journalctl's `-- … --` separators, wrapped (indented) lines and
 * blank lines among them. DuckDB reads a side file with `read_csv` (one VARCHAR per line) into a
 * temporary table whose row ids number the lines, and so a large bundle member that stays on disk
 * (bundle/tree.ts memberOnDisk; a table of its own each); a smaller member's lines come from
 * memory (prepareSyslogMember). Either table is filled outside the input's transaction (DuckDB scans a
 * table filled inside it on one core). Then one INSERT parses the lines into log_events exactly as
 * the JavaScript parser (parser.ts) and the host rules (side file: ingest.ts hostFixer; bundle:
 * the bundle's host) would, on both cores, with no row crossing into JavaScript (the SQL for a
 * stamp form no line has is left out). Overflow candidates are parsed again from the lines that can
 * hold one and classified in JavaScript a page at a time (kit/sql-load.ts classifyLoaded); syslogd's
 * `last message repeated N times` is one of them, and the row it repeats is found by SQL
 * (kit/sql-load.ts previousLines), so files with repeat summaries stay on this path.
 * Measurements behind these choices: docs/BENCHMARKS.md.
 *
 * The rules reproduced in SQL, line by line: the RFC 3164 year from the reference time (the month
 * and day more than one day after the reference date → the year before), local time in ctx.tz
 * (zone transitions of the two years around the reference as a CASE over local time; the first
 * one of them the file could touch decides the offset), RFC 3339 offsets, `host tag[pid]: message`
 * with a token ending in `:` taken as the tag (no host), pid of 1–10 digits (NULL when it does not
 * fit an INTEGER), `kernel` lines as transport kernel with the printk stamp moved to mono_us;
 * separators and blank lines give no row, `-- Boot <id> --` sets the boot of the rows after it,
 * a wrapped line is appended to the row before it (linesRelation).
 *
 * Everything else goes to the JavaScript parser, for the whole file (member), before or after trying:
 * - the one JavaScript read that computes the sha256 also checks that every line starts with an
 *   upper-case letter, a digit, '-', a space or a tab or is empty (so no PRI prefix), that there is
 *   no NUL, CR or \x1f (read_csv's delimiter), that the bytes are valid UTF-8, and counts the lines;
 * - lines the SQL does not read (another stamp form, an impossible date, an OpenWrt
 *   `facility.level` token, a local time in a DST gap or a repeated hour — the JavaScript clock
 *   reads those in file order —, a line longer than MAX_LINE, a line starting with '-' that is
 *   no separator, indented text that does not start and end with printable ASCII, a wrapped line
 *   before the first row) are inserted with a placeholder source id; when there is any, or the
 *   row count differs from the count of lines that give rows, the loader declines (syslogSqlLoader:
 *   the source gets a fast-path-declined note), the caller rolls back (a member's
 *   rows are deleted) and the JavaScript parser reads the file.
 */
import type { ParseContext } from '../../model.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Load } from '../../store/load.js';
import { MAX_LINE } from '../kit/lines.js';
import { CANDIDATE_RE, classifyLoaded, q, REPEAT_PREFIX, type FastHost, type FastResult } from '../kit/sql-load.js';
import { isDeclined, type Declined, type Prepared, type SqlInput, type SqlLoader } from '../format.js';
import { scanSyslog, scanSyslogBuffer, type LineStats, type SyslogScan } from './scan.js';
import { syslogSelectSql } from './select.sql.js';

const LINES_TABLE = 'temp.syslog_fast_lines';

/**
 * Reads the lines of a file that fits into a temporary table, outside any transaction: DuckDB
 * scans a table created inside the open transaction on one thread only (measured 2× slower).
 * Returns false when the file does not fit; `dropSyslogLines` removes the table.
 */
export async function readSyslogLines(
  conn: DuckDBConnection, path: string, scan: Promise<SyslogScan>, compression: 'none' | 'gzip' | 'zstd' = 'none', table = LINES_TABLE,
): Promise<boolean> {
  // read_csv reads an empty line as NULL: it is ''.
  // Line numbers: DuckDB keeps insertion order by default, so the row ids of this table are the
  // lines in file order. Reading straight from read_csv WITH ORDINALITY makes the whole INSERT
  // single-threaded, and numbering afterwards by UPDATE rewrites the column (both measured
  // 1.3–1.6× slower on the 5M-line bench file).
  const pio = await conn.runAndReadAll("SELECT current_setting('preserve_insertion_order')");
  if (pio.getRows()[0]![0] !== true) return false;
  // Read while the scan hashes and checks the file (it needs little of the two cores); a file the
  // scan turns down is dropped again. An error (say, a line longer than max_line_size) is a no.
  // A compressed file only once the scan has seen all of it within the size limit (a bomb is
  // never handed to DuckDB).
  if (compression !== 'none' && !(await scan.then((x) => x.fits, () => false))) return false;
  const read = conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT coalesce(line, '') AS line FROM read_csv(${q(path)}, columns = {'line': 'VARCHAR'},
    header = false, quote = '', escape = '', delim = '\x1f', auto_detect = false, strict_mode = false, max_line_size = ${4 * MAX_LINE},
    compression = '${compression}')`)
    .then(() => true, () => false);
  const [fits, ok] = await Promise.all([scan.then((s) => s.fits, () => false), read]);
  if (fits && ok) return true;
  await dropSyslogLines(conn, table);
  return false;
}

export async function dropSyslogLines(conn: DuckDBConnection, table = LINES_TABLE): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${table}`);
}

/** The lines do not fit the SQL path after all (lines it does not read, a count that differs). */
class NotFast extends Error {}

/** A journalctl separator line (`-- Logs begin at … --`, `-- Boot <id> --`, `-- Reboot --`): no row. */
const SEPARATOR = `(prefix(line, '-- ') AND suffix(line, ' --') AND strlen(line) <= ${MAX_LINE})`;
/** Empty or only spaces and tabs: the line parser ignores it. */
const BLANK = `(regexp_full_match(line, '[ \t]*') AND strlen(line) <= ${MAX_LINE})`;
/**
 * An indented line the line parser appends to the row before it (' ' + the line trimmed): spaces
 * or tabs, then text that starts and ends with a printable ASCII character (so that JavaScript's
 * trim and SQL's agree). Any other indented line is left to the SQL, which does not read it.
 */
const CONT = `(regexp_full_match(line, '[ \t]+[!-~](.*[!-~])?') AND strlen(line) <= ${MAX_LINE})`;
/** The lines that are not rows of their own. */
const MARK = `CASE WHEN ${SEPARATOR} THEN (CASE WHEN line = '-- Reboot --' THEN 'reboot'
    WHEN regexp_full_match(line, '-- Boot [0-9a-f]{32} --') THEN 'boot' ELSE 'sep' END)
  WHEN ${BLANK} THEN 'blank' WHEN ${CONT} THEN 'cont' END`;
const MARKS_TABLE = 'temp.syslog_fast_marks';

/**
 * The lines to parse as a relation (line, n, boot[, extra, extra_len]) over `from` (a table; `nExpr`
 * numbers its rows), filtered by `cond` (SQL on `line`) when given. Most files: every line. A file
 * with lines that start with '-', a space or a tab, or are empty (journalctl text, wrapped
 * messages): those that are separators, blank or continuation lines are put in a temporary table
 * of marks first (they are few) and give no row; each row gets the boot of the last
 * `-- Boot <id> --` before it (none after `-- Reboot --`) and its continuation lines (the marks
 * right after it) as `extra`, as the line parser keeps them. Any other line starting with one of
 * those is left to the SQL, which does not read it.
 */
async function linesRelation(
  conn: DuckDBConnection, from: string, nExpr: string, scanned: LineStats,
): Promise<{ lines: (cond?: string) => string; rows: number; orphans: number; continuations: boolean }> {
  const base = `SELECT line, ${nExpr} AS n FROM ${from}`;
  const where = (cond?: string) => (cond ? ` WHERE ${cond}` : '');
  if (scanned.dashStarts === 0 && scanned.contStarts === 0) {
    return { lines: (cond) => `(SELECT line, n, NULL::VARCHAR AS boot FROM (${base})${where(cond)})`, rows: scanned.lines, orphans: 0, continuations: false };
  }
  const maybe = `(prefix(line, '-') OR prefix(line, ' ') OR prefix(line, chr(9)) OR line = '')`;
  // A run of consecutive marks belongs to the line before the run (gaps and islands).
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${MARKS_TABLE} AS
    SELECT n, kind, boot, text, min(n) OVER (PARTITION BY run) - 1 AS head_n
    FROM (SELECT *, n - row_number() OVER (ORDER BY n) AS run
      FROM (SELECT n, kind, CASE WHEN kind = 'boot' THEN substr(line, 9, 32) END AS boot, CASE WHEN kind = 'cont' THEN line END AS text
        FROM (SELECT n, line, ${MARK} AS kind FROM (${base}) WHERE ${maybe})
        WHERE kind IS NOT NULL))`);
  const stats = (await conn.runAndReadAll(`SELECT count(*), count(*) FILTER (WHERE kind = 'cont'), count(*) FILTER (WHERE kind = 'cont' AND head_n = 0)
    FROM ${MARKS_TABLE}`)).getRows()[0]!.map(Number) as [number, number, number];
  const [marks, conts, orphans] = stats;
  const head = `NOT coalesce(${maybe} AND ${MARK} IS NOT NULL, false)`;
  const boots = `SELECT n, boot FROM ${MARKS_TABLE} WHERE kind IN ('boot', 'reboot')`;
  const extra = conts === 0 ? '' : `, e.extra, e.extra_len`;
  const extraJoin = conts === 0 ? '' : ` LEFT JOIN (SELECT head_n, string_agg(' ' || ltrim(text, ' ' || chr(9)), '' ORDER BY n) AS extra,
      sum(strlen(text) + 1) AS extra_len FROM ${MARKS_TABLE} WHERE kind = 'cont' GROUP BY head_n) e ON e.head_n = l.n`;
  const lines = (cond?: string) => `(SELECT * FROM (SELECT l.line, l.n, b.boot${extra}
      FROM (SELECT * FROM (${base}) WHERE ${head}) l ASOF LEFT JOIN (${boots}) b ON l.n > b.n${extraJoin})${where(cond)})`;
  return { lines, rows: scanned.lines - marks, orphans, continuations: conts > 0 };
}

/**
 * Parses the lines of `lines()` (see linesRelation) into log_events and overflow_events inside
 * `load`'s transaction. Throws NotFast, after inserting, when a line is not read or the row count
 * is not the count of lines that are not separators.
 */
async function insertLines(
  load: Load, srcId: number, ctx: ParseContext, host: FastHost, from: string, nExpr: string, scanned: LineStats,
): Promise<FastResult> {
  const conn = load.conn;
  const oddSrc = -1 - srcId;
  try {
    const { lines, rows: count, orphans, continuations } = await linesRelation(conn, from, nExpr, scanned);
    // An indented line with no row before it: the line parser reports it.
    if (orphans > 0) throw new NotFast(`${orphans} continuation lines before the first row`);
    const forms = { rfc3164: scanned.digitStarts < scanned.lines, rfc3339: scanned.digitStarts > 0, continuations };
    const select = (src: string) => syslogSelectSql(src, srcId, oddSrc, ctx, host, forms);
    return await insertRows(load, srcId, count, continuations, scanned.repeatSummaries, lines, select);
  } finally {
    // (In a transaction a failed statement aborted, the table goes with the rollback.)
    await conn.run(`DROP TABLE IF EXISTS ${MARKS_TABLE}`).catch(() => {});
  }
}

async function insertRows(
  load: Load, srcId: number, count: number, continuations: boolean, repeatSummaries: boolean, lines: (cond?: string) => string,
  select: (src: string) => string,
): Promise<FastResult> {
  const conn = load.conn;
  const oddSrc = -1 - srcId;
  await conn.run(`INSERT INTO log_events ${select(lines())}`);
  const agg = await conn.runAndReadAll(`
    SELECT count(*) FILTER (WHERE source_id = ${srcId}), count(*) FILTER (WHERE source_id = ${oddSrc}),
      epoch_us(min(ts) FILTER (WHERE source_id = ${srcId})), epoch_us(max(ts) FILTER (WHERE source_id = ${srcId})),
      count(*) FILTER (WHERE source_id = ${srcId} AND host IS NULL)
    FROM log_events WHERE source_id IN (${srcId}, ${oddSrc})`);
  const [n, odd, first, last, nullHosts] = agg.getRows()[0]!.map((v) => (v == null ? null : Number(v)));
  if (odd !== 0) throw new NotFast(`${odd} lines the SQL path does not read`);
  if (n !== count) throw new NotFast(`${n} rows for ${count} lines`);
  load.addTotals(srcId, n, first ?? null, last ?? null);
  // Overflow candidates are kernel rows (ident 'kernel': the line holds "kernel") whose message (a
  // part of the line) matches the candidate patterns: only the lines that pass the same tests on
  // the whole line are parsed again, from the lines table, which DuckDB scans on both cores (the
  // rows just inserted sit in the transaction, read on one: 1.06 s → 0.3 s on the bench file).
  // (With continuation lines a message is its line and the text appended to it.)
  const text = continuations ? `(line || coalesce(extra, ''))` : 'line';
  // (sysklogd's repeat summaries too, whatever their tag, in a file that has any: kit/sql-load.ts REPEAT_PREFIX.)
  const kernel = `contains(line, 'kernel') AND (regexp_matches(${text}, '${CANDIDATE_RE}', 'i') OR contains(${text}, 'suppressed'))`;
  const candidates = lines(repeatSummaries ? `(${kernel}) OR contains(line, '${REPEAT_PREFIX}')` : kernel);
  const overflow = await classifyLoaded(load, srcId, [], `(${select(candidates)})`);
  return { logEvents: n, overflowEvents: overflow, issues: [], skipped: 0, noHost: nullHosts ?? 0 };
}

/** Bytes of a bundle member handed to DuckDB at a time (one JavaScript string each). */
const PIECE_BYTES = 16 << 20;

/**
 * A large syslog member of a bundle through the same SQL (the bundle is read into memory, never
 * written to disk): `prepareSyslogMember`, before the bundle's transaction, checks the bytes as
 * scanSyslog checks a file and puts the lines into the temporary table `table` (line, n) — DuckDB
 * splits them, 16 MB at a time —, outside any transaction so that the parse runs on both cores;
 * `loadSyslogMember` parses them inside it. Returns null (nothing prepared) when the member does not
 * fit.
 */
export async function prepareSyslogMember(
  conn: DuckDBConnection, table: string, data: Buffer, ctx: ParseContext, pieceBytes = PIECE_BYTES,
): Promise<LineStats | Declined> {
  if (ctx.referenceTimeMs == null || !Number.isFinite(ctx.referenceTimeMs)) return { declined: NO_REFERENCE };
  const scanned = scanSyslogBuffer(data);
  if (!scanned.fits) return { declined: NOT_PLAIN };
  let reason: string;
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (line VARCHAR, n BIGINT)`);
    let base = 0;
    for (let a = 0; a < data.length;) {
      let b = Math.min(data.length, a + pieceBytes);
      if (b < data.length) {
        const nl = data.lastIndexOf(10, b - 1);
        b = nl >= a ? nl + 1 : data.indexOf(10, b) + 1 || data.length;
      }
      const end = data[b - 1] === 10 ? b - 1 : b; // the piece without its last newline: one element per line
      const r = await conn.run(`INSERT INTO temp.${table} SELECT unnest(l), ${base} + unnest(range(1, len(l) + 1))
        FROM (SELECT string_split($1, chr(10)) AS l)`, [data.toString('utf8', a, end)]);
      base += r.rowsChanged;
      a = b;
    }
    if (base === scanned.lines) return scanned;
    reason = `DuckDB split it into ${base} lines, the scan counted ${scanned.lines}`;
  } catch (e) {
    // (a failure here only means the line parser reads the member)
    reason = `DuckDB could not take its lines: ${(e as Error).message}`;
  }
  await conn.run(`DROP TABLE IF EXISTS temp.${table}`);
  return { declined: reason };
}

const NO_REFERENCE = 'no reference time for the RFC 3164 year';
const NOT_PLAIN = 'not only plain RFC 3164 / RFC 3339 lines (a PRI prefix, NUL, CR, \\x1f or invalid UTF-8)';

/** What the syslog loader prepared: the lines in a temporary table, numbered, and what the scan found. */
interface SyslogPrepared extends Prepared {
  table: string;
  /** SQL numbering the table's rows from 1 in file order. */
  n: string;
  scanned: LineStats;
  /** A bundle member: on a decline its rows are deleted again (the bundle's transaction goes on). */
  member: boolean;
}

/** Temporary tables of members prepared at once (one bundle's) get distinct names. */
let memberTables = 0;

/** Scans started by prefetch, for prepare to take up (by file, compression and size cap). */
const ahead = new Map<string, Promise<SyslogScan>>();
type FileInput = Extract<SqlInput, { path: string }>;
const aheadKey = (input: FileInput) => (input.onBytes ? '' : `${input.compression}\0${input.maxBytes}\0${input.path}`);
/** The hash and check of a file (or a compressed one, decompressed within its size cap). */
const startScan = (input: FileInput) =>
  scanSyslog(input.path, input.onBytes, input.compression !== 'none' ? { compression: input.compression, maxBytes: input.maxBytes } : {});

/**
 * The syslog SQL loader (format.ts SqlLoader): a file (a side file, a bundle member on disk) is
 * read by read_csv while scanSyslog hashes and checks it; a bundle member held in memory is split
 * by DuckDB from there (prepareSyslogMember). Lines the SQL does not read, or a row count that differs, decline.
 */
export const syslogSqlLoader: SqlLoader<SyslogPrepared> = {
  takesFile: (compression) => compression === 'none' || compression === 'gzip' || compression === 'zstd',
  memberMinBytes: 2 * 1024 * 1024,
  async prepare(conn, input, ctx) {
    if ('data' in input) {
      const table = `syslog_member_${memberTables++}`;
      const r = await prepareSyslogMember(conn, table, input.data, ctx);
      return isDeclined(r) ? r : { table: `temp.${table}`, n: 'n', scanned: r, member: true };
    }
    if (ctx.referenceTimeMs == null || !Number.isFinite(ctx.referenceTimeMs)) return { declined: NO_REFERENCE };
    const { path, compression } = input;
    // (a bundle's members are prepared together, each in a table of its own)
    const table = input.member ? `temp.syslog_member_${memberTables++}` : LINES_TABLE;
    const key = aheadKey(input);
    const scan = ahead.get(key) ?? startScan(input);
    ahead.delete(key);
    scan.catch(() => {}); // a damaged file can fail the scan before anything awaits it (below)
    const read = await readSyslogLines(conn, path, scan, compression, table);
    const scanned = await scan.catch((e: Error) => e);
    if (scanned instanceof Error) return { declined: `the scan failed: ${scanned.message}` };
    if (!scanned.fits) return { declined: NOT_PLAIN, sha256: scanned.sha256 };
    if (!read) return { declined: 'read_csv could not read it', sha256: scanned.sha256 };
    const ids = await conn.runAndReadAll(`SELECT min(rowid), max(rowid), count(*) FROM ${table}`);
    const [lo, hi, cnt] = ids.getRows()[0]!.map((v) => (v == null ? null : Number(v)));
    if (lo == null || hi == null || cnt !== scanned.lines || hi - lo + 1 !== cnt) {
      await dropSyslogLines(conn, table);
      return { declined: `read_csv gave ${cnt} rows for ${scanned.lines} lines`, sha256: scanned.sha256 };
    }
    return { table, n: `rowid - ${lo} + 1`, scanned, member: input.member === true, sha256: scanned.sha256 };
  },
  prefetch(input) {
    // (a bundle member on disk, no progress callback: the scan prepare would start)
    if (!('path' in input) || input.onBytes) return;
    const key = aheadKey(input);
    if (ahead.has(key)) return;
    const scan = startScan(input);
    scan.catch(() => {});
    ahead.set(key, scan);
  },
  async load(load, srcId, p, ctx, host) {
    // Every row gets the forced host (--host, the bundle's); else its own, else the fallback.
    const fast: FastHost = { fixed: host.forced ? host.fallback : null, fallback: host.fallback };
    try {
      return await insertLines(load, srcId, ctx, fast, p.table, p.n, p.scanned);
    } catch (e) {
      if (!(e instanceof NotFast)) throw e;
      // A side file's transaction is rolled back; a member's rows go, its bundle's transaction stays.
      if (p.member) await load.conn.run(`DELETE FROM log_events WHERE source_id IN (${srcId}, ${-1 - srcId})`);
      return { declined: e.message };
    }
  },
  async dispose(conn, p) {
    await conn.run(`DROP TABLE IF EXISTS ${p.table}`);
  },
};
