-- name: chart_population
-- question: What population samples does a finding have in the chart window?
-- params: $host VARCHAR; $netns VARCHAR; $kind VARCHAR; $t0 DOUBLE; $t1 DOUBLE
-- reads: population_samples
-- returns: one row per metric, origin and instant: t (epoch ms), v
SELECT metric, origin, epoch_ms(ts) AS t, max(value) AS v FROM population_samples
WHERE host = $host AND netns = $netns AND kind = $kind AND ts BETWEEN to_timestamp($t0::DOUBLE / 1000) AND to_timestamp($t1::DOUBLE / 1000)
GROUP BY ALL ORDER BY metric, origin, t;
