import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/report/catalogue.js';
import { buildRca } from '../../src/rca/findings.js';
import { renderMarkdown } from '../../src/rca/render.js';
import { SLAB_NOTE } from '../../src/rca/phrases.js';
import { mdUnescape } from '../../src/report/safe.js';
import { freshStore, source, sysctl } from './fixture.js';

const ov = (host: string, ts: string, line: number) =>
  `INSERT INTO overflow_events (host, ts, ts_quality, kind, count, suppressed, message, source_id, line_no) VALUES ('${host}', '${ts}+00', 'exact', 'tcp_timewait_overflow', 1, false, 'TCP: time wait bucket table overflow', 1, ${line})`;
const tw = (host: string, ts: string, value: number) =>
  `INSERT INTO counter_samples (host, ts, ts_quality, origin, name, value, semantics, source_id) VALUES ('${host}', '${ts}+00', 'exact', 'sockstat', 'sockstat.TCP.tw', ${value}, 'gauge', 2)`;
const slab = (host: string, ts: string, active: number) =>
  `INSERT INTO slab_samples (host, ts, ts_quality, cache, active_objs, num_objs, objsize, source_id) VALUES ('${host}', '${ts}+00', 'exact', 'tw_sock_TCP', ${active}, ${active + 100}, 256, 3)`;
const hostRow = (h: string) => `INSERT INTO hosts (host, kernel, timezone, collected_at) VALUES ('${h}', '5.14.0', 'UTC', '2026-03-01 12:00:00+00')`;

/**
 * tcp_max_tw_buckets = 1000 on both hosts; slabinfo shows 1156 tw_sock_TCP objects at the
 * overflow (slab objects count free slots too). exact1 also has sockstat's tw = 1000 (the limit);
 * slab1 has only the slab.
 */
const statements = (h: string, exact: boolean) => [
  hostRow(h), source(1, h, 'syslog', `${h}/messages`), source(2, h, 'sockstat', `${h}/sockstat.log`), source(3, h, 'slabinfo', `${h}/slabinfo.log`),
  sysctl(h, 'net.ipv4.tcp_max_tw_buckets', '1000'),
  ov(h, '2026-03-01 10:00:00', 1), ov(h, '2026-03-01 10:00:30', 2),
  slab(h, '2026-03-01 09:59:00', 900), slab(h, '2026-03-01 10:00:10', 1156),
  ...(exact ? [tw(h, '2026-03-01 09:59:00', 800), tw(h, '2026-03-01 10:00:10', 1000)] : []),
];

describe('a population above its limit is explained, and fleet_summary and rca agree', () => {
  it('with an exact count, both take it (100% of the limit) and fleet_summary says why slab objects read 1.156×', async () => {
    const db = await freshStore([...statements('exact1', true)]);
    try {
      const fleet = (await runReport(db.store, 'fleet_summary', {})).rows;
      expect(fleet.map((r) => [r.host, r.peak_ratio, r.peak_ratio_kind, r.peak_ratio_metric, r.peak_ratio_note])).toEqual([
        ['exact1', 1, 'tcp_timewait_overflow', 'sockstat.TCP.tw',
          'slab objects (slab.tw_sock_TCP) peak at 1.156× the limit: they include free slots; sockstat.TCP.tw peaks at 1000 = 100% of the limit 1000'],
      ]);
      const rca = await buildRca(db.store);
      expect(rca.findings).toHaveLength(1);
      const f = rca.findings[0]!;
      expect([f.limit.peak, f.limit.peak_metric, f.limit.ratio]).toEqual([1000, 'sockstat.TCP.tw', 1]);
      expect(f.sentences!.peak).toBe('1,000 (sockstat.TCP.tw at 2026-03-01T10:00:10Z, 100% of the limit)');
      expect(mdUnescape(renderMarkdown(rca))).toContain(`| Peak population seen | ${f.sentences!.peak} |`);
    } finally {
      db.close();
    }
  });

  it('with slab objects only, both say 1.156× / 116% and both say that slab objects include free slots', async () => {
    const db = await freshStore(statements('slab1', false));
    try {
      const fleet = (await runReport(db.store, 'fleet_summary', {})).rows;
      expect(fleet.map((r) => [r.host, r.peak_ratio, r.peak_ratio_metric, r.peak_ratio_note])).toEqual([
        ['slab1', 1.156, 'slab.tw_sock_TCP',
          'slab objects include free slots of per-CPU slabs and RCU-delayed frees, so they can exceed the limit; no exact count (sockstat tw, sar tcp-tw, ss) in the inputs'],
      ]);
      const f = (await buildRca(db.store)).findings[0]!;
      expect([f.limit.peak, f.limit.peak_metric, f.limit.ratio]).toEqual([1156, 'slab.tw_sock_TCP', 1.156]);
      expect(f.sentences!.peak).toBe(`1,156 (slab.tw_sock_TCP at 2026-03-01T10:00:10Z, 116% of the limit); ${SLAB_NOTE}`);
    } finally {
      db.close();
    }
  });
});
