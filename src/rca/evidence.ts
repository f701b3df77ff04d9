/**
 * The evidence a root-cause report starts from, read from the store (sql/rca/*.sql) into the
 * records reconcile.ts works on: logged episodes (with the namespace of the listener a SYN-flood
 * line names), logged overflows with no usable time, and the evidence counters' bursts and
 * since-boot remainders. Also what each counter series is, in words, and the case folder the
 * evidence paths are shortened to.
 */
import type { Store } from '../store/db.js';
import type { OverflowKind } from '../signatures.js';
import { rcaRecords } from './queries.js';
import type { ListenNamespaceRecord } from './records.js';
import type { CounterBurst, CounterRemainder, LoggedEpisode, Reconciled, UndatedLogged } from './reconcile.js';
import type { Finding } from './types.js';
import { fmtS, iso, num } from './values.js';

/** The scope of a report: one host or all, and a time window. */
export type Scope = { host: string | null; from: string | null; to: string | null };

export interface Evidence {
  episodes: LoggedEpisode[];
  undated: UndatedLogged[];
  bursts: CounterBurst[];
  remainders: CounterRemainder[];
}

/** Everything reconcile() needs, in a handful of set-based queries. */
export async function readEvidence(store: Store, p: Scope): Promise<Evidence> {
  // Logged episodes, with the time uncertainty of their lines and the listeners they name.
  const episodeRows = await rcaRecords(store, 'episodes', p);
  // Which namespaces listen on the port (and address) a SYN-flood line names.
  const listenNs = episodeRows.some((e) => Array.isArray(e.details) && e.details.length > 0)
    ? await rcaRecords(store, 'listen_namespaces', { host: p.host })
    : [];
  const episodes: LoggedEpisode[] = episodeRows.map((e) => ({
    host: String(e.host), kind: e.kind as OverflowKind, episode: Number(e.episode), start: iso(e.start_ts)!, end: iso(e.end_ts)!,
    logged: Number(e.logged), suppressed: Number(e.suppressed), repeated: Number(e.repeated ?? 0), uncertaintyS: Number(e.uncertainty_s ?? 1), timeBasis: e.time_basis != null ? String(e.time_basis) : null,
    netns: listenerNamespace(String(e.host), e.details ?? [], listenNs),
    details: (e.details ?? []).map(String),
  }));

  // Logged overflows whose time is unknown (dmesg without a boot time, pasted fragments).
  const undated: UndatedLogged[] = p.from || p.to ? [] : (await rcaRecords(store, 'undated', { host: p.host })).map((u) => ({
    host: String(u.host), kind: u.kind as OverflowKind, logged: Number(u.logged), suppressed: Number(u.suppressed), paths: String(u.paths),
  }));

  // The evidence counter of each stream per host and namespace (the best one present), what its
  // accounting series held at the first snapshot, and the bursts in which it rose.
  const anyCounter = (await rcaRecords(store, 'any_counter', { host: p.host })).length > 0;
  const streamRows = !anyCounter ? [] : await rcaRecords(store, 'streams', { host: p.host });
  const key = (r: { host: string; netns: string; name: string }) => `${r.host}\u0000${r.netns}\u0000${r.name}`;
  const kindsOf = new Map(streamRows.map((r) => [key(r), r.kinds as OverflowKind[]]));
  const burstRows = streamRows.some((r) => Number(r.increase) > 0) ? await rcaRecords(store, 'bursts', p) : [];
  const bursts: CounterBurst[] = burstRows.filter((b) => kindsOf.has(key(b))).map((b) => ({
    host: String(b.host), netns: String(b.netns), counter: String(b.name), kinds: kindsOf.get(key(b))!,
    start: iso(b.start_ts)!, end: iso(b.end_ts)!, firstTo: iso(b.first_to)!, delta: Number(b.delta), steps: Number(b.steps),
    intervalS: num(b.interval_s), series: String(b.series), tail: Boolean(b.tail),
  }));
  const remainders: CounterRemainder[] = streamRows.map((r) => ({
    host: String(r.host), netns: String(r.netns), counter: String(r.name), kinds: r.kinds as OverflowKind[],
    firstTs: iso(r.first_ts)!, firstValue: Number(r.first_value), samples: Number(r.samples), series: String(r.series),
  }));
  return { episodes, undated, bursts, remainders };
}

/** The namespace whose listener a SYN-flood line names (6.x: ADDR:PORT; older: the port), when only one has it. */
function listenerNamespace(host: string, details: string[], listeners: ListenNamespaceRecord[]): string | null {
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

export interface SeriesInfo { label: string; paths: string[]; intervalS: number | null }

/** The key of a counter series in describeSeries' map. */
export const seriesKey = (host: string, netns: string, counter: string, series: string) => `${host}\u0000${netns}\u0000${counter}\u0000${series}`;

/** What each counter series is, in words: origin, cadence and files. */
export async function describeSeries(store: Store, rs: Reconciled[]): Promise<Map<string, SeriesInfo>> {
  const keys = new Set<string>();
  for (const r of rs) {
    for (const b of r.bursts) for (const s of b.series.split(',')) keys.add(seriesKey(b.host, b.netns, b.counter, s));
    if (r.remainder) keys.add(seriesKey(r.host, r.remainder.netns, r.remainder.counter, r.remainder.series));
  }
  const out = new Map<string, SeriesInfo>();
  if (keys.size === 0) return out;
  const rows = await rcaRecords(store, 'series', { keys: JSON.stringify([...keys]) });
  for (const r of rows) {
    const paths = r.paths.map(String);
    const n = Number(r.samples);
    const when = r.time_class === 'timed' ? '' : ` (stamped with the ${r.time_class === 'collection-time' ? 'collection time' : "file's modification time"})`;
    const where = paths.length === 1 ? paths[0] : `${paths.length} files`;
    out.set(seriesKey(r.host, r.netns, r.name, r.series), {
      label: n <= 1 ? `one ${r.origin} snapshot${when} in ${where}` : `${n} ${r.origin} snapshots every ${fmtS(num(r.interval_s))}${when} in ${where}`,
      paths, intervalS: num(r.interval_s),
    });
  }
  return out;
}

/**
 * Paths as the inputs were given, made relative to the deepest folder every input path shares
 * (the case folder), whether given absolute or relative to where the command ran; bundle members
 * are `<archive>/<member>` and shorten with their archive.
 */
export async function caseRelative(store: Store): Promise<(f: Finding) => void> {
  const paths = (await rcaRecords(store, 'case_paths')).map((r) => String(r.path));
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
