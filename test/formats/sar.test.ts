import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSarParser, looksLikeSar, parseSarHeader } from '../../src/formats/sar/parser.js';
import { SAR_COLUMNS, sarCounter } from '../../src/formats/sar/columns.js';
import { parseText } from '../../src/formats/kit/lines.js';
import type { CounterSampleRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD as REALWORLD_ROOT, describeRealworld } from '../helpers.js';

const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'sar09', host: null, tz: 'Europe/Berlin', ...over,
});
/** [UTC time, name, value, device] */
const brief = (r: CounterSampleRow) => [isoUtc(r.ts), r.name, r.value, r.device];
const run = (text: string, over: Partial<ParseContext> = {}) => {
  const p = createSarParser(ctx(over));
  const r = parseText(p, text);
  return { ...r, activities: p.activities };
};

describe('sar text, en_US (12-hour clock, MM/DD/YYYY)', () => {
  it('reads SOCK and TCP sections, skips Average, marks the restart and reports a short line', () => {
    const text = [
      'Linux 4.18.0-513.el8.x86_64 (web01) \t03/09/2026 \t_x86_64_\t(16 CPU)',
      '',
      '12:00:01 AM    totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '12:10:01 AM      1840       312         9         0         0     27950',
      '12:20:01 AM      1851       318         9         0         0',
      'Average:         1846       315         9         0         0     28026',
      '',
      '02:11:37 AM  LINUX RESTART\t(16 CPU)',
      '',
      '02:20:01 AM    totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '12:30:01 PM       610       101         9         0         0      3120',
      '',
      '12:00:01 AM  active/s passive/s    iseg/s    oseg/s',
      '12:10:01 AM    465.20     12.03  40211.55  39870.02',
    ].join('\n');
    const r = run(text);
    // CET (+01:00): the first samples fall on the previous UTC day.
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-08T23:10:01Z', 'sockstat.sockets.used', 1840, null],
      ['2026-03-08T23:10:01Z', 'sockstat.TCP.inuse', 312, null],
      ['2026-03-08T23:10:01Z', 'sockstat.UDP.inuse', 9, null],
      ['2026-03-08T23:10:01Z', 'sockstat.RAW.inuse', 0, null],
      ['2026-03-08T23:10:01Z', 'sockstat.FRAG.inuse', 0, null],
      ['2026-03-08T23:10:01Z', 'sockstat.TCP.tw', 27950, null],
      ['2026-03-09T01:11:37Z', 'sar.restart', 1, null],
      ['2026-03-09T11:30:01Z', 'sockstat.sockets.used', 610, null],
      ['2026-03-09T11:30:01Z', 'sockstat.TCP.inuse', 101, null],
      ['2026-03-09T11:30:01Z', 'sockstat.UDP.inuse', 9, null],
      ['2026-03-09T11:30:01Z', 'sockstat.RAW.inuse', 0, null],
      ['2026-03-09T11:30:01Z', 'sockstat.FRAG.inuse', 0, null],
      ['2026-03-09T11:30:01Z', 'sockstat.TCP.tw', 3120, null],
      ['2026-03-08T23:10:01Z', 'TcpActiveOpens', 465.2, null],
      ['2026-03-08T23:10:01Z', 'TcpPassiveOpens', 12.03, null],
      ['2026-03-08T23:10:01Z', 'TcpInSegs', 40211.55, null],
      ['2026-03-08T23:10:01Z', 'TcpOutSegs', 39870.02, null],
    ]);
    expect(r.rows[5]).toEqual({
      host: 'web01', ts: Date.UTC(2026, 2, 8, 23, 10, 1) * 1000, ts_quality: 'local+tz', origin: 'sar',
      name: 'sockstat.TCP.tw', value: 27950, semantics: 'gauge', device: null, netns: null,
    });
    expect(r.rows[13]!.semantics).toBe('rate');
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['column-count', 5]]);
    expect(r.linesSkipped).toBe(1);
    expect([...r.activities]).toEqual(['SOCK', 'TCP']);
  });

  it('takes the host from ctx when set and marks assumed-utc times', () => {
    const text = [
      'Linux 4.18.0-513.el8.x86_64 (web01) \t03/09/2026 \t_x86_64_\t(16 CPU)',
      '12:00:01 AM    totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '12:10:01 AM      1840       312         9         0         0     27950',
    ].join('\n');
    const r = run(text, { host: 'web01.example.com', tz: 'UTC', tzAssumed: true });
    expect(r.rows[5]).toMatchObject({
      host: 'web01.example.com', ts: Date.UTC(2026, 2, 9, 0, 10, 1) * 1000, ts_quality: 'assumed-utc', value: 27950,
    });
  });
});

