-- One row per socket in a socket-list snapshot (ss, netstat, /proc/net/tcp).
-- recv_q and send_q come after source_id: a database made before they existed gets them from
-- the ALTERs below, which append at the end, and the loader and the merge of `ingest --jobs`
-- parts write columns by position, so a new table must have the same order as an upgraded one.
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
  source_id  BIGINT NOT NULL,               -- sources.source_id
  recv_q     BIGINT,                        -- Recv-Q (/proc rx_queue) as printed: bytes the application has not read (UDP: receive buffer in use); LISTEN: connections waiting in the accept queue, in ss, netstat and /proc alike. NULL when the output had no queue columns (ss -Q)
  send_q     BIGINT                         -- Send-Q (/proc tx_queue) as printed: bytes the peer has not acknowledged, sent or not (UDP: send buffer in use); LISTEN from ss: the effective backlog min(listen() backlog, net.core.somaxconn), the queue counting as full once recv_q > send_q. NULL for LISTEN from netstat and /proc/net/tcp (they print the listener's empty write queue there, never its backlog) and when absent
);
ALTER TABLE sockets ADD COLUMN IF NOT EXISTS recv_q BIGINT;
ALTER TABLE sockets ADD COLUMN IF NOT EXISTS send_q BIGINT;
