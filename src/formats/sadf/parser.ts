/**
 * sysstat `sadf` exports of sa files, in three layouts:
 *
 *   sadf -d (semicolon CSV, one `# hostname;interval;timestamp;…` header per activity; UTC unless -t):
 *     # hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw
 *     web01;600;2026-03-08 23:10:01 UTC;1840;312;9;0;0;27950
 *     web01;-1;2026-03-09 01:11:37 UTC;LINUX-RESTART	(16 CPU)
 *   sadf -p (tab separated, one value per line; device `-` when the activity has none):
 *     web01	600	2026-03-08 23:10:01 UTC	eth0	rxpck/s	465.20
 *   sadf -j (JSON, printed one object per line, which is what is read here):
 *     "timestamp": {"date": "2019-04-18", "time": "13:20:19", "tz": "UTC", "interval": 31},
 *     "net-tcp": {"active": 0.00, "passive": 0.00, "iseg": 0.00, "oseg": 0.00},
 *
 * Names follow sar text (see SAR_COLUMNS in sar/columns.ts), so `sadf -d` and `sar` of the same file
 * give the same counters. `sadf -j` is read for the network activities only (its keys are
 * renamed: `active` for `active/s`, `ifutil-percent` for `%ifutil`); `sadf -x` XML is rejected
 * with one issue. Per-CPU interrupt columns are not kept (only the all-CPU rate), as in sar/parser.ts.
 */
import Papa from 'papaparse';
import type { CounterSampleRow, CounterSemantics, ParseContext, TsQuality } from '../../model.js';
import { LocalClock, parseIsoToMicros, type LocalTime } from '../../time.js';
import { BaseLineParser } from '../kit/lines.js';
import {
  IGNORED_ACTIVITIES, TEXT_COLUMNS, isDeviceColumn, parseSarNumber, sarActivity, sarActivityOfColumn, sarCounter,
} from '../sar/columns.js';
import type { SarParser } from '../sar/parser.js';


/** The network groups sysstat names the same in `sadf -j` and `sadf -x` (sadf-xml reads these), with the sar activity and how their keys map to sar columns. */
export const NET_GROUPS: Record<string, { activity: string; rate: boolean; device?: string }> = {
  'net-tcp': { activity: 'TCP', rate: true },
  'net-etcp': { activity: 'ETCP', rate: true },
  'net-sock': { activity: 'SOCK', rate: false },
  'net-sock6': { activity: 'SOCK6', rate: false },
  'net-dev': { activity: 'DEV', rate: true, device: 'iface' },
  'net-edev': { activity: 'EDEV', rate: true, device: 'iface' },
  'net-ip': { activity: 'IP', rate: true },
  'net-eip': { activity: 'EIP', rate: true },
  'net-udp': { activity: 'UDP', rate: true },
};
/** `sadf -j` groups read: the network groups and softnet. */
const JSON_GROUPS: Record<string, { activity: string; rate: boolean; device?: string }> = {
  ...NET_GROUPS,
  softnet: { activity: 'SOFT', rate: true, device: 'cpu' },
};
/** Keys of rate groups that are not per-second. */
export const JSON_GAUGES = new Set(['blg_len']);

interface Header {
  activity: string;
  columns: string[];
  deviceCols: number[];
}

type Mode = 'd' | 'p' | 'j' | 'xml' | null;

class SadfParser extends BaseLineParser<CounterSampleRow> implements SarParser {
  readonly activities = new Set<string>();
  private mode: Mode = null;
  private header: Header | null = null;
  /** sadf -p has no headers: the last column that names an activity on its own. */
  private pActivity: string | null = null;
  private clock: LocalClock;
  private readonly quality: TsQuality;
  private restartsSeen = new Set<number>();
  // sadf -j state
  private jHost: string | null = null;
  private jTs: number | null = null;
  private jTsQuality: TsQuality = 'exact';
  private jGroup: string | null = null;

