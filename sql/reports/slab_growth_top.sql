-- name: slab_growth_top
-- question: Which slab caches grew most between the first and last snapshot of a host?
-- params: $host VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $min_growth_kib BIGINT = 1024
-- reads: slab_samples
-- returns: one row per host and cache (host, cache, first_ts, last_ts, first_kib, last_kib, growth_kib, first_active_objs, last_active_objs), growth_kib desc; caches missing from one snapshot count as 0 there
with samples as (
  -- one value per host, instant and cache even when a bundle member and a side file both saw it
  select host, ts, cache, active_objs, num_objs::BIGINT * objsize as bytes
  from slab_samples
  where ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
    and ($from::TIMESTAMPTZ IS NULL OR ts >= $from::TIMESTAMPTZ)
    and ($to::TIMESTAMPTZ IS NULL OR ts <= $to::TIMESTAMPTZ)
  QUALIFY row_number() OVER (PARTITION BY host, ts, cache ORDER BY source_id DESC) = 1
), span as (
  select host, min(ts) as first_ts, max(ts) as last_ts
  from samples
  group by host
), first_snapshot as (
  select s.host, s.cache, s.bytes, s.active_objs
  from samples s join span p on p.host = s.host and s.ts = p.first_ts
), last_snapshot as (
  select s.host, s.cache, s.bytes, s.active_objs
  from samples s join span p on p.host = s.host and s.ts = p.last_ts
), growth as (
  select
    coalesce(f.host, l.host) as host,
    coalesce(f.cache, l.cache) as cache,
    coalesce(f.bytes, 0) // 1024 as first_kib,
    coalesce(l.bytes, 0) // 1024 as last_kib,
    f.active_objs as first_active_objs,
    l.active_objs as last_active_objs
  from first_snapshot f
  full outer join last_snapshot l on l.host = f.host and l.cache = f.cache
)
select
  g.host,
  g.cache,
  p.first_ts,
  p.last_ts,
  g.first_kib,
  g.last_kib,
  g.last_kib - g.first_kib as growth_kib,
  g.first_active_objs,
  g.last_active_objs
from growth g
join span p using (host)
where g.last_kib - g.first_kib >= $min_growth_kib::BIGINT
order by growth_kib desc, g.host, g.cache
