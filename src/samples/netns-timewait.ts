/**
 * Incident A of netns-incidents.ts (its header tells the story and the traps): a TIME_WAIT
 * overflow inside namespace `web` on a 6.18 kernel, counted by TcpExtTCPTimeWaitOverflow only.
 */
import { dateOutput, dmesgStamp, syslogStamp, type SosSpec } from './sos.js';
import { netstatS, nstatCount, nstatText, procNetCount, procNetNetstat, procNetSnmp, procNetSnmp6, SOCKSTAT6_EMPTY, sockstatText, ssSummary, type Sockstat } from './procnet.js';
import { KERNEL, RELEASE, SOS_VERSION, iso, seeded, Timeline, ssCols, isoSeconds, uptimeText, manifest, sysctls, sysctlText, ipOAddr, SETUP, add } from './netns-common.js';

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
