// Over 400 lines: one line parser whose stamp readers share its state (year rule, minute cache, pending row) on the hot path; detection is its last 60 lines.
/**
 * Text log lines with a syslog-style header, one event per line (hosts may be mixed):
 *
 *   Mar  9 14:02:11 web01 kernel: [ 8123.456789] TCP: time wait bucket table overflow  (RFC 3164 file)
 *   <4>Mar  9 14:02:11 web01 kernel: TCP: …                               (RFC 3164 on the wire)
 *   2026-03-09T14:02:11.204511+01:00 web01 kernel: TCP: …                 (RFC 3339, RSYSLOG_FileFormat)
 *   <6>1 2026-03-09T14:02:11.204511+01:00 web01 kernel - - - TCP: …      (RFC 5424)
 *   Sun Jan 15 21:18:04 2023 kern.info kernel: [15687.115716] TCP: …      (OpenWrt logread)
 *
 * and the journalctl text outputs: short (`Mar 09 …`), short-precise (`Mar 09 14:02:11.204511 …`),
 * short-iso[-precise], short-full (`Mon 2026-03-09 14:02:11 CET …`), short-monotonic
 * (`[ 8123.456789] web01 kernel: …`), short-unix (`1773061331.204511 …`), with their separator lines
 * (`-- Boot <id> --` sets boot_id of the following rows; `-- Reboot --`, `-- No entries --`,
 * `-- Logs begin at … --` are metadata: neither rows nor issues). Also the loghub Thunderbird
 * prefix `- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2916]: …` (epoch is UTC).
 *
 * Host: from each line; a line whose first token after the time is already a tag
 * (`Apr 20 22:02:55 kernel: TCP: …`, as some routers write) has no host field → ctx.host.
 *
 * Year of RFC 3164 / short stamps (which have none): the year of ctx.referenceTimeMs (collection
 * time) in ctx.tz, minus one when the line's month/day falls more than one day after the
 * reference date. A file spanning New Year therefore gets December in the previous year and
 * January in the reference year, line by line, without depending on file order. Without a
 * reference time such lines cannot be placed at all: they are skipped, with one `no-year` issue
 * per file (every such line is counted in linesSkipped).
 *
 * A line starting with white space, or without anything shaped like a stamp, right after a parsed
 * line is a wrapped continuation (journalctl indents them; pastes hard-wrap): it is appended to
 * the previous row's message with one space. Without a previous row (start of file, or after a
 * line that was itself an issue) it is an issue of its own (`no-timestamp` for a bare
 * `kernel: …` message, `bad-line` otherwise, e.g. a file cut mid-line); after a line held back
 * for want of a year it is counted as skipped with that line. A line that starts like a stamp
 * whose values are rejected (`Mar 32 25:61:00`, month 13, a year before 1970, a PRI over 191) is
 * an issue of its own (`bad-timestamp`, `bad-line`), never glued onto the line before.
 */
import type { LineParser, LogEventRow, ParseContext, TsQuality } from '../../model.js';
import { LocalClock, localFields, monthNumber, resolveLocal } from '../../time.js';
import { facilityNumber, fractionMicros, priorityNumber, readPrintkStamp } from '../kit/logline.js';
import { BaseLineParser, MAX_LINE } from '../kit/lines.js';
import { parseStampLine } from '../kit/stamps.js';

const MONTH_CODES = new Map<number, number>();
['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].forEach((m, i) =>
  MONTH_CODES.set((m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i + 1));
const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);

const MAX_MESSAGE = MAX_LINE;
const DAY_MS = 86_400_000;