describe('sar -A passes and midnight', () => {
  it('advances the day within a section and resets it for the next activity (C locale)', () => {
    const text = [
      'Linux 4.18.0-513.el8.x86_64 (web01) \t03/09/26 \t_x86_64_\t(16 CPU)',
      '',
      '23:40:01     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '23:50:01       1840       312         9         0         0     27950',
      '00:00:01       1851       318         9         0         0     28102',
      'Average:       1846       315         9         0         0     28026',
      '',
      '23:40:01     active/s passive/s    iseg/s    oseg/s',
      '23:50:01       465.20     12.03  40211.55  39870.02',
      '00:00:01       470.00     11.00  40000.00  39000.00',
    ].join('\n');
    const r = run(text, { tz: 'UTC' });
    expect(r.rows.filter((x) => x.name === 'sockstat.TCP.tw' || x.name === 'TcpActiveOpens').map(brief)).toEqual([
      ['2026-03-09T23:50:01Z', 'sockstat.TCP.tw', 27950, null],
      ['2026-03-10T00:00:01Z', 'sockstat.TCP.tw', 28102, null],
      ['2026-03-09T23:50:01Z', 'TcpActiveOpens', 465.2, null],
      ['2026-03-10T00:00:01Z', 'TcpActiveOpens', 470, null],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('keeps a period that starts after midnight on the next day in every pass', () => {
    // sar -A of a file running past midnight with a reboot at 00:30: each activity shows both periods.
    const text = [
      'Linux 4.18.0-513.el8.x86_64 (web01) \t2026-03-09 \t_x86_64_\t(16 CPU)',
      '23:50:01     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '00:00:01       1851       318         9         0         0     28102',
      '00:30:00     LINUX RESTART\t(16 CPU)',
      '00:40:01     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '00:50:01        610       101         9         0         0      3120',
      '23:50:01     active/s passive/s    iseg/s    oseg/s',
      '00:00:01       465.20     12.03  40211.55  39870.02',
      '00:30:00     LINUX RESTART\t(16 CPU)',
      '00:40:01     active/s passive/s    iseg/s    oseg/s',
      '00:50:01         1.00      2.00      3.00      4.00',
    ].join('\n');
    const r = run(text, { tz: 'UTC' });
    expect(r.rows.filter((x) => /^(sockstat\.TCP\.tw|TcpActiveOpens|sar\.restart)$/.test(x.name)).map(brief)).toEqual([
      ['2026-03-10T00:00:01Z', 'sockstat.TCP.tw', 28102, null],
      ['2026-03-10T00:30:00Z', 'sar.restart', 1, null],
      ['2026-03-10T00:50:01Z', 'sockstat.TCP.tw', 3120, null],
      ['2026-03-10T00:00:01Z', 'TcpActiveOpens', 465.2, null],
      // the restart repeated by the second activity is not a second marker
      ['2026-03-10T00:50:01Z', 'TcpActiveOpens', 1, null],
    ]);
  });

  it('live sar: a header repeating the pre-midnight time stays on the old day', () => {
    const text = [
      'Linux 6.1.0 (db1) \t03/09/2026 \t_x86_64_\t(4 CPU)',
      '23:59:59     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '00:00:00        100        10         1         0         0        50',
      '',
      '23:59:59     active/s passive/s    iseg/s    oseg/s',
      '00:00:00         1.00      2.00      3.00      4.00',
      '',
      '00:00:00     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '00:00:01        101        10         1         0         0        51',
    ].join('\n');
    const r = run(text, { tz: 'UTC' });
    expect(r.rows.filter((x) => x.name === 'sockstat.TCP.tw' || x.name === 'TcpActiveOpens').map(brief)).toEqual([
      ['2026-03-10T00:00:00Z', 'sockstat.TCP.tw', 50, null],
      ['2026-03-10T00:00:00Z', 'TcpActiveOpens', 1, null],
      ['2026-03-10T00:00:01Z', 'sockstat.TCP.tw', 51, null],
    ]);
  });

  it('resolves the repeated autumn hour afresh in each pass', () => {
    // Europe/Berlin 2025-10-26: 02:00-02:59 occurs at +02:00, then again at +01:00.
    const text = [
      'Linux 6.1.0 (db1) \t10/26/25 \t_x86_64_\t(4 CPU)',
      '01:50:01     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '02:10:01        100        10         1         0         0        1',
      '02:50:01        100        10         1         0         0        2',
      '02:10:01        100        10         1         0         0        3',
      '01:50:01     active/s passive/s    iseg/s    oseg/s',
      '02:10:01         1.00      2.00      3.00      4.00',
      '02:50:01         2.00      2.00      3.00      4.00',
      '02:10:01         3.00      2.00      3.00      4.00',
    ].join('\n');
    const r = run(text);
    expect(r.rows.filter((x) => x.name === 'sockstat.TCP.tw' || x.name === 'TcpActiveOpens').map(brief)).toEqual([
      ['2025-10-26T00:10:01Z', 'sockstat.TCP.tw', 1, null],
      ['2025-10-26T00:50:01Z', 'sockstat.TCP.tw', 2, null],
      ['2025-10-26T01:10:01Z', 'sockstat.TCP.tw', 3, null],
      ['2025-10-26T00:10:01Z', 'TcpActiveOpens', 1, null],
      ['2025-10-26T00:50:01Z', 'TcpActiveOpens', 2, null],
      ['2025-10-26T01:10:01Z', 'TcpActiveOpens', 3, null],
    ]);
  });
});

describe('locales, devices and odd lines', () => {
  it('reads de_DE output: DD.MM.YYYY, decimal commas, translated Average, COM lines', () => {
    const text = [
      'Linux 5.14.0-362.el9.x86_64 (web02) \t09.03.2026 \t_x86_64_\t(8 CPU)',
      '',
      '00:00:01        IFACE   rxpck/s   txpck/s    rxkB/s    txkB/s   rxcmp/s   txcmp/s  rxmcst/s   %ifutil',
      '00:10:01         eth0    465,20     12,03      3,10      0,84      0,00      0,00      0,00      0,01',
      '00:10:05     COM nightly backup started',
      'Durchschn.:      eth0    465,20     12,03      3,10      0,84      0,00      0,00      0,00      0,01',
      '',
      '00:00:01     atmptf/s  estres/s retrans/s isegerr/s   orsts/s',
      '00:10:01         0,85      0,20     12,31      0,00      9,40',
    ].join('\n');
    const r = run(text);
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-08T23:10:01Z', 'sar.rxpck/s', 465.2, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sar.txpck/s', 12.03, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sar.rxkB/s', 3.1, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sar.txkB/s', 0.84, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sar.rxcmp/s', 0, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sar.txcmp/s', 0, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sar.rxmcst/s', 0, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sar.%ifutil', 0.01, 'eth0'],
      ['2026-03-08T23:10:01Z', 'TcpAttemptFails', 0.85, null],
      ['2026-03-08T23:10:01Z', 'TcpEstabResets', 0.2, null],
      ['2026-03-08T23:10:01Z', 'TcpRetransSegs', 12.31, null],
      ['2026-03-08T23:10:01Z', 'TcpInErrs', 0, null],
      ['2026-03-08T23:10:01Z', 'TcpOutRsts', 9.4, null],
    ]);
    expect(r.rows[7]!.semantics).toBe('gauge');
    expect(r.issues).toEqual([]);
    expect([...r.activities]).toEqual(['DEV', 'ETCP']);
  });

  it('keeps CPU ids as devices, NFS retrans/s as sar.retrans/s, and flags a bad number', () => {
    const text = [
      'Linux 4.18.0-513.el8.x86_64 (web01) \t2026-03-09 \t_x86_64_\t(2 CPU)',
      '00:00:01        CPU     %user     %nice   %system   %iowait    %steal     %idle',
      '00:10:01        all      2.00      0.00      1.00      0.00      0.00     97.00',
      '00:10:01          0      3.00      0.00      1.00      0.00      0.00     96.00',
      '00:10:01          1      1.00      0.00      x.00      0.00      0.00     98.00',
      '00:00:01       call/s retrans/s    read/s   write/s  access/s  getatt/s',
      '00:10:01         5.00      0.50      1.00      1.00      0.00      2.00',
    ].join('\n');
    const r = run(text, { tz: 'UTC' });
    expect(r.rows.filter((x) => x.name === 'sar.%user' || x.name.includes('retrans')).map(brief)).toEqual([
      ['2026-03-09T00:10:01Z', 'sar.%user', 2, 'all'],
      ['2026-03-09T00:10:01Z', 'sar.%user', 3, '0'],
      ['2026-03-09T00:10:01Z', 'sar.retrans/s', 0.5, null],
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['sar-bad-number', 5]]);
    expect([...r.activities]).toEqual(['CPU', 'NFS']);
  });

  it('warns when TCP was not recorded and emits nothing for it (absent, not zero)', () => {
    const text = [
      'Linux 4.18.0-513.el8.x86_64 (web01) \t03/09/2026 \t_x86_64_\t(16 CPU)',
      'Requested activities not available in file /var/log/sa/sa09',
      '',
      '12:00:01 AM    totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '12:10:01 AM      1840       312         9         0         0     27950',
      'garbage here',
    ].join('\n');
    const r = run(text);
    expect(r.rows.some((x) => x.name.startsWith('Tcp'))).toBe(false);
    expect([...r.activities]).toEqual(['SOCK']);
    expect(r.issues.map((i) => [i.code, i.line, i.severity])).toEqual([
      ['activity-not-recorded', 2, 'warning'],
      ['sar-bad-line', 6, 'warning'],
    ]);
  });

  it('reports data before any header date or section header', () => {
    const r = run(['12:10:01      1840       312', '12:00:01    totsck    tcpsck', '12:10:01      1840       312'].join('\n'));
    expect(r.rows).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['sar-no-header', 1], ['sar-no-date', 3]]);
  });

  it('skips a line over 1 MB with an issue', () => {
    const r = run(['Linux 6.1.0 (db1) \t03/09/2026 \t_x86_64_\t(4 CPU)', 'x'.repeat((1 << 20) + 1)].join('\n'));
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['line-too-long', 2]]);
  });
});

