/**
 * A bundle's member plan, as data: which members of a sosreport feed which format. The formats'
 * `sos` entries (formats/registry.ts, formats/format.ts SosEntry) are the one table of
 * "path → format" (as insights-core keeps its specs), applied here to the bundle's logical paths
 * (links resolved) in their `step` order, with the preferences as choices among entries (ss over
 * netstat over /proc/net/tcp, the whole journal over --boot, dmesg over dmesg -T). Paths are
 * relative to the bundle root. See domain.md §4. Also: the plan's types, which every bundle reader
 * fills (sosreport.ts, supportconfig.ts) and ingest loads the same way.
 */
import { createGunzip } from 'node:zlib';
import type { HostFacts, LogEventRow, ParseContext, TimeBasis } from '../model.js';
import type { SourceTimes } from '../store/timebasis.js';
import type { Appendable, TableName } from '../store/load.js';
import { folderStream, memberOnDisk, type Tree } from './tree.js';
import { FORMATS } from '../formats/registry.js';
import type { SosEntry } from '../formats/format.js';

/** Where the outputs sos took in other network namespaces come in the member plan (between the sockets and conntrack -S). */
const NETNS_STEP = 150;

let planEntries: { kind: string; entry: SosEntry }[] | null = null;
/** The formats' sos entries that name members, in plan order (a stable sort: equal steps keep registry order). */
function sosPlanEntries(): { kind: string; entry: SosEntry }[] {
  // (built on first use: the registry imports this module too)
  planEntries ??= FORMATS.flatMap((f) => (f.sos ?? []).filter((e) => e.step != null && (e.path != null || e.dir != null)).map((entry) => ({ kind: f.kind, entry })))
    .sort((x, y) => x.entry.step! - y.entry.step!);
  return planEntries;
}

let netnsEntries: { kind: string; netns: RegExp }[] | null = null;
function sosNetnsEntries(): { kind: string; netns: RegExp }[] {
  netnsEntries ??= FORMATS.flatMap((f) => (f.sos ?? []).filter((e) => e.netns != null).map((e) => ({ kind: f.kind, netns: e.netns! })));
  return netnsEntries;
}

let netnsRe: RegExp | null = null;
/** `ip_netns_exec_<ns>_<command>` for the commands some format reads (the longest namespace name that leaves one). */
function netnsCommand(): RegExp {
  netnsRe ??= new RegExp(`^ip_netns_exec_(.+)_((?:${sosNetnsEntries().map((e) => e.netns.source.replace(/^\^|\$$/g, '')).join('|')}))$`);
  return netnsRe;
}

/** The members a sos entry names in this tree (paths relative to the root), in the folder's order. */
function sosEntryPaths(tree: Tree, base: string, e: SosEntry, exists: (p: string) => boolean): string[] {
  // (a path of no choice is handed to the plan as it is: the plan sees whether it is there, on disk or in memory)
  if (e.path != null) return e.choice == null || exists(e.path) ? [e.path] : [];
  const name = e.name!;
  const dirs = e.nested ? tree.list(e.dir!, base).map((d) => `${e.dir}/${d}`) : [e.dir!];
  const out: string[] = [];
  for (const dir of dirs) {
    const names = tree.list(dir, base);
    const found = Array.isArray(name) ? name.filter((n) => names.includes(n)) : names.filter((n) => name.test(n));
    for (const n of e.first ? found.slice(0, 1) : found) out.push(`${dir}/${n}`);
  }
  return out;
}

let entryMatchers: ((rel: string) => boolean)[] | null = null;
/** Members the formats' sos entries can take (ip_netns_exec_* outputs included), as tests of a root-relative path. */
export function sosEntryMatchers(): ((rel: string) => boolean)[] {
  entryMatchers ??= [
    ...sosPlanEntries().map(({ entry: e }): ((rel: string) => boolean) => {
      if (e.path != null) return (rel) => rel === e.path;
      const name = e.name!;
      return (rel) => {
        const i = rel.lastIndexOf('/');
        if (i < 0) return false;
        const dir = rel.slice(0, i);
        const n = rel.slice(i + 1);
        const inDir = e.nested ? dir.startsWith(e.dir + '/') && !dir.slice(e.dir!.length + 1).includes('/') : dir === e.dir;
        return inDir && (Array.isArray(name) ? name.includes(n) : name.test(n));
      };
    }),
    (rel) => /^sos_commands\/networking\/(?:namespaces\/[^/]+\/)?ip_netns_exec_[^/]+$/.test(rel),
  ];
  return entryMatchers;
}

