/**
 * The overflow signature catalogue: message pattern → kind → limit → counter → population.
 * Data, not code: the classifier, the `signatures` table, the rca and the reports all read this.
 * Texts and eras: docs/domain.md §1–2 (kernel sources tcp_minisocks.c, tcp_input.c, nf_conntrack_core.c,
 * neighbour.c, tcp.c). Patterns match the message after `kernel: ` with the printk stamp removed.
 */

export type OverflowKind =
  | 'tcp_timewait_overflow'
  | 'conntrack_table_full'
  | 'tcp_orphan_overflow'
  | 'tcp_listen_overflow'
  | 'tcp_socket_memory'
  | 'neighbour_table_overflow';

export interface Signature {
  kind: OverflowKind;
  variant: string;
  pattern: RegExp;
  era: string;
  /** Printed through net_ratelimit(), so `net_ratelimit: N callbacks suppressed` may hide more. */
  netRatelimited: boolean;
  /** Named group in `pattern` that carries the detail (port, container, table). */
  detailGroup?: string;
}

export interface OverflowKindInfo {
  kind: OverflowKind;
  title: string;
  /** sysctl names of the limit, best first (aliases on older kernels after). */
  limitSysctls: string[];
  /** Canonical counter_samples names of cumulative counters that count the overflow. */
  counters: string[];
  /** Canonical gauge names to compare with the limit. */
  population: string[];
  /** Unit of the population / limit comparison. */
  unit: string;
}

const PRINTK = String.raw`^(?:\[\s*\d+\.\d+\]\s*)?`;

export const SIGNATURES: readonly Signature[] = [
  {
    kind: 'tcp_timewait_overflow', variant: 'tw-bucket',
    pattern: new RegExp(PRINTK + String.raw`TCP: time wait bucket table overflow(?: \(CT(?<ct>\d+)\))?\s*$`),
    era: '2.4 – 2.6.3x (later kernels only count TCPTimeWaitOverflow)', netRatelimited: true, detailGroup: 'ct',
  },
  {
    kind: 'conntrack_table_full', variant: 'ip_conntrack',
    pattern: new RegExp(PRINTK + String.raw`ip_conntrack: table full, dropping packet\.?\s*$`),
    era: '2.4 / 2.6 ip_conntrack (RHEL 4/5)', netRatelimited: true,
  },
  {
    kind: 'conntrack_table_full', variant: 'nf_conntrack',
    pattern: new RegExp(PRINTK + String.raw`nf_conntrack: table full, dropping packet\.?\s*$`),
    era: '2.6 nf_conntrack (RHEL 6)', netRatelimited: true,
  },
  {
    kind: 'conntrack_table_full', variant: 'nf_conntrack-prefixed',
    pattern: new RegExp(PRINTK + String.raw`nf_conntrack: nf_conntrack: table full, dropping packet\.?\s*$`),
    era: '4.x+ (RHEL 8: module prefix on top of the literal)', netRatelimited: true,
  },
  {
    kind: 'tcp_orphan_overflow', variant: 'orphans-of',
    pattern: new RegExp(PRINTK + String.raw`TCP: too many of orphaned sockets\s*$`),
    era: '2.6.x', netRatelimited: true,
  },
  {
    kind: 'tcp_orphan_overflow', variant: 'orphans',
    pattern: new RegExp(PRINTK + String.raw`TCP: too many orphaned sockets\s*$`),
    era: '3.x+', netRatelimited: true,
  },
  {
    kind: 'tcp_socket_memory', variant: 'out-of-socket-memory',
    pattern: new RegExp(PRINTK + String.raw`Out of socket memory\s*$`),
    era: '2.6.x', netRatelimited: true,
  },
  {
    kind: 'tcp_socket_memory', variant: 'tcp-mem',
    pattern: new RegExp(PRINTK + String.raw`TCP: out of memory -- consider tuning tcp_mem\s*$`),
    era: '3.x+', netRatelimited: true,
  },
  {
    kind: 'tcp_listen_overflow', variant: 'syn-flood',
    pattern: new RegExp(
      PRINTK +
        String.raw`(?:TCP: )?(?:(?:request_sock_)?TCP(?:v6)?: )?[Pp]ossible SYN flooding on port (?:\[?(?<addr>[0-9A-Fa-f:.]+?)\]?:)?(?<port>\d+)\. (?<action>Sending cookies|Dropping request)\.?`,
    ),
    era: 'all (once per listener since 3.x; net_ratelimit in 2.6.38–3.x)', netRatelimited: false, detailGroup: 'port',
  },
  {
    kind: 'neighbour_table_overflow', variant: 'neighbour-old',
    pattern: new RegExp(PRINTK + String.raw`Neighbour table overflow\.\s*$`),
    era: '2.6', netRatelimited: true,
  },
  {
    kind: 'neighbour_table_overflow', variant: 'neighbour-table',
    pattern: new RegExp(PRINTK + String.raw`neighbour: (?<table>arp_cache|ndisc_cache): neighbor table overflow!\s*$`),
    era: 'newer kernels', netRatelimited: true, detailGroup: 'table',
  },
];

/** `net_ratelimit: N callbacks suppressed` and the old `printk: N messages suppressed.` */
export const SUPPRESSED_PATTERN = new RegExp(
  PRINTK + String.raw`(?:(?<fn>net_ratelimit): (?<n>\d+) callbacks suppressed|printk: (?<n2>\d+) messages suppressed\.)\s*$`,
);

