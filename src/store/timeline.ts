import { listValue, type DuckDBConnection } from '@duckdb/node-api';

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
/** A line's message as its key (see `e` below): hash and length in bytes, trailing spaces ignored. */
const MESSAGE_KEY = `CASE WHEN suffix(l.message, ' ') THEN hash(rtrim(l.message)) ELSE hash(l.message) END AS message,
    CASE WHEN suffix(l.message, ' ') THEN strlen(rtrim(l.message)) ELSE strlen(l.message) END AS len`;

const COPIES_SQL = (hostScope: string) => `
WITH lines AS NOT MATERIALIZED (
  SELECT l.host, l.ts, l.message, l.source_id, l.line_no,
    coalesce(s.time_uncertainty_s, CASE l.ts_quality WHEN 'exact' THEN 0.000001 WHEN 'monotonic+boot' THEN 60 ELSE 1 END) AS unc
  FROM log_events l LEFT JOIN sources s USING (source_id)
  WHERE l.ts IS NOT NULL AND l.host IS NOT NULL AND ${hostScope}
), reach AS (
  -- each source's time span, and how far apart two lines can be and still be neighbours in one
  -- cluster (greatest(unc, unc') + 1 s, at most the host's largest unc + 1 s; in µs, + 2 for the
  -- seconds compared in floating point below)
  SELECT *, (ceil((max(umax) OVER (PARTITION BY host) + 1) * 1000000) + 2)::BIGINT AS t
  FROM (SELECT host, source_id, epoch_us(min(ts)) AS lo, epoch_us(max(ts)) AS hi, max(unc) AS umax FROM lines GROUP BY host, source_id)
), zone AS (
  -- Only messages with a line in the span of another source (widened by that reach) can have
  -- copies: a cluster with two sources has a link, two neighbours of different sources at most
  -- the reach apart, so the later of the two lies in the other's source's widened span. Every
  -- line of those messages goes on (a cluster chains lines far beyond the spans); the others are
  -- never grouped (a sosreport: 9.3M of 16.5M lines go on; its rotated logs overlap nothing)
  SELECT DISTINCT l.host, ${MESSAGE_KEY}
  FROM lines l JOIN reach r ON r.host = l.host AND r.source_id <> l.source_id AND epoch_us(l.ts) BETWEEN r.lo - r.t AND r.hi + r.t
), e AS (
  -- the message as a 64-bit hash and its length: the same text gives the same pair, and grouping
  -- and sorting 64-bit keys is several times cheaper than strings (two different lines of one
  -- host colliding in both: about 1 in 10^12 for a million distinct lines)
  -- (rtrim copies every string: only those that end in a space go through it; the length in
  -- bytes, which DuckDB keeps, serves as well as in characters)
  SELECT l.host, l.ts, ${MESSAGE_KEY}, l.source_id, l.line_no, l.unc
  FROM lines l
), ez AS (
  SELECT e.* FROM e SEMI JOIN zone USING (host, message, len)
), multi AS (
  -- of those, messages the host has in two or more sources, found first with the cheapest
  -- aggregate: a large bundle has millions of distinct lines and few copies (450 MB sosreport:
  -- 3.7M keys, 413 copies), and the arg_min states below for every key did not fit the ingest's
  -- 256 MiB (1.2 GB RSS at 1 GiB)
  SELECT host, message, len FROM ez GROUP BY host, message, len HAVING min(source_id) <> max(source_id)
), em AS MATERIALIZED (
  -- (their lines, kept: scanned four times below; a sosreport: 4.5M lines)
  SELECT ez.* FROM ez SEMI JOIN multi USING (host, message, len)
), k AS (
  -- the copy with the most precise time (then the earliest) speaks for the event
  -- sources: how many distinct ones, counted as bits (count(DISTINCT) was 7× slower here); two
  -- sources sharing a bit only make a key look repeated, which the general path handles
  SELECT host, message, len, count(*) AS n, bit_count(bit_or(1::BIGINT << (source_id % 63)::INTEGER)) AS sources,
    epoch(max(ts) - min(ts)) AS span, min(unc) AS u, max(unc) AS umax,
    arg_min(source_id, (unc, ts, line_no, source_id)) AS ev_src, arg_min(line_no, (unc, ts, line_no, source_id)) AS ev_line
  FROM em
  GROUP BY host, message, len
), simple AS (
  -- the common case, without windows: one line per source, all within the tightest copy's
  -- uncertainty + 1 s of each other (so every pair agrees): one event
  SELECT host, message, len, ev_src, ev_line FROM k WHERE n = sources AND span <= u + 1
), simple_copies AS (
  SELECT e.host, e.source_id, e.line_no, s.ev_src AS event_source_id, s.ev_line AS event_line_no
  FROM em e JOIN simple s USING (host, message, len)
  WHERE NOT (e.source_id = s.ev_src AND e.line_no = s.ev_line)
), kw AS (
  -- the rest (identical lines repeated in a source, copies far apart) ...
  -- width: more µs than any two of the key's lines can be apart and still be one cluster's
  -- neighbours (greatest(unc, unc') + 1 s, compared as seconds in floating point: + 2 µs)
  SELECT host, message, len, (ceil((umax + 1) * 1000000) + 2)::BIGINT AS width FROM k WHERE NOT (n = sources AND span <= u + 1)
), buckets AS MATERIALIZED (
  SELECT e.host, e.message, e.len, epoch_us(e.ts) // kw.width AS b, min(e.source_id) AS s1, max(e.source_id) AS s2
  FROM em e JOIN kw USING (host, message, len) GROUP BY e.host, e.message, e.len, b
), near AS (
  -- ... of which only keys with two lines of different sources in one bucket or two adjacent ones
  -- can have a link (below: two neighbours of different sources close enough): the others go no
  -- further (a sosreport: 322k keys, 4.78M lines, 2,675 copies)
  SELECT host, message, len FROM buckets WHERE s1 <> s2
  UNION
  SELECT a.host, a.message, a.len FROM buckets a JOIN buckets c ON c.host = a.host AND c.message = a.message AND c.len = a.len AND c.b = a.b + 1
  WHERE a.s1 <> c.s1 OR a.s2 <> c.s2
), many AS (
  -- ... clusters in time
  SELECT e.* FROM em e SEMI JOIN near USING (host, message, len)
), gaps AS (
  -- Lines of one instant (the same time) are peers, and their tolerance is the instant's: the
  -- largest of theirs (iu). With each line's own, the gap after an instant depended on which of
  -- its lines the sort put last — two runs could cluster differently (found by the property test
  -- of session 12). A total order (ts, line_no, source_id) for lag, as only instants matter.
  SELECT *,
    lag(ts) OVER w IS NULL OR epoch(ts - lag(ts) OVER w) > greatest(iu, lag(iu) OVER w) + 1 AS starts,
    lag(source_id) OVER w AS prev_source
  FROM (SELECT *, max(unc) OVER (PARTITION BY host, message, len, ts) AS iu FROM many)
  WINDOW w AS (PARTITION BY host, message, len ORDER BY ts, line_no, source_id)
), dated AS (
  -- link: the line and the one before it are in one cluster and from different sources. A
  -- cluster holds two sources if and only if one of its lines is a link (walking the cluster in
  -- order, the first change of source is one; a link's line and the one before it are never in
  -- two clusters, peers included); only those clusters can hold copies
  SELECT * EXCLUDE (starts, prev_source, iu), CASE WHEN starts THEN 1 ELSE 0 END AS new_cluster,
    NOT starts AND prev_source <> source_id AS link
  FROM gaps
), clustered AS MATERIALIZED (
  -- RANGE: copies of the same instant are peers and fall in one cluster whatever their order
  SELECT *, sum(new_cluster) OVER (PARTITION BY host, message, len ORDER BY ts RANGE UNBOUNDED PRECEDING) AS cluster
  FROM dated
), numbered AS (
  -- (a cluster of one source is one line per event: nothing to number, no copies; 4.78M lines of
  -- a sosreport's 322k keys in two or more sources, 2,675 copies, went through both windows below)
  SELECT *, row_number() OVER (PARTITION BY host, message, len, cluster, source_id ORDER BY ts, line_no) AS k
  FROM clustered SEMI JOIN (SELECT DISTINCT host, message, len, cluster FROM clustered WHERE link) USING (host, message, len, cluster)
), events AS (
  SELECT host, source_id, line_no,
    row_number() OVER ev AS pick,
    first_value(source_id) OVER ev AS event_source_id,
    first_value(line_no) OVER ev AS event_line_no
  FROM numbered
  WINDOW ev AS (PARTITION BY host, message, len, cluster, k ORDER BY unc, ts, line_no, source_id)
)
SELECT host, source_id, line_no, event_source_id, event_line_no FROM simple_copies
UNION ALL
SELECT host, source_id, line_no, event_source_id, event_line_no FROM events WHERE pick > 1`;

