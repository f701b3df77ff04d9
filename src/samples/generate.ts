/**
 * Deterministic sample bundles with known truth (samples/truth.json). Run: npm run samples.
 *
 * - web01: RHEL 6 era kernel that still logs `TCP: time wait bucket table overflow`, in
 *   America/Chicago, collected in the week after the US DST change; sos 3.x layout, .tar.xz.
 *   One episode of 32 bursts, net_ratelimit summaries between them; dmesg holds the last 12
 *   bursts again (they must count once).
 * - app02: modern kernel that logs nothing; TcpExtTCPTimeWaitOverflow = 51877 since boot and a
 *   TIME_WAIT population at the limit; sos 4.x layout with manifest; .tar.xz.
 * - db01: healthy, Europe/Berlin, sos 4.x, .tar.gz.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTarball } from './tarball.js';
import { writeIncidents } from './incidents.js';
import { dmesgStamp, sosreportEntries, syslogStamp, type SosSpec, type SsSocket } from './sos.js';
import { isoUtc } from '../time.js';

const BASE_SYSCTLS: Record<string, string> = {
  'net.core.somaxconn': '128',
  'net.ipv4.ip_local_port_range': '32768\t61000',
  'net.ipv4.tcp_fin_timeout': '60',
  'net.ipv4.tcp_max_orphans': '65536',
  'net.ipv4.tcp_max_syn_backlog': '2048',
  'net.ipv4.tcp_mem': '190311\t253748\t380622',
  'net.ipv4.tcp_timestamps': '1',
  'net.ipv4.tcp_tw_reuse': '0',
  'net.netfilter.nf_conntrack_max': '262144',
  'net.ipv4.neigh.default.gc_thresh3': '1024',
};

function timewaitSockets(local: string, peers: [string, number][], firstPort: number): SsSocket[] {
  const out: SsSocket[] = [];
  let port = firstPort;
  for (const [peer, n] of peers) {
    for (let i = 0; i < n; i++) out.push({ state: 'TIME-WAIT', local: `${local}:${port++}`, peer, extra: `timer:(timewait,${(i % 59) + 1}sec,0) ino:0 sk:${(port * 7919).toString(16)} -->` });
  }
  return out;
}

export interface SampleTruth {
  [host: string]: unknown;
}

export function web01(): { spec: SosSpec; truth: Record<string, unknown> } {
  const tz = 'America/Chicago';
  const bootUtcMs = Date.UTC(2026, 2, 1, 14, 0, 0);
  const t0 = Date.UTC(2026, 2, 12, 19, 2, 11); // 14:02:11 CDT
  const host = 'web01';
  const messages: string[] = [];
  const dmesg: string[] = [
    `${dmesgStamp(0)} Initializing cgroup subsys cpuset`,
    `${dmesgStamp(1_204_511)} TCP established hash table entries: 524288 (order: 11, 8388608 bytes)`,
  ];
  const ml = (ms: number, tag: string, msg: string) => messages.push(`${syslogStamp(ms, tz)} ${host} ${tag}: ${msg}`);
  // Before the US DST change of 2026-03-08 (CST, UTC−6): the same file spans both offsets.
  ml(Date.UTC(2026, 2, 8, 5, 0, 0), 'sshd[2101]', 'Accepted publickey for admin from 10.0.0.99 port 50001 ssh2');
  ml(t0 - 3_600_000, 'sshd[2211]', 'Accepted publickey for admin from 10.0.0.99 port 51022 ssh2');
  ml(t0 - 600_000, 'kernel', 'kauditd_printk_skb: 5 callbacks suppressed');
  let logged = 0;
  let suppressed = 0;
  const bursts = 32;
  for (let k = 0; k < bursts; k++) {
    const at = t0 + k * 15_000;
    if (k > 0) {
      const n = 100 + 7 * k;
      suppressed += n;
      ml(at, 'kernel', `net_ratelimit: ${n} callbacks suppressed`);
      if (k >= 20) dmesg.push(`${dmesgStamp((at - bootUtcMs) * 1000)} net_ratelimit: ${n} callbacks suppressed`);
    }
    for (let i = 0; i < 10; i++) {
      logged++;
      ml(at, 'kernel', 'TCP: time wait bucket table overflow');
      if (k >= 20) dmesg.push(`${dmesgStamp((at - bootUtcMs) * 1000 + i * 1117 + 312)} TCP: time wait bucket table overflow`);
    }
  }
  const end = t0 + (bursts - 1) * 15_000;
  ml(end + 120_000, 'crond[4242]', '(root) CMD (/usr/lib64/sa/sa1 1 1)');
  const sockets: SsSocket[] = [
    { state: 'LISTEN', local: '0.0.0.0:22', peer: '0.0.0.0:*' },
    { state: 'ESTAB', local: '10.0.0.5:22', peer: '10.0.0.99:51022' },
    ...timewaitSockets('10.0.0.5', [['192.0.2.17:5432', 264], ['192.0.2.40:6379', 36]], 40000),
  ];
  const spec: SosSpec = {
    host, fqdn: 'web01.example.com', tz, tzAbbrev: 'CDT', tzOffsetLabel: '-0500',
    kernel: '2.6.32-754.35.1.el6.x86_64', release: 'Red Hat Enterprise Linux Server release 6.10 (Santiago)',
    sosVersion: '3.2', bootUtcMs, collectedUtcMs: Date.UTC(2026, 2, 12, 19, 20, 2),
    messages, dmesg,
    sysctls: { ...BASE_SYSCTLS, 'net.ipv4.tcp_max_tw_buckets': '65536', 'net.ipv4.tcp_tw_recycle': '0' },
    sockstat: { inuse: 312, orphan: 4, tw: 41234, alloc: 330, mem: 1196 },
    tcpExt: { SyncookiesSent: 0, EmbryonicRsts: 3, TW: 8790001, TWRecycled: 0, TWKilled: 0, ListenOverflows: 0, ListenDrops: 0 },
    tcp: { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1, ActiveOpens: 8841230, PassiveOpens: 120455, AttemptFails: 1022, EstabResets: 877, CurrEstab: 310, InSegs: 512223344, OutSegs: 498112001, RetransSegs: 90211, InErrs: 14, OutRsts: 66017 },
    sockets,
    slab: [
      { name: 'tw_sock_TCP', active: 41290, num: 41344, size: 192 },
      { name: 'TCP', active: 330, num: 352, size: 1728 },
      { name: 'request_sock_TCP', active: 12, num: 60, size: 128 },
    ],
    pid: 26231,
  };
  const truth = {
    host, kind: 'tcp_timewait_overflow',
    // dmesg keeps µs: the last line of the last burst is the precise end.
    start: isoUtc(t0 * 1000), end: isoUtc(end * 1000 + 9 * 1117 + 312),
    logged, suppressed, estimated_total: logged + suppressed,
    limit: { name: 'net.ipv4.tcp_max_tw_buckets', value: 65536, peak: 41234 },
    top_peer: { peer: '192.0.2.17:5432', share: 0.88 },
    timezone: tz, collected_at: isoUtc(spec.collectedUtcMs * 1000), boot_time: isoUtc(bootUtcMs * 1000),
    dmesg_overflow_lines: 120, messages_overflow_lines: logged,
  };
  return { spec, truth };
}

export function app02(): { spec: SosSpec; truth: Record<string, unknown> } {
  const tz = 'UTC';
  const collected = Date.UTC(2026, 2, 12, 16, 45, 0);
  const bootUtcMs = Date.UTC(2026, 1, 20, 3, 0, 0);
  const journal = [
    `-- Logs begin at Fri 2026-02-20 03:00:04 UTC, end at Thu 2026-03-12 16:44:58 UTC. --`,
    `Mar 12 16:30:01 app02 CROND[9911]: (root) CMD (/usr/lib64/sa/sa1 1 1)`,
    `Mar 12 16:44:58 app02 systemd[1]: Started Session 42 of user admin.`,
  ];
  const spec: SosSpec = {
    host: 'app02', tz, tzAbbrev: 'UTC', tzOffsetLabel: '+0000',
    kernel: '5.14.0-362.8.1.el9_3.x86_64', release: 'Red Hat Enterprise Linux release 9.3 (Plow)',
    sosVersion: '4.5.6', bootUtcMs, collectedUtcMs: collected,
    messages: journal.slice(1), dmesg: [`${dmesgStamp(0)} Linux version 5.14.0-362.8.1.el9_3.x86_64`], journal,
    sysctls: { ...BASE_SYSCTLS, 'net.ipv4.tcp_max_tw_buckets': '131072', 'net.ipv4.tcp_tw_reuse': '2', 'net.ipv4.ip_local_port_range': '32768\t60999' },
    sockstat: { inuse: 120, orphan: 0, tw: 131072, alloc: 140, mem: 300 },
    tcpExt: { TW: 99120443, TWRecycled: 0, ListenOverflows: 0, ListenDrops: 0, TCPTimeWaitOverflow: 51877, TCPAbortOnMemory: 0 },
    tcp: { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1, ActiveOpens: 99812001, PassiveOpens: 2011, CurrEstab: 118 },
    sockets: [
      { state: 'LISTEN', local: '0.0.0.0:8080', peer: '0.0.0.0:*' },
      ...timewaitSockets('10.1.0.7', [['198.51.100.9:443', 180], ['198.51.100.10:443', 20]], 33000),
    ],
    slab: [{ name: 'tw_sock_TCP', active: 131200, num: 131264, size: 256 }],
    pid: 1,
  };
  const truth = {
    host: 'app02', kind: 'tcp_timewait_overflow', start: null, end: null, logged: 0, counter_delta: 51877,
    limit: { name: 'net.ipv4.tcp_max_tw_buckets', value: 131072, peak: 131072 },
    top_peer: { peer: '198.51.100.9:443', share: 0.9 },
  };
  return { spec, truth };
}

export function db01(): { spec: SosSpec; truth: Record<string, unknown> } {
  const tz = 'Europe/Berlin';
  const collected = Date.UTC(2026, 2, 12, 10, 0, 0);
  const spec: SosSpec = {
    host: 'db01', tz, tzAbbrev: 'CET', tzOffsetLabel: '+0100',
    kernel: '5.14.0-362.8.1.el9_3.x86_64', release: 'Red Hat Enterprise Linux release 9.3 (Plow)',
    sosVersion: '4.5.6', bootUtcMs: Date.UTC(2026, 0, 5, 6, 0, 0), collectedUtcMs: collected,
    messages: [`${syslogStamp(collected - 60_000, tz)} db01 systemd[1]: Starting sysstat-collect.service...`],
    dmesg: [`${dmesgStamp(0)} Linux version 5.14.0-362.8.1.el9_3.x86_64`],
    journal: [`Mar 12 10:59:00 db01 systemd[1]: Starting sysstat-collect.service...`],
    sysctls: { ...BASE_SYSCTLS, 'net.ipv4.tcp_max_tw_buckets': '131072', 'net.ipv4.tcp_tw_reuse': '2' },
    sockstat: { inuse: 40, orphan: 0, tw: 120, alloc: 44, mem: 12 },
    tcpExt: { TW: 1201, TWRecycled: 0, ListenOverflows: 0, ListenDrops: 0, TCPTimeWaitOverflow: 0 },
    tcp: { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1, ActiveOpens: 1800, PassiveOpens: 90211, CurrEstab: 38 },
    sockets: [{ state: 'LISTEN', local: '0.0.0.0:5432', peer: '0.0.0.0:*' }, ...timewaitSockets('10.2.0.9', [['10.2.0.20:5432', 3]], 50000)],
    slab: [{ name: 'tw_sock_TCP', active: 150, num: 160, size: 256 }],
    nfConntrack: { count: 1200, max: 262144 },
    pid: 1,
  };
  return { spec, truth: { host: 'db01', findings: 0 } };
}

export const SAMPLE_FILES = {
  web01: 'sosreport-web01-2026-03-12-kqwzmab.tar.xz',
  app02: 'sosreport-app02-2026-03-12-pxtrnoe.tar.xz',
  db01: 'sosreport-db01-2026-03-12-hvcedsa.tar.gz',
};

export async function generateSamples(dir: string): Promise<Record<string, unknown>> {
  mkdirSync(dir, { recursive: true });
  const truth: Record<string, unknown> = {};
  for (const [key, make, comp] of [['web01', web01, 'xz'], ['app02', app02, 'xz'], ['db01', db01, 'gzip']] as const) {
    const { spec, truth: t } = make();
    const file = SAMPLE_FILES[key];
    const name = file.replace(/\.tar\.(xz|gz)$/, '');
    writeFileSync(join(dir, file), await makeTarball(sosreportEntries(spec, name), comp));
    truth[key] = { file, ...t };
  }
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return truth;
}

if (process.argv[1] && /generate\.(js|ts)$/.test(process.argv[1])) {
  const dir = process.argv[2] ?? 'samples';
  generateSamples(dir)
    .then(() => writeIncidents(join(dir, 'incidents', 'case-4711')))
    .then(() => console.log(`samples written to ${dir}/ (bundles) and ${dir}/incidents/case-4711/ (multi-source incidents)`));
}