export interface PlanItem {
  /** Logical path relative to the root (what sos calls the file). */
  path: string;
  /** Real path in the tree (after links). */
  real: string;
  kind: string;
  data: Buffer;
  netns: string | null;
  snapshotTs: number | null;
  /** sos truncated the file (sos_strings/*.tailed). */
  partial: boolean;
  /** Log rows of bundle files belong to the bundle's host whatever the line says. */
  forceHost: boolean;
  /** What snapshotTs rests on: the command's start in the manifest, or the collection time. */
  snapshotBasis: TimeBasis | null;
  /**
   * A member that stays on disk (tree.ts memberOnDisk: an extracted folder's large file, or an
   * archive's large member written to the temporary folder): `data` is empty and the file is read
   * from here — by its format's SQL loader, or streamed through the line parser —, as it is
   * stored (a rotated `.gz` one decompressed as it is read).
   */
  diskPath?: string;
  /** Its size on disk (as stored: compressed, for a compressed one). */
  diskBytes?: number;
  /**
   * 1-based line of the member's first line in its file, when the member is a part of a file (a
   * supportconfig section): its rows' and issues' line numbers are shifted to the file's.
   */
  firstLine?: number;
}


export interface BundlePlan {
  /** The bundle's kind (sources.kind of its row): the BundleFormat that made the plan. */
  kind: string;
  root: string;
  facts: HostFacts;
  tzAssumed: boolean;
  /** How the collection time was found, ± the sos run's duration (the bundle's sources row). */
  collection: TimeBasis | null;
  items: PlanItem[];
  /** Rows the bundle reader made itself (proc/sys values: proc-sys.ts), loaded as sources of their own after the members. */
  ready: ReadySource[];
  notes: string[];
}

/**
 * Rows a bundle reader makes itself (not parsed from a member by a format): stored as a source of
 * their own under the bundle, in the order of `rows`' tables.
 */
export interface ReadySource {
  /** sources.kind */
  kind: string;
  /** sources.path, as shown */
  path: string;
  times: SourceTimes;
  rows: { [T in TableName]?: Appendable[T][] };
  /** What these rows add to the content hash of a bundle read from a folder. */
  digest: string;
}

/**
 * The members the formats' sos entries take from a sosreport tree rooted at `base`, in plan order;
 * the outputs sos took in other network namespaces at NETNS_STEP.
 */
export function planMembers(
  tree: Tree, base: string, snapshotTsFor: (p: string) => number | null, snapshotBasisFor: (p: string) => TimeBasis | null,
): PlanItem[] {
  const read = (p: string) => tree.read(p, base);
  const items: PlanItem[] = [];
  const seenReal = new Set<string>();
  const add = (path: string, kind: string, extra: Partial<PlanItem> = {}) => {
    const found = tree.get(path, base);
    // (a large member stays on disk: tree.ts memberOnDisk)
    if (found?.entry.type === 'file' && found.entry.diskPath && found.entry.size >= Math.min(memberOnDisk.minBytes, folderStream.minBytes)) {
      if (seenReal.has(found.real + '|' + kind)) return;
      seenReal.add(found.real + '|' + kind);
      items.push({
        path, real: found.real, kind, data: Buffer.alloc(0), netns: null, snapshotTs: snapshotTsFor(path), snapshotBasis: snapshotBasisFor(path),
        partial: /\.tailed$/.test(found.real), forceHost: true, diskPath: found.entry.diskPath, diskBytes: found.entry.size, ...extra,
      });
      return;
    }
    const g = read(path);
    if (!g) return;
    if (seenReal.has(g.real + '|' + kind)) return;
    seenReal.add(g.real + '|' + kind);
    items.push({
      path, real: g.real, kind, data: g.data, netns: null, snapshotTs: snapshotTsFor(path), snapshotBasis: snapshotBasisFor(path),
      partial: /\.tailed$/.test(g.real), forceHost: true, ...extra,
    });
  };

  // The members, in the order of the formats' sos entries (formats/format.ts SosEntry); the
  // outputs sos took in other network namespaces at NETNS_STEP.
  const net = 'sos_commands/networking';
  const netNames = tree.list(net, base);
  const taken = new Map<string, Set<string>>(); // kind → names taken (SosEntry.newNamesOnly)
  const chosen = new Map<string, number>(); // choice → the step of the alternative taken
  let netnsDone = false;
  const takeNetns = () => {
    netnsDone = true;
    // Other network namespaces: their own limits and counters (tcp_max_tw_buckets is per netns).
    const nsFiles: string[] = netNames.filter((n) => n.startsWith('ip_netns_exec_')).map((n) => `${net}/${n}`);
    for (const ns of tree.list(`${net}/namespaces`, base)) {
      for (const n of tree.list(`${net}/namespaces/${ns}`, base)) if (n.startsWith('ip_netns_exec_')) nsFiles.push(`${net}/namespaces/${ns}/${n}`);
    }
    const nsSeen = new Set<string>();
    for (const p of nsFiles) {
      const m = netnsCommand().exec(p.slice(p.lastIndexOf('/') + 1));
      if (!m) continue;
      const [, ns, cmd] = m as unknown as [string, string, string];
      const kind = sosNetnsEntries().find((e) => e.netns.test(cmd))?.kind;
      if (!kind || nsSeen.has(ns + kind)) continue;
      nsSeen.add(ns + kind);
      add(p, kind, { netns: ns });
    }
  };
  for (const { kind, entry: e } of sosPlanEntries()) {
    if (!netnsDone && e.step! > NETNS_STEP) takeNetns();
    if (e.choice != null) {
      const step = chosen.get(e.choice);
      if (step != null && step !== e.step) continue; // an earlier alternative had its member
    }
    const paths = sosEntryPaths(tree, base, e, (p) => tree.has(p, base));
    if (e.newNamesOnly) {
      const seen = taken.get(kind);
      for (let i = paths.length - 1; i >= 0; i--) if (seen?.has(paths[i]!.slice(paths[i]!.lastIndexOf('/') + 1))) paths.splice(i, 1);
    }
    if (e.choice != null && paths.length > 0) chosen.set(e.choice, e.step!);
    for (const p of paths) {
      add(p, kind);
      let names = taken.get(kind);
      if (!names) taken.set(kind, (names = new Set()));
      names.add(p.slice(p.lastIndexOf('/') + 1));
    }
  }
  if (!netnsDone) takeNetns();
  return items;
}

