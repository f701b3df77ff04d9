/**
 * Every fact of every finding read around its time window, in a fixed number of set-based queries
 * over a temporary table of the windows (sql/rca/windows.sql, then sql/rca/window_*.sql): the
 * sources of its lines, its limit, peak population, top peers, listener, settings and trigger;
 * then its recommendations (recommend.ts).
 */
import type { Store } from '../store/db.js';
import { KINDS } from '../signatures.js';
import { rcaRecords } from './queries.js';
import type { RcaQueryName, RcaRecords, SettingRecord } from './records.js';
import { recommend } from './recommend.js';
import type { Draft } from './draft.js';
import { listenClients, listenerFacts, listenTrigger } from './listen.js';
import { addTrigger } from './trigger.js';
import type { Finding } from './types.js';
import { iso, num } from './values.js';

/** The rows of a window query by finding id (the index of its draft). */
const byId = <T extends { id: number }>(rows: T[]) => {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const id = Number(r.id);
    let l = m.get(id);
    if (!l) m.set(id, (l = []));
    l.push(r);
  }
  return m;
};

/** Every fact for every draft, in a fixed number of set-based queries over a table of windows. */
export async function enrich(store: Store, drafts: Draft[]): Promise<void> {
  if (drafts.length === 0) return;
  const windows = drafts.map((d, id) => ({
    id, host: d.f.host, netns: d.f.netns ?? '', kind: d.f.kind, episode: d.r.episode != null,
    start_ts: d.f.start, end_ts: d.f.end,
    log_start: d.r.episode?.start ?? null, log_end: d.r.episode?.end ?? null,
    names: d.f.kind === 'tcp_listen_overflow' ? 'TcpPassiveOpens' : 'TcpActiveOpens,TcpPassiveOpens',
  }));
  await rcaRecords(store, 'windows', { w: JSON.stringify(windows) });
  try {
    // Queries whose windows or data are absent are not run (each costs its planning even on no rows).
    const anyEpisode = drafts.some((d) => d.r.episode != null);
    const anyTw = drafts.some((d) => d.f.kind === 'tcp_timewait_overflow');
    const anyListen = drafts.some((d) => d.f.kind === 'tcp_listen_overflow');
    const anyDated = drafts.some((d) => d.f.start != null);
    const run = <N extends RcaQueryName>(name: N, needed = true): Promise<RcaRecords[N][]> => (needed ? rcaRecords(store, name) : Promise.resolve([]));
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
    await rcaRecords(store, 'windows_drop');
  }
}

function settingsRows(rows: SettingRecord[], host: string, netns: string): [string, string][] {
  return rows.filter((r) => r.host === host && r.netns === netns).map((r) => [String(r.name), String(r.value)]);
}
