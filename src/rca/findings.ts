import type { Store } from '../store/db.js';
import { runSql } from '../report/catalogue.js';
import { KINDS, type OverflowKind } from '../signatures.js';
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

/** A finding under construction: its window, and evidence that goes before / after the shared facts. */
interface Draft {
  f: Finding;
  episode: boolean;
  head: Finding['evidence'];
  tail: Finding['evidence'];
}

function emptyFinding(host: string, kind: OverflowKind, netns: string, start: string | null, end: string | null): Finding {
  return {
    host, kind, netns: netns || null, start, end,
    events: { logged: 0, suppressed: 0, estimated_total: 0, counter_delta: null, counter: null },
    limit: { name: KINDS[kind].limitSysctls[0] ?? null, value: null, peak: null, peak_at: null, peak_metric: null, ratio: null },
    trigger: null, trigger_note: null, top_peers: [], evidence: [], recommendations: [], risks: [], summary: '',
  };
}

/**
 * Findings are built in two passes so that the cost does not grow with the number of episodes:
 * first the episodes and counter-only overflows (a handful of queries), then every fact for all of
 * them at once, each a set-based query joined to a temporary table of their time windows.
 */
export async function buildRca(store: Store, opts: RcaOptions = {}): Promise<RcaReport> {
  const p = { host: opts.host ?? null, from: opts.from ?? null, to: opts.to ?? null };
  const hostFilter = `($host::VARCHAR IS NULL OR host = $host::VARCHAR)`;
  const hosts = (await runSql(store,
    `SELECT host, kernel, release, timezone, timezone_origin, collected_at::VARCHAR AS collected_at, boot_time::VARCHAR AS boot_time
     FROM hosts WHERE ${hostFilter} ORDER BY host`, { host: p.host })).rows.map((h) => ({
    ...h, collected_at: iso(h.collected_at), boot_time: iso(h.boot_time),
  })) as unknown as HostRow[];

  const episodes = (await runSql(store,
    `SELECT host, kind, episode, start_ts::VARCHAR AS start_ts, end_ts::VARCHAR AS end_ts, logged, suppressed, estimated_total
     FROM overflow_episodes
     WHERE ${hostFilter}
       AND ($from::TIMESTAMPTZ IS NULL OR end_ts >= $from::TIMESTAMPTZ)
       AND ($to::TIMESTAMPTZ IS NULL OR start_ts <= $to::TIMESTAMPTZ)
     ORDER BY host, start_ts`, p)).rows;

  const drafts: Draft[] = [];
  for (const e of episodes) {
    const f = emptyFinding(String(e.host), e.kind as OverflowKind, '', iso(e.start_ts), iso(e.end_ts));
    f.events.logged = Number(e.logged);
    f.events.suppressed = Number(e.suppressed);
    f.events.estimated_total = Number(e.estimated_total);
    drafts.push({ f, episode: true, head: [], tail: [] });
  }

  // Logged overflows whose time is unknown (dmesg without a boot time, pasted fragments): a
  // finding of their own, counted once (the most complete source), unless dated ones exist.
  if (!p.from && !p.to) {
    const undated = (await runSql(store,
      `WITH per_source AS (
         SELECT o.host, o.kind, o.source_id, s.path, count(*) FILTER (WHERE NOT o.suppressed) AS lines,
           coalesce(sum(o.count) FILTER (WHERE o.suppressed), 0) AS supp
         FROM overflow_events o LEFT JOIN sources s USING (source_id)
         WHERE o.ts IS NULL AND o.kind <> 'unattributed' AND o.host IS NOT NULL AND ($host::VARCHAR IS NULL OR o.host = $host::VARCHAR)
         GROUP BY ALL)
       SELECT host, kind, max(lines) AS logged, max(supp) AS suppressed, string_agg(path, ', ' ORDER BY path) AS paths
       FROM per_source GROUP BY host, kind ORDER BY host, kind`, { host: p.host })).rows;
    for (const u of undated) {
      if (drafts.some((d) => d.episode && d.f.host === u.host && d.f.kind === u.kind)) continue;
      const f = emptyFinding(String(u.host), u.kind as OverflowKind, '', null, null);
      f.events.logged = Number(u.logged);
      f.events.suppressed = Number(u.suppressed);
      f.events.estimated_total = f.events.logged + f.events.suppressed;
      drafts.push({ f, episode: false, head: [{ source: String(u.paths), detail: `${u.logged} '${KINDS[f.kind].title}' lines with no usable time (kernel lines without a boot time to place them: ingest the host's sosreport too, or a dmesg -T / syslog copy)` }], tail: [] });
    }
  }

  // Overflows found from counters alone (modern kernels log no TIME_WAIT overflow at all).
  const counterRows = (await runSql(store,
    `WITH names(kind, name) AS (VALUES ${Object.entries(EVIDENCE_COUNTER).map(([k, c]) => `('${k}', '${c}')`).join(', ')}),
     d AS (
       SELECT c.*, n.kind, row_number() OVER (PARTITION BY c.host, c.netns, c.name ORDER BY c.samples DESC, ${ORIGIN_PREFERENCE}) AS rn
       FROM counter_deltas c JOIN names n USING (name) WHERE ($host::VARCHAR IS NULL OR c.host = $host::VARCHAR))
     SELECT host, netns, kind, name, origin, samples, first_ts::VARCHAR AS first_ts, last_ts::VARCHAR AS last_ts, first_value, last_value, increase
     FROM d WHERE rn = 1 AND (last_value > 0 OR increase > 0) ORDER BY host, netns, kind`, { host: p.host })).rows;
  const risingSteps = counterRows.some((r) => Number(r.samples) >= 2 && Number(r.increase) > 0)
    ? (await runSql(store,
      `SELECT host, netns, name, origin, from_ts::VARCHAR AS from_ts, to_ts::VARCHAR AS to_ts, increase FROM counter_steps
       WHERE increase > 0 AND ${hostFilter}
         AND ($from::TIMESTAMPTZ IS NULL OR to_ts >= $from::TIMESTAMPTZ) AND ($to::TIMESTAMPTZ IS NULL OR from_ts <= $to::TIMESTAMPTZ)
       ORDER BY from_ts`, p)).rows
    : [];
  for (const r of counterRows) {
    const host = String(r.host);
    const netns = String(r.netns);
    const kind = r.kind as OverflowKind;
    const counter = String(r.name);
    const dated = drafts.filter((d) => d.episode && d.f.host === host && d.f.kind === kind);
    if (Number(r.samples) >= 2 && Number(r.increase) > 0) {
      // Dated by the snapshots between which the counter rose.
      const steps = risingSteps.filter((s) => s.host === host && s.netns === netns && s.name === counter && s.origin === r.origin);
      if (steps.length === 0 || (dated.length > 0 && netns === '')) continue;
      const f = emptyFinding(host, kind, netns, iso(steps[0]!.from_ts), iso(steps[steps.length - 1]!.to_ts));
      const delta = steps.reduce((a, s) => a + Number(s.increase), 0);
      f.events.counter_delta = delta;
      f.events.counter = counter;
      f.events.estimated_total = delta;
      drafts.push({ f, episode: false, head: [{ source: `counter_samples (${r.origin})`, detail: `${counter} rose by ${delta} between ${f.start} and ${f.end} (${steps.length} intervals); the kernel logged nothing` }], tail: [] });
      // What the first snapshot already counted happened before it: no dated episode explains it.
      if (Number(r.first_value) > 0 && !p.from && !p.to) {
        const u = emptyFinding(host, kind, netns, null, null);
        u.events.counter_delta = Number(r.first_value);
        u.events.counter = counter;
        u.events.estimated_total = Number(r.first_value);
        drafts.push({ f: u, episode: false, head: [{ source: `counter_samples (${r.origin})`, detail: `${counter} was already ${r.first_value} at the first snapshot (${iso(r.first_ts)}): overflows between boot and then, at an unknown time` }], tail: [] });
      }
    } else {
      if (dated.length > 0 && netns === '') {
        // A since-boot count next to dated episodes belongs to their evidence.
        dated[0]!.tail.push({ source: `counter_samples (${r.origin})`, detail: `${counter} = ${r.last_value} since boot at ${iso(r.last_ts)}` });
        continue;
      }
      if (p.from || p.to) continue; // an undated count cannot be placed in a window
      const f = emptyFinding(host, kind, netns, null, null);
      f.events.counter_delta = Number(r.last_value);
      f.events.counter = counter;
      f.events.estimated_total = Number(r.last_value);
      drafts.push({ f, episode: false, head: [{ source: `counter_samples (${r.origin})`, detail: `${counter} = ${r.last_value} since boot (snapshot at ${iso(r.last_ts)}); the kernel logged nothing, so the time of the overflows is unknown` }], tail: [] });
    }
  }

  await enrich(store, drafts);
  const findings = drafts.map((d) => d.f);
  findings.sort((a, b) => a.host.localeCompare(b.host) || (a.start ?? '').localeCompare(b.start ?? '') || a.kind.localeCompare(b.kind));
  for (const f of findings) f.summary = summarise(f);
  return { generated_by: 'bundlescope', hosts, findings };
}

