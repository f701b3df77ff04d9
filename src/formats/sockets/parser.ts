/**
 * Socket lists, and snapshot logs of them (a stamp line before each dump):
 *
 * iproute2 `ss` (`-tan`, `-tanp`, `-tanoi`, `ss -tan state time-wait`, sos's `ss -peaonmi`):
 *
 *   State      Recv-Q Send-Q     Local Address:Port      Peer Address:Port  Process
 *   LISTEN     129    128              0.0.0.0:443            0.0.0.0:*
 *   TIME-WAIT  0      0               10.0.0.5:443          10.0.9.17:51544 timer:(timewait,41sec,0)
 *   tcp   ESTAB  0  0   [::ffff:10.0.0.5]:443  [::ffff:10.0.9.17]:51544 users:(("nginx",pid=123,fd=4)) ino:4711 sk:1 <->
 *   	 skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0) cubic rto:204 …
 *
 * net-tools `netstat -W -neopa` / `netstat -ant` (createNetstatSocketsParser):
 *
 *   tcp        0      0 10.0.0.121:35100        10.0.0.119:3306         TIME_WAIT   0          0          -                    timewait (10.04/0/0)
 *
 * `/proc/net/tcp`, `tcp6` (createProcTcpParser):
 *
 *      0: 0500000A:01BB 11090A0A:C970 06 00000000:00000000 03:00000E6F 00000000     0        0 0 3 0000000000000000
 *
 * Queues: recv_q is Recv-Q (rx_queue in /proc), send_q is Send-Q (tx_queue), as printed, for every
 * state: unread / unacknowledged bytes (for UDP the receive / send buffer memory in use). For a
 * LISTEN socket recv_q is the accept queue length (sk_ack_backlog) in all three sources, but
 * send_q is not the same thing in ss as in the others: ss asks the kernel over inet_diag, which
 * reports the listener's sk_max_ack_backlog = min(listen() backlog, net.core.somaxconn) as
 * Send-Q, while netstat and /proc/net/tcp print tx_queue, the write queue, which a listener
 * never fills (0).
 * So send_q of a LISTEN socket is the backlog from ss and null from netstat and /proc, never a 0
 * that reads as a backlog. (An ss that found no inet_diag in the kernel falls back to reading
 * /proc/net/tcp itself and prints that 0 too; nothing in its output tells, so it is kept.)
 * `ss -Q` (iproute2 6.9+) prints no queue columns: both are null there.
 *
 * Normalised fields: state in net-tools spelling (TIME_WAIT, ESTABLISHED, SYN_RECV, FIN_WAIT2 …;
 * UNCONN for unconnected UDP), addresses without brackets and without a `%device` scope, port
 * null for `*`, process `name/pid` (several joined by ','), timer `name,remaining,retrans`.
 * proto is `tcp6`/`udp6` for sockets of the IPv6 family (an address with ':' — including
 * v4-mapped ones — as netstat does), else `tcp`/`udp`.
 *
 * Sockets other than TCP and UDP (unix, netlink, packet, raw…) are out of scope: they are not
 * rows, not issues and not skipped lines (nothing was lost); `notApplicable` counts them.
 */
import type { LineParser, ParseContext, SocketRow } from '../../model.js';
import { issue } from '../kit/lines.js';
import { SnapshotLineParser } from '../kit/stamps.js';

/** iproute2 state names → net-tools spelling. */
const SS_STATES: Record<string, string> = {
  ESTAB: 'ESTABLISHED', 'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECV', 'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2', 'TIME-WAIT': 'TIME_WAIT', UNCONN: 'UNCONN', 'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK', LISTEN: 'LISTEN', CLOSING: 'CLOSING', CLOSE: 'CLOSE', UNKNOWN: 'UNKNOWN',
  'NEW-SYN-RECV': 'SYN_RECV', BOUND: 'BOUND',
};

const NETSTAT_STATES = new Set([
  'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'UNKNOWN',
]);

