import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeScenarios } from '../../src/samples/scenarios.js';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca, type Finding, type RcaReport } from '../../src/rca/findings.js';
import { renderMarkdown } from '../../src/rca/render.js';
import { runSql } from '../../src/report/catalogue.js';
import { tempDir } from '../helpers.js';
import { expectAccounted } from './accounting.js';

/**
 * Generated incidents with known truth (src/samples/scenarios.ts). Tolerances: episode bounds
 * exact (they come from log stamps); trigger start within one sar interval (10 min) — here
 * exact, because the generator steps the rate on an interval boundary; shares to 0.001.
 */
describe('root cause on generated incidents', () => {
  const t = tempDir();
  let store: Store;
  let rca: RcaReport;
  let truth: Record<string, any>;
  const one = (host: string, kind = 'tcp_timewait_overflow'): Finding => {
    const f = rca.findings.filter((x) => x.host === host && x.kind === kind && x.start != null);
    expect(f.length, `${host} ${kind}`).toBe(1);
    return f[0]!;
  };

  beforeAll(async () => {
    truth = await writeScenarios(join(t.dir, 'case'));
    store = await openStore(join(t.dir, 'rca.duckdb'));
    await ingestPaths(store, [join(t.dir, 'case')]);
    rca = await buildRca(store);
  });
  afterAll(() => {
    store?.close();
    t.cleanup();
  });

  it('client-side flood: active opens spiked before the episode; the database peer holds the TIME-WAIT', () => {
    const f = one('client1');
    const tr = truth.client1;
    expect([f.start, f.end, f.events.logged, f.events.suppressed]).toEqual([tr.start, tr.end, tr.logged, tr.suppressed]);
    expect([f.limit.value, f.limit.peak]).toEqual([tr.limit, tr.limit]);
    expect(f.trigger).toMatchObject({ ...tr.trigger, spiked: true });
    expect(f.top_peers[0]).toMatchObject({ peer: tr.top_peer.peer, side: 'client' });
    expect(f.top_peers[0]!.share).toBeCloseTo(tr.top_peer.share, 3);
    expect(f.recommendations.map((r) => r.id)).toEqual(tr.recommendations);
  });

  it('server-side flood: passive opens spiked; TIME-WAIT sits on its own port 80; no tcp_tw_reuse advice', () => {
    const f = one('server1');
    const tr = truth.server1;
    expect([f.start, f.end, f.events.logged, f.events.suppressed]).toEqual([tr.start, tr.end, tr.logged, tr.suppressed]);
    expect(f.trigger).toMatchObject({ ...tr.trigger, spiked: true });
    expect(f.top_peers[0]).toMatchObject({ peer: tr.top_peer.peer, side: 'server', local_port: 80 });
    expect(f.top_peers[0]!.share).toBeCloseTo(tr.top_peer.share, 3);
    expect(f.recommendations.map((r) => r.id)).toEqual(tr.recommendations);
  });

  it('two episodes on one host are two findings', () => {
    const fs = rca.findings.filter((x) => x.host === 'twice1');
    expect(fs.map((f) => ({ start: f.start, end: f.end, logged: f.events.logged, suppressed: f.events.suppressed }))).toEqual(truth.twice1.episodes);
  });

  it('counter-only overflow: dated by the snapshots, lead from the nstat rate; the earlier count stands undated', () => {
    const fs = rca.findings.filter((x) => x.host === 'counter1');
    const tr = truth.counter1;
    const dated = fs.find((f) => f.start != null)!;
    expect([dated.start, dated.end, dated.events.logged, dated.events.counter_delta]).toEqual([tr.dated.start, tr.dated.end, 0, tr.dated.counter_delta]);
    expect(dated.trigger).toMatchObject({ ...tr.dated.trigger, spiked: true });
    const undated = fs.find((f) => f.start == null)!;
    expect([undated.end, undated.events.counter_delta, undated.trigger]).toEqual([null, tr.before_first_snapshot, null]);
    expect(fs.length).toBe(2);
  });

  it('conntrack table full: limit and population from the bundle', () => {
    const f = one('nat1', 'conntrack_table_full');
    const tr = truth.nat1;
    expect([f.start, f.end, f.events.logged, f.events.suppressed]).toEqual([tr.start, tr.end, tr.logged, tr.suppressed]);
    expect({ name: f.limit.name, value: f.limit.value, peak: f.limit.peak }).toEqual(tr.limit);
    expect(f.recommendations.map((r) => r.id)).toEqual(tr.recommendations);
  });

  it('every counter increase and every logged line is in exactly one finding', async () => {
    const checked = await expectAccounted(store, rca);
    expect(checked.counters).toBeGreaterThanOrEqual(7);
    expect(checked.kinds).toBeGreaterThanOrEqual(5);
  });

  it('the Markdown opens with every finding ranked by estimated total, linking to its section; sections stay in host and time order', () => {
    const md = renderMarkdown(rca);
    const summary = md.split('## Summary: largest first')[1]!.split('## Findings')[0]!;
    const rows = [...summary.matchAll(/^\| \[(\d+)\]\(#finding-(\d+)\) \| (\S+) .*? \| ([\d,]+) \|/gm)].map((m) => ({ n: Number(m[1]), host: m[3], total: Number(m[4]!.replace(/,/g, '')) }));
    expect(rows.length).toBe(rca.findings.length);
    expect(rows.map((r) => r.total)).toEqual([...rows.map((r) => r.total)].sort((a, b) => b - a));
    for (const r of rows) {
      expect(md).toContain(`<a id="finding-${r.n}"></a>`);
      expect(rca.findings[r.n - 1]!.host).toBe(r.host);
      expect(rca.findings[r.n - 1]!.events.estimated_total).toBe(r.total);
    }
    // report order: host, then dated by start, then undated
    const order = rca.findings.map((f) => [f.host, f.start == null ? 1 : 0, f.start ?? '']);
    expect(order).toEqual([...order].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]) || String(a[2]).localeCompare(String(b[2]))));
  });

  it('a healthy host has no finding', () => {
    expect(rca.findings.filter((f) => f.host === 'quiet1')).toEqual([]);
    expect(rca.hosts.map((h) => h.host)).toContain('quiet1');
  });

  it('no rate data: says so instead of claiming "no spike"', () => {
    const f = one('norate1');
    expect([f.start, f.end, f.events.logged, f.trigger]).toEqual([truth.norate1.start, truth.norate1.end, truth.norate1.logged, null]);
    expect(f.trigger_note).toMatch(/^no connection-rate data for this host/);
    expect(renderMarkdown(rca)).toContain('| Trigger | no connection-rate data for this host');
  });

  it('a fleet is reported host by host, and --host narrows it', async () => {
    expect([...new Set(rca.findings.map((f) => f.host))]).toEqual(['client1', 'counter1', 'nat1', 'norate1', 'server1', 'twice1']);
    const only = await buildRca(store, { host: 'server1' });
    expect(only.findings.map((f) => f.host)).toEqual(['server1']);
  });

  it('the alignment view puts population, limit and rates beside each episode minute', async () => {
    const { rows } = await runSql(store, `SELECT minute::VARCHAR AS minute, logged, population, limit_value, active_opens_per_s
      FROM episode_alignment WHERE host = 'client1' AND minute IN ('2026-04-14 14:05:00+00', '2026-04-14 14:10:00+00') ORDER BY minute`);
    // 14:05: the last tcp-tw gauge (14:00:01) was still low; the rate in force is the 14:00:01–14:10:01 interval's
    expect(rows).toEqual([
      { minute: '2026-04-14 14:05:00+00', logged: 40, population: 3000, limit_value: 32768, active_opens_per_s: 1900 },
      { minute: '2026-04-14 14:10:00+00', logged: 40, population: 32768, limit_value: 32768, active_opens_per_s: 1900 },
    ]);
  });
});
