import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { HostFacts, TimeBasis } from '../model.js';
import { isValidZone } from '../time.js';
import { InputError } from '../errors.js';
import type { Tree } from './tree.js';
import { parseDateOutput } from '../formats/kit/stamps.js';
import * as hf from './hostfacts.js';
import { sysctlFromProcPath } from '../formats/sysctl/parser.js';
import { shortHost } from '../formats/kit/host.js';
import type { BundlePlan, PlanItem } from './plan.js';
import { procSysSource, type ProcSysctl } from './proc-sys.js';

/**
 * SUSE supportconfig (supportutils' `supportconfig`, archive `scc_<host>_<yymmdd>_<hhmm>.txz` or
 * its folder): one text file per topic, each a series of sections written by supportconfig.rc:
 *
 *   #==[ Command ]======================================#
 *   # /usr/sbin/nstat -az                      (log_cmd: the binary as `command -v` found it)
 *   #kernel
 *   TcpExtTCPTimeWaitOverflow       51877              0.0
 *
 *   #==[ Configuration File ]===========================#
 *   # /proc/sys/net/ipv4/tcp_max_tw_buckets    (conf_files: comment and blank lines dropped)
 *   65536
 *
 *   #==[ Log File ]=====================================#
 *   # /var/log/messages - Last 500000 Lines    (log_files)
 *
 * A section ends where the next `#==[ … ]===#` line starts. Each section of interest is parsed
 * by the parser of its content, with `<file>#<command or file>` as its path (the binary's folder
 * left out: `network.txt#nstat -az`), and its line numbers are those of the file.
 */

export interface Section {
  /** `Command`, `Configuration File`, `Log File`, `Note`, `System`, `Network namespace ns1`, … */
  type: string;
  /** The `# …` line after the header, without `# ` (a command, a path, a note title). */
  label: string;
  /** 1-based line of the first body line in the file. */
  firstLine: number;
  body: string;
}

const HEADER = /^#==\[ (.+?) \]=*#\s*$/;

