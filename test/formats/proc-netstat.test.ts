import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CounterSampleRow, ParseContext } from '../../src/model.js';
import { parseText } from '../../src/formats/kit/lines.js';
import { createProcNetstatParser, looksLikeProcNetstat } from '../../src/formats/proc-netstat/parser.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD, describeRealworld } from '../helpers.js';

const SNAP = Date.UTC(2026, 2, 9, 13, 20, 2) * 1000;
const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'proc/net/netstat', host: 'web1', tz: 'Europe/Berlin', snapshotTs: SNAP, ...over,
});
const brief = (r: CounterSampleRow) => [isoUtc(r.ts), r.ts_quality, r.name, r.value, r.semantics];

describe('createProcNetstatParser', () => {
  it('zips header and value lines by name, with origin proc and the collection time', () => {
    const text = [
      'TcpExt: SyncookiesSent TW ListenOverflows TCPTimeWaitOverflow',
      'TcpExt: 0 8790001 312 51877',
      'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens CurrEstab',
      'Tcp: 1 200 120000 -1 8841230 310',
    ].join('\n');
    const r = parseText(createProcNetstatParser(ctx({ netns: 'qrouter-1' })), text);
    expect(r.issues).toEqual([]);
    expect(r.rows[0]).toEqual({
      host: 'web1', ts: SNAP, ts_quality: 'collection-time', origin: 'proc', name: 'TcpExtSyncookiesSent',
      value: 0, semantics: 'cumulative', device: null, netns: 'qrouter-1',
    });
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpExtSyncookiesSent', 0, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpExtTW', 8790001, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpExtListenOverflows', 312, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpExtTCPTimeWaitOverflow', 51877, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpRtoAlgorithm', 1, 'gauge'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpRtoMin', 200, 'gauge'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpRtoMax', 120000, 'gauge'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpMaxConn', -1, 'gauge'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpActiveOpens', 8841230, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpCurrEstab', 310, 'gauge'],
    ]);
    expect(r.linesRead).toBe(4);
    expect(r.linesSkipped).toBe(0);
  });

  it('keeps the values a short value line has, and reports the mismatch and stray lines', () => {
    const text = [
      'IpExt: InNoRoutes InTruncatedPkts InOctets',
      'IpExt: 0 0',
      'Udp: InDatagrams NoPorts',
      'garbage here',
      'Udp: 1405 92',
      'Tcp: 1 200',
    ].join('\n');
    const r = parseText(createProcNetstatParser(ctx()), text);
    expect(r.rows.map((x) => [x.name, x.value])).toEqual([
      ['IpExtInNoRoutes', 0], ['IpExtInTruncatedPkts', 0], ['UdpInDatagrams', 1405], ['UdpNoPorts', 92],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([
      [2, 'column-mismatch'], [4, 'unrecognised-line'], [6, 'values-without-header'],
    ]);
    expect(r.linesSkipped).toBe(2);
  });

  it('reads /proc/net/snmp6 name-value lines as they are', () => {
    const text = 'Ip6InReceives                   \t1234\nIcmp6InMsgs                     \t7\nIp6InHdrErrors x\n';
    const r = parseText(createProcNetstatParser(ctx({ file: 'proc/net/snmp6' })), text);
    expect(r.rows.map((x) => [x.name, x.value, x.semantics])).toEqual([
      ['Ip6InReceives', 1234, 'cumulative'], ['Icmp6InMsgs', 7, 'cumulative'],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[3, 'unrecognised-line']]);
  });

  it('gives each dump of a snapshot log its stamp; without any time, skips with one issue', () => {
    const text = [
      'TcpExt: TW TCPTimeWaitOverflow',
      'TcpExt: 100 5',
      'Mon Mar  9 14:20:02 CET 2026',
      'TcpExt: TW TCPTimeWaitOverflow',
      'TcpExt: 160 9',
      '2026-03-09T14:20:12+01:00',
      'TcpExt: TW TCPTimeWaitOverflow',
      'TcpExt: 220 14',
    ].join('\n');
    const r = parseText(createProcNetstatParser(ctx({ snapshotTs: null })), text);
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-09T13:20:02Z', 'local+tz', 'TcpExtTW', 160, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'local+tz', 'TcpExtTCPTimeWaitOverflow', 9, 'cumulative'],
      ['2026-03-09T13:20:12Z', 'exact', 'TcpExtTW', 220, 'cumulative'],
      ['2026-03-09T13:20:12Z', 'exact', 'TcpExtTCPTimeWaitOverflow', 14, 'cumulative'],
    ]);
    expect(r.issues.map((i) => [i.line, i.code, i.severity])).toEqual([[2, 'no-timestamp', 'error']]);
    expect(r.linesSkipped).toBe(1);
  });

  it('reports a header whose value line never came', () => {
    const r = parseText(createProcNetstatParser(ctx()), 'Tcp: ActiveOpens PassiveOpens\nUdp: InDatagrams\nUdp: 4\n');
    expect(r.rows.map((x) => [x.name, x.value])).toEqual([['UdpInDatagrams', 4]]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[1, 'header-without-values']]);
  });

  it('sniffs the proc files but not nstat or netstat -s', () => {
    expect(looksLikeProcNetstat('Ip: Forwarding DefaultTTL\nIp: 1 64\n')).toBe(true);
    expect(looksLikeProcNetstat('Ip6InReceives 1\nIp6InHdrErrors 0\nIp6InTooBigErrors 0\n')).toBe(true);
    expect(looksLikeProcNetstat('#kernel\nIpInReceives 265936 0.0\nIpInHdrErrors 0 0.0\nIpInAddrErrors 32 0.0\n')).toBe(false);
    expect(looksLikeProcNetstat('Tcp:\n    90002 active connection openings\n')).toBe(false);
  });
});

