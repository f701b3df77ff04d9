-- name: windows
-- question: (not a question: the time windows of the findings, as temp.rca_win, for the window_* queries)
-- params: $w VARCHAR
-- reads: $w (JSON list of windows)
-- returns: nothing: creates temp table rca_win (id, host, netns, kind, episode, start_ts, end_ts, log_start, log_end, names)
CREATE OR REPLACE TEMP TABLE rca_win AS
SELECT id, host, netns, kind, episode, start_ts::TIMESTAMPTZ AS start_ts, end_ts::TIMESTAMPTZ AS end_ts,
  log_start::TIMESTAMPTZ AS log_start, log_end::TIMESTAMPTZ AS log_end, string_split(names, ',') AS names
FROM (SELECT unnest(json_transform($w::JSON, '[{"id":"INTEGER","host":"VARCHAR","netns":"VARCHAR","kind":"VARCHAR","episode":"BOOLEAN","start_ts":"VARCHAR","end_ts":"VARCHAR","log_start":"VARCHAR","log_end":"VARCHAR","names":"VARCHAR"}]'), recursive := true));
