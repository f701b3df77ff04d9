-- One row per distinct log event of a host across all its sources (issue 16).
--
-- A sosreport's var/log/messages, its journalctl text, its dmesg, a journal export and a central
-- syslog copy hold the same entries; log_events keeps every copy (provenance), log_timeline
-- each event once: the line that speaks for it (the most precise time) with the number of copies
-- and where each is. Which lines are copies is worked out into table log_copies
-- (src/store/timeline.ts): the same host and message, times within the coarser copy's
-- uncertainty + 1 s, repeated identical lines matched in order. That is done by the first
-- bundlescope command that reads this view after an ingest (not by the ingest: the verdict does
-- not need it); a host still in log_copies_due (not matched yet, or its matching failed) has
-- every line on its own row, with copies and copy_refs NULL — not known, never a guess.
CREATE OR REPLACE VIEW log_timeline AS
WITH due AS (
  SELECT DISTINCT host FROM log_copies_due
), matched AS (
  SELECT c.* FROM log_copies c ANTI JOIN due d ON d.host = c.host
), extra AS (
  SELECT event_source_id AS source_id, event_line_no AS line_no, count(*) AS n,
    list({'source_id': source_id, 'line_no': line_no} ORDER BY source_id, line_no) AS refs
  FROM matched
  GROUP BY ALL
)
SELECT l.host, l.ts, l.ts_quality, l.boot_id, l.mono_us, l.ident, l.pid, l.unit, l.priority, l.facility, l.transport, l.message,
  CASE WHEN p.due IS NULL THEN 1 + coalesce(x.n, 0) END AS copies,
  CASE WHEN p.due IS NULL THEN list_concat([{'source_id': l.source_id, 'line_no': l.line_no}], coalesce(x.refs, [])) END AS copy_refs,
  l.source_id, l.line_no
FROM log_events l
ANTI JOIN matched c ON c.source_id = l.source_id AND c.line_no = l.line_no
LEFT JOIN extra x ON x.source_id = l.source_id AND x.line_no = l.line_no
LEFT JOIN (SELECT host, true AS due FROM due) p ON p.host = l.host;
