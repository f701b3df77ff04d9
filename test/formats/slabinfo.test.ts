import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSlabinfoParser, looksLikeSlabinfo, TIMEWAIT_CACHES } from '../../src/formats/slabinfo/parser.js';
import { parseText } from '../../src/formats/kit/lines.js';
import type { ParseContext, SlabSampleRow } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD as REAL, describeRealworld } from '../helpers.js';

const COLLECTED = Date.UTC(2025, 2, 2, 9, 0, 0) * 1000;
const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'slabinfo', host: 'web01', tz: 'Europe/Berlin', snapshotTs: COLLECTED, ...over,
});
const brief = (r: SlabSampleRow) => ({ ...r, ts: isoUtc(r.ts) });

describe('slabinfo 2.1', () => {
  it('reads SLUB rows positionally and reports a broken line', () => {
    const text = [
      'slabinfo - version: 2.1',
      '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
      'tw_sock_TCPv6         48     48    248   16    1 : tunables    0    0    0 : slabdata      3      3      0',
      'tw_sock_TCP         1120   1120    248   16    1 : tunables    0    0    0 : slabdata     70     70      0',
      'request_sock_TCP      x     51    304   26    2 : tunables    0    0    0 : slabdata      2      2      0',
    ].join('\n');
    const r = parseText(createSlabinfoParser(ctx()), text);
    expect(r.rows.map(brief)).toEqual([
      { host: 'web01', ts: '2025-03-02T09:00:00Z', ts_quality: 'collection-time', cache: 'tw_sock_TCPv6',
        active_objs: 48, num_objs: 48, objsize: 248, objperslab: 16, pagesperslab: 1, active_slabs: 3, num_slabs: 3 },
      { host: 'web01', ts: '2025-03-02T09:00:00Z', ts_quality: 'collection-time', cache: 'tw_sock_TCP',
        active_objs: 1120, num_objs: 1120, objsize: 248, objperslab: 16, pagesperslab: 1, active_slabs: 70, num_slabs: 70 },
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['slabinfo-bad-line', 5]]);
    expect(r.linesRead).toBe(5);
    expect(r.linesSkipped).toBe(1);
  });

  it('ignores statistics groups of a SLAB (statistics) build', () => {
    const text = [
      'slabinfo - version: 2.1 (statistics)',
      'tw_sock_TCP        31840  31984    256   16    1 : tunables  120   60    8 : slabdata   1999   1999      0 : globalstat  123456  32000  2100   12    0    1    0    0    0 : cpustat 1000 200 300 40',
    ].join('\n');
    const r = parseText(createSlabinfoParser(ctx()), text);
    expect(r.rows.map((x) => [x.cache, x.active_objs, x.num_objs, x.objsize, x.objperslab, x.active_slabs, x.num_slabs]))
      .toEqual([['tw_sock_TCP', 31840, 31984, 256, 16, 1999, 1999]]);
    expect(r.issues).toEqual([]);
  });
});

describe('slabinfo 1.1 and 2.0', () => {
  it('reads 2.4 kernels (no column header, : limit batchcount)', () => {
    const text = [
      'slabinfo - version: 1.1 (SMP)',
      'kmem_cache            80     80    244    5    5    1 :  252  126',
      'tcp_tw_bucket         60     60    128    2    2    1 :  252  126',
      'size-32(DMA)           2    113     32    1    1    1 :  252  126',
      'tcp_open_request      60     60',
    ].join('\n');
    const r = parseText(createSlabinfoParser(ctx()), text);
    expect(r.rows.map((x) => [x.cache, x.active_objs, x.num_objs, x.objsize, x.objperslab, x.pagesperslab, x.active_slabs, x.num_slabs]))
      .toEqual([
        ['kmem_cache', 80, 80, 244, null, 1, 5, 5],
        ['tcp_tw_bucket', 60, 60, 128, null, 1, 2, 2],
        ['size-32(DMA)', 2, 113, 32, null, 1, 1, 1],
      ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['slabinfo-bad-line', 5]]);
  });

  it('reads 2.0 like 2.1 (only the tunables labels differ)', () => {
    const text = [
      'slabinfo - version: 2.0',
      '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <batchcount> <limit> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
      'tcp_tw_bucket        412    451     96   41    1 : tunables  120   60    0 : slabdata     11     11      0',
    ].join('\n');
    const r = parseText(createSlabinfoParser(ctx()), text);
    expect(r.rows.map((x) => [x.cache, x.active_objs, x.num_objs, x.objsize, x.objperslab, x.pagesperslab, x.active_slabs, x.num_slabs]))
      .toEqual([['tcp_tw_bucket', 412, 451, 96, 41, 1, 11, 11]]);
  });
});

