/**
 * One host's log events seen through five copies, with the exact truth of which line is which
 * event (issue 16, log_timeline): a sosreport (var/log/messages in local RFC 3164 time, the
 * journalctl short text, dmesg with printk stamps and proc/stat btime), a journal export of the
 * same journal (µs), and a central rsyslog copy (RFC 3339, µs) that covers only the second half
 * of the day. Kernel lines repeat identically within a second (an overflow burst); ordinary lines
 * repeat identically an hour apart (cron); dmesg holds only the kernel lines of the last hours
 * (the ring buffer), and the journal export starts later than messages (a vacuumed journal).
 */
import { makeTarball } from './tarball.js';
import { dmesgStamp, isoLocal, sosreportEntries, syslogStamp, type SosSpec } from './sos.js';

const MIN = 60_000;
const HOST = 'tl1';
const TZ = 'America/Chicago';

export interface TimelineEvent {
  /** True instant (µs since the epoch). */
  us: number;
  ident: string;
  pid: number | null;
  message: string;
  kernel: boolean;
  /** Which copies hold it. */
  in: { messages: boolean; journalText: boolean; dmesg: boolean; export: boolean; central: boolean };
}

export function timelineCase() {
  const boot = Date.UTC(2026, 5, 1, 6, 0, 0);
  const day = Date.UTC(2026, 5, 2, 0, 0, 0);
  const collected = Date.UTC(2026, 5, 2, 23, 30, 0);
  const exportFrom = day + 3 * 60 * MIN; // the journal export starts at 03:00Z
  const centralFrom = day + 12 * 60 * MIN; // the central copy covers 12:00Z onwards
  const dmesgFrom = day + 18 * 60 * MIN; // the ring buffer keeps the kernel lines of the last hours
  const events: TimelineEvent[] = [];
  const add = (ms: number, frac: number, ident: string, pid: number | null, message: string) => {
    const us = ms * 1000 + frac;
    const kernel = ident === 'kernel';
    events.push({
      us, ident, pid, message, kernel,
      in: { messages: true, journalText: true, dmesg: kernel && ms >= dmesgFrom, export: ms >= exportFrom, central: ms >= centralFrom },
    });
  };
  let n = 0;
  for (let h = 0; h < 24; h++) {
    const hour = day + h * 60 * MIN;
    if (hour >= collected) break;
    add(hour + 1000, 250_000, 'CROND', 4000 + h, '(root) CMD (run-parts /etc/cron.hourly)'); // identical text every hour
    add(hour + 17 * 1000, 600_000, 'sshd', 900 + h, `Accepted publickey for ops from 10.3.0.${h} port ${50000 + h} ssh2`);
    if (h % 3 === 1) {
      // an overflow burst: 10 identical kernel lines in one second, then a ratelimit summary
      const at = hour + 30 * MIN + 5000;
      for (let i = 0; i < 10; i++) add(at, 100_000 + i * 70_000, 'kernel', null, 'TCP: time wait bucket table overflow');
      add(at + 6000, 10_000, 'kernel', null, `net_ratelimit: ${300 + h} callbacks suppressed`);
      n++;
    }
    add(hour + 45 * MIN, 999_999, 'systemd', 1, `Started Session ${h} of user ops.`);
  }
  events.sort((a, b) => a.us - b.us);

  const ms = (e: TimelineEvent) => Math.floor(e.us / 1000);
  const messages = events.filter((e) => e.in.messages).map((e) => `${syslogStamp(ms(e), TZ)} ${HOST} ${e.ident}${e.pid != null ? `[${e.pid}]` : ''}: ${e.message}`);
  const journalText = ['-- Logs begin at Mon 2026-06-01 01:00:04 CDT, end at Tue 2026-06-02 18:29:58 CDT. --',
    ...events.filter((e) => e.in.journalText).map((e) => {
      const stamp = syslogStamp(ms(e), TZ).replace(/^(\w{3}) +(\d{1,2}) /, (_m, mo: string, d: string) => `${mo} ${d.padStart(2, '0')} `);
      return `${stamp} ${HOST} ${e.ident}${e.pid != null ? `[${e.pid}]` : ''}: ${e.message}`;
    })];
  // printk time: a few µs before journald / syslogd received it
  const printk = (e: TimelineEvent) => e.us - 40 - boot * 1000;
  const dmesg = [`${dmesgStamp(0)} Linux version 5.14.0-362.el9.x86_64`,
    ...events.filter((e) => e.in.dmesg).map((e) => `${dmesgStamp(printk(e))} ${e.message}`)];
  const bootId = '7c1e2f3a4b5c4d6e8f9a0b1c2d3e4f50';
  const exportText = events.filter((e) => e.in.export).map((e) => {
    const f: Record<string, string> = {
      __REALTIME_TIMESTAMP: String(e.us), __MONOTONIC_TIMESTAMP: String(e.us - boot * 1000), _BOOT_ID: bootId, _HOSTNAME: HOST,
      _TRANSPORT: e.kernel ? 'kernel' : 'syslog', SYSLOG_IDENTIFIER: e.ident, PRIORITY: e.kernel ? '6' : '5', MESSAGE: e.message,
    };
    if (e.pid != null) f._PID = String(e.pid);
    if (e.kernel) f._SOURCE_MONOTONIC_TIMESTAMP = String(printk(e));
    return Object.entries(f).map(([k, v]) => `${k}=${v}`).join('\n') + '\n\n';
  }).join('');
  const central = events.filter((e) => e.in.central).map((e) => `${isoLocal(e.us, TZ)} ${HOST} ${e.ident}${e.pid != null ? `[${e.pid}]` : ''}: ${e.message}`);

  const spec: SosSpec = {
    host: HOST, tz: TZ, tzAbbrev: 'CDT', tzOffsetLabel: '-0500', kernel: '5.14.0-362.el9.x86_64', release: 'Red Hat Enterprise Linux release 9.3 (Plow)',
    sosVersion: '4.5.6', bootUtcMs: boot, collectedUtcMs: collected, messages, dmesg, journal: journalText,
    sysctls: { 'net.ipv4.tcp_max_tw_buckets': '16384' },
    sockstat: { inuse: 10, orphan: 0, tw: 100, alloc: 12, mem: 3 },
    tcpExt: { TW: 1000 }, tcp: { ActiveOpens: 5000, PassiveOpens: 300, CurrEstab: 10 },
    sockets: [], slab: [{ name: 'tw_sock_TCP', active: 100, num: 120, size: 256 }], pid: 1,
  };
  const copies = (e: TimelineEvent) => Object.values(e.in).filter(Boolean).length;
  const truth = {
    host: HOST,
    events: events.length,
    kernel_events: events.filter((e) => e.kernel).length,
    bursts: n,
    copies_histogram: events.reduce<Record<number, number>>((h, e) => ((h[copies(e)] = (h[copies(e)] ?? 0) + 1), h), {}),
    lines: { messages: messages.length, journal_text: journalText.length - 1, dmesg: dmesg.length - 1, export: events.filter((e) => e.in.export).length, central: central.length },
  };
  return { spec, files: { export: exportText, central: central.join('\n') + '\n' }, events, truth };
}

/** The case as files: the sosreport archive, the journal export and the central copy. */
export async function timelineFiles() {
  const c = timelineCase();
  const name = 'sosreport-tl1-2026-06-02-tmlnabc';
  return {
    bundle: { name: `${name}.tar.xz`, data: await makeTarball(sosreportEntries(c.spec, name), 'xz') },
    export: { name: 'tl1-journal.export', data: Buffer.from(c.files.export) },
    central: { name: 'central-messages.log', data: Buffer.from(c.files.central) },
    events: c.events,
    truth: c.truth,
  };
}