  constructor(private readonly ctx: ParseContext) {
    super(ctx.file);
    this.clock = new LocalClock(ctx.tz);
    this.quality = ctx.tzAssumed ? 'assumed-utc' : 'local+tz';
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (this.mode === 'xml') return;
    if (this.mode === null) {
      if (trimmed.startsWith('<')) {
        this.mode = 'xml';
        this.skip('sadf-unsupported', lineNo, text, 'sadf -d, -p or -j output (sadf -x XML is not read)');
        return;
      }
      if (trimmed.startsWith('{')) this.mode = 'j';
    }
    if (this.mode === 'j') {
      this.jsonLine(trimmed, lineNo, text);
      return;
    }
    if (trimmed.startsWith('#')) {
      this.csvHeader(trimmed, lineNo, text);
      return;
    }
    if (/^[^;\t]*;-?\d+;/.test(text)) {
      this.mode = 'd';
      this.csvLine(text, lineNo);
      return;
    }
    const f = text.split('\t');
    if (f.length >= 4 && /^-?\d+$/.test(f[1]!)) {
      this.mode = 'p';
      this.tabLine(f, lineNo, text);
      return;
    }
    this.skip('sadf-bad-line', lineNo, text, 'a sadf -d (;) or sadf -p (tab) record');
  }

  private hostOf(h: string): string | null {
    return this.ctx.host ?? (h === '' ? null : h);
  }

