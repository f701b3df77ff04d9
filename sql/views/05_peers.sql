-- Sockets with the side that holds them, per snapshot: a socket whose local port is listening
-- in the same snapshot (or below the ephemeral range while the peer's port is inside it) is the
-- server side; otherwise it is an outgoing connection, and the peer ip:port is the service.
CREATE OR REPLACE VIEW socket_sides AS
WITH listening AS (
  SELECT DISTINCT host, netns, local_port FROM sockets WHERE state = 'LISTEN'
), ports AS (
  SELECT host, netns,
    coalesce(TRY_CAST(split_part(regexp_replace(trim(value), '\s+', ' ', 'g'), ' ', 1) AS INTEGER), 32768) AS lo
  FROM sysctl_values WHERE name = 'net.ipv4.ip_local_port_range'
)
SELECT s.*,
  CASE
    WHEN l.local_port IS NOT NULL THEN 'server'
    WHEN s.local_port < coalesce(p.lo, 32768) AND s.peer_port >= coalesce(p.lo, 32768) THEN 'server'
    ELSE 'client'
  END AS side
FROM sockets s
LEFT JOIN listening l ON l.host = s.host AND l.netns = s.netns AND l.local_port = s.local_port
LEFT JOIN ports p ON p.host = s.host AND p.netns = s.netns;

-- Who holds the TIME-WAIT sockets, per snapshot: outgoing connections group by the service
-- (peer ip:port), incoming ones by the client address (its ports are ephemeral) and our port.
CREATE OR REPLACE VIEW timewait_peers AS
WITH keyed AS (
  SELECT host, netns, ts, source_id, side,
    CASE WHEN side = 'client'
      THEN (CASE WHEN contains(peer_addr, ':') THEN '[' || peer_addr || ']' ELSE peer_addr END) || ':' || coalesce(peer_port::VARCHAR, '*')
      ELSE peer_addr END AS peer,
    CASE WHEN side = 'server' THEN local_port END AS local_port
  FROM socket_sides
  WHERE state = 'TIME_WAIT'
), grouped AS (
  SELECT host, netns, ts, source_id, side, peer, local_port, count(*) AS sockets
  FROM keyed
  GROUP BY ALL
)
SELECT *,
  sockets / sum(sockets) OVER (PARTITION BY host, netns, ts, source_id) AS share,
  sum(sockets) OVER (PARTITION BY host, netns, ts, source_id) AS snapshot_total
FROM grouped;
