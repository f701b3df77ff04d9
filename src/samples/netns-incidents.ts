/**
 * Two incidents made on a 6.18 kernel, each inside a network namespace, with exact truth. They
 * reproduce real cases: the evidence is per namespace, the support engineer captured it with
 * `ip netns exec <ns> …` loops that name neither host nor namespace, and sos itself ran inside
 * the namespace (its `ip_netns` and `ip_-o_addr` show it: the root view's address is the namespace's).
 *
 * A — tw618 (Europe/Berlin), netns `web` (created 30 min before the capture),
 * `net.ipv4.tcp_max_tw_buckets = 512`. A client in the namespace opens connections to
 * 10.200.0.2:8080 (≈94 %) and 10.200.0.3:5432 and closes first, so this side holds TIME_WAIT:
 * ≈5 connections/s, then ≈480/s for 80 s, then ≈2/s. The TIME_WAIT population plateaus at exactly
 * 512 and TcpExtTCPTimeWaitOverflow rises only while it does (≈37,500); a 6.x kernel logs nothing
 * for it. Side files, one snapshot a second at whole seconds for 360 s (100 s before the burst, the
 * burst, and past the collection 2 min after it plus the 45 s sos needs to reach the namespace
 * commands): netstat.log (`date -u`; `cat /proc/net/netstat /proc/net/snmp`), sockstat.log
 * (`date -u -Iseconds`; `cat /proc/net/sockstat`), ss.log every 5 s (`date -u`; `ss -tan`).
 * Traps:
 * - the kernel log is shared by all namespaces: dmesg has one `TCP: time wait bucket table
 *   overflow` (and `net_ratelimit: 482 callbacks suppressed` 3 s later) 18 minutes before the
 *   burst, from the host's own namespace — this namespace's counter is 0 until the burst. rsyslog
 *   copied both lines to var/log/messages, so each is there twice;
 * - sos ran under `ip netns exec web`, so its root view (proc/net/*, netstat -s, nstat -zas,
 *   ss -peaonmi, ss -s, sysctl -a with 512) is the namespace's, and the same counters are in
 *   sos_commands/networking/namespaces/web/ip_netns_exec_web_*. sockstat and ss -s inside a
 *   namespace mix scopes: inuse and tw are the namespace's, alloc, orphan and mem the host's;
 * - sos's `date` is taken at C (x.6 s), but the networking plugin reads proc/net ≈40 s later
 *   (netstat -s at C+40.3 s, nstat at C+41.1 s in manifest.json), while netstat.log has a sample at
 *   C+0.4 s with lower values: traffic goes on at ≈2/s, so stamping the bundle's counters with C
 *   makes them run backwards against the log;
 * - btime is an integer: the true boot was 0.372 s later, so dmesg times from btime are 0.372 s early;
 * - the TIME_WAIT lifetime is a fixed 60 s per socket, so the population drains in steps (the
 *   cohort admitted in the first saturated second leaves 60 s later), not along a smooth curve.
 *
 * B — lq618 (Asia/Kolkata, IST), netns `lq`. `slowsrv` (pid 4242) listens on 10.201.0.1:8080 with
 * `listen(fd, 16)` (`net.core.somaxconn = 64`, so 16 is the application's choice; sshd's 128 is
 * capped to 64). One slow worker accepts ≈20 connections/s and keeps each 12 s. Clients .10/.11/.12
 * (70/20/10 %) open ≈400 connections/s for 60 s: the accept queue stays full (`ss -ltn` Recv-Q 17 =
 * backlog + 1), TcpExtListenOverflows rises ≈1,180/s (completing ACKs dropped, then retransmitted),
 * ListenDrops = ListenOverflows + a handful, SYN cookies are sent, PassiveOpens rises only at the
 * worker's rate. Side files: nstat.log (`date` in IST; `nstat -az`, every second, 240 s), ss-l.log
 * (`date -u`; `ss -ltn`, every second), ss.log (`date -u`; `ss -tan`, every 5 s). dmesg has the 6.x
 * `TCP: request_sock_TCP: Possible SYN flooding on port 10.201.0.1:8080. Sending cookies.` once
 * (once per listener: it says nothing about volume). Two bundles: `btime` (proc/stat present) and
 * `uptime` (no proc/stat, no proc/uptime; `uptime` says `up 31 min` at a true 31 min 55 s, so a boot
 * time taken from it is 55 s late and so is every dmesg time — and the messages copy of the SYN
 * line, stamped by rsyslog, then no longer meets its dmesg twin).
 *
 * Counters are simulated second by second from the namespace's creation, so every view of an
 * instant agrees (proc files, nstat, netstat -s, sockstat, ss); between whole seconds a counter
 * advances evenly through its second (floor), gauges hold. Deterministic (seeded noise).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTarball } from './tarball.js';
import { dateOutput, dmesgStamp, sosreportEntries, syslogStamp, type SosSpec } from './sos.js';
import {
  netstatS, nstatCount, nstatText, procNetCount, procNetNetstat, procNetSnmp, procNetSnmp6, SOCKSTAT6_EMPTY, sockstatText,
  ssSummary, type Counters, type Sockstat,
} from './procnet.js';
import { isoUtc, localFields } from '../time.js';

const KERNEL = '6.18.0-1.el10.x86_64';
const RELEASE = 'Red Hat Enterprise Linux release 10.1 (Coughlan)';
const SOS_VERSION = '4.10.0';
const p2 = (n: number) => String(n).padStart(2, '0');
const iso = (ms: number) => isoUtc(Math.round(ms * 1000))!;

/** mulberry32: a small seeded generator, so the noise is the same on every run. */
function seeded(seed: number): () => number {
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
class Timeline {
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

const split = (ep: string): [string, string] => [ep.slice(0, ep.lastIndexOf(':')), ep.slice(ep.lastIndexOf(':') + 1)];

/** iproute2 6.x column layout (address right-aligned on the colon; "Peer Address:PortProcess" header). */
function ssCols(stateWidth: number, netid: boolean) {
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
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19) + '+00:00';
}

/** Python `str(datetime)` in the collector's zone (sos manifest top-level and plugin times). */
function pyLocal(ms: number, tz: string): string {
  const t = localFields(ms, tz);
  const us = String((ms % 1000) * 1000 + 417).padStart(6, '0');
  return `${t.year}-${p2(t.month)}-${p2(t.day)} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}.${us}`;
}

/** procps-ng `uptime`: `up 31 min,` below an hour, `up  3:15,` below a day. */
function uptimeText(nowMs: number, bootMs: number, tz: string, users: number, load: string): string {
  const t = localFields(nowMs, tz);
  const up = Math.floor((nowMs - bootMs) / 1000);
  const h = Math.floor(up / 3600);
  const m = Math.floor((up % 3600) / 60);
  const span = h > 0 ? `${String(h).padStart(2)}:${p2(m)}` : `${m} min`;
  return ` ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)} up ${span},  ${users} user${users === 1 ? '' : 's'},  load average: ${load}\n`;
}

interface ManifestCommand {
  exec: string;
  filepath: string;
  startMs: number;
  runMs: number;
}

/** sos 4.x manifest.json: top-level and plugin times local without zone, command times epoch seconds. */
function manifest(tz: string, startMs: number, endMs: number, plugins: { name: string; startMs: number; commands: ManifestCommand[]; files?: string[] }[]): string {
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
function sysctls(host: string, over: Record<string, string>): Record<string, string> {
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
const sysctlText = (s: Record<string, string>) => Object.entries(s).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';

/** `ip -o addr` inside a namespace: loopback and the namespace end of its veth pair. */
function ipOAddr(addr: string, peerIndex: number, ll: string): string {
  const v = '\\       valid_lft forever preferred_lft forever';
  return [
    `1: lo    inet 127.0.0.1/8 scope host lo${v}`,
    `1: lo    inet6 ::1/128 scope host noprefixroute ${v}`,
    `2: eth0@if${peerIndex}    inet ${addr}/24 brd ${addr.replace(/\.\d+$/, '.255')} scope global eth0${v}`,
    `2: eth0@if${peerIndex}    inet6 ${ll}/64 scope link proto kernel_ll ${v}`,
  ].join('\n') + '\n';
}

/** The namespace-wide counters a namespace has from its setup (ARP/ND, a DNS lookup or two). */
const SETUP: Counters = {
  IpInReceives: 20, IpInDelivers: 20, IpOutRequests: 23, IpOutTransmits: 23, IcmpInMsgs: 3, IcmpInDestUnreachs: 3,
  IcmpOutMsgs: 3, IcmpOutDestUnreachs: 3, IcmpMsgInType3: 3, IcmpMsgOutType3: 3, UdpInDatagrams: 14, UdpOutDatagrams: 17, UdpNoPorts: 3,
  IpExtInOctets: 2210, IpExtOutOctets: 1964, IpExtInNoECTPkts: 20, Ip6OutRequests: 12, Ip6OutMcastPkts: 12, Ip6OutOctets: 1040,
  Ip6OutMcastOctets: 1040, Ip6OutTransmits: 12, Icmp6OutMsgs: 12, Icmp6OutRouterSolicits: 3, Icmp6OutNeighborSolicits: 2,
  Icmp6OutMLDv2Reports: 7, Icmp6OutType133: 3, Icmp6OutType135: 2, Icmp6OutType143: 7,
};

const add = (into: Counters, more: Counters) => {
  for (const [n, d] of Object.entries(more)) if (d) into[n] = (into[n] ?? 0) + d;
  return into;
};

// ---- A: TIME_WAIT bucket overflow in netns `web` ------------------------------------------------

interface TwSock {
  peer: string;
  port: number;
  created: number;
}

export interface TimewaitNetnsOptions {
  /** Seed of the noise (connection counts, peer choice). */
  seed?: number;
}

/** Incident A: the spec of its sosreport, its three snapshot logs, and the truth. */
export function timewaitNetnsIncident(opts: TimewaitNetnsOptions = {}) {
  const r = seeded(opts.seed ?? 0x618a);
  const host = 'tw618';
  const ns = 'web';
  const tz = 'Europe/Berlin';
  const L0 = Date.UTC(2026, 4, 12, 9, 12, 40); // first snapshot, 11:12:40 CEST
  const N = 360;
  const SPIKE_FROM = 100;
  const SPIKE_TO = 180;
  const HISTORY = 1800; // the namespace was created 30 min before the capture
  const LIMIT = 512;
  const TW_LEN = 60;
  const at = (k: number) => L0 + k * 1000;
  const C = at(300) + 600; // sos `date`
  const bootMs = Date.UTC(2026, 4, 12, 6, 2, 17) + 372; // btime says …:17
  const SELF = '10.200.0.1';
  const APP = '10.200.0.2:8080';
  const DB = '10.200.0.3:5432';
  const POOL_PORT = 46310; // the application's one pooled database connection, open all along
  const live: Record<string, Set<number>> = { [APP]: new Set(), [DB]: new Set([POOL_PORT]) };
  let port = 32768 + 2 * Math.floor(r() * 14000);
  const nextPort = (peer: string) => {
    do {
      port += 2;
      if (port > 60998) port = 32768;
    } while (live[peer]!.has(port));
    return port;
  };

  const tl = new Timeline(L0, { ...SETUP, TcpActiveOpens: 4, TcpAttemptFails: 2, TcpOutRsts: 4, TcpEstabResets: 1, TcpRetransSegs: 6,
    TcpInSegs: 9, TcpOutSegs: 14, TcpExtTCPTimeouts: 2, TcpExtTCPLossProbes: 4, TcpExtTCPSynRetrans: 2, TcpExtTCPAbortOnData: 1 });
  const conns: number[] = [];
  const overflow: number[] = [];
  const twAt: number[] = [];
  const estab: number[] = [];
  const arrivals: TwSock[][] = [];
  const cohorts = new Map<number, TwSock[]>();
  let tw = 0;
  for (let k = -HISTORY; k < N; k++) {
    const c = k < SPIKE_FROM ? 3 + Math.floor(r() * 5) : k < SPIKE_TO ? 470 + Math.floor(r() * 21) : 1 + Math.floor(r() * 3);
    const socks: TwSock[] = [];
    for (let i = 0; i < c; i++) {
      const peer = r() < 0.94 ? APP : DB;
      socks.push({ peer, port: nextPort(peer), created: k });
    }
    const gauge = 1 + Math.round(c * 0.02);
    const twBefore = tw;
    // TIME_WAIT: the cohort of 60 s ago leaves, then closes are admitted while the population is under the limit.
    const expired = cohorts.get(k - TW_LEN) ?? [];
    for (const s of expired) live[s.peer]!.delete(s.port);
    tw -= expired.length;
    const admitted = socks.slice(0, Math.max(0, Math.min(LIMIT - tw, c)));
    for (const s of admitted) live[s.peer]!.add(s.port);
    cohorts.set(k, admitted);
    tw += admitted.length;
    const ovf = c - admitted.length;
    const nA = socks.filter((s) => s.peer === APP).length;
    const nB = c - nA;
    const p = ((k % 15) + 15) % 15 === 7 ? 1 : 0; // a metrics scrape from 10.200.0.254 every 15 s (the scraper closes)
    const inSegs = nA * 4 + nB * 7 + p * 5;
    const outSegs = nA * 5 + nB * 7 + p * 6;
    const incs = add({}, {
      TcpActiveOpens: c, TcpPassiveOpens: p, TcpInSegs: inSegs, TcpOutSegs: outSegs, IpInReceives: inSegs, IpInDelivers: inSegs,
      IpOutRequests: outSegs, IpOutTransmits: outSegs, IpExtInNoECTPkts: inSegs,
      IpExtInOctets: inSegs * 52 + nA * 412 + nB * 640 + p * 118, IpExtOutOctets: outSegs * 52 + nA * 176 + nB * 318 + p * 14790,
      TcpExtTW: expired.length, TcpExtTCPTimeWaitOverflow: ovf, TcpExtTCPPureAcks: nA * 2 + nB * 3 + p * 2,
      TcpExtTCPHPAcks: nA + nB * 2 + p, TcpExtTCPHPHits: nA + nB * 2 + p * 2, TcpExtDelayedACKs: Math.floor(c * 0.3 + r()),
      TcpExtTCPOrigDataSent: nA + nB * 3 + p * 3, TcpExtTCPDelivered: nA * 2 + nB * 4 + p * 4, TcpExtTCPRcvCoalesce: nB + p,
    });
    tl.step(k, incs, { TcpCurrEstab: gauge });
    if (k >= 0) {
      conns[k] = c;
      overflow[k] = ovf;
      twAt[k] = twBefore;
      estab[k] = gauge;
      arrivals[k] = socks;
    }
  }
  twAt[N] = tw;
  tl.close(N, { TcpCurrEstab: 1 + Math.round(conns[N - 1]! * 0.02) });

  /** TIME-WAIT sockets at boundary k, in a stable pseudo-random (hash bucket) order. */
  const timewaitAt = (k: number): TwSock[] => {
    const out: TwSock[] = [];
    for (let j = k - TW_LEN; j < k; j++) out.push(...(cohorts.get(j) ?? []));
    if (out.length !== twAt[k]) throw new Error(`TIME_WAIT listing ${out.length} != population ${twAt[k]} at ${k}`);
    return out.sort((a, b) => ((a.port * 2654435761) >>> 0) % 4096 - ((b.port * 2654435761) >>> 0) % 4096 || a.port - b.port);
  };
  const sockstat = (k: number): Sockstat => {
    const inuse = estab[Math.min(k, N - 1)]! + 1;
    return { used: inuse + 4, tcpInuse: inuse, orphan: 0, tw: twAt[k]!, alloc: inuse + 61, mem: 11 + Math.floor(inuse / 3), udpInuse: 0, udpMem: 1 };
  };

  // Side files.
  const netstatLog: string[] = [];
  const sockstatLog: string[] = [];
  const ssLog: string[] = [];
  const ss = ssCols(10, false);
  let fullest = { k: -1, n: -1 };
  for (let k = 0; k < N; k++) {
    netstatLog.push(dateOutput(at(k), 'UTC', 'UTC'), procNetNetstat(tl.at[k]!) + procNetSnmp(tl.at[k]!).trimEnd());
    sockstatLog.push(isoSeconds(at(k)), sockstatText(sockstat(k)).trimEnd());
    if (k % 5 === 0) {
      const tws = timewaitAt(k);
      const rows = [ss.row('LISTEN', 0, 4096, '0.0.0.0:9100', '0.0.0.0:*'), ss.row('ESTAB', 0, 0, `${SELF}:${POOL_PORT}`, DB)];
      for (const s of arrivals[k]!.slice(0, estab[k]! - 1)) rows.push(ss.row('ESTAB', 0, 0, `${SELF}:${s.port}`, s.peer));
      for (const s of tws) rows.push(ss.row('TIME-WAIT', 0, 0, `${SELF}:${s.port}`, s.peer));
      ssLog.push(dateOutput(at(k), 'UTC', 'UTC'), ss.head, ...rows);
      if (k >= SPIKE_FROM && k <= SPIKE_TO && tws.length > fullest.n) fullest = { k, n: tws.length };
    }
  }

  // The bundle: sos under `ip netns exec web`, networking plugin ≈40 s after `date`.
  const T = {
    procNet: C + 40_020, netstat: C + 40_310, nstat: C + 41_070, ss: C + 41_520, ssS: C + 41_940,
    nsSysctl: C + 43_880, nsNetstat: C + 44_610, nsNstat: C + 45_190,
  };
  const kOf = (ms: number) => Math.floor((ms - L0) / 1000);
  const procNow = tl.valueAt(T.procNet);
  const sosPid = 48211;
  const pidNet = `proc/${sosPid}/net`;
  const nsDir = `sos_commands/networking/namespaces/${ns}`;
  const sysctl = sysctls(host, { 'net.ipv4.tcp_max_tw_buckets': String(LIMIT) });
  const peaonmi = (() => {
    const t = T.ss;
    const k = kOf(t);
    const cols = ssCols(10, true);
    const rows = [
      cols.row('LISTEN', 0, 4096, '0.0.0.0:9100', '0.0.0.0:*', 'users:(("web-metrics",pid=2117,fd=3)) ino:38817 sk:1001 cgroup:/system.slice/web-metrics.service <->'),
      '\t skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) cubic cwnd:10',
      cols.row('ESTAB', 0, 0, `${SELF}:${POOL_PORT}`, DB, 'users:(("webclient",pid=2301,fd=9)) timer:(keepalive,41sec,0) ino:39102 sk:1002 cgroup:/system.slice/webclient.service <->'),
      '\t skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0) ts sack cubic wscale:7,7 rto:201 rtt:0.412/0.301 ato:40 mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:10 send 281Mbps lastsnd:2104 lastrcv:2104 lastack:2104 pacing_rate 562Mbps delivered:1204 app_limited rcv_space:14480 rcv_ssthresh:64088 minrtt:0.088',
      ...timewaitAt(k).map((s, i) => cols.row('TIME-WAIT', 0, 0, `${SELF}:${s.port}`, s.peer,
        `timer:(timewait,${Math.max(1, Math.ceil(s.created + TW_LEN - (t - L0) / 1000))}sec,0) ino:0 sk:${(0x2000 + i).toString(16)} -->`)),
      cols.row('ESTAB', 0, 0, '*:39103', '*:39104', 'users:(("webclient",pid=2301,fd=4)) ino:39103 sk:1003 <->', 'u_str'),
    ];
    return [cols.head, ...rows].join('\n') + '\n';
  })();
  const mf = manifest(tz, C - 3_210, C + 74_600, [
    { name: 'date', startMs: C - 120, commands: [
      { exec: 'date', filepath: 'sos_commands/date/date', startMs: C, runMs: 4 },
      { exec: 'date --utc', filepath: 'sos_commands/date/date_--utc', startMs: C + 9, runMs: 3 },
    ] },
    { name: 'kernel', startMs: C + 21_300, commands: [{ exec: 'sysctl -a', filepath: 'sos_commands/kernel/sysctl_-a', startMs: C + 22_410, runMs: 61 }] },
    { name: 'networking', startMs: C + 38_170, files: ['proc/net/netstat', 'proc/net/snmp', 'proc/net/snmp6', 'proc/net/sockstat'], commands: [
      { exec: 'netstat -s', filepath: 'sos_commands/networking/netstat_-s', startMs: T.netstat, runMs: 70 },
      { exec: 'nstat -zas', filepath: 'sos_commands/networking/nstat_-zas', startMs: T.nstat, runMs: 40 },
      { exec: 'ss -peaonmi', filepath: 'sos_commands/networking/ss_-peaonmi', startMs: T.ss, runMs: 260 },
      { exec: 'ss -s', filepath: 'sos_commands/networking/ss_-s', startMs: T.ssS, runMs: 9 },
      { exec: `ip netns exec ${ns} sysctl -a`, filepath: `${nsDir}/ip_netns_exec_${ns}_sysctl_-a`, startMs: T.nsSysctl, runMs: 58 },
      { exec: `ip netns exec ${ns} netstat -s`, filepath: `${nsDir}/ip_netns_exec_${ns}_netstat_-s`, startMs: T.nsNetstat, runMs: 71 },
      { exec: `ip netns exec ${ns} nstat -zas`, filepath: `${nsDir}/ip_netns_exec_${ns}_nstat_-zas`, startMs: T.nsNstat, runMs: 38 },
    ] },
  ]);

  // Kernel log: shared by every namespace. The earlier overflow came from another one.
  const mono = (ms: number) => Math.round((ms - bootMs) * 1000);
  const twLine = at(SPIKE_FROM) - 18 * 60_000 + 412.331;
  const rlLine = twLine + 3_104;
  const nsCreated = at(-HISTORY) - 2_000;
  const dmesg = [
    `${dmesgStamp(0)} Linux version ${KERNEL} (mockbuild@x86-64-01.build.eng.rdu2.redhat.com) (gcc (GCC) 14.3.1 20250617 (Red Hat 14.3.1-2), GNU ld version 2.41-58.el10) #1 SMP PREEMPT_DYNAMIC Fri Apr 10 08:12:44 UTC 2026`,
    `${dmesgStamp(0)} Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-${KERNEL} root=/dev/mapper/rhel-root ro crashkernel=2G-64G:256M,64G-:512M rd.lvm.lv=rhel/root`,
    `${dmesgStamp(152_371)} TCP established hash table entries: 131072 (order: 8, 1048576 bytes, linear)`,
    `${dmesgStamp(152_530)} TCP bind hash table entries: 65536 (order: 9, 2097152 bytes, linear)`,
    `${dmesgStamp(152_611)} TCP: Hash tables configured (established 131072 bind 65536)`,
    `${dmesgStamp(mono(nsCreated))} br0: port 2(veth-web) entered blocking state`,
    `${dmesgStamp(mono(nsCreated) + 58)} br0: port 2(veth-web) entered forwarding state`,
    `${dmesgStamp(mono(twLine))} TCP: time wait bucket table overflow`,
    `${dmesgStamp(mono(rlLine))} net_ratelimit: 482 callbacks suppressed`,
  ];
  const msg = (ms: number, tag: string, text: string) => `${syslogStamp(ms, tz)} ${host} ${tag}: ${text}`;
  const messages = [
    msg(nsCreated - 1_200, 'systemd[1]', 'Started netns-web.service - Network namespace web.'),
    msg(nsCreated + 12, 'kernel', 'br0: port 2(veth-web) entered blocking state'),
    msg(nsCreated + 70, 'kernel', 'br0: port 2(veth-web) entered forwarding state'),
    msg(nsCreated + 2_400, 'systemd[1]', 'Started webclient.service - Web load client (netns web).'),
    msg(twLine + 9, 'kernel', 'TCP: time wait bucket table overflow'),
    msg(rlLine + 7, 'kernel', 'net_ratelimit: 482 callbacks suppressed'),
    msg(C - 4_100, 'sshd-session[5120]', 'Accepted publickey for support from 10.10.0.5 port 53122 ssh2: ED25519 SHA256:Zq2m1'),
  ];

  const spec: SosSpec = {
    host, tz, tzAbbrev: 'CEST', tzOffsetLabel: '+0200', kernel: KERNEL, release: RELEASE, sosVersion: SOS_VERSION,
    bootUtcMs: bootMs, collectedUtcMs: C, messages, dmesg, sysctls: sysctl,
    sockstat: { inuse: sockstat(kOf(T.procNet)).tcpInuse, orphan: 0, tw: twAt[kOf(T.procNet)]!, alloc: sockstat(kOf(T.procNet)).alloc, mem: 12 },
    tcpExt: { TW: procNow.TcpExtTW!, TCPTimeWaitOverflow: procNow.TcpExtTCPTimeWaitOverflow! },
    tcp: { ActiveOpens: procNow.TcpActiveOpens!, PassiveOpens: procNow.TcpPassiveOpens!, CurrEstab: procNow.TcpCurrEstab! },
    sockets: [], slab: [{ name: 'tw_sock_TCP', active: twAt[kOf(T.procNet)]! + 38, num: twAt[kOf(T.procNet)]! + 64, size: 256 },
      { name: 'request_sock_TCP', active: 12, num: 64, size: 304 }, { name: 'TCP', active: 96, num: 112, size: 2560 }],
    pid: sosPid,
    replace: {
      [`${pidNet}/netstat`]: procNetNetstat(procNow),
      [`${pidNet}/snmp`]: procNetSnmp(procNow),
      [`${pidNet}/sockstat`]: sockstatText(sockstat(kOf(T.procNet))),
      'sos_commands/networking/netstat_-s': netstatS(tl.valueAt(T.netstat)),
      'sos_commands/networking/nstat_-zas': nstatText(tl.valueAt(T.nstat)),
      'sos_commands/networking/ss_-peaonmi': peaonmi,
      'sos_commands/host/uptime': uptimeText(C, bootMs, tz, 2, '1.84, 2.91, 1.37'),
      'sos_reports/manifest.json': mf,
    },
    extraFiles: {
      [`${pidNet}/snmp6`]: procNetSnmp6(procNow),
      [`${pidNet}/sockstat6`]: SOCKSTAT6_EMPTY,
      'sos_commands/networking/ss_-s': ssSummary(sockstat(kOf(T.ssS)), tl.valueAt(T.ssS).TcpCurrEstab!),
      'sos_commands/networking/ip_netns': `${ns}\n`,
      'sos_commands/networking/ip_-o_addr': ipOAddr(SELF, 9, 'fe80::a8c1:abff:fe12:3401'),
      [`${nsDir}/ip_netns_exec_${ns}_sysctl_-a`]: sysctlText(sysctl),
      [`${nsDir}/ip_netns_exec_${ns}_netstat_-s`]: netstatS(tl.valueAt(T.nsNetstat)),
      [`${nsDir}/ip_netns_exec_${ns}_nstat_-zas`]: nstatText(tl.valueAt(T.nsNstat)),
    },
  };

  // Truth.
  const rising = overflow.map((n, k) => (n > 0 ? k : -1)).filter((k) => k >= 0);
  const k1 = rising[0]!;
  const k2 = rising[rising.length - 1]!;
  const kPeak = twAt.findIndex((n) => n === LIMIT);
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  const fullTw = timewaitAt(fullest.k);
  const appShare = fullTw.filter((s) => s.peer === APP).length;
  const kAfter = kOf(C) + 1;
  const sample = (file: string, k: number, name: string) => ({ file, ts: iso(at(k)), name, value: tl.at[k]![name] ?? 0 });
  const truth = {
    host, netns: ns, kernel: KERNEL, timezone: tz, kind: 'tcp_timewait_overflow',
    limit: { name: 'net.ipv4.tcp_max_tw_buckets', value: LIMIT, netns: ns },
    overflow_counter: {
      name: 'TcpExtTCPTimeWaitOverflow',
      at_first_snapshot: { ts: iso(L0), value: tl.at[0]!.TcpExtTCPTimeWaitOverflow ?? 0 },
      first_rise: { from: iso(at(k1)), to: iso(at(k1 + 1)), increase: overflow[k1]! },
      last_rise: { from: iso(at(k2)), to: iso(at(k2 + 1)), increase: overflow[k2]! },
      total: overflow.reduce((a, b) => a + b, 0),
      per_second: { from: iso(at(k1)), increases: overflow.slice(k1, k2 + 1) },
    },
    timewait_population: { gauge: 'sockstat.TCP.tw', peak: LIMIT, first_at_peak: iso(at(kPeak)), last_at_peak: iso(at(twAt.lastIndexOf(LIMIT))), before_spike: twAt[SPIKE_FROM]!, at_last_snapshot: twAt[N - 1]! },
    active_opens: {
      counter: 'TcpActiveOpens', baseline_per_s: mean(conns.slice(0, SPIKE_FROM)), peak_per_s: Math.max(...conns),
      spike_mean_per_s: mean(conns.slice(SPIKE_FROM, SPIKE_TO)), after_per_s: mean(conns.slice(SPIKE_TO)),
      spike_start: iso(at(SPIKE_FROM)), spike_end: iso(at(SPIKE_TO)), side: 'client',
    },
    top_peer: { peer: APP, share: appShare / fullTw.length, timewait_sockets: fullTw.length, peer_sockets: appShare, snapshot: iso(at(fullest.k)), file: 'ss.log' },
    earlier_logged_line: {
      message: 'TCP: time wait bucket table overflow', at: iso(twLine), logged: 1, suppressed: 482, suppressed_line_at: iso(rlLine),
      minutes_before_spike: 18, from_this_netns: false, dmesg_from_btime: iso(Math.floor(bootMs / 1000) * 1000 + (twLine - bootMs)),
    },
    boot: { true_utc: iso(bootMs), btime: Math.floor(bootMs / 1000) },
    collection: {
      instant: iso(C), date_printed: iso(Math.floor(C / 1000) * 1000), proc_net_read_at: iso(T.procNet),
      commands: { 'netstat -s': iso(T.netstat), 'nstat -zas': iso(T.nstat), 'ss -peaonmi': iso(T.ss),
        [`ip netns exec ${ns} netstat -s`]: iso(T.nsNetstat), [`ip netns exec ${ns} nstat -zas`]: iso(T.nsNstat) },
    },
    /** The trap: a log sample 0.4 s after `date` has lower values than the bundle's counters stamped with `date`. */
    collection_trap: {
      log_sample: { ts: iso(at(kAfter)), TcpActiveOpens: tl.at[kAfter]!.TcpActiveOpens!, TcpExtTW: tl.at[kAfter]!.TcpExtTW! },
      bundle_proc_net: { TcpActiveOpens: procNow.TcpActiveOpens!, TcpExtTW: procNow.TcpExtTW!, TcpExtTCPTimeWaitOverflow: procNow.TcpExtTCPTimeWaitOverflow! },
      netstat_s: { TcpActiveOpens: tl.valueAt(T.netstat).TcpActiveOpens! },
      nstat: { TcpActiveOpens: tl.valueAt(T.nstat).TcpActiveOpens! },
      netns_netstat_s: { TcpActiveOpens: tl.valueAt(T.nsNetstat).TcpActiveOpens! },
      netns_nstat: { TcpActiveOpens: tl.valueAt(T.nsNstat).TcpActiveOpens! },
    },
    samples: [
      sample('netstat.log', 0, 'TcpActiveOpens'), sample('netstat.log', 0, 'TcpExtTW'),
      sample('netstat.log', k1 + 1, 'TcpExtTCPTimeWaitOverflow'), sample('netstat.log', k2 + 1, 'TcpExtTCPTimeWaitOverflow'),
      sample('netstat.log', N - 1, 'TcpActiveOpens'),
    ],
    files: {
      snapshots: N, ss_snapshots: N / 5, values_per_netstat_snapshot: procNetCount(tl.at[0]!),
      values_per_nstat: nstatCount(procNow), ss_rows: ssLog.filter((l) => /^(LISTEN|ESTAB|TIME-WAIT) /.test(l)).length,
    },
  };
  return {
    spec, bundleName: 'sosreport-tw618-2026-05-12-qkzrwna',
    files: { netstat: netstatLog.join('\n') + '\n', sockstat: sockstatLog.join('\n') + '\n', ss: ssLog.join('\n') + '\n' },
    truth,
  };
}

// ---- B: listen-queue flood in netns `lq` -------------------------------------------------------

interface Conn {
  client: string;
  port: number;
}

/** Incident B, one boot variant: the spec of its sosreport, its three snapshot logs, and the truth. */
export function listenFloodIncident(opts: { boot: 'uptime' | 'btime'; seed?: number }) {
  const r = seeded(opts.seed ?? 0x618b);
  const host = 'lq618';
  const ns = 'lq';
  const tz = 'Asia/Kolkata';
  const L0 = Date.UTC(2026, 4, 19, 8, 40, 0); // 14:10:00 IST
  const N = 240;
  const FLOOD_FROM = 60;
  const FLOOD_TO = 120;
  const BACKLOG = 16;
  const SOMAXCONN = 64;
  const HOLD = 12; // the worker keeps each accepted connection 12 s
  const at = (k: number) => L0 + k * 1000;
  const C = at(170); // sos `date`, a whole second
  const UPTIME_S = 31 * 60 + 55;
  const bootMs = C - UPTIME_S * 1000;
  const nsCreatedMs = bootMs + 95_000;
  const HISTORY = (L0 - nsCreatedMs) / 1000;
  const LISTENER = '10.201.0.1:8080';
  const CLIENTS: [string, number][] = [['10.201.0.10', 0.7], ['10.201.0.11', 0.2], ['10.201.0.12', 0.1]];
  const clientPorts: Record<string, number> = { '10.201.0.10': 33000, '10.201.0.11': 41000, '10.201.0.12': 52000 };
  const pick = (): Conn => {
    const x = r();
    let acc = 0;
    let client = CLIENTS[CLIENTS.length - 1]![0];
    for (const [addr, w] of CLIENTS) {
      acc += w;
      if (x < acc) { client = addr; break; }
    }
    clientPorts[client] = clientPorts[client]! >= 60998 ? 32768 : clientPorts[client]! + 2;
    return { client, port: clientPorts[client]! };
  };
  const flooding = (k: number) => k >= FLOOD_FROM && k < FLOOD_TO;
  /** Accept queue length at boundary k: full (backlog + 1) from the first flood second on, drained within a second after. */
  const queueAt = (k: number) => (k > FLOOD_FROM && k <= FLOOD_TO ? BACKLOG + 1 : 0);

  const tl = new Timeline(L0, { ...SETUP, TcpPassiveOpens: 2, TcpInSegs: 40, TcpOutSegs: 38, TcpExtTCPPureAcks: 6 });
  const accepted: Conn[][] = [];
  const attempts: number[] = [];
  const overflows: number[] = [];
  const drops: number[] = [];
  const passive: number[] = [];
  const held = (k: number) => {
    const out: Conn[] = [];
    for (let j = Math.max(k - HOLD, -HISTORY); j < k; j++) out.push(...(accepted[j + HISTORY] ?? []));
    return out;
  };
  for (let k = -HISTORY; k < N; k++) {
    const flood = flooding(k);
    const a = flood ? 385 + Math.floor(r() * 31) : Math.floor(r() * 3); // connection attempts (new SYNs)
    const acc = flood ? 18 + Math.floor(r() * 5) : a; // before and after, the worker keeps up
    const conns: Conn[] = [];
    for (let i = 0; i < acc; i++) conns.push(pick());
    accepted[k + HISTORY] = conns;
    const lo = flood ? 1140 + Math.floor(r() * 81) : 0;
    const ld = lo + (flood && k % 13 === 5 ? 1 : 0);
    const cookies = flood ? 30 + Math.floor(r() * 11) : 0;
    // cookies are stateless: only the request socks of the full SYN queue retransmit their SYN-ACK
    const synAckRetrans = flood ? BACKLOG + Math.floor(r() * 5) : 0;
    const inSegs = a + lo + acc * 4 + cookies;
    const outSegs = a + synAckRetrans + acc * 4;
    const gauge = 1 + held(k).length + queueAt(k);
    tl.step(k, add({}, {
      TcpPassiveOpens: acc, TcpInSegs: inSegs, TcpOutSegs: outSegs, TcpRetransSegs: synAckRetrans, IpInReceives: inSegs, IpInDelivers: inSegs,
      IpOutRequests: outSegs, IpOutTransmits: outSegs, IpExtInNoECTPkts: inSegs, IpExtInOctets: inSegs * 60 + acc * 78, IpExtOutOctets: outSegs * 60 + acc * 1420,
      TcpExtListenOverflows: lo, TcpExtListenDrops: ld, TcpExtTCPReqQFullDoCookies: flood ? a - BACKLOG + Math.floor(r() * 9) : 0,
      TcpExtSyncookiesSent: cookies, TcpExtSyncookiesRecv: flood ? Math.max(0, acc - 3) : 0, TcpExtSyncookiesFailed: flood ? 2 + Math.floor(r() * 4) : 0,
      TcpExtTCPSynRetrans: synAckRetrans, TcpExtEmbryonicRsts: flood && k % 7 === 0 ? 1 : 0, TcpExtTCPPureAcks: acc * 2 + lo,
      TcpExtTCPHPAcks: acc, TcpExtTCPHPHits: acc * 2, TcpExtTCPOrigDataSent: acc * 3, TcpExtTCPDelivered: acc * 4, TcpExtDelayedACKs: Math.floor(acc * 0.4 + r()),
    }), { TcpCurrEstab: gauge });
    if (k >= 0) {
      attempts[k] = a;
      overflows[k] = lo;
      drops[k] = ld;
      passive[k] = acc;
    }
  }
  tl.close(N, { TcpCurrEstab: 1 + held(N).length + queueAt(N) });

  // Sockets at boundary k: listeners, the ssh session, connections the worker holds, the full
  // accept queue and the SYN queue (request socks) during the flood.
  const queued = (k: number): Conn[] => (queueAt(k) ? Array.from({ length: queueAt(k) }, () => pick()) : []);
  const synRecv = (k: number): Conn[] => (queueAt(k) ? Array.from({ length: BACKLOG }, () => pick()) : []);
  const SSH_PEER = '10.201.0.254:51022';
  const ssL = ssCols(7, false);
  const ssT = ssCols(10, false);
  const nstatLog: string[] = [];
  const ssLLog: string[] = [];
  const ssLog: string[] = [];
  let fullest = { k: -1, n: -1, shares: {} as Record<string, number> };
  for (let k = 0; k < N; k++) {
    nstatLog.push(dateOutput(at(k), tz, 'IST'), nstatText(tl.at[k]!).trimEnd());
    ssLLog.push(dateOutput(at(k), 'UTC', 'UTC'), ssL.head, ssL.row('LISTEN', queueAt(k), BACKLOG, LISTENER, '0.0.0.0:*'), ssL.row('LISTEN', 0, SOMAXCONN, '0.0.0.0:22', '0.0.0.0:*'));
    if (k % 5 === 0) {
      const rows = [ssT.row('LISTEN', queueAt(k), BACKLOG, LISTENER, '0.0.0.0:*'), ssT.row('LISTEN', 0, SOMAXCONN, '0.0.0.0:22', '0.0.0.0:*'),
        ssT.row('ESTAB', 0, 0, '10.201.0.1:22', SSH_PEER)];
      const h = held(k);
      const q = queued(k);
      const s = synRecv(k);
      for (const c of h) rows.push(ssT.row('ESTAB', 0, 0, LISTENER, `${c.client}:${c.port}`));
      for (const c of q) rows.push(ssT.row('ESTAB', 78, 0, LISTENER, `${c.client}:${c.port}`));
      for (const c of s) rows.push(ssT.row('SYN-RECV', 0, 0, LISTENER, `${c.client}:${c.port}`));
      ssLog.push(dateOutput(at(k), 'UTC', 'UTC'), ssT.head, ...rows);
      const all = [...h, ...q, ...s];
      if (flooding(k - 1) && all.length > fullest.n) {
        const shares: Record<string, number> = {};
        for (const [addr] of CLIENTS) shares[addr] = all.filter((c) => c.client === addr).length / all.length;
        fullest = { k, n: all.length, shares };
      }
    }
  }

  // The bundle.
  const T = {
    procNet: C + 38_520, netstat: C + 38_770, nstat: C + 39_410, ss: C + 39_900, ssS: C + 40_130,
    nsSysctl: C + 42_100, nsNetstat: C + 42_660, nsNstat: C + 43_200,
  };
  const kOf = (ms: number) => Math.floor((ms - L0) / 1000);
  const procNow = tl.valueAt(T.procNet);
  const sosPid = 51877;
  const pidNet = `proc/${sosPid}/net`;
  const nsDir = `sos_commands/networking/namespaces/${ns}`;
  const sysctl = sysctls(host, { 'net.core.somaxconn': String(SOMAXCONN) });
  const sockstat = (k: number): Sockstat => {
    const inuse = 1 + held(k).length + queueAt(k) + 2;
    return { used: inuse + 6, tcpInuse: inuse, orphan: 0, tw: 0, alloc: inuse + 48, mem: 9 + Math.floor(inuse / 4), udpInuse: 0, udpMem: 1 };
  };
  const peaonmi = (() => {
    const k = kOf(T.ss);
    const cols = ssCols(7, true);
    const rows = [
      cols.row('LISTEN', queueAt(k), BACKLOG, LISTENER, '0.0.0.0:*', 'users:(("slowsrv",pid=4242,fd=3)) ino:41872 sk:1001 cgroup:/system.slice/slowsrv.service <->'),
      '\t skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) cubic cwnd:10',
      cols.row('LISTEN', 0, SOMAXCONN, '0.0.0.0:22', '0.0.0.0:*', 'users:(("sshd",pid=812,fd=3)) ino:20114 sk:1002 cgroup:/system.slice/sshd.service <->'),
      '\t skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) cubic cwnd:10',
      cols.row('ESTAB', 0, 0, '10.201.0.1:22', SSH_PEER, 'users:(("sshd-session",pid=5402,fd=4),("sshd-session",pid=5398,fd=4)) timer:(keepalive,108min,0) ino:60311 sk:1003 cgroup:/user.slice/user-1000.slice/session-3.scope <->'),
      '\t skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0) ts sack cubic wscale:7,7 rto:201 rtt:0.301/0.112 ato:40 mss:1448 cwnd:10 send 385Mbps rcv_space:14480 minrtt:0.071',
      ...held(k).map((c, i) => cols.row('ESTAB', 0, 0, LISTENER, `${c.client}:${c.port}`, `users:(("slowsrv",pid=4242,fd=${7 + i})) ino:${61000 + i} sk:${(0x1100 + i).toString(16)} cgroup:/system.slice/slowsrv.service <->`)),
      cols.row('ESTAB', 0, 0, '*:41990', '*:41991', 'users:(("slowsrv",pid=4242,fd=5)) ino:41990 sk:1004 <->', 'u_str'),
    ];
    return [cols.head, ...rows].join('\n') + '\n';
  })();
  const mf = manifest(tz, C - 2_840, C + 69_300, [
    { name: 'date', startMs: C - 90, commands: [
      { exec: 'date', filepath: 'sos_commands/date/date', startMs: C, runMs: 4 },
      { exec: 'date --utc', filepath: 'sos_commands/date/date_--utc', startMs: C + 8, runMs: 3 },
    ] },
    { name: 'host', startMs: C + 1_900, commands: [{ exec: 'uptime', filepath: 'sos_commands/host/uptime', startMs: C + 2_010, runMs: 3 }] },
    { name: 'kernel', startMs: C + 19_800, commands: [{ exec: 'sysctl -a', filepath: 'sos_commands/kernel/sysctl_-a', startMs: C + 20_920, runMs: 60 }] },
    { name: 'networking', startMs: C + 36_400, files: ['proc/net/netstat', 'proc/net/snmp', 'proc/net/snmp6', 'proc/net/sockstat'], commands: [
      { exec: 'netstat -s', filepath: 'sos_commands/networking/netstat_-s', startMs: T.netstat, runMs: 69 },
      { exec: 'nstat -zas', filepath: 'sos_commands/networking/nstat_-zas', startMs: T.nstat, runMs: 41 },
      { exec: 'ss -peaonmi', filepath: 'sos_commands/networking/ss_-peaonmi', startMs: T.ss, runMs: 88 },
      { exec: 'ss -s', filepath: 'sos_commands/networking/ss_-s', startMs: T.ssS, runMs: 8 },
      { exec: `ip netns exec ${ns} sysctl -a`, filepath: `${nsDir}/ip_netns_exec_${ns}_sysctl_-a`, startMs: T.nsSysctl, runMs: 57 },
      { exec: `ip netns exec ${ns} netstat -s`, filepath: `${nsDir}/ip_netns_exec_${ns}_netstat_-s`, startMs: T.nsNetstat, runMs: 70 },
      { exec: `ip netns exec ${ns} nstat -zas`, filepath: `${nsDir}/ip_netns_exec_${ns}_nstat_-zas`, startMs: T.nsNstat, runMs: 39 },
    ] },
  ]);

  const mono = (ms: number) => Math.round((ms - bootMs) * 1000);
  const synLine = at(FLOOD_FROM) + 2_184.077;
  const SYN_MSG = `TCP: request_sock_TCP: Possible SYN flooding on port ${LISTENER}. Sending cookies.`;
  const dmesg = [
    `${dmesgStamp(0)} Linux version ${KERNEL} (mockbuild@x86-64-01.build.eng.rdu2.redhat.com) (gcc (GCC) 14.3.1 20250617 (Red Hat 14.3.1-2), GNU ld version 2.41-58.el10) #1 SMP PREEMPT_DYNAMIC Fri Apr 10 08:12:44 UTC 2026`,
    `${dmesgStamp(0)} Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-${KERNEL} root=/dev/mapper/rhel-root ro crashkernel=2G-64G:256M,64G-:512M rd.lvm.lv=rhel/root`,
    `${dmesgStamp(148_902)} TCP established hash table entries: 65536 (order: 7, 524288 bytes, linear)`,
    `${dmesgStamp(149_011)} TCP: Hash tables configured (established 65536 bind 65536)`,
    `${dmesgStamp(mono(nsCreatedMs))} br0: port 3(veth-lq) entered blocking state`,
    `${dmesgStamp(mono(nsCreatedMs) + 61)} br0: port 3(veth-lq) entered forwarding state`,
    `${dmesgStamp(mono(synLine))} ${SYN_MSG}`,
  ];
  const msg = (ms: number, tag: string, text: string) => `${syslogStamp(ms, tz)} ${host} ${tag}: ${text}`;
  const messages = [
    msg(nsCreatedMs + 16, 'kernel', 'br0: port 3(veth-lq) entered blocking state'),
    msg(nsCreatedMs + 75, 'kernel', 'br0: port 3(veth-lq) entered forwarding state'),
    msg(nsCreatedMs + 3_300, 'systemd[1]', 'Started slowsrv.service - Slow test server (netns lq).'),
    msg(synLine + 8, 'kernel', SYN_MSG),
    msg(C - 61_000, 'sshd-session[5398]', 'Accepted publickey for support from 10.201.0.254 port 51022 ssh2: ED25519 SHA256:Zq2m1'),
  ];

  const uptime = uptimeText(C, bootMs, tz, 1, '3.12, 1.05, 0.41');
  const spec: SosSpec = {
    host, tz, tzAbbrev: 'IST', tzOffsetLabel: '+0530', kernel: KERNEL, release: RELEASE, sosVersion: SOS_VERSION,
    bootUtcMs: bootMs, collectedUtcMs: C, messages, dmesg, sysctls: sysctl,
    sockstat: { inuse: sockstat(kOf(T.procNet)).tcpInuse, orphan: 0, tw: 0, alloc: sockstat(kOf(T.procNet)).alloc, mem: 10 },
    tcpExt: { ListenOverflows: procNow.TcpExtListenOverflows!, ListenDrops: procNow.TcpExtListenDrops! },
    tcp: { ActiveOpens: 0, PassiveOpens: procNow.TcpPassiveOpens!, CurrEstab: procNow.TcpCurrEstab! },
    sockets: [], slab: [{ name: 'tw_sock_TCP', active: 21, num: 64, size: 256 }, { name: 'request_sock_TCP', active: 30, num: 128, size: 304 },
      { name: 'TCP', active: 64, num: 84, size: 2560 }],
    pid: sosPid,
    replace: {
      [`${pidNet}/netstat`]: procNetNetstat(procNow),
      [`${pidNet}/snmp`]: procNetSnmp(procNow),
      [`${pidNet}/sockstat`]: sockstatText(sockstat(kOf(T.procNet))),
      'sos_commands/networking/netstat_-s': netstatS(tl.valueAt(T.netstat)),
      'sos_commands/networking/nstat_-zas': nstatText(tl.valueAt(T.nstat)),
      'sos_commands/networking/ss_-peaonmi': peaonmi,
      'sos_commands/host/uptime': uptime,
      'sos_reports/manifest.json': mf,
      ...(opts.boot === 'uptime' ? { 'proc/stat': null, 'proc/uptime': null } : {}),
    },
    extraFiles: {
      [`${pidNet}/snmp6`]: procNetSnmp6(procNow),
      [`${pidNet}/sockstat6`]: SOCKSTAT6_EMPTY,
      'sos_commands/networking/ss_-s': ssSummary(sockstat(kOf(T.ssS)), tl.valueAt(T.ssS).TcpCurrEstab!),
      'sos_commands/networking/ip_netns': `${ns}\n`,
      'sos_commands/networking/ip_-o_addr': ipOAddr('10.201.0.1', 11, 'fe80::5c3e:8fff:fe41:7702'),
      'proc/sys/net/core/somaxconn': `${SOMAXCONN}\n`,
      [`${nsDir}/ip_netns_exec_${ns}_sysctl_-a`]: sysctlText(sysctl),
      [`${nsDir}/ip_netns_exec_${ns}_netstat_-s`]: netstatS(tl.valueAt(T.nsNetstat)),
      [`${nsDir}/ip_netns_exec_${ns}_nstat_-zas`]: nstatText(tl.valueAt(T.nsNstat)),
    },
  };

  const rising = overflows.map((n, k) => (n > 0 ? k : -1)).filter((k) => k >= 0);
  const k1 = rising[0]!;
  const k2 = rising[rising.length - 1]!;
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  const naiveBoot = Math.floor(C / 1000) * 1000 - Math.floor(UPTIME_S / 60) * 60_000;
  const sample = (k: number, name: string) => ({ file: 'nstat.log', ts: iso(at(k)), name, value: tl.at[k]![name] ?? 0 });
  const truth = {
    host, netns: ns, kernel: KERNEL, timezone: tz, kind: 'tcp_listen_overflow',
    listener: LISTENER, process: 'slowsrv', pid: 4242,
    backlog: { value: BACKLOG, set_by: 'application', somaxconn: SOMAXCONN, other_listener: { local: '0.0.0.0:22', process: 'sshd', requested: 128, effective: SOMAXCONN } },
    peak_queue: BACKLOG + 1, queue_full: { from: iso(at(FLOOD_FROM + 1)), to: iso(at(FLOOD_TO)), file: 'ss-l.log' },
    flood: { start: iso(at(FLOOD_FROM)), end: iso(at(FLOOD_TO)) },
    listen_overflows: {
      name: 'TcpExtListenOverflows', at_first_snapshot: tl.at[0]!.TcpExtListenOverflows ?? 0,
      first_rise: { from: iso(at(k1)), to: iso(at(k1 + 1)), increase: overflows[k1]! },
      last_rise: { from: iso(at(k2)), to: iso(at(k2 + 1)), increase: overflows[k2]! },
      total: overflows.reduce((a, b) => a + b, 0), per_second: { from: iso(at(k1)), increases: overflows.slice(k1, k2 + 1) },
    },
    listen_drops: { name: 'TcpExtListenDrops', total: drops.reduce((a, b) => a + b, 0) },
    rates: {
      attempts_per_s: { before: mean(attempts.slice(0, FLOOD_FROM)), during: mean(attempts.slice(FLOOD_FROM, FLOOD_TO)), after: mean(attempts.slice(FLOOD_TO)) },
      passive_opens_per_s: { counter: 'TcpPassiveOpens', before: mean(passive.slice(0, FLOOD_FROM)), during: mean(passive.slice(FLOOD_FROM, FLOOD_TO)), after: mean(passive.slice(FLOOD_TO)) },
      note: 'attempts = new client SYNs per second; PassiveOpens rises at the worker accept rate while the queue is full',
    },
    clients: {
      design_shares: Object.fromEntries(CLIENTS),
      shares_in_fullest_ss_snapshot: fullest.shares, snapshot: iso(at(fullest.k)), sockets: fullest.n, file: 'ss.log',
    },
    syn_flood_line: { message: SYN_MSG, at: iso(synLine), logged: 1, suppressed: 0 },
    boot: {
      variant: opts.boot, true_utc: iso(bootMs), true_uptime_s: UPTIME_S, uptime_text: uptime.trim(),
      btime: opts.boot === 'btime' ? Math.floor(bootMs / 1000) : null,
      naive_from_uptime_utc: iso(naiveBoot), naive_error_s: (naiveBoot - bootMs) / 1000,
    },
    collection: { instant: iso(C), proc_net_read_at: iso(T.procNet), commands: { 'netstat -s': iso(T.netstat), 'nstat -zas': iso(T.nstat),
      [`ip netns exec ${ns} netstat -s`]: iso(T.nsNetstat), [`ip netns exec ${ns} nstat -zas`]: iso(T.nsNstat) } },
    bundle_values: {
      proc_net: { TcpExtListenOverflows: procNow.TcpExtListenOverflows!, TcpPassiveOpens: procNow.TcpPassiveOpens! },
      netns_nstat: { TcpExtListenOverflows: tl.valueAt(T.nsNstat).TcpExtListenOverflows!, TcpPassiveOpens: tl.valueAt(T.nsNstat).TcpPassiveOpens! },
    },
    samples: [sample(0, 'TcpExtListenOverflows'), sample(k1 + 1, 'TcpExtListenOverflows'), sample(k2 + 1, 'TcpExtListenOverflows'),
      sample(k2 + 1, 'TcpExtListenDrops'), sample(N - 1, 'TcpPassiveOpens')],
    files: {
      snapshots: N, ss_snapshots: N / 5, values_per_nstat_snapshot: nstatCount(tl.at[0]!),
      ss_rows: ssLog.filter((l) => /^(LISTEN|ESTAB|SYN-RECV) /.test(l)).length, ss_l_rows: 2 * N,
    },
  };
  return {
    spec, bundleName: opts.boot === 'btime' ? 'sosreport-lq618-2026-05-19-xkcwqzb' : 'sosreport-lq618-2026-05-19-mrtvhqa',
    files: { nstat: nstatLog.join('\n') + '\n', ssL: ssLLog.join('\n') + '\n', ss: ssLog.join('\n') + '\n' },
    truth,
  };
}

/**
 * Both incidents as a case folder: per host a sosreport (.tar.xz) and its snapshot logs, incident
 * B's `uptime` bundle under variants/, and truth.json.
 */
export async function writeNetnsIncidents(dir: string) {
  const A = timewaitNetnsIncident();
  const B = listenFloodIncident({ boot: 'btime' });
  const U = listenFloodIncident({ boot: 'uptime' });
  for (const d of ['tw618', 'lq618', 'variants']) mkdirSync(join(dir, d), { recursive: true });
  const files = {
    twBundle: join(dir, `${A.bundleName}.tar.xz`),
    twNetstat: join(dir, 'tw618', 'netstat.log'),
    twSockstat: join(dir, 'tw618', 'sockstat.log'),
    twSs: join(dir, 'tw618', 'ss.log'),
    lqBundle: join(dir, `${B.bundleName}.tar.xz`),
    lqNstat: join(dir, 'lq618', 'nstat.log'),
    lqSsL: join(dir, 'lq618', 'ss-l.log'),
    lqSs: join(dir, 'lq618', 'ss.log'),
    lqUptimeBundle: join(dir, 'variants', `${U.bundleName}.tar.xz`),
  };
  writeFileSync(files.twBundle, await makeTarball(sosreportEntries(A.spec, A.bundleName), 'xz'));
  writeFileSync(files.twNetstat, A.files.netstat);
  writeFileSync(files.twSockstat, A.files.sockstat);
  writeFileSync(files.twSs, A.files.ss);
  writeFileSync(files.lqBundle, await makeTarball(sosreportEntries(B.spec, B.bundleName), 'xz'));
  writeFileSync(files.lqNstat, B.files.nstat);
  writeFileSync(files.lqSsL, B.files.ssL);
  writeFileSync(files.lqSs, B.files.ss);
  writeFileSync(files.lqUptimeBundle, await makeTarball(sosreportEntries(U.spec, U.bundleName), 'xz'));
  const truth = { tw618: A.truth, lq618: { ...B.truth, boot_variants: { btime: B.truth.boot, uptime: U.truth.boot } } };
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return { files, truth };
}
