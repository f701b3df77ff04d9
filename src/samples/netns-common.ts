/**
 * What the two network-namespace incidents (netns-incidents.ts) share: the kernel and sos
 * versions, seeded noise, the second-by-second counter Timeline, and the shapes of the command
 * output a sosreport taken inside a namespace holds (ss columns, uptime, manifest.json, sysctl -a,
 * ip -o addr).
 */
import { type Counters } from './procnet.js';
import { isoUtc, localFields } from '../time.js';

export const KERNEL = '6.18.0-1.el10.x86_64';
export const RELEASE = 'Red Hat Enterprise Linux release 10.1 (Coughlan)';
export const SOS_VERSION = '4.10.0';
export const p2 = (n: number) => String(n).padStart(2, '0');
export const iso = (ms: number) => isoUtc(Math.round(ms * 1000))!;

/** mulberry32: a small seeded generator, so the noise is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A namespace's counters second by second: the values at each whole second of the capture
 * (boundary k = t0 + k s) and what second k added. Seconds before 0 (the namespace's life before
 * the capture) only accumulate.
 */
export class Timeline {
  private readonly cur: Counters;
  readonly at: Counters[] = [];
  readonly inc: Counters[] = [];

  constructor(readonly t0: number, initial: Counters) {
    this.cur = { ...initial };
  }

  /** Second k: the gauges at its start, then its increments. */
  step(k: number, incs: Counters, gauges: Counters): void {
    Object.assign(this.cur, gauges);
    if (k >= 0) {
      this.at[k] = { ...this.cur };
      this.inc[k] = incs;
    }
    for (const [n, d] of Object.entries(incs)) this.cur[n] = (this.cur[n] ?? 0) + d;
  }

  close(k: number, gauges: Counters): void {
    Object.assign(this.cur, gauges);
    this.at[k] = { ...this.cur };
  }

  /** Values at an instant: counters advance evenly through their second (floor), gauges hold. */
  valueAt(ms: number): Counters {
    const k = Math.floor((ms - this.t0) / 1000);
    const f = (ms - this.t0 - k * 1000) / 1000;
    const out = { ...this.at[k]! };
    for (const [n, d] of Object.entries(this.inc[k] ?? {})) out[n] = (out[n] ?? 0) + Math.floor(d * f);
    return out;
  }
}

// ---- command output shapes ---------------------------------------------------------------------

export const split = (ep: string): [string, string] => [ep.slice(0, ep.lastIndexOf(':')), ep.slice(ep.lastIndexOf(':') + 1)];

/** iproute2 6.x column layout (address right-aligned on the colon; "Peer Address:PortProcess" header). */
export function ssCols(stateWidth: number, netid: boolean) {
  const lead = (nid: string, state: string) => (netid ? nid.padEnd(6) : '') + state.padEnd(stateWidth);
  return {
    head: lead('Netid', 'State') + 'Recv-Q'.padEnd(7) + 'Send-Q'.padEnd(7) + 'Local Address'.padStart(17) + ':' + 'Port'.padEnd(6) +
      'Peer Address'.padStart(16) + ':PortProcess',
    row: (state: string, rq: number, sq: number, local: string, peer: string, extra = '', nid = 'tcp') => {
      const [la, lp] = split(local);
      const [pa, pp] = split(peer);
      return (lead(nid, state) + String(rq).padEnd(7) + String(sq).padEnd(7) + la.padStart(17) + ':' + lp.padEnd(6) +
        pa.padStart(16) + ':' + pp.padEnd(extra ? 6 : 0) + extra).trimEnd();
    },
  };
}

/** `date -u -Iseconds`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19) + '+00:00';
}

/** Python `str(datetime)` in the collector's zone (sos manifest top-level and plugin times). */
export function pyLocal(ms: number, tz: string): string {
  const t = localFields(ms, tz);
  const us = String((ms % 1000) * 1000 + 417).padStart(6, '0');
  return `${t.year}-${p2(t.month)}-${p2(t.day)} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}.${us}`;
}

/** procps-ng `uptime`: `up 31 min,` below an hour, `up  3:15,` below a day. */
export function uptimeText(nowMs: number, bootMs: number, tz: string, users: number, load: string): string {
  const t = localFields(nowMs, tz);
  const up = Math.floor((nowMs - bootMs) / 1000);
  const h = Math.floor(up / 3600);
  const m = Math.floor((up % 3600) / 60);
  const span = h > 0 ? `${String(h).padStart(2)}:${p2(m)}` : `${m} min`;
  return ` ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)} up ${span},  ${users} user${users === 1 ? '' : 's'},  load average: ${load}\n`;
}

export interface ManifestCommand {
  exec: string;
  filepath: string;
  startMs: number;
  runMs: number;
}

