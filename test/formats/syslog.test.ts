import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/formats/kit/lines.js';
import { createSyslogParser, looksLikeJournalShort, looksLikeSyslog } from '../../src/formats/syslog/parser.js';
import type { LogEventRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD as REAL, describeRealworld } from '../helpers.js';

const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'messages', host: 'fallback', tz: 'Europe/Berlin', referenceTimeMs: Date.UTC(2026, 2, 15, 12), ...over,
});
const parse = (text: string, over: Partial<ParseContext> = {}) => parseText(createSyslogParser(ctx(over)), text);
const brief = (r: LogEventRow) => ({ ...r, ts: isoUtc(r.ts) });
const row = (over: Partial<ReturnType<typeof brief>>) => ({
  host: 'web01', ts: null, ts_quality: 'syslog-year-inferred', boot_id: null, mono_us: null, ident: 'kernel', pid: null,
  unit: null, priority: null, facility: null, transport: 'kernel', message: '', line_no: 0, ...over,
});

describe('RFC 3164 lines', () => {
  it('reads PRI, host, tags, printk stamps and host-less lines; a truncated first line is an issue', () => {
    const text = [
      'obs kernel: [38775494.392631] nf_conntrack: table full, dropping packet',
      'Mar  9 14:02:11 web01 kernel: [ 8123.456789] TCP: time wait bucket table overflow',
      '<4>Mar  9 14:02:12 web02 kernel: TCP: time wait bucket table overflow',
      'Mar 10 08:00:00 web01 sshd[812]: Accepted publickey for root',
      'Apr 20 22:02:55 kernel: net_ratelimit: 482 callbacks suppressed',
    ].join('\n');
    const r = parse(text);
    expect(r.rows.map(brief)).toEqual([
      row({ ts: '2026-03-09T13:02:11Z', mono_us: 8123456789, message: 'TCP: time wait bucket table overflow', line_no: 2 }),
      row({ host: 'web02', ts: '2026-03-09T13:02:12Z', priority: 4, facility: 0, message: 'TCP: time wait bucket table overflow', line_no: 3 }),
      row({ ts: '2026-03-10T07:00:00Z', ident: 'sshd', pid: 812, transport: 'syslog', message: 'Accepted publickey for root', line_no: 4 }),
      // April 20 is after the reference date (2026-03-15): the previous year, in CEST.
      row({ host: 'fallback', ts: '2025-04-20T20:02:55Z', message: 'net_ratelimit: 482 callbacks suppressed', line_no: 5 }),
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['bad-line', 1]]);
    expect([r.linesRead, r.linesSkipped]).toEqual([5, 1]);
  });

  it('infers the year across New Year from the reference date (one day of tolerance)', () => {
    const text = [
      'Dec 31 23:59:58 web01 kernel: A',
      'Jan  1 00:00:01 web01 kernel: B',
      'Jan  6 09:00:00 web01 kernel: C',
      'Jan  7 09:00:00 web01 kernel: D',
    ].join('\n');
    const r = parse(text, { tz: 'UTC', referenceTimeMs: Date.UTC(2026, 0, 5, 10) });
    expect(r.rows.map((x) => [x.message, isoUtc(x.ts)])).toEqual([
      ['A', '2025-12-31T23:59:58Z'],
      ['B', '2026-01-01T00:00:01Z'],
      ['C', '2026-01-06T09:00:00Z'],
      ['D', '2025-01-07T09:00:00Z'],
    ]);
  });

  it('skips year-less lines without a reference time, with one issue per file', () => {
    const text = [
      'Mar  9 14:02:11 web01 kernel: A',
      '  wrapped part of A',
      'Mar  9 14:02:12 web01 kernel: B',
      '2026-03-09T14:02:13+01:00 web01 kernel: C',
    ].join('\n');
    const r = parse(text, { referenceTimeMs: null });
    expect(r.rows.map((x) => [x.message, isoUtc(x.ts), x.ts_quality])).toEqual([['C', '2026-03-09T13:02:13Z', 'exact']]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['no-year', 1]]);
    expect(r.linesSkipped).toBe(3);
  });

  it('follows file order through the repeated autumn hour', () => {
    const text = [
      'Oct 25 01:59:59 h k: a',
      'Oct 25 02:30:00 h k: b',
      'Oct 25 02:59:59 h k: c',
      'Oct 25 02:00:01 h k: d',
      'Oct 25 02:30:00 h k: e',
      'Oct 25 03:00:00 h k: f',
    ].join('\n');
    const r = parse(text, { referenceTimeMs: Date.UTC(2026, 9, 26) });
    expect(r.rows.map((x) => [x.message, isoUtc(x.ts)])).toEqual([
      ['a', '2026-10-24T23:59:59Z'],
      ['b', '2026-10-25T00:30:00Z'],
      ['c', '2026-10-25T00:59:59Z'],
      ['d', '2026-10-25T01:00:01Z'],
      ['e', '2026-10-25T01:30:00Z'],
      ['f', '2026-10-25T02:00:00Z'],
    ]);
  });

  it('marks local stamps assumed-utc when the zone is a guess, strips NULs, skips huge lines', () => {
    const text = [
      'Mar  9 14:02:11 web01 kernel: TCP:\0 time wait bucket table overflow \uFFFD',
      'x'.repeat((1 << 20) + 1),
    ].join('\n');
    const r = parse(text, { tz: 'UTC', tzAssumed: true });
    expect(r.rows.map(brief)).toEqual([
      row({ ts: '2026-03-09T14:02:11Z', ts_quality: 'assumed-utc', message: 'TCP: time wait bucket table overflow \uFFFD', line_no: 1 }),
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['line-too-long', 2]]);
  });
});

