import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/formats/kit/lines.js';
import {
  createConntrackStatsParser, createProcNetStatParser, looksLikeConntrackStats, looksLikeProcNetStat,
} from '../../src/formats/proc-net-stat/parser.js';
import type { CounterSampleRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD as REAL, describeRealworld } from '../helpers.js';

const COLLECTED = Date.UTC(2025, 2, 2, 9, 0, 0) * 1000;
const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'proc/net/stat/nf_conntrack', host: 'web01', tz: 'UTC', snapshotTs: COLLECTED, ...over,
});
const nvs = (rows: CounterSampleRow[]) => rows.map((r) => [r.name, r.value, r.semantics]);

const CT_HEADER = 'entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart';

describe('/proc/net/stat/nf_conntrack', () => {
  it('sums hex columns over CPUs, except entries, and reports a short row', () => {
    const text = [
      CT_HEADER,
      '0000a3f1  00000000 00000000 00000000 0000001c 00000000 00000000 00000000 00000000 00000000 0000031a 00000000 00000000  00000000 00000000 00000000 00000000',
      '0000a3f1  00000001 00000000 00000000 00000002 00000000 00000000 00000000 00000000 00000000 00000010 00000000 00000000  00000000 00000000 00000000 00000005',
      '0000a3f1  00000000',
    ].join('\n');
    const r = parseText(createProcNetStatParser(ctx({ netns: 'ns1' }), 'nf_conntrack'), text);
    expect(r.rows[0]).toEqual({
      host: 'web01', ts: COLLECTED, ts_quality: 'collection-time', origin: 'proc', name: 'nf_conntrack.entries',
      value: 41969, semantics: 'gauge', device: null, netns: 'ns1',
    });
    expect(nvs(r.rows)).toEqual([
      ['nf_conntrack.entries', 41969, 'gauge'],
      ['nf_conntrack.clashres', 1, 'cumulative'],
      ['nf_conntrack.found', 0, 'cumulative'],
      ['nf_conntrack.new', 0, 'cumulative'],
      ['nf_conntrack.invalid', 30, 'cumulative'],
      ['nf_conntrack.ignore', 0, 'cumulative'],
      ['nf_conntrack.delete', 0, 'cumulative'],
      ['nf_conntrack.chainlength', 0, 'cumulative'],
      ['nf_conntrack.insert', 0, 'cumulative'],
      ['nf_conntrack.insert_failed', 0, 'cumulative'],
      ['nf_conntrack.drop', 810, 'cumulative'],
      ['nf_conntrack.early_drop', 0, 'cumulative'],
      ['nf_conntrack.icmp_error', 0, 'cumulative'],
      ['nf_conntrack.expect_new', 0, 'cumulative'],
      ['nf_conntrack.expect_create', 0, 'cumulative'],
      ['nf_conntrack.expect_delete', 0, 'cumulative'],
      ['nf_conntrack.search_restart', 5, 'cumulative'],
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['procstat-bad-line', 4]]);
  });

  it('reads arp_cache', () => {
    const text = [
      'entries  allocs destroys hash_grows  lookups hits  res_failed  rcv_probes_mcast rcv_probes_ucast  periodic_gc_runs forced_gc_runs unresolved_discards table_fulls',
      '00000400  00000a1b 00000617 00000003  0001e4b8 0001c08f  00000000  00000000 00000000  00000c2e 00000120 00000000 000004d2',
      '00000400  00000011 00000001 00000000  00000100 00000080  00000000  00000000 00000000  00000000 00000005 00000000 0000000e',
    ].join('\n');
    const r = parseText(createProcNetStatParser(ctx({ file: 'proc/net/stat/arp_cache' }), 'arp_cache'), text);
    const get = (n: string) => r.rows.find((x) => x.name === n);
    expect(r.rows.length).toBe(13);
    expect([get('arp_cache.entries')?.value, get('arp_cache.entries')?.semantics]).toEqual([1024, 'gauge']);
    expect([get('arp_cache.table_fulls')?.value, get('arp_cache.table_fulls')?.semantics]).toEqual([1248, 'cumulative']);
    expect(get('arp_cache.forced_gc_runs')?.value).toBe(293);
    expect(get('arp_cache.allocs')?.value).toBe(0xa1b + 0x11);
    expect(r.issues).toEqual([]);
  });

  it('emits one set of rows per dump of a snapshot log', () => {
    const text = [
      'Sun Mar  2 08:41:10 UTC 2025',
      'entries  found drop',
      '00000010  00000001 00000002',
      '00000010  00000001 00000003',
      'Sun Mar  2 08:42:10 UTC 2025',
      'entries  found drop',
      '00000020  00000002 00000009',
      '1741000870',
      'entries  found drop',
      '00000030  00000003 0000000a',
    ].join('\n');
    const r = parseText(createProcNetStatParser(ctx(), 'nf_conntrack'), text);
    expect(r.rows.filter((x) => x.name !== 'nf_conntrack.found').map((x) => [isoUtc(x.ts), x.ts_quality, x.name, x.value])).toEqual([
      ['2025-03-02T08:41:10Z', 'exact', 'nf_conntrack.entries', 16],
      ['2025-03-02T08:41:10Z', 'exact', 'nf_conntrack.drop', 5],
      ['2025-03-02T08:42:10Z', 'exact', 'nf_conntrack.entries', 32],
      ['2025-03-02T08:42:10Z', 'exact', 'nf_conntrack.drop', 9],
      ['2025-03-03T11:21:10Z', 'exact', 'nf_conntrack.entries', 48],
      ['2025-03-03T11:21:10Z', 'exact', 'nf_conntrack.drop', 10],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('reports rows before any header, and dumps without a timestamp', () => {
    const r = parseText(createProcNetStatParser(ctx({ snapshotTs: null }), 'nf_conntrack'),
      '00000010 00000001\nentries drop\n00000010 00000001\n');
    expect(r.rows).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['procstat-no-header', 1], ['no-timestamp', 3]]);
  });
});

describe('conntrack -S', () => {
  it('sums decimal key=value per CPU under the /proc column names', () => {
    const text = [
      'cpu=0   \tfound=0 invalid=28 insert=0 insert_failed=0 drop=794 early_drop=0 error=0 search_restart=0',
      'cpu=1   \tfound=2 invalid=3 insert=0 insert_failed=0 drop=6 early_drop=1 error=4 search_restart=7',
      'cpu=2   \tfound=abc',
    ].join('\n');
    const r = parseText(createConntrackStatsParser(ctx({ file: 'conntrack_-S' })), text);
    expect(nvs(r.rows)).toEqual([
      ['nf_conntrack.found', 2, 'cumulative'],
      ['nf_conntrack.invalid', 31, 'cumulative'],
      ['nf_conntrack.insert', 0, 'cumulative'],
      ['nf_conntrack.insert_failed', 0, 'cumulative'],
      ['nf_conntrack.drop', 800, 'cumulative'],
      ['nf_conntrack.early_drop', 1, 'cumulative'],
      ['nf_conntrack.icmp_error', 4, 'cumulative'],
      ['nf_conntrack.search_restart', 7, 'cumulative'],
    ]);
    expect(r.rows.every((x) => x.origin === 'conntrack' && x.ts === COLLECTED)).toBe(true);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['conntrack-bad-line', 3]]);
  });

  it('splits a log into dumps at stamps and where the CPU numbers restart', () => {
    const text = [
      '==== 2025-03-02 08:41:10 ====',
      'cpu=0 found=0 invalid=1 drop=10 clash_resolve=1 chaintoolong=0',
      'cpu=1 found=0 invalid=1 drop=20 clash_resolve=0 chaintoolong=2',
      'cpu=0 found=0 invalid=2 drop=30 clash_resolve=1 chaintoolong=0',
      'cpu=1 found=0 invalid=2 drop=40 clash_resolve=0 chaintoolong=2',
      '==== 2025-03-02 08:42:10 ====',
      'cpu=0 found=0 invalid=3 drop=50 clash_resolve=1 chaintoolong=0',
    ].join('\n');
    const r = parseText(createConntrackStatsParser(ctx()), text);
    expect(r.rows.filter((x) => x.name === 'nf_conntrack.drop' || x.name === 'nf_conntrack.chainlength')
      .map((x) => [isoUtc(x.ts), x.ts_quality, x.name, x.value])).toEqual([
      ['2025-03-02T08:41:10Z', 'local+tz', 'nf_conntrack.drop', 30],
      ['2025-03-02T08:41:10Z', 'local+tz', 'nf_conntrack.chainlength', 2],
      ['2025-03-02T08:41:10Z', 'local+tz', 'nf_conntrack.drop', 70],
      ['2025-03-02T08:41:10Z', 'local+tz', 'nf_conntrack.chainlength', 2],
      ['2025-03-02T08:42:10Z', 'local+tz', 'nf_conntrack.drop', 50],
      ['2025-03-02T08:42:10Z', 'local+tz', 'nf_conntrack.chainlength', 0],
    ]);
    expect(r.rows.find((x) => x.name === 'nf_conntrack.clashres')?.value).toBe(1);
  });
});

