/**
 * Generated multi-source incidents with known truth, for end-to-end tests of the timeline:
 *
 * - legacy1 (Europe/Berlin, 2.6.32 kernel that still logs the TIME_WAIT line): a sosreport taken
 *   mid-incident, a central rsyslog copy (RFC 3339) covering the whole day and other hosts, a
 *   slabinfo snapshot log and sar text. Only the central copy covers the end of the episode.
 * - modern7 (America/New_York, 5.14 kernel that logs nothing): a sosreport, a journal export
 *   (JSON and export format), an nstat snapshot log and an ss snapshot log. The overflow shows
 *   only as TcpExtTCPTimeWaitOverflow deltas; one SYN-flood line is in the journal export and
 *   in the bundle's journalctl text and must count once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTarball } from './tarball.js';
import { dateOutput, dmesgStamp, isoLocal, sosreportEntries, syslogStamp, type SosSpec } from './sos.js';
import { isoUtc, localFields } from '../time.js';

const p2 = (n: number) => String(n).padStart(2, '0');
const MIN = 60_000;

const SYSCTLS: Record<string, string> = {
  'net.core.somaxconn': '128', 'net.ipv4.ip_local_port_range': '32768\t61000', 'net.ipv4.tcp_tw_reuse': '0',
  'net.ipv4.tcp_timestamps': '1', 'net.ipv4.tcp_fin_timeout': '60', 'net.ipv4.tcp_max_orphans': '65536',
};

function slabDump(tw: number): string {
  const per = 21;
  const slabs = Math.ceil(tw / per);
  return [
    'slabinfo - version: 2.1',
    '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
    `tw_sock_TCP       ${String(tw).padStart(6)} ${String(slabs * per).padStart(6)}    192   21    1 : tunables  120   60    8 : slabdata ${String(slabs).padStart(6)} ${String(slabs).padStart(6)}      0`,
    `TCP                  330    352   1728    4    2 : tunables   24   12    8 : slabdata     88     88      0`,
  ].join('\n');
}

/** legacy1: the older-kernel incident. */
export function legacyIncident() {
  const host = 'legacy1';
  const tz = 'Europe/Berlin';
  const boot = Date.UTC(2026, 1, 1, 6, 0, 0);
  const t0 = Date.UTC(2026, 1, 10, 10, 0, 5);
  const bursts = 161; // every 15 s for 40 minutes: 10:00:05Z … 10:40:05Z
  const collected = Date.UTC(2026, 1, 10, 10, 20, 2);
  const limit = 65536;
  const messages: string[] = [];
  const dmesg: string[] = [`${dmesgStamp(0)} Linux version 2.6.32-754.35.1.el6.x86_64`];
  const central: string[] = [];
  const centralLine = (ms: number, h: string, tag: string, msg: string, frac = 0) =>
    central.push(`${isoLocal(ms * 1000 + frac, tz)} ${h} ${tag}: ${msg}`);
  centralLine(Date.UTC(2026, 1, 9, 23, 0, 1), 'other9', 'sshd[77]', 'Accepted publickey for ops from 10.9.0.1 port 41000 ssh2');
  centralLine(Date.UTC(2026, 1, 10, 9, 0, 0), host, 'crond[311]', '(root) CMD (run-parts /etc/cron.hourly)');
  let logged = 0;
  let suppressed = 0;
  for (let k = 0; k < bursts; k++) {
    const at = t0 + k * 15_000;
    const inBundle = at <= collected - 2_000;
    if (k > 0) {
      const n = 300 + (k % 13) * 11;
      suppressed += n;
      const msg = `net_ratelimit: ${n} callbacks suppressed`;
      centralLine(at, host, 'kernel', msg, 0);
      if (inBundle) messages.push(`${syslogStamp(at, tz)} ${host} kernel: ${msg}`);
      if (inBundle && at >= collected - 5 * MIN) dmesg.push(`${dmesgStamp((at - boot) * 1000 + 7)} ${msg}`);
    }
    for (let i = 0; i < 10; i++) {
      logged++;
      const msg = 'TCP: time wait bucket table overflow';
      centralLine(at, host, 'kernel', msg, i * 900);
      if (inBundle) messages.push(`${syslogStamp(at, tz)} ${host} kernel: ${msg}`);
      if (inBundle && at >= collected - 5 * MIN) dmesg.push(`${dmesgStamp((at - boot) * 1000 + i * 900 + 11)} ${msg}`);
    }
    if (k % 40 === 7) centralLine(at + 3_000, 'other9', 'kernel', 'nf_conntrack: falling back to vmalloc.');
  }
  centralLine(Date.UTC(2026, 1, 10, 22, 59, 0), host, 'crond[311]', '(root) CMD (run-parts /etc/cron.hourly)');

  // slabinfo log: one dump a minute 09:30Z–11:00Z, `date` stamps in CET.
  const slabLog: string[] = [];
  const twAt = (ms: number) => {
    if (ms < t0 - 10 * MIN) return 5000;
    if (ms < t0) return Math.min(limit, 5000 + Math.round(((ms - (t0 - 10 * MIN)) / (10 * MIN)) * (limit - 5000)));
    if (ms <= t0 + 40 * MIN) return limit;
    return Math.max(5000, limit - Math.round(((ms - t0 - 40 * MIN) / (5 * MIN)) * (limit - 5000)));
  };
  for (let ms = Date.UTC(2026, 1, 10, 9, 30, 0); ms <= Date.UTC(2026, 1, 10, 11, 0, 0); ms += MIN) {
    slabLog.push(dateOutput(ms, tz, 'CET'), slabDump(twAt(ms)), '');
  }

  // sar -n TCP,ETCP,SOCK for the day, 10-minute interval ends, local 24 h clock.
  const sar: string[] = [`Linux 2.6.32-754.35.1.el6.x86_64 (${host}) \t02/10/26 \t_x86_64_\t(8 CPU)`, ''];
  const ends: number[] = [];
  for (let ms = Date.UTC(2026, 1, 9, 23, 10, 1); ms <= Date.UTC(2026, 1, 10, 22, 50, 1); ms += 10 * MIN) ends.push(ms);
  const local = (ms: number) => { const t = localFields(ms, tz); return `${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`; };
  const active = (ms: number) => (ms > t0 - 12 * MIN && ms <= t0 + 42 * MIN ? 2150.4 : 95.2);
  sar.push(`${local(ends[0]! - 10 * MIN)}     active/s passive/s    iseg/s    oseg/s`);
  for (const e of ends) sar.push(`${local(e)}     ${active(e).toFixed(2).padStart(8)}     12.03  40211.55  39870.02`);
  sar.push('Average:        165.10     12.03  40211.55  39870.02', '');
  sar.push(`${local(ends[0]! - 10 * MIN)}     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw`);
  for (const e of ends) sar.push(`${local(e)}       1840       312         9         0         0 ${String(twAt(e)).padStart(9)}`);
  sar.push('Average:         1846       315         9         0         0     28026', '');
  // The same sa file as `sadf -d -- -n TCP,SOCK` prints it (UTC stamps, one header per activity):
  // not in the case folder; tests give it beside the sar text (an overlap, loaded once).
  const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const sadf: string[] = ['# hostname;interval;timestamp;active/s;passive/s;iseg/s;oseg/s'];
  for (const e of ends) sadf.push(`${host};600;${utc(e)};${active(e).toFixed(2)};12.03;40211.55;39870.02`);
  sadf.push('# hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw');
  for (const e of ends) sadf.push(`${host};600;${utc(e)};1840;312;9;0;0;${twAt(e)}`);

  const spec: SosSpec = {
    host, tz, tzAbbrev: 'CET', tzOffsetLabel: '+0100', kernel: '2.6.32-754.35.1.el6.x86_64',
    release: 'Red Hat Enterprise Linux Server release 6.10 (Santiago)', sosVersion: '3.2',
    bootUtcMs: boot, collectedUtcMs: collected, messages, dmesg,
    sysctls: { ...SYSCTLS, 'net.ipv4.tcp_max_tw_buckets': String(limit), 'net.ipv4.tcp_tw_recycle': '1' },
    sockstat: { inuse: 312, orphan: 4, tw: limit, alloc: 330, mem: 1196 },
    tcpExt: { TW: 8790001, ListenOverflows: 0, ListenDrops: 0 },
    tcp: { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1, ActiveOpens: 8841230, PassiveOpens: 120455, CurrEstab: 310 },
    sockets: [{ state: 'LISTEN', local: '0.0.0.0:22', peer: '0.0.0.0:*' }],
    slab: [{ name: 'tw_sock_TCP', active: limit, num: limit + 20, size: 192 }],
    pid: 2211,
  };
  const truth = {
    host, kind: 'tcp_timewait_overflow', start: isoUtc(t0 * 1000), end: isoUtc((t0 + (bursts - 1) * 15_000) * 1000 + 9 * 900),
    logged, suppressed, limit: { name: 'net.ipv4.tcp_max_tw_buckets', value: limit, peak: limit },
    trigger_metric: 'TcpActiveOpens', collected_at: isoUtc(collected * 1000),
  };
  return { spec, files: { central: central.join('\n') + '\n', slabLog: slabLog.join('\n'), sar: sar.join('\n') + '\n', sadf: sadf.join('\n') + '\n' }, truth };
}

