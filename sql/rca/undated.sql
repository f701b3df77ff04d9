-- name: undated
-- question: Which logged overflows have no usable time?
-- params: $host VARCHAR
-- reads: overflow_events, sources
-- returns: one row per host and kind: logged, suppressed (the most of one source), paths, by host then kind
WITH per_source AS (
  SELECT o.host, o.kind, o.source_id, s.path, coalesce(sum(o.count) FILTER (WHERE NOT o.suppressed), 0) AS lines,
    coalesce(sum(o.count) FILTER (WHERE o.suppressed), 0) AS supp
  FROM overflow_events o LEFT JOIN sources s USING (source_id)
  WHERE o.ts IS NULL AND o.kind <> 'unattributed' AND o.host IS NOT NULL AND ($host::VARCHAR IS NULL OR o.host = $host::VARCHAR)
  GROUP BY ALL)
SELECT host, kind, max(lines) AS logged, max(supp) AS suppressed, string_agg(path, ', ' ORDER BY path) AS paths
FROM per_source GROUP BY host, kind ORDER BY host, kind;
