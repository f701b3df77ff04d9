-- name: bursts
-- question: When did each evidence counter rise (rises less than 10 minutes apart are one burst)?
-- params: $host VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ
-- reads: counter_steps, overflow_counters
-- returns: one row per host, netns, counter and burst: start_ts, end_ts, first_to, delta, steps, interval_s, series, tail
WITH s AS (
  SELECT c.* FROM counter_steps c WHERE c.increase > 0 AND c.name IN (SELECT name FROM overflow_counters) AND ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
), g AS (
  SELECT *, CASE WHEN lag(to_ts) OVER w IS NULL OR from_ts - lag(to_ts) OVER w > INTERVAL 10 MINUTE THEN 1 ELSE 0 END AS new_burst
  FROM s WINDOW w AS (PARTITION BY host, netns, name ORDER BY to_ts)
), n AS (
  SELECT *, sum(new_burst) OVER (PARTITION BY host, netns, name ORDER BY to_ts ROWS UNBOUNDED PRECEDING) AS burst FROM g)
SELECT host, netns, name, burst, min(from_ts)::VARCHAR AS start_ts, max(to_ts)::VARCHAR AS end_ts, min(to_ts)::VARCHAR AS first_to,
  sum(increase) AS delta, count(*) AS steps, median(seconds) AS interval_s, string_agg(DISTINCT series, ',' ORDER BY series) AS series,
  bool_or(step = 'tail') AS tail
FROM n GROUP BY host, netns, name, burst
HAVING ($from::TIMESTAMPTZ IS NULL OR max(to_ts) >= $from::TIMESTAMPTZ) AND ($to::TIMESTAMPTZ IS NULL OR min(from_ts) <= $to::TIMESTAMPTZ)
ORDER BY host, netns, name, burst;
