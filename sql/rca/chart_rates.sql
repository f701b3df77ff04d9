-- name: chart_rates
-- question: What connection rates per second does a finding's host have in the chart window, each counter from its best-covered origin?
-- params: $host VARCHAR; $netns VARCHAR; $t0 DOUBLE; $t1 DOUBLE
-- reads: counter_rates
-- returns: one row per name and instant: origin, t, t_from (epoch ms), v
WITH r AS (
  SELECT name, origin, epoch_ms(ts) AS t, epoch_ms(from_ts) AS t_from, per_second FROM counter_rates
  WHERE host = $host AND netns = $netns AND name IN ('TcpActiveOpens', 'TcpPassiveOpens') AND ts BETWEEN to_timestamp($t0::DOUBLE / 1000) AND to_timestamp($t1::DOUBLE / 1000)
), best AS (
  SELECT name, origin, row_number() OVER (PARTITION BY name ORDER BY count(*) DESC, origin) AS rn FROM r GROUP BY name, origin
)
SELECT r.name, r.origin, r.t, min(r.t_from) AS t_from, avg(r.per_second) AS v FROM r JOIN best b ON b.name = r.name AND b.origin = r.origin AND b.rn = 1
GROUP BY ALL ORDER BY r.name, r.t;
