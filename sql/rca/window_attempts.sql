-- name: window_attempts
-- question: When did incoming attempts outrun what each listen finding's listener accepted?
-- params:
-- reads: rca_win, counter_series_steps
-- returns: at most one row per finding id: series, baseline, peak, peak_at, accepted_at_peak, outran_from
-- The rates of attempts (TcpPassiveOpens + ListenDrops, else ListenOverflows) against accepts,
-- from the same snapshots.
WITH st AS (
  SELECT host, netns, series, to_ts, any_value(from_ts) AS from_ts, any_value(seconds) AS seconds,
    max(increase) FILTER (WHERE name = 'TcpPassiveOpens') AS accepted,
    coalesce(max(increase) FILTER (WHERE name = 'TcpExtListenDrops'), max(increase) FILTER (WHERE name = 'TcpExtListenOverflows')) AS dropped
  FROM counter_series_steps
  WHERE name IN ('TcpPassiveOpens', 'TcpExtListenDrops', 'TcpExtListenOverflows') AND seconds > 0
  GROUP BY host, netns, series, to_ts
), r AS (
  SELECT w.id, st.*, (st.accepted + st.dropped) / st.seconds AS attempts_per_s, st.accepted / st.seconds AS accepted_per_s
  FROM rca_win w JOIN st ON st.host = w.host AND st.netns = w.netns
    AND st.to_ts BETWEEN w.start_ts - INTERVAL 30 MINUTE AND w.end_ts + INTERVAL 10 MINUTE
  WHERE w.kind = 'tcp_listen_overflow' AND w.start_ts IS NOT NULL AND st.accepted IS NOT NULL AND st.dropped IS NOT NULL
)
SELECT id, series,
  median(attempts_per_s) FILTER (WHERE dropped = 0) AS baseline,
  max(attempts_per_s) AS peak, arg_max(to_ts, attempts_per_s)::VARCHAR AS peak_at,
  arg_max(accepted_per_s, attempts_per_s) AS accepted_at_peak,
  min(from_ts) FILTER (WHERE dropped > 0)::VARCHAR AS outran_from
FROM r GROUP BY id, series
HAVING count(*) FILTER (WHERE dropped > 0) > 0
QUALIFY row_number() OVER (PARTITION BY id ORDER BY median(seconds), count(*) DESC, series) = 1;
