import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_DIR } from './store/db.js';
import { mdText, termSafe } from './report/safe.js';

/** A table cell of our own prose: only what would break the row is escaped. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/**
 * The database's catalogue for people: every table, view and column with its meaning, and the
 * conventions values follow. Tables are described where they are made — the comment above each
 * CREATE TABLE in sql/schema and the comment on each column line — and views by the comment above
 * each CREATE VIEW in sql/views, their columns here (VIEW_COLUMNS, then COMMON_COLUMNS). A test
 * holds this against a real database's information_schema: no column undocumented, none
 * documented that does not exist.
 */

export interface SchemaColumn {
  name: string;
  type: string;
  description: string;
}

export interface SchemaObject {
  name: string;
  type: 'table' | 'view';
  description: string;
  /** Comments below a table's CREATE (value lists such as sources.time_basis). */
  notes: string | null;
  columns: SchemaColumn[];
}

/** How values are written, whatever the table. */
export const CONVENTIONS: string[] = [
  'Times are TIMESTAMPTZ instants in UTC (the session zone is UTC); hosts.timezone says how the host wrote its local times, and ts_quality / sources.time_basis how each instant was derived and how far to trust it.',
  'ts_quality: exact (the data carried UTC or an offset), local+tz (local time read in the host\'s zone), syslog-year-inferred (no year in the stamp: taken from the collection date), assumed-utc (zone unknown: hours off possible), monotonic+boot (seconds since boot + hosts.boot_time), collection-time (a snapshot with no stamp of its own, dated with the sosreport\'s collection), file-mtime (a side file\'s modification time).',
  'Uncertainties are ± seconds (columns ending in _uncertainty_s); NULL means unknown, not zero.',
  'NULL means the inputs held no evidence for the value (no limit, no kernel, no time); it never means zero or "none". Zero is a value that was read.',
  "netns '' is the host's own network namespace; any other value is the name given with --netns or found in a sosreport taken inside the namespace. A namespace's sysctls are its own: the root's values are never borrowed.",
  "Socket states are stored as the kernel names them (TIME_WAIT, SYN_RECV, FIN_WAIT2, CLOSE_WAIT: /proc/net/tcp and netstat spelling), whatever the tool printed: ss writes TIME-WAIT, SYN-RECV, FIN-WAIT-2, CLOSE-WAIT. One spelling makes `state = 'TIME_WAIT'` find every snapshot; the reports' prose says TIME-WAIT as ss users read it.",
  'Counters: semantics cumulative (since boot; a drop is a reset) or gauge (a level at that instant). Rates are per second; sizes are bytes unless the column says KiB or pages (tcp_mem is in pages of 4 KiB).',
  'Overflow kinds: tcp_timewait_overflow, conntrack_table_full, tcp_orphan_overflow, tcp_listen_overflow, tcp_socket_memory, neighbour_table_overflow (table signatures).',
  'Host names are short names (first label of an FQDN; addresses kept whole); controls, `/`, `\\` and `%` in them are percent-encoded and they are cut to 253 bytes, so they are safe in terminals and export paths.',
  'source_id points at sources.source_id (the input or bundle member a row came from); line_no / line are 1-based line numbers in it.',
];

