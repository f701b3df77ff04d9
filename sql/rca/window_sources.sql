-- name: window_sources
-- question: Which sources logged the lines of each finding's episode?
-- params:
-- reads: rca_win, overflow_events, sources
-- returns: one row per finding id and source: path, lines, supp, rep, first, last
SELECT w.id, o.source_id, s.path, sum(o.count) FILTER (WHERE NOT o.suppressed) AS lines, sum(o.count) FILTER (WHERE o.suppressed) AS supp,
  sum(o.count) FILTER (WHERE NOT o.suppressed AND coalesce(o.repeated, false)) AS rep,
  min(o.ts)::VARCHAR AS first, max(o.ts)::VARCHAR AS last
FROM rca_win w JOIN overflow_events o ON o.host = w.host AND o.kind = w.kind AND o.ts BETWEEN w.log_start AND w.log_end
LEFT JOIN sources s ON s.source_id = o.source_id
WHERE w.episode GROUP BY w.id, o.source_id, s.path ORDER BY w.id, o.source_id DESC;
