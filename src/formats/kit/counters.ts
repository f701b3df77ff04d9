/**
 * What the counter-snapshot parsers (proc-netstat, nstat, netstat-s) share: the one rule for a
 * counter's semantics, the row they build, and the failed-command capture.
 */
import type { CounterSampleRow, CounterSemantics, ParseContext } from '../../model.js';
import { issue } from './lines.js';
import { SnapshotLineParser } from './stamps.js';

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