describe('parseSarHeader', () => {
  it('reads kernel, host, date forms and CPUs', () => {
    expect(parseSarHeader('Linux 4.18.0-513.el8.x86_64 (web01) \t03/09/2026 \t_x86_64_\t(16 CPU)')).toEqual({
      kernel: '4.18.0-513.el8.x86_64', host: 'web01', date: { year: 2026, month: 3, day: 9 }, cpus: 16,
    });
    expect(parseSarHeader('Linux 3.10.0 (h) \t03/09/26 \t_x86_64_\t(4 CPU)')?.date).toEqual({ year: 2026, month: 3, day: 9 });
    expect(parseSarHeader('Linux 3.10.0 (h) \t2026-03-09 \t_x86_64_\t(4 CPU)')?.date).toEqual({ year: 2026, month: 3, day: 9 });
    // first field > 12: day first (en_GB)
    expect(parseSarHeader('Linux 3.10.0 (h) \t13/03/2026 \t_x86_64_\t(4 CPU)')?.date).toEqual({ year: 2026, month: 3, day: 13 });
    // sysstat 7 prints neither arch nor CPU count
    expect(parseSarHeader('Linux 2.6.18-194.el5 (h)      03/09/2026')).toEqual({
      kernel: '2.6.18-194.el5', host: 'h', date: { year: 2026, month: 3, day: 9 }, cpus: null,
    });
    expect(parseSarHeader('Linux 3.10.0 (h) \tyesterday')).toBeNull();
    expect(parseSarHeader('12:00:01 AM  totsck')).toBeNull();
  });

  it('picks the day-first reading when month-first would be after the collection', () => {
    const line = 'Linux 3.10.0 (h) \t09/03/2026 \t_x86_64_\t(4 CPU)';
    expect(parseSarHeader(line)?.date).toEqual({ year: 2026, month: 9, day: 3 });
    expect(parseSarHeader(line, Date.UTC(2026, 2, 10))?.date).toEqual({ year: 2026, month: 3, day: 9 });
  });
});

