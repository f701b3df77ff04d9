-- name: window_listen_counters
-- question: How much did the other listen counters rise during each listen finding?
-- params:
-- reads: rca_win, counter_steps, overflow_kinds
-- returns: one row per finding id and counter: name, delta
-- The kind's own counters (overflow_kinds.counters) and SyncookiesSent, which says cookies went out.
SELECT w.id, c.name, sum(c.increase) AS delta
FROM rca_win w JOIN counter_steps c ON c.host = w.host AND c.netns = w.netns
  AND (c.name IN (SELECT unnest(counters) FROM overflow_kinds WHERE kind = 'tcp_listen_overflow') OR c.name = 'TcpExtSyncookiesSent')
  AND c.to_ts > w.start_ts AND c.from_ts < w.end_ts
WHERE w.kind = 'tcp_listen_overflow' AND w.start_ts IS NOT NULL
GROUP BY ALL ORDER BY w.id, c.name;