describe('journalctl short formats', () => {
  it('reads short-precise with separators: -- Boot sets boot_id, -- Reboot clears it; indented lines continue', () => {
    const text = [
      '-- Logs begin at Mon 2026-03-09 11:46:50 CET, end at Mon 2026-03-09 14:05:00 CET. --',
      'Mar 09 14:02:11.204511 web01 kernel: TCP: time wait bucket table overflow',
      '-- Boot 6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b --',
      'Mar 09 14:03:00.000001 web01 app[77]: first line',
      '                                      continued here',
      '-- Reboot --',
      'Mar 09 14:04:00.5 web01 kernel: after reboot',
      '-- No entries --',
    ].join('\n');
    const r = parse(text);
    expect(r.rows.map(brief)).toEqual([
      row({ ts: '2026-03-09T13:02:11.204511Z', message: 'TCP: time wait bucket table overflow', line_no: 2 }),
      row({ ts: '2026-03-09T13:03:00.000001Z', boot_id: '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b', ident: 'app', pid: 77,
        transport: 'syslog', message: 'first line continued here', line_no: 4 }),
      row({ ts: '2026-03-09T13:04:00.5Z', message: 'after reboot', line_no: 7 }),
    ]);
    expect(r.issues).toEqual([]);
    expect([r.linesRead, r.linesSkipped]).toEqual([8, 0]);
  });

  it('reads short-iso, short-iso-precise, short-full, short-unix and short-monotonic', () => {
    const text = [
      '2026-03-09T14:02:11+0100 web01 kernel: iso',
      '2026-03-09T14:02:11.204511+01:00 web01 kernel: iso-precise',
      'Mon 2026-03-09 14:02:11 CET web01 kernel: full',
      'Mon 2026-03-09 13:02:11.5 UTC web01 kernel: full-utc',
      '1773061331.204511 web01 kernel: unix',
      '[ 8123.456789] web01 kernel: mono',
    ].join('\n');
    const r = parse(text, { bootTimeMs: Date.UTC(2026, 2, 9, 10, 46, 0) });
    expect(r.rows.map((x) => [x.message, isoUtc(x.ts), x.ts_quality, x.mono_us, x.host])).toEqual([
      ['iso', '2026-03-09T13:02:11Z', 'exact', null, 'web01'],
      ['iso-precise', '2026-03-09T13:02:11.204511Z', 'exact', null, 'web01'],
      ['full', '2026-03-09T13:02:11Z', 'local+tz', null, 'web01'],
      ['full-utc', '2026-03-09T13:02:11.5Z', 'exact', null, 'web01'],
      ['unix', '2026-03-09T13:02:11.204511Z', 'exact', null, 'web01'],
      ['mono', '2026-03-09T13:01:23.456789Z', 'monotonic+boot', 8123456789, 'web01'],
    ]);
    const noBoot = parse('[ 8123.456789] web01 kernel: mono');
    expect(noBoot.rows.map(brief)).toEqual([row({ ts_quality: null, mono_us: 8123456789, message: 'mono', line_no: 1 })]);
  });
});

