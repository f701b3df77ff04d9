-- Overflow events counted once across sources.
-- The same kernel line reaches us through dmesg, /var/log/messages, the journal and central
-- syslog copies, with different precisions (µs, ms, s) and small clock differences. net_ratelimit
-- prints bursts (≤ message_burst lines per ≥ 5 s window), so bursts are islands in time: events of
-- one host and kind closer than 2 s form one island, and each island counts what its most complete
-- source saw (max over sources), never the sum.
-- logged counts what the kernel printed, including the copies a syslog daemon wrote only as a
-- repeat summary (`last message repeated N times`: overflow_events.repeated); repeated says how
-- many of logged those are, in the source that gave logged (of several with as many: the one with
-- fewest, whose lines show more of them one by one).
CREATE OR REPLACE VIEW overflow_islands AS
WITH ev AS (
  -- unc: ± seconds of the line's time, as its source recorded it (sources.time_uncertainty_s);
  -- when the source does not say: µs journal stamps exact, whole-second stamps 1 s, kernel lines
  -- placed by a boot time of unknown precision up to a minute (uptime's minutes)
  SELECT o.host, o.kind, o.ts, o.count, o.suppressed, o.source_id, o.detail, coalesce(o.repeated, false) AS repeated,
    coalesce(s.time_uncertainty_s, CASE o.ts_quality WHEN 'exact' THEN 0.001 WHEN 'monotonic+boot' THEN 60 ELSE 1 END) AS unc,
    coalesce(s.time_basis, o.ts_quality) AS basis
  FROM overflow_events o LEFT JOIN sources s USING (source_id)
  WHERE o.ts IS NOT NULL
), marked AS (
  SELECT *,
    CASE WHEN lag(ts) OVER w IS NULL OR ts - lag(ts) OVER w > INTERVAL 2 SECOND THEN 1 ELSE 0 END AS new_island
  FROM ev
  WINDOW w AS (PARTITION BY host, kind ORDER BY ts)
), numbered AS (
  -- RANGE, not ROWS: lines of the same instant (many per second in one source) are peers and
  -- get the same island whatever order the two windows put them in (with ROWS, a peer ordered
  -- before the one that opens an island took the island before it: islands hours apart merged,
  -- differently from one run to the next)
  SELECT *, sum(new_island) OVER (PARTITION BY host, kind ORDER BY ts RANGE UNBOUNDED PRECEDING) AS island
  FROM marked
), per_source AS (
  SELECT host, kind, island, source_id,
    min(ts) AS start_ts, max(ts) AS end_ts,
    sum(CASE WHEN NOT suppressed THEN count ELSE 0 END) AS logged,
    sum(CASE WHEN suppressed THEN count ELSE 0 END) AS suppressed,
    sum(CASE WHEN repeated AND NOT suppressed THEN count ELSE 0 END) AS repeated,
    max(unc) AS unc,
    arg_max(basis, unc) AS basis,
    list(DISTINCT detail) FILTER (WHERE detail IS NOT NULL) AS details
  FROM numbered
  GROUP BY host, kind, island, source_id
)
SELECT host, kind, island,
  min(start_ts) AS start_ts,
  max(end_ts) AS end_ts,
  max(logged)::BIGINT AS logged,
  max(suppressed)::BIGINT AS suppressed,
  count(*) AS n_sources,
  list(DISTINCT source_id ORDER BY source_id) AS source_ids,
  max(unc) AS time_uncertainty_s,
  arg_max(basis, unc) AS time_basis,
  list_distinct(flatten(list(details))) AS details,
  arg_max(repeated, struct_pack(l := logged, r := -repeated))::BIGINT AS repeated
FROM per_source
GROUP BY host, kind, island;

-- Overflow events per minute, per host and kind: logged lines, suppressed (ratelimit summaries
-- attributed to the kind: an upper bound, domain.md §1.3), the estimated total, and how many of
-- the logged ones a syslog daemon wrote only as repeat summaries.
CREATE OR REPLACE VIEW overflow_minutes AS
SELECT host, kind,
  date_trunc('minute', start_ts) AS minute,
  sum(logged)::BIGINT AS logged,
  sum(suppressed)::BIGINT AS suppressed,
  (sum(logged) + sum(suppressed))::BIGINT AS estimated_total,
  sum(repeated)::BIGINT AS repeated
FROM overflow_islands
WHERE kind <> 'unattributed'
GROUP BY ALL;

-- Episodes: islands of overflow activity per host and kind separated by more than `gap`
-- (logged includes the copies of repeat summaries; repeated: how many of logged those are).
CREATE OR REPLACE MACRO overflow_episodes_gap(gap) AS TABLE
WITH marked AS (
  SELECT *,
    CASE WHEN lag(end_ts) OVER w IS NULL OR start_ts - lag(end_ts) OVER w > gap THEN 1 ELSE 0 END AS new_episode
  FROM overflow_islands
  WHERE kind <> 'unattributed'
  WINDOW w AS (PARTITION BY host, kind ORDER BY start_ts)
), numbered AS (
  SELECT *, sum(new_episode) OVER (PARTITION BY host, kind ORDER BY start_ts RANGE UNBOUNDED PRECEDING) AS episode
  FROM marked
)
SELECT host, kind, episode,
  min(start_ts) AS start_ts,
  max(end_ts) AS end_ts,
  sum(logged)::BIGINT AS logged,
  sum(suppressed)::BIGINT AS suppressed,
  (sum(logged) + sum(suppressed))::BIGINT AS estimated_total,
  count(*) AS bursts,
  list_distinct(flatten(list(source_ids))) AS source_ids,
  max(time_uncertainty_s) AS time_uncertainty_s,
  arg_max(time_basis, time_uncertainty_s) AS time_basis,
  list_distinct(flatten(list(details))) AS details,
  sum(repeated)::BIGINT AS repeated
FROM numbered
GROUP BY host, kind, episode;

-- Default gap: 10 minutes without an overflow line ends an episode (net_ratelimit prints at
-- least every 5 s while the table stays full).
CREATE OR REPLACE VIEW overflow_episodes AS
SELECT * FROM overflow_episodes_gap(INTERVAL 10 MINUTE);
