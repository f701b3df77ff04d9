/**
 * What the SQL load paths share (journal-json/sql-loader.ts: read_json; syslog/sql-loader.ts: read_csv): SQL
 * quoting, the side-file host rule in SQL, their result, and the overflow classification of rows
 * inserted by SQL.
 */
import type { Issue, LogEventRow } from '../../model.js';
import type { Load } from '../../store/load.js';
import { OverflowClassifier, type OverflowEventRow } from './classify.js';
import { CANDIDATE_MAX_CHARS, CANDIDATE_RE } from '../../signatures.js';
import { quoted as q } from '../../store/sql.js';

/** A SQL string literal (store/sql.ts quoted; `q` kept for the fast loaders that import it). */
export { q };

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

/**
 * Kernel messages that can be overflow candidates match this (case-insensitive, at most
 * CANDIDATE_MAX_CHARS long) or hold "suppressed": the classifier's own pre-filter
 * (signatures.ts isCandidate), one definition for JavaScript and SQL.
 */
export { CANDIDATE_MAX_CHARS, CANDIDATE_RE };
/**
 * sysklogd's repeat summary (signatures.ts REPEAT_PATTERN), a candidate whatever its tag: it counts
 * the row before it of the same host again. (rsyslog's `message repeated N times: [ …]` holds the
 * kernel message itself: a kernel candidate like any other.)
 */
export const REPEAT_PREFIX = 'last message repeated ';

/** Lines before a repeat summary looked at first for the row before it of the same host. */
const NEAR_LINES = 64;

/**
 * temp.classify_prev (line_no, h, prev): for each repeat summary among the candidates, the line of
 * the row before it of the same host in the source (NULL: none). The source's rows sit in the open
 * transaction, which DuckDB reads on one thread: an ASOF join over them sorts them all (1.5–3 s for
 * 1M rows), and a hash join built on them takes 0.15–0.25 s. Most repeat summaries follow their line
 * within a few lines: the NEAR_LINES lines before each are listed first (a small table, so that the
 * joins build on it) and only those rows are read (~50 ms for 1M rows and 1,700 summaries); the few
 * left (a quiet host in a busy central file, a summary first in a rotated file) by a join on the
 * host that keeps its earlier rows (rows of that host × such summaries). (jsRows are not in
 * log_events yet: the classifier, shown them whole, takes a later one of them over what is found here.)
 */
async function previousLines(conn: Load['conn'], srcId: number): Promise<void> {
  const rows = `(SELECT line_no, coalesce(host, '') AS h FROM log_events WHERE source_id = ${srcId})`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE classify_near AS
    SELECT line_no AS r_line, coalesce(host, '') AS h, unnest(range(line_no - ${NEAR_LINES}, line_no)) AS k
    FROM temp.classify_candidates WHERE prefix(message, '${REPEAT_PREFIX}')`);
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE classify_prev AS
      SELECT r.r_line AS line_no, any_value(r.h) AS h, max(l.line_no) AS prev
      FROM temp.classify_near r
      LEFT JOIN (SELECT * FROM ${rows} WHERE line_no IN (SELECT k FROM temp.classify_near)) l ON l.line_no = r.k AND l.h = r.h
      GROUP BY r.r_line`);
  } finally {
    await conn.run('DROP TABLE IF EXISTS temp.classify_near').catch(() => {});
  }
  if (Number((await conn.runAndReadAll('SELECT count(*) FROM temp.classify_prev WHERE prev IS NULL')).getRows()[0]![0]) > 0) {
    await conn.run(`UPDATE temp.classify_prev p SET prev = f.prev
      FROM (SELECT r.line_no, max(l.line_no) AS prev
        FROM (SELECT line_no, h FROM temp.classify_prev WHERE prev IS NULL) r JOIN ${rows} l ON l.h = r.h AND l.line_no < r.line_no
        GROUP BY r.line_no) f
      WHERE p.line_no = f.line_no`);
  }
}

/**
 * Overflow classification of a source whose log_events rows were inserted by SQL: the kernel rows
 * that can match a signature or a ratelimit summary (a superset of what classifyMessage /
 * suppressedCount accept) are selected back, merged with `jsRows` (rows of the same source that
 * went through a JavaScript parser), and classified in line order.
 * The candidates go through JavaScript a page at a time (memory stays bounded when a file holds
 * hundreds of thousands of overflow lines): they are first put in a temporary table, which is
 * then read by line number (no query result stays open while rows are appended). Only what the
 * classifier reads crosses into JavaScript (line, host, time, message), column by column, and only
 * what it decides comes back (kind, count, variant, detail per line): the overflow rows are then
 * one INSERT that joins the two (60,000 overflow lines: 1.1 s → ~0.3 s against row objects both
 * ways). Rows of `jsRows` that are overflow rows are appended as they are.
 * `from` is where the source's rows are read: log_events, or a relation that yields the same rows
 * with log_events' column names (the syslog path re-parses only the lines that can be candidates).
 */
