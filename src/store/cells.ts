/**
 * Per-cell appender writes for the few rows appended one at a time (sources, hosts, issues): a
 * NULL when the value is unknown, the conversions of the ChunkWriter otherwise (µs rounded,
 * integers truncated, NaN/±Infinity → NULL).
 */
import { DuckDBTimestampTZValue, type DuckDBAppender } from '@duckdb/node-api';

export const str = (a: DuckDBAppender, v: string | null | undefined) => (v == null ? a.appendNull() : a.appendVarchar(v));
/** Epoch µs → TIMESTAMPTZ cell (NULL when unknown). */
export const tsz = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) ? a.appendNull() : a.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Math.round(v))));
export const big = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) ? a.appendNull() : a.appendBigInt(BigInt(Math.trunc(v)));
export const dbl = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) ? a.appendNull() : a.appendDouble(v);
