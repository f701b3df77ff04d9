-- The evidence counters (filled from src/signatures.ts EVIDENCE_STREAMS on open): counters that,
-- on their own, say an overflow happened, and the kinds each can count.
CREATE TABLE IF NOT EXISTS overflow_counters (
  stream     VARCHAR NOT NULL,              -- evidence stream (timewait, listen, abort-on-memory, …)
  name       VARCHAR NOT NULL,              -- counter_samples name (TcpExtTCPTimeWaitOverflow, nf_conntrack.drop, …)
  preference INTEGER NOT NULL,              -- 1 = preferred counter of the stream; higher = used when the better one is absent
  kind       VARCHAR NOT NULL,              -- overflow kind it counts (a stream may count several)
  kind_rank  INTEGER NOT NULL               -- 1 = the kind a rise goes to when no logged episode says otherwise
);