export async function classifyLoaded(load: Load, srcId: number, jsRows: LogEventRow[], from = 'log_events'): Promise<number> {
  const conn = load.conn;
  await conn.run(`CREATE OR REPLACE TEMP TABLE classify_candidates AS
    SELECT host, epoch_us(ts) AS us, ts_quality, boot_id, mono_us, message, line_no
    FROM ${from}
    WHERE source_id = ${srcId}
      AND (((ident = 'kernel' OR transport = 'kernel' OR (ident IS NULL AND transport IS NULL))
        AND ((length(message) <= ${CANDIDATE_MAX_CHARS} AND regexp_matches(message, ${q(CANDIDATE_RE)}, 'i'))
             OR contains(message, 'suppressed')))
        OR prefix(message, '${REPEAT_PREFIX}'))`);
  // A repeat summary counts the row before it of the same host, which need not be a candidate: the
  // classifier is told which line that is (it then counts it only when it was shown that line).
  const repeats = Number((await conn.runAndReadAll(`SELECT count(*) FROM temp.classify_candidates WHERE prefix(message, '${REPEAT_PREFIX}')`)).getRows()[0]![0]) > 0;
  if (repeats) await previousLines(conn, srcId);
  await conn.run(`CREATE OR REPLACE TEMP TABLE classify_found (line_no BIGINT, kind VARCHAR, count BIGINT, suppressed BOOLEAN, variant VARCHAR, detail VARCHAR, repeated BOOLEAN)`);
  try {
    const found = await conn.createAppender('classify_found', 'main', 'temp');
    const js = jsRows.length ? [...jsRows].sort((a, b) => a.line_no - b.line_no) : [];
    let j = 0;
    const classifier = new OverflowClassifier();
    let total = 0;
    let first: number | null = null; // times of the overflow rows found here (the source's totals)
    let lastTs: number | null = null;
    let last = -Infinity;
    const fromJs: OverflowEventRow[] = [];
    const takeJs = (upTo: number) => {
      for (; j < js.length && js[j]!.line_no < upTo; j++) {
        const o = classifier.next(js[j]!);
        if (o) fromJs.push(o);
      }
    };
    for (;;) {
      // (Row ids and times as DOUBLE: JavaScript numbers straight away, exact below 2^53.)
      const page = await conn.runAndReadAll(`
        SELECT line_no::DOUBLE, host, us::DOUBLE, mono_us::DOUBLE, message, ${repeats ? 'p.prev::DOUBLE' : 'NULL::DOUBLE'}
        FROM temp.classify_candidates${repeats ? ' LEFT JOIN temp.classify_prev p USING (line_no)' : ''}
        ${last === -Infinity ? '' : `WHERE line_no > ${last}`} ORDER BY line_no LIMIT ${CLASSIFY_PAGE}`);
      const n = page.currentRowCount;
      const [lines, hosts, uss, monos, messages, prevs] = n ? page.getColumns() : [[], [], [], [], [], []];
      // (ts_quality and boot_id do not change what the classifier decides: read back by the INSERT.
      // Every candidate but a repeat summary is a kernel row; the classifier reads no tag of those.)
      const row = { host: null as string | null, ts: null as number | null, ts_quality: null, ident: 'kernel', transport: null, mono_us: null as number | null, boot_id: null, message: '', line_no: 0, prev_line_no: null as number | null };
      for (let i = 0; i < n; i++) {
        row.line_no = lines![i] as number;
        takeJs(row.line_no);
        row.host = hosts![i] as string | null;
        row.ts = uss![i] as number | null;
        row.mono_us = monos![i] as number | null;
        row.message = messages![i] as string;
        row.prev_line_no = prevs![i] as number | null;
        const o = classifier.next(row);
        if (!o) continue;
        found.appendBigInt(BigInt(row.line_no));
        found.appendVarchar(o.kind);
        found.appendBigInt(BigInt(o.count));
        found.appendBoolean(o.suppressed);
        if (o.variant == null) found.appendNull();
        else found.appendVarchar(o.variant);
        if (o.detail == null) found.appendNull();
        else found.appendVarchar(o.detail);
        found.appendBoolean(o.repeated);
        found.endRow();
        total++;
        if (row.ts != null) {
          if (first == null || row.ts < first) first = row.ts;
          if (lastTs == null || row.ts > lastTs) lastTs = row.ts;
        }
      }
      if (n > 0) last = lines![n - 1] as number;
      if (n < CLASSIFY_PAGE) break;
    }
    takeJs(Infinity);
    found.flushSync();
    found.closeSync();
    await load.add('overflow_events', srcId, fromJs);
    if (total > 0) {
      await conn.run(`INSERT INTO overflow_events
        SELECT c.host, make_timestamptz(c.us), c.ts_quality, f.kind, f.count, f.suppressed, f.variant, f.detail, c.mono_us, c.boot_id, c.message, ${srcId}, c.line_no, f.repeated
        FROM temp.classify_candidates c JOIN temp.classify_found f USING (line_no) ORDER BY c.line_no`);
      load.addTotals(srcId, total, first, lastTs);
    }
    return total + fromJs.length;
  } finally {
    // (After a failed statement the transaction is aborted and the tables go with its rollback.)
    await conn.run('DROP TABLE IF EXISTS temp.classify_candidates').catch(() => {});
    await conn.run('DROP TABLE IF EXISTS temp.classify_found').catch(() => {});
    await conn.run('DROP TABLE IF EXISTS temp.classify_prev').catch(() => {});
  }
}
