import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/formats/kit/lines.js';
import { createSockstatParser, createSsSummaryParser, looksLikeSockstat, looksLikeSsSummary } from '../../src/formats/sockstat/parser.js';
import type { CounterSampleRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD as REAL, describeRealworld } from '../helpers.js';

const COLLECTED = Date.UTC(2025, 2, 2, 9, 0, 0) * 1000;
const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'proc/net/sockstat', host: 'web01', tz: 'UTC', snapshotTs: COLLECTED, ...over,
});
const nv = (rows: CounterSampleRow[]) => rows.map((r) => [r.name, r.value]);

describe('sockstat', () => {
  it('emits one gauge per key/value pair and reports a broken line', () => {
    const text = [
      'sockets: used 1840',
      'TCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196',
      'UDP: inuse 9 mem 6',
      'FRAG: inuse 0 memory 0',
      'RAW: inuse',
    ].join('\n');
    const r = parseText(createSockstatParser(ctx({ netns: 'cni-1' })), text);
    expect(r.rows[0]).toEqual({
      host: 'web01', ts: COLLECTED, ts_quality: 'collection-time', origin: 'sockstat',
      name: 'sockstat.sockets.used', value: 1840, semantics: 'gauge', device: null, netns: 'cni-1',
    });
    expect(nv(r.rows)).toEqual([
      ['sockstat.sockets.used', 1840],
      ['sockstat.TCP.inuse', 312], ['sockstat.TCP.orphan', 4], ['sockstat.TCP.tw', 27950],
      ['sockstat.TCP.alloc', 330], ['sockstat.TCP.mem', 1196],
      ['sockstat.UDP.inuse', 9], ['sockstat.UDP.mem', 6],
      ['sockstat.FRAG.inuse', 0], ['sockstat.FRAG.memory', 0],
    ]);
    expect(r.rows.every((x) => x.semantics === 'gauge' && x.origin === 'sockstat')).toBe(true);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['sockstat-bad-line', 5]]);
  });

  it('reads sockstat6', () => {
    const r = parseText(createSockstatParser(ctx()), 'TCP6: inuse 17\nUDP6: inuse 9\nFRAG6: inuse 0 memory 0\n');
    expect(nv(r.rows)).toEqual([['sockstat.TCP6.inuse', 17], ['sockstat.UDP6.inuse', 9], ['sockstat.FRAG6.inuse', 0], ['sockstat.FRAG6.memory', 0]]);
  });

  it('stamps the dumps of a snapshot log', () => {
    const text = [
      '2025-03-02T08:41:10+01:00',
      'TCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196',
      '2025-03-02T08:41:20+01:00',
      'TCP: inuse 310 orphan 2 tw 65536 alloc 331 mem 1200',
    ].join('\n');
    const r = parseText(createSockstatParser(ctx({ snapshotTs: null })), text);
    expect(r.rows.filter((x) => x.name === 'sockstat.TCP.tw').map((x) => [isoUtc(x.ts), x.ts_quality, x.value])).toEqual([
      ['2025-03-02T07:41:10Z', 'exact', 27950], ['2025-03-02T07:41:20Z', 'exact', 65536],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('records no-timestamp when nothing dates the dump', () => {
    const r = parseText(createSockstatParser(ctx({ snapshotTs: null })), 'sockets: used 1840\nTCP: inuse 1 orphan 0 tw 2 alloc 3 mem 4\n');
    expect(r.rows).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['no-timestamp', 1]]);
    expect(r.linesSkipped).toBe(2);
  });
});

describe('ss -s', () => {
  it('reads the old form (kernel N, synrecv, timewait a/b, ports)', () => {
    const text = [
      'Total: 1663 (kernel 1689)',
      'TCP:   1655 (estab 1556, closed 39, orphaned 40, synrecv 0, timewait 39/0), ports 0',
      '',
      'Transport Total     IP        IPv6',
      '*         1689      -         -',
      'RAW       0         0         0',
      'UDP       19        11        8',
      'TCP       1616      1612      4',
      'INET      1635      1623      12',
      'FRAG      0         0         0',
      'ss: get_snmpstat: No such file',
    ].join('\n');
    const r = parseText(createSsSummaryParser(ctx({ file: 'ss_-s' })), text);
    expect(nv(r.rows)).toEqual([
      ['sockstat.sockets.used', 1663],
      ['TcpCurrEstab', 1556], ['sockstat.TCP.orphan', 40], ['sockstat.TCP.tw', 39],
      ['sockstat.RAW.inuse', 0], ['sockstat.RAW6.inuse', 0],
      ['sockstat.UDP.inuse', 11], ['sockstat.UDP6.inuse', 8],
      ['sockstat.TCP.inuse', 1612], ['sockstat.TCP6.inuse', 4],
      ['sockstat.FRAG.inuse', 0], ['sockstat.FRAG6.inuse', 0],
    ]);
    expect(r.rows.every((x) => x.origin === 'ss-s' && x.semantics === 'gauge' && x.ts === COLLECTED)).toBe(true);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['ss-s-bad-line', 11]]);
  });

  it('reads the new form', () => {
    const text = 'Total: 1840\nTCP:   28280 (estab 310, closed 27968, orphaned 4, timewait 27950)\n\nTransport Total     IP        IPv6\nTCP\t  330       300       30\n';
    const r = parseText(createSsSummaryParser(ctx()), text);
    expect(nv(r.rows)).toEqual([
      ['sockstat.sockets.used', 1840], ['TcpCurrEstab', 310], ['sockstat.TCP.orphan', 4], ['sockstat.TCP.tw', 27950],
      ['sockstat.TCP.inuse', 300], ['sockstat.TCP6.inuse', 30],
    ]);
    expect(r.issues).toEqual([]);
  });
});