/**
 * Whether a statement may read log_timeline or log_copies: it names either, or reads a table
 * by a name it computes (query_table, query). Such a reader matches the copies still due first.
 */
export function readsCopies(sql: string): boolean {
  return /\blog_(timeline|copies)\b|\bquery(_table)?\s*\(/i.test(sql);
}

/**
 * Mark the hosts with lines newer than source `since` (or every host) as due: their copies are
 * matched by the first reader of log_timeline (settleLogCopies), not by the ingest (issue 21: a
 * 1.5 GB sosreport's copies took 14.8 s of its 58 s ingest, and the verdict never reads them).
 */
export async function markCopiesDue(conn: DuckDBConnection, scope: { since: number } | 'all'): Promise<void> {
  const touched = scope === 'all' ? '' : `AND source_id > ${Math.trunc(scope.since)}`;
  // (EXCEPT is a set operation: each host once)
  await conn.run(`INSERT INTO log_copies_due
    SELECT host FROM log_events WHERE host IS NOT NULL ${touched}
    EXCEPT SELECT host FROM log_copies_due`);
}

/** The hosts whose copies are due, sorted. */
export async function copiesDue(conn: DuckDBConnection): Promise<string[]> {
  return (await conn.runAndReadAll('SELECT DISTINCT host FROM log_copies_due ORDER BY host')).getRows().map((r) => String(r[0]));
}

/**
 * Match the copies of every host that is due (see markCopiesDue) and clear it; a host whose
 * matching fails stays due (its log_timeline rows keep copies NULL) and is named in the result.
 * `say` is told before the work starts (it can take seconds per million lines).
 */
export async function settleLogCopies(conn: DuckDBConnection, say?: (line: string) => void): Promise<{ hosts: number; copies: number; failed: { host: string; error: string }[] }> {
  const due = await copiesDue(conn);
  if (due.length === 0) return { hosts: 0, copies: 0, failed: [] };
  say?.(`matching log lines across sources (copies of one event) for ${due.length === 1 ? `host ${due[0]}` : `${due.length} hosts`}: the first read of log_timeline since an ingest added to ${due.length === 1 ? 'it' : 'them'}`);
  return { hosts: due.length, ...(await rebuildLogCopies(conn, { hosts: due })) };
}

/**
 * Rebuild log_copies for the hosts listed, or every host, host by host (one host's lines at a time keeps the windows within the memory
 * limit), each host in one transaction that also clears it from log_copies_due. A host whose
 * copies cannot be worked out (memory, a DuckDB fault) keeps none and stays due — its
 * log_timeline rows say copies NULL — and is named in the result instead of failing the caller.
 */
export async function rebuildLogCopies(conn: DuckDBConnection, scope: { hosts: string[] } | 'all'): Promise<{ copies: number; failed: { host: string; error: string }[] }> {
  const out = { copies: 0, failed: [] as { host: string; error: string }[] };
  // The hosts in scope, and which of them have lines from two or more sources: only those can
  // have copies. The others (a central file of 400 hosts: every host) are settled by one DELETE
  // instead of a transaction and a pass over their lines each (issue 21: 81 % of the CPU time of
  // a 400-host syslog file went to 400 passes that found nothing).
  const touched = scope === 'all' ? 'SELECT DISTINCT host FROM log_events WHERE host IS NOT NULL' : 'SELECT DISTINCT unnest($1::VARCHAR[]) AS host';
  const listed = scope === 'all' ? [] : [listValue(scope.hosts)];
  const scoped = (await conn.runAndReadAll(`WITH touched AS (${touched})
    SELECT t.host, coalesce(min(l.source_id) <> max(l.source_id), false) AS many
    FROM touched t LEFT JOIN log_events l ON l.host = t.host GROUP BY t.host ORDER BY t.host`, listed as never)).getRows();
  const hosts = scoped.filter((r) => r[1] === true).map((r) => String(r[0]));
  const single = scoped.filter((r) => r[1] !== true).map((r) => String(r[0]));
  if (single.length > 0) {
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run(`DELETE FROM log_copies WHERE host IN (SELECT unnest($1::VARCHAR[]))`, [listValue(single)]);
      await conn.run(`DELETE FROM log_copies_due WHERE host IN (SELECT unnest($1::VARCHAR[]))`, [listValue(single)]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => {});
      throw e;
    }
  }
  if (hosts.length === 0) return out;
  const order = String((await conn.runAndReadAll("SELECT current_setting('preserve_insertion_order')")).getRows()[0]![0]);
  await conn.run('SET preserve_insertion_order = false');
  try {
    for (const host of hosts) {
      await conn.run('BEGIN TRANSACTION');
      try {
        await conn.run('DELETE FROM log_copies WHERE host = $1', [host]);
        // (a host with one source has nothing to match: the first aggregate ends it)
        await conn.run(`INSERT INTO log_copies ${COPIES_SQL('l.host = $1')}`, [host]);
        out.copies += Number((await conn.runAndReadAll('SELECT count(*) FROM log_copies WHERE host = $1', [host])).getRows()[0]![0]);
        await conn.run('DELETE FROM log_copies_due WHERE host = $1', [host]);
        await conn.run('COMMIT');
      } catch (e) {
        await conn.run('ROLLBACK').catch(() => {});
        // what was there stays cleared, and the host due: a partial answer would hide copies or events
        await conn.run('DELETE FROM log_copies WHERE host = $1', [host]).catch(() => {});
        await conn.run('INSERT INTO log_copies_due SELECT $1 WHERE $1 NOT IN (SELECT host FROM log_copies_due)', [host]).catch(() => {});
        out.failed.push({ host, error: (e as Error).message.split('\n')[0]! });
      }
    }
  } finally {
    await conn.run(`SET preserve_insertion_order = ${order === 'true' ? 'true' : 'false'}`);
  }
  return out;
}
