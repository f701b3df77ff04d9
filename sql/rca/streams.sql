-- name: streams
-- question: Which evidence counter stands for each stream, per host and namespace, and what did it hold at the first snapshot?
-- params: $host VARCHAR
-- reads: counter_deltas, overflow_counters
-- returns: one row per host, netns and stream (its preferred counter present): name, stream, kinds, series, origin, samples, first_ts, first_value, increase
WITH c AS (
  SELECT d.*, k.stream, k.preference, list(k.kind ORDER BY k.kind_rank) OVER (PARTITION BY d.host, d.netns, d.name) AS kinds
  FROM counter_deltas d JOIN overflow_counters k USING (name)
  WHERE ($host::VARCHAR IS NULL OR d.host = $host::VARCHAR))
SELECT DISTINCT host, netns, name, stream, kinds, series, origin, samples, first_ts::VARCHAR AS first_ts, first_value, increase
FROM c QUALIFY min(preference) OVER (PARTITION BY host, netns, stream) = preference
ORDER BY host, netns, stream;
