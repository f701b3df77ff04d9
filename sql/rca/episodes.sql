-- name: episodes
-- question: Which logged overflow episodes fall in the scope?
-- params: $host VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ
-- reads: overflow_episodes
-- returns: one row per host, kind and episode: start_ts, end_ts (text), logged, suppressed, repeated, uncertainty_s, time_basis, details (listen overflows: the ports the lines name), by host then start
SELECT host, kind, episode, start_ts::VARCHAR AS start_ts, end_ts::VARCHAR AS end_ts, logged, suppressed, repeated,
  time_uncertainty_s AS uncertainty_s, time_basis, CASE WHEN kind = 'tcp_listen_overflow' THEN details END AS details
FROM overflow_episodes
WHERE ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
  AND ($from::TIMESTAMPTZ IS NULL OR end_ts >= $from::TIMESTAMPTZ)
  AND ($to::TIMESTAMPTZ IS NULL OR start_ts <= $to::TIMESTAMPTZ)
ORDER BY host, start_ts;