/** Column meanings shared by several views (a view's own entry in VIEW_COLUMNS wins). */
export const COMMON_COLUMNS: Record<string, string> = {
  host: 'host the row belongs to (hosts.host)',
  netns: "network namespace ('' = the host's own)",
  kind: 'overflow kind (signatures.kind)',
  name: 'counter name (counter_samples.name)',
  origin: 'the tool or file family the values came from (nstat, sar, sadf, netstat-s, proc-snmp, sockstat, slabinfo, sockets, …)',
  series: 'the series the value belongs to: one source of snapshots, or a chain of same-origin sources that do not overlap in time (origin, cadence, files)',
  time_class: "timed (each sample carries its own instant), collection-time (stamped with the bundle's collection time) or file-mtime",
  ts: 'instant of the sample (UTC)',
  ts_quality: 'how ts was derived (see conventions)',
  source_id: 'sources.source_id of the row',
  source_ids: 'sources.source_id of every source that contributed',
  samples: 'number of samples',
  first_ts: 'first sample instant (UTC)',
  last_ts: 'last sample instant (UTC)',
  first_value: 'value at the first sample (counted since boot, at an unknown time before it)',
  last_value: 'value at the last sample',
  increase: 'increase over the interval, resets accounted (a reset counts from zero)',
  resets: 'drops to less than half the value before (reboot, 32-bit wrap)',
  interval_s: 'median seconds between samples (the cadence)',
  from_ts: 'start of the interval (UTC)',
  to_ts: 'end of the interval (UTC)',
  from_value: 'counter value at from_ts',
  to_value: 'counter value at to_ts',
  seconds: 'length of the interval in seconds',
  per_second: 'rate over the interval, per second',
  method: 'how the rate was obtained: derived (from two counter samples) or recorded (sar/sadf printed it)',
  start_ts: 'first instant (UTC)',
  end_ts: 'last instant (UTC)',
  logged: "overflow lines the kernel printed (counted once across copies; includes lines a syslog daemon folded into 'last message repeated')",
  suppressed: "lines the kernel's ratelimit suppressed (net_ratelimit / printk callbacks suppressed) attributed to this kind: an upper bound",
  estimated_total: 'logged + suppressed',
  repeated: "of logged, the lines a syslog daemon wrote only as 'last message repeated N times'",
  time_uncertainty_s: '± seconds of the instants (NULL when unknown)',
  time_basis: 'how the instants were derived (sources.time_basis)',
  details: 'the distinct details of the lines (port, table, device) the kernel named',
  limit_name: 'the sysctl that is the limit of the kind (net.ipv4.tcp_max_tw_buckets, net.netfilter.nf_conntrack_max, …)',
  limit_value: 'the limit as a number (tcp_mem: its third, "high" value, in pages)',
  baseline: 'median rate per second of the previous three hours (the robust baseline)',
  peak: 'highest rate per second',
  side: "who holds the socket: 'server' (our port is listening, or below the ephemeral range while the peer's is in it) or 'client' (an outgoing connection)",
  local_port: 'local port (NULL for *)',
};

