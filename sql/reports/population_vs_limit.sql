-- name: population_vs_limit
-- question: How close did each population (TIME-WAIT sockets, conntrack entries, orphans, socket memory, neighbours) come to its limit over time?
-- params: $host VARCHAR; $netns VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $kind VARCHAR
-- reads: population_samples (counter_samples, slab_samples, sockets), overflow_limits (sysctls)
-- returns: one row per sample (host, netns, kind, ts, metric, origin): population, limit_name, limit_value, ratio (population / limit, NULL when the limit is unknown), by host, kind, ts
with samples as (
  select host, netns, kind, ts, metric, origin, value
  from population_samples
  where ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
    and ($netns::VARCHAR IS NULL OR netns = $netns::VARCHAR)
    and ($kind::VARCHAR IS NULL OR kind = $kind::VARCHAR)
    and ($from::TIMESTAMPTZ IS NULL OR ts >= $from::TIMESTAMPTZ)
    and ($to::TIMESTAMPTZ IS NULL OR ts <= $to::TIMESTAMPTZ)
), deduped as (
  -- the same snapshot may come from two sources (a bundle member and a side file): keep the larger value
  select host, netns, kind, ts, metric, origin, max(value) as population
  from samples
  group by all
)
select
  d.host,
  d.netns,
  d.kind,
  d.ts,
  d.metric,
  d.origin,
  d.population,
  l.limit_name,
  l.limit_value,
  CASE WHEN l.limit_value > 0 THEN round(d.population / l.limit_value, 4) END as ratio
from deduped d
left join overflow_limits l using (host, netns, kind)
order by d.host, d.netns, d.kind, d.ts, d.metric, d.origin
