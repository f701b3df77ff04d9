-- Connection-rate series per host: one series per (host, netns, name, series, method) of
-- counter_rates (a series never mixes two sources that cover the same interval), each sample with the start of the interval it averages over.
CREATE OR REPLACE VIEW rate_series AS
SELECT host, netns, name, origin, series, time_class, method, ts,
  coalesce(from_ts, lag(ts) OVER (PARTITION BY host, netns, name, series, method ORDER BY ts)) AS from_ts,
  per_second
FROM counter_rates
WHERE name IN ('TcpActiveOpens', 'TcpPassiveOpens', 'TcpExtTW', 'TcpAttemptFails', 'TcpOutRsts');

-- Each sample against its own robust baseline: the median of the samples of the previous three
-- hours and their median absolute deviation (MAD × 1.4826 estimates σ; both ignore a spike that
-- covers less than half the window). A sample is a spike when it is more than twice the
-- baseline and more than 6 σ above it, with at least 3 samples of history.
CREATE OR REPLACE VIEW rate_baselines AS
WITH pairs AS (
  SELECT r.host, r.netns, r.name, r.series, r.method, r.ts, h.per_second AS hv
  FROM rate_series r
  JOIN rate_series h
    ON h.host = r.host AND h.netns = r.netns AND h.name = r.name AND h.series = r.series AND h.method = r.method
   AND h.ts >= r.ts - INTERVAL 3 HOURS AND h.ts < r.ts
), med AS (
  SELECT host, netns, name, series, method, ts, median(hv) AS baseline, count(*) AS history
  FROM pairs GROUP BY ALL
), mad AS (
  SELECT p.host, p.netns, p.name, p.series, p.method, p.ts, median(abs(p.hv - m.baseline)) AS mad
  FROM pairs p JOIN med m USING (host, netns, name, series, method, ts)
  GROUP BY ALL
)
SELECT r.*, m.baseline, d.mad, coalesce(m.history, 0) AS history,
  coalesce(m.history, 0) >= 3
    AND r.per_second > 2 * m.baseline
    AND r.per_second - m.baseline > 6 * greatest(1.4826 * d.mad, 1.0) AS is_spike
FROM rate_series r
LEFT JOIN med m USING (host, netns, name, series, method, ts)
LEFT JOIN mad d USING (host, netns, name, series, method, ts);

-- Spikes: runs of consecutive spike samples (gaps and islands), with start (the beginning of
-- the first interval that spiked), peak and the baseline just before it.
CREATE OR REPLACE VIEW rate_spikes AS
WITH marked AS (
  SELECT *,
    CASE WHEN is_spike AND NOT coalesce(lag(is_spike) OVER s, false) THEN 1 ELSE 0 END AS starts
  FROM rate_baselines
  WINDOW s AS (PARTITION BY host, netns, name, series, method ORDER BY ts)
), numbered AS (
  SELECT *, sum(starts) OVER (PARTITION BY host, netns, name, series, method ORDER BY ts RANGE UNBOUNDED PRECEDING) AS spike_no
  FROM marked
)
SELECT host, netns, name, origin, series, time_class, method, spike_no,
  min(coalesce(from_ts, ts)) AS start_ts,
  max(ts) AS end_ts,
  arg_min(baseline, ts) AS baseline,
  max(per_second) AS peak,
  arg_max(ts, per_second) AS peak_ts,
  count(*) AS samples,
  median(epoch(ts - from_ts)) AS interval_s
FROM numbered
WHERE is_spike
GROUP BY host, netns, name, origin, series, time_class, method, spike_no;
