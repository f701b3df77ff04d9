-- One row per log line that matched an overflow signature, per source. The same kernel line
-- seen in several sources is kept in each; view overflow_events_unique counts it once.
CREATE TABLE IF NOT EXISTS overflow_events (
  host       VARCHAR,                       -- host of the line
  ts         TIMESTAMPTZ,                   -- UTC instant of the line
  ts_quality VARCHAR,                       -- as in log_events
  kind       VARCHAR NOT NULL,              -- tcp_timewait_overflow | conntrack_table_full | tcp_orphan_overflow | tcp_listen_overflow | tcp_socket_memory | neighbour_table_overflow | unattributed
  count      BIGINT NOT NULL,               -- 1 for a signature line; N for `N callbacks suppressed`
  suppressed BOOLEAN NOT NULL,              -- true for a ratelimit summary attributed to this kind
  variant    VARCHAR,                       -- which message text matched (signature variant id)
  detail     VARCHAR,                       -- port, container id, neighbour table … when the line names one
  mono_us    BIGINT,                        -- µs since boot when the line carried it
  boot_id    VARCHAR,                       -- boot id when known
  message    VARCHAR NOT NULL,              -- the matched line's message
  source_id  BIGINT NOT NULL,               -- sources.source_id
  line_no    BIGINT                         -- line in the source
);