/** Each view's own columns; a column not here takes COMMON_COLUMNS, then the column of the same name in `like`. */
export const VIEW_COLUMNS: Record<string, { like?: string; columns: Record<string, string> }> = {
  overflow_islands: { columns: {
    island: 'island number per host and kind, in time order (events closer than 2 s)',
    n_sources: 'sources that saw the island (dmesg, messages, journal, central syslog …); it counts what the most complete one saw, never the sum',
  } },
  overflow_minutes: { columns: { minute: 'the minute (UTC), truncated' } },
  overflow_episodes: { columns: {
    episode: 'episode number per host and kind, in time order (10 minutes without an overflow line end an episode)',
    bursts: 'islands (ratelimit bursts) in the episode',
  } },
  sysctl_values: { like: 'sysctls', columns: {
    name: 'sysctl name (net.ipv4.tcp_max_tw_buckets)',
    value: 'the running value as text: sysctl -a first, then proc/sys, then what sysctl.conf configures (which may not be in force)',
    origin: 'sysctl-a | proc-sys | sysctl.conf | …: which of them gave the value',
  } },
  overflow_limits: { columns: {
    raw_value: 'the sysctl value as written (tcp_mem: three numbers)',
    origin: 'where the value came from (sysctls.origin)',
  } },
  population_samples: { columns: {
    metric: "what was counted: sockstat.TCP.tw, nf_conntrack_count, sockets.TIME_WAIT (a socket list), slab.tw_sock_TCP+… (slab objects: free slots of per-CPU slabs and RCU-delayed frees included, so they can exceed the limit) …",
    value: 'the population at ts (sockets, entries, pages for tcp_socket_memory)',
    origin: 'sockstat | sar | conntrack | slabinfo | sockets | …',
  } },
  counter_series_samples: { columns: { value: 'the counter value at ts' } },
  counter_series_steps: { columns: {
    reset: 'the value dropped to less than half: a reset, counted from zero',
    dip: 'a smaller drop (per-CPU sums read a moment apart): adds nothing',
  } },
  counter_series: { columns: {} },
  counter_primary: { columns: {} },
  counter_steps: { columns: { step: "what the step is: 'series' (inside the primary series), 'extension' (another series' samples outside it), 'tail' (a higher value another series saw at the end)" } },
  counter_deltas: { columns: {
    series_samples: 'samples of the series the delta was read from',
    series_interval_s: 'median seconds between its samples',
  } },
  counter_rates: { columns: { ts: 'end of the interval (UTC)' } },
  socket_sides: { like: 'sockets', columns: {} },
  timewait_peers: { columns: {
    ts: 'instant of the socket snapshot (UTC)',
    peer: 'who the TIME-WAIT sockets are with: the service ip:port of outgoing connections, the client address of incoming ones',
    local_port: 'our listening port (incoming connections), else NULL',
    sockets: 'TIME_WAIT sockets with this peer in the snapshot',
    share: 'sockets / snapshot_total (0–1)',
    snapshot_total: 'TIME_WAIT sockets in the snapshot',
  } },
  rate_series: { columns: { ts: 'end of the interval the rate averages over (UTC)' } },
  rate_baselines: { columns: {
    ts: 'end of the interval (UTC)',
    mad: 'median absolute deviation of the baseline samples × 1.4826 (an estimate of σ)',
    history: 'samples in the baseline window',
    is_spike: 'more than twice the baseline and more than 6 σ above it, with at least 3 samples of history',
  } },
  rate_spikes: { columns: {
    spike_no: 'spike number per series',
    start_ts: 'beginning of the first interval that spiked (UTC)',
    end_ts: 'end of the last interval that spiked (UTC)',
    baseline: 'the baseline rate per second just before the spike',
    peak_ts: 'end of the interval of the peak (UTC)',
    samples: 'spiking samples',
    interval_s: 'median seconds between the samples of the series',
  } },
  episode_alignment: { columns: {
    episode: 'overflow_episodes.episode',
    minute: 'a minute of the episode (UTC)',
    population: 'the latest population sample at or before the end of the minute',
    population_at: 'its instant (UTC)',
    population_ratio: 'population / limit_value (above 1 for slab objects, which include free slots)',
    active_opens_per_s: 'TcpActiveOpens per second in force (the latest interval begun by the minute): outgoing connections',
    active_at: 'end of that interval (UTC)',
    passive_opens_per_s: 'TcpPassiveOpens per second in force: incoming connections',
    passive_at: 'end of that interval (UTC)',
  } },
  log_timeline: { like: 'log_events', columns: {
    copies: 'how many copies of the line the inputs hold (dmesg, messages, journal, central syslog …); NULL while the host\'s copies are not matched (log_copies_due: bundlescope report / query match them on first read)',
    copy_refs: 'where each copy is: (source_id, line_no); NULL as copies',
    source_id: 'source of the line that speaks for the event (the most precise time)',
    line_no: 'its line number',
  } },
};

/** Comment lines (without `-- `) directly above line i. */
function commentAbove(lines: string[], i: number): string {
  const out: string[] = [];
  for (let k = i - 1; k >= 0 && /^--/.test(lines[k]!); k--) out.unshift(lines[k]!.replace(/^--\s?/, ''));
  return out.join(' ').replace(/\s+/g, ' ').trim();
}

interface Described {
  description: string;
  notes: string | null;
  columns: Map<string, string>;
}

/** Tables from sql/schema: the comment above CREATE TABLE, each column line's comment, and the comments below. */
export function tableDescriptions(): Map<string, Described> {
  const out = new Map<string, Described>();
  const dir = join(SQL_DIR, 'schema');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /^CREATE (?:TEMP |TEMPORARY )?TABLE (?:IF NOT EXISTS )?(\w+)\s*\(/.exec(line);
      if (!m) return;
      const columns = new Map<string, string>();
      let k = i + 1;
      for (; k < lines.length && !/^\);/.test(lines[k]!); k++) {
        const c = /^\s+(\w+)\s+[A-Z][A-Z0-9_]*(?:\[\])?\b[^-]*--\s*(.*)$/.exec(lines[k]!);
        if (c && !/^(PRIMARY|UNIQUE|CHECK|FOREIGN)$/.test(c[1]!)) columns.set(c[1]!, c[2]!.trim());
      }
      const notes: string[] = [];
      for (k++; k < lines.length && /^--/.test(lines[k]!); k++) notes.push(lines[k]!.replace(/^--\s?/, ''));
      out.set(m[1]!, { description: commentAbove(lines, i), notes: notes.length ? notes.join('\n') : null, columns });
    });
  }
  return out;
}