interface JournalEntry { [k: string]: string }

function exportEntry(e: JournalEntry): string {
  return Object.entries(e).map(([k, v]) => `${k}=${v}`).join('\n') + '\n\n';
}

/** modern7: the modern-kernel incident, seen only in counters. */
export function modernIncident() {
  const host = 'modern7';
  const tz = 'America/New_York';
  const boot = Date.UTC(2026, 1, 3, 12, 0, 0);
  const bootId = '0d5c6f2a9b1e4c7d8e3f2a1b0c9d8e7f';
  const collected = Date.UTC(2026, 1, 10, 16, 0, 0);
  const entries: JournalEntry[] = [];
  const journalText: string[] = [`-- Logs begin at Tue 2026-02-03 07:00:04 EST, end at Tue 2026-02-10 10:59:58 EST. --`];
  const add = (ms: number, ident: string, msg: string, kernel: boolean, pid?: number) => {
    const us = ms * 1000 + 123;
    const e: JournalEntry = {
      __REALTIME_TIMESTAMP: String(us), __MONOTONIC_TIMESTAMP: String((ms - boot) * 1000 + 123), _BOOT_ID: bootId,
      _HOSTNAME: host, _TRANSPORT: kernel ? 'kernel' : 'syslog', SYSLOG_IDENTIFIER: ident, PRIORITY: kernel ? '6' : '5',
      MESSAGE: msg,
    };
    if (kernel) e._SOURCE_MONOTONIC_TIMESTAMP = String((ms - boot) * 1000 + 100);
    if (pid) e._PID = String(pid);
    entries.push(e);
    // journalctl -o short: like syslog, but the day is zero-padded
    const stamp = syslogStamp(ms, tz).replace(/^(\w{3}) +(\d{1,2}) /, (_m, mo: string, d: string) => `${mo} ${d.padStart(2, '0')} `);
    journalText.push(`${stamp} ${host} ${ident}${pid ? `[${pid}]` : ''}: ${msg}`);
  };
  add(Date.UTC(2026, 1, 10, 13, 55, 0), 'sshd', 'Accepted publickey for ops from 10.3.0.9 port 50122 ssh2', false, 812);
  add(Date.UTC(2026, 1, 10, 14, 31, 7), 'kernel', 'TCP: request_sock_TCP: Possible SYN flooding on port 8443. Sending cookies.  Check SNMP counters.', true);
  add(Date.UTC(2026, 1, 10, 15, 10, 0), 'systemd', 'Started Session 9 of user ops.', false, 1);

  // nstat -az log: a dump a minute 14:00Z–15:30Z with `date -u` stamps.
  const nstat: string[] = [];
  let overflow = 0;
  let opens = 5_000_000;
  const steps: { from: string; to: string; inc: number }[] = [];
  const rateAt = (ms: number) => (ms > Date.UTC(2026, 1, 10, 14, 25, 0) && ms <= Date.UTC(2026, 1, 10, 14, 55, 0) ? 2400 : 110);
  let prev = Date.UTC(2026, 1, 10, 14, 0, 0);
  for (let ms = prev; ms <= Date.UTC(2026, 1, 10, 15, 30, 0); ms += MIN) {
    if (ms > prev) {
      opens += rateAt(ms) * 60;
      // overflows while the rate exceeds the sustainable 65536/60 ≈ 1092 closes/s
      const inc = ms > Date.UTC(2026, 1, 10, 14, 30, 0) && ms <= Date.UTC(2026, 1, 10, 14, 50, 0) ? 1000 + ((ms / MIN) % 7) * 13 : 0;
      if (inc) steps.push({ from: isoUtc(prev * 1000)!, to: isoUtc(ms * 1000)!, inc });
      overflow += inc;
    }
    nstat.push(dateOutput(ms, 'UTC', 'UTC'), '#kernel',
      `TcpActiveOpens                  ${opens}                0.0`,
      `TcpPassiveOpens                 ${20_000 + Math.floor((ms - prev) / MIN)}                0.0`,
      `TcpExtTW                        ${opens - 4000}                0.0`,
      `TcpExtTCPTimeWaitOverflow       ${overflow}                0.0`, '');
    prev = ms;
  }
  // ss -tan log every 5 minutes: TIME-WAIT towards the payment API dominates.
  const ss: string[] = [];
  for (let ms = Date.UTC(2026, 1, 10, 14, 0, 0); ms <= Date.UTC(2026, 1, 10, 15, 30, 0); ms += 5 * MIN) {
    ss.push(dateOutput(ms, 'UTC', 'UTC'), 'State      Recv-Q Send-Q     Local Address:Port      Peer Address:Port  Process', 'LISTEN     0      511              0.0.0.0:443            0.0.0.0:*');
    const n = rateAt(ms) > 1000 ? 400 : 40;
    for (let i = 0; i < n; i++) ss.push(`TIME-WAIT  0      0            10.7.0.7:${40000 + i}      ${i % 10 < 9 ? '203.0.113.5:8443' : '203.0.113.99:5432'}`);
    ss.push('');
  }
  const spec: SosSpec = {
    host, tz, tzAbbrev: 'EST', tzOffsetLabel: '-0500', kernel: '5.14.0-362.8.1.el9_3.x86_64', release: 'Red Hat Enterprise Linux release 9.3 (Plow)',
    sosVersion: '4.5.6', bootUtcMs: boot, collectedUtcMs: collected,
    messages: [], dmesg: [`${dmesgStamp(0)} Linux version 5.14.0-362.8.1.el9_3.x86_64`], journal: journalText,
    sysctls: { ...SYSCTLS, 'net.ipv4.tcp_max_tw_buckets': '65536', 'net.ipv4.tcp_tw_reuse': '2', 'net.ipv4.ip_local_port_range': '32768\t60999' },
    sockstat: { inuse: 120, orphan: 0, tw: 3900, alloc: 140, mem: 300 },
    tcpExt: { TW: opens - 4000, ListenOverflows: 0, ListenDrops: 0, TCPTimeWaitOverflow: overflow },
    tcp: { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1, ActiveOpens: opens, PassiveOpens: 20_090, CurrEstab: 118 },
    sockets: [{ state: 'LISTEN', local: '0.0.0.0:443', peer: '0.0.0.0:*' }],
    slab: [{ name: 'tw_sock_TCP', active: 3950, num: 4000, size: 256 }],
    pid: 1,
  };
  const truth = {
    host, kind: 'tcp_timewait_overflow', start: steps[0]!.from, end: steps[steps.length - 1]!.to,
    counter_delta: overflow, logged: 0, limit: { name: 'net.ipv4.tcp_max_tw_buckets', value: 65536 },
    top_peer: { peer: '203.0.113.5:8443', share: 0.9 }, syn_flood_lines: 1,
  };
  const json = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
  const exp = entries.map(exportEntry).join('');
  return { spec, files: { json, export: exp, nstat: nstat.join('\n'), ss: ss.join('\n') }, truth };
}

