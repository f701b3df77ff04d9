-- The log lines that are copies of another line of the same host (the same event seen in
-- var/log/messages, the journal, dmesg, a central copy): one row per copy that does not speak
-- for its event, pointing at the copy that does (the most precise time). Rebuilt at the end of
-- every ingest for the hosts it touched (src/store/timeline.ts); view log_timeline reads it.
CREATE TABLE IF NOT EXISTS log_copies (
  host            VARCHAR,                  -- host of both lines
  source_id       BIGINT NOT NULL,          -- the copy: log_events.source_id
  line_no         BIGINT,                   -- the copy: log_events.line_no
  event_source_id BIGINT NOT NULL,          -- the line that speaks for the event (log_events.source_id)
  event_line_no   BIGINT                    -- and its line_no
);
