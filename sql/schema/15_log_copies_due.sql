-- Hosts whose log_copies are not worked out for their latest lines: an ingest added lines to them
-- (or replaced a source of theirs) and no reader of log_timeline has matched them since. Matching
-- copies is the costliest step after parsing (a 1.5 GB sosreport: ~15 s of ~60) and the verdict
-- (rca) never reads it, so it is done by the first command that reads log_timeline or log_copies
-- (report log_search, a query that names either, a notebook; src/store/timeline.ts settleLogCopies). Until then
-- log_timeline lists every line of such a host on its own row with copies and copy_refs NULL.
CREATE TABLE IF NOT EXISTS log_copies_due (
  host VARCHAR NOT NULL                     -- a host whose copies are to be matched again
);
