/** `/proc/net/tcp` and `tcp6` (see common.ts for the rules the three socket lists share). */
import type { LineParser, ParseContext, SocketRow } from '../../model.js';
import { queueCount, SocketParser } from './common.js';

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

/** The `/proc/net/tcp[6]` (or udp) header line. */
export function looksLikeProcTcp(head: string): boolean {
  return /^\s*sl\s+local_address\s+(?:rem_address|remote_address)\s+st\b/m.test(head);
}
