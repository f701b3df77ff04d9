-- name: log_search
-- question: Which log lines match an overflow kind or a text pattern in a time window, and where did each come from?
-- params: $host VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $kind VARCHAR; $pattern VARCHAR; $copies VARCHAR = once; $limit INTEGER = 1000
-- reads: log_timeline (log_events once per event across sources, log_copies), log_events, overflow_events, sources
-- returns: one row per log event ($copies = once: the same kernel line in dmesg, messages and the journal is one row, copies says in how many sources it was; $copies = all: one row per copy, as stored) with host, ts, ts_quality, ident, kind and count when the line is classified, message, copies, path and line_no (of the copy that speaks for the event: the most precise time); $pattern is an ILIKE pattern (a bare word matches anywhere); by ts, the first $limit
with mode as (
  select CASE WHEN $copies::VARCHAR IN ('once', 'all') THEN $copies::VARCHAR
    ELSE error('copies must be once or all, not ''' || $copies::VARCHAR || '''') END as copies
), classified as (
  select source_id, line_no, any_value(kind) as kind, bool_or(suppressed) as suppressed, sum(count)::BIGINT as count
  from overflow_events
  group by source_id, line_no
), once as (
  select t.host, t.ts, t.ts_quality, t.ident, t.message, t.source_id, t.line_no, t.copies
  from log_timeline t
  where (select copies from mode) = 'once'
    and ($host::VARCHAR IS NULL OR t.host = $host::VARCHAR)
    and ($pattern::VARCHAR IS NULL OR t.message ILIKE CASE WHEN contains($pattern::VARCHAR, '%') THEN $pattern::VARCHAR ELSE '%' || $pattern::VARCHAR || '%' END)
), every as (
  select l.host, l.ts, l.ts_quality, l.ident, l.message, l.source_id, l.line_no, 1::BIGINT as copies
  from log_events l
  where (select copies from mode) = 'all'
    and ($host::VARCHAR IS NULL OR l.host = $host::VARCHAR)
    and ($pattern::VARCHAR IS NULL OR l.message ILIKE CASE WHEN contains($pattern::VARCHAR, '%') THEN $pattern::VARCHAR ELSE '%' || $pattern::VARCHAR || '%' END)
), lines as (
  select x.*, c.kind, c.suppressed, c.count
  from (select * from once union all select * from every) x
  left join classified c using (source_id, line_no)
  where ($from::TIMESTAMPTZ IS NULL OR x.ts >= $from::TIMESTAMPTZ)
    and ($to::TIMESTAMPTZ IS NULL OR x.ts <= $to::TIMESTAMPTZ)
    and ($kind::VARCHAR IS NULL OR c.kind = $kind::VARCHAR)
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
  m.copies,
  s.path,
  m.line_no
from lines m
join sources s using (source_id)
order by m.ts NULLS LAST, m.source_id, m.line_no
limit $limit::INTEGER
