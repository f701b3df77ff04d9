-- name: chart_events
-- question: How many overflow lines per minute does a finding have in the chart window?
-- params: $host VARCHAR; $kind VARCHAR; $t0 DOUBLE; $t1 DOUBLE
-- reads: overflow_minutes
-- returns: one row per minute: t (epoch ms), logged, suppressed, estimated_total
SELECT epoch_ms(minute) AS t, logged, suppressed, estimated_total FROM overflow_minutes
WHERE host = $host AND kind = $kind AND minute BETWEEN to_timestamp(($t0::DOUBLE - 60000) / 1000) AND to_timestamp($t1::DOUBLE / 1000)
ORDER BY t;