/** ss Netid column values. */
const NETIDS = new Set([
  'tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'p_raw', 'p_dgr', 'nl', 'mptcp', 'sctp',
  'tipc', 'v_str', 'v_dgr', 'xdp', 'dccp', '???',
]);
const KEPT_NETIDS = new Set(['tcp', 'udp']);

/** An ss header, whichever of Netid, State and the queue columns the options left in. */
const SS_HEADER = /^\s*(?:Netid\s+)?(?:State\s+)?(?:Recv-Q\s+Send-Q\b|Local\s+Address:Port\b)/;

interface Endpoint {
  addr: string;
  port: number | null;
  /** The port was a service name (no -n): stored as null. */
  named: boolean;
}

/** `10.0.0.5:443`, `[::ffff:10.0.0.5]:443`, `10.0.0.5%eth0:443`, `*:*`, `:::22` → parts, or null. */
export function splitEndpoint(s: string): Endpoint | null {
  let addr: string;
  let port: string;
  if (s.startsWith('[')) {
    const close = s.lastIndexOf(']');
    if (close < 0 || (close + 1 < s.length && s[close + 1] !== ':')) return null;
    addr = s.slice(1, close);
    port = s.slice(close + 2);
  } else {
    const i = s.lastIndexOf(':');
    if (i < 0) return null;
    addr = s.slice(0, i);
    port = s.slice(i + 1);
  }
  // `%dev` is the bound device (SO_BINDTODEVICE) or an IPv6 scope: not part of the address.
  const pct = addr.indexOf('%');
  if (pct >= 0) addr = addr.slice(0, pct);
  if (addr === '') return null;
  if (port === '*' || port === '') return { addr, port: null, named: false };
  if (/^\d+$/.test(port)) {
    const n = Number(port);
    return n <= 65535 ? { addr, port: n, named: false } : null;
  }
  return /^[A-Za-z][\w.+-]*$/.test(port) ? { addr, port: null, named: true } : null;
}

function familyProto(base: string, local: string, peer: string): string {
  return local.includes(':') || peer.includes(':') ? `${base}6` : base;
}

/** `users:(("nginx",pid=123,fd=4),("nginx",pid=124,fd=4))` → `nginx/123,nginx/124`. */
function ssProcess(rest: string): string | null {
  // indexOf rather than one regex: a lazy `(.*?)` retried at every `users:((` is quadratic on junk.
  const start = rest.indexOf('users:((');
  if (start < 0) return null;
  const close = rest.indexOf('))', start);
  const inner = rest.slice(start + 8, close < 0 ? undefined : close + 1);
  const seen: string[] = [];
  for (const m of inner.matchAll(/"((?:[^"\\]|\\.)*)",pid=(\d+)/g)) {
    const p = `${m[1]}/${m[2]}`;
    if (!seen.includes(p)) seen.push(p);
  }
  return seen.length ? seen.join(',') : null;
}

/** `timer:(timewait,41sec,0)` → `timewait,41sec,0`. */
function ssTimer(rest: string): string | null {
  const start = rest.indexOf('timer:(');
  if (start < 0) return null;
  const close = rest.indexOf(')', start);
  return close < 0 ? null : rest.slice(start + 7, close);
}

/** The first n whitespace-separated tokens, each with the offset just past it. */
function headTokens(text: string, n: number): { tokens: string[]; ends: number[] } {
  const re = /\S+/g;
  const tokens: string[] = [];
  const ends: number[] = [];
  let m: RegExpExecArray | null;
  while (tokens.length < n && (m = re.exec(text))) {
    tokens.push(m[0]);
    ends.push(m.index + m[0].length);
  }
  return { tokens, ends };
}

