-- name: chart_counter_steps
-- question: How did a finding's counter rise in the chart window (its best-covered origin)?
-- params: $host VARCHAR; $netns VARCHAR; $name VARCHAR; $t0 DOUBLE; $t1 DOUBLE
-- reads: counter_steps
-- returns: one row per step with a rise: t0, t1 (epoch ms), increase, seconds
WITH s AS (SELECT * FROM counter_steps WHERE host = $host AND netns = $netns AND name = $name
             AND to_ts >= to_timestamp($t0::DOUBLE / 1000) AND from_ts <= to_timestamp($t1::DOUBLE / 1000)),
     o AS (SELECT origin FROM s GROUP BY origin ORDER BY count(*) DESC, origin LIMIT 1)
SELECT epoch_ms(from_ts) AS t0, epoch_ms(to_ts) AS t1, increase, seconds FROM s
WHERE origin = (SELECT origin FROM o) AND increase > 0 AND seconds > 0 ORDER BY t0;
