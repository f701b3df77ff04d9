import { createHash } from 'node:crypto';
import { safeHostName } from '../report/safe.js';
import { createGunzip } from 'node:zlib';
import type { HostFacts, LogEventRow, ParseContext, TimeBasis } from '../model.js';
import { isValidZone, localToUtcMicros, monthNumber } from '../time.js';
import { InputError } from '../errors.js';
import { folderStream, Tree } from './tree.js';
import { FORMATS } from '../formats/registry.js';
import type { SosEntry } from '../formats/format.js';

export { folderStream };
import { parseDateOutput } from '../ingest/stamps.js';
import * as hf from './hostfacts.js';
import { sysctlFromProcPath } from '../ingest/sysctl.js';
import { bootFromDmesgT } from '../ingest/dmesg.js';

/**
 * Which files of a sosreport feed which parser: the formats' `sos` entries (formats/registry.ts,
 * formats/format.ts SosEntry) are the one table of "path → format" (as insights-core keeps its
 * specs), applied here to the bundle's logical paths (links resolved) in their `step` order, with
 * the preferences as choices among entries (ss over netstat over /proc/net/tcp, the whole journal
 * over --boot, dmesg over dmesg -T). Paths are relative to the sosreport root. See domain.md §4.
 */

/**
 * Members worth reading from an archive (relative to the sosreport root) besides those the formats'
 * sos entries name (sosEntryMatchers): host facts, and folders read as a whole.
 */