describe('RFC 3339, RFC 5424, OpenWrt logread, fragments', () => {
  it('reads RFC 3339 and RFC 5424 (structured data, NILVALUE); a NIL timestamp is an issue', () => {
    const text = [
      '2026-03-09T14:02:11.204511+01:00 web01 kernel: TCP: time wait bucket table overflow',
      '<6>1 2026-03-09T14:02:11.204511+01:00 web01 kernel - - - TCP: time wait bucket table overflow',
      '<165>1 2026-03-09T13:02:12Z web02 app 812 ID47 [exampleSDID@32473 iut="3" eventSource="App\\] x"][b k="v"] An application event',
      '<13>1 - web01 app - - - no stamp',
    ].join('\n');
    const r = parse(text);
    expect(r.rows.map(brief)).toEqual([
      row({ ts: '2026-03-09T13:02:11.204511Z', ts_quality: 'exact', message: 'TCP: time wait bucket table overflow', line_no: 1 }),
      row({ ts: '2026-03-09T13:02:11.204511Z', ts_quality: 'exact', priority: 6, facility: 0,
        message: 'TCP: time wait bucket table overflow', line_no: 2 }),
      row({ host: 'web02', ts: '2026-03-09T13:02:12Z', ts_quality: 'exact', ident: 'app', pid: 812, priority: 5, facility: 20,
        transport: 'syslog', message: 'An application event', line_no: 3 }),
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['no-timestamp', 4]]);
  });

  it('reads OpenWrt logread (year, facility.level, no host); a bare fragment has no timestamp', () => {
    const text = [
      'kern.info kernel: [31617.809376] TCP: request_sock_TCP: Possible SYN flooding on port 5000. Sending cookies.  Check SNMP counters.',
      'Sun Jan 15 21:18:04 2023 kern.info kernel: [15687.115716] TCP: too many orphaned sockets',
      'Sun Jan 15 21:18:05 2023 daemon.err dnsmasq[1234]: failed to send packet',
    ].join('\n');
    const r = parse(text, { host: 'router', tz: 'Asia/Shanghai' });
    expect(r.rows.map(brief)).toEqual([
      row({ host: 'router', ts: '2023-01-15T13:18:04Z', ts_quality: 'local+tz', mono_us: 15687115716, priority: 6, facility: 0,
        message: 'TCP: too many orphaned sockets', line_no: 2 }),
      row({ host: 'router', ts: '2023-01-15T13:18:05Z', ts_quality: 'local+tz', ident: 'dnsmasq', pid: 1234, priority: 3, facility: 3,
        transport: 'syslog', message: 'failed to send packet', line_no: 3 }),
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['no-timestamp', 1]]);
  });

  it('reports every stamp-less line that follows no row', () => {
    const text = [
      'kernel: [1694413.644132] nf_conntrack: nf_conntrack: table full, dropping packet',
      'kernel: [1694413.644190] nf_conntrack: nf_conntrack: table full, dropping packet',
      '   indented garbage',
      'Mar  9 14:02:11 web01 kernel: ok',
      'kernel: [1694414.000001] glued to the row above',
    ].join('\n');
    const r = parse(text);
    expect(r.rows.map((x) => [x.message, x.line_no])).toEqual([['ok kernel: [1694414.000001] glued to the row above', 4]]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['no-timestamp', 1], ['no-timestamp', 2], ['bad-line', 3]]);
    expect([r.linesRead, r.linesSkipped]).toEqual([5, 3]);
  });

  it('joins hard-wrapped lines onto the previous row', () => {
    const text = [
      'Feb 23 16:44:36 jobs kernel: [38775494.393661] nf_conntrack: table full,',
      'dropping packet',
      'Feb 23 16:44:36 jobs kernel: [38775494.494836] nf_conntrack: table full,',
      'dropping packet',
    ].join('\n');
    const r = parse(text, { tz: 'UTC' });
    expect(r.rows.map((x) => [x.host, x.mono_us, x.message, x.line_no])).toEqual([
      ['jobs', 38775494393661, 'nf_conntrack: table full, dropping packet', 1],
      ['jobs', 38775494494836, 'nf_conntrack: table full, dropping packet', 3],
    ]);
    expect(r.issues).toEqual([]);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary lines built from header fragments', () => {
    const piece = fc.oneof(
      fc.string(), fc.constantFrom('<13>', '<999>', '<6>1 ', 'Mar  9 ', 'Feb 31 25:61:99 ', 'Mon 2026-03-09 ', '2026-13-09T14:02:11+01:00 ',
        '[ 12.5] ', '[', '-- Boot ', ' --', 'kernel: ', 'kern.info ', 'web01 ', 'a[12]: ', '\0', '\uFFFD', '1773061331.2 ', '- 1131566461 2005.11.09 n '),
    );
    fc.assert(fc.property(fc.array(fc.array(piece, { maxLength: 6 }).map((p) => p.join('')), { maxLength: 8 }), (lines) => {
      const r = parse(lines.join('\n'));
      expect(r.rows.length + r.linesSkipped).toBeLessThanOrEqual(lines.length);
    }), { numRuns: 300 });
  });
});

