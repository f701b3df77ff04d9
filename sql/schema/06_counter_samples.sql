-- One row per counter or gauge per snapshot. Names are canonical across origins (see src/model.ts).
CREATE TABLE IF NOT EXISTS counter_samples (
  host       VARCHAR NOT NULL,              -- host
  ts         TIMESTAMPTZ NOT NULL,          -- sample instant (UTC); for sar rates the END of the interval
  ts_quality VARCHAR NOT NULL,              -- exact | local+tz | collection-time | …
  origin     VARCHAR NOT NULL,              -- sar | sadf | nstat | netstat-s | proc | sockstat | ss-s | conntrack | sysctl
  name       VARCHAR NOT NULL,              -- TcpActiveOpens, TcpExtTCPTimeWaitOverflow, sockstat.TCP.tw, nf_conntrack.drop, …
  value      DOUBLE NOT NULL,               -- the value (per second for semantics = rate)
  semantics  VARCHAR NOT NULL,              -- cumulative (since boot) | rate (per second over the interval) | gauge
  device     VARCHAR,                       -- interface / cpu / device for per-device sar activities
  netns      VARCHAR NOT NULL DEFAULT '',   -- network namespace ('' = host's own)
  source_id  BIGINT NOT NULL                -- sources.source_id
);
