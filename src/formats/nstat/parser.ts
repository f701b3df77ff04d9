/**
 * iproute2 `nstat` output (`nstat -az`, sos's `nstat -zas`), `nstat --json` (one line or
 * `--pretty`), and snapshot logs of them (a stamp line before each dump):
 *
 *   #kernel
 *   TcpActiveOpens                  8841230            0.0
 *   TcpExtTW                        8790001            0.0
 *   TcpExtTCPTimeWaitOverflow       51877              0.0
 *   {"kernel":{"TcpActiveOpens":8841230,"TcpExtTCPTimeWaitOverflow":51877}}
 *
 * Columns: name (already prefix+name, the canonical spelling), value, rate (an EWMA per second
 * that is 0.0 without history; not stored).
 *
 * Caveat: without `-a`, nstat prints the increase since its previous run (kept in a history
 * file), not the value since boot — and one dump does not say which it is. Every value is
 * stored as absolute ('cumulative'); a log of plain `nstat` runs therefore shows small,
 * non-increasing "counters" whose deltas are meaningless (their values are the deltas).
 */
import type { CounterSampleRow, LineParser, ParseContext } from '../../model.js';
import { CounterParser } from '../kit/counters.js';

const ROW = /^([A-Za-z][A-Za-z0-9_]*)\s+(\d+)(?:\s+-?\d+(?:\.\d+)?)?\s*$/;
const JSON_FIELD = /^\s*"([A-Za-z][A-Za-z0-9_]*)"\s*:\s*(-?\d+)\s*,?\s*$/;
const JSON_STRUCTURE = /^\s*(?:\{|\}\s*,?|"[A-Za-z_]+"\s*:\s*\{)\s*$/;

class NstatParser extends CounterParser {
  constructor(ctx: ParseContext) {
    super(ctx, 'nstat');
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const t = text.trim();
    if (t === '' || t === '#kernel') return;
    if (this.takeStamp(text)) return;
    if (this.failedCommand(text, lineNo)) return;
    const m = ROW.exec(t);
    if (m) {
      this.emit(m[1]!, Number(m[2]), lineNo, text);
      return;
    }
    if (t.startsWith('{"')) {
      this.jsonLine(t, text, lineNo);
      return;
    }
    const f = JSON_FIELD.exec(text);
    if (f) {
      this.emit(f[1]!, Number(f[2]), lineNo, text);
      return;
    }
    if (JSON_STRUCTURE.test(text)) return;
    this.skip('unrecognised-line', lineNo, text, '"Name value rate" (nstat) or nstat --json');
  }

  /** `nstat --json` without --pretty: the whole dump on one line. */
  private jsonLine(t: string, text: string, lineNo: number): void {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch {
      this.skip('bad-json', lineNo, text, 'a complete JSON object {"kernel":{"Name":value,…}}');
      return;
    }
    const kernel = (doc as { kernel?: unknown } | null)?.kernel;
    if (kernel === null || typeof kernel !== 'object' || Array.isArray(kernel)) {
      this.skip('bad-json', lineNo, text, 'an object with a "kernel" member');
      return;
    }
    let bad = 0;
    for (const [name, value] of Object.entries(kernel as Record<string, unknown>)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        bad++;
        continue;
      }
      if (!this.emit(name, value, lineNo, text)) return;
    }
    if (bad > 0) this.note('bad-value', lineNo, text, `numeric counter values (${bad} member(s) were not and were left out)`);
  }
}

/** nstat text or JSON output (or a snapshot log of it); origin 'nstat'. */
export function createNstatParser(ctx: ParseContext): LineParser<CounterSampleRow> {
  return new NstatParser(ctx);
}

const NSTAT_NAME = /^(?:TcpExt|IpExt|MPTcpExt|IcmpMsg|Icmp6|Icmp|Ip6|Ip|Tcp|UdpLite6|UdpLite|Udp6|Udp)[A-Z][A-Za-z0-9_]*[ \t]+\d+[ \t]+-?\d+\.\d+[ \t]*$/gm;

/** `#kernel` header, nstat JSON, or several three-column nstat rows in the first ~64 KiB. */
export function looksLikeNstat(head: string): boolean {
  if (/^#kernel[ \t]*$/m.test(head)) return true;
  if (/^\s*\{\s*"kernel"\s*:\s*\{/m.test(head)) return true;
  const rows = head.match(NSTAT_NAME);
  return rows !== null && rows.length >= 3;
}