/** Write both incidents under `dir` (a case folder as a customer would send it) and return the truth. */
export async function writeIncidents(dir: string) {
  const L = legacyIncident();
  const M = modernIncident();
  mkdirSync(join(dir, 'legacy1'), { recursive: true });
  mkdirSync(join(dir, 'central'), { recursive: true });
  mkdirSync(join(dir, 'modern7'), { recursive: true });
  const lName = 'sosreport-legacy1-2026-02-10-lgcyabc';
  const mName = 'sosreport-modern7-2026-02-10-mdrnxyz';
  const files = {
    legacyBundle: join(dir, `${lName}.tar.xz`),
    central: join(dir, 'central', 'messages-20260211.gz'),
    slabLog: join(dir, 'legacy1', 'slab.log'),
    sar: join(dir, 'legacy1', 'sar10.txt'),
    modernBundle: join(dir, `${mName}.tar.xz`),
    journalJson: join(dir, 'modern7', 'journal.json'),
    journalExport: join(dir, 'modern7', 'journal.export'),
    nstat: join(dir, 'modern7', 'nstat.log'),
    ss: join(dir, 'modern7', 'ss.log'),
  };
  writeFileSync(files.legacyBundle, await makeTarball(sosreportEntriesFor(L.spec, lName), 'xz'));
  writeFileSync(files.central, gzipSync(L.files.central));
  writeFileSync(files.slabLog, L.files.slabLog);
  writeFileSync(files.sar, L.files.sar);
  writeFileSync(files.modernBundle, await makeTarball(sosreportEntriesFor(M.spec, mName), 'xz'));
  writeFileSync(files.journalJson, M.files.json);
  writeFileSync(files.journalExport, M.files.export);
  writeFileSync(files.nstat, M.files.nstat);
  writeFileSync(files.ss, M.files.ss);
  const truth = { legacy1: L.truth, modern7: M.truth };
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return { files, truth };
}

function sosreportEntriesFor(spec: SosSpec, name: string) {
  return sosreportEntries(spec, name);
}
