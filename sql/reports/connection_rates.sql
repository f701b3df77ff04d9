-- name: connection_rates
-- question: How many TCP connections per second were opened (actively and passively), failed or reset, and when did the rate spike above its own recent baseline?
-- params: $host VARCHAR; $netns VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $name VARCHAR; $baseline_samples INTEGER = 12; $min_rate DOUBLE = 1
-- reads: counter_rates (counter_samples: sar/sadf recorded rates, and rates derived from cumulative nstat/netstat snapshots)
-- returns: one row per host, netns, counter, origin and interval end: per_second, baseline_median and baseline_mad over the previous $baseline_samples intervals, spike (true when per_second > median + 6 × MAD and > 2 × median and ≥ $min_rate, with at least 3 earlier intervals), by host, name, ts
-- The baseline is robust on purpose: a median and the median absolute deviation (MAD) of the
-- intervals before this one are not moved by the spike itself, unlike a mean and a standard
-- deviation. 6 × MAD is roughly 4 standard deviations for normal noise; "and > 2 × median" keeps a
-- flat, noiseless baseline (MAD = 0) from flagging small wiggles; $min_rate keeps an idle host's
-- 0 → 0.3/s from being called a spike.
with rates as (
  select host, netns, name, origin, series, method, from_ts, ts, per_second
  from counter_rates
  where ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
    and ($netns::VARCHAR IS NULL OR netns = $netns::VARCHAR)
    and (CASE WHEN $name::VARCHAR IS NULL
           THEN name IN ('TcpActiveOpens', 'TcpPassiveOpens', 'TcpAttemptFails', 'TcpEstabResets')
           ELSE name = $name::VARCHAR END)
), baselined as (
  -- the baseline is computed before the time window is applied, so the first rows of a window have one
  select *,
    median(per_second) OVER w as baseline_median,
    mad(per_second) OVER w as baseline_mad,
    count(per_second) OVER w as baseline_samples
  from rates
  WINDOW w AS (PARTITION BY host, netns, name, series, method ORDER BY ts
               ROWS BETWEEN $baseline_samples::INTEGER PRECEDING AND 1 PRECEDING)
)
select
  host,
  netns,
  name,
  origin,
  method,
  from_ts,
  ts,
  round(per_second, 3) as per_second,
  round(baseline_median, 3) as baseline_median,
  round(baseline_mad, 3) as baseline_mad,
  coalesce(baseline_samples >= 3
    and per_second > baseline_median + 6 * baseline_mad
    and per_second > 2 * baseline_median
    and per_second >= $min_rate::DOUBLE, false) as spike
from baselined
where ($from::TIMESTAMPTZ IS NULL OR ts >= $from::TIMESTAMPTZ)
  and ($to::TIMESTAMPTZ IS NULL OR ts <= $to::TIMESTAMPTZ)
order by host, netns, name, origin, series, method, ts
