/**
 * Row types, named after the tables they fill; field names mirror the SQL columns.
 * Timestamps are epoch microseconds UTC as JS numbers (exact up to year 2255).
 */

import type { OverflowKind } from './signatures.js';

/** How a stored timestamp was derived. */
export type TsQuality =
  | 'exact' // the source carried UTC or an explicit offset
  | 'local+tz' // local wall time + the host's zone (with year)
  | 'syslog-year-inferred' // RFC 3164 stamp: local time, year inferred from collection date
  | 'monotonic+boot' // seconds since boot + boot time
  | 'collection-time' // snapshot taken at sosreport collection (no own stamp)
  | 'file-mtime' // a side file with no stamp of its own: the file's modification time
  | 'assumed-utc'; // local time with no known zone, taken as UTC

/** How a set of instants was derived, and how far off they may be (sources.time_basis, hosts.boot_time_basis). */
export interface TimeBasis {
  basis: string;
  /** ± seconds; null when unknown. */
  uncertainty_s: number | null;
}

/** A line (or entry) a parser could not use. Never silently dropped. */
export interface Issue {
  code: string;
  file: string;
  line: number | null;
  text: string;
  expected: string;
  /** warning: a line skipped; error: data lost (input rejected or cut short); note: how it was read, nothing lost. */
  severity: 'warning' | 'error' | 'note';
}

/** Everything a parser may know besides the text itself. No clock, no files, no database. */
export interface ParseContext {
  /** Display path of the input (used in issues). */
  file: string;
  /** Host the data belongs to, when the format does not say (or to override it). */
  host: string | null;
  /** IANA zone name for local wall times ('UTC' when unknown; see tzAssumed). */
  tz: string;
  /** True when tz is a guess (no zone found): timestamps get ts_quality 'assumed-utc'. */
  tzAssumed?: boolean;
  /** Epoch ms of collection (sosreport `date`), used to infer years of RFC 3164 stamps. */
  referenceTimeMs?: number | null;
  /** Epoch ms of boot, for dmesg / monotonic stamps (fractional: a calibrated boot time has µs). */
  bootTimeMs?: number | null;
  /** Timestamp (epoch µs) for snapshots that carry none (sosreport collection or command time). */
  snapshotTs?: number | null;
  /** Quality of snapshotTs (default 'collection-time'). */
  snapshotQuality?: TsQuality;
  /** Network namespace of the data ('' / null = the host's own). */
  netns?: string | null;
}

export interface ParseResult<R> {
  rows: R[];
  issues: Issue[];
  linesRead: number;
  linesSkipped: number;
}

export interface LogEventRow {
  host: string | null;
  ts: number | null;
  ts_quality: TsQuality | null;
  boot_id: string | null;
  /** µs since boot (dmesg bracket, journal monotonic) when known. */
  mono_us: number | null;
  ident: string | null;
  pid: number | null;
  unit: string | null;
  priority: number | null;
  facility: number | null;
  /** journal _TRANSPORT, or 'kernel' for dmesg, 'syslog' for syslog files. */
  transport: string | null;
  message: string;
  line_no: number;
}

export interface SlabSampleRow {
  host: string | null;
  ts: number;
  ts_quality: TsQuality;
  cache: string;
  active_objs: number;
  num_objs: number;
  objsize: number;
  objperslab: number | null;
  pagesperslab: number | null;
  active_slabs: number | null;
  num_slabs: number | null;
}

export type CounterSemantics = 'cumulative' | 'rate' | 'gauge';

/**
 * Counter names are canonical so that every origin of the same quantity lines up:
 * - SNMP/netstat counters: nstat spelling, prefix + name (`TcpActiveOpens`, `TcpExtTCPTimeWaitOverflow`).
 *   sar `active/s` is stored as `TcpActiveOpens` with semantics 'rate'.
 * - sockstat gauges: `sockstat.<LABEL>.<key>` (`sockstat.TCP.tw`, `sockstat.TCP.inuse`,
 *   `sockstat.sockets.used`); sar `tcp-tw` is `sockstat.TCP.tw` (gauge, origin sar).
 * - /proc/net/stat/<table>: `<table>.<column>` (`nf_conntrack.drop`, `arp_cache.table_fulls`).
 * - other sar columns: `sar.<column>` with `device` set for per-device activities.
 */
