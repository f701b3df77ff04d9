-- name: counters_summary
-- question: How much did each cumulative kernel counter grow over the time the snapshots cover, and at what rate per hour?
-- params: $host VARCHAR; $netns VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $name VARCHAR; $min_increase DOUBLE = 1
-- reads: counter_steps (counter_samples with semantics cumulative, one consistent series per counter; reset-safe as counter_deltas)
-- returns: one row per host, netns and counter (origin: the origins of its accounting series) with at least two snapshots and an increase ≥ $min_increase ($name: ILIKE pattern, a bare word matches anywhere): first_ts, last_ts, hours, samples, increase, resets, per_hour, by host, increase desc
with steps as (
  select *
  from counter_steps
  where ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
    and ($netns::VARCHAR IS NULL OR netns = $netns::VARCHAR)
    and ($name::VARCHAR IS NULL OR name ILIKE CASE WHEN contains($name::VARCHAR, '%') THEN $name::VARCHAR ELSE '%' || $name::VARCHAR || '%' END)
    -- an interval counts when it lies inside the window
    and ($from::TIMESTAMPTZ IS NULL OR from_ts >= $from::TIMESTAMPTZ)
    and ($to::TIMESTAMPTZ IS NULL OR to_ts <= $to::TIMESTAMPTZ)
), totals as (
  -- one accounting series per counter (counter_steps: never two sources interleaved)
  select host, netns, name, string_agg(DISTINCT origin, ',' ORDER BY origin) as origin,
    min(from_ts) as first_ts,
    max(to_ts) as last_ts,
    count(*) + 1 as samples,
    sum(increase) as increase,
    count(*) FILTER (WHERE step = 'reset') as resets
  from steps
  group by host, netns, name
)
select
  host,
  netns,
  name,
  origin,
  first_ts,
  last_ts,
  round(epoch(last_ts - first_ts) / 3600, 3) as hours,
  samples,
  increase,
  resets,
  CASE WHEN last_ts > first_ts THEN round(increase / (epoch(last_ts - first_ts) / 3600), 1) END as per_hour
from totals
where increase >= $min_increase::DOUBLE
order by host, increase desc, name, netns, origin
