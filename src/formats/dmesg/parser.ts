/**
 * Kernel ring buffer as printed by `dmesg` (util-linux / busybox), in its time formats:
 *
 *   [ 8123.456789] TCP: time wait bucket table overflow                 (raw: seconds since boot)
 *   [Mon Mar  9 14:02:11 2026] TCP: time wait bucket table overflow     (dmesg -T: local wall time)
 *   2026-03-09T14:02:11,456789+01:00 TCP: time wait bucket table overflow (--time-format iso)
 *   kern  :info  : [ 8123.456789] TCP: time wait bucket table overflow  (dmesg -x)
 *   <6>[ 8123.456789] TCP: time wait bucket table overflow              (dmesg -r)
 *
 * Raw stamps become ts = boot time + seconds (`monotonic+boot`) when ctx.bootTimeMs is known;
 * otherwise ts is null and only mono_us is kept. Kernels built without CONFIG_PRINTK_TIME print no
 * stamp at all: such lines are rows with ts null. An indented stamp-less line right after a
 * stamped one is the rest of a multi-line record (util-linux indents those) and is appended.
 */
import type { LineParser, LogEventRow, ParseContext, TsQuality } from '../../model.js';
import { LocalClock, monthNumber, parseIsoToMicros } from '../../time.js';
import { BaseLineParser, parseText } from '../kit/lines.js';
import { facilityNumber, priorityNumber, readPrintkStamp } from '../kit/logline.js';

/** A leading syslog tag left on a pasted kernel line: optional `facility.level`, then `kernel:`. */
const KERNEL_TAG = /^(?:([a-z]+\.[a-z]+)\s+)?kernel:\s+/;

// dmesg -T: [Mon Mar  9 14:02:11 2026]
const CTIME_BRACKET = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})\] ?/;
// dmesg --time-format iso: 2026-03-09T14:02:11,456789+01:00
const ISO_STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))(?: |$)/;
// dmesg -x: `kern  :info  : `
const DECODED_LEVEL = /^([a-z0-9]+) *:([a-z]+) *: /;
// The tail of a printk stamp whose start was lost (a paste or a file cut mid-line).
const TRUNCATED_STAMP = /^\d*\.\d+\] /;

class DmesgParser extends BaseLineParser<LogEventRow> {
  private readonly clock: LocalClock;
  private readonly localQuality: TsQuality;
  private readonly bootUs: number | null;
  private last: LogEventRow | null = null;
  private lastStamped = false;

  constructor(private readonly ctx: ParseContext) {
    super(ctx.file);
    this.clock = new LocalClock(ctx.tz);
    this.localQuality = ctx.tzAssumed ? 'assumed-utc' : 'local+tz';
    this.bootUs = ctx.bootTimeMs != null && Number.isFinite(ctx.bootTimeMs) ? Math.round(ctx.bootTimeMs * 1000) : null;
  }

  line(raw: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(raw, lineNo)) return;
    const text = raw.indexOf('\0') >= 0 ? raw.replace(/\0/g, '') : raw;
    if (text.trim() === '') return;

    let i = 0;
    let facility: number | null = null;
    let priority: number | null = null;
    if (text.charCodeAt(0) === 60) {
      // dmesg -r: <PRI> before the stamp (facility×8 + level).
      const close = text.indexOf('>');
      const pri = close > 1 && close < 5 ? Number(text.slice(1, close)) : NaN;
      if (Number.isInteger(pri) && pri >= 0 && pri < 192) {
        facility = pri >> 3;
        priority = pri & 7;
        i = close + 1;
      }
    } else if (text.charCodeAt(0) >= 97) {
      const m = DECODED_LEVEL.exec(text);
      if (m && facilityNumber(m[1]!) != null && priorityNumber(m[2]!) != null) {
        facility = facilityNumber(m[1]!);
        priority = priorityNumber(m[2]!);
        i = m[0].length;
      }
    }
    // Pasted fragments of syslog / logread lines whose date was cut off keep the tag:
    // `kernel: [1694413.644132] nf_conntrack: …`, `kern.info kernel: [31617.809376] TCP: …`.
    if (i === 0) {
      const f = KERNEL_TAG.exec(text);
      if (f) {
        i = f[0].length;
        if (f[1]) {
          const [fac, lvl] = f[1].split('.') as [string, string];
          facility = facilityNumber(fac) ?? facility;
          priority = priorityNumber(lvl) ?? priority;
        }
      }
    }

    let ts: number | null = null;
    let quality: TsQuality | null = null;
    let mono: number | null = null;
    let msgStart = i;
    let stamped = true;
    const stamp = readPrintkStamp(text, i);
    if (stamp) {
      mono = stamp.us;
      msgStart = stamp.end;
      if (this.bootUs != null) {
        ts = this.bootUs + stamp.us;
        quality = 'monotonic+boot';
      }
    } else {
      const rest = i === 0 ? text : text.slice(i);
      const c = rest.charCodeAt(0);
      let m: RegExpExecArray | null;
      if (c === 91 && (m = CTIME_BRACKET.exec(rest))) {
        const month = monthNumber(m[1]!);
        const day = Number(m[2]);
        const hour = Number(m[3]);
        const minute = Number(m[4]);
        const second = Number(m[5]);
        if (!month || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
          this.skip('bad-timestamp', lineNo, text, 'a dmesg -T stamp such as [Mon Mar  9 14:02:11 2026]');
          return;
        }
        ts = this.clock.toUtc({ year: Number(m[6]), month, day, hour, minute, second });
        quality = this.localQuality;
        msgStart = i + m[0].length;
      } else if (c >= 48 && c <= 57 && (m = ISO_STAMP.exec(rest))) {
        ts = parseIsoToMicros(m[1]!);
        if (ts == null) {
          this.skip('bad-timestamp', lineNo, text, 'an ISO 8601 stamp such as 2026-03-09T14:02:11,456789+01:00');
          return;
        }
        quality = 'exact';
        msgStart = i + m[0].length;
      } else if (TRUNCATED_STAMP.test(rest)) {
        this.skip('bad-line', lineNo, text, 'a line starting with a complete stamp such as [ 8123.456789]');
        return;
      } else {
        stamped = false;
        if ((c === 32 || c === 9) && this.last && this.lastStamped) {
          // Later lines of a multi-line record are indented under the text of its first line.
          this.last.message += ' ' + rest.trim();
          return;
        }
      }
    }