/** sos 4.x manifest.json: top-level and plugin times local without zone, command times epoch seconds. */
export function manifest(tz: string, startMs: number, endMs: number, plugins: { name: string; startMs: number; commands: ManifestCommand[]; files?: string[] }[]): string {
  const run = (ms: number) => `0:${p2(Math.floor(ms / 60000))}:${p2(Math.floor((ms % 60000) / 1000))}.${String((ms % 1000) * 1000 + 185).padStart(6, '0')}`;
  const doc = {
    version: SOS_VERSION, cmdline: 'sos report --batch', start_time: pyLocal(startMs, tz), end_time: pyLocal(endMs, tz),
    run_time: run(endMs - startMs), compression: 'xz', policy: 'Red Hat Enterprise Linux', tmpdir: '/var/tmp', tmpdir_fs_type: 'xfs',
    components: {
      report: {
        preset: 'none', sysroot: '/', profiles: [], enabled_plugins: plugins.map((p) => p.name), disabled_plugins: [],
        plugins: Object.fromEntries(plugins.map((p) => [p.name, {
          start_time: pyLocal(p.startMs, tz), timeout: 300, timeout_hit: false,
          commands: p.commands.map((c) => {
            const [command, ...parameters] = c.exec.split(' ');
            return {
              command, parameters, exec: c.exec, filepath: c.filepath, truncated: false, return_code: 0, priority: 10,
              start_time: c.startMs / 1000, end_time: (c.startMs + c.runMs) / 1000, run_time: c.runMs / 1000, tags: [],
            };
          }),
          files: p.files ? [{ specification: '/proc/net/', files_copied: p.files, tags: [] }] : [],
        }])),
      },
    },
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** `sysctl -a` lines that matter here (net.* are the namespace's own, the rest host-wide), sorted as sysctl prints them. */
export function sysctls(host: string, over: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = {
    'kernel.hostname': host, 'kernel.osrelease': KERNEL, 'kernel.printk_ratelimit': '5', 'kernel.printk_ratelimit_burst': '10',
    'net.core.message_burst': '10', 'net.core.message_cost': '5', 'net.core.netdev_max_backlog': '1000', 'net.core.somaxconn': '4096',
    'net.ipv4.ip_forward': '0', 'net.ipv4.ip_local_port_range': '32768\t60999', 'net.ipv4.tcp_child_ehash_entries': '0',
    'net.ipv4.tcp_fin_timeout': '60', 'net.ipv4.tcp_max_orphans': '32768', 'net.ipv4.tcp_max_syn_backlog': '2048',
    'net.ipv4.tcp_max_tw_buckets': '32768', 'net.ipv4.tcp_syncookies': '1', 'net.ipv4.tcp_timestamps': '1', 'net.ipv4.tcp_tw_reuse': '2',
    'net.netfilter.nf_conntrack_max': '262144', 'vm.swappiness': '60', ...over,
  };
  return Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]!]));
}
export const sysctlText = (s: Record<string, string>) => Object.entries(s).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';

/** `ip -o addr` inside a namespace: loopback and the namespace end of its veth pair. */
export function ipOAddr(addr: string, peerIndex: number, ll: string): string {
  const v = '\\       valid_lft forever preferred_lft forever';
  return [
    `1: lo    inet 127.0.0.1/8 scope host lo${v}`,
    `1: lo    inet6 ::1/128 scope host noprefixroute ${v}`,
    `2: eth0@if${peerIndex}    inet ${addr}/24 brd ${addr.replace(/\.\d+$/, '.255')} scope global eth0${v}`,
    `2: eth0@if${peerIndex}    inet6 ${ll}/64 scope link proto kernel_ll ${v}`,
  ].join('\n') + '\n';
}

/** The namespace-wide counters a namespace has from its setup (ARP/ND, a DNS lookup or two). */
export const SETUP: Counters = {
  IpInReceives: 20, IpInDelivers: 20, IpOutRequests: 23, IpOutTransmits: 23, IcmpInMsgs: 3, IcmpInDestUnreachs: 3,
  IcmpOutMsgs: 3, IcmpOutDestUnreachs: 3, IcmpMsgInType3: 3, IcmpMsgOutType3: 3, UdpInDatagrams: 14, UdpOutDatagrams: 17, UdpNoPorts: 3,
  IpExtInOctets: 2210, IpExtOutOctets: 1964, IpExtInNoECTPkts: 20, Ip6OutRequests: 12, Ip6OutMcastPkts: 12, Ip6OutOctets: 1040,
  Ip6OutMcastOctets: 1040, Ip6OutTransmits: 12, Icmp6OutMsgs: 12, Icmp6OutRouterSolicits: 3, Icmp6OutNeighborSolicits: 2,
  Icmp6OutMLDv2Reports: 7, Icmp6OutType133: 3, Icmp6OutType135: 2, Icmp6OutType143: 7,
};

export const add = (into: Counters, more: Counters) => {
  for (const [n, d] of Object.entries(more)) if (d) into[n] = (into[n] ?? 0) + d;
  return into;
};

// ---- A: TIME_WAIT bucket overflow in netns `web` ------------------------------------------------

