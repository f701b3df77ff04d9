/**
 * The rows of every sql/rca/<name>.sql query, as named records: one interface per query, its
 * fields exactly the query's columns (values as runSql gives them: BIGINT → number, timestamps the
 * queries cast to text → string, lists → arrays). RCA_COLUMNS lists those columns once more so that
 * rcaRecords (queries.ts) can check them against what DuckDB returns: a column renamed or dropped
 * in the SQL fails loudly instead of reading as undefined.
 */

/** sql/rca/hosts.sql */
export interface HostsRecord {
  host: string; kernel: string | null; release: string | null; timezone: string | null; timezone_origin: string | null;
  collected_at: string | null; boot_time: string | null; boot_time_basis: string | null; boot_time_uncertainty_s: number | null;
}
/** sql/rca/episodes.sql */
export interface EpisodeRecord {
  host: string; kind: string; episode: number; start_ts: string; end_ts: string; logged: number; suppressed: number;
  repeated: number | null; uncertainty_s: number | null; time_basis: string | null; details: string[] | null;
}
/** sql/rca/listen_namespaces.sql */
export interface ListenNamespaceRecord { host: string; netns: string; local_addr: string; local_port: number }
/** sql/rca/undated.sql */
export interface UndatedRecord { host: string; kind: string; logged: number; suppressed: number; paths: string }
/** sql/rca/any_counter.sql */
export interface AnyCounterRecord { found: number }
/** sql/rca/streams.sql */
export interface StreamRecord {
  host: string; netns: string; name: string; stream: string; kinds: string[]; series: string; origin: string;
  samples: number; first_ts: string; first_value: number; increase: number | null;
}
/** sql/rca/bursts.sql */
export interface BurstRecord {
  host: string; netns: string; name: string; burst: number; start_ts: string; end_ts: string; first_to: string;
  delta: number; steps: number; interval_s: number | null; series: string; tail: boolean;
}
/** sql/rca/series.sql */
export interface SeriesRecord {
  host: string; netns: string; name: string; series: string; origin: string; time_class: string;
  samples: number; interval_s: number | null; paths: string[];
}
/** sql/rca/case_paths.sql */
export interface CasePathRecord { path: string }
/** sql/rca/windows.sql and windows_drop.sql (statements: no rows) */
export type NoRecord = Record<string, never>;
/** sql/rca/window_sources.sql */
export interface WindowSourceRecord {
  id: number; source_id: number; path: string | null; lines: number | null; supp: number | null; rep: number | null;
  first: string | null; last: string | null;
}
/** sql/rca/window_limits.sql */
export interface WindowLimitRecord { id: number; limit_name: string; limit_value: number | null; raw_value: string | null; path: string | null }
/** sql/rca/window_population.sql */
export interface WindowPopulationRecord { id: number; metric: string; value: number | null; ts: string | null; origin: string; path: string | null }
/** sql/rca/window_peers.sql */
export interface WindowPeerRecord {
  id: number; peer: string; share: number; sockets: number; side: string; local_port: number | null; ts: string | null;
  path: string | null; total: number;
}
/** sql/rca/settings.sql */
export interface SettingRecord { host: string; netns: string; name: string; value: string }
/** sql/rca/tw_object_size.sql */
export interface TwObjectSizeRecord { host: string; s: number | null }
/** sql/rca/rate_ranges.sql */
export interface RateRangeRecord { host: string; netns: string; name: string; n: number; first: string; last: string }
/** sql/rca/window_spikes.sql */
export interface WindowSpikeRecord {
  id: number; name: string; origin: string; series: string; time_class: string; interval_s: number | null; method: string;
  start_ts: string | null; peak_ts: string | null; baseline: number | null; peak: number | null;
}
/** sql/rca/window_rates.sql */
export interface WindowRateRecord {
  id: number; name: string; origin: string; series: string; baseline: number | null; peak: number | null; peak_at: string | null;
}
/** sql/rca/window_listeners.sql */
export interface WindowListenerRecord {
  id: number; local_addr: string; local_port: number; near: boolean; snapshots: number; full_snapshots: number; full_near: number;
  peak_queue: number | null; peak_queue_at: string | null; backlog_near: number | null; backlog_any: number | null;
  process: string | null; source_id: number | null;
}
/** sql/rca/window_clients.sql */
export interface WindowClientRecord { id: number; local_port: number; peer_addr: string; sockets: number }
/** sql/rca/window_listen_counters.sql */
export interface WindowListenCounterRecord { id: number; name: string; delta: number }
/** sql/rca/window_attempts.sql */
export interface WindowAttemptRecord {
  id: number; series: string; baseline: number | null; peak: number | null; peak_at: string | null;
  accepted_at_peak: number | null; outran_from: string | null;
}
/** sql/rca/chart_range.sql */
export interface ChartRangeRecord { lo: number | null; hi: number | null }
/** sql/rca/chart_population.sql */
export interface ChartPopulationRecord { metric: string; origin: string; t: number; v: number }
/** sql/rca/chart_rates.sql */
export interface ChartRateRecord { name: string; origin: string; t: number; t_from: number | null; v: number }
/** sql/rca/chart_events.sql */
export interface ChartEventRecord { t: number; logged: number; suppressed: number; estimated_total: number }
/** sql/rca/chart_counter_steps.sql */
export interface ChartCounterStepRecord { t0: number; t1: number; increase: number; seconds: number }

