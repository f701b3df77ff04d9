-- name: log_search
-- question: Which log lines match an overflow kind or a text pattern in a time window, and where did each come from?
-- params: $host VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ; $kind VARCHAR; $pattern VARCHAR; $copies VARCHAR = once; $context INTEGER = 0; $limit INTEGER = 1000
-- reads: log_timeline (log_events once per event across sources, log_copies), log_events, overflow_events, sources
-- returns: one row per log event ($copies = once: the same kernel line in dmesg, messages and the journal is one row, copies says in how many sources it was; $copies = all: one row per copy, as stored) with host, ts, local_time (the host's own clock and zone, as the customer reads it), ts_quality, ident, kind and count when the line is classified, message, copies, path and line_no (of the copy that speaks for the event: the most precise time); $pattern is an ILIKE pattern (a bare word matches anywhere); by ts, the first $limit matches; $context = N adds the N lines before and after each match in its source (grep -C; match = false, hit = the match's rank)
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
), first as (
  select * from lines m
  order by m.ts NULLS LAST, m.source_id, m.line_no
  limit $limit::INTEGER
), hits as (
  select *, row_number() OVER (ORDER BY ts NULLS LAST, source_id, line_no) as hit from first
), shown as (
  -- each match, and with $context the lines around it in the same source (a line near two
  -- matches is shown once, with the first)
  select h.host, h.ts, h.ts_quality, h.ident, h.kind, h.suppressed, h.count, h.message, h.copies, h.source_id, h.line_no, true as match, h.hit
  from hits h
  union all
  select l.host, l.ts, l.ts_quality, l.ident, c.kind, c.suppressed, c.count, l.message, 1::BIGINT as copies, l.source_id, l.line_no, false as match, min(h.hit) as hit
  from hits h
  join log_events l on l.source_id = h.source_id
    and l.line_no between h.line_no - $context::INTEGER and h.line_no + $context::INTEGER and l.line_no <> h.line_no
  left join classified c on c.source_id = l.source_id and c.line_no = l.line_no
  where $context::INTEGER > 0
    and not exists (select 1 from hits x where x.source_id = l.source_id and x.line_no = l.line_no)
  group by all
)
select
  m.host,
  m.ts,
  strftime(timezone(coalesce(z.timezone, 'UTC'), m.ts), '%Y-%m-%d %H:%M:%S') || ' ' || coalesce(z.timezone, 'UTC') as local_time,
  m.ts_quality,
  m.ident,
  m.kind,
  m.suppressed,
  m.count,
  m.message,
  m.copies,
  s.path,
  m.line_no,
  m.match,
  m.hit
from shown m
join sources s using (source_id)
left join hosts z on z.host = m.host
order by m.hit, m.source_id, m.line_no
