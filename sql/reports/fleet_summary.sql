-- name: fleet_summary
-- question: Per host, how many overflow incidents were there (logged episodes and counter-only overflows), which was the worst, and what are the limits?
-- params: $host VARCHAR
-- reads: hosts, overflow_episodes, counter_deltas, overflow_counters, population_samples, overflow_limits
-- returns: one row per host: kernel, incidents (= episodes + counter_only), episodes, counter_only (kinds whose overflow counter rose or is non-zero with no logged episode), kinds, worst episode (kind, start, estimated_total), peak population / limit ratio, its kind and metric (the exact population when the inputs have it, as rca takes it) and a note when slab objects exceed the limit, tcp_max_tw_buckets, nf_conntrack_max; by incidents desc, host
with h as (
  select host, kernel
  from hosts
  where $host::VARCHAR IS NULL OR host = $host::VARCHAR
), episodes as (
  select host,
    count(*) as episodes,
    list(DISTINCT kind ORDER BY kind) as kinds,
    arg_max(kind, estimated_total) as worst_kind,
    arg_max(start_ts, estimated_total) as worst_start,
    max(estimated_total) as worst_estimated_total
  from overflow_episodes
  group by host
), evidence_counters as (
  -- the counters that, on their own, say the overflow happened (as the rca uses them), each
  -- under the kind a rise goes to when nothing logged says otherwise
  select name, kind from overflow_counters where kind_rank = 1
), counted as (
  select distinct d.host, e.kind
  from counter_deltas d
  join evidence_counters e using (name)
  where d.increase > 0 or d.last_value > 0
), counter_only as (
  select c.host, count(*) as counter_only, list(c.kind ORDER BY c.kind) as kinds
  from counted c
  where not exists (select 1 from overflow_episodes o where o.host = c.host and o.kind = c.kind)
  group by c.host
), pop as (
  -- as rca ranks them: the kernel's own gauges (sockstat tw, sar tcp-tw, conntrack count), then
  -- socket lists, then slab objects (which count free slots too, and are the whole host's)
  select p.host, p.kind, p.metric, p.value, l.limit_value,
    CASE WHEN p.origin = 'sockets' THEN 2 WHEN p.origin = 'slabinfo' THEN 3 ELSE 1 END as pref
  from population_samples p
  join overflow_limits l using (host, netns, kind)
  where l.limit_value > 0 and not (p.origin = 'slabinfo' and p.netns <> '')
), best as (
  select *, min(pref) over (partition by host, kind) as best_pref from pop
), per_kind as (
  select host, kind,
    max(value / limit_value) filter (where pref = best_pref) as ratio,
    arg_max(metric, value / limit_value) filter (where pref = best_pref) as metric,
    arg_max(value, value / limit_value) filter (where pref = best_pref) as peak,
    max(value / limit_value) filter (where pref = 3) as slab_ratio,
    arg_max(metric, value) filter (where pref = 3) as slab_metric,
    max(limit_value) as limit_value
  from best
  group by host, kind
), ratios as (
  select host,
    max(ratio) as peak_ratio,
    arg_max(kind, ratio) as peak_ratio_kind,
    arg_max(metric, ratio) as peak_ratio_metric,
    nullif(arg_max(CASE
      WHEN slab_ratio > 1 AND metric LIKE 'slab.%' THEN
        'slab objects include free slots of per-CPU slabs and RCU-delayed frees, so they can exceed the limit; no exact count (sockstat tw, sar tcp-tw, ss) in the inputs'
      WHEN slab_ratio > 1 THEN
        printf('slab objects (%s) peak at %.3f× the limit: they include free slots; %s peaks at %d = %.0f%% of the limit %d',
          slab_metric, slab_ratio, metric, peak::BIGINT, ratio * 100, limit_value::BIGINT)
      ELSE '' END, ratio), '') as peak_ratio_note
  from per_kind
  group by host
), limits as (
  select host,
    max(CASE WHEN kind = 'tcp_timewait_overflow' THEN limit_value END)::BIGINT as tcp_max_tw_buckets,
    max(CASE WHEN kind = 'conntrack_table_full' THEN limit_value END)::BIGINT as nf_conntrack_max
  from overflow_limits
  where netns = ''
  group by host
)
select
  h.host,
  h.kernel,
  coalesce(e.episodes, 0) + coalesce(c.counter_only, 0) as incidents,
  coalesce(e.episodes, 0) as episodes,
  coalesce(c.counter_only, 0) as counter_only,
  array_to_string(list_sort(list_distinct(list_concat(coalesce(e.kinds, []::VARCHAR[]), coalesce(c.kinds, []::VARCHAR[])))), ',') as kinds,
  e.worst_kind,
  e.worst_start,
  e.worst_estimated_total,
  round(r.peak_ratio, 4) as peak_ratio,
  r.peak_ratio_kind,
  r.peak_ratio_metric,
  r.peak_ratio_note,
  l.tcp_max_tw_buckets,
  l.nf_conntrack_max
from h
left join episodes e using (host)
left join counter_only c using (host)
left join ratios r using (host)
left join limits l using (host)
order by incidents desc, h.host
