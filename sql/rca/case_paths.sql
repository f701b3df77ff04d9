-- name: case_paths
-- question: Which paths were given as inputs?
-- params:
-- reads: sources
-- returns: one row per top-level source path
SELECT DISTINCT path FROM sources WHERE parent_id IS NULL;