describe('sniffing', () => {
  it('knows a stat table and conntrack -S, not softnet_stat', () => {
    expect(looksLikeProcNetStat(`${CT_HEADER}\n0000a3f1  00000000 00000000 00000000 0000001c 00000000 00000000 00000000 00000000 00000000 0000031a 00000000 00000000  00000000 00000000 00000000 00000000\n`)).toBe(true);
    expect(looksLikeProcNetStat('00358fe3 00006283 00000000\n')).toBe(false);
    expect(looksLikeConntrackStats('cpu=0   \tfound=0 invalid=28 insert=0 insert_failed=0 drop=794\n')).toBe(true);
    expect(looksLikeConntrackStats('sockets: used 1\n')).toBe(false);
  });
});

describeRealworld('real-world per-CPU hex files', () => {
  // No /proc/net/stat capture is in the corpus; softnet_stat is the closest shape (hex per CPU,
  // no header) and must be refused line by line, not mistaken for a stat table.
  it('refuses softnet_stat without throwing', () => {
    for (const f of ['procfs/proc/net/softnet_stat', 'procfs/proc/net/softnet_stat.broken']) {
      const text = readFileSync(REAL + f, 'utf8');
      expect(looksLikeProcNetStat(text), f).toBe(false);
      const r = parseText(createProcNetStatParser(ctx({ file: f }), 'softnet_stat'), text);
      expect(r.rows, f).toEqual([]);
      expect(r.linesSkipped, f).toBe(r.linesRead);
    }
    const r = parseText(createProcNetStatParser(ctx(), 'softnet_stat'), readFileSync(REAL + 'procfs/proc/net/softnet_stat', 'utf8'));
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([1, 2, 3, 4, 5].map((n) => ['procstat-no-header', n]));
  });
});
