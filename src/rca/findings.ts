import type { Store } from '../store/db.js';
import { runSql } from '../report/catalogue.js';
import { KINDS, type OverflowKind } from '../signatures.js';
import type { Row } from '../report/format.js';
import { recommend, type Recommendation } from './recommend.js';

/** The root-cause JSON contract (design.md); extra fields are additions, never renames. */
export interface Finding {
  host: string;
  kind: OverflowKind;
  netns: string | null;
  start: string | null;
  end: string | null;
  events: { logged: number; suppressed: number; estimated_total: number; counter_delta: number | null; counter: string | null };
  limit: { name: string | null; value: number | null; peak: number | null; peak_at: string | null; peak_metric: string | null; ratio: number | null };
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
}

export interface RcaOptions {
  host?: string | null;
  from?: string | null;
  to?: string | null;
}

export interface HostRow {
  host: string;
  kernel: string | null;
  release: string | null;
  timezone: string | null;
  timezone_origin: string | null;
  collected_at: string | null;
  boot_time: string | null;
}

export interface RcaReport {
  generated_by: string;
  hosts: HostRow[];
  findings: Finding[];
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

/** Counters that say, on their own, that an overflow of the kind happened (domain.md §1–2). */
const EVIDENCE_COUNTER: Partial<Record<OverflowKind, string>> = {
  tcp_timewait_overflow: 'TcpExtTCPTimeWaitOverflow',
  conntrack_table_full: 'nf_conntrack.drop',
  tcp_listen_overflow: 'TcpExtListenOverflows',
  tcp_socket_memory: 'TcpExtTCPMemoryPressures',
  neighbour_table_overflow: 'arp_cache.table_fulls',
};

const ORIGIN_PREFERENCE = `CASE origin WHEN 'proc' THEN 1 WHEN 'nstat' THEN 2 WHEN 'netstat-s' THEN 3 ELSE 4 END`;

async function sourcePaths(store: Store, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const want = new Set(ids);
  const r = await runSql(store, `SELECT source_id, path FROM sources`);
  return new Map(r.rows.filter((x) => want.has(Number(x.source_id))).map((x) => [Number(x.source_id), String(x.path)]));
}

export async function buildRca(store: Store, opts: RcaOptions = {}): Promise<RcaReport> {
  const p = { host: opts.host ?? null, from: opts.from ?? null, to: opts.to ?? null };
  const hostFilter = `($host::VARCHAR IS NULL OR host = $host::VARCHAR)`;
  const hosts = (await runSql(store,
    `SELECT host, kernel, release, timezone, timezone_origin, collected_at::VARCHAR AS collected_at, boot_time::VARCHAR AS boot_time
     FROM hosts WHERE ${hostFilter} ORDER BY host`, { host: p.host })).rows.map((h) => ({
    ...h, collected_at: iso(h.collected_at), boot_time: iso(h.boot_time),
  })) as unknown as HostRow[];

  const episodes = (await runSql(store,
    `SELECT host, kind, episode, start_ts::VARCHAR AS start_ts, end_ts::VARCHAR AS end_ts, logged, suppressed, estimated_total, bursts, source_ids
     FROM overflow_episodes
     WHERE ${hostFilter}
       AND ($from::TIMESTAMPTZ IS NULL OR end_ts >= $from::TIMESTAMPTZ)
       AND ($to::TIMESTAMPTZ IS NULL OR start_ts <= $to::TIMESTAMPTZ)
     ORDER BY host, start_ts`, p)).rows;

  const findings: Finding[] = [];
  for (const e of episodes) {
    const f = await baseFinding(store, String(e.host), e.kind as OverflowKind, '', iso(e.start_ts), iso(e.end_ts));
    f.events.logged = Number(e.logged);
    f.events.suppressed = Number(e.suppressed);
    f.events.estimated_total = Number(e.estimated_total);
    const paths = await sourcePaths(store, (e.source_ids as number[]).map(Number));
    const perSource = (await runSql(store,
      `SELECT source_id, count(*) FILTER (WHERE NOT suppressed) AS lines, sum(count) FILTER (WHERE suppressed) AS supp, min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last
       FROM overflow_events WHERE host = $host AND kind = $kind AND ts BETWEEN $start::TIMESTAMPTZ AND $end::TIMESTAMPTZ GROUP BY source_id ORDER BY source_id`,
      { host: f.host, kind: f.kind, start: String(e.start_ts), end: String(e.end_ts) })).rows;
    for (const s of perSource) {
      f.evidence.unshift({
        source: paths.get(Number(s.source_id)) ?? `source ${s.source_id}`,
        detail: `${s.lines} '${KINDS[f.kind].title}' lines${s.supp ? `, ${s.supp} suppressed by net_ratelimit` : ''} from ${iso(s.first)} to ${iso(s.last)}`,
      });
    }
    // The kind's counter, when snapshots bracket the episode, is the true count (domain.md §1.3 rule 6).
    const counter = EVIDENCE_COUNTER[f.kind];
    if (counter && f.start && f.end) {
      const c = (await runSql(store,
        `WITH s AS (SELECT * FROM counter_samples WHERE host = $host AND netns = '' AND name = $name AND semantics = 'cumulative'),
              o AS (SELECT origin FROM s GROUP BY origin ORDER BY count(*) DESC, min(${ORIGIN_PREFERENCE}) LIMIT 1),
              b AS (SELECT max(ts) AS t0 FROM s WHERE origin = (SELECT origin FROM o) AND ts <= $start::TIMESTAMPTZ),
              a AS (SELECT min(ts) AS t1 FROM s WHERE origin = (SELECT origin FROM o) AND ts >= $end::TIMESTAMPTZ)
         SELECT sum(increase) AS delta, (SELECT origin FROM o) AS origin FROM counter_steps
         WHERE host = $host AND netns = '' AND name = $name AND origin = (SELECT origin FROM o)
           AND from_ts >= (SELECT t0 FROM b) AND to_ts <= (SELECT t1 FROM a)`,
        { host: f.host, name: counter, start: f.start, end: f.end })).rows[0];
      if (c && c.delta != null) {
        f.events.counter_delta = Number(c.delta);
        f.events.counter = counter;
        f.evidence.push({ source: `counter_samples (${c.origin})`, detail: `${counter} rose by ${c.delta} across the episode` });
      }
    }
    findings.push(f);
  }

  // Overflows found from counters alone (modern kernels log no TIME_WAIT overflow at all).
  for (const [kind, counter] of Object.entries(EVIDENCE_COUNTER) as [OverflowKind, string][]) {
    const rows = (await runSql(store,
      `WITH d AS (
         SELECT *, row_number() OVER (PARTITION BY host, netns ORDER BY samples DESC, ${ORIGIN_PREFERENCE}) AS rn
         FROM counter_deltas WHERE name = $name AND ${hostFilter})
       SELECT host, netns, origin, samples, first_ts::VARCHAR AS first_ts, last_ts::VARCHAR AS last_ts, first_value, last_value, increase
       FROM d WHERE rn = 1 AND (last_value > 0 OR increase > 0) ORDER BY host, netns`, { name: counter, host: p.host })).rows;
    for (const r of rows) {
      const host = String(r.host);
      const netns = String(r.netns);
      const dated = episodes.filter((e) => e.host === host && e.kind === kind);
      if (Number(r.samples) >= 2 && Number(r.increase) > 0) {
        // Dated by the snapshots between which the counter rose.
        const steps = (await runSql(store,
          `SELECT from_ts::VARCHAR AS from_ts, to_ts::VARCHAR AS to_ts, increase FROM counter_steps
           WHERE host = $host AND netns = $netns AND name = $name AND origin = $origin AND increase > 0
             AND ($from::TIMESTAMPTZ IS NULL OR to_ts >= $from::TIMESTAMPTZ) AND ($to::TIMESTAMPTZ IS NULL OR from_ts <= $to::TIMESTAMPTZ)
           ORDER BY from_ts`, { host, netns, name: counter, origin: r.origin, from: p.from, to: p.to })).rows;
        if (steps.length === 0 || (dated.length > 0 && netns === '')) continue;
        const f = await baseFinding(store, host, kind, netns, iso(steps[0]!.from_ts), iso(steps[steps.length - 1]!.to_ts));
        const delta = steps.reduce((a, s) => a + Number(s.increase), 0);
        f.events.counter_delta = delta;
        f.events.counter = counter;
        f.events.estimated_total = delta;
        f.evidence.unshift({ source: `counter_samples (${r.origin})`, detail: `${counter} rose by ${delta} between ${f.start} and ${f.end} (${steps.length} intervals); the kernel logged nothing` });
        findings.push(f);
        // What the first snapshot already counted happened before it: no dated episode explains it.
        if (Number(r.first_value) > 0 && !p.from && !p.to) {
          const u = await baseFinding(store, host, kind, netns, null, null);
          u.events.counter_delta = Number(r.first_value);
          u.events.counter = counter;
          u.events.estimated_total = Number(r.first_value);
          u.evidence.unshift({ source: `counter_samples (${r.origin})`, detail: `${counter} was already ${r.first_value} at the first snapshot (${iso(r.first_ts)}): overflows between boot and then, at an unknown time` });
          findings.push(u);
        }
      } else if (Number(r.samples) === 1 || Number(r.increase) === 0) {
        if (dated.length > 0 && netns === '') {
          // A since-boot count next to dated episodes belongs to their evidence.
          const f = findings.find((x) => x.host === host && x.kind === kind);
          f?.evidence.push({ source: `counter_samples (${r.origin})`, detail: `${counter} = ${r.last_value} since boot at ${iso(r.last_ts)}` });
          continue;
        }
        if (p.from || p.to) continue; // an undated count cannot be placed in a window
        const f = await baseFinding(store, host, kind, netns, null, null);
        f.events.counter_delta = Number(r.last_value);
        f.events.counter = counter;
        f.events.estimated_total = Number(r.last_value);
        f.evidence.unshift({ source: `counter_samples (${r.origin})`, detail: `${counter} = ${r.last_value} since boot (snapshot at ${iso(r.last_ts)}); the kernel logged nothing, so the time of the overflows is unknown` });
        findings.push(f);
      }
    }
  }
  for (const f of findings) await addTrigger(store, f);
  findings.sort((a, b) => a.host.localeCompare(b.host) || (a.start ?? '').localeCompare(b.start ?? '') || a.kind.localeCompare(b.kind));
  for (const f of findings) f.summary = summarise(f);
  return { generated_by: 'bundlescope', hosts, findings };
}

async function baseFinding(store: Store, host: string, kind: OverflowKind, netns: string, start: string | null, end: string | null): Promise<Finding> {
  const f: Finding = {
    host, kind, netns: netns || null, start, end,
    events: { logged: 0, suppressed: 0, estimated_total: 0, counter_delta: null, counter: null },
    limit: { name: null, value: null, peak: null, peak_at: null, peak_metric: null, ratio: null },
    trigger: null, trigger_note: null, top_peers: [], evidence: [], recommendations: [], risks: [], summary: '',
  };
  const lim = (await runSql(store,
    `SELECT l.limit_name, l.limit_value, l.raw_value, l.origin, s.path FROM overflow_limits l
     LEFT JOIN (SELECT host, netns, name, min(source_id) AS source_id FROM sysctls GROUP BY ALL) x ON x.host = l.host AND x.netns = l.netns AND x.name = l.limit_name
     LEFT JOIN sources s ON s.source_id = x.source_id
     WHERE l.host = $host AND l.netns = $netns AND l.kind = $kind`, { host, netns, kind })).rows[0];
  if (lim) {
    f.limit.name = String(lim.limit_name);
    f.limit.value = num(lim.limit_value);
    f.evidence.push({ source: String(lim.path ?? 'sysctls'), detail: `${lim.limit_name} = ${lim.raw_value}` });
  } else {
    f.limit.name = KINDS[kind].limitSysctls[0] ?? null;
  }
  // Peak population: near the episode when samples exist there, else the largest seen; the
  // kernel's own gauges (sockstat tw, sar tcp-tw, conntrack count) before socket lists and slab.
  const pop = (await runSql(store,
    `WITH s AS (
       SELECT *, CASE WHEN origin IN ('sockets') THEN 2 WHEN origin = 'slabinfo' THEN 3 ELSE 1 END AS pref,
         ($start::TIMESTAMPTZ IS NOT NULL AND ts BETWEEN $start::TIMESTAMPTZ - INTERVAL 10 MINUTE AND $end::TIMESTAMPTZ + INTERVAL 10 MINUTE) AS near
       FROM population_samples WHERE host = $host AND netns = $netns AND kind = $kind)
     SELECT s.metric, s.value, s.ts::VARCHAR AS ts, s.origin, src.path, near FROM s LEFT JOIN sources src USING (source_id)
     ORDER BY (SELECT bool_or(near) FROM s) AND NOT near, pref, value DESC LIMIT 1`,
    { host, netns, kind, start, end: end ?? start })).rows[0];
  if (pop) {
    f.limit.peak = num(pop.value);
    f.limit.peak_at = iso(pop.ts);
    f.limit.peak_metric = String(pop.metric);
    if (f.limit.value && f.limit.peak != null) f.limit.ratio = Math.round((f.limit.peak / f.limit.value) * 1000) / 1000;
    f.evidence.push({ source: String(pop.path ?? pop.origin), detail: `${pop.metric} = ${pop.value} at ${iso(pop.ts)}${f.limit.value ? ` (${Math.round((f.limit.ratio ?? 0) * 100)}% of the limit ${f.limit.value})` : ''}` });
  }
  if (kind === 'tcp_timewait_overflow') {
    // The socket snapshot that best shows the episode: the fullest one near it, else the fullest one.
    const peers = (await runSql(store,
      `WITH snaps AS (
         SELECT ts, source_id, max(snapshot_total) AS total,
           ($start::TIMESTAMPTZ IS NOT NULL AND ts BETWEEN $start::TIMESTAMPTZ - INTERVAL 10 MINUTE AND $end::TIMESTAMPTZ + INTERVAL 10 MINUTE) AS near
         FROM timewait_peers WHERE host = $host AND netns = $netns GROUP BY ts, source_id
       ), pick AS (
         SELECT ts, source_id FROM snaps ORDER BY (SELECT bool_or(near) FROM snaps) AND NOT near, total DESC, ts DESC LIMIT 1
       )
       SELECT t.peer, t.share, t.sockets, t.side, t.local_port, t.ts::VARCHAR AS ts, s.path, t.snapshot_total AS total
       FROM timewait_peers t JOIN pick USING (ts, source_id) LEFT JOIN sources s USING (source_id)
       WHERE t.host = $host AND t.netns = $netns ORDER BY t.sockets DESC, t.peer LIMIT 5`, { host, netns, start, end: end ?? start })).rows;
    f.top_peers = peers.map((r) => ({
      peer: String(r.peer), share: Math.round(Number(r.share) * 1000) / 1000, sockets: Number(r.sockets),
      side: String(r.side), local_port: num(r.local_port),
    }));
    if (peers[0]) f.evidence.push({ source: String(peers[0].path ?? 'sockets'), detail: `${peers[0].total} TIME-WAIT sockets at ${iso(peers[0].ts)}; ${peers[0].sockets} (${Math.round(Number(peers[0].share) * 100)}%) with ${peers[0].peer}` });
  }
  const settings = (await runSql(store,
    `SELECT name, value FROM sysctl_values WHERE host = $host AND netns = $netns
     AND name IN ('net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_tw_recycle', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_timestamps', 'net.ipv4.tcp_fin_timeout', 'net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_syncookies')`,
    { host, netns })).rows;
  const kernel = (await runSql(store, `SELECT kernel FROM hosts WHERE host = $host`, { host })).rows[0]?.kernel as string | undefined;
  const twSize = (await runSql(store, `SELECT max(objsize) AS s FROM slab_samples WHERE host = $host AND cache IN ('tw_sock_TCP', 'tcp_tw_bucket')`, { host })).rows[0]?.s;
  const rec = recommend({
    kind, kernel: kernel ?? null, settings: Object.fromEntries(settings.map((s: Row) => [String(s.name), String(s.value)])),
    limit: f.limit.value, peak: f.limit.peak, topPeers: f.top_peers, twObjectSize: num(twSize),
  });
  f.recommendations = rec.recommendations;
  f.risks = rec.risks;
  return f;
}

const RATE_METRIC: Record<string, string> = { TcpActiveOpens: 'active_opens_per_s', TcpPassiveOpens: 'passive_opens_per_s' };

/**
 * The connection-rate spike that led the episode: a spike of active or passive opens (view
 * rate_spikes) that overlaps the episode or starts up to 30 minutes before it; the strongest
 * (peak / baseline) wins. Active opens mean outgoing connections (this host is the client and
 * closes first); passive opens mean incoming ones.
 */
async function addTrigger(store: Store, f: Finding): Promise<void> {
  const netns = f.netns ?? '';
  const have = (await runSql(store,
    `SELECT name, count(*) AS n, min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last FROM rate_series
     WHERE host = $host AND netns = $netns AND name IN ('TcpActiveOpens', 'TcpPassiveOpens') GROUP BY name`, { host: f.host, netns })).rows;
  if (have.length === 0) {
    f.trigger_note = 'no connection-rate data for this host (sar -n TCP, or two or more nstat / netstat -s / /proc/net/snmp snapshots, would show it)';
    return;
  }
  if (!f.start || !f.end) {
    f.trigger_note = 'the overflow is undated (a since-boot count), so no rate can be tied to it';
    return;
  }
  // Listen-queue overflows come from incoming connections only.
  const names = f.kind === 'tcp_listen_overflow' ? ['TcpPassiveOpens'] : ['TcpActiveOpens', 'TcpPassiveOpens'];
  const spike = (await runSql(store,
    `SELECT name, origin, method, start_ts::VARCHAR AS start_ts, peak_ts::VARCHAR AS peak_ts, baseline, peak
     FROM rate_spikes
     WHERE host = $host AND netns = $netns AND list_contains(string_split($names::VARCHAR, ','), name)
       AND start_ts <= $end::TIMESTAMPTZ AND end_ts >= $start::TIMESTAMPTZ - INTERVAL 30 MINUTE
     ORDER BY peak / greatest(baseline, 1) DESC, start_ts LIMIT 1`, { host: f.host, netns, start: f.start, end: f.end, names: names.join(',') } as never)).rows[0];
  if (spike) {
    const start = iso(spike.start_ts);
    const lead = start ? Math.round((Date.parse(f.start) - Date.parse(start)) / 1000) : null;
    const metric = RATE_METRIC[String(spike.name)] ?? String(spike.name);
    f.trigger = {
      metric, baseline: round(num(spike.baseline)), peak: round(num(spike.peak)), start, lead_seconds: lead,
      spiked: true, peak_at: iso(spike.peak_ts), origin: String(spike.origin),
      note: `${spike.name === 'TcpActiveOpens' ? 'outgoing connections (this host is the client and closes first)' : 'incoming connections (this host accepts and closes them)'} rose from ${round(num(spike.baseline))}/s to ${round(num(spike.peak))}/s (${spike.method} from ${spike.origin})`,
    };
    f.evidence.push({ source: `counter_samples (${spike.origin})`, detail: `${spike.name} ${round(num(spike.baseline))}/s → ${round(num(spike.peak))}/s from ${start}${lead != null ? `, ${lead} s before the first overflow` : ''}` });
    return;
  }
  // Rate data exists but shows no departure from its baseline around the episode: say so.
  const around = (await runSql(store,
    `SELECT name, origin, median(per_second) AS baseline, max(per_second) AS peak, arg_max(ts, per_second)::VARCHAR AS peak_at, count(*) AS n
     FROM rate_series WHERE host = $host AND netns = $netns AND list_contains(string_split($names::VARCHAR, ','), name)
       AND ts BETWEEN $start::TIMESTAMPTZ - INTERVAL 30 MINUTE AND $end::TIMESTAMPTZ + INTERVAL 10 MINUTE
     GROUP BY ALL ORDER BY max(per_second) DESC LIMIT 1`, { host: f.host, netns, start: f.start, end: f.end, names: names.join(',') })).rows[0];
  if (!around) {
    f.trigger_note = `connection-rate data exists (${have.map((h) => `${h.name} ${iso(h.first)} → ${iso(h.last)}`).join('; ')}) but none around the episode`;
    return;
  }
  f.trigger = {
    metric: RATE_METRIC[String(around.name)] ?? String(around.name), baseline: round(num(around.baseline)), peak: round(num(around.peak)),
    start: null, lead_seconds: null, spiked: false, peak_at: iso(around.peak_at), origin: String(around.origin),
    note: 'no spike: the connection rate stayed within its usual range around the episode (look for a lower limit or a slower drain instead)',
  };
}

const round = (v: number | null) => (v == null ? null : Math.round(v * 100) / 100);

function summarise(f: Finding): string {
  const k = KINDS[f.kind].title;
  const when = f.start ? `from ${f.start} to ${f.end}` : 'at an unknown time since boot';
  const count = f.events.logged > 0
    ? `${f.events.logged} logged line(s)${f.events.suppressed ? ` + up to ${f.events.suppressed} suppressed` : ''}`
    : `${f.events.counter_delta ?? 0} counted by ${f.events.counter}`;
  const lim = f.limit.value != null ? `; limit ${f.limit.name} = ${f.limit.value}` + (f.limit.peak != null ? `, peak seen ${f.limit.peak}` : '') : '';
  const peer = f.top_peers[0] ? `; top peer ${f.top_peers[0].peer} (${Math.round(f.top_peers[0].share * 100)}% of TIME-WAIT)` : '';
  return `${f.host}${f.netns ? ` (netns ${f.netns})` : ''}: ${k} ${when}: ${count}${lim}${peer}.`;
}
