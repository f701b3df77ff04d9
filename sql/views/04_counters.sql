-- Cumulative counters per host, namespace, name and origin: first and last sample and the
-- increase between them, reset-safe (a value lower than the one before = reboot or wrap: the
-- new value counts from zero).
CREATE OR REPLACE VIEW counter_deltas AS
WITH c AS (
  SELECT host, netns, name, origin, ts, value,
    lag(value) OVER (PARTITION BY host, netns, name, origin ORDER BY ts) AS prev
  FROM (SELECT DISTINCT host, netns, name, origin, ts, value FROM counter_samples WHERE semantics = 'cumulative')
)
SELECT host, netns, name, origin,
  count(*) AS samples,
  min(ts) AS first_ts,
  max(ts) AS last_ts,
  arg_min(value, ts) AS first_value,
  arg_max(value, ts) AS last_value,
  sum(CASE WHEN prev IS NULL THEN 0 WHEN value >= prev THEN value - prev ELSE value END) AS increase,
  count(*) FILTER (WHERE prev IS NOT NULL AND value < prev) AS resets
FROM c
GROUP BY ALL;

-- Per-interval increases of cumulative counters (for dating a counter-only overflow).
CREATE OR REPLACE VIEW counter_steps AS
SELECT host, netns, name, origin,
  lag(ts) OVER w AS from_ts, ts AS to_ts,
  lag(value) OVER w AS from_value, value AS to_value,
  CASE WHEN value >= lag(value) OVER w THEN value - lag(value) OVER w ELSE value END AS increase,
  epoch(ts - lag(ts) OVER w) AS seconds
FROM (SELECT DISTINCT host, netns, name, origin, ts, value FROM counter_samples WHERE semantics = 'cumulative')
WINDOW w AS (PARTITION BY host, netns, name, origin ORDER BY ts)
QUALIFY lag(ts) OVER w IS NOT NULL;

-- Connection rates per host: per-second rates derived from cumulative snapshots (reset-safe,
-- see counter_steps) next to the rates sar/sadf recorded themselves. One row per interval end.
CREATE OR REPLACE VIEW counter_rates AS
SELECT host, netns, name, origin, to_ts AS ts, from_ts, increase / seconds AS per_second, 'derived' AS method
FROM counter_steps
WHERE seconds > 0
UNION ALL
SELECT DISTINCT host, netns, name, origin, ts, NULL AS from_ts, value AS per_second, 'recorded' AS method
FROM counter_samples
WHERE semantics = 'rate' AND device IS NULL;
