/**
 * What the three socket-list parsers share (ss.ts, netstat.ts, proc-tcp.ts): the row, endpoint
 * and queue rules below, which make their rows comparable. Socket lists, and snapshot logs of
 * them (a stamp line before each dump):
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
import type { SocketRow } from '../../model.js';
import { issue } from '../kit/lines.js';
import { SnapshotLineParser } from '../kit/stamps.js';

export interface Endpoint {
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

/** A Recv-Q / Send-Q count (decimal as ss and netstat print it, hex in /proc); null when absent or unreadable. */
export function queueCount(text: string | undefined, radix: 10 | 16): number | null {
  if (text === undefined || !(radix === 10 ? /^\d+$/ : /^[0-9A-Fa-f]+$/).test(text)) return null;
  const n = parseInt(text, radix);
  return Number.isSafeInteger(n) ? n : null;
}

/** Queue counts of a socket line (null each when the output had none). */
export interface Queues {
  recv_q: number | null;
  send_q: number | null;
}

/** Shared by the socket parsers: rows, the "port was a name" note, out-of-scope counting. */
export abstract class SocketParser extends SnapshotLineParser<SocketRow> {
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
