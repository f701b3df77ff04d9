-- name: tw_object_size
-- question: How large is a TIME_WAIT socket on each host (slab object size)?
-- params:
-- reads: slab_samples, overflow_kinds
-- returns: one row per host: s (bytes)
-- Every TIME_WAIT slab cache of the catalogue (overflow_kinds.slab_caches), tw_sock_TCPv6 included.
SELECT host, max(objsize) AS s FROM slab_samples WHERE cache IN (SELECT unnest(slab_caches) FROM overflow_kinds WHERE kind = 'tcp_timewait_overflow') GROUP BY host;
