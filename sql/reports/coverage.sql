-- name: coverage
-- question: Per host, which kinds of evidence are there (logs, journal, dmesg, slab, populations, TCP rates, overflow counters, sockets, sysctls), for which time span, which sources are partial, and what is missing and why?
-- params: $host VARCHAR
-- reads: log_events, slab_samples, population_samples, counter_samples, sockets, sysctls, sources, ingest_issues, hosts
-- returns: one row per host and evidence kind (in a fixed order): present, rows, sources, first_ts, last_ts, partial_sources (paths sos cut short), note (for missing evidence: why, and how to collect it)
with evidence_kinds(ord, evidence, missing) as (
  VALUES
    (1, 'syslog', 'no syslog files (var/log/messages*, syslog*, kern.log*, central copies)'),
    (2, 'journal', 'no journal: journalctl -o export > journal.export (or -o json)'),
    (3, 'dmesg', 'no dmesg output: dmesg > dmesg.txt'),
    (4, 'slab', 'no slabinfo snapshots: while sleep 10; do date; cat /proc/slabinfo; done > slab.log'),
    (5, 'population', 'no population samples (sockstat, sar tcp-tw, conntrack count, socket lists): nothing to compare with the limits'),
    (6, 'tcp_rates', 'no TCP rate data: no sar -n TCP,ETCP and no repeated nstat/netstat snapshots'),
    (7, 'overflow_counters', 'no overflow counters (nstat, netstat -s, /proc/net/netstat, /proc/net/stat/*): a kernel that logs nothing shows overflows only there'),
    (8, 'sockets', 'no socket lists (ss -tan, netstat -tan, /proc/net/tcp): TIME-WAIT peers cannot be named'),
    (9, 'sysctls', 'no sysctl values (sysctl -a): the limits are unknown')
), log_items as (
  select l.host,
    CASE
      WHEN s.kind IN ('journal-json', 'journal-export') OR s.path ILIKE '%journalctl%' THEN 'journal'
      WHEN s.kind = 'dmesg' THEN 'dmesg'
      ELSE 'syslog'
    END as evidence,
    l.source_id, count(*) as n, min(l.ts) as first_ts, max(l.ts) as last_ts
  from log_events l
  join sources s using (source_id)
  group by all
), rate_series as (
  -- rates: recorded by sar/sadf, or derivable from two or more cumulative snapshots
  select host, netns, name, origin, semantics, count(DISTINCT ts) as snapshots
  from counter_samples
  where name IN ('TcpActiveOpens', 'TcpPassiveOpens')
  group by all
), rate_items as (
  select c.host, 'tcp_rates' as evidence, c.source_id, count(*) as n, min(c.ts) as first_ts, max(c.ts) as last_ts
  from counter_samples c
  join rate_series r using (host, netns, name, origin, semantics)
  where r.semantics = 'rate' or (r.semantics = 'cumulative' and r.snapshots >= 2)
  group by all
), items as (
  select * from log_items
  union all
  select host, 'slab', source_id, count(*), min(ts), max(ts) from slab_samples group by all
  union all
  select host, 'population', source_id, count(*), min(ts), max(ts) from population_samples group by all
  union all
  select * from rate_items
  union all
  select host, 'overflow_counters', source_id, count(*), min(ts), max(ts)
  from counter_samples
  where semantics = 'cumulative'
    and name IN ('TcpExtTCPTimeWaitOverflow', 'nf_conntrack.drop', 'TcpExtListenOverflows', 'TcpExtListenDrops',
                 'TcpExtTCPReqQFullDrop', 'TcpExtTCPReqQFullDoCookies', 'TcpExtTCPAbortOnMemory', 'TcpExtTCPMemoryPressures',
                 'arp_cache.table_fulls', 'ndisc_cache.table_fulls')
  group by all
  union all
  select host, 'sockets', source_id, count(*), min(ts), max(ts) from sockets group by all
  union all
  select host, 'sysctls', source_id, count(*), NULL::TIMESTAMPTZ, NULL::TIMESTAMPTZ from sysctls group by all
), per_evidence as (
  select i.host, i.evidence,
    sum(i.n)::BIGINT as rows,
    count(DISTINCT i.source_id) as sources,
    min(i.first_ts) as first_ts,
    max(i.last_ts) as last_ts,
    string_agg(DISTINCT s.path, ', ' ORDER BY s.path) FILTER (WHERE s.partial) as partial_sources
  from items i
  join sources s using (source_id)
  group by all
), all_hosts as (
  select host from hosts
  union
  select distinct host from items where host IS NOT NULL
), h as (
  select host from all_hosts
  where $host::VARCHAR IS NULL OR host = $host::VARCHAR
), sar_without_tcp as (
  -- ingest notes sar files that have no TCP/ETCP activity (sadc runs without -S SNMP by default)
  select distinct s.host
  from ingest_issues i
  join sources s using (source_id)
  where i.code = 'no-tcp-activity'
), single_snapshot as (
  select distinct host
  from rate_series
  where semantics = 'cumulative' and snapshots = 1
)
select
  h.host,
  k.evidence,
  p.rows IS NOT NULL as present,
  coalesce(p.rows, 0) as rows,
  coalesce(p.sources, 0) as sources,
  p.first_ts,
  p.last_ts,
  p.partial_sources,
  CASE
    WHEN p.rows IS NOT NULL THEN NULL
    WHEN k.evidence = 'tcp_rates' AND h.host IN (select host from sar_without_tcp) THEN
      'no TCP rate data: sadc ran without -S SNMP (the sar file has no TCP/ETCP activity); nstat snapshots in a loop give rates too'
    WHEN k.evidence = 'tcp_rates' AND h.host IN (select host from single_snapshot) THEN
      'no TCP rate data: one snapshot of TcpActiveOpens only (a count since boot); rates need two or more: while sleep 10; do date -u; nstat -az; done > nstat.log'
    ELSE k.missing
  END as note
from h
cross join evidence_kinds k
left join per_evidence p on p.host = h.host and p.evidence = k.evidence
order by h.host, k.ord
