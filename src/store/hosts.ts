/**
 * The host key every table shares (hosts.host, and the host column of every row): one rule, used
 * by the bundle readers, the formats (a host named in a file's head) and the ingest alike.
 */
import { safeHostName } from '../report/safe.js';

/**
 * Host key: the short host name (syslog lines carry short names; FQDNs vary between files), made
 * safe for terminals and partition paths (safeHostName; the SQL paths leave a host that needs it to the
 * JavaScript parsers, which come here: hostNeedsCareSql).
 */
export function shortHost(h: string): string {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h) || h.includes(':')) return safeHostName(h);
  return safeHostName(h.split('.')[0] || h);
}
