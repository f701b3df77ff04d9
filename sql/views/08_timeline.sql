-- One row per distinct log event of a host across all its sources (issue 16).
--
-- A sosreport's var/log/messages, its journalctl text, its dmesg, a journal export and a central
-- syslog copy hold the same entries; log_events keeps every copy (provenance), log_timeline
-- each event once: the line that speaks for it (the most precise time) with the number of copies
-- and where each is. Which lines are copies is worked out at ingest (table log_copies,
-- src/store/timeline.ts): the same host and message, times within the coarser copy's
-- uncertainty + 1 s, repeated identical lines matched in order.
CREATE OR REPLACE VIEW log_timeline AS
WITH extra AS (
  SELECT event_source_id AS source_id, event_line_no AS line_no, count(*) AS n,
    list({'source_id': source_id, 'line_no': line_no} ORDER BY source_id, line_no) AS refs
  FROM log_copies
  GROUP BY ALL
)
SELECT l.host, l.ts, l.ts_quality, l.boot_id, l.mono_us, l.ident, l.pid, l.unit, l.priority, l.facility, l.transport, l.message,
  1 + coalesce(x.n, 0) AS copies,
  list_concat([{'source_id': l.source_id, 'line_no': l.line_no}], coalesce(x.refs, [])) AS copy_refs,
  l.source_id, l.line_no
FROM log_events l
ANTI JOIN log_copies c ON c.source_id = l.source_id AND c.line_no = l.line_no
LEFT JOIN extra x ON x.source_id = l.source_id AND x.line_no = l.line_no;
