-- One row per host: facts from its bundle(s). Side files only ever add a bare host row.
CREATE TABLE IF NOT EXISTS hosts (
  host            VARCHAR PRIMARY KEY,      -- hostname as the bundle reports it (sos clean: host0, …)
  kernel          VARCHAR,                  -- uname -r
  release         VARCHAR,                  -- distribution release (etc/redhat-release, os-release PRETTY_NAME)
  timezone        VARCHAR,                  -- IANA zone used for its local times
  timezone_origin VARCHAR,                  -- timedatectl | etc/localtime | etc/timezone | sysconfig/clock | date-offset | --tz | assumed
  boot_time       TIMESTAMPTZ,              -- boot instant: the most precise estimate the inputs allow (boot_time_basis)
  collected_at    TIMESTAMPTZ,              -- sosreport collection time (sos_commands/date)
  boot_id         VARCHAR,                  -- proc/sys/kernel/random/boot_id
  source_id       BIGINT,                   -- source that gave these facts
  boot_time_basis VARCHAR,                  -- how boot_time was found (sources.time_basis lists the values after `boot: `)
  boot_time_uncertainty_s DOUBLE,           -- ± seconds of boot_time (NULL when unknown)
  bundle_boot_time TIMESTAMPTZ,             -- boot instant as the bundle gave it (proc/stat, proc/uptime, uptime, dmesg -T), before any anchor
  bundle_boot_basis VARCHAR,                -- how the bundle's boot instant was found
  bundle_boot_uncertainty_s DOUBLE          -- ± seconds of bundle_boot_time (NULL when unknown)
);
-- After every ingest, boot_time is re-estimated from anchors (journal kernel entries, syslog lines
-- with printk stamps, kernel lines seen in dmesg and in a wall-clock log) when they are more precise
-- than the bundle's own estimate; the bundle_* columns keep that estimate, so that the result does
-- not depend on the order inputs came in. Older databases get the columns when opened for writing.
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS boot_time_basis VARCHAR;
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS boot_time_uncertainty_s DOUBLE;
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS bundle_boot_time TIMESTAMPTZ;
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS bundle_boot_basis VARCHAR;
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS bundle_boot_uncertainty_s DOUBLE;