/** A Recv-Q / Send-Q count (decimal as ss and netstat print it, hex in /proc); null when absent or unreadable. */
function queueCount(text: string | undefined, radix: 10 | 16): number | null {
  if (text === undefined || !(radix === 10 ? /^\d+$/ : /^[0-9A-Fa-f]+$/).test(text)) return null;
  const n = parseInt(text, radix);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * An endpoint with a numeric address (`10.0.0.5:443`, `[::1]:22`, `*:*`): what starts the socket
 * part of an `ss -Q` line. Stricter than splitEndpoint so that a detail line (`rto:204 ato:40`)
 * is never taken for one.
 */
function addressEndpoint(s: string): Endpoint | null {
  const e = splitEndpoint(s);
  return e && (e.addr === '*' || e.addr.includes(':') || /^\d+(?:\.\d+){3}$/.test(e.addr)) ? e : null;
}

/** Queue counts of a socket line (null each when the output had none). */
interface Queues {
  recv_q: number | null;
  send_q: number | null;
}

export interface SocketListOptions {
  /** Protocol when the output has no Netid column (`ss -t…` → tcp, the default; `ss -u…` → udp). */
  proto?: string;
  /** State when the output has no State column (`ss … state time-wait` → 'TIME_WAIT'). */
  state?: string;
}

/** Shared by the socket parsers: rows, the "port was a name" note, out-of-scope counting. */
abstract class SocketParser extends SnapshotLineParser<SocketRow> {
  /** Sockets (and their lines) of families this table does not hold (unix, netlink, raw…). */
  notApplicable = 0;
  private namedPortNoted = false;

  protected row(
    lineNo: number, text: string, proto: string, state: string, local: Endpoint, peer: Endpoint,
    process: string | null, timer: string | null, queues: Queues,
  ): SocketRow | null {
    const stamp = this.stampFor(lineNo, text);
    if (!stamp) return null;
    if ((local.named || peer.named) && !this.namedPortNoted) {
      this.namedPortNoted = true;
      this.issues.push(issue('service-name-port', this.file, lineNo, text,
        'numeric ports (output taken without -n): ports given as service names are stored as null'));
    }
    return {
      host: this.ctx.host, ts: stamp.us, ts_quality: stamp.quality, netns: this.ctx.netns ?? null,
      proto, state, local_addr: local.addr, local_port: local.port, peer_addr: peer.addr,
      peer_port: peer.port, process, timer, recv_q: queues.recv_q, send_q: queues.send_q,
    };
  }
}

type Continuation = 'row' | 'ignored' | 'bad' | null;

class SsParser extends SocketParser {
  private pending: SocketRow | null = null;
  /** What the last main line became, to know what its continuation lines belong to. */
  private last: Continuation = null;

  constructor(ctx: ParseContext, private readonly opts: SocketListOptions) {
    super(ctx);
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    if (text.trim() === '') return;
    // Before the indent test: under a one-state filter with -Q the first column is the
    // right-aligned local address, so that header (and its lines) start with spaces.
    if (SS_HEADER.test(text)) return;
    if (/^\s/.test(text)) {
      // -i / -m / -e details of the socket above, on lines starting with a tab.
      if (!this.mainLine(text, lineNo, true)) this.continuation(text, lineNo);
      return;
    }
    if (this.takeStamp(text)) {
      this.flush();
      this.last = null;
      return;
    }
    this.mainLine(text, lineNo, false);
  }

  /**
   * Parses a socket line; false (nothing recorded) when `quiet` and it is not one. The columns
   * are `[Netid] [State] [Recv-Q Send-Q] Local Peer [details]`: ss prints Netid only when it
   * lists several socket tables, State only without a one-state filter (`state time-wait`), the
   * queues unless -Q; -H drops the header. So the layout is read from each line's tokens, never
   * from a header.
   */
  private mainLine(text: string, lineNo: number, quiet: boolean): boolean {
    const { tokens, ends } = headTokens(text, 6);
    const first = tokens[0]!;
    let netid: string | null = null;
    if (NETIDS.has(first.toLowerCase()) && !/^\d+$/.test(first)) {
      netid = first.toLowerCase();
    } else if (SS_STATES[first.toUpperCase()] === undefined && !/^\d+$/.test(first) && !addressEndpoint(first)) {
      if (quiet) return false;
      this.bad(lineNo, text);
      return true;
    }
    if (netid !== null && !KEPT_NETIDS.has(netid)) {
      this.flush();
      this.notApplicable++;
      this.last = 'ignored';
      return true;
    }
    let i = netid ? 1 : 0;
    const stateText = tokens[i] !== undefined && SS_STATES[tokens[i]!.toUpperCase()] !== undefined ? tokens[i++]! : null;
    let queues: Queues | null = null;
    if (/^\d+$/.test(tokens[i] ?? '') && /^\d+$/.test(tokens[i + 1] ?? '')) {
      queues = { recv_q: queueCount(tokens[i], 10), send_q: queueCount(tokens[i + 1], 10) };
      i += 2;
    } else if (addressEndpoint(tokens[i] ?? '')) {
      queues = { recv_q: null, send_q: null }; // ss -Q
    }
    const localText = tokens[i];
    const peerText = tokens[i + 1];
    const local = localText ? splitEndpoint(localText) : null;
    const peer = peerText ? splitEndpoint(peerText) : null;
    if (!queues || !local || !peer) {
      if (quiet) return false;
      this.bad(lineNo, text);
      return true;
    }
    const rest = text.slice(ends[i + 1]);
    this.flush();
    const timer = ssTimer(rest);
    const base = netid ?? this.opts.proto ?? 'tcp';
    const row = this.row(
      lineNo, text, familyProto(base, local.addr, peer.addr),
      (stateText === null ? null : SS_STATES[stateText.toUpperCase()]) ?? this.opts.state ?? (timer?.startsWith('timewait') ? 'TIME_WAIT' : 'UNKNOWN'),
      local, peer, ssProcess(rest), timer, queues,
    );
    this.pending = row;
    this.last = row ? 'row' : 'bad';
    return true;
  }

  private continuation(text: string, lineNo: number): void {
    if (this.last === 'ignored') {
      this.notApplicable++;
      return;
    }
    if (this.last === 'bad') return; // its socket line already has an issue
    const p = this.pending;
    if (!p) {
      this.skip('orphan-continuation', lineNo, text, 'a socket line before its indented detail line');
      return;
    }
    p.timer ??= ssTimer(text);
    p.process ??= ssProcess(text);
  }

  private bad(lineNo: number, text: string): void {
    this.flush();
    this.last = 'bad';
    this.skip('bad-socket-line', lineNo, text,
      '[Netid] [State] [Recv-Q Send-Q] Local-Address:Port Peer-Address:Port [details]');
  }

  private flush(): void {
    if (this.pending) this.rows.push(this.pending);
    this.pending = null;
  }

  override end(): void {
    this.flush();
    super.end();
  }
}

/** iproute2 `ss` socket lists (or snapshot logs of them). */
export function createSsParser(ctx: ParseContext, opts: SocketListOptions = {}): LineParser<SocketRow> {
  return new SsParser(ctx, opts);
}

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

/** sl: local rem st [tx_queue:rx_queue] … (a line cut short after st still names its socket). */
const PROC_TCP_LINE = /^\s*\d+:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})(?:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]+))?(?:\s|$)/;