/**
 * Rotated logs compressed inside the bundle: capped like any member, and their decompressed
 * bytes count against the input's one budget (--max-total-bytes) with what the archive itself
 * expanded to (`used`); a damaged one keeps what decompressed before the damage (a note says so).
 */
export async function gunzipMembers(
  items: PlanItem[], used: number, opts: { maxMemberBytes?: number; maxTotalBytes?: number }, notes: string[],
): Promise<void> {
  const memberCap = opts.maxMemberBytes ?? 1024 ** 3;
  const budget = opts.maxTotalBytes ?? Infinity;
  for (const it of items) {
    if (it.data[0] === 0x1f && it.data[1] === 0x8b) {
      const left = Math.max(0, budget - used);
      const byTotal = left < memberCap;
      const r = await gunzipTolerant(it.data, byTotal ? left : memberCap, byTotal ? '--max-total-bytes' : '--max-member-bytes');
      it.data = r.data;
      used += r.data.length;
      if (r.problem) {
        it.partial = true;
        notes.push(`${it.path}: ${r.problem}; kept the ${r.data.length} bytes before it`);
      }
    }
  }
}

/** gunzip a member, stopping at `cap` bytes and keeping the output read before any damage. */
async function gunzipTolerant(buf: Buffer, cap: number, limitName: string): Promise<{ data: Buffer; problem: string | null }> {
  const chunks: Buffer[] = [];
  let n = 0;
  let problem: string | null = null;
  const z = createGunzip();
  await new Promise<void>((resolve) => {
    z.on('data', (c: Buffer) => {
      if (n + c.length > cap) {
        chunks.push(c.subarray(0, cap - n));
        n = cap;
        problem = `decompressed size exceeds ${cap} bytes (limit ${limitName})`;
        z.destroy();
        resolve();
        return;
      }
      n += c.length;
      chunks.push(c);
    });
    z.on('end', () => resolve());
    z.on('close', () => resolve());
    z.on('error', (e: Error) => {
      problem = `damaged gzip data (${e.message})`;
      resolve();
    });
    z.end(buf);
  });
  return { data: Buffer.concat(chunks), problem };
}

/** Context for one planned file. */
export function itemContext(plan: BundlePlan, it: PlanItem, display: string): ParseContext {
  return {
    file: display,
    host: plan.facts.host,
    tz: plan.facts.timezone ?? 'UTC',
    tzAssumed: plan.tzAssumed,
    referenceTimeMs: plan.facts.collected_at != null ? Math.floor(plan.facts.collected_at / 1000) : null,
    bootTimeMs: plan.facts.boot_time != null ? plan.facts.boot_time / 1000 : null,
    snapshotTs: it.snapshotTs,
    netns: it.netns,
  };
}

export function forceHost(rows: LogEventRow[], host: string): void {
  for (const r of rows) r.host = host;
}

