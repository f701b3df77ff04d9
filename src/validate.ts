import type { Store } from './store/db.js';
import { InputError } from './errors.js';
import { KINDS } from './signatures.js';
import type { ReportDef } from './report/catalogue.js';
import { isValidZone, localToUtcMicros } from './time.js';

/**
 * What a user typed, checked against what the database holds (issue 18): a typo is a usage error
 * that lists the valid values, never an empty answer with exit 0.
 */

/** A user's value in a message: control characters shown as \xNN, never sent to the terminal. */
export function shown(v: string): string {
  return v.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Edit distance (Levenshtein), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** Known values close to a typo: a prefix/substring either way, or at most two edits. */
export function nearest(typed: string, known: string[]): string[] {
  const t = typed.toLowerCase();
  return known.filter((k) => {
    const l = k.toLowerCase();
    return l.includes(t) || t.includes(l) || distance(t, l) <= Math.min(2, Math.floor(Math.max(t.length, l.length) / 3));
  });
}

const list = (xs: string[], max = 20) => (xs.length > max ? `${xs.slice(0, max).join(', ')}, … (${xs.length} in all)` : xs.join(', ')) || 'none';

/** --host: a host the database knows (hosts, or the hosts of its log lines). */
export async function checkHost(store: Store, host: string | null | undefined): Promise<void> {
  if (host == null) return;
  const rows = (await store.conn.runAndReadAll(
    `SELECT host FROM hosts UNION SELECT DISTINCT host FROM sources WHERE host IS NOT NULL ORDER BY host`)).getRows().map((r) => String(r[0]));
  if (rows.includes(host)) return;
  const near = nearest(host, rows);
  throw new InputError('unknown-host', `no host '${shown(host)}' in the database${near.length ? ` (did you mean ${near.map((h) => `'${h}'`).join(' or ')}?)` : ''}; hosts: ${list(rows)}`);
}

/** --netns: a namespace the database has data of (for the host when one is given); '' is the host's own. */
export async function checkNetns(store: Store, host: string | null | undefined, netns: string | null | undefined): Promise<void> {
  if (netns == null || netns === '') return;
  const rows = (await store.conn.runAndReadAll(
    `SELECT DISTINCT netns FROM (SELECT host, netns FROM sources UNION ALL SELECT host, netns FROM counter_samples UNION ALL SELECT host, netns FROM sysctls)
     WHERE netns <> '' AND ($1::VARCHAR IS NULL OR host = $1::VARCHAR) ORDER BY netns`, [host ?? null])).getRows().map((r) => String(r[0]));
  if (rows.includes(netns)) return;
  throw new InputError('unknown-netns', `no network namespace '${shown(netns)}'${host ? ` on host ${shown(host)}` : ''} in the database; namespaces: ${list(rows)} ('' is the host's own)`);
}

/** --from / --to: when both are given, from must come before to. */
export function checkWindow(from: string | null | undefined, to: string | null | undefined): void {
  if (from && to && Date.parse(from) >= Date.parse(to)) {
    throw new InputError('bad-window', `--from ${from} is not before --to ${to}: the window is empty`);
  }
}

/** The zone a time without one is read in: --tz, else the host's own zone, else UTC — and why. */
export async function zoneFor(store: Store, tz: string | null | undefined, host: string | null | undefined): Promise<{ zone: string; why: string }> {
  if (tz) {
    if (!isValidZone(tz)) throw new InputError('bad-tz', `unknown time zone '${tz}' (use an IANA name such as America/Chicago)`);
    return { zone: tz, why: '--tz' };
  }
  if (host) {
    const r = (await store.conn.runAndReadAll('SELECT timezone FROM hosts WHERE host = $1', [host])).getRows()[0];
    if (r?.[0]) return { zone: String(r[0]), why: `${host}'s zone` };
  }
  return { zone: 'UTC', why: 'no --tz and no host zone: UTC' };
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO 8601 time (or date) → ISO UTC. Without a zone it is read in `zone`; `note` then says so
 * (the caller prints it), so "14:02 our time" is never silently UTC.
 */
export function parseTime(name: string, v: string | undefined, zone: { zone: string; why: string }): { iso?: string; note?: string } {
  if (v == null) return {};
  const s = v.trim();
  const m = TIME.exec(s);
  if (!m) throw new InputError('bad-time', `--${name} wants an ISO 8601 time such as 2026-03-12T19:00:00Z or 2026-03-12, got '${shown(v)}'`);
  if (m[8]) {
    const ms = Date.parse(s.replace(' ', 'T'));
    if (Number.isNaN(ms)) throw new InputError('bad-time', `--${name} wants an ISO 8601 time such as 2026-03-12T19:00:00Z or 2026-03-12, got '${v}'`);
    return { iso: new Date(ms).toISOString() };
  }
  const [y, mo, d, h, mi, se, frac] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0', m[7] ?? ''].map((x) => x ?? '');
  const fields = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(se) };
  if (fields.month < 1 || fields.month > 12 || fields.day < 1 || fields.day > 31 || fields.hour > 23 || fields.minute > 59 || fields.second > 60) {
    throw new InputError('bad-time', `--${name} wants an ISO 8601 time such as 2026-03-12T19:00:00Z or 2026-03-12, got '${v}'`);
  }
  const us = localToUtcMicros(fields, zone.zone) + Math.round(Number(frac || '0') * 1e6);
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  return { iso, note: zone.zone === 'UTC' && zone.why.startsWith('no') ? `--${name} ${v} has no zone: taken as UTC (give Z, an offset, --tz ZONE, or --host with a known zone)`
    : `--${name} ${v} has no zone: taken in ${zone.zone} (${zone.why}) = ${iso}` };
}

/** Report parameters: every key one the report declares, and kinds among the known ones. */
export function checkReportParams(def: ReportDef, given: Record<string, string | null>, keys: string[]): void {
  const declared = def.params.map((p) => p.name);
  for (const k of keys) {
    if (!declared.includes(k)) {
      throw new InputError('bad-param', `report ${def.name} has no parameter '${shown(k)}'; its parameters: ${declared.filter((p) => !['host', 'from', 'to', 'netns'].includes(p)).join(', ') || 'none'} (and --host${declared.includes('netns') ? ', --netns' : ''}, --from, --to)`);
    }
  }
  const kind = given.kind;
  if (kind != null && declared.includes('kind') && !(kind in KINDS) && kind !== 'unattributed') {
    const near = nearest(kind, Object.keys(KINDS));
    throw new InputError('bad-param', `unknown kind '${shown(kind)}'${near.length ? ` (did you mean ${near.map((k) => `'${k}'`).join(' or ')}?)` : ''}; kinds: ${Object.keys(KINDS).join(', ')}`);
  }
  for (const p of def.params) {
    const v = given[p.name];
    if (v == null) continue;
    if (/INT/i.test(p.type) && !/^-?\d+$/.test(v)) throw new InputError('bad-param', `--param ${p.name} wants an integer, got '${shown(v)}'`);
    if (/DOUBLE|FLOAT|DECIMAL/i.test(p.type) && !Number.isFinite(Number(v))) throw new InputError('bad-param', `--param ${p.name} wants a number, got '${shown(v)}'`);
  }
}

const SIZE = /^(\d+(?:\.\d+)?)(?:([kmgt])(ib|b)?|(b))?$/i;
const SIZE_FORMS = 'bytes (1048576) or a number and a unit: 10k, 512M, 1.5G, 2T (k M G T and KiB MiB GiB TiB count in 1024s, kB MB GB TB in 1000s)';

/**
 * A size on the command line (--max-total-bytes, --max-member-bytes): plain bytes, or a number
 * and a unit as GNU coreutils reads them (`sort -S`, `dd`): k/K, M, G, T and KiB… are powers of
 * 1024, kB, MB, GB, TB powers of 1000. What it cannot read, and 0 (a cap of nothing would refuse
 * every member), is a usage error naming the option and the value — never a silent default.
 */
export function parseSize(option: string, v: string): number {
  const m = SIZE.exec(v.trim());
  const bad = (why: string) => new InputError('bad-size', `${option} ${why}, got '${shown(v)}'; valid forms: ${SIZE_FORMS}`);
  if (!m) throw bad('wants a size');
  const [, num, prefix, suffix] = m;
  if (!prefix && num!.includes('.')) throw bad('wants whole bytes without a unit');
  const base = prefix && suffix?.toLowerCase() === 'b' ? 1000 : 1024;
  const bytes = Math.floor(Number(num) * (prefix ? base ** ('kmgt'.indexOf(prefix.toLowerCase()) + 1) : 1));
  if (bytes < 1) throw bad('wants at least 1 byte (a cap of 0 would refuse everything)');
  if (!Number.isSafeInteger(bytes)) throw bad(`wants at most ${Number.MAX_SAFE_INTEGER} bytes`);
  return bytes;
}

/** A whole number on the command line (--jobs): digits only, at least `min`. */
export function parseWhole(option: string, v: string, min = 1): number {
  const s = v.trim();
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new InputError('bad-number', `${option} wants a whole number from ${min}, got '${shown(v)}'`);
  return n;
}
