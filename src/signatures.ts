/**
 * The overflow signature catalogue: message pattern → kind → limit → counter → population.
 * Data, not code: the classifier, the `signatures` and `overflow_kinds` tables (filled at every
 * store open, store/db.ts), the SQL views, the rca, the HTML and the SQL load paths' candidate
 * filter (formats/kit/sql-load.ts) all read this; no copy of it lives elsewhere.
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
  /** The detail to store for a value of detailGroup (e.g. the family `IPv4` → its table `arp_cache`). */
  detailMap?: Readonly<Record<string, string>>;
}

export interface OverflowKindInfo {
  kind: OverflowKind;
  title: string;
  /** sysctl names of the limit, best first (aliases on older kernels after). */
  limitSysctls: string[];
  /** Canonical counter_samples names of cumulative counters that count the overflow. */
  counters: string[];
  /** Canonical counter_samples gauge names to compare with the limit. */
  population: string[];
  /**
   * Slab caches whose objects are the population too (rough: per-CPU slabs and RCU-delayed frees
   * count as in use), summed per snapshot; the host's whole, never a namespace's.
   */
  slabCaches: string[];
  /** What the population and the limit count (the HTML chart's y axis). */
  unit: string;
}

const PRINTK = String.raw`^(?:\[\s*\d+\.\d+\]\s*)?`;
/**
 * OpenVZ / Virtuozzo / CloudLinux kernels (2.6.18- and 2.6.32-based, still common on hosting
 * boxes) name the container whose socket overflowed: `TCP: time wait bucket table overflow (CT101)`
 * (real logs show it on that line; domain.md §1.2). Accepted after the other 2.6-era messages too,
 * as tolerance **[?]** (no log at hand shows them with it); the id is the detail when the line has
 * no other one.
 */
const CT = String.raw`(?: \(CT(?<ct>\d+)\))?`;
/** Whatever the era: trailing blanks (some syslogds pad, pastes keep them). */
const END = String.raw`\s*$`;

/**
 * One entry per message text the kernel printed for an overflow, oldest first within a kind. Each
 * names the source file and the kernels that print it (domain.md §1.2, §2, §2.1, §7; eras
 * **[?]** where the docs say so). `pr_fmt` prefixes (`TCP: `, `IPv4: `, `nf_conntrack: `) came with
 * the 3.5-era conversion to `net_*_ratelimited` and later; every message here except the modern
 * SYN-flood ones goes through `net_ratelimit()` (see SUPPRESSED_PATTERN).
 */
