/**
 * What the SQL load paths share (journal-fast.ts: read_json; syslog-fast.ts: read_csv): SQL
 * quoting, the side-file host rule in SQL, their result, and the overflow classification of rows
 * inserted by SQL.
 */
import type { Issue, LogEventRow } from '../model.js';
import type { Load } from '../store/load.js';
import { OverflowClassifier } from './overflow.js';

/** A SQL string literal. */
export const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** sosreport's shortHost: IPv4 and IPv6 addresses kept, else the first label (or all of it). */
export const shortHostSql = (e: string) =>
  `CASE WHEN regexp_full_match(${e}, '[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+') OR contains(${e}, ':') THEN ${e} ` +
  `WHEN split_part(${e}, '.', 1) = '' THEN ${e} ELSE split_part(${e}, '.', 1) END`;

export interface FastHost {
  /** The host every row gets (--host, or the host ctx.host resolves to), or null: per row from the data. */
  fixed: string | null;
  /** Host for rows that name none when `fixed` is null (rows of a JavaScript parser get theirs from fixHost). */
  fallback: string | null;
}

export interface FastResult {
  logEvents: number;
  overflowEvents: number;
  issues: Issue[];
  skipped: number;
  noHost: number;
}

const CLASSIFY_PAGE = 20_000;

/** Kernel messages that can be overflow candidates match this (case-insensitive) or hold "suppressed". */
export const CANDIDATE_RE = 'overflow|table full|orphaned|memory|SYN flooding';

/**
 * Overflow classification of a source whose log_events rows were inserted by SQL: the kernel rows
 * that can match a signature or a ratelimit summary (a superset of what classifyMessage /
 * suppressedCount accept) are selected back, merged with `jsRows` (rows of the same source that
 * went through a JavaScript parser), and classified in line order; the overflow rows are loaded.
 * The candidates go through JavaScript a page at a time (memory stays bounded when a file holds
 * hundreds of thousands of overflow lines): they are first put in a temporary table, which is
 * then read by line number (no query result stays open while the overflow rows are appended).
 * `from` is where the source's rows are read: log_events, or a relation that yields the same rows
 * with log_events' column names (the syslog path re-parses only the lines that can be candidates).
 */
export async function classifyLoaded(load: Load, srcId: number, jsRows: LogEventRow[], from = 'log_events'): Promise<number> {
  const conn = load.conn;
  await conn.run(`CREATE OR REPLACE TEMP TABLE classify_candidates AS
    SELECT host, epoch_us(ts) AS us, ts_quality, boot_id, mono_us, ident, pid, unit, priority, facility, transport, message, line_no
    FROM ${from}
    WHERE source_id = ${srcId}
      AND (ident = 'kernel' OR transport = 'kernel' OR (ident IS NULL AND transport IS NULL))
      AND ((length(message) <= 400 AND regexp_matches(message, '${CANDIDATE_RE}', 'i'))
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
    total += overflow.length;
    if (rows.length < CLASSIFY_PAGE) break;
  }
  await conn.run('DROP TABLE temp.classify_candidates');
  return total;
}
