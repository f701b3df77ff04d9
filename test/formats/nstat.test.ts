import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CounterSampleRow, ParseContext } from '../../src/model.js';
import { parseText } from '../../src/formats/kit/lines.js';
import { createNstatParser, looksLikeNstat } from '../../src/formats/nstat/parser.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD, describeRealworld } from '../helpers.js';

const SNAP = Date.UTC(2026, 2, 9, 13, 20, 2) * 1000;
const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'sos_commands/networking/nstat_-zas', host: 'web1', tz: 'UTC', snapshotTs: SNAP, ...over,
});
const brief = (r: CounterSampleRow) => [isoUtc(r.ts), r.ts_quality, r.name, r.value, r.semantics];

describe('createNstatParser', () => {
  it('reads nstat -zas rows (rate column ignored) with origin nstat', () => {
    const text = [
      '#kernel',
      'TcpActiveOpens                  8841230            0.0',
      'TcpCurrEstab                    310                0.0',
      'TcpExtTCPTimeWaitOverflow       51877              12.5',
      'TcpExtListenOverflows           twelve             0.0',
    ].join('\n');
    const r = parseText(createNstatParser(ctx()), text);
    expect(r.rows[0]).toEqual({
      host: 'web1', ts: SNAP, ts_quality: 'collection-time', origin: 'nstat', name: 'TcpActiveOpens',
      value: 8841230, semantics: 'cumulative', device: null, netns: null,
    });
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpActiveOpens', 8841230, 'cumulative'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpCurrEstab', 310, 'gauge'],
      ['2026-03-09T13:20:02Z', 'collection-time', 'TcpExtTCPTimeWaitOverflow', 51877, 'cumulative'],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[5, 'unrecognised-line']]);
    expect(r.linesSkipped).toBe(1);
  });

  it('stamps each dump of a snapshot log; lines before the first stamp need a time', () => {
    const text = [
      '#kernel',
      'TcpExtTW                        8790001            0.0',
      '==== 2026-03-09 14:20:02 ====',
      '#kernel',
      'TcpExtTW                        8790100            0.0',
      '1773062412',
      '#kernel',
      'TcpExtTW                        8790180            0.0',
    ].join('\n');
    const r = parseText(createNstatParser(ctx({ snapshotTs: null, tz: 'Europe/Berlin' })), text);
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-09T13:20:02Z', 'local+tz', 'TcpExtTW', 8790100, 'cumulative'],
      ['2026-03-09T13:20:12Z', 'exact', 'TcpExtTW', 8790180, 'cumulative'],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[2, 'no-timestamp']]);
  });

  it('reads nstat --json, on one line or pretty-printed', () => {
    const one = '{"kernel":{"TcpActiveOpens":2873,"TcpExtTW":1102,"TcpExtBad":"x"}}\n{"kernel":{"TcpActiveOpens":28';
    const r = parseText(createNstatParser(ctx()), one);
    expect(r.rows.map((x) => [x.name, x.value])).toEqual([['TcpActiveOpens', 2873], ['TcpExtTW', 1102]]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[1, 'bad-value'], [2, 'bad-json']]);
    const pretty = '{\n    "kernel": {\n        "TcpActiveOpens": 2873,\n        "TcpExtTW": 1102\n    }\n}\n';
    const p = parseText(createNstatParser(ctx()), pretty);
    expect(p.rows.map((x) => [x.name, x.value])).toEqual([['TcpActiveOpens', 2873], ['TcpExtTW', 1102]]);
    expect(p.issues).toEqual([]);
  });

  it('sniffs nstat output but not /proc/net/snmp6', () => {
    expect(looksLikeNstat('#kernel\nIpInReceives 1 0.0\n')).toBe(true);
    expect(looksLikeNstat('{"kernel":{"IpInReceives":1}}')).toBe(true);
    expect(looksLikeNstat('IpInReceives 1 0.0\nIpInHdrErrors 0 0.0\nTcpExtTW 5 0.0\n')).toBe(true);
    expect(looksLikeNstat('Ip6InReceives 1\nIp6InHdrErrors 0\nIp6InTooBigErrors 0\n')).toBe(false);
  });
});

describeRealworld('realworld nstat -zas', () => {
  it('parses every sos nstat capture without issues, with the values in the files', () => {
    const expected: Record<string, [number, number, number]> = {
      kubernetes: [294, 2873, 1102],
      openstack: [294, 18023, 12612],
      rabbitmq: [292, 2544, 2517],
      vault: [294, 90002, 88846],
    };
    for (const [host, [rows, activeOpens, tw]] of Object.entries(expected)) {
      const rel = `hotsos/${host}/sos_commands/networking/nstat_-zas`;
      const text = readFileSync(REALWORLD + rel, 'utf8');
      expect(looksLikeNstat(text.slice(0, 65536))).toBe(true);
      const r = parseText(createNstatParser(ctx({ file: rel })), text);
      expect(r.issues).toEqual([]);
      expect(r.rows.length).toBe(rows);
      const byName = new Map(r.rows.map((x) => [x.name, x.value]));
      expect(byName.get('TcpActiveOpens')).toBe(activeOpens);
      expect(byName.get('TcpExtTW')).toBe(tw);
      expect(byName.get('TcpExtTCPTimeWaitOverflow')).toBe(0);
    }
  });
});