    this.lastStamped = stamped;
    this.push({
      host: this.ctx.host, ts, ts_quality: quality, boot_id: null, mono_us: mono,
      ident: 'kernel', pid: null, unit: null, priority, facility, transport: 'kernel',
      message: text.slice(msgStart), line_no: lineNo,
    });
  }

  /** Rows are held one line back so that a continuation line can still extend the message. */
  private push(row: LogEventRow): void {
    if (this.last) this.rows.push(this.last);
    this.last = row;
  }

  override end(): void {
    if (this.last) this.rows.push(this.last);
    this.last = null;
  }
}

/** Parser for `dmesg` output in any of its stamp formats (see the module comment). */
export function createDmesgParser(ctx: ParseContext): LineParser<LogEventRow> {
  return new DmesgParser(ctx);
}

const RAW_LINE = /^(?:<\d{1,3}>)?\[ *\d+\.\d+\] /;
const CTIME_LINE = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}\] /;
const ISO_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2},\d{6}[+-]\d{2}:?\d{2} /;
const DECODED_LINE = /^[a-z0-9]+ *:[a-z]+ *: /;
// journalctl -o short-monotonic: [ 8123.456789] host ident[pid]: …
const SHORT_MONOTONIC = /^\[ *\d+\.\d+\] (\S*[^\s:]) [^ :[]+(?:\[\d+\])?: /;

/**
 * True when most of the first lines carry dmesg stamps. `journalctl -o short-monotonic` also
 * starts with `[ secs]`, but then every line names the same host and a tag: that is not dmesg
 * (three such lines, or fewer after a journalctl separator line).
 */
export function looksLikeDmesg(head: string): boolean {
  const lines = head.split('\n', 41).slice(0, 40).map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  if (lines.length === 0) return false;
  let stamped = 0;
  let raw = 0;
  const hosts = new Set<string>();
  let tagged = 0;
  for (const l of lines) {
    if (RAW_LINE.test(l)) {
      raw++;
      const m = SHORT_MONOTONIC.exec(l);
      if (m) {
        tagged++;
        hosts.add(m[1]!);
      }
    }
    if (RAW_LINE.test(l) || CTIME_LINE.test(l) || ISO_LINE.test(l) || DECODED_LINE.test(l)) stamped++;
  }
  // (Fewer lines than three decide only with a journalctl separator, `-- Logs begin at … --`,
  // which dmesg never prints: `[ 5.1] usb 1-1: …` alone could be either.)
  const separator = lines.some((l) => l.startsWith('-- ') && l.endsWith(' --'));
  if (raw >= 1 && tagged === raw && hosts.size === 1 && (raw >= 3 || separator)) return false;
  // A pasted excerpt may start mid-line: allow a stray first line.
  return stamped >= Math.max(1, Math.ceil(lines.length * 0.6));
}

/**
 * The boot instant from the same ring buffer printed twice, by `dmesg` (seconds since boot) and by
 * `dmesg -T` (local wall time), as sos ≥ 4.8 keeps both (sos_commands/kernel/dmesg, dmesg_-T).
 * util-linux prints `boot.tv_sec + (whole seconds of the stamp)`, its boot being realtime −
 * CLOCK_BOOTTIME at the moment it ran: each line gives wall − stamp = ⌊boot⌋ − (the stamp's
 * fraction), so ⌈wall − stamp⌉ is ⌊boot⌋ for every line and the boot lies in that second. Its
 * centre is taken, ±1 s (older util-linux took whole seconds of uptime, and the clocks of two
 * reads differ). Lines are paired by their text, when it occurs once in each output; null
 * when none pairs. (After a suspend, dmesg -T is wrong by the time suspended: the spread says so.)
 */
export function bootFromDmesgT(raw: string, withT: string, ctx: ParseContext): { boot_us: number; uncertainty_s: number; lines: number } | null {
  const once = (rows: LogEventRow[], pick: (r: LogEventRow) => number | null) => {
    const seen = new Map<string, number | null>();
    for (const r of rows) {
      const v = pick(r);
      if (v == null) continue;
      const k = r.message.trimEnd();
      seen.set(k, seen.has(k) ? null : v);
    }
    return seen;
  };
  const plain = { ...ctx, bootTimeMs: null };
  const mono = once(parseText(createDmesgParser(plain), raw).rows, (r) => r.mono_us);
  const wall = once(parseText(createDmesgParser(plain), withT).rows, (r) => (r.mono_us == null && r.ts_quality !== 'exact' ? r.ts : null));
  const seconds: number[] = [];
  for (const [msg, m] of mono) {
    const w = wall.get(msg);
    if (m != null && w != null) seconds.push(Math.ceil((w - m) / 1e6));
  }
  if (seconds.length === 0) return null;
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor((seconds.length - 1) / 2)]!;
  const dev = seconds.map((s) => Math.abs(s - median)).sort((a, b) => a - b);
  const mad = dev[Math.floor((dev.length - 1) / 2)]!;
  return { boot_us: median * 1e6 + 500_000, uncertainty_s: Math.hypot(1, mad), lines: seconds.length };
}
