-- name: chart_range
-- question: Over what time does an undated finding have data?
-- params: $host VARCHAR; $netns VARCHAR; $kind VARCHAR; $counter VARCHAR
-- reads: population_samples, counter_rates, overflow_minutes, counter_samples
-- returns: one row: lo, hi (epoch ms)
SELECT min(t) AS lo, max(t) AS hi FROM (
SELECT epoch_ms(ts) AS t FROM population_samples WHERE host = $host AND netns = $netns AND kind = $kind
UNION ALL SELECT epoch_ms(ts) FROM counter_rates WHERE host = $host AND netns = $netns AND name IN ('TcpActiveOpens', 'TcpPassiveOpens')
UNION ALL SELECT epoch_ms(minute) FROM overflow_minutes WHERE host = $host AND kind = $kind
UNION ALL SELECT epoch_ms(ts) FROM counter_samples WHERE host = $host AND netns = $netns AND name = $counter::VARCHAR);
