/**
 * A sosreport (sos report, or an insights-client archive laid out the same way): its root in a
 * tree, the archive members worth reading, and its plan — host facts first (time zone,
 * collection and boot time: hostfacts.ts), then the members the formats' sos entries take
 * (plan.ts), then its /proc/sys values (proc-sys.ts). registry.ts lists it as a BundleFormat.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { HostFacts, Issue, TimeBasis } from '../model.js';
import { isValidZone, localToUtcMicros, monthNumber } from '../time.js';
import { InputError } from '../errors.js';
import { folderStream, type Tree } from './tree.js';
import { shortHost } from '../formats/kit/host.js';
import { gunzipMembers, planMembers, sosEntryMatchers, type BundlePlan } from './plan.js';
import { procSysSource, type ProcSysctl } from './proc-sys.js';
import { issue } from '../formats/kit/lines.js';
import { shellWord } from '../io/unpack.js';

export { folderStream };
import { parseDateOutput } from '../formats/kit/stamps.js';
import * as hf from './hostfacts.js';
import { sysctlFromProcPath } from '../formats/sysctl/parser.js';
import { bootFromDmesgT } from '../formats/dmesg/parser.js';

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


function text(buf: Buffer | undefined | null): string {
  return buf ? buf.toString('utf8') : '';
}


/** Build the plan: host facts first (time zone, collection and boot time), then every file to parse. */
export async function planBundle(
  tree: Tree, bundleName: string,
  opts: { host?: string | null; tz?: string | null; maxMemberBytes?: number; maxTotalBytes?: number },
): Promise<BundlePlan> {
  const root = findSosRoot(tree);
  if (root == null) throw notASosreport(bundleName);
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
  const items = planMembers(tree, base, snapshotTsFor, snapshotBasisFor);

  // proc/sys: the running values, one file per setting.
  const procSysctls: ProcSysctl[] = [];
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

  await gunzipMembers(items, tree.bytesRead, opts, notes);
  const ready = procSysSource(procSysctls, facts, collection, `${bundleName}/proc/sys`);
  return { kind: 'sosreport', root, facts, tzAssumed, collection, items, ready, notes };
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

/**
 * A sosreport whose `sos_commands` is unusable — a link that leaves the bundle or goes nowhere,
 * or a file — has no sosreport root, and was refused whole (losing the logs beside it). It is
 * read as an empty `sos_commands/` instead: the bundle yields what else it has (var/log/messages,
 * etc/…), with an issue saying what was unusable. Returns that issue (also added to the tree).
 */
export function reviveSosRoot(tree: Tree, shown: string): Issue | null {
  if (findSosRoot(tree) != null) return null;
  let best: string | null = null;
  for (const [p, e] of tree.entries) {
    if (e.type === 'dir') continue;
    const last = p.slice(p.lastIndexOf('/') + 1);
    if (last !== 'sos_commands') continue;
    if (e.type === 'link' && tree.get(p)?.entry.type === 'dir') continue; // a usable link (not this case)
    if (best == null || p.split('/').length < best.split('/').length) best = p;
  }
  if (best == null) return null;
  const e = tree.entries.get(best)!;
  const what = e.type === 'link' ? `a link (-> ${e.target.slice(0, 200)}) that leaves the bundle or leads nowhere` : 'a file, not a folder';
  tree.entries.set(best, { type: 'dir' });
  const i = issue('unusable-sos-commands', shown, null, `${best}: ${what}`,
    'a sos_commands/ folder; read as an empty one: no command outputs, the bundle\'s other files are read', 'error');
  tree.issues.push(i);
  return i;
}

/**
 * A folder on disk that is a sosreport (read as one input, not walked): sos_commands/ or
 * insights_commands/ in it, or sos_commands/ one folder down (an extracted case folder holding one).
 */
export function isSosFolder(path: string): boolean {
  if (existsSync(join(path, 'sos_commands')) || existsSync(join(path, 'insights_commands'))) return true;
  try {
    return readdirSync(path).some((d) => existsSync(join(path, d, 'sos_commands')));
  } catch {
    return false;
  }
}

/**
 * A sosreport encrypted by sos (--encrypt-key / --encrypt-pass writes `<archive>.gpg`): OpenPGP,
 * an encrypted session key packet first (tag 1 or 3, old or new format), or armour. Refused
 * with how to decrypt it.
 */
export function refuseEncrypted(head: Buffer, path: string): InputError | null {
  const name = basename(path);
  const gpg = (/\.(?:gpg|pgp|asc)$/i.test(path) && [0x84, 0x85, 0x8c, 0xc1, 0xc3].includes(head[0] ?? 0))
    || head.toString('utf8').startsWith('-----BEGIN PGP MESSAGE-----');
  if (!gpg) return null;
  return new InputError('encrypted',
    `a GPG-encrypted file (sos --encrypt-key / --encrypt-pass): decrypt it first, e.g. gpg --output ${shellWord(name.replace(/\.(?:gpg|pgp|asc)$/i, ''))} --decrypt ${shellWord(name)}, and ingest that`, path);
}

/** The errors of an input read as a sosreport that is none (the default bundle kind: registry.ts). */
export function notASosreport(file: string, archive = false): InputError {
  return archive ? new InputError('not-a-sosreport', 'named like a sosreport archive but not a tar archive', file)
    : new InputError('not-a-sosreport', 'no sos_commands/ directory: not a sosreport', file);
}
