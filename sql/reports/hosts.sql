-- name: hosts
-- question: Which hosts are in the database, with their kernel, time zone, boot and collection times, and the limits that overflow?
-- params: $host VARCHAR
-- reads: hosts, sysctl_values, sources
-- returns: one row per host (host's own network namespace): kernel, release, timezone, boot_time, collected_at, sources, and the limits tcp_max_tw_buckets, nf_conntrack_max, tcp_max_orphans, somaxconn, ip_local_port_range (raw text), ephemeral_ports
with h as (
  select *
  from hosts
  where $host::VARCHAR IS NULL OR host = $host::VARCHAR
), settings as (
  -- running values of the host's own namespace; conntrack's limit has had three names
  select host,
    max(CASE WHEN name = 'net.ipv4.tcp_max_tw_buckets' THEN trim(value) END) as tcp_max_tw_buckets,
    coalesce(
      max(CASE WHEN name = 'net.netfilter.nf_conntrack_max' THEN trim(value) END),
      max(CASE WHEN name = 'net.nf_conntrack_max' THEN trim(value) END),
      max(CASE WHEN name = 'net.ipv4.netfilter.ip_conntrack_max' THEN trim(value) END)) as nf_conntrack_max,
    max(CASE WHEN name = 'net.ipv4.tcp_max_orphans' THEN trim(value) END) as tcp_max_orphans,
    max(CASE WHEN name = 'net.core.somaxconn' THEN trim(value) END) as somaxconn,
    max(CASE WHEN name = 'net.ipv4.ip_local_port_range' THEN regexp_replace(trim(value), '\s+', ' ', 'g') END) as ip_local_port_range
  from sysctl_values
  where netns = '' and origin <> 'sysctl.conf'
  group by host
), source_counts as (
  select host, count(*) FILTER (WHERE parent_id IS NULL) as inputs, count(*) as sources
  from sources
  group by host
)
select
  h.host,
  h.kernel,
  h.release,
  h.timezone,
  h.timezone_origin,
  h.boot_time,
  h.collected_at,
  coalesce(c.inputs, 0) as inputs,
  TRY_CAST(s.tcp_max_tw_buckets AS BIGINT) as tcp_max_tw_buckets,
  TRY_CAST(s.nf_conntrack_max AS BIGINT) as nf_conntrack_max,
  TRY_CAST(s.tcp_max_orphans AS BIGINT) as tcp_max_orphans,
  TRY_CAST(s.somaxconn AS BIGINT) as somaxconn,
  s.ip_local_port_range,
  TRY_CAST(split_part(s.ip_local_port_range, ' ', 2) AS BIGINT) - TRY_CAST(split_part(s.ip_local_port_range, ' ', 1) AS BIGINT) + 1 as ephemeral_ports
from h
left join settings s using (host)
left join source_counts c using (host)
order by h.host
