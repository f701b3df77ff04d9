-- One row per host: facts from its bundle(s). Side files only ever add a bare host row.
CREATE TABLE IF NOT EXISTS hosts (
  host            VARCHAR PRIMARY KEY,      -- hostname as the bundle reports it (sos clean: host0, …)
  kernel          VARCHAR,                  -- uname -r
  release         VARCHAR,                  -- distribution release (etc/redhat-release, os-release PRETTY_NAME)
  timezone        VARCHAR,                  -- IANA zone used for its local times
  timezone_origin VARCHAR,                  -- timedatectl | etc/localtime | etc/timezone | sysconfig/clock | date-offset | --tz | assumed
  boot_time       TIMESTAMPTZ,              -- boot instant (proc/stat btime, or collection − uptime)
  collected_at    TIMESTAMPTZ,              -- sosreport collection time (sos_commands/date)
  boot_id         VARCHAR,                  -- proc/sys/kernel/random/boot_id
  source_id       BIGINT                    -- source that gave these facts
);