describeRealworld('realworld /proc/net/netstat and snmp', () => {
  const run = (rel: string) => {
    const text = readFileSync(REALWORLD + rel, 'utf8');
    expect(looksLikeProcNetstat(text.slice(0, 65536))).toBe(true);
    const r = parseText(createProcNetstatParser(ctx({ file: rel })), text);
    expect(r.issues).toEqual([]);
    return new Map(r.rows.map((x) => [x.name, x.value]));
  };

  it('parses every netstat/snmp file without issues', () => {
    const files = [
      ...['kubernetes', 'rabbitmq', 'vault'].flatMap((h) => [`hotsos/${h}/proc/net/netstat`, `hotsos/${h}/proc/net/snmp`]),
      'procfs/proc/26231/net/netstat', 'procfs/proc/26231/net/snmp',
      ...[1, 2, 3, 4, 5].map((i) => `sysstat/proc/root${i}/proc/net/snmp`),
    ];
    for (const f of files) expect(run(f).size).toBeGreaterThan(70);
  });

  it('reads the values seen in the files', () => {
    const k8sSnmp = run('hotsos/kubernetes/proc/net/snmp');
    expect(k8sSnmp.size).toBe(79);
    expect(k8sSnmp.get('TcpActiveOpens')).toBe(2872);
    expect(k8sSnmp.get('TcpCurrEstab')).toBe(141);
    expect(k8sSnmp.get('IcmpMsgInType3')).toBe(101);
    const k8sNetstat = run('hotsos/kubernetes/proc/net/netstat');
    expect(k8sNetstat.size).toBe(137);
    expect(k8sNetstat.get('TcpExtTW')).toBe(1098);
    expect(k8sNetstat.get('TcpExtTCPTimeWaitOverflow')).toBe(0);
    expect(k8sNetstat.get('IpExtInOctets')).toBe(792635547);
    const procfs = run('procfs/proc/26231/net/netstat');
    expect(procfs.get('TcpExtTCPTimeWaitOverflow')).toBe(3);
    expect(procfs.get('TcpExtTW')).toBe(83);
    expect(run('sysstat/proc/root1/proc/net/snmp').get('TcpActiveOpens')).toBe(1516);
  });
});
