-- One row per ingested input: a top-level input (sosreport, side file) and, for a bundle,
-- each member that fed a table (parent_id points at the bundle's row).
CREATE TABLE IF NOT EXISTS sources (
  source_id   BIGINT PRIMARY KEY,           -- 1, 2, 3 … in load order (the largest stored + 1; a rolled-back load leaves no gap)
  parent_id   BIGINT,                       -- the bundle row this member belongs to (NULL for top-level inputs)
  host        VARCHAR,                      -- host the data belongs to (NULL when unknown)
  kind        VARCHAR NOT NULL,             -- sosreport | syslog | dmesg | journal-json | journal-export | slabinfo | sar | sadf | nstat | netstat | netstat-s | sockstat | ss | sysctl | ...
  path        VARCHAR NOT NULL,             -- input path as given, or member path inside the bundle
  sha256      VARCHAR,                      -- content hash (top-level: whole input; member: member bytes)
  bytes       BIGINT,                       -- bytes read (uncompressed)
  rows        BIGINT NOT NULL DEFAULT 0,    -- rows stored from this source, all tables
  skipped     BIGINT NOT NULL DEFAULT 0,    -- lines / entries that could not be used (see ingest_issues)
  partial     BOOLEAN NOT NULL DEFAULT false, -- sos truncated the file (sos_strings/*.tailed) or the input was cut short
  netns       VARCHAR NOT NULL DEFAULT '',  -- network namespace of the data ('' = host's own)
  first_ts    TIMESTAMPTZ,                  -- earliest timestamp of the data (UTC)
  last_ts     TIMESTAMPTZ,                  -- latest timestamp of the data (UTC)
  ingested_at TIMESTAMPTZ NOT NULL,         -- when bundlescope stored it
  time_basis  VARCHAR,                      -- how the source's timestamps were derived (values below; NULL: no timestamps)
  time_uncertainty_s DOUBLE                 -- ± seconds of those instants (NULL when unknown)
);
-- time_basis, for a source with timestamped rows (the basis of most of its rows):
--   exact                 the data carried UTC or an explicit offset (journal __REALTIME_TIMESTAMP,
--                         RFC 3339 syslog, dmesg --time-format iso, date -u snapshots)
--   local+tz              local wall time with a year, in the host's zone (dmesg -T, sar, short-iso)
--   syslog-year-inferred  RFC 3164 / journalctl short stamp: local time, year from the collection date
--                         (for these three: ± the stamps' resolution, 1 s, 0.001 s or 0.000001 s;
--                         a syslog stamp is when syslogd received the line)
--   assumed-utc           local time of a host whose zone is unknown, taken as UTC (NULL: hours off)
--   boot: <how>           seconds since boot + the host's boot instant (dmesg, journalctl -o
--                         short-monotonic); ± that boot instant's uncertainty. <how> is
--                         hosts.boot_time_basis: proc/stat btime (±1 s, recomputed at every read),
--                         proc/uptime (±0.01 s + the seconds between sos's date and the read, 1 s
--                         when unknown), uptime (minutes) (the centre of the minute `up N min` leaves
--                         open, ±30 s, + the 1 s of date; uptime (seconds) when it counts them),
--                         dmesg -T match (the same lines in the bundle's dmesg and dmesg -T, ±1 s),
--                         journal anchor (journal kernel entries of the same boot: realtime −
--                         _SOURCE_MONOTONIC_TIMESTAMP, ~µs), syslog printk-stamp anchor (syslog
--                         kernel lines carrying `[ secs]`, ±1 s), kernel lines matched in <path>
--                         (lines that occur once in dmesg and once in that wall-clock file, ±1 s),
--                         not recorded (a database made before bundlescope recorded it)
--   collection-time       a snapshot with no stamp of its own, dated with the sosreport's collection
--                         time; ± the sos run's duration (manifest.json start/end), NULL without it
--   sos command time      a command output dated with its start in sos_reports/manifest.json; ± the
--                         command's run time
--   file-mtime            a side file's modification time (NULL: a copy may have touched it)
-- and for a sosreport row, how its collection time was found: collection: date --utc |
-- collection: date | collection: manifest start_time | collection: bundle name; ± the sos run's
-- duration (what a file copied during the run can differ from it), NULL when unknown.
-- Databases made before these columns existed get them when opened for writing (NULL until the
-- next ingest fills them in).
ALTER TABLE sources ADD COLUMN IF NOT EXISTS time_basis VARCHAR;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS time_uncertainty_s DOUBLE;
