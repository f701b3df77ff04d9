-- Cumulative counters, one consistent series at a time.
--
-- A series is one source of snapshots (or a chain of sources of the same origin and time class
-- that do not overlap in time: rotated snapshot logs, two sosreports of the same host taken days
-- apart). Steps, deltas and rates are computed inside a series, never across two series that
-- cover the same interval: a sosreport's /proc/net/snmp is stamped with the collection time but
-- read up to minutes later, so interleaving it with a 1-second snapshot log of the same counters
-- makes a false drop ("reset") and a false rate spike (issue 15).
--
-- time_class: 'timed' (the sample carries its own instant: exact, local+tz, …), 'collection-time'
-- (stamped with the bundle's collection time), 'file-mtime' (the file's modification time).
CREATE OR REPLACE VIEW counter_series_samples AS
WITH s AS (
  SELECT host, netns, name, origin, source_id, ts, max(value) AS value,
    CASE ts_quality WHEN 'collection-time' THEN 'collection-time' WHEN 'file-mtime' THEN 'file-mtime' ELSE 'timed' END AS time_class
  FROM counter_samples
  WHERE semantics = 'cumulative'
  GROUP BY ALL
), m AS (
  SELECT host, netns, name, origin, time_class, source_id, min(ts) AS first_ts, max(ts) AS last_ts
  FROM s GROUP BY ALL
), o AS (
  SELECT *, max(last_ts) OVER (PARTITION BY host, netns, name, origin, time_class ORDER BY first_ts, source_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_last
  FROM m
), c AS (
  -- a source that overlaps the ones before it starts a series of its own
  SELECT *, sum(CASE WHEN before_last IS NULL OR first_ts <= before_last THEN 1 ELSE 0 END)
              OVER (PARTITION BY host, netns, name, origin, time_class ORDER BY first_ts, source_id ROWS UNBOUNDED PRECEDING) AS chain
  FROM o
), k AS (
  SELECT host, netns, name, origin, time_class, source_id,
    min(source_id) OVER (PARTITION BY host, netns, name, origin, time_class, chain) AS series_source
  FROM c
)
SELECT s.host, s.netns, s.name, s.origin, s.time_class, s.source_id, s.ts, s.value,
  s.origin || '/' || s.time_class || '/' || k.series_source AS series
FROM s JOIN k USING (host, netns, name, origin, time_class, source_id);

-- Per-interval increases inside each series. A drop to less than half the value before is a
-- reset (reboot, 32-bit wrap): the new value counts from zero. A smaller drop is not a reset
-- (per-CPU sums read a moment apart, a sample out of order): it adds nothing, and the increase
-- after it counts only what exceeds the highest value seen before (no double counting).
CREATE OR REPLACE VIEW counter_series_steps AS
WITH s AS (
  SELECT host, netns, name, origin, time_class, series, ts, max(value) AS value
  FROM counter_series_samples GROUP BY ALL
), l AS (
  SELECT *, lag(ts) OVER w AS from_ts, lag(value) OVER w AS from_value
  FROM s WINDOW w AS (PARTITION BY host, netns, name, series ORDER BY ts)
), r AS (
  SELECT *, coalesce(value < from_value * 0.5, false) AS reset FROM l
), g AS (
  SELECT *, sum(CASE WHEN reset THEN 1 ELSE 0 END) OVER (PARTITION BY host, netns, name, series ORDER BY ts ROWS UNBOUNDED PRECEDING) AS segment
  FROM r
), h AS (
  SELECT *, max(value) OVER (PARTITION BY host, netns, name, series, segment ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS high
  FROM g
)
SELECT host, netns, name, origin, time_class, series, from_ts, ts AS to_ts, from_value, value AS to_value,
  CASE WHEN reset THEN value ELSE greatest(value - high, 0) END AS increase,
  reset,
  (NOT reset AND value < from_value) AS dip,
  epoch(ts - from_ts) AS seconds
FROM h
WHERE from_ts IS NOT NULL;

-- One row per series: its extent, cadence and totals.
CREATE OR REPLACE VIEW counter_series AS
WITH s AS (
  SELECT host, netns, name, origin, time_class, series,
    count(DISTINCT ts) AS samples, min(ts) AS first_ts, max(ts) AS last_ts,
    arg_min(value, ts) AS first_value, arg_max(value, ts) AS last_value,
    list(DISTINCT source_id ORDER BY source_id) AS source_ids
  FROM counter_series_samples GROUP BY ALL
), t AS (
  SELECT host, netns, name, series, sum(increase) AS increase, count(*) FILTER (WHERE reset) AS resets,
    median(seconds) AS interval_s
  FROM counter_series_steps GROUP BY ALL
)
SELECT s.*, coalesce(t.increase, 0) AS increase, coalesce(t.resets, 0) AS resets, t.interval_s
FROM s LEFT JOIN t USING (host, netns, name, series);

-- The series each analysis uses per host, namespace and counter: timed before collection-time
-- before file-mtime, then the most samples, then the finest cadence; kernel files before tools.
CREATE OR REPLACE VIEW counter_primary AS
SELECT *
FROM counter_series
QUALIFY row_number() OVER (
  PARTITION BY host, netns, name
  ORDER BY CASE time_class WHEN 'timed' THEN 1 WHEN 'collection-time' THEN 2 ELSE 3 END,
    samples DESC, interval_s NULLS LAST,
    CASE origin WHEN 'proc' THEN 1 WHEN 'nstat' THEN 2 WHEN 'netstat-s' THEN 3 ELSE 4 END, series) = 1;

-- Per-interval increases for accounting: the primary series, extended by the samples of other
-- series that lie outside it in time (before its first or after its last sample, by more than
-- their own time uncertainty: 15 minutes for a collection-time stamp; file-mtime stamps never
-- extend it). Where another series saw a higher value than the extended series ends with
-- (a snapshot read after the last one, stamped before it), the difference is a final 'tail'
-- step, so no increase any snapshot saw is lost.
CREATE OR REPLACE VIEW counter_steps AS
WITH p AS (
  SELECT host, netns, name, series, first_ts, last_ts FROM counter_primary
), picked AS (
  SELECT s.host, s.netns, s.name, s.origin, s.series, s.ts, s.value,
    (s.series = p.series
      OR (s.time_class = 'timed' AND (s.ts < p.first_ts OR s.ts > p.last_ts))
      OR (s.time_class = 'collection-time' AND (s.ts < p.first_ts - INTERVAL 15 MINUTE OR s.ts > p.last_ts + INTERVAL 15 MINUTE))) AS kept
  FROM counter_series_samples s JOIN p USING (host, netns, name)
), comp AS (
  SELECT host, netns, name, ts, max(value) AS value, arg_max(origin, value) AS origin, arg_max(series, value) AS series
  FROM picked WHERE kept GROUP BY ALL
), l AS (
  SELECT *, lag(ts) OVER w AS from_ts, lag(value) OVER w AS from_value
  FROM comp WINDOW w AS (PARTITION BY host, netns, name ORDER BY ts)
), r AS (
  SELECT *, coalesce(value < from_value * 0.5, false) AS reset FROM l
), g AS (
  SELECT *, sum(CASE WHEN reset THEN 1 ELSE 0 END) OVER (PARTITION BY host, netns, name ORDER BY ts ROWS UNBOUNDED PRECEDING) AS segment
  FROM r
), h AS (
  SELECT *, max(value) OVER (PARTITION BY host, netns, name, segment ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS high,
    max(value) OVER (PARTITION BY host, netns, name, segment) AS seg_high,
    max(segment) OVER (PARTITION BY host, netns, name) AS last_segment,
    max(ts) OVER (PARTITION BY host, netns, name) AS end_ts
  FROM g
), steps AS (
  SELECT host, netns, name, origin, series, from_ts, ts AS to_ts, from_value, value AS to_value,
    CASE WHEN reset THEN value ELSE greatest(value - high, 0) END AS increase,
    CASE WHEN reset THEN 'reset' WHEN value < from_value THEN 'dip' ELSE 'step' END AS step
  FROM h WHERE from_ts IS NOT NULL
), ending AS (
  SELECT DISTINCT host, netns, name, end_ts, seg_high AS end_high FROM h WHERE segment = last_segment
), tail AS (
  -- samples left out of the extended series that saw more than it ends with
  SELECT e.host, e.netns, e.name, arg_max(x.origin, x.value) AS origin, arg_max(x.series, x.value) AS series,
    e.end_ts AS from_ts, greatest(max(x.ts), e.end_ts) AS to_ts, e.end_high AS from_value, max(x.value) AS to_value,
    max(x.value) - e.end_high AS increase, 'tail' AS step
  FROM ending e JOIN picked x ON x.host = e.host AND x.netns = e.netns AND x.name = e.name AND NOT x.kept
  WHERE x.value > e.end_high
  GROUP BY e.host, e.netns, e.name, e.end_ts, e.end_high
)
SELECT *, epoch(to_ts - from_ts) AS seconds FROM steps
UNION ALL
SELECT *, epoch(to_ts - from_ts) AS seconds FROM tail;

-- Per host, namespace and counter: what the accounting series saw in all: the value at its first
-- sample (counted before it, at an unknown time), and the increase after it.
CREATE OR REPLACE VIEW counter_deltas AS
WITH first AS (
  SELECT host, netns, name, min(ts) AS first_ts, arg_min(value, ts) AS first_value
  FROM (
    SELECT s.host, s.netns, s.name, s.ts, s.value
    FROM counter_series_samples s JOIN counter_primary p USING (host, netns, name)
    WHERE s.series = p.series
       OR (s.time_class = 'timed' AND (s.ts < p.first_ts OR s.ts > p.last_ts))
       OR (s.time_class = 'collection-time' AND (s.ts < p.first_ts - INTERVAL 15 MINUTE OR s.ts > p.last_ts + INTERVAL 15 MINUTE)))
  GROUP BY ALL
), inc AS (
  SELECT host, netns, name, count(*) AS steps, max(to_ts) AS last_ts, arg_max(to_value, to_ts) AS last_value,
    sum(increase) AS increase, count(*) FILTER (WHERE step = 'reset') AS resets
  FROM counter_steps GROUP BY ALL
)
SELECT f.host, f.netns, f.name, p.origin, p.series, p.time_class,
  coalesce(i.steps, 0) + 1 AS samples, f.first_ts, coalesce(i.last_ts, f.first_ts) AS last_ts,
  f.first_value, coalesce(i.last_value, f.first_value) AS last_value,
  coalesce(i.increase, 0) AS increase, coalesce(i.resets, 0) AS resets,
  p.samples AS series_samples, p.interval_s AS series_interval_s
FROM first f JOIN counter_primary p USING (host, netns, name) LEFT JOIN inc i USING (host, netns, name);

-- Connection rates per host: per-second rates derived within each series (never across two)
-- next to the rates sar/sadf recorded themselves. One row per interval end.
CREATE OR REPLACE VIEW counter_rates AS
SELECT host, netns, name, origin, series, time_class, to_ts AS ts, from_ts, increase / seconds AS per_second, 'derived' AS method
FROM counter_series_steps
WHERE seconds > 0
UNION ALL
SELECT DISTINCT host, netns, name, origin,
  origin || '/' || CASE ts_quality WHEN 'collection-time' THEN 'collection-time' WHEN 'file-mtime' THEN 'file-mtime' ELSE 'timed' END AS series,
  CASE ts_quality WHEN 'collection-time' THEN 'collection-time' WHEN 'file-mtime' THEN 'file-mtime' ELSE 'timed' END AS time_class,
  ts, NULL AS from_ts, value AS per_second, 'recorded' AS method
FROM counter_samples
WHERE semantics = 'rate' AND device IS NULL;