// `Sun Jan 15 21:18:04 2023 ` (OpenWrt logread, also `date`-style stamps with a year)
const CTIME_YEAR = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) /;
// `Mon 2026-03-09 14:02:11[.ffffff] CET ` (journalctl -o short-full)
const SHORT_FULL = /^[A-Z][a-z]{2} (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?) (\S+) /;
// loghub Thunderbird: `<alert> <epoch> <yyyy.mm.dd> <node> Mon D HH:MM:SS <src> `
const THUNDERBIRD = /^\S+ (\d{9,11}) \d{4}\.\d{2}\.\d{2} (\S+) [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \S+ /;
// `-- Boot 6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b --`
const BOOT_SEPARATOR = /^-- Boot ([0-9a-f]{32}) --$/;
// A message without any header: `kernel: [1694413.644132] …`, `kern.info kernel: …`, `TCP: …`
const BARE_MESSAGE = /^(?:[a-z]+\.[a-z]+ )?[\w./()-]+(?:\[\d+\])?: /;
/**
 * The shape of a stamp this parser reads, whatever its values (`Mar 32 25:61:00`, `2026-13-01T…`,
 * `1969-…`): a line of that shape whose stamp is rejected is an issue of its own, never the
 * continuation of the line before (eight overflow lines with bad stamps became one event).
 */
const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const STAMP_SHAPE = new RegExp(`^(?:(?:${MONTHS}) +\\d{1,2} \\d{1,2}:\\d{1,2}:\\d{1,2}|\\d{4}-\\d{1,2}-\\d{1,2}[T ]\\d{1,2}:\\d{1,2}` +
  `|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:(?:${MONTHS}) +\\d{1,2} \\d{1,2}:|\\d{4}-\\d{1,2}-\\d{1,2} \\d{1,2}:)|\\d{9,11}\\.\\d+ )`);

/** True when text[i…] starts like a stamp (STAMP_SHAPE). */
function stampShaped(text: string, i: number): boolean {
  return STAMP_SHAPE.test(i === 0 ? text.slice(0, 48) : text.slice(i, i + 48));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Index of the end of the run of digits starting at i. */
function digitsEnd(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

/** What the previous line was: continuation lines belong to it. */
type Prev = 'none' | 'row' | 'held' | 'skipped';

class SyslogParser extends BaseLineParser<LogEventRow> {
  private readonly clock: LocalClock;
  private readonly inferredQuality: TsQuality;
  private readonly localQuality: TsQuality;
  private readonly bootUs: number | null;
  private readonly refYear: number | null = null;
  private readonly refDay: number = 0;
  /** Local minute (month, day, hour, minute) → UTC µs of its second 0; NaN in a repeated hour. */
  private readonly minuteBase = new Map<number, number>();
  private lastMinuteKey = -1;
  private lastMinuteBase = 0;
  private bootId: string | null = null;
  private pending: LogEventRow | null = null;
  private prev: Prev = 'none';
  private noYearReported = false;

  // Fields of the header being parsed (set by the stamp readers).
  private ts: number | null = null;
  private quality: TsQuality | null = null;
  private mono: number | null = null;
  private facility: number | null = null;
  private priority: number | null = null;
  private host: string | null = null;
  /** True when the prefix already named the host (Thunderbird node): no host token follows. */
  private hostKnown = false;

  constructor(private readonly ctx: ParseContext) {
    super(ctx.file);
    this.clock = new LocalClock(ctx.tz);
    this.inferredQuality = ctx.tzAssumed ? 'assumed-utc' : 'syslog-year-inferred';
    this.localQuality = ctx.tzAssumed ? 'assumed-utc' : 'local+tz';
    this.bootUs = ctx.bootTimeMs != null && Number.isFinite(ctx.bootTimeMs) ? Math.round(ctx.bootTimeMs * 1000) : null;
    if (ctx.referenceTimeMs != null && Number.isFinite(ctx.referenceTimeMs)) {
      const ref = localFields(ctx.referenceTimeMs, ctx.tz);
      this.refYear = ref.year;
      this.refDay = Date.UTC(ref.year, ref.month - 1, ref.day) / DAY_MS;
    }
  }

  line(raw: string, lineNo: number): void {
    this.linesRead++;
    if (raw.length > MAX_LINE) {
      this.skipLine('line-too-long', lineNo, raw, `a line shorter than ${MAX_LINE} characters`);
      return;
    }
    const text = raw.indexOf('\0') >= 0 ? raw.replace(/\0/g, '') : raw;
    const c0 = text.charCodeAt(0);
    if (c0 === 32 || c0 === 9 || text.length === 0) {
      if (text.trim() === '') return;
      this.continuation(text, lineNo);
      return;
    }
    if (c0 === 45 && text.startsWith('-- ') && text.endsWith(' --')) {
      // journalctl separators are metadata, not events.
      const boot = BOOT_SEPARATOR.exec(text);
      if (boot) this.bootId = boot[1]!;
      else if (text === '-- Reboot --') this.bootId = null;
      return;
    }

    this.ts = null;
    this.quality = null;
    this.mono = null;
    this.facility = null;
    this.priority = null;
    this.host = null;
    this.hostKnown = false;
    let i = 0;
    if (c0 === 60) {
      i = this.readPri(text);
      if (i < 0) {
        const close = text.indexOf('>');
        if (close > 0 && close <= 6 && stampShaped(text, close + 1)) {
          this.skipLine('bad-line', lineNo, text, 'a <PRI> from 0 to 191 before the stamp');
          return;
        }
        this.continuation(text, lineNo);
        return;
      }
      if (text.charCodeAt(i) === 49 && text.charCodeAt(i + 1) === 32) {
        this.rfc5424(text, i + 2, lineNo);
        return;
      }
    }
    const end = this.readStamp(text, i);
    if (end === -1) {
      if (stampShaped(text, i)) this.skipLine('bad-timestamp', lineNo, text, 'a valid date and time');
      else this.continuation(text, lineNo);
      return;
    }
    if (end === -2) {
      this.skipLine('no-year', lineNo, text, 'ctx.referenceTimeMs (collection time) to infer the year of RFC 3164 stamps');
      return;
    }
    if (this.ts == null && this.mono == null) {
      this.skipLine('bad-timestamp', lineNo, text, 'a valid date and time');
      return;
    }
    this.header(text, end, lineNo);
  }

  /** `<PRI>` → index after `>`, or -1. */
  private readPri(text: string): number {
    const e = digitsEnd(text, 1);
    if (e === 1 || e > 4 || text.charCodeAt(e) !== 62) return -1;
    const pri = Number(text.slice(1, e));
    if (pri > 191) return -1;
    this.facility = pri >> 3;
    this.priority = pri & 7;
    return e + 1;
  }

  /**
   * Reads a stamp at text[i] into this.ts/quality/mono (and host for Thunderbird lines);
   * returns the index after it and its separating space, -1 when there is none, -2 when the
   * stamp needs a year and no reference time is known.
   */
  private readStamp(text: string, i: number): number {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      const month = MONTH_CODES.get((c << 16) | (text.charCodeAt(i + 1) << 8) | text.charCodeAt(i + 2));
      if (month !== undefined && text.charCodeAt(i + 3) === 32) return this.rfc3164(text, i, month);
      if (text.charCodeAt(i + 3) === 32 && WEEKDAYS.has(text.slice(i, i + 3))) return this.weekdayStamp(text, i);
    } else if (isDigit(c)) {
      if (text.charCodeAt(i + 4) === 45) return this.isoStamp(text, i);
      return this.unixStamp(text, i);
    } else if (c === 91) {
      const s = readPrintkStamp(text, i);
      if (!s) return -1;
      // journalctl -o short-monotonic
      this.mono = s.us;
      if (this.bootUs != null) {
        this.ts = this.bootUs + s.us;
        this.quality = 'monotonic+boot';
      }
      return s.end;
    }
    if (i === 0) {
      const m = THUNDERBIRD.exec(text);
      if (m) {
        this.ts = Number(m[1]) * 1_000_000;
        this.quality = 'exact';
        this.host = m[2]!;
        this.hostKnown = true;
        return m[0].length;
      }
    }
    return -1;
  }

  /** `Mar  9 14:02:11`, `Mar 09 14:02:11.204511` at text[i] (month already read). */
  private rfc3164(text: string, i: number, month: number): number {
    let j = i + 4;
    if (text.charCodeAt(j) === 32) j++;
    const dEnd = digitsEnd(text, j);
    if (dEnd === j || dEnd - j > 2 || text.charCodeAt(dEnd) !== 32) return -1;
    const day = Number(text.slice(j, dEnd));
    j = dEnd + 1;
    const hour = twoDigits(text, j);
    const minute = twoDigits(text, j + 3);
    const second = twoDigits(text, j + 6);
    if (text.charCodeAt(j + 2) !== 58 || text.charCodeAt(j + 5) !== 58 || hour < 0 || minute < 0 || second < 0) return -1;
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return -1;
    j += 8;
    let micro = 0;
    if (text.charCodeAt(j) === 46) {
      const fEnd = digitsEnd(text, j + 1);
      if (fEnd === j + 1) return -1;
      micro = fractionMicros(text, j + 1, fEnd);
      j = fEnd;
    }
    if (j < text.length && text.charCodeAt(j) !== 32) return -1;
    if (this.refYear == null) return -2;
    const key = ((month * 32 + day) * 24 + hour) * 60 + minute;
    let base: number;
    if (key === this.lastMinuteKey) base = this.lastMinuteBase;
    else {
      const cached = this.minuteBase.get(key);
      if (cached !== undefined) base = cached;
      else {
        const year = this.yearOf(month, day);
        const r = resolveLocal({ year, month, day, hour, minute, second: 0 }, this.ctx.tz);
        // In the repeated autumn hour the reading depends on file order: leave it to the clock.
        base = r.alternatives.length > 0 ? NaN : r.us;
        if (this.minuteBase.size > 100_000) this.minuteBase.clear();
        this.minuteBase.set(key, base);
      }
      this.lastMinuteKey = key;
      this.lastMinuteBase = base;
    }
    this.ts = Number.isNaN(base)
      ? this.clock.toUtc({ year: this.yearOf(month, day), month, day, hour, minute, second, micro })
      : base + second * 1_000_000 + micro;
    this.quality = this.inferredQuality;
    return j + 1;
  }

  /** The year rule of the module comment. */
  private yearOf(month: number, day: number): number {
    const y = this.refYear!;
    return Date.UTC(y, month - 1, day) / DAY_MS > this.refDay + 1 ? y - 1 : y;
  }

  /** OpenWrt logread `Sun Jan 15 21:18:04 2023 ` or journalctl short-full `Mon 2026-03-09 14:02:11 CET `. */
  private weekdayStamp(text: string, i: number): number {
    const rest = i === 0 ? text : text.slice(i);
    let m = CTIME_YEAR.exec(rest);
    if (m) {
      const month = monthNumber(m[1]!);
      const day = Number(m[2]);
      const hour = Number(m[3]);
      const minute = Number(m[4]);
      const second = Number(m[5]);
      if (!month || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return -1;
      this.ts = this.clock.toUtc({ year: Number(m[6]), month, day, hour, minute, second });
      this.quality = this.localQuality;
      return i + m[0].length;
    }
    m = SHORT_FULL.exec(rest);
    if (m) {
      const s = parseStampLine(`${m[1]} ${m[2]}`, this.ctx.tz, this.ctx.tzAssumed, this.clock);
      if (!s) return -1;
      this.ts = s.us;
      this.quality = s.quality;
      return i + m[0].length;
    }
    return -1;
  }

  /** `2026-03-09T14:02:11[.204511](+01:00|+0100|Z) ` (RFC 3339, short-iso); local in ctx.tz without offset. */
  private isoStamp(text: string, i: number): number {
    const year = Number(text.slice(i, i + 4));
    const month = twoDigits(text, i + 5);
    const day = twoDigits(text, i + 8);
    const hour = twoDigits(text, i + 11);
    const minute = twoDigits(text, i + 14);
    const second = twoDigits(text, i + 17);
    const sep = text.charCodeAt(i + 10);
    if (!(year >= 1970) || text.charCodeAt(i + 7) !== 45 || (sep !== 84 && sep !== 32)) return -1;
    if (text.charCodeAt(i + 13) !== 58 || text.charCodeAt(i + 16) !== 58) return -1;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return -1;
    let j = i + 19;
    let micro = 0;
    const dot = text.charCodeAt(j);
    if (dot === 46 || dot === 44) {
      const fEnd = digitsEnd(text, j + 1);
      if (fEnd === j + 1) return -1;
      micro = fractionMicros(text, j + 1, fEnd);
      j = fEnd;
    }
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    const z = text.charCodeAt(j);
    if (z === 90) {
      this.ts = wall * 1000 + micro;
      this.quality = 'exact';
      j++;
    } else if (z === 43 || z === 45) {
      const oh = twoDigits(text, j + 1);
      let k = j + 3;
      if (text.charCodeAt(k) === 58) k++;
      const om = twoDigits(text, k);
      if (oh < 0 || om < 0) return -1;
      const off = (oh * 60 + om) * (z === 45 ? -1 : 1);
      this.ts = (wall - off * 60_000) * 1000 + micro;
      this.quality = 'exact';
      j = k + 2;
    } else {
      this.ts = this.clock.toUtc({ year, month, day, hour, minute, second, micro });
      this.quality = this.localQuality;
    }
    if (j < text.length && text.charCodeAt(j) !== 32) return -1;
    return j + 1;
  }

  /** journalctl -o short-unix `1773061331.204511 `. */
  private unixStamp(text: string, i: number): number {
    const e = digitsEnd(text, i);
    if (e - i < 9 || e - i > 11 || text.charCodeAt(e) !== 46) return -1;
    const fEnd = digitsEnd(text, e + 1);
    if (fEnd === e + 1 || text.charCodeAt(fEnd) !== 32) return -1;
    this.ts = Number(text.slice(i, e)) * 1_000_000 + fractionMicros(text, e + 1, fEnd);
    this.quality = 'exact';
    return fEnd + 1;
  }

  /** `[fac.level ][host ]ident[pid]: message` from text[i]. */
  private header(text: string, i: number, lineNo: number): void {
    const n = text.length;
    // OpenWrt logread names facility.level where others put the host.
    const firstSpace = text.indexOf(' ', i);
    if (firstSpace > i) {
      const dot = text.indexOf('.', i);
      if (dot > i && dot < firstSpace) {
        const f = facilityNumber(text.slice(i, dot));
        const p = priorityNumber(text.slice(dot + 1, firstSpace));
        if (f != null && p != null) {
          this.facility = f;
          this.priority = p;
          i = firstSpace + 1;
        }
      }
    }
    let sp = text.indexOf(' ', i);
    if (sp < 0) sp = n;
    let host = this.host ?? this.ctx.host;
    if (!this.hostKnown && text.charCodeAt(sp - 1) !== 58) {
      // A token that does not end in ':' is the host; one that does is already the tag.
      if (sp > i) host = text.slice(i, sp);
      i = sp + 1;
      while (i < n && text.charCodeAt(i) === 32) i++;
      sp = text.indexOf(' ', i);
      if (sp < 0) sp = n;
    }
    let ident: string | null = null;
    let pid: number | null = null;
    let msgStart = i;
    if (sp > i + 1 && text.charCodeAt(sp - 1) === 58) {
      // Tag `ident[pid]:` or `ident:`.
      let identEnd = sp - 1;
      if (text.charCodeAt(sp - 2) === 93) {
        const open = text.lastIndexOf('[', sp - 2);
        if (open > i) {
          const p = text.slice(open + 1, sp - 2);
          if (p.length > 0 && p.length <= 10 && digitsEnd(p, 0) === p.length) {
            pid = Number(p);
            identEnd = open;
          }
        }
      }
      ident = text.slice(i, identEnd);
      msgStart = sp + 1;
    }
    this.emit(text, msgStart, host, ident, pid, lineNo);
  }

  /** `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG` (NILVALUE `-`), text[i] at TIMESTAMP. */
  private rfc5424(text: string, i: number, lineNo: number): void {
    const tokens: string[] = [];
    let j = i;
    for (let k = 0; k < 5; k++) {
      const sp = text.indexOf(' ', j);
      if (sp < 0) {
        tokens.push(text.slice(j));
        j = text.length;
        break;
      }
      tokens.push(text.slice(j, sp));
      j = sp + 1;
    }
    if (tokens.length < 5) {
      this.skipLine('bad-line', lineNo, text, 'RFC 5424: <PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID [SD] MSG');
      return;
    }
    const [stamp, host, app, procid] = tokens as [string, string, string, string, string];
    if (stamp === '-') {
      this.skipLine('no-timestamp', lineNo, text, 'an RFC 5424 TIMESTAMP instead of -');
      return;
    }
    if (this.isoStamp(stamp + ' ', 0) < 0) {
      this.skipLine('bad-timestamp', lineNo, text, 'an RFC 3339 TIMESTAMP such as 2026-03-09T14:02:11.204511+01:00');
      return;
    }
    // Structured data: `-` or one or more [id k="v" …] elements (`\]` and `\"` escaped in values).
    if (text.charCodeAt(j) === 45) j++;
    else {
      while (text.charCodeAt(j) === 91) {
        let inQuote = false;
        j++;
        for (; j < text.length; j++) {
          const c = text.charCodeAt(j);
          if (c === 92) j++;
          else if (c === 34) inQuote = !inQuote;
          else if (c === 93 && !inQuote) break;
        }
        j++;
      }
    }
    if (text.charCodeAt(j) === 32) j++;
    if (text.charCodeAt(j) === 0xfeff) j++; // BOM marks a UTF-8 MSG
    const pid = procid !== '-' && digitsEnd(procid, 0) === procid.length && procid.length <= 10 ? Number(procid) : null;
    this.emit(text, j, host === '-' ? this.ctx.host : host, app === '-' ? null : app, pid, lineNo);
  }

  private emit(text: string, msgStart: number, host: string | null, ident: string | null, pid: number | null, lineNo: number): void {
    let message = text.slice(msgStart);
    let transport = 'syslog';
    if (ident === 'kernel') {
      transport = 'kernel';
      pid = null;
      if (message.charCodeAt(0) === 91) {
        const s = readPrintkStamp(message, 0);
        if (s) {
          this.mono = s.us;
          message = message.slice(s.end);
        }
      }
    }
    this.flush();
    this.pending = {
      host, ts: this.ts, ts_quality: this.ts == null ? null : this.quality, boot_id: this.bootId, mono_us: this.mono,
      ident, pid, unit: null, priority: this.priority, facility: this.facility, transport, message, line_no: lineNo,
    };
    this.prev = 'row';
  }

  /** A line without a stamp of its own (indented, wrapped, or no header at all). */
  private continuation(text: string, lineNo: number): void {
    if (this.prev === 'row' && this.pending) {
      if (this.pending.message.length + text.length > MAX_MESSAGE) {
        this.skipLine('line-too-long', lineNo, text, `a message shorter than ${MAX_MESSAGE} characters`);
        return;
      }
      this.pending.message += ' ' + text.trim();
      return;
    }
    if (this.prev === 'held') {
      // The rest of a well-formed line skipped for want of a year (reported once per file).
      this.linesSkipped++;
      return;
    }
    if (BARE_MESSAGE.test(text)) this.skipLine('no-timestamp', lineNo, text, 'a syslog line with a date and time');
    else this.skipLine('bad-line', lineNo, text, 'a syslog line: [<PRI>]Mmm dd hh:mm:ss host tag: message');
  }

  private skipLine(code: string, lineNo: number, text: string, expected: string): void {
    this.flush();
    this.prev = code === 'no-year' ? 'held' : 'skipped';
    if (code === 'no-year') {
      if (this.noYearReported) {
        this.linesSkipped++;
        return;
      }
      this.noYearReported = true;
    }
    this.skip(code, lineNo, text, expected);
  }

  private flush(): void {
    if (this.pending) this.rows.push(this.pending);
    this.pending = null;
  }

  override end(): void {
    this.flush();
  }
}

/** Parser for syslog files and journalctl text output (see the module comment). */
export function createSyslogParser(ctx: ParseContext): LineParser<LogEventRow> {
  return new SyslogParser(ctx);
}

const HEAD_3164 = /^(?:<\d{1,3}>)?[A-Z][a-z]{2} [ 0-9]?\d \d{2}:\d{2}:\d{2}(?:\.\d+)? \S+ /;
const HEAD_ISO = /^(?:<\d{1,3}>(?:1 )?)?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}) \S+ \S/;
const HEAD_OPENWRT = /^[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4} [a-z]+\.[a-z]+ /;
const HEAD_FULL = /^[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \S+ \S+ /;
const HEAD_UNIX = /^\d{9,11}\.\d{1,9} \S+ \S+/;
const HEAD_MONO = /^\[ *\d+\.\d+\] (\S*[^\s:]) [^ :[]+(?:\[\d+\])?: /;

function headLines(head: string): string[] {
  return head.split('\n', 41).slice(0, 40).map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !(l.startsWith('-- ') && l.endsWith(' --')));
}

/** True when most of the first lines are journalctl short-format lines (`Mar 09 …`, short-iso, -full, -unix, -monotonic). */
export function looksLikeJournalShort(head: string): boolean {
  const lines = headLines(head);
  if (lines.length === 0) return /^-- (?:Logs begin at|Journal begins at|No entries)/.test(head);
  const monoHosts = new Set<string>();
  let ok = 0;
  for (const l of lines) {
    if (/^[A-Z][a-z]{2}  \d /.test(l)) return false; // a space-padded day: syslogd, not journalctl
    const m = HEAD_MONO.exec(l);
    if (m) monoHosts.add(m[1]!);
    if (m || HEAD_FULL.test(l) || HEAD_UNIX.test(l) || /^[A-Z][a-z]{2} \d\d \d{2}:\d{2}:\d{2}/.test(l) || HEAD_ISO.test(l)) ok++;
  }
  if (monoHosts.size > 1) return false;
  return ok >= Math.ceil(lines.length * 0.6);
}

/** True when most of the first lines carry a syslog header (any flavour this parser reads). */
export function looksLikeSyslog(head: string): boolean {
  const lines = headLines(head);
  if (lines.length === 0) return false;
  let ok = 0;
  let other = 0;
  for (const l of lines) {
    if (HEAD_3164.test(l) || HEAD_ISO.test(l) || HEAD_OPENWRT.test(l) || THUNDERBIRD.test(l)) ok++;
    // Tails of wrapped lines (`dropping packet`) belong to the line above: counted neither way.
    else if (!/^\s/.test(l) && !(l.length < 40 && !l.includes(':'))) other++;
  }
  if (ok > 0 && ok >= Math.ceil((ok + other) * 0.6)) return true;
  return looksLikeJournalShort(head);
}
