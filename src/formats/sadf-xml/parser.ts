/**
 * sysstat `sadf -x` XML: what sos writes beside every sa file as `sos_commands/sar/saDD.xml`
 * (`sadf -x -- -A saDD`, sos/report/plugins/sar.py), or by hand `sadf -x saDD -- -n TCP,ETCP,SOCK`.
 * sadf prints one element per line (sysstat xml_stats.c, sadf_misc.c):
 *
 *   <host nodename="web01">
 *     <timestamp date="2026-12-03" time="04:15:36" utc="1" interval="1">
 *       <network per="second">
 *         <net-sock totsck="36" tcpsck="1" udpsck="0" rawsck="0" ip-frag="0" tcp-tw="160"/>
 *         <net-tcp active="160.00" passive="160.00" iseg="974.00" oseg="974.00"/>
 *         <net-etcp atmptf="0.00" estres="0.00" retrans="0.00" isegerr="0.00" orsts="0.00"/>
 *     <restarts>
 *       <boot date="2026-12-03" time="05:00:02" utc="1" cpu_count="2"/>
 *
 * Attribute names are sadf -j's keys; rows get the names sadf -d / sar give the same counters
 * (`sar.active/s`, `sar.tcp-tw`, … via sar/parser.ts sarCounter), origin `sadf`, so that `sadf -d` and
 * `sadf -x` of one sa file store identical rows. Like sadf -j, only the network activities are
 * read (the others — CPU, memory, disks — are listed in `activities`, not stored). Newer sysstat
 * writes `tz="UTC"` where older writes `utc="1"`; without either the time is the host's local time.
 */
import type { CounterSampleRow, ParseContext, TsQuality } from '../../model.js';
import { LocalClock, parseIsoToMicros } from '../../time.js';
import { BaseLineParser } from '../kit/lines.js';
import { sarCounter } from '../sar/columns.js';
import type { SarParser } from '../sar/parser.js';
import { JSON_GAUGES, NET_GROUPS } from '../sadf/parser.js';

/** Network elements read: the groups `sadf -j` reads under the same names (sadf/parser.ts), with the same rate/gauge rule. */
const GROUPS = NET_GROUPS;
const GAUGES = JSON_GAUGES;

/** An element's start (`<sysstat` of the root opens a line of its own, its attributes follow). */
const ELEMENT = /^<([a-z][\w-]*)((?:\s+[\w-]+="[^"]*")*)\s*(?:\/?>|$)/;
const ATTR = /([\w-]+)="([^"]*)"/g;

function attrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of s.matchAll(ATTR)) m.set(a[1]!, a[2]!);
  return m;
}

class SadfXmlParser extends BaseLineParser<CounterSampleRow> implements SarParser {
  readonly activities = new Set<string>();
  private host: string | null = null;
  private ts: number | null = null;
  private tsQuality: TsQuality = 'exact';
  private readonly clock: LocalClock;
  private readonly localQuality: TsQuality;
  private readonly restarts = new Set<number>();

  constructor(private readonly ctx: ParseContext) {
    super(ctx.file);
    this.clock = new LocalClock(ctx.tz);
    this.localQuality = ctx.tzAssumed ? 'assumed-utc' : 'local+tz';
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const t = text.trim();
    // Blank lines, closing tags, the XML declaration, the DOCTYPE and its URL line, the
    // namespace attributes of <sysstat>, text elements (<sysname>Linux</sysname>): no counters.
    if (t === '' || t.startsWith('</') || t.startsWith('<?') || t.startsWith('<!') || t.startsWith('"') || /^xmlns|^xsi:/.test(t)) return;
    const m = ELEMENT.exec(t);
    if (!m) {
      this.skip('sadf-xml-bad-line', lineNo, text, 'one sadf -x XML element per line');
      return;
    }
    const [, name, rest] = m as unknown as [string, string, string];
    if (name === 'host') {
      const h = attrs(rest).get('nodename');
      this.host = h ? h : null;
      return;
    }
    if (name === 'timestamp' || name === 'boot') {
      const a = attrs(rest);
      const st = this.stamp(a, lineNo, text);
      if (st == null) return;
      if (name === 'boot') {
        if (this.restarts.has(st.ts)) return;
        this.restarts.add(st.ts);
        this.push(st.ts, st.q, 'sar.restart', 1, 'gauge', null);
      } else {
        this.ts = st.ts;
        this.tsQuality = st.q;
      }
      return;
    }
    const g = GROUPS[name];
    if (!g) {
      // Another activity (cpu, memory, io, …) or a structural element (statistics, network, …).
      return;
    }
    this.activities.add(g.activity);
    if (this.ts == null) {
      this.skip('sadf-no-timestamp', lineNo, text, 'a <timestamp> before the statistics');
      return;
    }
    const a = attrs(rest);
    const device = g.device ? a.get(g.device) ?? null : null;
    for (const [key, raw] of a) {
      if (key === g.device) continue;
      if (!/^-?\d+(?:\.\d+)?$/.test(raw)) {
        this.skip('sadf-xml-bad-value', lineNo, text, `a number for ${name} ${key}`);
        return;
      }
    }
    for (const [key, raw] of a) {
      if (key === g.device) continue;
      const column = key.endsWith('-percent') ? `%${key.slice(0, -8)}` : g.rate && !GAUGES.has(key) ? `${key}/s` : key;
      const counter = sarCounter(g.activity, column);
      if (counter) this.push(this.ts, this.tsQuality, counter.name, Number(raw), counter.semantics, device);
    }
  }

  /** `date="2026-12-03" time="04:15:36"` with `utc="1"` or `tz="UTC"` (exact), else local time. */
  private stamp(a: Map<string, string>, lineNo: number, text: string): { ts: number; q: TsQuality } | null {
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(a.get('date') ?? '');
    const t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(a.get('time') ?? '');
    const utc = a.get('utc') === '1' || a.get('tz') === 'UTC' || a.get('tz') === 'GMT';
    let ts: number | null = null;
    if (d && t) {
      if (utc) ts = parseIsoToMicros(`${d[1]}-${d[2]}-${d[3]}T${t[1]}:${t[2]}:${t[3]}Z`);
      else {
        const lt = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: Number(t[1]), minute: Number(t[2]), second: Number(t[3]) };
        if (lt.month >= 1 && lt.month <= 12 && lt.day >= 1 && lt.day <= 31 && lt.hour <= 23 && lt.minute <= 59) ts = this.clock.toUtc(lt);
      }
    }
    if (ts == null) {
      this.skip('sadf-bad-timestamp', lineNo, text, 'date="YYYY-MM-DD" time="hh:mm:ss"');
      return null;
    }
    return { ts, q: utc ? 'exact' : this.localQuality };
  }

  private push(ts: number, q: TsQuality, name: string, value: number, semantics: CounterSampleRow['semantics'], device: string | null): void {
    this.rows.push({ host: this.ctx.host ?? this.host, ts, ts_quality: q, origin: 'sadf', name, value, semantics, device, netns: this.ctx.netns ?? null });
  }
}

export function createSadfXmlParser(ctx: ParseContext): SarParser {
  return new SadfXmlParser(ctx);
}

/** sadf -x output: an XML document whose root element is <sysstat>. */
export function looksLikeSadfXml(head: string): boolean {
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE sysstat[^>]*>\s*)?<sysstat[\s>]/.test(head);
}

/** The host element names the machine (`<host nodename="web01">`). */
export function sadfXmlHost(head: string): string | null {
  const m = /<host nodename="([^"]+)"/.exec(head);
  return m ? m[1]! : null;
}
