-- One row per line, entry or file that could not be used, with where and why.
CREATE TABLE IF NOT EXISTS ingest_issues (
  source_id BIGINT,                         -- sources.source_id (NULL when the input failed before it got one)
  file      VARCHAR NOT NULL,               -- input path (bundle path + member for bundles)
  line      BIGINT,                         -- line or entry number, when the issue is about one
  code      VARCHAR NOT NULL,               -- stable issue code (bad-line, no-timestamp, column-count, …)
  severity  VARCHAR NOT NULL,               -- warning (line skipped) | error (file or input rejected)
  text      VARCHAR,                        -- the offending text (cut to 200 characters)
  expected  VARCHAR,                        -- what the parser expected there
  logged_at TIMESTAMPTZ NOT NULL            -- when it was recorded
);
