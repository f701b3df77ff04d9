-- One row per log line that matched an overflow signature, per source. The same kernel line
-- seen in several sources is kept in each; the views of sql/views/01_overflow.sql count it once.
-- `repeated` comes after line_no: a database made before it existed gets it from the ALTER below,
-- which appends at the end, and the loader and the merge of `ingest --jobs` parts write columns
-- by position (as sockets.recv_q, 08_sockets.sql). (DuckDB cannot ALTER-add a NOT NULL column: an
-- upgraded table has the DEFAULT only, which fills its old rows with false.)
CREATE TABLE IF NOT EXISTS overflow_events (
  host       VARCHAR,                       -- host of the line
  ts         TIMESTAMPTZ,                   -- UTC instant of the line
  ts_quality VARCHAR,                       -- as in log_events
  kind       VARCHAR NOT NULL,              -- tcp_timewait_overflow | conntrack_table_full | tcp_orphan_overflow | tcp_listen_overflow | tcp_socket_memory | neighbour_table_overflow | unattributed
  count      BIGINT NOT NULL,               -- 1 for a signature line; N for `N callbacks suppressed`; for a repeat summary N × what one copy of the repeated line counts
  suppressed BOOLEAN NOT NULL,              -- true for a ratelimit summary attributed to this kind (and for a syslogd repeat of one)
  variant    VARCHAR,                       -- which message text matched (signature variant id)
  detail     VARCHAR,                       -- port, container id, neighbour table … when the line names one
  mono_us    BIGINT,                        -- µs since boot when the line carried it
  boot_id    VARCHAR,                       -- boot id when known
  message    VARCHAR NOT NULL,              -- the matched line's message
  source_id  BIGINT NOT NULL,               -- sources.source_id
  line_no    BIGINT,                        -- line in the source
  repeated   BOOLEAN NOT NULL DEFAULT false -- a syslog daemon's repeat summary (`last message repeated N times`, rsyslog's `message repeated N times: [ …]`): count more copies of the line it repeats, logged by the kernel but written once by the daemon; kind, variant and detail are the repeated line's
);
ALTER TABLE overflow_events ADD COLUMN IF NOT EXISTS repeated BOOLEAN DEFAULT false;
