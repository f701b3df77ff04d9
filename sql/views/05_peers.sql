-- TIME-WAIT (and other) sockets of the latest socket snapshot per host and namespace, with the
-- side that holds them: a socket whose local port is a listening port (or below the ephemeral
-- range while the peer's is inside it) is the server side; otherwise it is an outgoing
-- connection, and the peer ip:port is the service it talked to.
CREATE OR REPLACE VIEW socket_sides AS
WITH latest AS (
  SELECT host, netns, max(ts) AS ts FROM sockets GROUP BY host, netns
), snap AS (
  SELECT s.* FROM sockets s JOIN latest l USING (host, netns, ts)
), listening AS (
  SELECT DISTINCT host, netns, local_port FROM snap WHERE state = 'LISTEN'
), ports AS (
  SELECT host, netns,
    coalesce(TRY_CAST(split_part(regexp_replace(trim(value), '\s+', ' ', 'g'), ' ', 1) AS INTEGER), 32768) AS lo,
    coalesce(TRY_CAST(split_part(regexp_replace(trim(value), '\s+', ' ', 'g'), ' ', 2) AS INTEGER), 60999) AS hi
  FROM sysctl_values WHERE name = 'net.ipv4.ip_local_port_range'
)
SELECT s.*,
  CASE
    WHEN l.local_port IS NOT NULL THEN 'server'
    WHEN s.local_port < coalesce(p.lo, 32768) AND s.peer_port >= coalesce(p.lo, 32768) THEN 'server'
    ELSE 'client'
  END AS side
FROM snap s
LEFT JOIN listening l ON l.host = s.host AND l.netns = s.netns AND l.local_port = s.local_port
LEFT JOIN ports p ON p.host = s.host AND p.netns = s.netns;

-- Who holds the TIME-WAIT sockets: outgoing connections group by the service (peer ip:port),
-- incoming ones by the client address (its ports are ephemeral) and our local port.
CREATE OR REPLACE VIEW timewait_peers AS
WITH tw AS (
  SELECT * FROM socket_sides WHERE state = 'TIME_WAIT'
), keyed AS (
  SELECT host, netns, ts, side,
    CASE WHEN side = 'client'
      THEN (CASE WHEN contains(peer_addr, ':') THEN '[' || peer_addr || ']' ELSE peer_addr END) || ':' || coalesce(peer_port::VARCHAR, '*')
      ELSE peer_addr END AS peer,
    CASE WHEN side = 'server' THEN local_port END AS local_port
  FROM tw
), grouped AS (
  SELECT host, netns, ts, side, peer, local_port, count(*) AS sockets
  FROM keyed
  GROUP BY host, netns, ts, side, peer, local_port
)
SELECT *, sockets / sum(sockets) OVER (PARTITION BY host, netns) AS share
FROM grouped;
