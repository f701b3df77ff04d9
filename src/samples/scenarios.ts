/**
 * Root-cause scenarios with known truth (issue 4): one case folder, seven hosts.
 *
 * client1  client-side TIME_WAIT flood: sar active/s spike, TIME-WAIT towards one database.
 * server1  server-side TIME_WAIT flood: sar passive/s spike, TIME-WAIT on its own port 80.
 * twice1   two TIME_WAIT episodes on one host, hours apart.
 * counter1 modern kernel, counter-only overflow in an nstat log (plus overflows before it).
 * nat1     conntrack table full.
 * quiet1   healthy.
 * norate1  a logged TIME_WAIT overflow with no connection-rate data at all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTarball } from './tarball.js';
import { dateOutput, dmesgStamp, sosreportEntries, syslogStamp, type SosSpec, type SsSocket } from './sos.js';
import { isoUtc, localFields, localToUtcMicros } from '../time.js';

const MIN = 60_000;
const DAY = Date.UTC(2026, 3, 14); // 2026-04-14
const p2 = (n: number) => String(n).padStart(2, '0');

const BASE: Record<string, string> = {
  'net.core.somaxconn': '128', 'net.ipv4.ip_local_port_range': '32768\t61000', 'net.ipv4.tcp_tw_reuse': '0',
  'net.ipv4.tcp_timestamps': '1', 'net.ipv4.tcp_max_orphans': '65536', 'net.netfilter.nf_conntrack_max': '262144',
};

function spec(host: string, tz: string, abbrev: string, offset: string, kernel: string, over: Partial<SosSpec>): SosSpec {
  return {
    host, tz, tzAbbrev: abbrev, tzOffsetLabel: offset, kernel, release: 'Red Hat Enterprise Linux', sosVersion: '4.5.6',
    bootUtcMs: DAY - 5 * 86_400_000, collectedUtcMs: DAY + 20 * 3_600_000, messages: [], dmesg: [`${dmesgStamp(0)} Linux version ${kernel}`],
    sysctls: { ...BASE, 'net.ipv4.tcp_max_tw_buckets': '32768' },
    sockstat: { inuse: 100, orphan: 0, tw: 1000, alloc: 120, mem: 50 },
    tcpExt: { TW: 100000, ListenOverflows: 0, ListenDrops: 0 },
    tcp: { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1, ActiveOpens: 100000, PassiveOpens: 5000, CurrEstab: 80 },
    sockets: [], slab: [{ name: 'tw_sock_TCP', active: 1000, num: 1050, size: 192 }], pid: 1,
    ...over,
  };
}

/** Overflow bursts (10 lines each, net_ratelimit summaries between) from `from` to `to`, every 15 s. */
function bursts(host: string, tz: string, from: number, to: number, message = 'TCP: time wait bucket table overflow') {
  const lines: string[] = [];
  let logged = 0;
  let suppressed = 0;
  let last = from;
  for (let at = from, k = 0; at <= to; at += 15_000, k++) {
    if (k > 0) {
      const n = 50 + (k % 5) * 10;
      suppressed += n;
      lines.push(`${syslogStamp(at, tz)} ${host} kernel: net_ratelimit: ${n} callbacks suppressed`);
    }
    for (let i = 0; i < 10; i++) lines.push(`${syslogStamp(at, tz)} ${host} kernel: ${message}`);
    logged += 10;
    last = at;
  }
  return { lines, logged, suppressed, start: isoUtc(from * 1000)!, end: isoUtc(last * 1000)! };
}

/** sar -n TCP,SOCK text for the local day 2026-04-14, 10-minute intervals, with a rate function of the interval end. */
function sarText(host: string, kernel: string, tz: string, rate: (ms: number) => { active: number; passive: number; tw: number }) {
  const head = `Linux ${kernel} (${host}) \t04/14/2026 \t_x86_64_\t(4 CPU)`;
  const ends: number[] = [];
  for (let m = 10; m < 24 * 60; m += 10) {
    ends.push(localToUtcMicros({ year: 2026, month: 4, day: 14, hour: Math.floor(m / 60), minute: m % 60, second: 1 }, tz) / 1000);
  }
  const clock = (ms: number) => { const t = localFields(ms, tz); return `${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`; };
  const out = [head, '', `00:00:01     active/s passive/s    iseg/s    oseg/s`];
  for (const e of ends) { const r = rate(e); out.push(`${clock(e)}     ${r.active.toFixed(2).padStart(8)} ${r.passive.toFixed(2).padStart(9)}   4000.00   3900.00`); }
  out.push('Average:        100.00     10.00   4000.00   3900.00', '', `00:00:01     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw`);
  for (const e of ends) out.push(`${clock(e)}        500       100         9         0         0 ${String(rate(e).tw).padStart(9)}`);
  out.push('Average:          500       100         9         0         0      1000', '');
  return out.join('\n');
}

