-- One row per setting per origin (running value from sysctl -a / proc/sys, or configured in sysctl.conf).
CREATE TABLE IF NOT EXISTS sysctls (
  host      VARCHAR NOT NULL,               -- host
  name      VARCHAR NOT NULL,               -- dotted key: net.ipv4.tcp_max_tw_buckets
  value     VARCHAR NOT NULL,               -- value as printed, whitespace runs collapsed
  origin    VARCHAR NOT NULL,               -- sysctl-a | proc-sys | sysctl.conf
  netns     VARCHAR NOT NULL DEFAULT '',    -- network namespace ('' = host's own)
  source_id BIGINT NOT NULL                 -- sources.source_id
);