describe('looksLikeSyslog / looksLikeJournalShort', () => {
  it('accepts the syslog flavours and rejects dmesg and other text', () => {
    expect(looksLikeSyslog('Mar  9 14:02:11 web01 kernel: TCP: time wait bucket table overflow\nMar  9 14:02:12 web01 kernel: x\n')).toBe(true);
    expect(looksLikeSyslog('<6>1 2026-03-09T14:02:11.204511+01:00 web01 kernel - - - TCP: x\n')).toBe(true);
    expect(looksLikeSyslog('Sun Jan 15 21:18:04 2023 kern.info kernel: [15687.115716] TCP: too many orphaned sockets\n')).toBe(true);
    expect(looksLikeSyslog('-- Logs begin at Fri 2022-02-04 09:34:04 UTC. --\nFeb 04 09:34:04 ubuntu kernel: Linux version\n')).toBe(true);
    expect(looksLikeSyslog('[ 8123.456789] TCP: time wait bucket table overflow\n[ 8124.1] usb 1-1: new device\n')).toBe(false);
    expect(looksLikeSyslog('net.ipv4.tcp_max_tw_buckets = 262144\n')).toBe(false);
    expect(looksLikeJournalShort('[ 1.000001] web01 kernel: a\n[ 2.000001] web01 systemd[1]: b\n[ 3.000001] web01 kernel: c\n')).toBe(true);
    expect(looksLikeJournalShort('Mar  9 14:02:11 web01 kernel: classic rsyslog, space-padded\n')).toBe(false);
  });
});