export const SIGNATURES: readonly Signature[] = [
  // net/ipv4/tcp_minisocks.c tcp_time_wait(): `LIMIT_NETDEBUG(KERN_INFO "TCP: time wait bucket table
  // overflow\n")` in 2.4 – 2.6.3x; from ~2.6.37–39 upstream only the TCPTimeWaitOverflow counter.
  // OpenVZ / CloudLinux 2.6.32: ` (CT<id>)` appended.
  {
    kind: 'tcp_timewait_overflow', variant: 'tw-bucket',
    pattern: new RegExp(PRINTK + String.raw`TCP: time wait bucket table overflow` + CT + END),
    era: '2.4 – 2.6.3x (later kernels only count TCPTimeWaitOverflow)', netRatelimited: true, detailGroup: 'ct',
  },
  // net/ipv4/netfilter/ip_conntrack_core.c (2.4 – 2.6.2x, RHEL 4/5): `ip_conntrack: table full,
  // dropping packet.` (printk under net_ratelimit; the period optional for tolerance).
  {
    kind: 'conntrack_table_full', variant: 'ip_conntrack',
    pattern: new RegExp(PRINTK + String.raw`ip_conntrack: table full, dropping packet\.?` + CT + END),
    era: '2.4 / 2.6 ip_conntrack (RHEL 4/5)', netRatelimited: true, detailGroup: 'ct',
  },
  // net/netfilter/nf_conntrack_core.c __nf_conntrack_alloc(): `nf_conntrack: table full, dropping
  // packet.` (2.6.15+, printk under net_ratelimit; RHEL 6), without the period from the 3.x
  // `net_warn_ratelimited` conversion (RHEL 7).
  {
    kind: 'conntrack_table_full', variant: 'nf_conntrack',
    pattern: new RegExp(PRINTK + String.raw`nf_conntrack: table full, dropping packet\.?` + CT + END),
    era: '2.6.15 – 4.x nf_conntrack (RHEL 6: final period; RHEL 7: none)', netRatelimited: true, detailGroup: 'ct',
  },
  // The same file once it got `pr_fmt(KBUILD_MODNAME ": ")` on top of the literal prefix (4.x+, RHEL 8).
  {
    kind: 'conntrack_table_full', variant: 'nf_conntrack-prefixed',
    pattern: new RegExp(PRINTK + String.raw`nf_conntrack: nf_conntrack: table full, dropping packet\.?` + END),
    era: '4.x+ (RHEL 8: module prefix on top of the literal)', netRatelimited: true,
  },
  // net/ipv4/tcp_timer.c tcp_out_of_resources() and tcp.c tcp_close(), 2.6.x: `TCP: too many of
  // orphaned sockets` (printk under net_ratelimit).
  {
    kind: 'tcp_orphan_overflow', variant: 'orphans-of',
    pattern: new RegExp(PRINTK + String.raw`TCP: too many of orphaned sockets` + CT + END),
    era: '2.6.x', netRatelimited: true, detailGroup: 'ct',
  },
  // net/ipv4/tcp.c tcp_check_oom() (3.x+): `net_info_ratelimited("too many orphaned sockets\n")`
  // with pr_fmt "TCP: ".
  {
    kind: 'tcp_orphan_overflow', variant: 'orphans',
    pattern: new RegExp(PRINTK + String.raw`TCP: too many orphaned sockets` + END),
    era: '3.x+', netRatelimited: true,
  },
  // net/ipv4/tcp_timer.c tcp_out_of_resources(), 2.6.x: `Out of socket memory` (the same path as
  // the orphans line; printk under net_ratelimit).
  {
    kind: 'tcp_socket_memory', variant: 'out-of-socket-memory',
    pattern: new RegExp(PRINTK + String.raw`Out of socket memory` + CT + END),
    era: '2.6.x', netRatelimited: true, detailGroup: 'ct',
  },
  // net/ipv4/tcp.c tcp_check_oom() (3.x+): `out of memory -- consider tuning tcp_mem` with pr_fmt "TCP: ".
  {
    kind: 'tcp_socket_memory', variant: 'tcp-mem',
    pattern: new RegExp(PRINTK + String.raw`TCP: out of memory -- consider tuning tcp_mem` + END),
    era: '3.x+', netRatelimited: true,
  },
  // SYN queue (domain.md §2.1), one pattern for every era:
  // - ≤ 2.6.3x net/ipv4/tcp_ipv4.c syn_flood_warning(): `possible SYN flooding on port 8080. Sending
  //   cookies.` (tcp_ipv6.c: `TCPv6: Possible SYN flooding …`), at most once a minute;
  // - ~2.6.38 – 3.x tcp_ipv4.c tcp_syn_flood_action(): `TCP: Possible SYN flooding on port 8080.
  //   Sending cookies.` / `Dropping request.`, net_ratelimit;
  // - 3.x with pr_fmt "TCP: " and the protocol name: `TCP: TCP: Possible …  Check SNMP counters.`
  //   (`TCP: TCPv6: …`), once per listener;
  // - 4.x – 5.x net/ipv4/tcp_input.c: the request sock slab's name, `TCP: request_sock_TCP: …`
  //   (`request_sock_TCPv6`);
  // - ≈ 6.0+: the listener's address, `… on port 10.0.0.5:443. …`, `… on port [2001:db8::5]:443. …`.
  {
    kind: 'tcp_listen_overflow', variant: 'syn-flood',
    pattern: new RegExp(
      PRINTK +
        String.raw`(?:TCP: )?(?:(?:request_sock_)?TCP(?:v6)?: )?[Pp]ossible SYN flooding on port (?:\[?(?<addr>[0-9A-Fa-f:.]+?)\]?:)?(?<port>\d+)\. (?<action>Sending cookies|Dropping request)\.?`,
    ),
    era: 'all (once per listener since 3.x; net_ratelimit in 2.6.38–3.x)', netRatelimited: false, detailGroup: 'port',
  },
  // net/ipv4/route.c rt_intern_hash() (2.4 – 2.6.3x): `Neighbour table overflow.` when the route
  // cache could not bind a neighbour (printk under net_ratelimit). Pasted without the period too.
  {
    kind: 'neighbour_table_overflow', variant: 'neighbour-old',
    pattern: new RegExp(PRINTK + String.raw`Neighbour table overflow\.?` + CT + END),
    era: '2.4 – 2.6.3x', netRatelimited: true, detailGroup: 'ct',
  },
  // The same message with the family: `ipv4: Neighbour table overflow.` (route.c) and `ipv6: …`
  // (net/ipv6/route.c rt6_alloc_cow()) in late 2.6.3x – 3.4; `IPv4: Neighbour table overflow` /
  // `IPv6: …` (no period) once both files got pr_fmt and net_warn_ratelimited (3.5; the IPv4 route
  // cache, and with it the message, went in 3.6). The family names the table: arp_cache / ndisc_cache.
  {
    kind: 'neighbour_table_overflow', variant: 'neighbour-route',
    pattern: new RegExp(PRINTK + String.raw`(?<af>ipv4|IPv4|ipv6|IPv6): Neighbour table overflow\.?` + CT + END),
    era: 'late 2.6.3x – 3.x (ipv4:/ipv6: then IPv4:/IPv6:)', netRatelimited: true, detailGroup: 'af',
    detailMap: { ipv4: 'arp_cache', IPv4: 'arp_cache', ipv6: 'ndisc_cache', IPv6: 'ndisc_cache' },
  },
  // net/core/neighbour.c neigh_alloc() (4.x+ **[?]**): `net_info_ratelimited("%s: neighbor table
  // overflow!\n", tbl->id)` with pr_fmt "neighbour: ".
  {
    kind: 'neighbour_table_overflow', variant: 'neighbour-table',
    pattern: new RegExp(PRINTK + String.raw`neighbour: (?<table>arp_cache|ndisc_cache): neighbor table overflow!` + END),
    era: 'newer kernels', netRatelimited: true, detailGroup: 'table',
  },
];