/** Split a supportconfig file into its sections (text before the first header is left out). */
export function splitSections(text: string): Section[] {
  const out: Section[] = [];
  const lines = text.split('\n');
  let cur: { type: string; label: string; firstLine: number; lines: string[] } | null = null;
  const close = () => {
    if (!cur) return;
    // The script ends every section with one or two `echo`s: not part of the output.
    while (cur.lines.length && cur.lines[cur.lines.length - 1]!.trim() === '') cur.lines.pop();
    out.push({ type: cur.type, label: cur.label, firstLine: cur.firstLine, body: cur.lines.length ? cur.lines.join('\n') + '\n' : '' });
    cur = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.replace(/\r$/, '');
    const h = HEADER.exec(l);
    if (h) {
      close();
      const next = lines[i + 1]?.replace(/\r$/, '');
      if (next != null && next.startsWith('#') && !HEADER.test(next)) {
        cur = { type: h[1]!, label: next.replace(/^#\s?/, '').trim(), firstLine: i + 3, lines: [] };
        i++;
      } else {
        cur = { type: h[1]!, label: '', firstLine: i + 2, lines: [] };
      }
      continue;
    }
    if (cur) cur.lines.push(l);
  }
  close();
  return out;
}

/** `/usr/sbin/ip netns exec ns1 /usr/sbin/nstat -az` → `ip netns exec ns1 nstat -az` (the folders of binaries left out). */
export function commandName(label: string): string {
  return label.replace(/(^|\s)\/(?:[\w.+-]+\/)*([\w.+-]+)(?=\s|$)/g, (_m, pre: string, bin: string) => `${pre}${bin}`).trim();
}

/** The namespace and the command run in it, for `ip netns exec NS CMD`. */
function inNamespace(cmd: string): { netns: string | null; cmd: string } {
  const m = /^ip netns exec (\S+) (.+)$/.exec(cmd);
  return m ? { netns: m[1]!, cmd: m[2]! } : { netns: null, cmd };
}

/** Which command's output feeds which parser (the supportconfig counterpart of sosreport.ts's paths). */
const COMMAND_KINDS: [RegExp, string][] = [
  [/^sysctl -a$/, 'sysctl'],
  [/^dmesg -T$/, 'dmesg'],
  [/^journalctl --no-pager --output=short-iso(?: --lines \d+)?$/, 'syslog'],
  [/^nstat -[asz]+$/, 'nstat'],
  [/^netstat -a?s$/, 'netstat-s'],
  [/^ss -s$/, 'ss-summary'],
  [/^ss -(?!s$)[a-z]+$/, 'ss'],
  // socket lists (`netstat -nlp` before 2018), not the routing table (-nr) or interfaces (-i)
  [/^netstat -(?=[a-z]*n)(?=[a-z]*[tulpa])(?![a-z]*[rsig])[a-z]+$/, 'netstat-sockets'],
];

/** Which copied files (Configuration File / Log File sections) feed which parser. */
const FILE_KINDS: [RegExp, string][] = [
  [/^\/var\/log\/messages$/, 'syslog'],
  [/^\/proc\/slabinfo$/, 'slabinfo'],
  [/^\/proc\/net\/(?:netstat|snmp6?)$/, 'proc-netstat'],
  [/^\/proc\/net\/sockstat6?$/, 'sockstat'],
  [/^\/proc\/net\/tcp6?$/, 'proc-tcp'],
  [/^\/etc\/sysctl\.conf$|^\/etc\/sysctl\.d\/[^/]+\.conf$/, 'sysctl-conf'],
];

/** The topic files bundlescope reads, and the plain-text sar files supportconfig copies into sar/. */
const WANTED_FILE = /^(?:basic-environment|basic-health-check|network(?:-[^/]+)?|proc|memory|boot|messages|env|systemd|ntp|supportconfig|messages-\d+)\.txt$|^sar\/sar\d+$/;

/** Archive member filter: the files above, at the top of the archive or under its one folder. */
export function wantedSupportconfigMember(path: string): boolean {
  const parts = path.split('/');
  const rel = parts.length > 1 && !/^sar$/.test(parts[0]!) ? parts.slice(1).join('/') : path;
  return WANTED_FILE.test(rel) || WANTED_FILE.test(path);
}

/** The supportconfig root in a tree: the shallowest folder holding basic-environment.txt and supportconfig.txt (or named scc_…). */
export function findSupportconfigRoot(tree: Tree): string | null {
  let best: string | null = null;
  for (const [p, e] of tree.entries) {
    if (e.type !== 'file') continue;
    const m = /^(?:(.*)\/)?basic-environment\.txt$/.exec(p);
    if (!m) continue;
    const root = m[1] ?? '';
    const named = /^scc_|^nts_/.test(root.slice(root.lastIndexOf('/') + 1)) || /^scc_|^nts_/.test(basename(tree.label).replace(/\.(?:txz|tbz|tgz|tar(?:\.\w+)?)$/, ''));
    if (!named && !tree.entries.has(root ? `${root}/supportconfig.txt` : 'supportconfig.txt')) continue;
    if (best === null || root.split('/').length < best.split('/').length || (root === '' && best !== '')) best = root;
  }
  return best;
}

/**
 * A folder that is a supportconfig: read as one bundle. (A case folder holding one is walked
 * like any folder, and its scc_… folder is then the bundle.)
 */
export function isSupportconfigDir(path: string): boolean {
  return existsSync(join(path, 'basic-environment.txt')) && (existsSync(join(path, 'supportconfig.txt')) || /^(?:scc|nts)_/.test(basename(path)));
}

/** Host from `scc_<host>_<yymmdd>_<hhmm>[.txz]`. */
export function hostFromSupportconfigName(name: string): string | null {
  const m = /^(?:scc|nts)_(.+?)_\d{6}_\d{4}(?:_[\w-]+)?(?:\.(?:txz|tbz|tgz|tar(?:\.\w+)?))?$/.exec(basename(name));
  return m ? m[1]! : null;
}

/** A planned section: where its body starts in its file (issues and log rows give file lines). */
export interface SectionItem extends PlanItem {
  firstLine: number;
}

export interface SupportconfigPlan extends BundlePlan {
  kind: 'supportconfig';
  items: SectionItem[];
}

/** Host facts and the sections to parse, as a BundlePlan that ingest.ts loads like a sosreport's. */
export function planSupportconfig(tree: Tree, bundleName: string, opts: { host?: string | null; tz?: string | null }): SupportconfigPlan {
  const root = findSupportconfigRoot(tree);
  if (root == null) throw new InputError('not-a-supportconfig', 'no basic-environment.txt with supportconfig.txt: not a supportconfig', bundleName);
  const notes: string[] = [];
  const files = new Map<string, Section[]>();
  const sectionsOf = (name: string): Section[] => {
    let s = files.get(name);
    if (!s) {
      const data = tree.read(name, root)?.data;
      s = data ? splitSections(data.toString('utf8')) : [];
      files.set(name, s);
    }
    return s;
  };
  const command = (file: string, re: RegExp): Section | null =>
    sectionsOf(file).find((s) => s.type === 'Command' && re.test(commandName(s.label))) ?? null;
  const bodyOf = (s: Section | null) => s?.body ?? '';

  // Host.
  const uname = hf.parseUname(bodyOf(command('basic-environment.txt', /^uname -a$/)));
  let host = hf.parseHostname(bodyOf(command('network.txt', /^hostname$/))) ?? uname?.node ?? hostFromSupportconfigName(root || bundleName) ?? hostFromSupportconfigName(bundleName);
  if (opts.host) host = opts.host;
  if (!host) throw new InputError('no-host', 'cannot tell the host name (no hostname, uname or scc_<host> name); pass --host', bundleName);
  host = shortHost(host);

  // Time zone: supportconfig keeps timedatectl in systemd.txt and ntp.txt.
  let tz: string | null = null;
  let tzOrigin: string | null = null;
  if (opts.tz) {
    if (!isValidZone(opts.tz)) throw new InputError('bad-tz', `unknown time zone '${opts.tz}' (use an IANA name such as America/Chicago)`, null);
    tz = opts.tz; tzOrigin = '--tz';
  }
  for (const [file, re] of [['systemd.txt', /^timedatectl(?: --no-pager status)?$/], ['ntp.txt', /^timedatectl$/]] as const) {
    if (tz) break;
    tz = hf.parseTimedatectl(bodyOf(command(file, re)));
    if (tz) tzOrigin = `${file}#timedatectl`;
  }
  let tzAssumed = false;
  if (!tz) { tz = 'UTC'; tzOrigin = 'assumed'; tzAssumed = true; notes.push('no time zone found in the supportconfig (no timedatectl in systemd.txt or ntp.txt): local times taken as UTC (pass --tz)'); }

  // Collection time: basic-environment.txt's `date`, the first command supportconfig runs.
  const dateLine = bodyOf(command('basic-environment.txt', /^date$/)).trim().split('\n')[0] ?? '';
  const collected = dateLine ? parseDateOutput(dateLine, tz) : null;
  if (collected == null) notes.push('no `date` in basic-environment.txt: no collection time (snapshots have no time)');
  // The other commands ran later in the same run; supportconfig records no end time.
  const collection: TimeBasis | null = collected != null ? { basis: 'collection: basic-environment.txt#date', uncertainty_s: null } : null;

  // Boot time from basic-health-check.txt's `uptime`.
  let boot: number | null = null;
  let bootBasis: TimeBasis | null = null;
  const uptimeText = bodyOf(command('basic-health-check.txt', /^uptime$/));
  const up = hf.parseUptime(uptimeText);
  if (up != null && collected != null) {
    const res = hf.uptimeResolution(uptimeText);
    boot = collected - Math.round((up + res / 2) * 1_000_000);
    bootBasis = { basis: res === 60 ? 'uptime (minutes)' : 'uptime (seconds)', uncertainty_s: res / 2 + 1 };
  }

  const procSections = sectionsOf('proc.txt').filter((s) => s.type === 'Configuration File');
  const bootId = procSections.find((s) => s.label === '/proc/sys/kernel/random/boot_id')?.body.trim() || null;
  const releaseSection = sectionsOf('basic-environment.txt').find((s) => s.type === 'Configuration File' && s.label === '/etc/os-release');
  const release = releaseSection ? hf.parseRelease(releaseSection.body, true) : null;

  const facts: HostFacts = {
    host, kernel: uname?.kernel ?? null, release, timezone: tz, timezone_origin: tzOrigin,
    boot_time: boot, boot_time_basis: bootBasis?.basis ?? null, boot_time_uncertainty_s: bootBasis?.uncertainty_s ?? null,
    collected_at: collected, boot_id: bootId,
  };

  const items: SectionItem[] = [];
  const seen = new Set<string>();
  const snapshotBasis: TimeBasis | null = collected != null ? { basis: 'collection-time', uncertainty_s: null } : null;
  const addSection = (file: string, s: Section, kind: string, label: string, netns: string | null, partial: boolean) => {
    const path = `${file}#${label}`;
    if (seen.has(path + '|' + kind)) return;
    seen.add(path + '|' + kind);
    const real = tree.resolve(file, root) ?? file;
    items.push({
      path, real, kind, data: Buffer.from(s.body), netns, snapshotTs: collected, snapshotBasis, partial, forceHost: true, firstLine: s.firstLine,
    });
  };
  const topFiles = tree.list('', root).filter((n) => /\.txt$/.test(n)).sort();
  // /proc/net/tcp in proc.txt only when network.txt has no socket list of its own.
  const rootHasSockets = sectionsOf('network.txt').some((x) => x.type === 'Command' && /^(?:ss -(?!s$)|netstat -\w*n)/.test(commandName(x.label)));
  for (const file of topFiles) {
    if (/^messages-\d+\.txt$/.test(file)) {
      // A rotated /var/log/messages copied whole (supportconfig -l): plain text, no sections.
      const g = tree.read(file, root);
      if (g) items.push({ path: file, real: g.real, kind: 'syslog', data: g.data, netns: null, snapshotTs: collected, snapshotBasis, partial: false, forceHost: true, firstLine: 1 });
      continue;
    }
    if (!WANTED_FILE.test(file)) continue;
    const sections = sectionsOf(file);
    const fileNs = /^network-(.+)\.txt$/.exec(file)?.[1] ?? null;
    const raw = tree.read(file, root)?.data;
    // Every section ends with the script's `echo`: a file that does not end with a newline was cut.
    const cut = raw != null && raw.length > 0 && raw[raw.length - 1] !== 0x0a;
    if (cut) notes.push(`${file}: cut short (no newline at its end): its last section '${commandName(sections[sections.length - 1]?.label ?? '')}' is kept as far as it goes`);
    const hasSs = sections.some((s) => s.type === 'Command' && /^ss -(?!s$)/.test(inNamespace(commandName(s.label)).cmd));
    for (const [i, s] of sections.entries()) {
      const partial = cut && i === sections.length - 1;
      if (s.type === 'Command') {
        if (/^ERROR: Command not found/.test(s.body)) continue;
        const name = commandName(s.label);
        const { netns, cmd } = inNamespace(name);
        const kind = COMMAND_KINDS.find(([re]) => re.test(cmd))?.[1];
        if (!kind) continue;
        if (kind === 'syslog' && file !== 'messages.txt') continue; // boot.txt's journal of this boot: a part of messages.txt's
        if (kind === 'sysctl' && file !== 'env.txt') continue;
        if (kind === 'dmesg' && file !== 'boot.txt') continue;
        if (kind === 'netstat-sockets' && hasSs) continue;
        addSection(file, s, kind, name, netns ?? fileNs, partial);
      } else if (s.type === 'Configuration File' || s.type === 'Log File') {
        const path = s.label.replace(/ - Last \d+ Lines$/, '');
        if (/ - File not found$/.test(path)) continue;
        const kind = FILE_KINDS.find(([re]) => re.test(path))?.[1];
        if (!kind) continue;
        if (kind === 'proc-tcp' && rootHasSockets) continue;
        addSection(file, s, kind, path, fileNs, partial);
      }
    }
  }
  for (const n of tree.list('sar', root)) {
    if (!/^sar\d+$/.test(n)) continue;
    const g = tree.read(`sar/${n}`, root);
    if (g) items.push({ path: `sar/${n}`, real: g.real, kind: 'sar', data: g.data, netns: null, snapshotTs: collected, snapshotBasis, partial: false, forceHost: true, firstLine: 1 });
  }

  // proc.txt's /proc/sys/net files: the running values, one section per setting.
  const procSysctls: ProcSysctl[] = [];
  for (const s of procSections) {
    if (!s.label.startsWith('/proc/sys/net/') || s.body.length > 65536) continue;
    const kv = sysctlFromProcPath(s.label.slice(1), s.body);
    if (kv) procSysctls.push({ path: `proc.txt#${s.label}`, ...kv });
  }
  const ready = procSysSource(procSysctls, facts, collection, `${bundleName}/proc.txt#/proc/sys`);
  return { kind: 'supportconfig', root, facts, tzAssumed, collection, items, ready, notes };
}
