-- The population each overflow kind compares with its limit, over time, from every source that
-- has it, each sample tagged with its origin.
CREATE OR REPLACE VIEW population_samples AS
-- gauges from sockstat, sar tcp-tw, ss -s, conntrack count
SELECT c.host, c.netns, c.ts, k.kind, c.name AS metric, c.value, c.origin, c.source_id
FROM counter_samples c
JOIN (VALUES
  ('tcp_timewait_overflow', 'sockstat.TCP.tw'),
  ('conntrack_table_full', 'nf_conntrack_count'),
  ('conntrack_table_full', 'nf_conntrack.entries'),
  ('tcp_orphan_overflow', 'sockstat.TCP.orphan'),
  ('tcp_socket_memory', 'sockstat.TCP.mem'),
  ('neighbour_table_overflow', 'arp_cache.entries')
) AS k(kind, name) ON c.name = k.name
WHERE c.semantics = 'gauge'
UNION ALL
-- TIME_WAIT slab caches (rough: per-CPU slabs and RCU-delayed frees count as in use)
SELECT host, '' AS netns, ts, 'tcp_timewait_overflow', 'slab.' || string_agg(DISTINCT cache, '+' ORDER BY cache), sum(active_objs)::DOUBLE, 'slabinfo', source_id
FROM slab_samples
WHERE cache IN ('tw_sock_TCP', 'tw_sock_TCPv6', 'tcp_tw_bucket')
GROUP BY host, ts, source_id
UNION ALL
-- TIME-WAIT sockets listed by ss / netstat / proc/net/tcp
SELECT host, netns, ts, 'tcp_timewait_overflow', 'sockets.TIME_WAIT', count(*)::DOUBLE, 'sockets', source_id
FROM sockets
WHERE state = 'TIME_WAIT'
GROUP BY host, netns, ts, source_id;
