-- name: window_listeners
-- question: What backlog and queue did each listener have around each listen finding?
-- params:
-- reads: rca_win, sockets
-- returns: one row per finding id and listener: local_addr, local_port, near, snapshots, full_snapshots, full_near, peak_queue, peak_queue_at, backlog_near, backlog_any, process, source_id
-- Each listener's backlog (ss Send-Q) and queue (Recv-Q) in the finding's namespace, near the
-- finding when snapshots exist there.
WITH l AS (
  SELECT w.id, s.local_addr, s.local_port, s.recv_q, s.send_q, s.ts, s.source_id, s.process,
    (w.start_ts IS NULL OR s.ts BETWEEN w.start_ts - INTERVAL 10 MINUTE AND w.end_ts + INTERVAL 10 MINUTE) AS near,
    (w.start_ts IS NULL OR s.ts BETWEEN w.start_ts AND w.end_ts) AS during
  FROM rca_win w JOIN sockets s ON s.host = w.host AND s.netns = w.netns AND s.state = 'LISTEN'
  WHERE w.kind = 'tcp_listen_overflow' AND s.local_port IS NOT NULL)
SELECT id, local_addr, local_port, bool_or(near) AS near,
  count(DISTINCT ts) FILTER (WHERE during AND nullif(send_q, 0) IS NOT NULL) AS snapshots,
  count(DISTINCT ts) FILTER (WHERE during AND recv_q > nullif(send_q, 0)) AS full_snapshots,
  count(DISTINCT ts) FILTER (WHERE near AND recv_q > nullif(send_q, 0)) AS full_near,
  max(recv_q) FILTER (WHERE near) AS peak_queue,
  arg_max(ts, recv_q) FILTER (WHERE near)::VARCHAR AS peak_queue_at,
  max(nullif(send_q, 0)) FILTER (WHERE near) AS backlog_near, max(nullif(send_q, 0)) AS backlog_any,
  max(process) AS process,
  arg_max(source_id, recv_q) FILTER (WHERE near) AS source_id
FROM l GROUP BY id, local_addr, local_port;