type Rows = Record<string, unknown>[];
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
    id, host: d.f.host, netns: d.f.netns ?? '', kind: d.f.kind, episode: d.episode,
    start_ts: d.f.start, end_ts: d.f.end, counter: EVIDENCE_COUNTER[d.f.kind] ?? null,
    names: d.f.kind === 'tcp_listen_overflow' ? 'TcpPassiveOpens' : 'TcpActiveOpens,TcpPassiveOpens',
  }));
  await store.conn.run(`CREATE OR REPLACE TEMP TABLE rca_win AS
    SELECT id, host, netns, kind, episode, start_ts::TIMESTAMPTZ AS start_ts, end_ts::TIMESTAMPTZ AS end_ts, counter, string_split(names, ',') AS names
    FROM (SELECT unnest(json_transform($w::JSON, '[{"id":"INTEGER","host":"VARCHAR","netns":"VARCHAR","kind":"VARCHAR","episode":"BOOLEAN","start_ts":"VARCHAR","end_ts":"VARCHAR","counter":"VARCHAR","names":"VARCHAR"}]'), recursive := true))`,
  { w: JSON.stringify(windows) });
  try {
    const queries: [string, Record<string, unknown>?][] = [
      [`SELECT w.id, o.source_id, s.path, count(*) FILTER (WHERE NOT o.suppressed) AS lines, sum(o.count) FILTER (WHERE o.suppressed) AS supp,
          min(o.ts)::VARCHAR AS first, max(o.ts)::VARCHAR AS last
        FROM rca_win w JOIN overflow_events o ON o.host = w.host AND o.kind = w.kind AND o.ts BETWEEN w.start_ts AND w.end_ts
        LEFT JOIN sources s ON s.source_id = o.source_id
        WHERE w.episode GROUP BY w.id, o.source_id, s.path ORDER BY w.id, o.source_id DESC`],
      // The kind's counter, when snapshots bracket the episode, is the true count (domain.md §1.3 rule 6).
      [`WITH o AS (
          SELECT host, name, origin FROM (
            SELECT host, name, origin, row_number() OVER (PARTITION BY host, name ORDER BY count(*) DESC, min(${ORIGIN_PREFERENCE})) AS rn
            FROM counter_samples WHERE netns = '' AND semantics = 'cumulative' GROUP BY host, name, origin) WHERE rn = 1
        ), b AS (
          SELECT w.id, w.host, w.counter, o.origin,
            (SELECT max(ts) FROM counter_samples c WHERE c.host = w.host AND c.netns = '' AND c.name = w.counter AND c.origin = o.origin AND c.semantics = 'cumulative' AND c.ts <= w.start_ts) AS t0,
            (SELECT min(ts) FROM counter_samples c WHERE c.host = w.host AND c.netns = '' AND c.name = w.counter AND c.origin = o.origin AND c.semantics = 'cumulative' AND c.ts >= w.end_ts) AS t1
          FROM rca_win w JOIN o ON o.host = w.host AND o.name = w.counter WHERE w.episode)
        SELECT b.id, b.origin, b.counter, sum(st.increase) AS delta FROM b
        JOIN counter_steps st ON st.host = b.host AND st.netns = '' AND st.name = b.counter AND st.origin = b.origin AND st.from_ts >= b.t0 AND st.to_ts <= b.t1
        GROUP BY b.id, b.origin, b.counter`],
      [`SELECT w.id, l.limit_name, l.limit_value, l.raw_value, s.path FROM rca_win w
        JOIN overflow_limits l ON l.host = w.host AND l.netns = w.netns AND l.kind = w.kind
        LEFT JOIN (SELECT host, netns, name, min(source_id) AS source_id FROM sysctls GROUP BY ALL) x ON x.host = l.host AND x.netns = l.netns AND x.name = l.limit_name
        LEFT JOIN sources s ON s.source_id = x.source_id`],
      // Peak population: near the episode when samples exist there, else the largest seen; the
      // kernel's own gauges (sockstat tw, sar tcp-tw, conntrack count) before socket lists and slab.
      [`WITH s AS (
          SELECT w.id, p.metric, p.value, p.ts, p.origin, p.source_id,
            CASE WHEN p.origin = 'sockets' THEN 2 WHEN p.origin = 'slabinfo' THEN 3 ELSE 1 END AS pref,
            (w.start_ts IS NOT NULL AND p.ts BETWEEN w.start_ts - INTERVAL 10 MINUTE AND w.end_ts + INTERVAL 10 MINUTE) AS near
          FROM rca_win w JOIN population_samples p ON p.host = w.host AND p.netns = w.netns AND p.kind = w.kind
        ), a AS (
          SELECT *, bool_or(near) OVER (PARTITION BY id) AS any_near FROM s
        ), r AS (
          SELECT *, row_number() OVER (PARTITION BY id ORDER BY any_near AND NOT near, pref, value DESC, ts) AS rn FROM a)
        SELECT r.id, r.metric, r.value, r.ts::VARCHAR AS ts, r.origin, src.path FROM r LEFT JOIN sources src USING (source_id) WHERE rn = 1`],
      // The socket snapshot that best shows the episode: the fullest one near it, else the fullest one.
      [`WITH snaps AS (
          SELECT w.id, t.ts, t.source_id, max(t.snapshot_total) AS total,
            (w.start_ts IS NOT NULL AND t.ts BETWEEN w.start_ts - INTERVAL 10 MINUTE AND w.end_ts + INTERVAL 10 MINUTE) AS near
          FROM rca_win w JOIN timewait_peers t ON t.host = w.host AND t.netns = w.netns
          WHERE w.kind = 'tcp_timewait_overflow' GROUP BY w.id, t.ts, t.source_id, near
        ), pick AS (
          SELECT * FROM (
            SELECT *, row_number() OVER (PARTITION BY id ORDER BY any_near AND NOT near, total DESC, ts DESC) AS rn
            FROM (SELECT *, bool_or(near) OVER (PARTITION BY id) AS any_near FROM snaps)) WHERE rn = 1)
        SELECT pick.id, t.peer, t.share, t.sockets, t.side, t.local_port, t.ts::VARCHAR AS ts, s.path, t.snapshot_total AS total
        FROM pick JOIN rca_win w ON w.id = pick.id
        JOIN timewait_peers t ON t.host = w.host AND t.netns = w.netns AND t.ts = pick.ts AND t.source_id = pick.source_id
        LEFT JOIN sources s ON s.source_id = t.source_id
        QUALIFY row_number() OVER (PARTITION BY pick.id ORDER BY t.sockets DESC, t.peer) <= 5
        ORDER BY pick.id, t.sockets DESC, t.peer`],
      [`SELECT host, netns, name, value FROM sysctl_values
        WHERE name IN ('net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_tw_recycle', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_timestamps', 'net.ipv4.tcp_fin_timeout', 'net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_syncookies')`],
      [`SELECT host, kernel FROM hosts`],
      [`SELECT host, max(objsize) AS s FROM slab_samples WHERE cache IN ('tw_sock_TCP', 'tcp_tw_bucket') GROUP BY host`],
      [`SELECT host, netns, name, count(*) AS n, min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last FROM rate_series
        WHERE name IN ('TcpActiveOpens', 'TcpPassiveOpens') GROUP BY ALL ORDER BY name`],
      // The connection-rate spike that led the episode: a spike of active or passive opens that
      // overlaps the episode or starts up to 30 minutes before it; the strongest wins.
      [`SELECT w.id, r.name, r.origin, r.method, r.start_ts::VARCHAR AS start_ts, r.peak_ts::VARCHAR AS peak_ts, r.baseline, r.peak
        FROM rca_win w JOIN rate_spikes r ON r.host = w.host AND r.netns = w.netns AND list_contains(w.names, r.name)
          AND r.start_ts <= w.end_ts AND r.end_ts >= w.start_ts - INTERVAL 30 MINUTE
        WHERE w.start_ts IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY w.id ORDER BY r.peak / greatest(r.baseline, 1) DESC, r.start_ts) = 1`],
      [`SELECT w.id, r.name, r.origin, median(r.per_second) AS baseline, max(r.per_second) AS peak, arg_max(r.ts, r.per_second)::VARCHAR AS peak_at
        FROM rca_win w JOIN rate_series r ON r.host = w.host AND r.netns = w.netns AND list_contains(w.names, r.name)
          AND r.ts BETWEEN w.start_ts - INTERVAL 30 MINUTE AND w.end_ts + INTERVAL 10 MINUTE
        WHERE w.start_ts IS NOT NULL
        GROUP BY w.id, r.name, r.origin
        QUALIFY row_number() OVER (PARTITION BY w.id ORDER BY max(r.per_second) DESC) = 1`],
    ];
    const results = [];
    for (const [sql, params] of queries) results.push(await runSql(store, sql, params));
    const [perSource, bracket, limits, pops, peers, settings, kernels, twSizes, rates, spikes, around] = results as [typeof results[0], ...typeof results];
    const src = byId(perSource.rows);
    const brk = byId(bracket.rows);
    const lim = byId(limits.rows);
    const pop = byId(pops.rows);
    const peer = byId(peers.rows);
    const spk = byId(spikes.rows);
    const aro = byId(around.rows);
    const kernelOf = new Map(kernels.rows.map((r) => [String(r.host), r.kernel as string | null]));
    const twSizeOf = new Map(twSizes.rows.map((r) => [String(r.host), num(r.s)]));
    drafts.forEach((d, id) => {
      const f = d.f;
      for (const s of src.get(id) ?? []) {
        d.head.push({
          source: String(s.path ?? `source ${s.source_id}`),
          detail: `${s.lines} '${KINDS[f.kind].title}' lines${s.supp ? `, ${s.supp} suppressed by net_ratelimit` : ''} from ${iso(s.first)} to ${iso(s.last)}`,
        });
      }
      const base: Finding['evidence'] = [];
      const l = lim.get(id)?.[0];
      if (l) {
        f.limit.name = String(l.limit_name);
        f.limit.value = num(l.limit_value);
        base.push({ source: String(l.path ?? 'sysctls'), detail: `${l.limit_name} = ${l.raw_value}` });
      }
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
      const b = brk.get(id)?.[0];
      const bracketEvidence: Finding['evidence'] = [];
      if (b && b.delta != null) {
        f.events.counter_delta = Number(b.delta);
        f.events.counter = String(b.counter);
        bracketEvidence.push({ source: `counter_samples (${b.origin})`, detail: `${b.counter} rose by ${b.delta} across the episode` });
      }
      f.evidence = [...d.head, ...base, ...bracketEvidence, ...d.tail];
      const hostSettings = Object.fromEntries(settingsRows(settings.rows, f.host, f.netns ?? ''));
      const rec = recommend({
        kind: f.kind, kernel: kernelOf.get(f.host) ?? null, settings: hostSettings, limit: f.limit.value, peak: f.limit.peak,
        topPeers: f.top_peers, twObjectSize: twSizeOf.get(f.host) ?? null,
      });
      f.recommendations = rec.recommendations;
      f.risks = rec.risks;
      addTrigger(f, rates.rows, spk.get(id)?.[0], aro.get(id)?.[0]);
    });
  } finally {
    await store.conn.run('DROP TABLE IF EXISTS rca_win');
  }
}

