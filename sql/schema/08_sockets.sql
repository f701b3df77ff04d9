-- One row per socket in a socket-list snapshot (ss, netstat, /proc/net/tcp).
CREATE TABLE IF NOT EXISTS sockets (
  host       VARCHAR NOT NULL,              -- host
  ts         TIMESTAMPTZ NOT NULL,          -- snapshot instant (UTC)
  ts_quality VARCHAR NOT NULL,              -- exact | local+tz | collection-time | …
  netns      VARCHAR NOT NULL DEFAULT '',   -- network namespace ('' = host's own)
  proto      VARCHAR NOT NULL,              -- tcp | tcp6 | udp | udp6
  state      VARCHAR NOT NULL,              -- TIME_WAIT | ESTABLISHED | LISTEN | SYN_RECV | FIN_WAIT2 | CLOSE_WAIT | …
  local_addr VARCHAR NOT NULL,              -- local address (IPv6 without brackets)
  local_port INTEGER,                       -- local port (NULL for *)
  peer_addr  VARCHAR NOT NULL,              -- peer address
  peer_port  INTEGER,                       -- peer port (NULL for *)
  process    VARCHAR,                       -- name/pid when the snapshot showed it
  timer      VARCHAR,                       -- timer field (timewait,41sec,0)
  source_id  BIGINT NOT NULL                -- sources.source_id
);