/** Query name → the record of its rows. */
export interface RcaRecords {
  hosts: HostsRecord;
  episodes: EpisodeRecord;
  listen_namespaces: ListenNamespaceRecord;
  undated: UndatedRecord;
  any_counter: AnyCounterRecord;
  streams: StreamRecord;
  bursts: BurstRecord;
  series: SeriesRecord;
  case_paths: CasePathRecord;
  windows: NoRecord;
  windows_drop: NoRecord;
  window_sources: WindowSourceRecord;
  window_limits: WindowLimitRecord;
  window_population: WindowPopulationRecord;
  window_peers: WindowPeerRecord;
  settings: SettingRecord;
  tw_object_size: TwObjectSizeRecord;
  rate_ranges: RateRangeRecord;
  window_spikes: WindowSpikeRecord;
  window_rates: WindowRateRecord;
  window_listeners: WindowListenerRecord;
  window_clients: WindowClientRecord;
  window_listen_counters: WindowListenCounterRecord;
  window_attempts: WindowAttemptRecord;
  chart_range: ChartRangeRecord;
  chart_population: ChartPopulationRecord;
  chart_rates: ChartRateRecord;
  chart_events: ChartEventRecord;
  chart_counter_steps: ChartCounterStepRecord;
}
export type RcaQueryName = keyof RcaRecords;

/** Every field of every record, in the query's column order (checked against DuckDB's columns). */
export const RCA_COLUMNS: { [N in RcaQueryName]: readonly (keyof RcaRecords[N])[] } = {
  hosts: ['host', 'kernel', 'release', 'timezone', 'timezone_origin', 'collected_at', 'boot_time', 'boot_time_basis', 'boot_time_uncertainty_s'],
  episodes: ['host', 'kind', 'episode', 'start_ts', 'end_ts', 'logged', 'suppressed', 'repeated', 'uncertainty_s', 'time_basis', 'details'],
  listen_namespaces: ['host', 'netns', 'local_addr', 'local_port'],
  undated: ['host', 'kind', 'logged', 'suppressed', 'paths'],
  any_counter: ['found'],
  streams: ['host', 'netns', 'name', 'stream', 'kinds', 'series', 'origin', 'samples', 'first_ts', 'first_value', 'increase'],
  bursts: ['host', 'netns', 'name', 'burst', 'start_ts', 'end_ts', 'first_to', 'delta', 'steps', 'interval_s', 'series', 'tail'],
  series: ['host', 'netns', 'name', 'series', 'origin', 'time_class', 'samples', 'interval_s', 'paths'],
  case_paths: ['path'],
  windows: [],
  windows_drop: [],
  window_sources: ['id', 'source_id', 'path', 'lines', 'supp', 'rep', 'first', 'last'],
  window_limits: ['id', 'limit_name', 'limit_value', 'raw_value', 'path'],
  window_population: ['id', 'metric', 'value', 'ts', 'origin', 'path'],
  window_peers: ['id', 'peer', 'share', 'sockets', 'side', 'local_port', 'ts', 'path', 'total'],
  settings: ['host', 'netns', 'name', 'value'],
  tw_object_size: ['host', 's'],
  rate_ranges: ['host', 'netns', 'name', 'n', 'first', 'last'],
  window_spikes: ['id', 'name', 'origin', 'series', 'time_class', 'interval_s', 'method', 'start_ts', 'peak_ts', 'baseline', 'peak'],
  window_rates: ['id', 'name', 'origin', 'series', 'baseline', 'peak', 'peak_at'],
  window_listeners: ['id', 'local_addr', 'local_port', 'near', 'snapshots', 'full_snapshots', 'full_near', 'peak_queue', 'peak_queue_at',
    'backlog_near', 'backlog_any', 'process', 'source_id'],
  window_clients: ['id', 'local_port', 'peer_addr', 'sockets'],
  window_listen_counters: ['id', 'name', 'delta'],
  window_attempts: ['id', 'series', 'baseline', 'peak', 'peak_at', 'accepted_at_peak', 'outran_from'],
  chart_range: ['lo', 'hi'],
  chart_population: ['metric', 'origin', 't', 'v'],
  chart_rates: ['name', 'origin', 't', 't_from', 'v'],
  chart_events: ['t', 'logged', 'suppressed', 'estimated_total'],
  chart_counter_steps: ['t0', 't1', 'increase', 'seconds'],
};