  /** `2026-03-08 23:10:01 UTC` (exact), `2026-03-08 23:10:01` (sadf -t: local), epoch seconds (sadf -U). */
  private stamp(s: string): { ts: number; q: TsQuality } | null {
    const t = s.trim();
    if (/^\d{9,11}$/.test(t)) return { ts: Number(t) * 1_000_000, q: 'exact' };
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: (UTC|GMT))?$/.exec(t);
    if (!m) return null;
    if (m[7]) {
      const us = parseIsoToMicros(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
      return us == null ? null : { ts: us, q: 'exact' };
    }
    const lt: LocalTime = {
      year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
      hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]),
    };
    if (lt.month < 1 || lt.month > 12 || lt.day < 1 || lt.day > 31 || lt.hour > 23 || lt.minute > 59) return null;
    return { ts: this.clock.toUtc(lt), q: this.quality };
  }

  private restart(host: string | null, ts: number, q: TsQuality): void {
    if (this.restartsSeen.has(ts)) return;
    this.restartsSeen.add(ts);
    this.push(host, ts, q, 'sar.restart', 1, 'gauge', null);
  }

  private push(
    host: string | null, ts: number, q: TsQuality, name: string, value: number, semantics: CounterSemantics,
    device: string | null,
  ): void {
    this.rows.push({
      host, ts, ts_quality: q, origin: 'sadf', name, value, semantics, device, netns: this.ctx.netns ?? null,
    });
  }

  private csvHeader(trimmed: string, lineNo: number, text: string): void {
    const cells = (Papa.parse<string[]>(trimmed.replace(/^#\s*/, ''), { delimiter: ';' }).data[0] ?? []).map((c) => c.trim());
    if (cells[0] !== 'hostname' || cells.length < 4) {
      this.skip('sadf-bad-header', lineNo, text, '# hostname;interval;timestamp;<columns>');
      return;
    }
    this.mode = 'd';
    const columns = cells.slice(3);
    const activity = sarActivity(columns.map((c) => (c === 'CPU*' ? 'all' : c)));
    this.activities.add(activity);
    this.header = { activity, columns, deviceCols: columns.flatMap((c, i) => (isDeviceColumn(c) ? [i] : [])) };
  }

  private csvLine(text: string, lineNo: number): void {
    const cells = Papa.parse<string[]>(text, { delimiter: ';' }).data[0] ?? [];
    const st = this.stamp(cells[2] ?? '');
    if (!st) {
      this.skip('sadf-bad-timestamp', lineNo, text, 'YYYY-MM-DD hh:mm:ss [UTC] or epoch seconds');
      return;
    }
    const host = this.hostOf(cells[0]!);
    const first = (cells[3] ?? '').trim();
    if (first.startsWith('LINUX-RESTART')) {
      this.restart(host, st.ts, st.q);
      return;
    }
    if (first.startsWith('COM ') || first === 'COM') return;
    const h = this.header;
    if (!h) {
      this.skip('sadf-no-header', lineNo, text, 'a # hostname;interval;timestamp;… header before data');
      return;
    }
    if (IGNORED_ACTIVITIES.has(h.activity)) return;
    const values = cells.slice(3).map((v) => v.trim());
    // `INTR;CPU*`: the interrupt, then all-CPU and one value per online CPU (count varies).
    const perCpu = h.columns[h.columns.length - 1] === 'CPU*';
    if (perCpu ? values.length < h.columns.length : values.length !== h.columns.length) {
      this.skip('column-count', lineNo, text, `${h.columns.length} values for columns ${h.columns.join(';')}`);
      return;
    }
    const out: { name: string; semantics: CounterSemantics; value: number }[] = [];
    for (let i = 0; i < h.columns.length; i++) {
      const col = h.columns[i] === 'CPU*' ? 'all' : h.columns[i]!;
      if (h.deviceCols.includes(i) || TEXT_COLUMNS.has(col)) continue;
      const counter = sarCounter(h.activity, col);
      if (!counter) continue;
      const value = parseSarNumber(values[i]!);
      if (value == null) {
        this.skip('sadf-bad-number', lineNo, text, `a number in column ${col}`);
        return;
      }
      out.push({ ...counter, value });
    }
    const device = h.deviceCols.length
      ? h.deviceCols.map((i) => (h.columns[i] === 'CPU' && values[i] === '-1' ? 'all' : values[i])).join('/')
      : null;
    for (const o of out) this.push(host, st.ts, st.q, o.name, o.value, o.semantics, device);
  }

  private tabLine(f: string[], lineNo: number, text: string): void {
    const st = this.stamp(f[2]!);
    if (!st) {
      this.skip('sadf-bad-timestamp', lineNo, text, 'YYYY-MM-DD hh:mm:ss [UTC] or epoch seconds');
      return;
    }
    const host = this.hostOf(f[0]!);
    const dev = f[3]!.trim();
    if (dev.startsWith('LINUX-RESTART')) {
      this.restart(host, st.ts, st.q);
      return;
    }
    if (dev.startsWith('COM ') || dev === 'COM') return;
    if (f.length !== 6) {
      this.skip('column-count', lineNo, text, 'host, interval, timestamp, device, field, value');
      return;
    }
    const field = f[4]!.trim();
    const own = sarActivityOfColumn(field);
    if (own) {
      this.pActivity = own;
      this.activities.add(own);
    }
    // Interrupts: device = interrupt, field = `all` or `cpuN`.
    const isIntr = field === 'all' || /^cpu\d+$/.test(field);
    const activity = isIntr ? 'INT' : (this.pActivity ?? '?');
    if (isIntr) this.activities.add('INT');
    if (IGNORED_ACTIVITIES.has(activity) || TEXT_COLUMNS.has(field) || isDeviceColumn(field)) return;
    if (['idvendor', 'idprod', 'maxpower', 'manufact', 'product'].includes(field)) return; // USB inventory
    const counter = sarCounter(activity, field);
    if (!counter) return;
    const value = parseSarNumber(f[5]!.trim());
    if (value == null) {
      this.skip('sadf-bad-number', lineNo, text, `a number for ${field}`);
      return;
    }
    const device = dev === '-' || dev === '' ? null : (/^cpu(\d+)$/.exec(dev)?.[1] ?? dev);
    this.push(host, st.ts, st.q, counter.name, value, counter.semantics, device);
  }

  /** sadf -j: a `"key": value` line of the pretty-printed document, or a bare object in an array. */
  private jsonLine(trimmed: string, lineNo: number, text: string): void {
    const kv = /^"([^"]+)":\s*(.*?),?$/.exec(trimmed);
    if (kv) {
      const [, key, rest] = kv as unknown as [string, string, string];
      if (key === 'nodename') {
        this.jHost = this.ctx.host ?? safeJson<string>(rest) ?? null;
        return;
      }
      if (rest === '[') {
        this.jGroup = key;
        if (JSON_GROUPS[key]) this.activities.add(JSON_GROUPS[key].activity);
        return;
      }
      if (!rest.startsWith('{') || !rest.endsWith('}')) return;
      const obj = safeJson<Record<string, unknown>>(rest);
      if (!obj) {
        this.skip('sadf-bad-json', lineNo, text, 'a JSON object');
        return;
      }
      if (key === 'timestamp') this.jsonStamp(obj, lineNo, text, false);
      else if (key === 'boot') this.jsonStamp(obj, lineNo, text, true);
      else if (JSON_GROUPS[key]) {
        this.activities.add(JSON_GROUPS[key].activity);
        this.jsonValues(key, obj, lineNo, text);
      }
      return;
    }
    if (trimmed.startsWith(']')) {
      this.jGroup = null;
      return;
    }
    if (trimmed.startsWith('{"') && this.jGroup && JSON_GROUPS[this.jGroup]) {
      const obj = safeJson<Record<string, unknown>>(trimmed.replace(/,$/, ''));
      if (!obj) this.skip('sadf-bad-json', lineNo, text, 'a JSON object');
      else this.jsonValues(this.jGroup, obj, lineNo, text);
    }
  }

  private jsonStamp(obj: Record<string, unknown>, lineNo: number, text: string, boot: boolean): void {
    const date = String(obj['date'] ?? '');
    const time = String(obj['time'] ?? '');
    // sysstat 11.x writes `"utc": 1`, 12.x `"tz": "UTC"`; anything else is the file creator's local time.
    const utc = obj['utc'] === 1 || obj['tz'] === 'UTC' || obj['tz'] === 'GMT';
    const st = this.stamp(`${date} ${time}${utc ? ' UTC' : ''}`);
    if (!st) {
      this.skip('sadf-bad-timestamp', lineNo, text, '"date": "YYYY-MM-DD", "time": "hh:mm:ss"');
      return;
    }
    if (boot) {
      this.restart(this.jHost ?? this.ctx.host, st.ts, st.q);
      return;
    }
    this.jTs = st.ts;
    this.jTsQuality = st.q;
  }

  private jsonValues(group: string, obj: Record<string, unknown>, lineNo: number, text: string): void {
    const g = JSON_GROUPS[group]!;
    if (this.jTs == null) {
      this.skip('sadf-no-timestamp', lineNo, text, 'a "timestamp" before the statistics');
      return;
    }
    const devRaw = g.device ? obj[g.device] : undefined;
    const device = devRaw == null ? null : String(devRaw);
    for (const [key, v] of Object.entries(obj)) {
      if (key === g.device || typeof v !== 'number') continue;
      const column = key.endsWith('-percent') ? `%${key.slice(0, -8)}` : g.rate && !JSON_GAUGES.has(key) ? `${key}/s` : key;
      const counter = sarCounter(g.activity, column);
      if (counter) this.push(this.jHost ?? this.ctx.host, this.jTs, this.jTsQuality, counter.name, v, counter.semantics, device);
    }
  }
}

function safeJson<T>(s: string): T | null {
  try {
    return JSON.parse(s) as T;
  } catch {
    return null;
  }
}

export function createSadfParser(ctx: ParseContext): SarParser {
  return new SadfParser(ctx);
}

const STAMP = String.raw`(?:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?: UTC)?|\d{9,11})`;
const SADF_D = new RegExp(String.raw`^[^;\t\n]+;-?\d+;${STAMP};`, 'm');
const SADF_P = new RegExp(String.raw`^[^\t\n]+\t-?\d+\t${STAMP}\t`, 'm');

/** True for sadf -d / -p / -j text (not sadf -x XML, not binary sa files). */
export function looksLikeSadf(head: string): boolean {
  if (head.includes('\u0000')) return false;
  const start = head.trimStart();
  if (start.startsWith('{')) return /^\{\s*"sysstat"\s*:/.test(start);
  if (/^#\s*hostname;interval;timestamp;/m.test(head)) return true;
  return SADF_D.test(head) || SADF_P.test(head);
}
