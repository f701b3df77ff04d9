-- One row per log line or journal entry, every timestamp in UTC.
CREATE TABLE IF NOT EXISTS log_events (
  host       VARCHAR,                       -- host of the line (per line in multi-host files)
  ts         TIMESTAMPTZ,                   -- UTC instant (NULL when it cannot be known, e.g. dmesg without boot time)
  ts_quality VARCHAR,                       -- exact | local+tz | syslog-year-inferred | monotonic+boot | assumed-utc
  boot_id    VARCHAR,                       -- journal _BOOT_ID when known
  mono_us    BIGINT,                        -- µs since boot (dmesg bracket, printk stamp, journal monotonic)
  ident      VARCHAR,                       -- syslog tag / SYSLOG_IDENTIFIER ('kernel' for kernel lines)
  pid        INTEGER,                       -- process id from the tag or _PID
  unit       VARCHAR,                       -- systemd unit
  priority   TINYINT,                       -- 0 emerg … 7 debug
  facility   TINYINT,                       -- syslog facility number
  transport  VARCHAR,                       -- kernel | syslog | journal | stdout | audit | driver
  message    VARCHAR NOT NULL,              -- the text after the tag (printk stamp removed)
  source_id  BIGINT NOT NULL,               -- sources.source_id
  line_no    BIGINT                         -- line (or entry) number in the source
);
