-- name: hosts
-- question: What is known of each host (kernel, zone, collection and boot time)?
-- params: $host VARCHAR
-- reads: hosts
-- returns: one row per host: host, kernel, release, timezone, timezone_origin, collected_at, boot_time (text), boot_time_basis, boot_time_uncertainty_s, by host
SELECT host, kernel, release, timezone, timezone_origin, collected_at::VARCHAR AS collected_at, boot_time::VARCHAR AS boot_time,
  boot_time_basis, boot_time_uncertainty_s
FROM hosts WHERE ($host::VARCHAR IS NULL OR host = $host::VARCHAR) ORDER BY host;
