/**
 * Timestamps printed in front of each dump of a snapshot log (a loop of
 * `date; cat /proc/slabinfo; sleep 60`), and `date` output in general.
 *
 *   Mon Mar  9 14:20:02 CET 2026          (`date`; abbreviation only disambiguates DST)
 *   Mon 09 Mar 2026 02:20:02 PM CET       (`date` in en_US, coreutils ≥ 8.31)
 *   2025-03-02T08:41:10+01:00             (ISO 8601; local in the host zone without offset)
 *   1741000870.123                        (`date +%s.%N`)
 *   ==== 2025-03-02 08:41:10 ====         (banners; also `--- … ---`, `### … ###`)
 *   zzz ***Mon Mar  2 08:41:10 UTC 2025   (OSWatcher)
 */
import type { Issue, ParseContext, TsQuality } from '../../model.js';
import { isValidZone, LocalClock, monthNumber, parseOffset, resolveLocal, type LocalTime } from '../../time.js';
import { BaseLineParser, issue } from './lines.js';

/** Abbreviations that always mean UTC. */
const UTC_NAMES = new Set(['UTC', 'GMT', 'UCT', 'UT', 'Z', 'ZULU']);

/**
 * Offsets (minutes east) an abbreviation can stand for. Several are ambiguous (CST: US central,
 * China, Cuba; IST: India, Ireland, Israel), which is why the host zone decides and the
 * abbreviation only picks one of the two readings of the repeated autumn hour.
 */
const ABBREVIATIONS: Record<string, number[]> = {
  WET: [0], WEST: [60], BST: [60, 360], IST: [330, 60, 120], CET: [60], CEST: [120], MET: [60],
  MEST: [120], EET: [120], EEST: [180], MSK: [180], MSD: [240], SAST: [120], EAT: [180],
  WAT: [60], CAT: [120], EST: [-300, 600], EDT: [-240], CST: [-360, 480, -300], CDT: [-300, -240],
  MST: [-420], MDT: [-360], PST: [-480, 480], PDT: [-420], AKST: [-540], AKDT: [-480],
  HST: [-600], AST: [-240, 180], ADT: [-180], NST: [-210], NDT: [-150], JST: [540], KST: [540],
  HKT: [480], SGT: [480], PHT: [480], WIB: [420], WITA: [480], WIT: [540], ICT: [420],
  PKT: [300], NZST: [720], NZDT: [780], AEST: [600], AEDT: [660], ACST: [570], ACDT: [630],
  AWST: [480], BRT: [-180], ART: [-180],
};

interface Reading {
  us: number;
  /** true when the text itself fixed the instant (UTC, offset, epoch, or a one-offset abbreviation read without a host zone) */
  exact: boolean;
}

const ZONE = String.raw`([A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?)`;
// `date` (C locale): [Wkd] Mon dd hh:mm:ss[.frac] [ZONE] yyyy
const DATE_C = new RegExp(
  String.raw`^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s+(?:${ZONE}\s+)?(\d{4})$`,
);
// `date` (en_US, newer coreutils) and `date -R`: [Wkd[,]] dd Mon yyyy hh:mm:ss [AM|PM] [ZONE]
const DATE_DMY = new RegExp(
  String.raw`^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\s*([AaPp][Mm]))?(?:\s+${ZONE})?$`,
);
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?(?:\s+([A-Za-z]{2,5}))?$/;
const EPOCH = /^@?(\d{9,11})(?:\.(\d{1,9}))?$/;

function micro(frac: string | undefined): number {
  return frac ? Number((frac + '000000').slice(0, 6)) : 0;
}

function validFields(t: LocalTime): boolean {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour <= 23 && t.minute <= 59 && t.second <= 60;
}

/** Local fields + an optional zone token → instant, using the host zone when the token is an abbreviation. */
function resolveWithZone(t: LocalTime, zone: string | undefined, tz: string, clock?: LocalClock): Reading | null {
  if (!validFields(t)) return null;
  const wallMs = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const us0 = t.micro ?? 0;
  if (zone) {
    const upper = zone.toUpperCase();
    if (UTC_NAMES.has(upper)) return { us: wallMs * 1000 + us0, exact: true };
    if (/^[+-]\d/.test(zone)) {
      const off = parseOffset(zone);
      if (off == null) return null;
      return { us: (wallMs - off * 60_000) * 1000 + us0, exact: true };
    }
    const offsets = ABBREVIATIONS[upper];
    const r = resolveLocal(t, tz);
    if (offsets && r.alternatives.length === 2) {
      // The repeated autumn hour: the abbreviation (CEST vs CET) says which pass it is.
      const pick = r.alternatives.find((alt) => offsets.includes(Math.round((wallMs * 1000 + us0 - alt) / 60_000_000)));
      if (pick !== undefined) return { us: pick, exact: false };
    }
    // No real zone known (UTC stands in for "unknown") but the text names a zone
    // with a single offset: that offset is better than UTC.
    if ((tz === 'UTC' || tz === 'Etc/UTC') && offsets && offsets.length === 1) {
      return { us: (wallMs - offsets[0]! * 60_000) * 1000 + us0, exact: true };
    }
    return { us: clock && clock.tz === tz ? clock.toUtc(t) : r.us, exact: false };
  }
  return { us: clock && clock.tz === tz ? clock.toUtc(t) : resolveLocal(t, tz).us, exact: false };
}