describe('sniffing', () => {
  it('tells sockstat and ss -s apart', () => {
    const sockstat = 'sockets: used 1840\nTCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196\n';
    const ss = 'Total: 1840\nTCP:   28280 (estab 310, closed 27968, orphaned 4, timewait 27950)\n';
    expect(looksLikeSockstat(sockstat)).toBe(true);
    expect(looksLikeSockstat('TCP6: inuse 17\nUDP6: inuse 9\n')).toBe(true);
    expect(looksLikeSockstat(ss)).toBe(false);
    expect(looksLikeSsSummary(ss)).toBe(true);
    expect(looksLikeSsSummary(sockstat)).toBe(false);
  });
});

describeRealworld('real-world sockstat and ss -s', () => {
  const read = (rel: string) => readFileSync(REAL + rel, 'utf8');
  const tw = (rel: string) => {
    expect(looksLikeSockstat(read(rel)), rel).toBe(true);
    const r = parseText(createSockstatParser(ctx({ file: rel })), read(rel));
    expect(r.issues, rel).toEqual([]);
    expect(r.rows.length, rel).toBe(12);
    const get = (n: string) => r.rows.find((x) => x.name === n)?.value;
    return [get('sockstat.sockets.used'), get('sockstat.TCP.inuse'), get('sockstat.TCP.orphan'), get('sockstat.TCP.tw'), get('sockstat.TCP.mem')];
  };

  it('parses every sockstat file', () => {
    expect(tw('hotsos/vault/proc/net/sockstat')).toEqual([259, 25, 0, 105, 84]);
    expect(tw('hotsos/kubernetes/proc/net/sockstat')).toEqual([383, 91, 0, 76, 7]);
    expect(tw('hotsos/rabbitmq/proc/net/sockstat')).toEqual([332, 10, 0, 2, 68]);
    expect(tw('procfs/proc/net/sockstat')).toEqual([1602, 35, 0, 4, 22]);
    expect(tw('snippets/netdata-14_proc_net_sockstat')).toEqual([2152, 66, 0, 9, 6]);
    expect(tw('snippets/geekgao-articles-7_proc_net_sockstat_orphan_overflow')).toEqual([39845, 125217, 65738, 103758, 22016]);
    for (const n of [1, 2, 3, 4, 5]) expect(tw(`sysstat/proc/root${n}/proc/net/sockstat`)).toEqual([1316, 10, 0, 1, 2]);
    const six = parseText(createSockstatParser(ctx()), read('procfs/proc/net/sockstat6'));
    expect(nv(six.rows)).toEqual([
      ['sockstat.TCP6.inuse', 17], ['sockstat.UDP6.inuse', 9], ['sockstat.UDPLITE6.inuse', 0],
      ['sockstat.RAW6.inuse', 1], ['sockstat.FRAG6.inuse', 0], ['sockstat.FRAG6.memory', 0],
    ]);
  });

  it('parses the i2pd ss -s snippet', () => {
    const text = read('snippets/i2pd-825_ss_-s');
    expect(looksLikeSsSummary(text)).toBe(true);
    const r = parseText(createSsSummaryParser(ctx()), text);
    expect(r.issues).toEqual([]);
    expect(nv(r.rows).slice(0, 4)).toEqual([
      ['sockstat.sockets.used', 1663], ['TcpCurrEstab', 1556], ['sockstat.TCP.orphan', 40], ['sockstat.TCP.tw', 39],
    ]);
    expect(r.rows.find((x) => x.name === 'sockstat.TCP.inuse')?.value).toBe(1612);
    expect(r.rows.length).toBe(12);
  });
});