export const KINDS: Record<OverflowKind, OverflowKindInfo> = {
  tcp_timewait_overflow: {
    kind: 'tcp_timewait_overflow', title: 'TCP TIME_WAIT bucket table overflow',
    limitSysctls: ['net.ipv4.tcp_max_tw_buckets'],
    counters: ['TcpExtTCPTimeWaitOverflow'],
    population: ['sockstat.TCP.tw'], unit: 'timewait sockets',
  },
  conntrack_table_full: {
    kind: 'conntrack_table_full', title: 'conntrack table full',
    limitSysctls: ['net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max', 'net.ipv4.netfilter.ip_conntrack_max'],
    counters: ['nf_conntrack.drop'],
    population: ['nf_conntrack_count', 'nf_conntrack.entries'], unit: 'conntrack entries',
  },
  tcp_orphan_overflow: {
    kind: 'tcp_orphan_overflow', title: 'too many orphaned TCP sockets',
    limitSysctls: ['net.ipv4.tcp_max_orphans'],
    counters: ['TcpExtTCPAbortOnMemory'],
    population: ['sockstat.TCP.orphan'], unit: 'orphaned sockets',
  },
  tcp_listen_overflow: {
    kind: 'tcp_listen_overflow', title: 'SYN / listen queue overflow',
    limitSysctls: ['net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog'],
    counters: ['TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPReqQFullDoCookies', 'TcpExtTCPReqQFullDrop'],
    population: [], unit: 'queued connections',
  },
  tcp_socket_memory: {
    kind: 'tcp_socket_memory', title: 'TCP out of socket memory',
    limitSysctls: ['net.ipv4.tcp_mem'],
    counters: ['TcpExtTCPAbortOnMemory', 'TcpExtTCPMemoryPressures'],
    population: ['sockstat.TCP.mem'], unit: 'pages',
  },
  neighbour_table_overflow: {
    kind: 'neighbour_table_overflow', title: 'neighbour table overflow',
    limitSysctls: ['net.ipv4.neigh.default.gc_thresh3', 'net.ipv6.neigh.default.gc_thresh3'],
    counters: ['arp_cache.table_fulls', 'ndisc_cache.table_fulls'],
    population: ['arp_cache.entries'], unit: 'neighbour entries',
  },
};

/**
 * The counters that, on their own, say an overflow happened, and the kinds each can count
 * (domain.md §1–2). One stream per entry; `counters` are alternatives, best first (a host that
 * shows ListenOverflows is counted by it, one whose netstat -s hid the zero line by
 * ListenDrops). TCPAbortOnMemory counts the aborts of both "too many orphaned sockets" and
 * "out of memory -- consider tuning tcp_mem" (tcp_check_oom): a rise goes to whichever of the
 * two was logged at that time, else to the first kind named here.
 */
export interface EvidenceStream {
  id: string;
  counters: string[];
  kinds: OverflowKind[];
}

export const EVIDENCE_STREAMS: readonly EvidenceStream[] = [
  { id: 'timewait', counters: ['TcpExtTCPTimeWaitOverflow'], kinds: ['tcp_timewait_overflow'] },
  { id: 'conntrack', counters: ['nf_conntrack.drop'], kinds: ['conntrack_table_full'] },
  { id: 'listen', counters: ['TcpExtListenOverflows', 'TcpExtListenDrops'], kinds: ['tcp_listen_overflow'] },
  { id: 'abort-on-memory', counters: ['TcpExtTCPAbortOnMemory'], kinds: ['tcp_socket_memory', 'tcp_orphan_overflow'] },
  { id: 'arp', counters: ['arp_cache.table_fulls'], kinds: ['neighbour_table_overflow'] },
  { id: 'ndisc', counters: ['ndisc_cache.table_fulls'], kinds: ['neighbour_table_overflow'] },
];

export interface Classified {
  kind: OverflowKind;
  variant: string;
  detail: string | null;
  netRatelimited: boolean;
}

/** Which overflow a kernel message reports, if any. Cheap pre-filter first: most lines match nothing. */
export function classifyMessage(message: string): Classified | null {
  if (message.length > 400) return null;
  if (!/overflow|table full|orphaned|memory|SYN flooding/i.test(message)) return null;
  for (const s of SIGNATURES) {
    const m = s.pattern.exec(message);
    if (m) {
      let detail = s.detailGroup ? m.groups?.[s.detailGroup] ?? null : null;
      // A 6.x SYN-flood line names the listener (ADDR:PORT): keep the address, it says which
      // namespace's listener overflowed.
      const addr = m.groups?.addr;
      if (s.kind === 'tcp_listen_overflow' && addr && detail) detail = `${addr.includes(':') ? `[${addr}]` : addr}:${detail}`;
      return { kind: s.kind, variant: s.variant, detail, netRatelimited: s.netRatelimited };
    }
  }
  return null;
}

/** N from a ratelimit summary line, or null. */
export function suppressedCount(message: string): number | null {
  if (!message.includes('suppressed')) return null;
  const m = SUPPRESSED_PATTERN.exec(message);
  if (!m) return null;
  return Number(m.groups?.n ?? m.groups?.n2);
}
