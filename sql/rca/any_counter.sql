-- name: any_counter
-- question: Does any evidence counter exist in the scope?
-- params: $host VARCHAR
-- reads: counter_samples, overflow_counters
-- returns: one row (found = 1) if any, none otherwise
SELECT 1 AS found FROM counter_samples WHERE semantics = 'cumulative' AND name IN (SELECT name FROM overflow_counters) AND ($host::VARCHAR IS NULL OR host = $host::VARCHAR) LIMIT 1;
