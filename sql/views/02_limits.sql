-- The running value of each setting per host and namespace: sysctl -a first, then proc/sys,
-- then what sysctl.conf configures (which may not be in force).
CREATE OR REPLACE VIEW sysctl_values AS
SELECT host, netns, name, value, origin
FROM (
  SELECT *, row_number() OVER (
    PARTITION BY host, netns, name
    ORDER BY CASE origin WHEN 'sysctl-a' THEN 1 WHEN 'proc-sys' THEN 2 ELSE 3 END, source_id DESC) AS rn
  FROM sysctls
)
WHERE rn = 1;

-- The limit of each overflow kind per host and namespace, as a number (tcp_mem: the third,
-- "high" value in pages; a namespace without its own value inherits nothing: it is absent).
CREATE OR REPLACE VIEW overflow_limits AS
WITH kinds AS (
  SELECT kind, unnest(limit_sysctls) AS name, generate_subscripts(limit_sysctls, 1) AS preference
  FROM overflow_kinds
), matched AS (
  SELECT s.host, s.netns, k.kind, s.name, s.value, s.origin, k.preference,
    row_number() OVER (PARTITION BY s.host, s.netns, k.kind ORDER BY k.preference) AS rn
  FROM sysctl_values s JOIN kinds k USING (name)
)
SELECT host, netns, kind, name AS limit_name, value AS raw_value, origin,
  TRY_CAST(CASE WHEN name = 'net.ipv4.tcp_mem' THEN split_part(regexp_replace(trim(value), '\s+', ' ', 'g'), ' ', 3) ELSE trim(value) END AS DOUBLE) AS limit_value
FROM matched
WHERE rn = 1;
