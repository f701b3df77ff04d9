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
 * This module also holds what the counter parsers (nstat, netstat -s) share.
 */
import type { CounterSampleRow, CounterSemantics, LineParser, ParseContext } from '../../model.js';
import { issue } from '../kit/lines.js';
import { SnapshotLineParser } from '../kit/stamps.js';

/**
 * Values that are not counters since boot: `Tcp: CurrEstab` is the current population, MaxConn
 * (-1 = dynamic), RtoAlgorithm/RtoMin/RtoMax and Ip Forwarding/DefaultTTL are configuration.
 */
const GAUGES = new Set([
  'TcpCurrEstab', 'TcpMaxConn', 'TcpRtoAlgorithm', 'TcpRtoMin', 'TcpRtoMax', 'IpForwarding', 'IpDefaultTTL',
]);

export function counterSemantics(name: string): CounterSemantics {
  return GAUGES.has(name) ? 'gauge' : 'cumulative';
}

/** What sos (and shells) leave in a command's output file when the command could not run. */
const FAILED_COMMAND = /^exec of ".*" failed|: command not found$|^\S+: not found$|: No such file or directory$/;

export function isFailedCommand(text: string): boolean {
  return FAILED_COMMAND.test(text.trim());
}

const INTEGER = /^-?\d+$/;

/** Base of the counter parsers: row building and the failed-command capture. */
export abstract class CounterParser extends SnapshotLineParser<CounterSampleRow> {
  constructor(ctx: ParseContext, private readonly origin: string) {
    super(ctx);
  }

  /** Records a counter; false when there is no timestamp for it (the line is then skipped). */
  protected emit(name: string, value: number, lineNo: number, text: string): boolean {
    const stamp = this.stampFor(lineNo, text);
    if (!stamp) return false;
    this.rows.push({
      host: this.ctx.host, ts: stamp.us, ts_quality: stamp.quality, origin: this.origin,
      name, value, semantics: counterSemantics(name), device: null, netns: this.ctx.netns ?? null,
    });
    return true;
  }

  /** An issue that does not make the line skipped (part of it was used). */
  protected note(code: string, lineNo: number, text: string, expected: string): void {
    this.issues.push(issue(code, this.file, lineNo, text, expected));
  }

  /** True (issue recorded) when the line is a failed-command message instead of output. */
  protected failedCommand(text: string, lineNo: number): boolean {
    if (!isFailedCommand(text)) return false;
    this.skip('command-failed', lineNo, text, 'command output (the command did not run, so there are no counters)');
    return true;
  }
}

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
