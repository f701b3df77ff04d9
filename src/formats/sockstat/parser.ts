/**
 * `/proc/net/sockstat` and `sockstat6` (and snapshot logs of them), plus `ss -s`:
 *
 *   sockets: used 1840
 *   TCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196
 *   FRAG: inuse 0 memory 0
 *   TCP6: inuse 17
 *
 *   Total: 1663 (kernel 1689)                                                         (ss -s)
 *   TCP:   1655 (estab 1556, closed 39, orphaned 40, synrecv 0, timewait 39/0), ports 0
 *   UDP       19        11        8
 */
import type { CounterSampleRow, LineParser, ParseContext } from '../../model.js';
import { SnapshotLineParser, type Stamp } from '../kit/stamps.js';

const LABEL = /^([A-Za-z][A-Za-z0-9_]*):\s+(\S.*)$/;
const INT = /^\d+$/;

abstract class CounterSnapshotParser extends SnapshotLineParser<CounterSampleRow> {
  constructor(ctx: ParseContext, private readonly origin: string) {
    super(ctx);
  }
  protected emit(stamp: Stamp, name: string, value: number): void {
    this.rows.push({
      host: this.ctx.host, ts: stamp.us, ts_quality: stamp.quality, origin: this.origin,
      name, value, semantics: name === 'TcpCurrEstab' || name.startsWith('sockstat.') ? 'gauge' : 'cumulative',
      device: null, netns: this.ctx.netns ?? null,
    });
  }
}

class SockstatParser extends CounterSnapshotParser {
  constructor(ctx: ParseContext) {
    super(ctx, 'sockstat');
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    if (text.trim() === '') return;
    const m = LABEL.exec(text.trim());
    // Pairs, not positions: kernels add keys (`alloc` in 2.6.x, MPTCP lines in 5.x).
    const tokens = m ? m[2]!.split(/\s+/) : [];
    const ok = m && tokens.length % 2 === 0 && tokens.every((t, i) => (i % 2 === 0 ? !INT.test(t) : INT.test(t)));
    if (!ok) {
      if (this.takeStamp(text)) return;
      this.skip('sockstat-bad-line', lineNo, text, 'LABEL: key value [key value …]');
      return;
    }
    const stamp = this.stampFor(lineNo, text);
    if (!stamp) return;
    for (let i = 0; i < tokens.length; i += 2) this.emit(stamp, `sockstat.${m[1]}.${tokens[i]}`, Number(tokens[i + 1]));
  }
}

/** Parser for /proc/net/sockstat and sockstat6: one gauge row `sockstat.<LABEL>.<key>` per pair. */
export function createSockstatParser(ctx: ParseContext): LineParser<CounterSampleRow> {
  return new SockstatParser(ctx);
}

const SS_TOTAL = /^Total:\s+(\d+)(?:\s+\(kernel\s+\d+\))?$/;
const SS_TCP = /^TCP:\s+\d+\s+\((.*)\)(?:,\s*ports\s+\d+)?$/;
const SS_TABLE_HEAD = /^Transport\s+Total\s+IP\s+IPv6$/;
const SS_TABLE_ROW = /^(\*|RAW|UDP|TCP|INET|FRAG)\s+(\d+)\s+(\d+|-)\s+(\d+|-)$/;
/** Transport-table rows that are plain sockstat / sockstat6 `inuse` values (iproute2 misc/ss.c). */
const SS_TABLE_NAMES: Record<string, [string, string]> = {
  RAW: ['sockstat.RAW.inuse', 'sockstat.RAW6.inuse'],
  UDP: ['sockstat.UDP.inuse', 'sockstat.UDP6.inuse'],
  TCP: ['sockstat.TCP.inuse', 'sockstat.TCP6.inuse'],
  FRAG: ['sockstat.FRAG.inuse', 'sockstat.FRAG6.inuse'],
};

class SsSummaryParser extends CounterSnapshotParser {
  constructor(ctx: ParseContext) {
    super(ctx, 'ss-s');
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const t = text.trim();
    if (t === '' || SS_TABLE_HEAD.test(t)) return;
    const values = this.values(t);
    if (!values) {
      if (this.takeStamp(text)) return;
      this.skip('ss-s-bad-line', lineNo, text, 'ss -s output: "Total: N", "TCP:   N (estab …)", or a Transport table row');
      return;
    }
    if (values.length === 0) return;
    const stamp = this.stampFor(lineNo, text);
    if (!stamp) return;
    for (const [name, v] of values) this.emit(stamp, name, v);
  }

  /** Canonical (name, value) pairs of one line; [] for a valid line without such values; null when invalid. */
  private values(t: string): [string, number][] | null {
    let m = SS_TOTAL.exec(t);
    // `Total:` is sockstat's `sockets: used`; the old "(kernel N)" came from slabinfo.
    if (m) return [['sockstat.sockets.used', Number(m[1])]];
    m = SS_TCP.exec(t);
    if (m) {
      const out: [string, number][] = [];
      for (const part of m[1]!.split(',')) {
        const kv = /^\s*(\w+)\s+(\d+)(?:\/\d+)?\s*$/.exec(part);
        if (!kv) return null;
        // total, closed are derived; synrecv and the second timewait value came from slabinfo.
        if (kv[1] === 'estab') out.push(['TcpCurrEstab', Number(kv[2])]);
        else if (kv[1] === 'orphaned') out.push(['sockstat.TCP.orphan', Number(kv[2])]);
        else if (kv[1] === 'timewait') out.push(['sockstat.TCP.tw', Number(kv[2])]);
      }
      return out;
    }
    m = SS_TABLE_ROW.exec(t);
    if (m) {
      const names = SS_TABLE_NAMES[m[1]!];
      if (!names || m[3] === '-' || m[4] === '-') return [];
      return [[names[0], Number(m[3])], [names[1], Number(m[4])]];
    }
    return null;
  }
}

/**
 * Parser for `ss -s` (old form with `(kernel N)` / `synrecv` / `ports`, and the new one).
 * Emits what maps to canonical names: `sockstat.sockets.used`, `TcpCurrEstab`,
 * `sockstat.TCP.orphan`, `sockstat.TCP.tw`, and the transport table's IP/IPv6 `inuse` values.
 */
export function createSsSummaryParser(ctx: ParseContext): LineParser<CounterSampleRow> {
  return new SsSummaryParser(ctx);
}

/** /proc/net/sockstat or sockstat6 (possibly a snapshot log). */
export function looksLikeSockstat(head: string): boolean {
  return /^sockets: used \d+/m.test(head) || /^TCP6?: inuse \d+/m.test(head);
}

/** `ss -s` output (possibly a snapshot log). */
export function looksLikeSsSummary(head: string): boolean {
  return /^TCP:\s+\d+ \(estab \d+, closed \d+, orphaned \d+/m.test(head) && /^Total:\s+\d+/m.test(head);
}
