-- The overflow signature catalogue (filled from src/signatures.ts on open): one row per message variant.
CREATE TABLE IF NOT EXISTS signatures (
  kind         VARCHAR NOT NULL,            -- overflow kind
  variant      VARCHAR NOT NULL,            -- variant id (e.g. tw-bucket, nf_conntrack-prefixed)
  pattern      VARCHAR NOT NULL,            -- JavaScript regular expression matched against the message
  era          VARCHAR,                     -- kernels that print this text
  limit_sysctl VARCHAR,                     -- the limit that was hit
  counters     VARCHAR,                     -- cumulative counters that count the overflow (comma-separated)
  population   VARCHAR,                     -- gauge to compare with the limit
  PRIMARY KEY (kind, variant)
);
