import type { Store } from '../store/db.js';
import { rcaRows, type Rows } from './queries.js';
import { gatherCharts, type FindingChartData } from './charts.js';
import { KINDS, type OverflowKind } from '../signatures.js';
import { findingSentences, type FindingSentences } from './phrases.js';
import { recommend, type Recommendation } from './recommend.js';
import { reconcile, type CounterBurst, type CounterRemainder, type LoggedEpisode, type Reconciled, type UndatedLogged } from './reconcile.js';

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

/** DuckDB's TIMESTAMPTZ text (session zone UTC) → ISO 8601 UTC, keeping µs. */
const iso = (v: unknown): string | null => {
  if (v == null) return null;
  const s = String(v);
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?\+00(?::00)?$/.exec(s);
  if (m) return `${m[1]}T${m[2]}${m[3] ? m[3].replace(/0+$/, '') : ''}Z`;
  const d = new Date(s.includes('T') || s.includes('Z') ? s : s.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z'));
  if (Number.isNaN(d.getTime())) return s;
  const out = d.toISOString();
  return out.endsWith('.000Z') ? out.slice(0, 19) + 'Z' : out;
};
const num = (v: unknown): number | null => (v == null ? null : Number(v));



/** A finding under construction: its window, and evidence that goes before / after the shared facts. */
interface Draft {
  f: Finding;
  r: Reconciled;
  head: Finding['evidence'];
  tail: Finding['evidence'];
}

function emptyFinding(host: string, kind: OverflowKind, netns: string | null, start: string | null, end: string | null): Finding {
  return {
    host, kind, netns: netns || null, start, end, dated_by: null, time_uncertainty_s: null,
    events: { logged: 0, suppressed: 0, repeated: 0, estimated_total: 0, counter_delta: null, counter: null, counter_series: null },
    limit: { name: KINDS[kind].limitSysctls[0] ?? null, value: null, peak: null, peak_at: null, peak_metric: null, ratio: null, note: null },
    listener: null,
    trigger: null, trigger_note: null, top_peers: [], evidence: [], recommendations: [], risks: [], summary: '', sentences: null,
  };
}

const fmtS = (s: number | null) => (s == null ? '?' : s >= 10 ? `${Math.round(s)} s` : `${Math.round(s * 100) / 100} s`);

/**
 * Findings are built in three steps so that the cost does not grow with the number of episodes:
 * the evidence (logged episodes, counter bursts, remainders: a handful of set-based queries), its
 * reconciliation in time (reconcile.ts, no database), then every fact for all findings at once,
 * each a set-based query joined to a temporary table of their time windows.
 */
export async function buildRca(store: Store, opts: RcaOptions = {}): Promise<RcaReport> {
  const p = { host: opts.host ?? null, from: opts.from ?? null, to: opts.to ?? null };
  const hosts = (await rcaRows(store, 'hosts', { host: p.host })).map((h) => ({
    ...h, collected_at: iso(h.collected_at), boot_time: iso(h.boot_time),
  })) as unknown as HostRow[];
  const netnsFilter = opts.netns != null ? { netns: opts.netns } : null;

  // Logged episodes, with the time uncertainty of their lines and the listeners they name.
  const episodeRows = (await rcaRows(store, 'episodes', p));
  // Which namespaces listen on the port (and address) a SYN-flood line names.
  const listenNs = episodeRows.some((e) => Array.isArray(e.details) && e.details.length > 0)
    ? (await rcaRows(store, 'listen_namespaces', { host: p.host }))
    : [];
  const episodes: LoggedEpisode[] = episodeRows.map((e) => ({
    host: String(e.host), kind: e.kind as OverflowKind, episode: Number(e.episode), start: iso(e.start_ts)!, end: iso(e.end_ts)!,
    logged: Number(e.logged), suppressed: Number(e.suppressed), repeated: Number(e.repeated ?? 0), uncertaintyS: Number(e.uncertainty_s ?? 1), timeBasis: e.time_basis != null ? String(e.time_basis) : null,
    netns: listenerNamespace(String(e.host), (e.details as string[] | null) ?? [], listenNs),
    details: ((e.details as string[] | null) ?? []).map(String),
  }));

  // Logged overflows whose time is unknown (dmesg without a boot time, pasted fragments).
  const undated: UndatedLogged[] = p.from || p.to ? [] : (await rcaRows(store, 'undated', { host: p.host })).map((u) => ({
    host: String(u.host), kind: u.kind as OverflowKind, logged: Number(u.logged), suppressed: Number(u.suppressed), paths: String(u.paths),
  }));

  // The evidence counter of each stream per host and namespace (the best one present), what its
  // accounting series held at the first snapshot, and the bursts in which it rose.
  const anyCounter = (await rcaRows(store, 'any_counter', { host: p.host })).length > 0;
  const streamRows = !anyCounter ? [] : (await rcaRows(store, 'streams', { host: p.host }));
  const chosen = new Set(streamRows.map((r) => `${r.host}\u0000${r.netns}\u0000${r.name}`));
  const kindsOf = new Map(streamRows.map((r) => [`${r.host}\u0000${r.netns}\u0000${r.name}`, (r.kinds as string[]) as OverflowKind[]]));
  const burstRows = streamRows.some((r) => Number(r.increase) > 0)
    ? (await rcaRows(store, 'bursts', p))
    : [];
  const bursts: CounterBurst[] = burstRows.filter((b) => chosen.has(`${b.host}\u0000${b.netns}\u0000${b.name}`)).map((b) => ({
    host: String(b.host), netns: String(b.netns), counter: String(b.name), kinds: kindsOf.get(`${b.host}\u0000${b.netns}\u0000${b.name}`)!,
    start: iso(b.start_ts)!, end: iso(b.end_ts)!, firstTo: iso(b.first_to)!, delta: Number(b.delta), steps: Number(b.steps),
    intervalS: num(b.interval_s), series: String(b.series), tail: Boolean(b.tail),
  }));
  const remainders: CounterRemainder[] = streamRows.map((r) => ({
    host: String(r.host), netns: String(r.netns), counter: String(r.name), kinds: (r.kinds as string[]) as OverflowKind[],
    firstTs: iso(r.first_ts)!, firstValue: Number(r.first_value), samples: Number(r.samples), series: String(r.series),
  }));

  let reconciled = reconcile({ episodes, bursts, remainders, undated, windowed: !!(p.from || p.to) });
  if (netnsFilter) reconciled = reconciled.filter((r) => (r.netns ?? '') === netnsFilter.netns);
  const seriesInfo = await describeSeries(store, reconciled);
  const drafts: Draft[] = reconciled.map((r) => draftOf(r, seriesInfo));

  await enrich(store, drafts);
  const findings = drafts.map((d) => d.f);
  // Per host: dated findings in time order, then the undated remainders.
  findings.sort((a, b) => a.host.localeCompare(b.host) || Number(a.start == null) - Number(b.start == null)
    || (a.start ?? '').localeCompare(b.start ?? '') || a.kind.localeCompare(b.kind) || (a.netns ?? '').localeCompare(b.netns ?? ''));
  // Evidence names files relative to the case folder (the directory all inputs share), never by
  // the engineer's own disk layout: the report travels into tickets.
  const shorten = await caseRelative(store);
  for (const f of findings) {
    shorten(f);
    f.summary = summarise(f);
    f.sentences = findingSentences(f);
  }
  const report: RcaReport = { generated_by: 'bundlescope', hosts, findings };
  if (opts.charts) {
    const margin = opts.charts === true ? 30 : opts.charts.marginMinutes;
    report.charts = [];
    for (const f of findings) report.charts.push(await gatherCharts(store, f, margin));
  }
  return report;
}

/**
 * Paths as the inputs were given, made relative to the deepest folder every input path shares
 * (the case folder), whether given absolute or relative to where the command ran; bundle members
 * are `<archive>/<member>` and shorten with their archive.
 */
async function caseRelative(store: Store): Promise<(f: Finding) => void> {
  const paths = (await rcaRows(store, 'case_paths')).map((r) => String(r.path));
  if (paths.length === 0) return () => {};
  let base = paths[0]!.slice(0, paths[0]!.lastIndexOf('/') + 1);
  for (const p of paths) while (base && !p.startsWith(base)) base = base.slice(0, base.slice(0, -1).lastIndexOf('/') + 1);
  // nothing shared, or only the root: leave the names as they are
  if (base === '' || base === '/') return () => {};
  // every string of the finding: evidence sources, but also the labels that name a file in a
  // sentence; only where a path starts (a relative base must not cut into another word)
  const at = new RegExp(`(^|[\\s(\`'"=,;:])${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes(base) ? v.replace(at, '$1') : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) (v as Record<string, unknown>)[k] = walk(x);
      return v;
    }
    return v;
  };
  return (f) => { walk(f); };
}

/** The namespace whose listener a SYN-flood line names (6.x: ADDR:PORT; older: the port), when only one has it. */
function listenerNamespace(host: string, details: string[], listeners: Rows): string | null {
  if (details.length === 0) return null;
  const found = new Set<string>();
  for (const d of details) {
    const m = /^(?:\[?([0-9A-Fa-f:.]+?)\]?:)?(\d+)$/.exec(d);
    if (!m) continue;
    const addr = m[1] ?? null;
    const port = Number(m[2]);
    for (const l of listeners) {
      if (l.host !== host || Number(l.local_port) !== port) continue;
      const la = String(l.local_addr);
      if (addr && la !== addr && !['0.0.0.0', '::', '*', '::ffff:0.0.0.0'].includes(la)) continue;
      found.add(String(l.netns));
    }
  }
  return found.size === 1 ? [...found][0]! : null;
}

interface SeriesInfo { label: string; paths: string[]; intervalS: number | null }

/** What each counter series is, in words: origin, cadence and files. */
async function describeSeries(store: Store, rs: Reconciled[]): Promise<Map<string, SeriesInfo>> {
  const keys = new Set<string>();
  for (const r of rs) {
    for (const b of r.bursts) for (const s of b.series.split(',')) keys.add(`${b.host}\u0000${b.netns}\u0000${b.counter}\u0000${s}`);
    if (r.remainder) keys.add(`${r.host}\u0000${r.remainder.netns}\u0000${r.remainder.counter}\u0000${r.remainder.series}`);
  }
  const out = new Map<string, SeriesInfo>();
  if (keys.size === 0) return out;
  const rows = (await rcaRows(store, 'series', { keys: JSON.stringify([...keys]) }));
  for (const r of rows) {
    const paths = (r.paths as string[]).map(String);
    const n = Number(r.samples);
    const when = r.time_class === 'timed' ? '' : ` (stamped with the ${r.time_class === 'collection-time' ? 'collection time' : "file's modification time"})`;
    const where = paths.length === 1 ? paths[0] : `${paths.length} files`;
    out.set(`${r.host}\u0000${r.netns}\u0000${r.name}\u0000${r.series}`, {
      label: n <= 1 ? `one ${r.origin} snapshot${when} in ${where}` : `${n} ${r.origin} snapshots every ${fmtS(num(r.interval_s))}${when} in ${where}`,
      paths, intervalS: num(r.interval_s),
    });
  }
  return out;
}

function draftOf(r: Reconciled, series: Map<string, SeriesInfo>): Draft {
  const f = emptyFinding(r.host, r.kind, r.netns, r.start, r.end);
  f.dated_by = r.datedBy;
  f.time_uncertainty_s = r.uncertaintyS != null ? Math.round(r.uncertaintyS * 1000) / 1000 : null;
  f.events.logged = r.logged;
  f.events.suppressed = r.suppressed;
  f.events.repeated = r.episode?.repeated ?? 0;
  f.events.counter_delta = r.counterDelta;
  f.events.counter = r.counter;
  // The counter is the truth when there is one (domain.md §1.3 rule 6); the log only dates it.
  f.events.estimated_total = r.counterDelta != null ? Math.max(r.counterDelta, r.logged) : r.logged + r.suppressed;
  const head: Finding['evidence'] = [];
  const tail: Finding['evidence'] = [];
  const seriesOf = (netns: string, counter: string, s: string) => series.get(`${r.host}\u0000${netns}\u0000${counter}\u0000${s}`);
  for (const b of r.bursts) {
    const infos = b.series.split(',').map((s) => seriesOf(b.netns, b.counter, s)).filter((x): x is SeriesInfo => !!x);
    f.events.counter_series = infos.map((i) => i.label).join('; ') || null;
    const src = infos.length ? infos.flatMap((i) => i.paths).filter((x, i, a) => a.indexOf(x) === i).join(', ') : `counter_samples (${b.series})`;
    head.push({
      source: src,
      detail: `${b.counter} rose by ${b.delta} between ${b.start} and ${b.end} (${b.steps} interval${b.steps === 1 ? '' : 's'} with a rise${b.intervalS != null ? `, snapshots every ${fmtS(b.intervalS)}` : ''}${infos.length ? `; ${infos.map((i) => i.label).join('; ')}` : ''})`
        + (r.episode ? ', within the logged episode' : '; the kernel logged nothing for it')
        + (b.tail ? ' (part of it seen only in a snapshot of another series read after the last one)' : ''),
    });
  }
  if (r.episode && r.episode.uncertaintyS > 2) {
    tail.push({ source: 'time', detail: `the log lines' times are uncertain by ±${fmtS(r.episode.uncertaintyS)} (${r.episode.timeBasis ?? 'kernel times placed by a boot time of that precision'})${r.bursts.length ? '; the counter snapshots date the finding' : ''}` });
  }
  if (r.remainder) {
    const m = r.remainder;
    const info = seriesOf(m.netns, m.counter, m.series);
    const before = r.before.length
      ? `; it includes the logged episode${r.before.length > 1 ? 's' : ''} at ${r.before.map((e) => e.start).join(', ')} (${r.before.reduce((a, e) => a + e.logged, 0)} line(s))`
      : '';
    head.push(m.samples <= 1
      ? { source: info?.paths.join(', ') ?? `counter_samples (${m.series})`, detail: `${m.counter} = ${m.firstValue} since boot (snapshot at ${m.firstTs}); one snapshot cannot say when${before}` }
      : { source: info?.paths.join(', ') ?? `counter_samples (${m.series})`, detail: `${m.counter} was already ${m.firstValue} at the first snapshot (${m.firstTs}): overflows between boot and then, at an unknown time${before}` });
    if (m.kinds.length > 1) tail.push({ source: 'kernel', detail: `${m.counter} counts the aborts of ${m.kinds.map((k) => KINDS[k].title).join(' and of ')} alike; no logged line says which` });
    f.events.counter_series = info?.label ?? null;
  }
  for (const b of r.bursts) {
    if (b.kinds.length > 1 && !r.episode) tail.push({ source: 'kernel', detail: `${b.counter} counts the aborts of ${b.kinds.map((k) => KINDS[k].title).join(' and of ')} alike; no logged line says which` });
  }
  if (r.undated && r.episode) {
    tail.push({ source: r.undated.paths, detail: `${r.undated.logged} more '${KINDS[r.kind].title}' line(s) with no usable time (most likely copies of the dated ones; not counted again)` });
  } else if (r.undated) {
    head.push({ source: r.undated.paths, detail: `${r.undated.logged} '${KINDS[r.kind].title}' lines with no usable time (kernel lines without a boot time to place them: ingest the host's sosreport too, or a dmesg -T / syslog copy)` });
  }
  return { f, r, head, tail };
}

const byId = (rows: Rows) => {
  const m = new Map<number, Rows>();
  for (const r of rows) {
    const id = Number(r.id);
    let l = m.get(id);
    if (!l) m.set(id, (l = []));
    l.push(r);
  }
  return m;
};

/** Every fact for every draft, in a fixed number of set-based queries over a table of windows. */
async function enrich(store: Store, drafts: Draft[]): Promise<void> {
  if (drafts.length === 0) return;
  const windows = drafts.map((d, id) => ({
    id, host: d.f.host, netns: d.f.netns ?? '', kind: d.f.kind, episode: d.r.episode != null,
    start_ts: d.f.start, end_ts: d.f.end,
    log_start: d.r.episode?.start ?? null, log_end: d.r.episode?.end ?? null,
    names: d.f.kind === 'tcp_listen_overflow' ? 'TcpPassiveOpens' : 'TcpActiveOpens,TcpPassiveOpens',
  }));
  await rcaRows(store, 'windows', { w: JSON.stringify(windows) });
  try {
    // Queries whose windows or data are absent are not run (each costs its planning even on no rows).
    const anyEpisode = drafts.some((d) => d.r.episode != null);
    const anyTw = drafts.some((d) => d.f.kind === 'tcp_timewait_overflow');
    const anyListen = drafts.some((d) => d.f.kind === 'tcp_listen_overflow');
    const anyDated = drafts.some((d) => d.f.start != null);
    const run = (name: string, needed = true): Promise<Rows> => (needed ? rcaRows(store, name) : Promise.resolve([]));
    // One after the other on the one connection, in this order (each sql/rca/<name>.sql).
    const perSource = await run('window_sources', anyEpisode);
    const limits = await run('window_limits');
    const pops = await run('window_population');
    const peers = await run('window_peers', anyTw);
    const settings = await run('settings');
    const twSizes = await run('tw_object_size');
    const rates = await run('rate_ranges');
    const spikes = await run('window_spikes', anyDated && rates.length > 0);
    const around = await run('window_rates', anyDated && rates.length > 0);
    const listeners = await run('window_listeners', anyListen);
    const clients = await run('window_clients', anyListen);
    const listenCounters = await run('window_listen_counters', anyListen);
    const attempts = await run('window_attempts', anyListen);
    const src = byId(perSource);
    const lim = byId(limits);
    const pop = byId(pops);
    const peer = byId(peers);
    const spk = byId(spikes);
    const aro = byId(around);
    const lis = byId(listeners);
    const cli = byId(clients);
    const lco = byId(listenCounters);
    const att = byId(attempts);
    const twSizeOf = new Map(twSizes.map((r) => [String(r.host), num(r.s)]));
    drafts.forEach((d, id) => {
      const f = d.f;
      const lines: Finding['evidence'] = [];
      for (const s of src.get(id) ?? []) {
        lines.push({
          source: String(s.path ?? `source ${s.source_id}`),
          detail: `${s.lines} '${KINDS[f.kind].title}' lines${s.rep ? ` (${s.rep} of them from the syslog daemon's "last message repeated" summaries)` : ''}${s.supp ? `, ${s.supp} suppressed by the kernel's ratelimit` : ''} from ${iso(s.first)} to ${iso(s.last)}`,
        });
      }
      const hostSettings = Object.fromEntries(settingsRows(settings, f.host, f.netns ?? ''));
      const base: Finding['evidence'] = [];
      const l = lim.get(id)?.[0];
      if (l) {
        f.limit.name = String(l.limit_name);
        f.limit.value = num(l.limit_value);
        base.push({ source: String(l.path ?? 'sysctls'), detail: `${l.limit_name} = ${l.raw_value}${f.netns ? ` (namespace ${f.netns})` : ''}` });
      } else if (f.netns) {
        f.limit.note = `no sysctl values of namespace ${f.netns} in the inputs (${f.limit.name ?? 'the limit'} is per namespace; the root namespace's value is not borrowed): add \`ip netns exec ${f.netns} sysctl -a\``;
      }
      if (f.kind === 'tcp_listen_overflow') {
        listenerFacts(f, lis.get(id) ?? [], d.r, hostSettings, base);
        listenClients(f, cli.get(id) ?? []);
        for (const c of lco.get(id) ?? []) {
          if (c.name === f.events.counter) continue;
          base.push({ source: 'counter_samples', detail: `${c.name} rose by ${c.delta} over the same interval` });
        }
      } else {
        const pk = pop.get(id)?.[0];
        if (pk) {
          f.limit.peak = num(pk.value);
          f.limit.peak_at = iso(pk.ts);
          f.limit.peak_metric = String(pk.metric);
          if (f.limit.value && f.limit.peak != null) f.limit.ratio = Math.round((f.limit.peak / f.limit.value) * 1000) / 1000;
          base.push({ source: String(pk.path ?? pk.origin), detail: `${pk.metric} = ${pk.value} at ${iso(pk.ts)}${f.limit.value ? ` (${Math.round((f.limit.ratio ?? 0) * 100)}% of the limit ${f.limit.value})` : ''}` });
        }
        const ps = peer.get(id) ?? [];
        f.top_peers = ps.map((r) => ({
          peer: String(r.peer), share: Math.round(Number(r.share) * 1000) / 1000, sockets: Number(r.sockets), side: String(r.side), local_port: num(r.local_port),
        }));
        if (ps[0]) base.push({ source: String(ps[0].path ?? 'sockets'), detail: `${ps[0].total} TIME-WAIT sockets at ${iso(ps[0].ts)}; ${ps[0].sockets} (${Math.round(Number(ps[0].share) * 100)}%) with ${ps[0].peer}` });
      }
      f.evidence = [...lines, ...d.head, ...base, ...d.tail];
      const rec = recommend({
        kind: f.kind, settings: hostSettings, limit: f.limit.value, peak: f.limit.peak,
        topPeers: f.top_peers, twObjectSize: twSizeOf.get(f.host) ?? null, listener: f.listener,
      });
      f.recommendations = rec.recommendations;
      f.risks = rec.risks;
      if (f.kind === 'tcp_listen_overflow' && att.get(id)?.[0]) listenTrigger(f, att.get(id)![0]!);
      else addTrigger(f, rates, spk.get(id)?.[0], aro.get(id)?.[0]);
    });
  } finally {
    await store.conn.run('DROP TABLE IF EXISTS rca_win');
  }
}

function settingsRows(rows: Rows, host: string, netns: string): [string, string][] {
  return rows.filter((r) => r.host === host && r.netns === netns).map((r) => [String(r.name), String(r.value)]);
}

/**
 * The listener whose queue overflowed: the one a SYN-flood line names, else the one most often
 * full around the finding. Its limit is its own backlog, min(listen() argument, somaxconn): ss
 * shows it as Send-Q of the LISTEN socket. A backlog below somaxconn was set by the application;
 * equal to it, somaxconn capped what the application asked for.
 */
function listenerFacts(f: Finding, rows: Rows, r: Reconciled, settings: Record<string, string>, base: Finding['evidence']): void {
  // The listener a SYN-flood line named (its port), when the finding has one.
  const named = new Set((r.episode?.details ?? []).map((d) => Number(/(\d+)$/.exec(d)?.[1])).filter((x) => Number.isFinite(x)));
  const somaxconn = settings['net.core.somaxconn'] != null && /^\s*\d+\s*$/.test(settings['net.core.somaxconn']) ? Number(settings['net.core.somaxconn']) : null;
  // Which listener: the one the SYN-flood line names (its port), else one whose queue the
  // snapshots show full around the finding. Never another port's listener, never a guess.
  const shown = rows.filter((x) => x.near && (Number(x.snapshots) > 0 || x.backlog_any != null));
  const candidates = named.size > 0 ? shown.filter((x) => named.has(Number(x.local_port))) : shown.filter((x) => Number(x.full_near) > 0);
  if (candidates.length === 0) {
    f.limit.name = 'net.core.somaxconn';
    f.limit.value = somaxconn;
    f.limit.note = named.size > 0
      ? `the kernel named port ${[...named].join(', ')}, and no snapshot of this namespace shows a listener on it: its backlog is unknown`
      : shown.length
        ? 'no listener\'s accept queue was seen full in the snapshots around the finding: which one overflowed is unknown'
        : rows.length
          ? 'no queue sizes for the listeners around the finding (ss -ltn shows Recv-Q / Send-Q of each LISTEN socket)'
          : 'no listening sockets of this namespace in the inputs: which listener overflowed is unknown (ss -ltn snapshots would show it)';
    return;
  }
  candidates.sort((a, b) => Number(named.has(Number(b.local_port))) - Number(named.has(Number(a.local_port)))
    || Number(b.full_near) - Number(a.full_near)
    || (Number(b.peak_queue ?? 0) / Math.max(Number(b.backlog_near ?? 1), 1)) - (Number(a.peak_queue ?? 0) / Math.max(Number(a.backlog_near ?? 1), 1)));
  const c = candidates[0]!;
  const backlog = num(c.backlog_near ?? c.backlog_any);
  const setBy = backlog == null ? null : somaxconn == null ? null : backlog < somaxconn ? 'application' : backlog === somaxconn ? 'net.core.somaxconn' : null;
  f.listener = {
    address: String(c.local_addr), port: Number(c.local_port), process: c.process != null ? String(c.process) : null,
    backlog, backlog_set_by: setBy, somaxconn, peak_queue: num(c.peak_queue), peak_queue_at: iso(c.peak_queue_at),
    full_snapshots: Number(c.full_snapshots), snapshots: Number(c.snapshots), source: null,
  };
  const addr = f.listener.address.includes(':') ? `[${f.listener.address}]` : f.listener.address;
  if (backlog != null) {
    f.limit.name = setBy === 'net.core.somaxconn' ? 'net.core.somaxconn' : `listen() backlog of ${addr}:${f.listener.port}`;
    f.limit.value = backlog;
    f.limit.note = setBy === 'application'
      ? `the application's listen() backlog (${backlog}) is below net.core.somaxconn (${somaxconn}): the application sets this limit`
      : setBy === 'net.core.somaxconn'
        ? `the backlog equals net.core.somaxconn (${somaxconn}): somaxconn caps what the application asked for`
        : somaxconn == null ? `net.core.somaxconn of this namespace is not in the inputs: who set the backlog of ${backlog} is unknown` : null;
  }
  if (f.listener.peak_queue != null) {
    f.limit.peak = f.listener.peak_queue;
    f.limit.peak_at = f.listener.peak_queue_at;
    f.limit.peak_metric = `accept queue of ${addr}:${f.listener.port} (ss Recv-Q)`;
    if (backlog) f.limit.ratio = Math.round((f.listener.peak_queue / backlog) * 1000) / 1000;
  }
  base.push({
    source: 'sockets',
    detail: `listener ${addr}:${f.listener.port}${f.listener.process ? ` (${f.listener.process})` : ''}: backlog ${backlog ?? '?'} (ss Send-Q)${setBy ? `, set by ${setBy === 'application' ? "the application's listen()" : 'net.core.somaxconn'}` : ''}; queue ${f.listener.peak_queue ?? '?'} at ${f.listener.peak_queue_at ?? '?'}; full in ${f.listener.full_snapshots} of the ${f.listener.snapshots} snapshots taken during the finding`,
  });
}

/** The clients that held the listener's connections, by source address. */
function listenClients(f: Finding, rows: Rows): void {
  if (!f.listener) return;
  const mine = rows.filter((r) => Number(r.local_port) === f.listener!.port);
  const total = mine.reduce((a, r) => a + Number(r.sockets), 0);
  if (total === 0) return;
  f.top_peers = mine.map((r) => ({ peer: String(r.peer_addr), share: Math.round((Number(r.sockets) / total) * 1000) / 1000, sockets: Number(r.sockets), side: 'server', local_port: f.listener!.port }))
    .sort((a, b) => b.sockets - a.sockets || a.peer.localeCompare(b.peer)).slice(0, 5);
}

/**
 * The trigger of a listen-queue overflow: when the incoming attempts (connections accepted, as
 * TcpPassiveOpens, plus those the full queue dropped, as ListenDrops) outran what the listener
 * accepted, from the same snapshots.
 */
function listenTrigger(f: Finding, a: Record<string, unknown>): void {
  const start = iso(a.outran_from);
  const lead = start && f.start ? Math.round((Date.parse(f.start) - Date.parse(start)) / 1000) : null;
  f.trigger = {
    metric: 'incoming_attempts_per_s', baseline: round(num(a.baseline)), peak: round(num(a.peak)), start, lead_seconds: lead,
    spiked: true, peak_at: iso(a.peak_at), origin: String(a.series),
    note: `incoming attempts (accepted + dropped by the full queue, retransmissions included) reached ${round(num(a.peak))}/s against ${round(num(a.accepted_at_peak))}/s accepted${a.baseline != null ? `; ${round(num(a.baseline))}/s before` : ''}: the queue overflowed from ${start}`,
  };
  f.evidence.push({ source: `counter_samples (${a.series})`, detail: `TcpPassiveOpens + ListenDrops ${round(num(a.baseline))}/s → ${round(num(a.peak))}/s; accepted ${round(num(a.accepted_at_peak))}/s at the peak` });
}

const RATE_METRIC: Record<string, string> = { TcpActiveOpens: 'active_opens_per_s', TcpPassiveOpens: 'passive_opens_per_s' };

/**
 * The trigger of a finding from its spike (view rate_spikes) or, when the rate did not depart from
 * its baseline, the rate around it; when the host has no rate data, say so instead.
 * Active opens mean outgoing connections (this host is the client and closes first); passive
 * opens mean incoming ones.
 */
function addTrigger(f: Finding, rates: Rows, spike: Record<string, unknown> | undefined, around: Record<string, unknown> | undefined): void {
  const have = rates.filter((r) => r.host === f.host && r.netns === (f.netns ?? ''));
  if (have.length === 0) {
    f.trigger_note = `no connection-rate data for this host${f.netns ? ` in namespace ${f.netns}` : ''} (sar -n TCP, or two or more nstat / netstat -s / /proc/net/snmp snapshots, would show it)`;
    return;
  }
  if (!f.start || !f.end) {
    f.trigger_note = 'the overflow is undated (a since-boot count), so no rate can be tied to it';
    return;
  }
  if (spike) {
    const start = iso(spike.start_ts);
    const lead = start ? Math.round((Date.parse(f.start) - Date.parse(start)) / 1000) : null;
    const metric = RATE_METRIC[String(spike.name)] ?? String(spike.name);
    f.trigger = {
      metric, baseline: round(num(spike.baseline)), peak: round(num(spike.peak)), start, lead_seconds: lead,
      spiked: true, peak_at: iso(spike.peak_ts), origin: String(spike.origin),
      note: `${spike.name === 'TcpActiveOpens' ? 'outgoing connections (this host is the client and closes first)' : 'incoming connections (this host accepts and closes them)'} rose from ${round(num(spike.baseline))}/s to ${round(num(spike.peak))}/s (${spike.method} from ${spike.origin}${spike.interval_s != null ? `, ${fmtS(Number(spike.interval_s))} intervals` : ''})`,
    };
    f.evidence.push({ source: `counter_samples (${spike.series})`, detail: `${spike.name} ${round(num(spike.baseline))}/s → ${round(num(spike.peak))}/s from ${start}${lead != null ? `, ${lead >= 0 ? `${lead} s before` : `${-lead} s after`} the first overflow` : ''}` });
    return;
  }
  if (!around) {
    f.trigger_note = `connection-rate data exists (${have.map((h) => `${h.name} ${iso(h.first)} → ${iso(h.last)}`).join('; ')}) but none around the finding`;
    return;
  }
  // Rate data exists but shows no departure from its baseline around the episode: say so.
  f.trigger = {
    metric: RATE_METRIC[String(around.name)] ?? String(around.name), baseline: round(num(around.baseline)), peak: round(num(around.peak)),
    start: null, lead_seconds: null, spiked: false, peak_at: iso(around.peak_at), origin: String(around.origin),
    note: 'no spike: the connection rate stayed within its usual range around the finding (look for a lower limit or a slower drain instead)',
  };
}

const round = (v: number | null) => (v == null ? null : Math.round(v * 100) / 100);

function summarise(f: Finding): string {
  const k = KINDS[f.kind].title;
  const when = f.start
    ? `from ${f.start} to ${f.end}${f.time_uncertainty_s != null && f.time_uncertainty_s > 5 ? ` (±${fmtS(f.time_uncertainty_s)})` : ''}`
    : f.events.logged > 0 ? 'at an unknown time (no usable timestamps)' : 'at an unknown time since boot';
  const counted = f.events.counter_delta != null ? `${f.events.counter_delta} counted by ${f.events.counter}` : null;
  const logged = f.events.logged > 0 ? `${f.events.logged} logged line(s)${f.events.suppressed ? ` + up to ${f.events.suppressed} suppressed` : ''}` : null;
  const count = [counted, logged].filter(Boolean).join('; ') || '0 events';
  const where = f.listener ? `; listener ${f.listener.address}:${f.listener.port}${f.listener.process ? ` (${f.listener.process})` : ''}` : '';
  const lim = f.limit.value != null ? `; limit ${f.limit.name} = ${f.limit.value}` + (f.limit.peak != null ? `, peak seen ${f.limit.peak}` : '') : '';
  const peer = f.top_peers[0] ? `; top ${f.kind === 'tcp_listen_overflow' ? 'client' : 'peer'} ${f.top_peers[0].peer} (${Math.round(f.top_peers[0].share * 100)}%${f.kind === 'tcp_listen_overflow' ? '' : ' of TIME-WAIT'})` : '';
  return `${f.host}${f.netns ? ` (netns ${f.netns})` : ''}: ${k} ${when}: ${count}${where}${lim}${peer}.`;
}