/** Which rate limiter printed a summary (what its `N … suppressed` counts: see SUPPRESSED_PATTERN). */
export type Limiter = 'net_ratelimit' | '__ratelimit' | 'printk';

/**
 * The summary a kernel rate limiter prints, on the first call after its window ended, for the
 * calls it refused (domain.md §1.3). Only the limiters that networking messages go through:
 *
 * - `net_ratelimit: N callbacks suppressed` — lib/ratelimit.c `___ratelimit(rs, func)` prints
 *   `"%s: %d callbacks suppressed"` with the *caller's* name since the `__ratelimit(state)` macro
 *   passes `__func__` (upstream 2.6.3x; RHEL 7's 3.10 and later). The caller of net_ratelimit_state
 *   is `net_ratelimit()` (net/core/utils.c), which every message of SIGNATURES goes through
 *   (directly or via `net_{info,warn,dbg}_ratelimited` / `LIMIT_NETDEBUG`): always networking.
 * - `__ratelimit: N callbacks suppressed` — the same summary in the 2008 rewrite (2.6.28 until the
 *   caller's name replaced it; RHEL 6, OpenVZ and CloudLinux 2.6.32 still print it), where
 *   `__func__` was the limiter's own name. Every ratelimit state printed it — net_ratelimit()'s,
 *   but also printk_ratelimit()'s (memory allocation failures, audit, …) — so it is networking
 *   only when it follows a net_ratelimit-printed signature of the same host (OverflowClassifier).
 * - `printk: N messages suppressed.` — before that rewrite (≤ 2.6.2x, RHEL 5's 2.6.18),
 *   net_ratelimit() called `__printk_ratelimit()`, whose summary all printk_ratelimit users share;
 *   kept as it was (attributed, or unattributed when no signature precedes it).
 *
 * Any other `<fn>: N callbacks suppressed` is a per-call-site limiter (`printk_ratelimited`,
 * `pr_*_ratelimited`, `dev_*_ratelimited`: the function that owns it, e.g.
 * `kauditd_printk_skb: 19 callbacks suppressed`): none of the messages of SIGNATURES uses one,
 * so such a summary never counts as network ratelimit.
 */