const tw = (local: string, peers: [string, number][], firstPort: number): SsSocket[] => {
  const out: SsSocket[] = [];
  let port = firstPort;
  for (const [peer, n] of peers) for (let i = 0; i < n; i++) out.push({ state: 'TIME-WAIT', local: `${local}:${port++}`, peer });
  return out;
};

export async function writeScenarios(dir: string) {
  mkdirSync(dir, { recursive: true });
  const truth: Record<string, unknown> = {};
  const bundles: [SosSpec, string][] = [];
  const at = (h: number, m = 0, s = 0) => DAY + h * 3_600_000 + m * MIN + s * 1000;

  // client1: America/Chicago (CDT, UTC−5); spike 14:00Z, overflow 14:05Z–14:30Z
  {
    const host = 'client1'; const tz = 'America/Chicago'; const k = '2.6.32-754.el6.x86_64';
    const b = bursts(host, tz, at(14, 5), at(14, 30));
    const sar = sarText(host, k, tz, (ms) => (ms > at(14, 0, 1) && ms <= at(14, 40, 1) ? { active: 1900, passive: 10, tw: 32768 } : { active: 90, passive: 10, tw: 3000 }));
    bundles.push([spec(host, tz, 'CDT', '-0500', k, {
      messages: b.lines, sysctls: { ...BASE, 'net.ipv4.tcp_max_tw_buckets': '32768' },
      sockets: [{ state: 'LISTEN', local: '0.0.0.0:22', peer: '0.0.0.0:*' }, ...tw('10.0.1.1', [['198.51.100.20:5432', 160], ['198.51.100.21:6379', 40]], 40000)],
      extraFiles: { 'var/log/sa/sar14': sar },
    }), host]);
    truth[host] = { kind: 'tcp_timewait_overflow', start: b.start, end: b.end, logged: b.logged, suppressed: b.suppressed, limit: 32768,
      trigger: { metric: 'active_opens_per_s', baseline: 90, peak: 1900, start: isoUtc(at(14, 0, 1) * 1000), lead_seconds: 299 },
      top_peer: { peer: '198.51.100.20:5432', share: 0.8, side: 'client' }, recommendations: ['connection-reuse', 'tcp-tw-reuse', 'raise-limit'] };
  }
  // server1: UTC; passive spike 09:00Z, overflow 09:12Z–09:20Z; TIME-WAIT on its port 80
  {
    const host = 'server1'; const tz = 'UTC'; const k = '2.6.32-754.el6.x86_64';
    const b = bursts(host, tz, at(9, 12), at(9, 20));
    const sar = sarText(host, k, tz, (ms) => (ms > at(9, 0, 1) && ms <= at(9, 30, 1) ? { active: 5, passive: 1500, tw: 32768 } : { active: 5, passive: 60, tw: 2000 }));
    const clients: SsSocket[] = [];
    for (let i = 0; i < 120; i++) clients.push({ state: 'TIME-WAIT', local: '10.0.2.80:80', peer: `203.0.113.${i % 3 === 0 ? 7 : 10 + (i % 40)}:${50000 + i}` });
    bundles.push([spec(host, tz, 'UTC', '+0000', k, {
      messages: b.lines, sockets: [{ state: 'LISTEN', local: '0.0.0.0:80', peer: '0.0.0.0:*' }, ...clients],
      extraFiles: { 'var/log/sa/sar14': sar },
    }), host]);
    truth[host] = { kind: 'tcp_timewait_overflow', start: b.start, end: b.end, logged: b.logged, suppressed: b.suppressed,
      trigger: { metric: 'passive_opens_per_s', baseline: 60, peak: 1500, start: isoUtc(at(9, 0, 1) * 1000), lead_seconds: 719 },
      top_peer: { peer: '203.0.113.7', share: 40 / 120, side: 'server', local_port: 80 }, recommendations: ['keep-alive', 'raise-limit'] };
  }
  // twice1: Europe/Berlin (CEST, UTC+2); episodes 01:00Z–01:10Z and 12:00Z–12:20Z
  {
    const host = 'twice1'; const tz = 'Europe/Berlin'; const k = '2.6.32-754.el6.x86_64';
    const a = bursts(host, tz, at(1, 0), at(1, 10));
    const b = bursts(host, tz, at(12, 0), at(12, 20));
    bundles.push([spec(host, tz, 'CEST', '+0200', k, { messages: [...a.lines, ...b.lines] }), host]);
    truth[host] = { episodes: [{ start: a.start, end: a.end, logged: a.logged, suppressed: a.suppressed }, { start: b.start, end: b.end, logged: b.logged, suppressed: b.suppressed }] };
  }
  // counter1: modern kernel; nstat log 10:00Z–12:00Z, TCPTimeWaitOverflow 500 at the first dump, +N 11:00–11:15
  {
    const host = 'counter1'; const tz = 'UTC'; const k = '5.14.0-362.el9.x86_64';
    const log: string[] = [];
    let v = 500;
    let opens = 1_000_000;
    let delta = 0;
    for (let ms = at(10); ms <= at(12); ms += MIN) {
      if (ms > at(10)) {
        const hot = ms > at(10, 55) && ms <= at(11, 15);
        opens += (hot ? 1800 : 100) * 60;
        if (ms > at(11) && ms <= at(11, 15)) { v += 400; delta += 400; }
      }
      log.push(dateOutput(ms, 'UTC', 'UTC'), '#kernel', `TcpActiveOpens ${opens} 0.0`, `TcpPassiveOpens 4000 0.0`, `TcpExtTCPTimeWaitOverflow ${v} 0.0`, '');
    }
    writeFileSync(join(dir, `${host}-nstat.log`), log.join('\n'));
    bundles.push([spec(host, tz, 'UTC', '+0000', k, { tcpExt: { TW: 100000, TCPTimeWaitOverflow: v } }), host]);
    truth[host] = { dated: { start: isoUtc(at(11) * 1000), end: isoUtc(at(11, 15) * 1000), counter_delta: delta, logged: 0,
      trigger: { metric: 'active_opens_per_s', lead_seconds: 300 } }, before_first_snapshot: 500 };
  }
  // nat1: Asia/Tokyo (JST, UTC+9); conntrack full 03:00Z–03:05Z
  {
    const host = 'nat1'; const tz = 'Asia/Tokyo'; const k = '4.18.0-513.el8.x86_64';
    const b = bursts(host, tz, at(3), at(3, 5), 'nf_conntrack: nf_conntrack: table full, dropping packet');
    bundles.push([spec(host, tz, 'JST', '+0900', k, {
      messages: b.lines, sysctls: { ...BASE, 'net.ipv4.tcp_max_tw_buckets': '65536', 'net.netfilter.nf_conntrack_max': '262144' },
      nfConntrack: { count: 262144, max: 262144, drop: 9321 },
    }), host]);
    truth[host] = { kind: 'conntrack_table_full', start: b.start, end: b.end, logged: b.logged, suppressed: b.suppressed,
      limit: { name: 'net.netfilter.nf_conntrack_max', value: 262144, peak: 262144 }, recommendations: ['raise-conntrack-max', 'conntrack-timeouts'] };
  }
  // quiet1: healthy
  {
    const host = 'quiet1'; const k = '5.14.0-362.el9.x86_64';
    bundles.push([spec(host, 'UTC', 'UTC', '+0000', k, { tcpExt: { TW: 100, TCPTimeWaitOverflow: 0, ListenOverflows: 0 } }), host]);
    truth[host] = { findings: 0 };
  }
  // norate1: logged overflow, no rate data anywhere
  {
    const host = 'norate1'; const tz = 'UTC'; const k = '2.6.32-754.el6.x86_64';
    const b = bursts(host, tz, at(16), at(16, 3));
    bundles.push([spec(host, tz, 'UTC', '+0000', k, { messages: b.lines }), host]);
    truth[host] = { kind: 'tcp_timewait_overflow', start: b.start, end: b.end, logged: b.logged, trigger: null };
  }
  for (const [s, host] of bundles) {
    const name = `sosreport-${host}-2026-04-14-scenari`;
    writeFileSync(join(dir, `${name}.tar.xz`), await makeTarball(sosreportEntries(s, name), 'xz'));
  }
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return truth;
}
