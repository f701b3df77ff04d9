-- One row per slab cache per snapshot (/proc/slabinfo, slabinfo logs, slabtop -o).
CREATE TABLE IF NOT EXISTS slab_samples (
  host         VARCHAR NOT NULL,            -- host
  ts           TIMESTAMPTZ NOT NULL,        -- snapshot instant (UTC)
  ts_quality   VARCHAR NOT NULL,            -- exact | local+tz | collection-time | …
  cache        VARCHAR NOT NULL,            -- cache name (tw_sock_TCP, tcp_tw_bucket, …)
  active_objs  BIGINT NOT NULL,             -- objects in use
  num_objs     BIGINT NOT NULL,             -- objects allocated
  objsize      INTEGER NOT NULL,            -- bytes per object
  objperslab   INTEGER,                     -- objects per slab
  pagesperslab INTEGER,                     -- pages per slab
  active_slabs BIGINT,                      -- slabs in use
  num_slabs    BIGINT,                      -- slabs allocated
  source_id    BIGINT NOT NULL              -- sources.source_id
);
