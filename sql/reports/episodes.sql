-- name: episodes
-- question: When did each overflow episode start and end, how long did it last and how many events did it have?
-- params: $host VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $kind VARCHAR; $gap_minutes INTEGER = 10
-- reads: overflow_episodes_gap (overflow_islands, overflow_events), sources
-- returns: one row per host, kind and episode (bursts closer than $gap_minutes apart are one episode): start_ts, end_ts, duration_s, logged, suppressed (upper bound), estimated_total, bursts, sources (paths), by host then start
with episodes as (
  select *
  from overflow_episodes_gap(to_minutes($gap_minutes::INTEGER))
  where ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
    and ($kind::VARCHAR IS NULL OR kind = $kind::VARCHAR)
    -- an episode is in the window when it overlaps it
    and ($from::TIMESTAMPTZ IS NULL OR end_ts >= $from::TIMESTAMPTZ)
    and ($to::TIMESTAMPTZ IS NULL OR start_ts <= $to::TIMESTAMPTZ)
), episode_source_ids as (
  select host, kind, episode, unnest(source_ids) as source_id
  from episodes
), episode_sources as (
  select i.host, i.kind, i.episode, string_agg(s.path, ', ' ORDER BY s.source_id) as sources
  from episode_source_ids i
  join sources s using (source_id)
  group by all
)
select
  e.host,
  e.kind,
  e.episode,
  e.start_ts,
  e.end_ts,
  epoch(e.end_ts - e.start_ts) as duration_s,
  e.logged,
  e.suppressed,
  e.estimated_total,
  e.bursts,
  es.sources
from episodes e
left join episode_sources es using (host, kind, episode)
order by e.host, e.start_ts, e.kind