export interface CounterSampleRow {
  host: string | null;
  ts: number;
  ts_quality: TsQuality;
  origin: string; // sar | sadf | nstat | netstat-s | proc | sockstat | ss-s | conntrack | sysctl
  name: string;
  value: number;
  semantics: CounterSemantics;
  device: string | null;
  netns: string | null;
}

export interface SysctlRow {
  host: string | null;
  name: string;
  value: string;
  origin: string; // sysctl-a | proc-sys | sysctl.conf
  netns: string | null;
}

export interface SocketRow {
  host: string | null;
  ts: number;
  ts_quality: TsQuality;
  netns: string | null;
  proto: string; // tcp, tcp6, udp, ...
  state: string; // normalised: TIME_WAIT, ESTABLISHED, LISTEN, SYN_RECV, FIN_WAIT2, CLOSE_WAIT, ...
  local_addr: string;
  local_port: number | null;
  peer_addr: string;
  peer_port: number | null;
  process: string | null;
  timer: string | null;
  /**
   * Recv-Q as the tool printed it: bytes not yet read by the application, or for a LISTEN
   * socket the connections waiting in its accept queue. null when the output had no such column.
   */
  recv_q: number | null;
  /**
   * Send-Q: bytes not yet acknowledged; for a LISTEN socket in `ss` the listener's effective
   * backlog, min(listen() backlog, net.core.somaxconn). null for LISTEN sockets of netstat and
   * /proc/net/tcp, which print the (empty) write queue there, not the backlog; null when absent.
   */
  send_q: number | null;
}

/** Facts about a host from a bundle (any may be null). */
export interface HostFacts {
  host: string;
  kernel: string | null;
  release: string | null;
  timezone: string | null;
  timezone_origin: string | null;
  boot_time: number | null; // epoch µs
  /** How boot_time was found (hosts.boot_time_basis: proc/stat btime, proc/uptime, uptime (minutes), dmesg -T match). */
  boot_time_basis: string | null;
  /** ± seconds of boot_time (null when unknown). */
  boot_time_uncertainty_s: number | null;
  collected_at: number | null; // epoch µs
  boot_id: string | null;
}

/**
 * An incremental line parser: fed one line at a time (so huge inputs stream), it keeps
 * rows until drained (so the loader can append them in batches).
 */
export interface LineParser<R> {
  /** One line without its line terminator (a trailing \r is already removed); lineNo is 1-based. */
  line(text: string, lineNo: number): void;
  /** No more lines: flush any record still open. */
  end(): void;
  /** Take the rows produced so far. */
  drain(): R[];
  readonly issues: Issue[];
  linesRead: number;
  linesSkipped: number;
}

/** A parser fed raw bytes (binary formats such as the journal export format). */
export interface ChunkParser<R> {
  chunk(buf: Uint8Array): void;
  end(): void;
  drain(): R[];
  readonly issues: Issue[];
  linesRead: number;
  linesSkipped: number;
}

/** overflow_events: one kernel overflow message (or a summary of suppressed/repeated ones), classified. */
export interface OverflowEventRow {
  host: string | null;
  ts: number | null;
  ts_quality: TsQuality | null;
  kind: OverflowKind | 'unattributed';
  count: number;
  suppressed: boolean;
  variant: string | null;
  detail: string | null;
  mono_us: number | null;
  boot_id: string | null;
  message: string;
  line_no: number;
  /** A syslog daemon's repeat summary: `count` more copies of the line it repeats (not suppressed by the kernel). */
  repeated: boolean;
}
