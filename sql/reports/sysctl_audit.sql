-- name: sysctl_audit
-- question: Which kernel settings are risky or unusual for connection churn and table overflows, and why?
-- params: $host VARCHAR; $netns VARCHAR
-- reads: sysctl_values, sysctls, hosts
-- returns: one row per finding (host, netns, name, value, origin, severity high|medium|info, why), by host, severity, name
-- Sources: domain.md §1.4 (TIME-WAIT knobs, ephemeral ports) and §2 (conntrack, orphans, listen
-- queues). tcp_fin_timeout is listed only as a misunderstanding (it does not shorten TIME_WAIT).
with running as (
  select host, netns, name, regexp_replace(trim(value), '\s+', ' ', 'g') as value, origin,
    TRY_CAST(trim(value) AS BIGINT) as n
  from sysctl_values
  where ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
    and ($netns::VARCHAR IS NULL OR netns = $netns::VARCHAR)
), kernels as (
  select host,
    TRY_CAST(regexp_extract(kernel, '^(\d+)\.(\d+)', 1) AS INTEGER) * 1000
      + TRY_CAST(regexp_extract(kernel, '^(\d+)\.(\d+)', 2) AS INTEGER) as kernel_version,
    kernel
  from hosts
), pairs as (
  select host, netns,
    max(CASE WHEN name = 'net.ipv4.tcp_tw_reuse' THEN n END) as tw_reuse,
    max(CASE WHEN name = 'net.ipv4.tcp_timestamps' THEN n END) as timestamps
  from running
  group by all
), recycle as (
  select r.host, r.netns, r.name, r.value, r.origin, 'high' as severity,
    CASE WHEN k.kernel_version >= 4012
      THEN 'tcp_tw_recycle was removed in Linux 4.12 and does not exist on ' || k.kernel || ': the setting is dead configuration (sysctl complains at boot); remove it'
      ELSE 'tcp_tw_recycle drops SYNs from clients behind NAT (PAWS on per-host timestamps: connections time out, PAWSPassive rises); it was removed in Linux 4.12 for that reason: set it to 0'
    END as why
  from running r
  left join kernels k using (host)
  where r.name = 'net.ipv4.tcp_tw_recycle' and r.value <> '0'
), small_limits as (
  select host, netns, name, value, origin, 'medium' as severity,
    CASE
      WHEN name = 'net.ipv4.tcp_max_tw_buckets' THEN
        'only ' || n || ' TIME-WAIT sockets: with TIME_WAIT fixed at 60 s that sustains about ' || (n // 60) || ' closes/s before "time wait bucket table overflow" (kernel default: half the TCP hash table, 16384 or more)'
      WHEN name = 'net.core.somaxconn' THEN
        'accept queues are capped at ' || n || ' whatever backlog the application asks for (128 was the default before Linux 5.4, 4096 since): a connection burst overflows them (ListenOverflows, ListenDrops)'
      WHEN name = 'net.ipv4.tcp_max_orphans' THEN
        'only ' || n || ' orphaned sockets: beyond it the kernel resets closing connections ("too many orphaned sockets"); the default is half the TCP hash table'
      ELSE
        'a small conntrack table (' || n || ' entries): once full, new flows are dropped ("nf_conntrack: table full, dropping packet"); the default scales with RAM (65536 or more on servers)'
    END as why
  from running
  where (name = 'net.ipv4.tcp_max_tw_buckets' and n < 16384)
     or (name = 'net.core.somaxconn' and n <= 128)
     or (name = 'net.ipv4.tcp_max_orphans' and n < 16384)
     or (name IN ('net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max', 'net.ipv4.netfilter.ip_conntrack_max') and n < 65536)
), port_range as (
  select host, netns, name, value, origin,
    TRY_CAST(split_part(value, ' ', 2) AS BIGINT) - TRY_CAST(split_part(value, ' ', 1) AS BIGINT) + 1 as ports
  from running
  where name = 'net.ipv4.ip_local_port_range'
), narrow_ports as (
  select host, netns, name, value, origin, 'medium' as severity,
    'only ' || ports || ' ephemeral ports: about ' || (ports // 60) || ' new connections/s to one destination ip:port before connect() fails with EADDRNOTAVAIL (32768-60999 gives 28232)' as why
  from port_range
  where ports < 10000
), reuse_without_timestamps as (
  select r.host, r.netns, r.name, r.value, r.origin, 'medium' as severity,
    'tcp_tw_reuse = 1 needs TCP timestamps, but net.ipv4.tcp_timestamps = 0: connect() can never take over a TIME-WAIT port' as why
  from running r
  join pairs p using (host, netns)
  where r.name = 'net.ipv4.tcp_tw_reuse' and p.tw_reuse = 1 and p.timestamps = 0
), other_flags as (
  select r.host, r.netns, r.name, r.value, r.origin,
    CASE WHEN r.name = 'net.ipv4.tcp_syncookies' THEN 'medium' ELSE 'info' END as severity,
    CASE
      WHEN r.name = 'net.ipv4.tcp_syncookies' THEN
        'SYN cookies are off: a full SYN queue drops connection requests ("Dropping request") instead of answering with cookies, and tcp_max_syn_backlog becomes a limit'
      WHEN r.name = 'net.ipv4.tcp_timestamps' THEN
        'TCP timestamps are off: no PAWS protection and tcp_tw_reuse cannot work'
      ELSE
        'not a risk, a frequent misunderstanding: tcp_fin_timeout limits orphaned FIN_WAIT2 sockets only; TIME_WAIT is fixed at 60 s (TCP_TIMEWAIT_LEN), so changing it does not shrink the TIME-WAIT population'
    END as why
  from running r
  left join pairs p using (host, netns)
  where (r.name = 'net.ipv4.tcp_syncookies' and r.n = 0)
     or (r.name = 'net.ipv4.tcp_timestamps' and r.n = 0 and coalesce(p.tw_reuse, 0) <> 1)
     or (r.name = 'net.ipv4.tcp_fin_timeout' and r.n <> 60)
), configured as (
  select host, netns, name, regexp_replace(trim(value), '\s+', ' ', 'g') as value
  from sysctls
  where origin = 'sysctl.conf'
    and ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
), not_applied as (
  select c.host, c.netns, c.name, r.value, r.origin, 'info' as severity,
    'sysctl.conf sets ' || c.value || ' but the running value is ' || r.value || ': not applied yet (sysctl -p, reboot) or overridden later' as why
  from configured c
  join running r using (host, netns, name)
  where r.origin <> 'sysctl.conf' and r.value <> c.value
), findings as (
  select * from recycle
  union all select * from small_limits
  union all select * from narrow_ports
  union all select * from reuse_without_timestamps
  union all select * from other_flags
  union all select * from not_applied
)
select host, netns, name, value, origin, severity, why
from findings
order by host, netns, CASE severity WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, name
