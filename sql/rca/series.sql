-- name: series
-- question: What is each counter series (origin, cadence, files)?
-- params: $keys VARCHAR
-- reads: counter_series, sources
-- returns: one row per host, netns, counter and series of $keys (JSON list of host NUL netns NUL name NUL series): origin, time_class, samples, interval_s, paths
SELECT c.host, c.netns, c.name, c.series, c.origin, c.time_class, c.samples, c.interval_s, list(s.path ORDER BY s.source_id) AS paths
FROM counter_series c, unnest(c.source_ids) AS u(sid) JOIN sources s ON s.source_id = u.sid
WHERE list_contains(from_json($keys::VARCHAR, '["VARCHAR"]'), c.host || chr(0) || c.netns || chr(0) || c.name || chr(0) || c.series)
GROUP BY ALL;