export const SUPPRESSED_PATTERN = new RegExp(
  PRINTK + String.raw`(?:(?<fn>net_ratelimit|__ratelimit): (?<n>\d+) callbacks suppressed|printk: (?<n2>\d+) messages suppressed\.?)` + END,
);

/**
 * A syslog daemon's repeat summary (not the kernel's): the daemon wrote the line before it (of the
 * same host, in the same file) once and then counted `N` more identical ones.
 *
 * - `last message repeated N times` — sysklogd and the BSD syslogd (`syslogd.c` fprintlog(),
 *   written with the repeated line's host and no tag), busybox syslogd (as the issue reports **[?]**),
 *   and rsyslog's legacy form
 *   (`$RepeatedMsgContainsOriginalMsg off`, rsyslog ≤ 5: the repeated message's host and tag kept).
 * - `message repeated N times: [ <message>]` — rsyslog's `$RepeatedMsgReduction on`
 *   (runtime/ratelimit.c, `" message repeated %d times: [%.800s]"` with the repeated message's
 *   MSG, which starts with the space after the tag), host and tag of the repeated line kept.
 */
export const REPEAT_PATTERN = /^(?:last message repeated (?<n>\d+) times?|message repeated (?<n2>\d+) times?: \[(?<text>.*)\])\s*$/s;

