-- The population each overflow kind compares with its limit, over time, from every source that
-- has it, each sample tagged with its origin. Which gauges and slab caches: table overflow_kinds.
CREATE OR REPLACE VIEW population_samples AS
-- gauges from sockstat, sar tcp-tw, ss -s, conntrack count
SELECT c.host, c.netns, c.ts, k.kind, c.name AS metric, c.value, c.origin, c.source_id
FROM counter_samples c
JOIN (SELECT kind, unnest(population) AS name FROM overflow_kinds) AS k ON c.name = k.name
WHERE c.semantics = 'gauge'
UNION ALL
-- slab caches (TIME_WAIT: rough, per-CPU slabs and RCU-delayed frees count as in use), summed per snapshot
SELECT s.host, '' AS netns, s.ts, k.kind, 'slab.' || string_agg(DISTINCT s.cache, '+' ORDER BY s.cache), sum(s.active_objs)::DOUBLE, 'slabinfo', s.source_id
FROM slab_samples s
JOIN (SELECT kind, unnest(slab_caches) AS cache FROM overflow_kinds) AS k ON s.cache = k.cache
GROUP BY s.host, s.ts, s.source_id, k.kind
UNION ALL
-- TIME-WAIT sockets listed by ss / netstat / proc/net/tcp
SELECT host, netns, ts, 'tcp_timewait_overflow', 'sockets.TIME_WAIT', count(*)::DOUBLE, 'sockets', source_id
FROM sockets
WHERE state = 'TIME_WAIT'
GROUP BY host, netns, ts, source_id;
