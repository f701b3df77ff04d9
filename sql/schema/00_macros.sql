-- Epoch microseconds (as the parsers produce them) → TIMESTAMPTZ, independent of the session zone.
CREATE OR REPLACE MACRO us_to_ts(us) AS
  CASE WHEN us IS NULL THEN NULL ELSE TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_microseconds(us::BIGINT) END;