describe('SAR_COLUMNS', () => {
  it('maps each activity column to its canonical counter', () => {
    expect(sarCounter('ETCP', 'retrseg/s')).toEqual({ name: 'TcpRetransSegs', semantics: 'rate' });
    expect(sarCounter('NFS', 'retrans/s')).toEqual({ name: 'sar.retrans/s', semantics: 'rate' });
    expect(sarCounter('SOCK', 'tcp-tw')).toEqual({ name: 'sockstat.TCP.tw', semantics: 'gauge' });
    expect(sarCounter('MEM', 'kbmemfree')).toEqual({ name: 'sar.kbmemfree', semantics: 'gauge' });
    expect(SAR_COLUMNS.filter((c) => c.activity === 'SOCK').map((c) => c.name)).toEqual([
      'sockstat.sockets.used', 'sockstat.TCP.inuse', 'sockstat.UDP.inuse', 'sockstat.RAW.inuse',
      'sockstat.FRAG.inuse', 'sockstat.TCP.tw',
    ]);
  });
});

describe('looksLikeSar', () => {
  it('accepts sar text and rejects sadf and other text', () => {
    expect(looksLikeSar('Linux 6.1.0 (db1) \t03/09/2026 \t_x86_64_\t(4 CPU)\n\n12:00:01 AM    totsck    tcpsck\n')).toBe(true);
    expect(looksLikeSar('# hostname;interval;timestamp;totsck\nweb01;600;2026-03-08 23:10:01 UTC;1840\n')).toBe(false);
    expect(looksLikeSar('Linux version 6.1.0 (gcc) #1 SMP\n')).toBe(false);
  });
});