/** `st` of /proc/net/tcp (include/net/tcp_states.h). */
const PROC_STATES: Record<number, string> = {
  1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT',
  7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING', 12: 'SYN_RECV',
};

export interface ProcTcpOptions {
  /** 'udp' for /proc/net/udp[6] (state 07 then means UNCONN). Default 'tcp'. */
  proto?: 'tcp' | 'udp';
  /**
   * The kernel prints each 32-bit word of the address as a host-order integer: bytes come out
   * reversed on little-endian machines (x86, arm64 — the default) but not on s390x / ppc64 BE.
   */
  bigEndian?: boolean;
}

/** A hex word of /proc/net/tcp → its 4 address bytes in network order. */
function wordBytes(hex8: string, bigEndian: boolean): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex8.slice(i, i + 2), 16));
  return bigEndian ? b : b.reverse();
}

/** 16 address bytes → RFC 5952 text (`::ffff:10.0.0.5` for v4-mapped). */
export function formatIpv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function procAddress(hex: string, bigEndian: boolean): string | null {
  if (hex.length === 8) return wordBytes(hex, bigEndian).join('.');
  if (hex.length !== 32) return null;
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) bytes.push(...wordBytes(hex.slice(w * 8, w * 8 + 8), bigEndian));
  return formatIpv6(bytes);
}

