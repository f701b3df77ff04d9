import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CounterSampleRow, ParseContext } from '../../src/model.js';
import { parseText } from '../../src/formats/kit/lines.js';
import { createNetstatSParser, looksLikeNetstatS, NETSTAT_S_SENTENCES } from '../../src/formats/netstat-s/parser.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD, describeRealworld } from '../helpers.js';

const SNAP = Date.UTC(2026, 2, 9, 13, 20, 2) * 1000;
const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'sos_commands/networking/netstat_-s', host: 'web1', tz: 'UTC', snapshotTs: SNAP, ...over,
});
const brief = (r: CounterSampleRow) => [isoUtc(r.ts), r.ts_quality, r.name, r.value, r.semantics];

describe('createNetstatSParser', () => {
  it('reads the three spellings of PAWSEstab (net-tools 1.60 "rejects", 2.0 "packetes", 2.10 "packets rejected")', () => {
    const text = [
      'TcpExt:',
      '    7 packets rejects in established connections because of timestamp',
      '    8 packetes rejected in established connections because of timestamp',
      '    9 packets rejected in established connections because of timestamp',
    ].join('\n');
    const r = parseText(createNetstatSParser(ctx()), text);
    expect(r.rows.map((x) => [x.name, x.value])).toEqual([['TcpExtPAWSEstab', 7], ['TcpExtPAWSEstab', 8], ['TcpExtPAWSEstab', 9]]);
    expect(r.issues).toEqual([]);
  });

  it('maps sentences and Name: value entries to nstat names, origin netstat-s', () => {
    const text = [
      'Tcp:',
      '    8841230 active connection openings',
      '    310 connections established',
      '    90211 segments retransmited',
      'TcpExt:',
      '    312 times the listen queue of a socket overflowed',
      '    TCPTimeWaitOverflow: 51877',
      '    42 frobnications were wibbled',
    ].join('\n');
    const r = parseText(createNetstatSParser(ctx()), text);
    expect(r.rows[0]).toEqual({
      host: 'web1', ts: SNAP, ts_quality: 'collection-time', origin: 'netstat-s', name: 'TcpActiveOpens',
      value: 8841230, semantics: 'cumulative', device: null, netns: null,
    });
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpActiveOpens', 8841230, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpCurrEstab', 310, 'gauge'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpRetransSegs', 90211, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpExtListenOverflows', 312, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpExtTCPTimeWaitOverflow', 51877, 'cumulative'],
    ]);
    expect(r.issues.map((i) => [i.line, i.code, i.severity])).toEqual([[8, 'unmapped-sentence', 'warning']]);
    expect(r.linesSkipped).toBe(1);
  });

  it('tells the ICMP input and output histograms apart', () => {
    const text = [
      'Icmp:',
      '    1454 ICMP messages received',
      '    98 input ICMP message failed.',
      '    ICMP input histogram:',
      '        destination unreachable: 1454',
      '    1430 ICMP messages sent',
      '    ICMP output histogram:',
      '        destination unreachable: 1430',
      'IcmpMsg:',
      '        InType3: 1454',
    ].join('\n');
    const r = parseText(createNetstatSParser(ctx()), text);
    expect(r.rows.map((x) => [x.name, x.value])).toEqual([
      ['IcmpInMsgs', 1454], ['IcmpInErrors', 98], ['IcmpInDestUnreachs', 1454], ['IcmpOutMsgs', 1430],
      ['IcmpOutDestUnreachs', 1430], ['IcmpMsgInType3', 1454],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('handles stamps of a snapshot log, entries without a section and a failed command', () => {
    const text = [
      '    5 resets sent',
      'Mon Mar  9 13:20:02 UTC 2026',
      'Tcp:',
      '    4759 resets sent',
      'Mon Mar  9 13:20:12 UTC 2026',
      '    4760 resets sent',
      'Tcp:',
      '    4761 resets sent',
      'exec of "netstat" failed: No such file or directory',
    ].join('\n');
    const r = parseText(createNetstatSParser(ctx({ snapshotTs: null })), text);
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-09T13:20:02Z', 'exact', 'TcpOutRsts', 4759, 'cumulative'],
      ['2026-03-09T13:20:12Z', 'exact', 'TcpOutRsts', 4761, 'cumulative'],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[1, 'no-section'], [6, 'no-section'], [9, 'command-failed']]);
  });

  it('keeps the sentence table unambiguous', () => {
    const keys = NETSTAT_S_SENTENCES.map((e) => `${e.section}|${e.sentence.toLowerCase()}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of NETSTAT_S_SENTENCES) expect(e.sentence).toMatch(/(^|\s)N(\s|$)/);
  });

  it('sniffs netstat -s but not sockstat or the proc files', () => {
    expect(looksLikeNetstatS('Tcp:\n    90002 active connection openings\n')).toBe(true);
    expect(looksLikeNetstatS('TcpExt:\n    TCPTimeWaitOverflow: 27360\n')).toBe(true);
    expect(looksLikeNetstatS('TCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196\n')).toBe(false);
    expect(looksLikeNetstatS('Tcp: ActiveOpens PassiveOpens\nTcp: 1 2\n')).toBe(false);
  });
});

describeRealworld('realworld netstat -s', () => {
  const run = (rel: string) => {
    const r = parseText(createNetstatSParser(ctx({ file: rel })), readFileSync(REALWORLD + rel, 'utf8'));
    return { ...r, byName: new Map(r.rows.map((x) => [x.name, x.value])) };
  };

  it('reads the sos capture of vault completely', () => {
    const rel = 'hotsos/vault/sos_commands/networking/netstat_-s';
    expect(looksLikeNetstatS(readFileSync(REALWORLD + rel, 'utf8'))).toBe(true);
    const r = run(rel);
    expect(r.issues).toEqual([]);
    expect(r.rows.length).toBe(66);
    expect(r.byName.get('TcpActiveOpens')).toBe(90002);
    expect(r.byName.get('TcpRetransSegs')).toBe(136);
    expect(r.byName.get('TcpExtTW')).toBe(88846);
    expect(r.byName.get('TcpExtTCPPureAcks')).toBe(467966);
    expect(r.byName.get('IpExtInOctets')).toBe(742910925);
    expect(r.byName.get('UdpIgnoredMulti')).toBe(278);
  });

  it('reads the TcpExt-only snippet with the overflow counter', () => {
    const r = run('snippets/porter-124_netstat_-s_TcpExt_only_tw_overflow');
    expect(r.issues).toEqual([]);
    expect(r.rows.length).toBe(19);
    expect(r.byName.get('TcpExtTCPTimeWaitOverflow')).toBe(27360);
    expect(r.byName.get('TcpExtTW')).toBe(23450);
    expect(r.byName.get('TcpExtTCPAbortOnData')).toBe(128105);
  });

  it('reports the stray command line of the old-wording snippet and keeps the rest', () => {
    const r = run('snippets/hiboma-4_netstat_-s_TcpExt_partial_with_stray_line');
    expect(r.issues.map((i) => [i.line, i.code, i.text])).toEqual([[2, 'unrecognised-line', '    netstat -s']]);
    expect(r.rows.length).toBe(22);
    expect(r.byName.get('TcpExtListenOverflows')).toBe(6350);
    expect(r.byName.get('TcpExtListenDrops')).toBe(6350);
    expect(r.byName.get('TcpExtTW')).toBe(2022698730);
    expect(r.byName.get('TcpExtTCPDirectCopyFromPrequeue')).toBe(32303786161599);
  });

  it('turns the failed netns capture into one issue and no rows', () => {
    const r = run('hotsos/openstack/sos_commands/networking/ip_netns_exec_snat-984c22fd-64b3-4fa1-8ddd-87090f401ce5_netstat_-s');
    expect(r.rows).toEqual([]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[1, 'command-failed']]);
  });
});