const REALWORLD = join(REALWORLD_ROOT, 'sysstat/');

describeRealworld('realworld sysstat', () => {
  const read = (rel: string) => readFileSync(REALWORLD + rel, 'utf8');

  it('sniffs only the sar text outputs (not sadf, XML or binary sa files)', () => {
    const sar: string[] = [];
    for (const sub of ['text', 'bin', 'bin-malformed']) {
      for (const f of readdirSync(REALWORLD + sub).sort()) {
        if (looksLikeSar(read(`${sub}/${f}`).slice(0, 65536))) sar.push(`${sub}/${f}`);
      }
    }
    expect(sar).toEqual([
      'text/expected.data-10.3.1', 'text/expected.data-11.6.5', 'text/expected.data-12.0.0',
      'text/expected.data-12.5.6-A_QUEUE_modified', 'text/expected.data-9.1.6', 'text/expected.data-ppc-11.7.2',
      'text/expected.sar-A', 'text/expected.sar-iface', 'text/expected.sar-z', 'text/expected2.sar-all',
    ]);
  });

  it('parses every sar text output without an issue', () => {
    const counts: Record<string, number> = {};
    for (const f of readdirSync(REALWORLD + 'text').sort()) {
      const text = read(`text/${f}`);
      if (!looksLikeSar(text.slice(0, 65536))) continue;
      const r = parseText(createSarParser(ctx({ file: f, tz: 'UTC' })), text);
      expect(r.issues, f).toEqual([]);
      counts[f] = r.rows.length;
    }
    expect(counts).toEqual({
      'expected.data-10.3.1': 1012, 'expected.data-11.6.5': 1087, 'expected.data-12.0.0': 592,
      'expected.data-12.5.6-A_QUEUE_modified': 42, 'expected.data-9.1.6': 745, 'expected.data-ppc-11.7.2': 518,
      'expected.sar-A': 936, 'expected.sar-iface': 172, 'expected.sar-z': 264, 'expected2.sar-all': 3621,
    });
  });

  it('expected2.sar-all (sysstat 12 sar -A, two restarts) under Europe/Berlin', () => {
    const p = createSarParser(ctx({ file: 'expected2.sar-all' }));
    const r = parseText(p, read('text/expected2.sar-all'));
    const first = (name: string, device: string | null = null) => r.rows.find((x) => x.name === name && x.device === device);
    expect(first('TcpActiveOpens')).toEqual({
      host: 'SYSSTAT.TEST', ts: Date.UTC(2019, 3, 18, 11, 20, 19) * 1000, ts_quality: 'local+tz', origin: 'sar',
      name: 'TcpActiveOpens', value: 0, semantics: 'rate', device: null, netns: null,
    });
    expect(brief(first('sockstat.TCP.tw')!)).toEqual(['2019-04-18T11:20:19Z', 'sockstat.TCP.tw', 1, null]);
    expect(r.rows.filter((x) => x.name === 'sar.rxpck/s' && x.device === 'enp6s0').slice(0, 2).map(brief)).toEqual([
      ['2019-04-18T11:20:19Z', 'sar.rxpck/s', 0, 'enp6s0'],
      ['2019-04-18T11:20:29Z', 'sar.rxpck/s', 53.55, 'enp6s0'],
    ]);
    expect(r.rows.filter((x) => x.name === 'sar.restart').map(brief)).toEqual([
      ['2019-04-18T11:37:29Z', 'sar.restart', 1, null],
      ['2019-04-18T11:54:09Z', 'sar.restart', 1, null],
    ]);
    // after the second restart the CPU activity restarts at 13:54:15 (header) / 13:54:35 (data)
    expect(r.rows.filter((x) => x.name === 'sar.%usr' && x.device === 'all').map((x) => isoUtc(x.ts))).toEqual([
      '2019-04-18T11:20:19Z', '2019-04-18T11:20:29Z', '2019-04-18T11:20:39Z', '2019-04-18T11:20:49Z', '2019-04-18T11:54:35Z',
    ]);
    expect(p.activities.has('TCP') && p.activities.has('ETCP') && p.activities.has('SOCK')).toBe(true);
  });

  it('expected.data-ppc-11.7.2 runs past midnight in every activity', () => {
    const r = parseText(createSarParser(ctx({ file: 'ppc', tz: 'UTC' })), read('text/expected.data-ppc-11.7.2'));
    expect(r.rows.filter((x) => x.name === 'sockstat.TCP.tw').map(brief)).toEqual([
      ['2017-04-27T19:43:21Z', 'sockstat.TCP.tw', 11, null],
      ['2017-04-28T00:03:37Z', 'sockstat.TCP.tw', 11, null],
    ]);
    expect(new Set(r.rows.map((x) => isoUtc(x.ts)))).toEqual(new Set(['2017-04-27T19:43:21Z', '2017-04-28T00:03:37Z']));
  });

  it('expected.data-12.5.6-A_QUEUE_modified has no TCP section: no Tcp rows', () => {
    const p = createSarParser(ctx({ file: 'q', tz: 'UTC' }));
    const r = parseText(p, read('text/expected.data-12.5.6-A_QUEUE_modified'));
    expect([...p.activities]).toEqual(['TASK', 'DEV']);
    expect(r.rows.filter((x) => x.name.startsWith('Tcp'))).toEqual([]);
  });

  it('never throws on binary sa files', () => {
    for (const sub of ['bin', 'bin-malformed']) {
      for (const f of readdirSync(REALWORLD + sub)) {
        const r = parseText(createSarParser(ctx({ file: f })), read(`${sub}/${f}`));
        expect(r.rows, f).toEqual([]);
      }
    }
  });
});