const INTERESTING = [
  /^sos_commands\/(?:kernel|host|general|date|systemd|logs|networking|conntrack|sar|process)\//,
  /^insights_commands\//,
  /^proc\/(?:stat|uptime|slabinfo)$/,
  /^proc\/[^/]+\/net\//,
  /^proc\/net\//,
  /^proc\/sys\/(?:net\/|kernel\/random\/boot_id$)/,
  /^etc\/(?:localtime|timezone|hostname|sysconfig\/clock|redhat-release|os-release|lsb-release|sysctl\.conf|sysctl\.d\/[^/]+)$/,
  /^usr\/lib\/os-release$/,
  /^var\/log\/(?:messages|syslog|kern\.log|dmesg)[^/]*$/,
  /^var\/log\/(?:sa|sysstat)\/sar\d+$/,
  /^var\/log\/journal\/[^/]+\/[^/]+\.journal~?$/,
  /^sos_strings\//,
  /^sos_reports\/manifest\.json$/,
  /^version\.txt$/,
];

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
function sosEntryMatchers(): ((rel: string) => boolean)[] {
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

/** Archive member filter: members of interest under any top directory. */
export function wantedMember(path: string): boolean {
  // the sosreport's folder may be the archive's top (sosreport-x/…) or one folder down (case/sosreport-x/…)
  const i = path.indexOf('/');
  const rel = i < 0 ? path : path.slice(i + 1);
  const j = rel.indexOf('/');
  const rel2 = j < 0 ? null : rel.slice(j + 1);
  // (the host facts' files, and every member a format's sos entry can take)
  const wanted = (re: RegExp) => re.test(path) || re.test(rel) || (rel2 != null && re.test(rel2));
  return INTERESTING.some(wanted) || sosEntryMatchers().some((m) => m(path) || m(rel) || (rel2 != null && m(rel2)));
}

/** The sosreport root inside a tree: the shallowest directory holding sos_commands/ (or insights_commands/). */
export function findSosRoot(tree: Tree): string | null {
  // By the last component only (a regex over each whole path was quadratic over a deep tree's
  // implicit parent folders: minutes for one member of a million components).
  let best: string | null = null;
  let bestDepth = Infinity;
  for (const [p, e] of tree.entries) {
    if (e.type !== 'dir') continue;
    const i = p.lastIndexOf('/');
    const last = i < 0 ? p : p.slice(i + 1);
    if (last !== 'sos_commands' && last !== 'insights_commands') continue;
    const root = i < 0 ? '' : p.slice(0, i);
    let depth = 0;
    if (root !== '') for (let k = 0, n = 1; k <= root.length; k++) if (k === root.length || root.charCodeAt(k) === 47) depth = n++;
    if (depth < bestDepth) {
      best = root;
      bestDepth = depth;
    }
  }
  return best;
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
   * A file of an extracted bundle too large to hold (folderStream.minBytes and over): `data` is
   * empty and the file is streamed from here when parsed.
   */
  diskPath?: string;
  /** Its size on disk. */
  diskBytes?: number;
}


export interface BundlePlan {
  root: string;
  facts: HostFacts;
  tzAssumed: boolean;
  /** How the collection time was found, ± the sos run's duration (the bundle's sources row). */
  collection: TimeBasis | null;
  items: PlanItem[];
  /** Ready-made rows (proc/sys files, conntrack count), loaded as their own sources. */
  procSysctls: { path: string; name: string; value: string }[];
  notes: string[];
}

function text(buf: Buffer | undefined | null): string {
  return buf ? buf.toString('utf8') : '';
}


/** Build the plan: host facts first (time zone, collection and boot time), then every file to parse. */
export async function planBundle(
  tree: Tree, bundleName: string,
  opts: { host?: string | null; tz?: string | null; maxMemberBytes?: number; maxTotalBytes?: number },
): Promise<BundlePlan> {
  const root = findSosRoot(tree);
  if (root == null) throw new InputError('not-a-sosreport', 'no sos_commands/ directory: not a sosreport', bundleName);
  const base = root;
  const read = (p: string) => tree.read(p, base);
  const readText = (p: string) => text(read(p)?.data);
  const notes: string[] = [];

  // Host.
  const unameText = readText('sos_commands/kernel/uname_-a') || readText('uname') || readText('insights_commands/uname_-a');
  const uname = hf.parseUname(unameText);
  let host =
    hf.parseHostname(readText('sos_commands/host/hostname')) ??
    hf.parseHostname(readText('hostname')) ??
    hf.parseHostname(readText('sos_commands/general/hostname')) ??
    hf.parseHostname(readText('insights_commands/hostname')) ??
    hf.parseHostname(readText('etc/hostname')) ??
    uname?.node ??
    hf.hostFromBundleName(bundleName) ??
    // a sosreport one folder down in an archive (case.tar.gz: case/sosreport-<host>-…/): its folder's name
    (root ? hf.hostFromBundleName(root.slice(root.lastIndexOf('/') + 1)) : null);
  if (opts.host) host = opts.host;
  if (!host) throw new InputError('no-host', 'cannot tell the host name (no hostname, uname or sosreport-<host> name); pass --host', bundleName);
  host = shortHost(host);

  // Time zone.
  let tz: string | null = null;
  let tzOrigin: string | null = null;
  const dateLocal = readText('sos_commands/date/date') || readText('insights_commands/date');
  const dateUtc = readText('sos_commands/date/date_--utc') || readText('insights_commands/date_--utc');
  if (opts.tz) {
    if (!isValidZone(opts.tz)) throw new InputError('bad-tz', `unknown time zone '${opts.tz}' (use an IANA name such as America/Chicago)`, null);
    tz = opts.tz; tzOrigin = '--tz';
  }
  if (!tz) { tz = hf.parseTimedatectl(readText('sos_commands/systemd/timedatectl')); if (tz) tzOrigin = 'timedatectl'; }
  if (!tz) {
    const lt = tree.get('etc/localtime', base);
    const linkEntry = tree.entries.get(base ? base + '/etc/localtime' : 'etc/localtime');
    if (linkEntry?.type === 'link') { tz = hf.zoneFromLocaltimeTarget(linkEntry.target); if (tz) tzOrigin = 'etc/localtime'; }
    if (!tz && lt?.entry.type === 'file') {
      const data = read('etc/localtime')?.data;
      if (data) { tz = hf.zoneFromTzif(data); if (tz) tzOrigin = 'etc/localtime (TZif)'; }
    }
  }
  if (!tz) { tz = hf.parseEtcTimezone(readText('etc/timezone')); if (tz) tzOrigin = 'etc/timezone'; }
  if (!tz) { tz = hf.parseSysconfigClock(readText('etc/sysconfig/clock')); if (tz) tzOrigin = 'etc/sysconfig/clock'; }
  if (!tz && dateLocal && dateUtc) {
    const off = localMinusUtcMinutes(dateLocal, dateUtc);
    if (off != null) { tz = hf.zoneFromOffsetMinutes(off); if (tz) { tzOrigin = 'date-offset'; notes.push(`time zone taken from date vs date --utc (offset ${off} min at collection; DST may differ at incident time)`); } }
  }
  let tzAssumed = false;
  if (!tz) { tz = 'UTC'; tzOrigin = 'assumed'; tzAssumed = true; notes.push('no time zone found in the bundle: local times taken as UTC (pass --tz)'); }

  // Collection time.
  let collected: number | null = null;
  let collectedHow: string | null = null;
  if (dateUtc) collected = parseDateOutput(dateUtc.trim().split('\n')[0] ?? '', 'UTC');
  if (collected != null) collectedHow = 'date --utc';
  if (collected == null && dateLocal) {
    collected = parseDateOutput(dateLocal.trim().split('\n')[0] ?? '', tz);
    if (collected != null) collectedHow = 'date';
  }
  const manifest = hf.parseManifest(readText('sos_reports/manifest.json'));
  if (collected == null && manifest?.startLocal) {
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/.exec(manifest.startLocal);
    if (m) collected = localToUtcMicros({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! }, tz);
    if (collected != null) collectedHow = 'manifest start_time';
  }
  if (collected == null) {
    const named = /-(\d{4})-(\d{2})-(\d{2})-[a-z]{7}(?:\.|$)|-(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.|$)/;
    const m = named.exec(bundleName) ?? (root ? named.exec(root.slice(root.lastIndexOf('/') + 1)) : null);
    if (m && m[1]) collected = localToUtcMicros({ year: +m[1], month: +m[2]!, day: +m[3]!, hour: 23, minute: 59, second: 59 }, tz);
    else if (m && m[4]) collected = localToUtcMicros({ year: +m[4], month: +m[5]!, day: +m[6]!, hour: +m[7]!, minute: +m[8]!, second: +m[9]! }, tz);
    if (collected != null) {
      collectedHow = 'bundle name';
      notes.push('collection time taken from the bundle name');
    }
  }
  // A file sos copied (no command time of its own) was read at some moment of the run.
  const runSeconds = manifest ? hf.manifestRunSeconds(manifest.startLocal, manifest.endLocal) : null;
  const collection: TimeBasis | null = collectedHow
    ? { basis: `collection: ${collectedHow}`, uncertainty_s: collectedHow === 'bundle name' ? null : runSeconds }
    : null;

  // Boot time, and how far off it may be (domain.md §3.8).
  let boot: number | null = null;
  let bootBasis: TimeBasis | null = null;
  const btime = hf.parseBtime(readText('proc/stat'));
  if (btime != null) {
    // Recomputed as now − uptime at every read of /proc/stat: it wobbles by a second.
    boot = btime * 1_000_000;
    bootBasis = { basis: 'proc/stat btime', uncertainty_s: 1 };
  }
  if (boot == null && collected != null) {
    const procUp = hf.parseProcUptime(readText('proc/uptime'));
    const uptimeText = readText('sos_commands/host/uptime') || readText('uptime') || readText('insights_commands/uptime');
    const up = procUp ?? hf.parseUptime(uptimeText);
    if (procUp != null) {
      // 0.01 s of its own, and the read is not the moment `date` ran (unknown: 1 s).
      boot = collected - Math.round(procUp * 1_000_000);
      bootBasis = { basis: 'proc/uptime', uncertainty_s: 1.01 };
    } else if (up != null) {
      // `up 31 min`: the uptime is somewhere in [31 min, 32 min); the centre, ± half of it and
      // the second of `date`.
      const res = hf.uptimeResolution(uptimeText);
      boot = collected - Math.round((up + res / 2) * 1_000_000);
      bootBasis = { basis: res === 60 ? 'uptime (minutes)' : 'uptime (seconds)', uncertainty_s: res / 2 + 1 };
    }
  }
  // sos ≥ 4.8 keeps dmesg and dmesg -T: the same lines say where the boot second is.
  const rawDmesg = readText('sos_commands/kernel/dmesg');
  const dmesgT = readText('sos_commands/kernel/dmesg_-T');
  if (rawDmesg && dmesgT && !tzAssumed) {
    const m = bootFromDmesgT(rawDmesg, dmesgT, { file: 'dmesg', host, tz, tzAssumed });
    if (m && (bootBasis?.uncertainty_s == null || m.uncertainty_s < bootBasis.uncertainty_s)) {
      boot = m.boot_us;
      bootBasis = { basis: 'dmesg -T match', uncertainty_s: m.uncertainty_s };
    }
  }
  const bootId = readText('proc/sys/kernel/random/boot_id').trim() || null;

  const release =
    hf.parseRelease(readText('etc/redhat-release'), false) ??
    hf.parseRelease(readText('etc/os-release') || readText('usr/lib/os-release'), true);

  const facts: HostFacts = {
    host, kernel: uname?.kernel ?? null, release, timezone: tz, timezone_origin: tzOrigin,
    boot_time: boot, boot_time_basis: bootBasis?.basis ?? null, boot_time_uncertainty_s: bootBasis?.uncertainty_s ?? null,
    collected_at: collected, boot_id: bootId,
  };

  // Files to parse.
  const items: PlanItem[] = [];
  const seenReal = new Set<string>();
  const snapshotTsFor = (p: string): number | null => {
    const t = manifest?.commandTimes.get(p);
    return t != null ? Math.round(t * 1_000_000) : collected;
  };
  const snapshotBasisFor = (p: string): TimeBasis | null => {
    const t = manifest?.commandTimes.get(p);
    if (t == null) return collected != null ? { basis: 'collection-time', uncertainty_s: runSeconds } : null;
    // The output is the state at some moment between the command's start and end (0.01 s apart at least).
    const end = manifest!.commandEnds.get(p);
    return { basis: 'sos command time', uncertainty_s: end != null ? Math.max(0.01, Math.round((end - t) * 1e6) / 1e6) : null };
  };
  const add = (path: string, kind: string, extra: Partial<PlanItem> = {}) => {
    const found = tree.get(path, base);
    if (found?.entry.type === 'file' && found.entry.diskPath && found.entry.size >= folderStream.minBytes) {
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
    const paths = sosEntryPaths(tree, base, e, (p) => read(p) != null);
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

  // proc/sys: the running values, one file per setting.
  const procSysctls: BundlePlan['procSysctls'] = [];
  const sysReal = tree.resolve('proc/sys', base);
  if (sysReal != null) {
    for (const real of tree.walkFiles('proc/sys/net', base)) {
      const rel = 'proc/sys/' + real.slice(sysReal.length + 1);
      const e = tree.entries.get(real);
      if (e?.type === 'file' && e.size > 65536) continue;
      const data = tree.read(real)?.data;
      if (!data || data.length > 65536) continue;
      const kv = sysctlFromProcPath(rel, data.toString('utf8'));
      if (kv) procSysctls.push({ path: rel, ...kv });
    }
  }

  // Rotated logs compressed inside the bundle: capped like any member, and their decompressed
  // bytes count against the input's one budget (--max-total-bytes) with what the archive itself
  // expanded to; a damaged one keeps what decompressed before the damage.
  const memberCap = opts.maxMemberBytes ?? 1024 ** 3;
  let used = tree.bytesRead;
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
  return { root, facts, tzAssumed, collection, items, procSysctls, notes };
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

/**
 * Host key: the short host name (syslog lines carry short names; FQDNs vary between files), made
 * safe for terminals and partition paths (safeHostName; the SQL paths leave a host that needs it to the
 * JavaScript parsers, which come here: hostNeedsCareSql).
 */
export function shortHost(h: string): string {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h) || h.includes(':')) return safeHostName(h);
  return safeHostName(h.split('.')[0] || h);
}

/** Offset local − UTC in minutes from `date` and `date --utc` outputs taken seconds apart. */
function localMinusUtcMinutes(local: string, utc: string): number | null {
  const re = /\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+\S+\s+(\d{4})/;
  const a = re.exec(local);
  const b = re.exec(utc);
  if (!a || !b) return null;
  const t = (m: RegExpExecArray) => Date.UTC(+m[6]!, monthNumber(m[1]!) - 1, +m[2]!, +m[3]!, +m[4]!, +m[5]!);
  return Math.round((t(a) - t(b)) / 60_000);
}

export function sha256(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
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
