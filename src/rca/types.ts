/**
 * The root-cause report's types: what buildRca (findings.ts) returns, what the renderers
 * (render.ts, html.ts, phrases.ts) and the JSON read. findings.ts re-exports them.
 */
import type { OverflowKind } from '../signatures.js';
import type { FindingChartData } from './charts.js';
import type { FindingSentences } from './phrases.js';
import type { Recommendation } from './recommend.js';

/** The root-cause JSON contract (design.md); extra fields are additions, never renames. */
export interface Finding {
  host: string;
  kind: OverflowKind;
  netns: string | null;
  start: string | null;
  end: string | null;
  /** What dates start and end: the log lines, the counter snapshots, both, or nothing (null: undated). */
  dated_by: 'log' | 'counter' | 'log+counter' | null;
  /** ± seconds of start and end (log time uncertainty, or the snapshot interval). */
  time_uncertainty_s: number | null;
  events: {
    logged: number; suppressed: number; estimated_total: number; counter_delta: number | null; counter: string | null;
    /** Of `logged`, the lines the syslog daemon folded into "last message repeated N times". */
    repeated: number;
    /** The series the counter delta was read from (origin, cadence, files). */
    counter_series: string | null;
  };
  limit: {
    name: string | null; value: number | null; peak: number | null; peak_at: string | null; peak_metric: string | null; ratio: number | null;
    /** Why the limit is unknown or where it comes from, when that is not plain. */
    note: string | null;
  };
  /** tcp_listen_overflow: the listening socket whose accept queue overflowed. */
  listener: Listener | null;
  trigger: {
    metric: string; baseline: number | null; peak: number | null; start: string | null; lead_seconds: number | null;
    spiked: boolean; peak_at: string | null; origin: string | null; note: string;
  } | null;
  /** Why trigger is null, or what the rate data could not say. */
  trigger_note: string | null;
  top_peers: { peer: string; share: number; sockets: number; side: string; local_port: number | null }[];
  evidence: { source: string; detail: string }[];
  recommendations: Recommendation[];
  risks: { id: string; text: string }[];
  summary: string;
  /** Every sentence the Markdown and HTML reports print for this finding, worded once (phrases.ts). */
  sentences: FindingSentences | null;
}

export interface Listener {
  address: string;
  port: number;
  process: string | null;
  /** The accept queue's limit: min(listen() backlog, net.core.somaxconn) (ss Send-Q of the LISTEN socket). */
  backlog: number | null;
  /** Which of the two set it: the application's listen() argument, or somaxconn capping it. */
  backlog_set_by: 'application' | 'net.core.somaxconn' | null;
  somaxconn: number | null;
  /** Longest accept queue seen (ss Recv-Q): backlog + 1 means full (the kernel's test is queue > backlog). */
  peak_queue: number | null;
  peak_queue_at: string | null;
  /** Snapshots taken during the finding in which the queue was full, of all of them that showed the listener. */
  full_snapshots: number;
  snapshots: number;
  source: string | null;
}

export interface RcaOptions {
  host?: string | null;
  /** Only findings of this network namespace ('' = the host's own). */
  netns?: string | null;
  from?: string | null;
  to?: string | null;
  /** Also read every finding's chart series (for renderHtml): minutes shown around a dated episode, or true for 30. */
  charts?: boolean | { marginMinutes: number };
}

export interface HostRow {
  host: string;
  kernel: string | null;
  release: string | null;
  timezone: string | null;
  timezone_origin: string | null;
  collected_at: string | null;
  boot_time: string | null;
  /** How the boot instant was found (proc/stat btime, uptime (minutes), an anchor …) and ± seconds. */
  boot_time_basis: string | null;
  boot_time_uncertainty_s: number | null;
}

export interface RcaReport {
  generated_by: string;
  hosts: HostRow[];
  findings: Finding[];
  /**
   * The chart series of each finding (same order as findings), when built with `charts`: what the
   * HTML draws. Not part of the JSON contract (renderJson leaves it out).
   */
  charts?: FindingChartData[];
}
