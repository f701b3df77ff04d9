-- name: window_population
-- question: What peak population does each finding have (near it if samples exist there, else the largest)?
-- params:
-- reads: rca_win, population_samples, sources
-- returns: one row per finding id: metric, value, ts, origin, path
-- Near the finding when samples exist there, else the largest seen; the kernel's own gauges
-- (sockstat tw, sar tcp-tw, conntrack count) before socket lists and slab (slab caches are the
-- whole host's: not a namespace's population).
WITH s AS (
  SELECT w.id, p.metric, p.value, p.ts, p.origin, p.source_id,
    CASE WHEN p.origin = 'sockets' THEN 2 WHEN p.origin = 'slabinfo' THEN 3 ELSE 1 END AS pref,
    (w.start_ts IS NOT NULL AND p.ts BETWEEN w.start_ts - INTERVAL 10 MINUTE AND w.end_ts + INTERVAL 10 MINUTE) AS near
  FROM rca_win w JOIN population_samples p ON p.host = w.host AND p.netns = w.netns AND p.kind = w.kind
  WHERE NOT (p.origin = 'slabinfo' AND w.netns <> '')
), a AS (
  SELECT *, bool_or(near) OVER (PARTITION BY id) AS any_near FROM s
), r AS (
  SELECT *, row_number() OVER (PARTITION BY id ORDER BY any_near AND NOT near, pref, value DESC, ts) AS rn FROM a)
SELECT r.id, r.metric, r.value, r.ts::VARCHAR AS ts, r.origin, src.path FROM r LEFT JOIN sources src USING (source_id) WHERE rn = 1;
