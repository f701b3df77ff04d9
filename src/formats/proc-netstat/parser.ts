/**
 * `/proc/net/netstat` and `/proc/net/snmp` (pairs of `Prefix: names…` / `Prefix: values…` lines),
 * `/proc/net/snmp6` (`Name value` per line), and snapshot logs of them (a stamp line before each
 * dump):
 *
 *   TcpExt: SyncookiesSent SyncookiesRecv … TW TWRecycled TWKilled … TCPTimeWaitOverflow …
 *   TcpExt: 0 0 … 1098 0 0 … 0 …
 *   Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab …
 *   Tcp: 1 200 120000 -1 2872 1578 525 345 141 …
 *   Ip6InReceives                   	1234
 *
 * Rows are named like nstat (`TcpExtTCPTimeWaitOverflow`, `TcpActiveOpens`, `Ip6InReceives`).
 */
import type { CounterSampleRow, LineParser, ParseContext } from '../../model.js';
import { CounterParser } from '../kit/counters.js';

const INTEGER = /^-?\d+$/;

const PAIR_LINE = /^([A-Za-z][A-Za-z0-9]*):(.*)$/;
const SNMP6_LINE = /^([A-Za-z][A-Za-z0-9]*)\s+(-?\d+)\s*$/;

interface Header {
  prefix: string;
  names: string[];
  lineNo: number;
  text: string;
}

class ProcNetstatParser extends CounterParser {
  /** Header line waiting for its value line. */
  private header: Header | null = null;

  constructor(ctx: ParseContext) {
    super(ctx, 'proc');
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    if (text.trim() === '') return;
    if (this.takeStamp(text)) {
      this.dropHeader();
      return;
    }
    if (this.failedCommand(text, lineNo)) return;
    const pair = PAIR_LINE.exec(text);
    if (pair) {
      this.pairLine(pair[1]!, pair[2]!.trim(), text, lineNo);
      return;
    }
    const s6 = SNMP6_LINE.exec(text);
    if (s6) {
      this.dropHeader();
      this.emit(s6[1]!, Number(s6[2]), lineNo, text);
      return;
    }
    this.skip('unrecognised-line', lineNo, text, '"Prefix: names…" / "Prefix: values…" pairs or "Name value" (snmp6)');
  }

  private pairLine(prefix: string, rest: string, text: string, lineNo: number): void {
    const tokens = rest === '' ? [] : rest.split(/\s+/);
    const numeric = tokens.length > 0 && INTEGER.test(tokens[0]!);
    const h = this.header;
    if (!numeric && !(tokens.length === 0 && h?.prefix === prefix)) {
      // A new header; the previous one never got its values.
      this.dropHeader();
      this.header = { prefix, names: tokens, lineNo, text };
      return;
    }
    if (!h || h.prefix !== prefix) {
      this.dropHeader();
      this.skip('values-without-header', lineNo, text, `a "${prefix}: Name1 Name2 …" header line before the values`);
      return;
    }
    this.header = null;
    if (tokens.length !== h.names.length) {
      // Zip by name as far as both go: the names are what give the values meaning.
      this.note('column-mismatch', lineNo, text,
        `${h.names.length} values as named by the header on line ${h.lineNo}, found ${tokens.length}; the first ${Math.min(tokens.length, h.names.length)} were used`);
    }
    const n = Math.min(tokens.length, h.names.length);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const v = tokens[i]!;
      if (!INTEGER.test(v)) {
        bad++;
        continue;
      }
      if (!this.emit(prefix + h.names[i]!, Number(v), lineNo, text)) return;
    }
    if (bad > 0) this.note('bad-value', lineNo, text, `integer values (${bad} column(s) were not and were left out)`);
  }

  private dropHeader(): void {
    const h = this.header;
    if (!h) return;
    this.header = null;
    this.skip('header-without-values', h.lineNo, h.text, `a "${h.prefix}: v1 v2 …" value line right after the header`);
  }

  override end(): void {
    this.dropHeader();
    super.end();
  }
}

/** `/proc/net/netstat`, `/proc/net/snmp` or `/proc/net/snmp6` (or snapshot logs of them); origin 'proc'. */
export function createProcNetstatParser(ctx: ParseContext): LineParser<CounterSampleRow> {
  return new ProcNetstatParser(ctx);
}

const PREFIXES = 'TcpExt|IpExt|MPTcpExt|Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite';

/** A header/value pair of the proc files, or several snmp6 lines, in the first ~64 KiB. */
export function looksLikeProcNetstat(head: string): boolean {
  const pair = new RegExp(String.raw`^(${PREFIXES}): [A-Za-z][A-Za-z0-9 ]*\r?\n\1:(?: -?\d+)+\s*$`, 'm');
  if (pair.test(head)) return true;
  const snmp6 = head.match(/^(?:Ip6|Icmp6|Udp6|UdpLite6)[A-Za-z0-9]+[ \t]+-?\d+[ \t]*$/gm);
  return snmp6 !== null && snmp6.length >= 3;
}