describe('slabtop -o', () => {
  it('skips the summary and reads the table (OBJ SIZE in K → bytes)', () => {
    const text = [
      ' Active / Total Objects (% used)    : 339922 / 382817 (88.8%)',
      ' Active / Total Slabs (% used)      : 11862 / 11862 (100.0%)',
      ' Active / Total Caches (% used)     : 106 / 151 (70.2%)',
      ' Active / Total Size (% used)       : 84478.91K / 96893.29K (87.2%)',
      ' Minimum / Average / Maximum Object : 0.01K / 0.25K / 16.00K',
      '',
      '  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME',
      ' 31984  31840  99%    0.25K   1999       16      7996K tw_sock_TCP',
      '  1120   1120 100%    0.24K     70       16       280K tw_sock_TCPv6',
      '  1120   1120 100%    0.24K     70',
    ].join('\n');
    const r = parseText(createSlabinfoParser(ctx()), text);
    expect(r.rows.map(brief)).toEqual([
      { host: 'web01', ts: '2025-03-02T09:00:00Z', ts_quality: 'collection-time', cache: 'tw_sock_TCP',
        active_objs: 31840, num_objs: 31984, objsize: 256, objperslab: 16, pagesperslab: null, active_slabs: null, num_slabs: 1999 },
      { host: 'web01', ts: '2025-03-02T09:00:00Z', ts_quality: 'collection-time', cache: 'tw_sock_TCPv6',
        active_objs: 1120, num_objs: 1120, objsize: 246, objperslab: 16, pagesperslab: null, active_slabs: null, num_slabs: 70 },
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['slabinfo-bad-line', 10]]);
  });
});

describe('snapshot logs', () => {
  it('stamps each dump with the line before it', () => {
    const text = [
      'Sun Mar  2 08:41:10 CET 2025',
      'slabinfo - version: 2.1',
      'tw_sock_TCP        31840  31984    256   16    1 : tunables    0    0    0 : slabdata   1999   1999      0',
      '==== 2025-03-02T07:42:10Z ====',
      'slabinfo - version: 2.1',
      'tw_sock_TCP        32768  32768    256   16    1 : tunables    0    0    0 : slabdata   2048   2048      0',
      '+ sleep 60',
    ].join('\n');
    const r = parseText(createSlabinfoParser(ctx()), text);
    expect(r.rows.map((x) => [isoUtc(x.ts), x.ts_quality, x.active_objs])).toEqual([
      ['2025-03-02T07:41:10Z', 'local+tz', 31840],
      ['2025-03-02T07:42:10Z', 'exact', 32768],
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['slabinfo-bad-line', 7]]);
  });

  it('skips rows with neither a stamp nor a collection time, with one issue', () => {
    const text = [
      'slabinfo - version: 2.1',
      'tw_sock_TCP        31840  31984    256   16    1 : tunables    0    0    0 : slabdata   1999   1999      0',
      'TCP                  312    330   2240   14    8 : tunables    0    0    0 : slabdata     24     24      0',
      '1741000870',
      'tw_sock_TCP        32768  32768    256   16    1 : tunables    0    0    0 : slabdata   2048   2048      0',
    ].join('\n');
    const r = parseText(createSlabinfoParser(ctx({ snapshotTs: null })), text);
    expect(r.rows.map((x) => [isoUtc(x.ts), x.ts_quality, x.cache, x.active_objs]))
      .toEqual([['2025-03-03T11:21:10Z', 'exact', 'tw_sock_TCP', 32768]]);
    expect(r.issues.map((i) => [i.code, i.line, i.severity])).toEqual([['no-timestamp', 2, 'error']]);
    expect(r.issues[0]!.expected).toContain('2 line(s) without a timestamp skipped');
    expect(r.linesSkipped).toBe(2);
  });

  it('skips a line longer than 1 MB', () => {
    const r = parseText(createSlabinfoParser(ctx()), 'slabinfo - version: 2.1\n' + 'x'.repeat(2_000_000));
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['line-too-long', 2]]);
  });
});

