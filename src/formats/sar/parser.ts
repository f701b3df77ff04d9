/**
 * sysstat `sar` text: `sar -A`, `sar -n TCP,ETCP,SOCK,DEV`, `/var/log/sa/sarDD` (any locale):
 *
 *   Linux 4.18.0-513.el8.x86_64 (web01) 	03/09/2026 	_x86_64_	(16 CPU)
 *   12:00:01 AM    totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw
 *   12:10:01 AM      1840       312         9         0         0     27950
 *   Average:         1846       315         9         0         0     28026
 *   02:11:37 AM  LINUX RESTART	(16 CPU)
 *   00:10:01        IFACE   rxpck/s   txpck/s    rxkB/s    txkB/s   rxcmp/s   txcmp/s  rxmcst/s   %ifutil
 *   00:10:01         eth0    465,20     12,03      3,10      0,84      0,00      0,00      0,00      0,01
 *
 * Times are local wall times (host zone, none printed) at the end of each interval. `sar -A`
 * prints activity by activity, each one running through the same stretch of the day again, so
 * the calendar day is tracked per pass (see `DayTracker`).
 */
import type { CounterSampleRow, CounterSemantics, LineParser, ParseContext, TsQuality } from '../../model.js';
import { LocalClock, type LocalTime } from '../../time.js';
import { BaseLineParser } from '../kit/lines.js';
import { IGNORED_ACTIVITIES, isDeviceColumn, parseSarNumber, sarActivity, sarCounter, TEXT_COLUMNS } from './columns.js';

const DAY = 86_400;

export interface SarHeader {
  kernel: string;
  host: string;
  date: { year: number; month: number; day: number };
  cpus: number | null;
}

const HEADER = /^Linux\s+(\S+)\s+\(([^)]*)\)\s+(\S+)(?:\s+_(\S+)_)?(?:\s+\((\d+)\s+CPU\))?/;

/**
 * The first line of sar output. The date is the runner's locale `%x`: en_US `03/09/2026`,
 * C `03/09/26` (both month first), ISO `2026-03-09`, de_DE `09.03.2026`. A slash date whose first
 * field exceeds 12 must be day first (en_GB); when both readings are valid and the collection
 * time is known, the reading not after it and closest to it wins (sa files are from the last month).
 */
