/**
 * The host key every format gives its rows, in JavaScript and in SQL (the SQL loaders), side by
 * side so the two rules cannot drift apart.
 */
import { safeHostName } from '../../report/safe.js';

/**
 * Host key: the short host name (syslog lines carry short names; FQDNs vary between files), made
 * safe for terminals and partition paths (safeHostName; the SQL paths leave a host that needs it to the
 * JavaScript parsers, which come here: hostNeedsCareSql).
 */
export function shortHost(h: string): string {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h) || h.includes(':')) return safeHostName(h);
  return safeHostName(h.split('.')[0] || h);
}

/** shortHost in SQL over the expression `e`: IPv4 and IPv6 addresses kept, else the first label (or all of it). */
export const shortHostSql = (e: string) =>
  `CASE WHEN regexp_full_match(${e}, '[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+') OR contains(${e}, ':') THEN ${e} ` +
  `WHEN split_part(${e}, '.', 1) = '' THEN ${e} ELSE split_part(${e}, '.', 1) END`;