describeRealworld('real-world syslog files', () => {
  const run = (rel: string, over: Partial<ParseContext> = {}) => {
    const text = readFileSync(REAL + rel, 'utf8');
    return parseText(createSyslogParser(ctx({ file: rel, host: null, tz: 'UTC', ...over })), text);
  };

  it('reads the hotsos kern.log/syslog and the journalctl excerpt without issues', () => {
    const feb10 = Date.UTC(2022, 1, 10, 16, 19, 17);
    const kern = run('hotsos/openstack/var/log/kern.log', { referenceTimeMs: feb10 });
    expect([kern.rows.length, kern.issues.length]).toEqual([2831, 0]);
    expect(brief(kern.rows[0]!)).toMatchObject({ host: 'compute4', ts: '2022-02-04T09:34:10Z', mono_us: 0, ident: 'kernel' });
    expect(brief(kern.rows[2830]!)).toMatchObject({ ts: '2022-02-10T16:19:14Z', mono_us: 63667161082 });
    const syslog = run('hotsos/openstack/var/log/syslog', { referenceTimeMs: feb10 });
    expect([syslog.rows.length, syslog.issues.length]).toEqual([1406, 0]);
    expect(brief(syslog.rows[0]!)).toMatchObject({ ident: 'systemd', pid: 1, message: 'logrotate.service: Succeeded.', ts: '2022-02-10T00:00:01Z' });
    const k8s = run('hotsos/kubernetes/var/log/kern.log', { referenceTimeMs: Date.UTC(2022, 1, 11, 19, 23, 39) });
    expect([k8s.rows.length, k8s.issues.length]).toEqual([757, 0]);
    const journal = run('hotsos/openstack/sos_commands/logs/journalctl_--no-pager.excerpt', { referenceTimeMs: feb10 });
    expect([journal.rows.length, journal.issues.length, journal.linesRead]).toEqual([2999, 0, 3000]);
    expect(brief(journal.rows[0]!)).toMatchObject({ host: 'ubuntu', ts: '2022-02-04T09:34:04Z', ident: 'kernel', mono_us: null });
    for (const f of ['hotsos/openstack/var/log/syslog', 'hotsos/openstack/sos_commands/logs/journalctl_--no-pager.excerpt']) {
      expect(looksLikeSyslog(readFileSync(REAL + f, 'utf8').slice(0, 65536)), f).toBe(true);
    }
  });

  it('reads loghub Linux (CRLF, 2005) and Thunderbird (epoch prefix)', () => {
    const linux = run('logs/loghub/Linux_2k.log', { referenceTimeMs: Date.UTC(2005, 7, 1) });
    expect([linux.rows.length, linux.issues.length]).toEqual([2000, 0]);
    expect(brief(linux.rows[0]!)).toMatchObject({ host: 'combo', ts: '2005-06-14T15:16:01Z', ident: 'sshd(pam_unix)', pid: 19939 });
    expect(linux.rows[1910]!.message.startsWith('Linux version 2.6.5-1.358')).toBe(true);
    const tb = run('logs/loghub/Thunderbird_2k.log');
    expect([tb.rows.length, tb.issues.length]).toEqual([2000, 0]);
    expect(brief(tb.rows[0]!)).toMatchObject({ host: 'dn228', ts: '2005-11-09T20:01:01Z', ts_quality: 'exact', ident: 'crond(pam_unix)', pid: 2915 });
    expect(looksLikeSyslog(readFileSync(REAL + 'logs/loghub/Thunderbird_2k.log', 'utf8').slice(0, 65536))).toBe(true);
  });

  it('reads the pasted issue logs, reporting what has no usable stamp', () => {
    const ref = { referenceTimeMs: Date.UTC(2018, 4, 1), host: 'router' };
    const asus = run('logs/issues/asuswrt-merlin.ng-136_tw_bucket_overflow.log', ref);
    expect(asus.rows.length).toBe(11);
    expect(asus.rows.filter((x) => x.message === 'TCP: time wait bucket table overflow').length).toBe(10);
    expect(brief(asus.rows[0]!)).toMatchObject({ host: 'router', ts: '2018-04-20T22:02:55Z', ident: 'kernel' });
    const star = run('logs/issues/starphleet-352_nf_conntrack_table_full_wrapped.log', ref);
    expect(star.rows.map((x) => x.message)).toEqual(Array(4).fill('nf_conntrack: table full, dropping packet'));
    expect(star.issues.map((i) => [i.code, i.line])).toEqual([['bad-line', 1]]);
    const lede = run('logs/issues/lede-10770_orphaned_sockets_openwrt_logread.log', ref);
    expect([lede.rows.length, isoUtc(lede.rows[0]!.ts), lede.rows[0]!.mono_us]).toEqual([10, '2023-01-15T21:18:04Z', 15687115716]);
    for (const f of ['hotsos-101_nf_conntrack_double_prefix.log', 'lede-5072_syn_flooding_openwrt_fragment.log', 'netopeer2-1467_syn_flooding_tcpv6_bare.log']) {
      const r = run('logs/issues/' + f, ref);
      expect([r.rows.length, r.issues.map((i) => [i.code, i.line])], f).toEqual([0, [['no-timestamp', 1]]]);
    }
  });
});