export function parseSarHeader(line: string, referenceTimeMs?: number | null): SarHeader | null {
  const m = HEADER.exec(line.trim());
  if (!m) return null;
  const date = parseSarDate(m[3]!, referenceTimeMs ?? null);
  if (!date) return null;
  return { kernel: m[1]!, host: m[2]!, date, cpus: m[5] ? Number(m[5]) : null };
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length <= 2 ? (n < 70 ? 2000 + n : 1900 + n) : n;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseSarDate(s: string, referenceTimeMs: number | null): SarHeader['date'] | null {
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(s);
  if (m) {
    const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    return validDate(d.year, d.month, d.day) ? d : null;
  }
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(s);
  if (m) {
    const d = { year: fullYear(m[3]!), month: Number(m[2]), day: Number(m[1]) };
    return validDate(d.year, d.month, d.day) ? d : null;
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(s);
  if (!m) return null;
  const year = fullYear(m[3]!);
  const a = Number(m[1]);
  const b = Number(m[2]);
  const monthFirst = validDate(year, a, b) ? { year, month: a, day: b } : null;
  const dayFirst = validDate(year, b, a) ? { year, month: b, day: a } : null;
  if (!monthFirst || !dayFirst || a === b) return monthFirst ?? dayFirst;
  if (referenceTimeMs != null) {
    const ref = referenceTimeMs + DAY * 1000; // tolerate a collection-time zone skew
    const at = (d: SarHeader['date']) => Date.UTC(d.year, d.month - 1, d.day);
    const ok = [monthFirst, dayFirst].filter((d) => at(d) <= ref).sort((x, y) => at(y) - at(x));
    if (ok.length > 0) return ok[0]!;
  }
  return monthFirst;
}

const TIME = /^(\d{1,2}):(\d{2}):(\d{2})$/;
const SUMMARY = /^\p{L}[\p{L}.\- ]{0,24}:(?:\s|$)/u;

/** `12:00:01 AM` / `00:00:01` at the start of the tokens → seconds of the day and tokens used. */
function readClock(tokens: string[]): { secs: number; used: number } | null {
  const m = TIME.exec(tokens[0] ?? '');
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (min > 59 || s > 60) return null;
  const ampm = tokens[1]?.toUpperCase();
  if (ampm === 'AM' || ampm === 'PM') {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (ampm === 'PM' ? 12 : 0);
    return { secs: h * 3600 + min * 60 + s, used: 2 };
  }
  if (h > 23) return null;
  return { secs: h * 3600 + min * 60 + s, used: 1 };
}

/**
 * Calendar day of each time, as seconds since the header date's midnight.
 * - within a section (and for restart lines) a time more than 12 h before the previous one is
 *   the next day (midnight rollover);
 * - a section header right after `LINUX RESTART` continues the time line (new period);
 * - any other section header starts a new pass over times already printed (next activity of
 *   `sar -A`, or the next interval of live `sar 1 3`): it takes the day of the period that
 *   started at the same clock time, else the day that puts it nearest the last time printed
 *   (live sar: the header repeats the previous sample's time, possibly just before midnight).
 */
class DayTracker {
  last: number | null = null;
  private afterRestart = false;
  private periodStarts = new Map<number, number>();

  private forward(secs: number): number {
    if (this.last == null) return secs;
    let off = Math.floor(this.last / DAY) * DAY + secs;
    if (off < this.last - DAY / 2) off += DAY;
    return off;
  }

  /** A data or restart line. */
  sample(secs: number, restart = false): number {
    const off = this.forward(secs);
    this.last = off;
    if (restart) this.afterRestart = true;
    return off;
  }

  /** A section header; `newPass` tells the caller that times may repeat (fresh DST clock). */
  header(secs: number): { off: number; newPass: boolean } {
    let off: number;
    let newPass = false;
    if (this.last == null || this.afterRestart) {
      off = this.forward(secs);
    } else {
      const known = this.periodStarts.get(secs);
      if (known != null) {
        off = known;
      } else {
        const d0 = Math.floor(this.last / DAY);
        off = d0 * DAY + secs;
        for (const d of [d0 - 1, d0 + 1]) {
          const cand = d * DAY + secs;
          if (d >= 0 && Math.abs(cand - this.last) < Math.abs(off - this.last)) off = cand;
        }
      }
      newPass = off < this.last;
    }
    this.periodStarts.set(secs, off);
    this.afterRestart = false;
    this.last = off;
    return { off, newPass };
  }
}

/** A sar parser also tells which activities the file recorded (absent ≠ zero). */
export interface SarParser extends LineParser<CounterSampleRow> {
  /** Activities whose section header was seen: 'TCP', 'ETCP', 'SOCK', 'DEV', … */
  readonly activities: Set<string>;
}

interface Section {
  activity: string;
  columns: string[];
  /** index of per-device key columns */
  deviceCols: number[];
  /** the last column is a device key that may contain spaces (mount points) */
  trailingDevice: boolean;
}

class SarTextParser extends BaseLineParser<CounterSampleRow> implements SarParser {
  readonly activities = new Set<string>();
  private date: SarHeader['date'] | null = null;
  private host: string | null;
  private days = new DayTracker();
  private clock: LocalClock;
  private section: Section | null = null;
  private restartsSeen = new Set<number>();
  private readonly quality: TsQuality;

  constructor(private readonly ctx: ParseContext) {
    super(ctx.file);
    this.host = ctx.host;
    this.clock = new LocalClock(ctx.tz);
    this.quality = ctx.tzAssumed ? 'assumed-utc' : 'local+tz';
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (trimmed.startsWith('Linux')) {
      const h = parseSarHeader(trimmed, this.ctx.referenceTimeMs);
      if (!h) {
        this.skip('sar-header', lineNo, text, 'Linux <release> (<host>) <date> _<arch>_ (<n> CPU) with a known date format');
        return;
      }
      // A second header (several sar outputs concatenated) starts a new day line.
      this.date = h.date;
      this.host = this.ctx.host ?? h.host;
      this.days = new DayTracker();
      this.clock = new LocalClock(this.ctx.tz);
      this.section = null;
      return;
    }
    if (/Requested activities not available/i.test(trimmed)) {
      this.issues.push({
        code: 'activity-not-recorded', file: this.file, line: lineNo, text: trimmed,
        expected: 'the activity in the sa file (sadc records TCP/ETCP only with -S SNMP or XALL)', severity: 'warning',
      });
      this.linesSkipped++;
      return;
    }
    const tokens = trimmed.split(/\s+/);
    const clock = readClock(tokens);
    if (!clock) {
      // `Average:` / `Summary:` and translated labels (`Durchschn.:`) repeat sampled data.
      if (SUMMARY.test(trimmed)) return;
      this.skip('sar-bad-line', lineNo, text, 'a time-prefixed sar line, a summary line or the Linux header');
      return;
    }
    const rest = tokens.slice(clock.used);
    if (rest[0] === 'COM') return; // sar -C comment records
    if (rest[0] === 'LINUX' && rest[1] === 'RESTART') {
      this.restart(clock.secs, lineNo, text);
      return;
    }
    if (rest.length > 0 && rest.every((t) => parseSarNumber(t) == null)) {
      this.header(clock.secs, rest);
      return;
    }
    this.data(clock.secs, rest, lineNo, text);
  }

  private localTime(off: number): LocalTime {
    const d = this.date!;
    const base = new Date(Date.UTC(d.year, d.month - 1, d.day) + off * 1000);
    return {
      year: base.getUTCFullYear(), month: base.getUTCMonth() + 1, day: base.getUTCDate(),
      hour: base.getUTCHours(), minute: base.getUTCMinutes(), second: base.getUTCSeconds(),
    };
  }

  private restart(secs: number, lineNo: number, text: string): void {
    if (!this.date) {
      this.skip('sar-no-date', lineNo, text, 'the Linux header line (it carries the date) before the first sample');
      return;
    }
    const ts = this.clock.toUtc(this.localTime(this.days.sample(secs, true)));
    // Old `sar -A` repeats the restart in every activity; one marker per instant is enough.
    if (this.restartsSeen.has(ts)) return;
    this.restartsSeen.add(ts);
    this.rows.push({
      host: this.host, ts, ts_quality: this.quality, origin: 'sar', name: 'sar.restart', value: 1,
      semantics: 'gauge', device: null, netns: this.ctx.netns ?? null,
    });
  }

  private header(secs: number, columns: string[]): void {
    const { newPass } = this.days.header(secs);
    if (newPass) this.clock = new LocalClock(this.ctx.tz);
    const activity = sarActivity(columns);
    this.activities.add(activity);
    const deviceCols = columns.flatMap((c, i) => (isDeviceColumn(c) ? [i] : []));
    this.section = {
      activity, columns, deviceCols,
      trailingDevice: deviceCols.includes(columns.length - 1) && columns.length > 1,
    };
  }

  private data(secs: number, values: string[], lineNo: number, text: string): void {
    const s = this.section;
    if (!s) {
      this.skip('sar-no-header', lineNo, text, 'a section header (time + column names) before data lines');
      return;
    }
    if (!this.date) {
      this.skip('sar-no-date', lineNo, text, 'the Linux header line (it carries the date) before the first sample');
      return;
    }
    if (IGNORED_ACTIVITIES.has(s.activity)) return;
    const n = s.columns.length;
    if (values.length > n && s.trailingDevice) values = [...values.slice(0, n - 1), values.slice(n - 1).join(' ')];
    // A trailing text column (battery status) may be blank.
    const textTail = TEXT_COLUMNS.has(s.columns[n - 1]!) && values.length === n - 1;
    if (values.length !== n && !textTail) {
      this.skip('column-count', lineNo, text, `${n} values for columns ${s.columns.join(' ')}`);
      return;
    }
    const out: { name: string; semantics: CounterSemantics; value: number }[] = [];
    for (let i = 0; i < values.length; i++) {
      const col = s.columns[i]!;
      if (s.deviceCols.includes(i) || TEXT_COLUMNS.has(col)) continue;
      const counter = sarCounter(s.activity, col);
      if (!counter) continue;
      const value = parseSarNumber(values[i]!);
      if (value == null) {
        this.skip('sar-bad-number', lineNo, text, `a number in column ${col}`);
        return;
      }
      out.push({ ...counter, value });
    }
    const device = s.deviceCols.length ? s.deviceCols.map((i) => values[i]).join('/') : null;
    const ts = this.clock.toUtc(this.localTime(this.days.sample(secs)));
    for (const o of out) {
      this.rows.push({
        host: this.host, ts, ts_quality: this.quality, origin: 'sar', name: o.name, value: o.value,
        semantics: o.semantics, device, netns: this.ctx.netns ?? null,
      });
    }
  }
}

export function createSarParser(ctx: ParseContext): SarParser {
  return new SarTextParser(ctx);
}

/** True for sar text: the `Linux <release> (<host>) <date>` header followed by time-stamped lines. */
export function looksLikeSar(head: string): boolean {
  if (head.includes('\u0000')) return false;
  const lines = head.split('\n', 400);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0 || !parseSarHeader(lines[first]!.replace(/\r$/, ''))) return false;
  return lines.slice(first + 1).some((l) => /^\d{1,2}:\d{2}:\d{2}(?:\s+[AaPp][Mm])?\s+\S/.test(l));
}

