-- name: fleet_summary
-- question: Per host, how many overflow incidents were there (logged episodes and counter-only overflows), which was the worst, and what are the limits?
-- params: $host VARCHAR
-- reads: hosts, overflow_episodes, counter_deltas, overflow_counters, population_samples, overflow_limits
-- returns: one row per host: kernel, incidents (= episodes + counter_only), episodes, counter_only (kinds whose overflow counter rose or is non-zero with no logged episode), kinds, worst episode (kind, start, estimated_total), peak population / limit ratio and its kind, tcp_max_tw_buckets, nf_conntrack_max; by incidents desc, host
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
), ratios as (
  select p.host, max(p.value / l.limit_value) as peak_ratio, arg_max(p.kind, p.value / l.limit_value) as peak_ratio_kind
  from population_samples p
  join overflow_limits l using (host, netns, kind)
  where l.limit_value > 0
  group by p.host
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
  l.tcp_max_tw_buckets,
  l.nf_conntrack_max
from h
left join episodes e using (host)
left join counter_only c using (host)
left join ratios r using (host)
left join limits l using (host)
order by incidents desc, h.host
