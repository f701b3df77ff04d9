/**
 * journalEntryToRow (parser.ts) in SQL, shared by the two loaders that map journal fields in
 * DuckDB — journal-json's `read_json` INSERT and journal-export's staged `read_csv` one — so that
 * the rule is written once in JavaScript and once in SQL: the log_events columns from host to
 * transport, given how a loader reads a kept field.
 */
import { JOURNAL_NUMBERS } from './parser.js';
import { shortHostSql } from '../kit/host.js';
import { q, type FastHost } from '../kit/sql-load.js';

export interface JournalFieldsSql {
  /** A kept field's text (NULL when absent). */
  text: (field: string) => string;
  /** A number field as journalEntryToRow's `uint` reads it (NULL when absent or refused). */
  num: (field: string) => string;
  /** The entry's __REALTIME_TIMESTAMP in microseconds (NULL when absent). */
  rt: string;
}

/** `uint` in SQL over a text expression: 1–17 ASCII digits and ≤ the field's largest value, else NULL. */
export function uintSql(e: string, field?: string): string {
  const max = field ? JOURNAL_NUMBERS[field]! : Number.MAX_SAFE_INTEGER;
  return `CASE WHEN length(${e}) BETWEEN 1 AND 17 AND ltrim(${e}, '0123456789') = '' AND ${e}::BIGINT <= ${max} THEN ${e}::BIGINT END`;
}

/** host, ts, ts_quality, boot_id, mono_us, ident, pid, unit, priority, facility, transport (log_events' order). */
export function journalColumnsSql(f: JournalFieldsSql, host: FastHost): string {
  const hostExpr = host.fixed != null ? q(host.fixed)
    : `coalesce(${shortHostSql(f.text('_HOSTNAME'))}, ${host.fallback != null ? q(host.fallback) : 'NULL'})`;
  return [
    hostExpr,
    `make_timestamptz(${f.rt})`,
    `CASE WHEN ${f.rt} IS NOT NULL THEN 'exact' END`,
    f.text('_BOOT_ID'),
    `coalesce(${f.num('_SOURCE_MONOTONIC_TIMESTAMP')}, ${f.num('__MONOTONIC_TIMESTAMP')})`,
    `coalesce(${f.text('SYSLOG_IDENTIFIER')}, ${f.text('_COMM')})`,
    `CASE WHEN ${f.text('_TRANSPORT')} IS DISTINCT FROM 'kernel' THEN coalesce(${f.num('_PID')}, ${f.num('SYSLOG_PID')}) END`,
    f.text('_SYSTEMD_UNIT'),
    f.num('PRIORITY'),
    f.num('SYSLOG_FACILITY'),
    f.text('_TRANSPORT'),
  ].join(',\n      ');
}
