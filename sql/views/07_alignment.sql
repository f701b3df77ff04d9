-- For each minute of each overflow episode: the events, the population and the limit, and the
-- connection rates in force, side by side (ASOF joins on time per host: the latest gauge sample
-- at or before the minute's end; the rate of the latest interval that had begun by the minute).
CREATE OR REPLACE VIEW episode_alignment AS
WITH minutes AS (
  SELECT e.host, e.kind, e.episode, m.minute, m.logged, m.suppressed, m.estimated_total
  FROM overflow_episodes e
  JOIN overflow_minutes m ON m.host = e.host AND m.kind = e.kind
    AND m.minute BETWEEN date_trunc('minute', e.start_ts) AND e.end_ts
), pop AS (
  SELECT host, kind, ts, max(value) AS population FROM population_samples WHERE netns = '' GROUP BY ALL
), active AS (
  SELECT host, from_ts, max(ts) AS ts, max(per_second) AS active_opens_per_s FROM rate_series
  WHERE name = 'TcpActiveOpens' AND netns = '' AND from_ts IS NOT NULL GROUP BY host, from_ts
), passive AS (
  SELECT host, from_ts, max(ts) AS ts, max(per_second) AS passive_opens_per_s FROM rate_series
  WHERE name = 'TcpPassiveOpens' AND netns = '' AND from_ts IS NOT NULL GROUP BY host, from_ts
)
SELECT m.host, m.kind, m.episode, m.minute, m.logged, m.suppressed, m.estimated_total,
  p.population, p.ts AS population_at, l.limit_name, l.limit_value,
  p.population / nullif(l.limit_value, 0) AS population_ratio,
  a.active_opens_per_s, a.ts AS active_at, s.passive_opens_per_s, s.ts AS passive_at
FROM minutes m
ASOF LEFT JOIN pop p ON p.host = m.host AND p.kind = m.kind AND p.ts <= m.minute + INTERVAL 1 MINUTE
ASOF LEFT JOIN active a ON a.host = m.host AND a.from_ts <= m.minute
ASOF LEFT JOIN passive s ON s.host = m.host AND s.from_ts <= m.minute
LEFT JOIN overflow_limits l ON l.host = m.host AND l.kind = m.kind AND l.netns = '';
