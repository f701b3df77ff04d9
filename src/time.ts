/**
 * Wall-clock arithmetic: local times in a named zone → UTC epoch microseconds.
 *
 * Why hand-rolled on Intl rather than a date library per line: a syslog file of millions of
 * lines needs one offset lookup per distinct quarter hour, not per line; the offsets come from
 * the runtime's ICU zone data (Intl), the same tz database the hosts use.
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** 'Mar' / 'march' → 3, or 0 when not a month name. */
export function monthNumber(name: string): number {
  return MONTHS[name.slice(0, 3).toLowerCase()] ?? 0;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

const zoneValidity = new Map<string, boolean>();

/** True when the runtime knows the IANA zone name (asked once per name). */
export function isValidZone(tz: string): boolean {
  let ok = zoneValidity.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (zoneValidity.size < 10_000) zoneValidity.set(tz, ok);
  }
  return ok;
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC in minutes at the UTC instant `utcMs` (east positive). */
export function offsetMinutesAt(tz: string, utcMs: number): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 0;
  // Zone transitions happen on quarter hours at most; cache per 15 minutes.
  const key = Math.floor(utcMs / 900_000);
  let perZone = offsetCache.get(tz);
  if (!perZone) {
    perZone = new Map();
    offsetCache.set(tz, perZone);
  }
  const hit = perZone.get(key);
  if (hit !== undefined) return hit;
  const probe = key * 900_000;
  const parts = formatterFor(tz).formatToParts(new Date(probe));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const asUtc = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const off = Math.round((asUtc - probe) / 60_000);
  if (perZone.size > 200_000) perZone.clear();
  perZone.set(key, off);
  return off;
}

export interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro?: number; // 0..999999
}

export interface Resolved {
  /** epoch µs */
  us: number;
  /** both candidates when the local time occurs twice (autumn DST) */
  alternatives: number[];
  /** local time falls into a spring-forward gap (wrong zone or clock problem) */
  inGap: boolean;
}

/** Local wall time in `tz` → every UTC instant it can denote (0 in a gap, 2 when ambiguous). */
export function resolveLocal(t: LocalTime, tz: string): Resolved {
  const micro = t.micro ?? 0;
  const asUtcMs = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  if (Number.isNaN(asUtcMs)) return { us: NaN, alternatives: [], inGap: false };
  const before = offsetMinutesAt(tz, asUtcMs - 18 * 3_600_000);
  const after = offsetMinutesAt(tz, asUtcMs + 18 * 3_600_000);
  const found: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const utc = asUtcMs - off * 60_000;
    if (offsetMinutesAt(tz, utc) === off) found.push(utc * 1000 + micro);
  }
  found.sort((a, b) => a - b);
  if (found.length === 0) {
    // Spring-forward gap: read it with the offset in force before the change, as `date` would.
    return { us: (asUtcMs - before * 60_000) * 1000 + micro, alternatives: [], inGap: true };
  }
  return { us: found[0]!, alternatives: found.length > 1 ? found : [], inGap: false };
}

/** Local wall time → epoch µs (earlier instant when ambiguous). */
export function localToUtcMicros(t: LocalTime, tz: string): number {
  return resolveLocal(t, tz).us;
}

/**
 * Converts the local times of one file in file order. In the repeated autumn hour the file
 * runs forward, then steps back by an hour: the clock keeps the later instant once it has
 * seen the second pass, so rows stay in order.
 */
export class LocalClock {
  private last = -Infinity;
  constructor(readonly tz: string) {}
  toUtc(t: LocalTime): number {
    const r = resolveLocal(t, this.tz);
    let us = r.us;
    if (r.alternatives.length === 2) {
      const [early, late] = r.alternatives as [number, number];
      // Prefer the earlier reading unless that would step back past what we already emitted
      // by more than a few minutes (i.e. we are in the second pass of the hour).
      us = early + 300_000_000 < this.last ? late : early;
    }
    if (us > this.last) this.last = us;
    return us;
  }
}

/** Epoch µs → ISO 8601 UTC with 'Z' (seconds, plus fraction when non-zero). */
export function isoUtc(us: number | null | undefined): string | null {
  if (us == null || !Number.isFinite(us)) return null;
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // 2025-03-02T08:41:10.123Z
  const frac = us - Math.floor(us / 1_000_000) * 1_000_000;
  if (frac === 0) return iso.slice(0, 19) + 'Z';
  return iso.slice(0, 19) + '.' + String(frac).padStart(6, '0').replace(/0+$/, '') + 'Z';
}

/** Parse a numeric UTC offset like +01:00, +0100, -05, Z → minutes east, or null. */
export function parseOffset(s: string): number | null {
  if (s === 'Z' || s === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(s);
  if (!m) return null;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -v : v;
}

/**
 * ISO 8601 / RFC 3339 with offset (`2026-03-09T14:02:11.204511+01:00`, `+0100`, `Z`, a space
 * instead of T, a comma before the fraction as dmesg --time-format iso prints) → epoch µs.
 * Without an offset the time is local in `tz` (when given) or null is returned.
 */
export function parseIsoToMicros(s: string, tz?: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/.exec(s);
  if (!m) return null;
  const micro = m[7] ? Number((m[7] + '000000').slice(0, 6)) : 0;
  const t: LocalTime = {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
    hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), micro,
  };
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 60) return null;
  if (m[8]) {
    const off = parseOffset(m[8]);
    if (off == null) return null;
    return (Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - off * 60_000) * 1000 + micro;
  }
  if (!tz) return null;
  return localToUtcMicros(t, tz);
}

/** Calendar fields of an epoch-ms instant in a zone (for year inference). */
export function localFields(utcMs: number, tz: string): LocalTime {
  const off = offsetMinutesAt(tz, utcMs);
  const d = new Date(utcMs + off * 60_000);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
  };
}
