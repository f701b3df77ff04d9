-- name: overflow_timeline
-- question: How many overflow events happened per minute, per host and kind (each event counted once across sources)?
-- params: $host VARCHAR; $from TIMESTAMPTZ; $to TIMESTAMPTZ
-- reads: overflow_minutes (overflow_events)
-- returns: one row per host, kind and minute with logged, suppressed and estimated_total
select host, kind, minute, logged, suppressed, estimated_total
from overflow_minutes
where ($host::VARCHAR IS NULL OR host = $host::VARCHAR)
  and ($from::TIMESTAMPTZ IS NULL OR minute >= date_trunc('minute', $from::TIMESTAMPTZ))
  and ($to::TIMESTAMPTZ IS NULL OR minute <= $to::TIMESTAMPTZ)
order by host, kind, minute
