-- name: window_limits
-- question: What is the limit of each finding, in its own namespace?
-- params:
-- reads: rca_win, overflow_limits, sysctls, sources
-- returns: one row per finding id with a limit: limit_name, limit_value, raw_value, path
-- The limit in the finding's own namespace: a namespace's value is never borrowed from the root.
SELECT w.id, l.limit_name, l.limit_value, l.raw_value, s.path FROM rca_win w
JOIN overflow_limits l ON l.host = w.host AND l.netns = w.netns AND l.kind = w.kind
LEFT JOIN (SELECT host, netns, name, min(source_id) AS source_id FROM sysctls GROUP BY ALL) x ON x.host = l.host AND x.netns = l.netns AND x.name = l.limit_name
LEFT JOIN sources s ON s.source_id = x.source_id;
