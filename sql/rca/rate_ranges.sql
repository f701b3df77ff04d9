-- name: rate_ranges
-- question: Which connection-rate series exist, and over what time?
-- params:
-- reads: rate_series
-- returns: one row per host, netns and name: n, first, last
SELECT host, netns, name, count(*) AS n, min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last FROM rate_series
WHERE name IN ('TcpActiveOpens', 'TcpPassiveOpens') GROUP BY ALL ORDER BY name;
