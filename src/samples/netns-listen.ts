/**
 * Incident B of netns-incidents.ts (its header tells the story and the traps): a listen-queue
 * overflow inside namespace `lq` whose limit is the application's own backlog; one sosreport per
 * boot-time variant (btime, uptime).
 */
import { dateOutput, dmesgStamp, syslogStamp, type SosSpec } from './sos.js';
import { netstatS, nstatCount, nstatText, procNetNetstat, procNetSnmp, procNetSnmp6, SOCKSTAT6_EMPTY, sockstatText, ssSummary, type Sockstat } from './procnet.js';
import { KERNEL, RELEASE, SOS_VERSION, iso, seeded, Timeline, ssCols, uptimeText, manifest, sysctls, sysctlText, ipOAddr, SETUP, add } from './netns-common.js';

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
