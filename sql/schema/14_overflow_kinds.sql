-- The overflow kinds (filled from src/signatures.ts KINDS at every open, like signatures): what
-- each kind is measured by. The views read it instead of keeping their own lists.
CREATE TABLE IF NOT EXISTS overflow_kinds (
  kind          VARCHAR NOT NULL PRIMARY KEY, -- overflow kind (tcp_timewait_overflow, conntrack_table_full, …)
  title         VARCHAR NOT NULL,             -- what the reports call it (TCP TIME_WAIT bucket table overflow, …)
  unit          VARCHAR NOT NULL,             -- what the population and the limit count (TIME_WAIT sockets, pages of TCP memory, …)
  limit_sysctls VARCHAR[] NOT NULL,           -- sysctl names of the limit, best first (aliases of older kernels after)
  counters      VARCHAR[] NOT NULL,           -- cumulative counter_samples names that count the overflow
  population    VARCHAR[] NOT NULL,           -- counter_samples gauge names to compare with the limit
  slab_caches   VARCHAR[] NOT NULL            -- slab caches whose active objects are the population too (the host's whole)
);
