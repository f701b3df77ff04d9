import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Which log lines are copies of one event (issue 16): the same host, the same message text,
 * times that agree within the coarser copy's precision (its source's time_uncertainty_s: a
 * syslog second, dmesg placed through a boot time known to ±N s, a journal microsecond) plus one
 * second for the logger's receive delay. Identical lines of one source inside such a cluster are
 * distinct events, matched to the other sources' copies in order (the 3rd of messages with the
 * 3rd of dmesg). The copy with the most precise time speaks for the event; the others are
 * stored in log_copies, which view log_timeline leaves out.
 *
 * Only a host with lines from two or more sources can have copies, and only for messages it has
 * in two or more of them: a central file of a fleet (one source per host) costs one aggregate.
 * Lines without a time are never matched (nothing says they are the same instant).
 */
const COPIES_SQL = (hostScope: string) => `
WITH e AS (
  SELECT l.host, l.ts, l.ts_quality, rtrim(l.message) AS message, l.source_id, l.line_no
  FROM log_events l
  WHERE l.ts IS NOT NULL AND l.host IS NOT NULL AND ${hostScope}
), hosts_many AS (
  SELECT host FROM e GROUP BY host HAVING min(source_id) <> max(source_id)
), keys AS (
  SELECT host, message FROM e SEMI JOIN hosts_many USING (host)
  GROUP BY host, message HAVING min(source_id) <> max(source_id)
), many AS (
  SELECT e.*, coalesce(s.time_uncertainty_s, CASE e.ts_quality WHEN 'exact' THEN 0.000001 WHEN 'monotonic+boot' THEN 60 ELSE 1 END) AS unc
  FROM e SEMI JOIN keys USING (host, message) LEFT JOIN sources s USING (source_id)
), dated AS (
  SELECT *,
    CASE WHEN lag(ts) OVER w IS NULL
           OR epoch(ts - lag(ts) OVER w) > greatest(unc, lag(unc) OVER w) + 1 THEN 1 ELSE 0 END AS new_cluster
  FROM many
  WINDOW w AS (PARTITION BY host, message ORDER BY ts)
), clustered AS (
  -- RANGE: copies of the same instant are peers and fall in one cluster whatever their order
  SELECT *, sum(new_cluster) OVER (PARTITION BY host, message ORDER BY ts RANGE UNBOUNDED PRECEDING) AS cluster
  FROM dated
), numbered AS (
  SELECT *, row_number() OVER (PARTITION BY host, message, cluster, source_id ORDER BY ts, line_no) AS k
  FROM clustered
), events AS (
  SELECT host, source_id, line_no,
    row_number() OVER ev AS pick,
    first_value(source_id) OVER ev AS event_source_id,
    first_value(line_no) OVER ev AS event_line_no
  FROM numbered
  WINDOW ev AS (PARTITION BY host, message, cluster, k ORDER BY unc, source_id, line_no)
)
SELECT host, source_id, line_no, event_source_id, event_line_no FROM events WHERE pick > 1`;

/**
 * Rebuild log_copies for the hosts with sources newer than `since` (or every host), in one
 * transaction. Returns the copies stored.
 */
export async function rebuildLogCopies(conn: DuckDBConnection, scope: { since: number } | 'all'): Promise<number> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const touched = scope === 'all' ? 'true'
      : `host IN (SELECT DISTINCT host FROM log_events WHERE source_id > ${Math.trunc(scope.since)})`;
    if (scope !== 'all') {
      const any = (await conn.runAndReadAll(`SELECT 1 FROM log_events WHERE source_id > ${Math.trunc(scope.since)} LIMIT 1`)).getRows().length > 0;
      if (!any) {
        await conn.run('COMMIT');
        return 0;
      }
    }
    await conn.run(`DELETE FROM log_copies WHERE ${touched}`);
    await conn.run(`INSERT INTO log_copies ${COPIES_SQL(touched.replace(/\bhost\b/, 'l.host'))}`);
    const n = Number((await conn.runAndReadAll(`SELECT count(*) FROM log_copies WHERE ${touched}`)).getRows()[0]![0]);
    await conn.run('COMMIT');
    return n;
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}
