import type { OverflowKind } from '../signatures.js';

export interface Recommendation {
  id: string;
  text: string;
}

export interface RecommendInput {
  kind: OverflowKind;
  settings: Record<string, string>;
  limit: number | null;
  peak: number | null;
  topPeers: { peer: string; share: number; sockets: number; side: string; local_port: number | null }[];
  twObjectSize: number | null;
  /** tcp_listen_overflow: the listener that overflowed, when the inputs show it. */
  listener?: {
    address: string; port: number; process: string | null; backlog: number | null;
    backlog_set_by: 'application' | 'net.core.somaxconn' | null; somaxconn: number | null;
    peak_queue: number | null; full_snapshots: number; snapshots: number;
  } | null;
}

const fmtBytes = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`);

/**
 * Advice that fits the host: its settings and the side that holds the sockets. No advice here
 * depends on the kernel version: tcp_tw_recycle (removed in 4.12; it broke clients behind NAT) is
 * never advised on any kernel, only flagged when set (domain.md §6).
 */
export function recommend(inp: RecommendInput): { recommendations: Recommendation[]; risks: Recommendation[] } {
  const recs: Recommendation[] = [];
  const risks: Recommendation[] = [];
  const s = inp.settings;
  const recycle = s['net.ipv4.tcp_tw_recycle'];
  if (recycle != null && recycle.trim() !== '0') {
    risks.push({ id: 'tcp-tw-recycle-set', text: `net.ipv4.tcp_tw_recycle = ${recycle}: it drops SYNs from clients behind NAT (PAWS on per-host timestamps) and was removed in Linux 4.12; set it to 0.` });
  }
  if (inp.kind === 'tcp_timewait_overflow') {
    const top = inp.topPeers[0];
    const clientSide = inp.topPeers.length > 0 && inp.topPeers.filter((p) => p.side === 'client').reduce((a, p) => a + p.share, 0) >= 0.5;
    const serverSide = inp.topPeers.length > 0 && !clientSide;
    if (clientSide && top) {
      recs.push({ id: 'connection-reuse', text: `Reuse connections to ${top.peer} (${Math.round(top.share * 100)}% of TIME-WAIT): a connection pool or keep-alive in the client turns thousands of short connections into a few long ones; this host closes first, so it holds the TIME_WAIT.` });
    } else if (serverSide && top) {
      recs.push({ id: 'keep-alive', text: `This host closes the connections it accepts (TIME-WAIT on its listening port${top.local_port ? ` ${top.local_port}` : ''}): enable HTTP keep-alive / persistent connections and let clients close first (avoid Connection: close).` });
    } else {
      recs.push({ id: 'connection-reuse', text: 'Find the application that opens and closes connections at a high rate and make it reuse them (pooling, keep-alive); the side that closes first holds TIME_WAIT.' });
    }
    const reuse = s['net.ipv4.tcp_tw_reuse']?.trim();
    if (!serverSide && reuse !== '1') {
      recs.push({ id: 'tcp-tw-reuse', text: `Set net.ipv4.tcp_tw_reuse = 1 (now ${reuse ?? 'unknown'}): outgoing connect() may take over a TIME_WAIT 4-tuple older than 1 s when timestamps are on${s['net.ipv4.tcp_timestamps']?.trim() === '0' ? ' (tcp_timestamps is 0 here: turn it on first)' : ''}. It does not help incoming connections.` });
    }
    if (inp.limit != null) {
      const size = inp.twObjectSize ?? 256;
      const target = Math.max(inp.limit * 2, 2 ** Math.ceil(Math.log2(Math.max(inp.peak ?? 0, inp.limit) * 1.5)));
      recs.push({ id: 'raise-limit', text: `Raise net.ipv4.tcp_max_tw_buckets from ${inp.limit} to ${target} if the churn cannot be avoided: each TIME_WAIT socket costs about ${size} bytes (${fmtBytes(target * size)} at the new limit). TIME_WAIT lasts a fixed 60 s (tcp_fin_timeout does not shorten it), so the population is about the close rate × 60.` });
    }
    const range = s['net.ipv4.ip_local_port_range'];
    if (range && !serverSide) {
      const [lo, hi] = range.trim().split(/\s+/).map(Number);
      if (lo != null && hi != null && Number.isFinite(lo) && Number.isFinite(hi)) {
        const ports = hi - lo + 1;
        const perPeer = top ? top.sockets : 0;
        if (ports < 28232 || perPeer > ports * 0.5) {
          recs.push({ id: 'port-range', text: `Widen net.ipv4.ip_local_port_range (now ${lo}–${hi}, ${ports} ports): one source address can keep at most ~${Math.round(ports / 60)} new connections/s to one ip:port before connect() fails with EADDRNOTAVAIL.` });
        }
      }
    }
  } else if (inp.kind === 'conntrack_table_full') {
    recs.push({ id: 'raise-conntrack-max', text: `Raise net.netfilter.nf_conntrack_max${inp.limit ? ` (now ${inp.limit})` : ''} and nf_conntrack_buckets together (about 300 bytes per entry), after checking which flows fill the table (conntrack -L | sort by source).` });
    recs.push({ id: 'conntrack-timeouts', text: 'Shorten nf_conntrack_tcp_timeout_time_wait / _established for short-lived traffic, or exempt high-volume flows that need no NAT/state with the NOTRACK (raw table) target.' });
  } else if (inp.kind === 'tcp_orphan_overflow') {
    recs.push({ id: 'orphans', text: `Find the application that closes sockets with unsent data to slow peers; raise net.ipv4.tcp_max_orphans${inp.limit ? ` (now ${inp.limit})` : ''} only with memory to spare (up to ~64 KiB each). The message can appear below the limit when sockets retry (the kernel weights them).` });
  } else if (inp.kind === 'tcp_listen_overflow') {
    const l = inp.listener;
    const somax = s['net.core.somaxconn']?.trim();
    if (l && l.backlog != null) {
      const who = `${l.process ?? 'the application'} on ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`;
      const target = Math.max(l.backlog * 4, 128);
      if (l.backlog_set_by === 'application') {
        recs.push({ id: 'app-backlog', text: `Raise the listen() backlog of ${who} (now ${l.backlog}, set by the application${l.somaxconn != null ? `; net.core.somaxconn = ${l.somaxconn} already allows up to ${l.somaxconn}` : ''}): the queue that overflowed is this listener's own. ${l.somaxconn != null && target > l.somaxconn ? `Above ${l.somaxconn}, raise net.core.somaxconn too.` : 'net.core.somaxconn needs no change for that.'}` });
      } else if (l.backlog_set_by === 'net.core.somaxconn') {
        recs.push({ id: 'listen-backlog', text: `Raise net.core.somaxconn (now ${l.somaxconn}) and, if it asks for less, the listen() backlog of ${who}: somaxconn caps its queue at ${l.backlog}.` });
      } else {
        recs.push({ id: 'listen-backlog', text: `Raise the listen() backlog of ${who} (now ${l.backlog}) and net.core.somaxconn${somax ? ` (now ${somax})` : ''} if it caps it.` });
      }
      if (l.snapshots > 0 && l.full_snapshots >= Math.max(2, l.snapshots * 0.5)) {
        recs.push({ id: 'slow-acceptor', text: `The queue of ${who} stayed full in ${l.full_snapshots} of ${l.snapshots} snapshots: accept() falls behind. A larger backlog only buffers a burst; add workers or make the accept loop faster (no blocking work between accept() calls).` });
      }
    } else {
      recs.push({ id: 'listen-backlog', text: `Raise net.core.somaxconn${somax ? ` (now ${somax})` : ''} and the application's listen() backlog together, and find why accept() falls behind (a blocked accept loop, too few workers); ss -ltn shows each listener's queue (Recv-Q) against its backlog (Send-Q).` });
    }
  } else if (inp.kind === 'tcp_socket_memory') {
    recs.push({ id: 'tcp-mem', text: 'Check which sockets hold memory (ss -tm: large Recv-Q/Send-Q); raise net.ipv4.tcp_mem (pages) only if the host has memory to spare.' });
  } else if (inp.kind === 'neighbour_table_overflow') {
    recs.push({ id: 'gc-thresh', text: 'Raise net.ipv4.neigh.default.gc_thresh3 (and gc_thresh1/2 proportionally) when the host talks to many neighbours on one L2 segment (large flat subnets, container hosts).' });
  }
  return { recommendations: recs, risks };
}