function readDate(s: string, tz: string, clock?: LocalClock): Reading | null {
  let m = DATE_C.exec(s);
  if (m) {
    const month = monthNumber(m[1]!);
    if (!month) return null;
    const t: LocalTime = {
      year: Number(m[8]), month, day: Number(m[2]),
      hour: Number(m[3]), minute: Number(m[4]), second: Number(m[5]), micro: micro(m[6]),
    };
    return resolveWithZone(t, m[7], tz, clock);
  }
  m = DATE_DMY.exec(s);
  if (m) {
    const month = monthNumber(m[2]!);
    if (!month) return null;
    let hour = Number(m[4]);
    if (m[7]) {
      if (hour < 1 || hour > 12) return null;
      const pm = m[7].toUpperCase() === 'PM';
      hour = (hour % 12) + (pm ? 12 : 0);
    }
    const t: LocalTime = {
      year: Number(m[3]), month, day: Number(m[1]),
      hour, minute: Number(m[5]), second: Number(m[6]),
    };
    return resolveWithZone(t, m[8], tz, clock);
  }
  return null;
}

const zoneOk = new Map<string, boolean>();
/** An unknown zone name would make Intl throw on every line; read such times as UTC instead. */
function usableZone(tz: string): string {
  let ok = zoneOk.get(tz);
  if (ok === undefined) {
    ok = isValidZone(tz);
    zoneOk.set(tz, ok);
  }
  return ok ? tz : 'UTC';
}

function readAny(s: string, tz: string, clock?: LocalClock): Reading | null {
  const e = EPOCH.exec(s);
  if (e) return { us: Number(e[1]) * 1_000_000 + micro(e[2]), exact: true };
  const i = ISO.exec(s);
  if (i) {
    const t: LocalTime = {
      year: Number(i[1]), month: Number(i[2]), day: Number(i[3]),
      hour: Number(i[4]), minute: Number(i[5]), second: Number(i[6]), micro: micro(i[7]),
    };
    return resolveWithZone(t, i[8] ?? i[9], tz, clock);
  }
  return readDate(s, tz, clock);
}

/** Decorations around a stamp: banners, OSWatcher's `zzz ***`, `Timestamp:` / `# date:` labels. */
function unwrap(line: string): string {
  let s = line.trim();
  s = s.replace(/^zzz\s*\*+\s*/i, '');
  s = s.replace(/^[=\-#*]{2,}\s*/, '').replace(/\s*[=\-#*]{2,}$/, '');
  s = s.replace(/^#\s*/, '');
  s = s.replace(/^(?:timestamp|date|time|snapshot(?: at)?)\s*[:=]\s*/i, '');
  return s.trim();
}

/**
 * A line that is only a timestamp (as printed before each snapshot in a snapshot log), or null.
 * Pass the parser's own LocalClock to keep local stamps in order across the repeated autumn hour.
 */
export function parseStampLine(
  line: string, tz: string, tzAssumed?: boolean, clock?: LocalClock,
): { us: number; quality: TsQuality } | null {
  if (line.length > 200) return null;
  const s = unwrap(line);
  if (s.length < 9 || !/\d/.test(s)) return null;
  const r = readAny(s, usableZone(tz), clock);
  if (!r || !Number.isFinite(r.us)) return null;
  return { us: r.us, quality: r.exact ? 'exact' : tzAssumed ? 'assumed-utc' : 'local+tz' };
}

/**
 * `date` output such as `Mon Mar  9 14:20:02 CET 2026` (zone abbreviation resolved with the host
 * zone tz: the abbreviation only disambiguates DST; UTC/GMT/Z mean UTC), `date -u`, also
 * `Mon 09 Mar 2026 02:20:02 PM CET` (en_US newer coreutils). Returns epoch µs or null.
 */
export function parseDateOutput(line: string, tz: string): number | null {
  if (line.length > 200) return null;
  const r = readDate(line.trim(), usableZone(tz));
  return r && Number.isFinite(r.us) ? r.us : null;
}

export interface Stamp {
  us: number;
  quality: TsQuality;
}


/**
 * Base for parsers of snapshot logs: a file of repeated dumps, each preceded by a stamp line.
 * Rows before the first stamp take ctx.snapshotTs ('collection-time'); without that either,
 * they are skipped with one `no-timestamp` issue per dump.
 */
export abstract class SnapshotLineParser<R> extends BaseLineParser<R> {
  private stamp: Stamp | null;
  private readonly clock: LocalClock;
  private missing: Issue | null = null;
  private missingRows = 0;

  constructor(protected readonly ctx: ParseContext) {
    super(ctx.file);
    this.stamp = ctx.snapshotTs != null ? { us: ctx.snapshotTs, quality: ctx.snapshotQuality ?? 'collection-time' } : null;
    this.clock = new LocalClock(usableZone(ctx.tz));
  }

  /** True (and the stamp taken) when the line is a stamp line. */
  protected takeStamp(text: string): boolean {
    const s = parseStampLine(text, this.ctx.tz, this.ctx.tzAssumed, this.clock);
    if (!s) return false;
    this.onStamp();
    this.closeMissing();
    this.stamp = s;
    return true;
  }

  /** Called when a stamp line starts a new dump, before the stamp changes (close the previous dump here). */
  protected onStamp(): void {}

  /**
   * The stamp for a data line, or null when there is none; then the line counts as skipped,
   * under one issue for the whole dump.
   */
  protected stampFor(lineNo: number, text: string): Stamp | null {
    if (this.stamp) return this.stamp;
    this.linesSkipped++;
    this.missingRows++;
    if (!this.missing) {
      this.missing = issue('no-timestamp', this.file, lineNo, text,
        'a timestamp line before the snapshot (or the collection time of the bundle)', 'error');
      this.issues.push(this.missing);
    }
    return null;
  }

  private closeMissing(): void {
    if (this.missing) this.missing.expected += `; ${this.missingRows} line(s) without a timestamp skipped`;
    this.missing = null;
    this.missingRows = 0;
  }

  override end(): void {
    this.closeMissing();
  }
}
