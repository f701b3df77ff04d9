-- name: window_peers
-- question: Which peers held the TIME-WAIT sockets of each TIME_WAIT finding?
-- params:
-- reads: rca_win, timewait_peers, sources
-- returns: up to 5 rows per finding id: peer, share, sockets, side, local_port, ts, path, total
-- The socket snapshot that best shows the episode: the fullest one near it, else the fullest one.
WITH snaps AS (
  SELECT w.id, t.ts, t.source_id, max(t.snapshot_total) AS total,
    (w.start_ts IS NOT NULL AND t.ts BETWEEN w.start_ts - INTERVAL 10 MINUTE AND w.end_ts + INTERVAL 10 MINUTE) AS near
  FROM rca_win w JOIN timewait_peers t ON t.host = w.host AND t.netns = w.netns
  WHERE w.kind = 'tcp_timewait_overflow' GROUP BY w.id, t.ts, t.source_id, near
), pick AS (
  SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY id ORDER BY any_near AND NOT near, total DESC, ts DESC) AS rn
    FROM (SELECT *, bool_or(near) OVER (PARTITION BY id) AS any_near FROM snaps)) WHERE rn = 1)
SELECT pick.id, t.peer, t.share, t.sockets, t.side, t.local_port, t.ts::VARCHAR AS ts, s.path, t.snapshot_total AS total
FROM pick JOIN rca_win w ON w.id = pick.id
JOIN timewait_peers t ON t.host = w.host AND t.netns = w.netns AND t.ts = pick.ts AND t.source_id = pick.source_id
LEFT JOIN sources s ON s.source_id = t.source_id
QUALIFY row_number() OVER (PARTITION BY pick.id ORDER BY t.sockets DESC, t.peer) <= 5
ORDER BY pick.id, t.sockets DESC, t.peer;
