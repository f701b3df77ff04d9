-- name: sources
-- question: What was ingested, how many rows each input gave, how many lines were skipped, and how sure are its times?
-- params: $host VARCHAR
-- reads: sources, ingest_issues
-- returns: one row per source (bundle members indented under their bundle), in ingest order, with time_basis (how its timestamps were derived; dmesg: `boot: <how the boot instant was found>`) and time_uncertainty_s (± seconds; NULL: unknown)
with issues as (
  select source_id, string_agg(DISTINCT code, ',' ORDER BY code) as issue_codes
  from ingest_issues
  group by source_id
), src as (
  select s.*, coalesce(s.parent_id, s.source_id) as top_id
  from sources s
  where $host::VARCHAR IS NULL OR s.host = $host::VARCHAR
)
select
  source_id,
  parent_id,
  host,
  kind,
  path,
  netns,
  rows,
  skipped,
  partial,
  first_ts,
  last_ts,
  time_basis,
  time_uncertainty_s,
  i.issue_codes
from src
left join issues i using (source_id)
order by top_id, parent_id NULLS FIRST, source_id
