/** iproute2 `ss` socket lists (see common.ts for the rules the three socket lists share). */
import type { LineParser, ParseContext, SocketRow } from '../../model.js';
import { queueCount, SocketParser, splitEndpoint, type Endpoint, type Queues } from './common.js';

/** iproute2 state names → net-tools spelling. */
const SS_STATES: Record<string, string> = {
  ESTAB: 'ESTABLISHED', 'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECV', 'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2', 'TIME-WAIT': 'TIME_WAIT', UNCONN: 'UNCONN', 'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK', LISTEN: 'LISTEN', CLOSING: 'CLOSING', CLOSE: 'CLOSE', UNKNOWN: 'UNKNOWN',
  'NEW-SYN-RECV': 'SYN_RECV', BOUND: 'BOUND',
};

/** ss Netid column values. */
const NETIDS = new Set([
  'tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'p_raw', 'p_dgr', 'nl', 'mptcp', 'sctp',
  'tipc', 'v_str', 'v_dgr', 'xdp', 'dccp', '???',
]);
const KEPT_NETIDS = new Set(['tcp', 'udp']);

/** An ss header, whichever of Netid, State and the queue columns the options left in. */
const SS_HEADER = /^\s*(?:Netid\s+)?(?:State\s+)?(?:Recv-Q\s+Send-Q\b|Local\s+Address:Port\b)/;

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

/**
 * An endpoint with a numeric address (`10.0.0.5:443`, `[::1]:22`, `*:*`): what starts the socket
 * part of an `ss -Q` line. Stricter than splitEndpoint so that a detail line (`rto:204 ato:40`)
 * is never taken for one.
 */
function addressEndpoint(s: string): Endpoint | null {
  const e = splitEndpoint(s);
  return e && (e.addr === '*' || e.addr.includes(':') || /^\d+(?:\.\d+){3}$/.test(e.addr)) ? e : null;
}

export interface SocketListOptions {
  /** Protocol when the output has no Netid column (`ss -t…` → tcp, the default; `ss -u…` → udp). */
  proto?: string;
  /** State when the output has no State column (`ss … state time-wait` → 'TIME_WAIT'). */
  state?: string;
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

/** An ss header, or several ss socket lines with iproute2 state names, in the first ~64 KiB. */
export function looksLikeSs(head: string): boolean {
  if (/^[ \t]*(?:Netid\s+)?(?:State\s+)?(?:Recv-Q\s+Send-Q\s+)?Local Address:Port\s+Peer Address:Port/m.test(head)) return true;
  const rows = head.match(/^(?:(?:tcp|udp|u_str|u_dgr|u_seq|nl|p_raw|p_dgr|raw)\s+)?(?:ESTAB|TIME-WAIT|LISTEN|SYN-RECV|SYN-SENT|FIN-WAIT-[12]|CLOSE-WAIT|LAST-ACK|UNCONN|CLOSING)\s+\d+\s+\d+\s+\S+\s+\S+/gm);
  return rows !== null && rows.length >= 2;
}
