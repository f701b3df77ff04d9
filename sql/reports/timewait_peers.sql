-- name: timewait_peers
-- question: Which peers and local ports held the TIME-WAIT sockets, and what share of them, in each host's fullest socket snapshot?
-- params: $host VARCHAR; $netns VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $top INTEGER = 10
-- reads: timewait_peers (socket_sides, sockets, sysctl_values)
-- returns: one row per host, netns and peer in the snapshot with the most TIME-WAIT sockets (within the window): ts, side (client: this host connected out, peer = service ip:port; server: peer = client address, local_port = our port), sockets, share, snapshot_total, rank; the $top peers per host, by host then rank
with peers as (
  select *
  from timewait_peers
  where ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
    and ($netns::VARCHAR IS NULL OR netns = $netns::VARCHAR)
    and ($from::TIMESTAMPTZ IS NULL OR ts >= $from::TIMESTAMPTZ)
    and ($to::TIMESTAMPTZ IS NULL OR ts <= $to::TIMESTAMPTZ)
), snapshots as (
  select distinct host, netns, ts, source_id, snapshot_total
  from peers
), fullest as (
  -- the snapshot nearest the worst moment: most TIME-WAIT sockets, the earliest on a tie
  select host, netns, ts, source_id
  from snapshots
  QUALIFY row_number() OVER (PARTITION BY host, netns ORDER BY snapshot_total DESC, ts, source_id) = 1
), ranked as (
  select p.*, row_number() OVER (PARTITION BY p.host, p.netns ORDER BY p.sockets DESC, p.peer, p.local_port) as rank
  from peers p
  join fullest f using (host, netns, ts, source_id)
)
select
  host,
  netns,
  ts,
  rank,
  side,
  peer,
  local_port,
  sockets,
  round(share, 4) as share,
  snapshot_total
from ranked
where rank <= $top::INTEGER
order by host, netns, rank
