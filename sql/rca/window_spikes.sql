-- name: window_spikes
-- question: Which connection-rate spike led each dated finding?
-- params:
-- reads: rca_win, rate_spikes
-- returns: at most one row per finding id: name, origin, series, time_class, interval_s, method, start_ts, peak_ts, baseline, peak
-- A spike of active or passive opens that overlaps the finding or starts up to 30 minutes before
-- it. Where several series show one, the finest timed series wins (issue 15: never a
-- collection-time snapshot against a log), then the strongest.
SELECT w.id, r.name, r.origin, r.series, r.time_class, r.interval_s, r.method, r.start_ts::VARCHAR AS start_ts, r.peak_ts::VARCHAR AS peak_ts, r.baseline, r.peak
FROM rca_win w JOIN rate_spikes r ON r.host = w.host AND r.netns = w.netns AND list_contains(w.names, r.name)
  AND r.start_ts <= w.end_ts AND r.end_ts >= w.start_ts - INTERVAL 30 MINUTE
WHERE w.start_ts IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY w.id ORDER BY CASE r.time_class WHEN 'timed' THEN 1 ELSE 2 END, r.interval_s NULLS LAST,
  r.peak / greatest(r.baseline, 1) DESC, r.start_ts) = 1;
