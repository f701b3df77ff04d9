-- One row per ingested input: a top-level input (sosreport, side file) and, for a bundle,
-- each member that fed a table (parent_id points at the bundle's row).
CREATE TABLE IF NOT EXISTS sources (
  source_id   BIGINT PRIMARY KEY,           -- 1, 2, 3 … in load order (the largest stored + 1; a rolled-back load leaves no gap)
  parent_id   BIGINT,                       -- the bundle row this member belongs to (NULL for top-level inputs)
  host        VARCHAR,                      -- host the data belongs to (NULL when unknown)
  kind        VARCHAR NOT NULL,             -- sosreport | syslog | dmesg | journal-json | journal-export | slabinfo | sar | sadf | nstat | netstat | netstat-s | sockstat | ss | sysctl | ...
  path        VARCHAR NOT NULL,             -- input path as given, or member path inside the bundle
  sha256      VARCHAR,                      -- content hash (top-level: whole input; member: member bytes)
  bytes       BIGINT,                       -- bytes read (uncompressed)
  rows        BIGINT NOT NULL DEFAULT 0,    -- rows stored from this source, all tables
  skipped     BIGINT NOT NULL DEFAULT 0,    -- lines / entries that could not be used (see ingest_issues)
  partial     BOOLEAN NOT NULL DEFAULT false, -- sos truncated the file (sos_strings/*.tailed) or the input was cut short
  netns       VARCHAR NOT NULL DEFAULT '',  -- network namespace of the data ('' = host's own)
  first_ts    TIMESTAMPTZ,                  -- earliest timestamp of the data (UTC)
  last_ts     TIMESTAMPTZ,                  -- latest timestamp of the data (UTC)
  ingested_at TIMESTAMPTZ NOT NULL          -- when bundlescope stored it
);
