-- Facts about the database itself: 'schema' = the fingerprint of the schema that last wrote it
-- (a read-only open skips its column check when it is this version's).
CREATE TABLE IF NOT EXISTS bundlescope_meta (
  key   VARCHAR PRIMARY KEY,                -- what the value is about
  value VARCHAR                             -- its value
);