export const KINDS: Record<OverflowKind, OverflowKindInfo> = {
  tcp_timewait_overflow: {
    kind: 'tcp_timewait_overflow', title: 'TCP TIME_WAIT bucket table overflow',
    limitSysctls: ['net.ipv4.tcp_max_tw_buckets'],
    counters: ['TcpExtTCPTimeWaitOverflow'],
    population: ['sockstat.TCP.tw'],
    // `tcp_tw_bucket` up to ~2.6.13, `tw_sock_TCP` / `tw_sock_TCPv6` since (formats/slabinfo/parser.ts)
    slabCaches: ['tw_sock_TCP', 'tw_sock_TCPv6', 'tcp_tw_bucket'], unit: 'TIME_WAIT sockets',
  },
  conntrack_table_full: {
    kind: 'conntrack_table_full', title: 'conntrack table full',
    limitSysctls: ['net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max', 'net.ipv4.netfilter.ip_conntrack_max'],
    counters: ['nf_conntrack.drop'],
    population: ['nf_conntrack_count', 'nf_conntrack.entries'], slabCaches: [], unit: 'conntrack entries',
  },
  tcp_orphan_overflow: {
    kind: 'tcp_orphan_overflow', title: 'too many orphaned TCP sockets',
    limitSysctls: ['net.ipv4.tcp_max_orphans'],
    counters: ['TcpExtTCPAbortOnMemory'],
    population: ['sockstat.TCP.orphan'], slabCaches: [], unit: 'orphaned sockets',
  },
  tcp_listen_overflow: {
    kind: 'tcp_listen_overflow', title: 'SYN / listen queue overflow',
    limitSysctls: ['net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog'],
    counters: ['TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPReqQFullDoCookies', 'TcpExtTCPReqQFullDrop'],
    population: [], slabCaches: [], unit: 'queued connections',
  },
  tcp_socket_memory: {
    kind: 'tcp_socket_memory', title: 'TCP out of socket memory',
    limitSysctls: ['net.ipv4.tcp_mem'],
    counters: ['TcpExtTCPAbortOnMemory', 'TcpExtTCPMemoryPressures'],
    population: ['sockstat.TCP.mem'], slabCaches: [], unit: 'pages of TCP memory',
  },
  neighbour_table_overflow: {
    kind: 'neighbour_table_overflow', title: 'neighbour table overflow',
    limitSysctls: ['net.ipv4.neigh.default.gc_thresh3', 'net.ipv6.neigh.default.gc_thresh3'],
    counters: ['arp_cache.table_fulls', 'ndisc_cache.table_fulls'],
    population: ['arp_cache.entries'], slabCaches: [], unit: 'neighbour entries',
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

/**
 * The cheap pre-filter before SIGNATURES: a message can be an overflow only if it holds one of
 * these words (case-insensitive) and is at most CANDIDATE_MAX_CHARS long (every signature's text
 * is far shorter). The classifier tests it in JavaScript; the SQL load paths
 * (formats/kit/sql-load.ts) run the same test in DuckDB from CANDIDATE_RE.
 */
export const CANDIDATE_WORDS = ['overflow', 'table full', 'orphaned', 'memory', 'SYN flooding'] as const;
export const CANDIDATE_MAX_CHARS = 400;
/** CANDIDATE_WORDS as one alternation (plain words: no regex metacharacter to escape, in JS or RE2). */
export const CANDIDATE_RE = CANDIDATE_WORDS.join('|');
const CANDIDATE = new RegExp(CANDIDATE_RE, 'i');

/** Whether a kernel message passes the pre-filter (CANDIDATE_WORDS, CANDIDATE_MAX_CHARS). */
export function isCandidate(message: string): boolean {
  return message.length <= CANDIDATE_MAX_CHARS && CANDIDATE.test(message);
}

/** Which overflow a kernel message reports, if any. Cheap pre-filter first: most lines match nothing. */
export function classifyMessage(message: string): Classified | null {
  if (!isCandidate(message)) return null;
  for (const s of SIGNATURES) {
    const m = s.pattern.exec(message);
    if (m) {
      let detail = s.detailGroup ? m.groups?.[s.detailGroup] ?? null : null;
      if (detail != null && s.detailMap) detail = s.detailMap[detail] ?? detail;
      // A 6.x SYN-flood line names the listener (ADDR:PORT): keep the address, it says which
      // namespace's listener overflowed.
      const addr = m.groups?.addr;
      if (s.kind === 'tcp_listen_overflow' && addr && detail) detail = `${addr.includes(':') ? `[${addr}]` : addr}:${detail}`;
      return { kind: s.kind, variant: s.variant, detail, netRatelimited: s.netRatelimited };
    }
  }
  return null;
}

/** A ratelimit summary line (SUPPRESSED_PATTERN): N and the limiter that printed it, or null. */
export function ratelimitSummary(message: string): { n: number; limiter: Limiter } | null {
  if (!message.includes('suppressed')) return null;
  const m = SUPPRESSED_PATTERN.exec(message);
  if (!m) return null;
  const g = m.groups!;
  return { n: Number(g.n ?? g.n2), limiter: (g.fn ?? 'printk') as Limiter };
}

/** N from a ratelimit summary line, or null. */
export function suppressedCount(message: string): number | null {
  return ratelimitSummary(message)?.n ?? null;
}

/**
 * A syslog daemon's repeat summary (REPEAT_PATTERN): N, and for rsyslog's form the repeated
 * message (the space rsyslog keeps before it removed), or null.
 */
export function repeatSummary(message: string): { n: number; text: string | null } | null {
  const c = message.charCodeAt(0);
  if (c !== 108 && c !== 109) return null; // 'l', 'm'
  const m = REPEAT_PATTERN.exec(message);
  if (!m) return null;
  const g = m.groups!;
  return g.n != null ? { n: Number(g.n), text: null } : { n: Number(g.n2), text: g.text!.replace(/^ /, '') };
}