describe('looksLikeSlabinfo', () => {
  it('knows slabinfo and slabtop, not sockstat or sysctl', () => {
    expect(looksLikeSlabinfo('slabinfo - version: 2.1\n# name ...\n')).toBe(true);
    expect(looksLikeSlabinfo('Mon Mar  9 14:20:02 CET 2026\nslabinfo - version: 1.1 (SMP)\n')).toBe(true);
    expect(looksLikeSlabinfo(' Active / Total Objects (% used)    : 1 / 2 (50.0%)\n\n  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n')).toBe(true);
    expect(looksLikeSlabinfo('sockets: used 1840\nTCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196\n')).toBe(false);
    expect(looksLikeSlabinfo('net.ipv4.tcp_max_tw_buckets = 262144\n')).toBe(false);
  });
  it('exports the timewait cache names', () => {
    expect([...TIMEWAIT_CACHES]).toEqual(['tw_sock_TCP', 'tw_sock_TCPv6', 'tcp_tw_bucket']);
  });
});

describeRealworld('real-world slabinfo files', () => {
  const parse = (rel: string) => parseText(createSlabinfoParser(ctx({ file: rel })), readFileSync(REAL + rel, 'utf8'));
  const tw = (rows: SlabSampleRow[]) => rows.filter((r) => (TIMEWAIT_CACHES as readonly string[]).includes(r.cache))
    .map((r) => [r.cache, r.active_objs, r.num_objs, r.objsize]);

  it('parses every file without issues', () => {
    const files = [
      ...readdirSync(REAL + 'slabinfo').map((f) => 'slabinfo/' + f),
      ...['kubernetes', 'openstack'].map((h) => `hotsos/${h}/proc/slabinfo`),
    ];
    for (const f of files) {
      const text = readFileSync(REAL + f, 'utf8');
      expect(looksLikeSlabinfo(text.slice(0, 65536)), f).toBe(true);
      const r = parse(f);
      expect(r.issues, f).toEqual([]);
      expect(r.rows.length, f).toBeGreaterThan(60);
    }
  });

  it('finds the exact timewait caches', () => {
    let r = parse('slabinfo/linux-2.4.20-smp_v1.1-smp_tcp_tw_bucket.slabinfo');
    expect(r.rows.length).toBe(69);
    expect(tw(r.rows)).toEqual([['tcp_tw_bucket', 60, 60, 128]]);
    r = parse('slabinfo/linux-2.6.8-era_v2.0_tcp_tw_bucket.slabinfo');
    expect(r.rows.length).toBe(105);
    expect(tw(r.rows)).toEqual([['tcp_tw_bucket', 0, 0, 96]]);
    r = parse('slabinfo/linux-2.6.2x-slab_v2.1_tw_sock_TCP_filp-leak.slabinfo');
    expect(r.rows.length).toBe(167);
    expect(r.rows.find((x) => x.cache === 'filp')?.active_objs).toBe(3203330);
    r = parse('slabinfo/linux-5.4.0-97-ubuntu_v2.1_slub_hotsos-openstack.slabinfo');
    expect(r.rows.length).toBe(223);
    expect(tw(r.rows)).toEqual([['tw_sock_TCPv6', 48, 48, 248], ['tw_sock_TCP', 1120, 1120, 248]]);
    r = parse('slabinfo/linux-unknown_v2.1_slub_prometheus-procfs.slabinfo');
    expect(r.rows.length).toBe(300);
    expect(tw(r.rows)).toEqual([['tw_sock_TCPv6', 0, 0, 576], ['tw_sock_TCP', 1, 56, 576]]);
    r = parse('slabinfo/linux-5.4.0-99-ubuntu_cgroupv1_memory.kmem.slabinfo');
    expect(r.rows.length).toBe(291);
    expect(r.rows[0]).toMatchObject({ cache: 'radix_tree_node', active_objs: 3, num_objs: 28, objsize: 584 });
    r = parse('hotsos/kubernetes/proc/slabinfo');
    expect(tw(r.rows)).toEqual([['tw_sock_TCPv6', 416, 416, 248], ['tw_sock_TCP', 48, 48, 248]]);
  });
});