/** Port 0 (unbound / no peer) is what ss and netstat print as `*`: null, as there. */
function procPort(hex: string): number | null {
  const n = parseInt(hex, 16);
  return n === 0 ? null : n;
}

class ProcTcpParser extends SocketParser {
  constructor(ctx: ParseContext, private readonly opts: ProcTcpOptions) {
    super(ctx);
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    if (text.trim() === '') return;
    if (/^\s*sl\s+local_address\b/.test(text)) return;
    if (this.takeStamp(text)) return;
    const m = PROC_TCP_LINE.exec(text);
    const be = this.opts.bigEndian ?? false;
    const localAddr = m ? procAddress(m[1]!, be) : null;
    const peerAddr = m ? procAddress(m[3]!, be) : null;
    const st = m ? parseInt(m[5]!, 16) : 0;
    const base = this.opts.proto ?? 'tcp';
    const state = base === 'udp' && st === 7 ? 'UNCONN' : PROC_STATES[st];
    if (!m || !localAddr || !peerAddr || !state) {
      this.skip('bad-socket-line', lineNo, text, 'sl: local_address:port rem_address:port st … (hex; 8 or 32 digit addresses, known st)');
      return;
    }
    const proto = m[1]!.length === 32 ? `${base}6` : base;
    // tx_queue of a listener is its write queue (0), not the backlog ss prints as Send-Q: not kept.
    const queues = { recv_q: queueCount(m[7], 16), send_q: state === 'LISTEN' ? null : queueCount(m[6], 16) };
    const row = this.row(
      lineNo, text, proto, state,
      { addr: localAddr, port: procPort(m[2]!), named: false },
      { addr: peerAddr, port: procPort(m[4]!), named: false },
      null, null, queues,
    );
    if (row) this.rows.push(row);
  }
}

/** `/proc/net/tcp`, `tcp6` (and with proto 'udp', `udp`, `udp6`); process and timer are null. */
export function createProcTcpParser(ctx: ParseContext, opts: ProcTcpOptions = {}): LineParser<SocketRow> {
  return new ProcTcpParser(ctx, opts);
}

/** An ss header, or several ss socket lines with iproute2 state names, in the first ~64 KiB. */
export function looksLikeSs(head: string): boolean {
  if (/^[ \t]*(?:Netid\s+)?(?:State\s+)?(?:Recv-Q\s+Send-Q\s+)?Local Address:Port\s+Peer Address:Port/m.test(head)) return true;
  const rows = head.match(/^(?:(?:tcp|udp|u_str|u_dgr|u_seq|nl|p_raw|p_dgr|raw)\s+)?(?:ESTAB|TIME-WAIT|LISTEN|SYN-RECV|SYN-SENT|FIN-WAIT-[12]|CLOSE-WAIT|LAST-ACK|UNCONN|CLOSING)\s+\d+\s+\d+\s+\S+\s+\S+/gm);
  return rows !== null && rows.length >= 2;
}

/** net-tools socket list: its headings, or several `tcp 0 0 a:p b:p STATE` lines. */
export function looksLikeNetstatSockets(head: string): boolean {
  if (/^Active Internet connections\b/m.test(head)) return true;
  if (/^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address/m.test(head)) return true;
  const rows = head.match(/^(?:tcp|tcp6|udp|udp6)\s+\d+\s+\d+\s+(?=\S*:)\S+\s+(?=\S*:)\S+/gm);
  return rows !== null && rows.length >= 2;
}

/** The `/proc/net/tcp[6]` (or udp) header line. */
export function looksLikeProcTcp(head: string): boolean {
  return /^\s*sl\s+local_address\s+(?:rem_address|remote_address)\s+st\b/m.test(head);
}
