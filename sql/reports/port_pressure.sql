-- name: port_pressure
-- question: How much of the ephemeral port range did TIME-WAIT sockets pin per source address and destination, against the ~ports/60 new connections per second one destination can sustain?
-- params: $host VARCHAR; $netns VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $top INTEGER = 20
-- reads: socket_sides (sockets, sysctl_values), sysctl_values
-- returns: one row per host, netns, local address and destination ip:port (outgoing connections only; the $top by port_use per host): peak_ts, timewait (most TIME-WAIT sockets in one snapshot), ephemeral_ports (from ip_local_port_range; ports_origin says when it is the default), port_use = timewait / ephemeral_ports, close_rate_per_s = timewait / 60 (Little's law: TIME_WAIT lasts 60 s), sustainable_per_s = ephemeral_ports / 60
-- A client's TIME-WAIT socket pins (source ip, source port, destination ip, destination port): to
-- one destination from one source address only ip_local_port_range ports exist (32768–60999:
-- 28232, so ~470 new connections/s without tcp_tw_reuse). Exhaustion shows in applications as
-- EADDRNOTAVAIL, not in the kernel log (domain.md §1.5).
with outgoing as (
  select host, netns, ts, source_id, local_addr,
    (CASE WHEN contains(peer_addr, ':') THEN '[' || peer_addr || ']' ELSE peer_addr END) || ':' || coalesce(peer_port::VARCHAR, '*') as destination,
    count(*) as timewait
  from socket_sides
  where state = 'TIME_WAIT' and side = 'client'
    and ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
    and ($netns::VARCHAR IS NULL OR netns = $netns::VARCHAR)
    and ($from::TIMESTAMPTZ IS NULL OR ts >= $from::TIMESTAMPTZ)
    and ($to::TIMESTAMPTZ IS NULL OR ts <= $to::TIMESTAMPTZ)
  group by all
), peak as (
  select host, netns, local_addr, destination, ts as peak_ts, timewait
  from outgoing
  QUALIFY row_number() OVER (PARTITION BY host, netns, local_addr, destination ORDER BY timewait DESC, ts) = 1
), port_range as (
  select host, netns,
    TRY_CAST(split_part(regexp_replace(trim(value), '\s+', ' ', 'g'), ' ', 2) AS BIGINT)
      - TRY_CAST(split_part(regexp_replace(trim(value), '\s+', ' ', 'g'), ' ', 1) AS BIGINT) + 1 as ports
  from sysctl_values
  where name = 'net.ipv4.ip_local_port_range'
), sized as (
  select p.*,
    coalesce(r.ports, 28232) as ephemeral_ports,
    CASE WHEN r.ports IS NULL THEN 'default 32768-60999' ELSE 'ip_local_port_range' END as ports_origin
  from peak p
  left join port_range r using (host, netns)
), ranked as (
  select *, timewait / ephemeral_ports as port_use,
    row_number() OVER (PARTITION BY host ORDER BY timewait DESC, netns, local_addr, destination) as rank
  from sized
)
select
  host,
  netns,
  local_addr,
  destination,
  peak_ts,
  timewait,
  ephemeral_ports,
  ports_origin,
  round(port_use, 4) as port_use,
  round(timewait / 60, 1) as close_rate_per_s,
  round(ephemeral_ports / 60, 1) as sustainable_per_s
from ranked
where rank <= $top::INTEGER
order by host, rank
