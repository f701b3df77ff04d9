/** net-tools `netstat` socket lists (see common.ts for the rules the three socket lists share). */
import type { LineParser, ParseContext, SocketRow } from '../../model.js';
import { queueCount, SocketParser, splitEndpoint } from './common.js';

const NETSTAT_STATES = new Set([
  'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'UNKNOWN',
]);

const NETSTAT_LINE = /^(tcp6?|udp6?|udpl6?|raw6?|sctp6?)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)(.*)$/;
const NETSTAT_TIMER = /\s*(\S+) \(([^)]*)\)\s*$/;

class NetstatSocketsParser extends SocketParser {
  /** Inside the "Active Internet connections" part (or a paste without headings). */
  private inet = true;

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    if (text.trim() === '') return;
    if (/^Active Internet connections/.test(text)) {
      this.inet = true;
      return;
    }
    // UNIX/Bluetooth sockets, multicast group memberships (-g), interface tables: not sockets we hold.
    if (/^Active |^IPv6\/IPv4 Group Memberships|^Kernel Interface table/.test(text)) {
      this.inet = false;
      return;
    }
    if (this.takeStamp(text)) {
      this.inet = true;
      return;
    }
    if (!this.inet) {
      this.notApplicable++;
      return;
    }
    if (/^Proto\s+Recv-Q\s+Send-Q\b/.test(text)) return;
    const m = NETSTAT_LINE.exec(text);
    if (!m) {
      if (/^(?:unix|raw6?|udpl6?|sctp6?|ax25|netrom|ipx|x25|bluetooth)\s/.test(text)) {
        this.notApplicable++;
        return;
      }
      this.skip('bad-socket-line', lineNo, text, 'Proto Recv-Q Send-Q Local-Address Foreign-Address [State] [User Inode] [PID/Program] [Timer]');
      return;
    }
    const proto = m[1]!;
    if (!/^(?:tcp|udp)6?$/.test(proto)) {
      this.notApplicable++;
      return;
    }
    const local = splitEndpoint(m[4]!);
    const peer = splitEndpoint(m[5]!);
    let rest = m[6]!;
    let timer: string | null = null;
    // Only the tail can hold the timer; matching the whole rest would be quadratic on junk.
    const tailStart = Math.max(0, rest.length - 100);
    const tm = NETSTAT_TIMER.exec(rest.slice(tailStart));
    if (tm) {
      rest = rest.slice(0, tailStart + tm.index);
      timer = tm[1] === 'off' ? null : `${tm[1]},${tm[2]}`;
    }
    const fields = rest.trim() === '' ? [] : rest.trim().split(/\s+/);
    let state: string;
    if (fields.length > 0 && NETSTAT_STATES.has(fields[0]!)) {
      state = fields.shift()!;
    } else if (proto.startsWith('udp')) {
      state = 'UNCONN'; // net-tools leaves the column blank for unconnected UDP sockets
    } else {
      state = '';
    }
    if (!local || !peer || state === '') {
      this.skip('bad-socket-line', lineNo, text, 'tcp lines: Proto Recv-Q Send-Q Local-Address:Port Foreign-Address:Port State …');
      return;
    }
    // -e adds User and Inode (always a number) before PID/Program name.
    if (fields.length >= 2 && /^\d+$/.test(fields[1]!)) fields.splice(0, 2);
    const prog = fields.join(' ');
    const pp = /^(\d+)\/(.+)$/.exec(prog);
    const process = pp ? `${pp[2]}/${pp[1]}` : prog === '' || prog === '-' ? null : prog;
    // netstat prints /proc's tx_queue as Send-Q: for a listener that is its (empty) write queue,
    // not the backlog ss shows in the same column, so it is not kept.
    const queues = { recv_q: queueCount(m[2], 10), send_q: state === 'LISTEN' ? null : queueCount(m[3], 10) };
    const row = this.row(lineNo, text, proto, state, local, peer, process, timer, queues);
    if (row) this.rows.push(row);
  }
}

/** net-tools `netstat -ant`, `-W -neopa`, `-W -agn` socket lines (or snapshot logs of them). */
export function createNetstatSocketsParser(ctx: ParseContext): LineParser<SocketRow> {
  return new NetstatSocketsParser(ctx);
}

/** net-tools socket list: its headings, or several `tcp 0 0 a:p b:p STATE` lines. */
export function looksLikeNetstatSockets(head: string): boolean {
  if (/^Active Internet connections\b/m.test(head)) return true;
  if (/^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address/m.test(head)) return true;
  const rows = head.match(/^(?:tcp|tcp6|udp|udp6)\s+\d+\s+\d+\s+(?=\S*:)\S+\s+(?=\S*:)\S+/gm);
  return rows !== null && rows.length >= 2;
}
