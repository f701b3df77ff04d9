-- name: window_rates
-- question: What did the connection rate do around each dated finding (no spike)?
-- params:
-- reads: rca_win, rate_series
-- returns: at most one row per finding id: name, origin, series, baseline, peak, peak_at
SELECT w.id, r.name, r.origin, r.series, median(r.per_second) AS baseline, max(r.per_second) AS peak, arg_max(r.ts, r.per_second)::VARCHAR AS peak_at
FROM rca_win w JOIN rate_series r ON r.host = w.host AND r.netns = w.netns AND list_contains(w.names, r.name)
  AND r.ts BETWEEN w.start_ts - INTERVAL 30 MINUTE AND w.end_ts + INTERVAL 10 MINUTE
WHERE w.start_ts IS NOT NULL
GROUP BY w.id, r.name, r.origin, r.series, r.time_class
QUALIFY row_number() OVER (PARTITION BY w.id ORDER BY CASE r.time_class WHEN 'timed' THEN 1 ELSE 2 END, max(r.per_second) DESC) = 1;
