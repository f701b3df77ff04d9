-- name: window_clients
-- question: Which clients held connections to the listeners around each listen finding?
-- params:
-- reads: rca_win, socket_sides
-- returns: one row per finding id, local_port and peer_addr: sockets
-- Connections to a listening port of the finding's namespace near it, by source address.
SELECT w.id, s.local_port, s.peer_addr, count(*) AS sockets
FROM rca_win w JOIN socket_sides s ON s.host = w.host AND s.netns = w.netns
  AND s.state IN ('ESTABLISHED', 'SYN_RECV') AND s.side = 'server'
  AND s.ts BETWEEN w.start_ts - INTERVAL 10 MINUTE AND w.end_ts + INTERVAL 10 MINUTE
WHERE w.kind = 'tcp_listen_overflow' AND w.start_ts IS NOT NULL
GROUP BY ALL;