function settingsRows(rows: Rows, host: string, netns: string): [string, string][] {
  return rows.filter((r) => r.host === host && r.netns === netns).map((r) => [String(r.name), String(r.value)]);
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
    f.trigger_note = 'no connection-rate data for this host (sar -n TCP, or two or more nstat / netstat -s / /proc/net/snmp snapshots, would show it)';
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
      note: `${spike.name === 'TcpActiveOpens' ? 'outgoing connections (this host is the client and closes first)' : 'incoming connections (this host accepts and closes them)'} rose from ${round(num(spike.baseline))}/s to ${round(num(spike.peak))}/s (${spike.method} from ${spike.origin})`,
    };
    f.evidence.push({ source: `counter_samples (${spike.origin})`, detail: `${spike.name} ${round(num(spike.baseline))}/s → ${round(num(spike.peak))}/s from ${start}${lead != null ? `, ${lead} s before the first overflow` : ''}` });
    return;
  }
  if (!around) {
    f.trigger_note = `connection-rate data exists (${have.map((h) => `${h.name} ${iso(h.first)} → ${iso(h.last)}`).join('; ')}) but none around the episode`;
    return;
  }
  // Rate data exists but shows no departure from its baseline around the episode: say so.
  f.trigger = {
    metric: RATE_METRIC[String(around.name)] ?? String(around.name), baseline: round(num(around.baseline)), peak: round(num(around.peak)),
    start: null, lead_seconds: null, spiked: false, peak_at: iso(around.peak_at), origin: String(around.origin),
    note: 'no spike: the connection rate stayed within its usual range around the episode (look for a lower limit or a slower drain instead)',
  };
}

const round = (v: number | null) => (v == null ? null : Math.round(v * 100) / 100);

function summarise(f: Finding): string {
  const k = KINDS[f.kind].title;
  const when = f.start ? `from ${f.start} to ${f.end}` : f.events.logged > 0 ? 'at an unknown time (no usable timestamps)' : 'at an unknown time since boot';
  const count = f.events.logged > 0
    ? `${f.events.logged} logged line(s)${f.events.suppressed ? ` + up to ${f.events.suppressed} suppressed` : ''}`
    : `${f.events.counter_delta ?? 0} counted by ${f.events.counter}`;
  const lim = f.limit.value != null ? `; limit ${f.limit.name} = ${f.limit.value}` + (f.limit.peak != null ? `, peak seen ${f.limit.peak}` : '') : '';
  const peer = f.top_peers[0] ? `; top peer ${f.top_peers[0].peer} (${Math.round(f.top_peers[0].share * 100)}% of TIME-WAIT)` : '';
  return `${f.host}${f.netns ? ` (netns ${f.netns})` : ''}: ${k} ${when}: ${count}${lim}${peer}.`;
}