/** Views from sql/views: the comment above CREATE VIEW; columns from VIEW_COLUMNS, COMMON_COLUMNS and `like`. */
export function viewDescriptions(tables = tableDescriptions()): Map<string, Described & { resolve: (col: string) => string | null }> {
  const out = new Map<string, Described & { resolve: (col: string) => string | null }>();
  const dir = join(SQL_DIR, 'views');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /^CREATE (?:OR REPLACE )?(?:TEMP |TEMPORARY )?VIEW (\w+)/.exec(line);
      if (!m) return;
      const own = VIEW_COLUMNS[m[1]!];
      const columns = new Map(Object.entries(own?.columns ?? {}));
      const like = own?.like ? tables.get(own.like)?.columns : undefined;
      out.set(m[1]!, {
        description: commentAbove(lines, i), notes: null, columns,
        resolve: (col) => columns.get(col) ?? COMMON_COLUMNS[col] ?? like?.get(col) ?? null,
      });
    });
  }
  return out;
}

/**
 * Every table and view of a database with the schema applied (`columns`: name, type and column
 * list as information_schema gives them), described. A column without a description gets
 * description '' (the test fails on it, the command still lists it).
 */
export function describeSchema(columns: { table: string; type: 'table' | 'view'; column: string; dataType: string }[]): SchemaObject[] {
  const tables = tableDescriptions();
  const views = viewDescriptions(tables);
  const objects = new Map<string, SchemaObject>();
  for (const c of columns) {
    let o = objects.get(c.table);
    if (!o) {
      const d = c.type === 'table' ? tables.get(c.table) : views.get(c.table);
      o = { name: c.table, type: c.type, description: d?.description ?? '', notes: d?.notes ?? null, columns: [] };
      objects.set(c.table, o);
    }
    if (o.columns.some((x) => x.name === c.column)) continue;
    const description = c.type === 'table' ? tables.get(c.table)?.columns.get(c.column) : views.get(c.table)?.resolve(c.column);
    o.columns.push({ name: c.column, type: c.dataType, description: description ?? '' });
  }
  return [...objects.values()].sort((a, b) => Number(a.type === 'view') - Number(b.type === 'view') || a.name.localeCompare(b.name));
}

/** The columns of every bundlescope table and view in a database (main schema and the temporary one, each name once). */
export const SCHEMA_COLUMNS_SQL = `
  SELECT t.table_name AS "table", CASE WHEN t.table_type = 'VIEW' THEN 'view' ELSE 'table' END AS "type",
    c.column_name AS "column", c.data_type AS "dataType", c.ordinal_position AS pos
  FROM information_schema.tables t
  JOIN information_schema.columns c ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name
  WHERE t.table_schema IN ('main', 'temp') AND t.table_name NOT LIKE 'rca\\_%' ESCAPE '\\'
  ORDER BY t.table_name, t.table_schema, c.ordinal_position`;

/** The schema page in Markdown: conventions, then each table and view with its columns. */
export function schemaMarkdown(objects: SchemaObject[], withConventions = true): string {
  const out: string[] = [];
  if (withConventions) {
    out.push('# bundlescope database schema', '', '## Conventions', '');
    // (our own prose: its `code` is Markdown, not data to escape)
    for (const c of CONVENTIONS) out.push(`- ${c}`);
    out.push('');
  }
  for (const o of objects) {
    out.push(`## ${o.name} (${o.type})`, '');
    if (o.description) out.push(o.description, '');
    out.push('| column | type | meaning |', '|---|---|---|');
    for (const c of o.columns) out.push(`| ${mdText(c.name)} | ${mdText(c.type)} | ${cell(c.description || '(undocumented)')} |`);
    out.push('');
    if (o.notes) out.push('Notes:', '', ...o.notes.split('\n').map((l) => `    ${termSafe(l)}`), '');
  }
  return out.join('\n');
}

export function schemaJson(objects: SchemaObject[], withConventions = true): string {
  return JSON.stringify(withConventions ? { conventions: CONVENTIONS, objects } : { objects }, null, 2) + '\n';
}
