-- name: log_search
-- question: Which log lines match an overflow kind or a text pattern in a time window, and where did each come from?
-- params: $host VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $kind VARCHAR; $pattern VARCHAR; $limit INTEGER = 1000
-- reads: log_events, overflow_events, sources
-- returns: one row per log line (every source: the same kernel line in dmesg and messages is listed twice) with host, ts, ts_quality, ident, kind and count when the line is classified, message, path and line_no; $pattern is an ILIKE pattern (a bare word matches anywhere); by ts, the first $limit
with classified as (
  select source_id, line_no, any_value(kind) as kind, bool_or(suppressed) as suppressed, sum(count)::BIGINT as count
  from overflow_events
  group by source_id, line_no
), lines as (
  select l.host, l.ts, l.ts_quality, l.ident, l.message, l.source_id, l.line_no, c.kind, c.suppressed, c.count
  from log_events l
  left join classified c using (source_id, line_no)
  where ($host::VARCHAR IS NULL OR l.host = $host::VARCHAR)
    and ($from::TIMESTAMPTZ IS NULL OR l.ts >= $from::TIMESTAMPTZ)
    and ($to::TIMESTAMPTZ IS NULL OR l.ts <= $to::TIMESTAMPTZ)
), matched as (
  select *
  from lines
  where ($kind::VARCHAR IS NULL OR kind = $kind::VARCHAR)
    and ($pattern::VARCHAR IS NULL OR message ILIKE CASE WHEN contains($pattern::VARCHAR, '%') THEN $pattern::VARCHAR ELSE '%' || $pattern::VARCHAR || '%' END)
)
select
  m.host,
  m.ts,
  m.ts_quality,
  m.ident,
  m.kind,
  m.suppressed,
  m.count,
  m.message,
  s.path,
  m.line_no
from matched m
join sources s using (source_id)
order by m.ts NULLS LAST, m.source_id, m.line_no
limit $limit::INTEGER
