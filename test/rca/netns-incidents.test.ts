import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeNetnsIncidents } from '../../src/samples/netns-incidents.js';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca, type Finding, type RcaReport } from '../../src/rca/findings.js';
import { renderMarkdown } from '../../src/rca/render.js';
import { runCli, tempDir } from '../helpers.js';
import { expectAccounted } from './accounting.js';

type Written = Awaited<ReturnType<typeof writeNetnsIncidents>>;

/**
 * The two real incidents of issue 15, regenerated (src/samples/netns-incidents.ts): evidence
 * inside a network namespace, a sosreport taken inside it, 1-second snapshot logs taken with
 * `ip netns exec`, an unrelated logged line 18 minutes before the counter-only burst, and a
 * listen flood whose limit is the application's backlog.
 */
describe('incidents inside a network namespace (issue 15)', () => {
  const t = tempDir();
  let w: Written;
  const stores: Store[] = [];
  let twRca: RcaReport;
  let twJson: RcaReport;
  let twWebOnly: RcaReport;
  let lqRca: RcaReport;
  let lqUptimeRca: RcaReport;

  /** A support engineer's case: the bundle, then the side files captured in the namespace. */
  async function ingestCase(name: string, bundle: string, side: string[], netns: string): Promise<Store> {
    const s = await openStore(join(t.dir, `${name}.duckdb`));
    stores.push(s);
    const res = [...await ingestPaths(s, [bundle]), ...await ingestPaths(s, side, { netns })];
    expect(res.map((r) => r.status)).toEqual(res.map(() => 'loaded'));
    return s;
  }

  beforeAll(async () => {
    w = await writeNetnsIncidents(join(t.dir, 'case'));
    const f = w.files;
    const tw = await ingestCase('tw', f.twBundle, [f.twNetstat, f.twSockstat, f.twSs], 'web');
    twRca = await buildRca(tw);
    await expectAccounted(tw, twRca);
    // the command line's JSON is the same answer (the database closed first: the CLI opens it read-only)
    tw.close();
    stores.splice(stores.indexOf(tw), 1);
    const cli = await runCli(['rca', '--db', join(t.dir, 'tw.duckdb'), '--format', 'json']);
    expect(cli.code).toBe(0);
    twJson = JSON.parse(cli.out) as RcaReport;
    const ns = await runCli(['rca', '--db', join(t.dir, 'tw.duckdb'), '--format', 'json', '--netns', 'web']);
    twWebOnly = JSON.parse(ns.out) as RcaReport;
    const lq = await ingestCase('lq', f.lqBundle, [f.lqNstat, f.lqSsL, f.lqSs], 'lq');
    lqRca = await buildRca(lq);
    await expectAccounted(lq, lqRca);
    const lqu = await ingestCase('lqu', f.lqUptimeBundle, [f.lqNstat, f.lqSsL, f.lqSs], 'lq');
    lqUptimeRca = await buildRca(lqu);
    await expectAccounted(lqu, lqUptimeRca);
  }, 180_000);
  afterAll(() => {
    for (const s of stores) s.close();
    t.cleanup();
  });

  describe('A: a counter-only TIME_WAIT burst next to an unrelated logged line', () => {
    it('gives exactly one finding for the burst, in the namespace, dated to the snapshot, against the namespace limit', () => {
      const tr = w.truth.tw618;
      const burst = twRca.findings.filter((x) => x.host === 'tw618' && x.events.counter_delta != null);
      expect(burst.length).toBe(1);
      const f = burst[0]!;
      expect({ kind: f.kind, netns: f.netns, start: f.start, end: f.end, dated_by: f.dated_by, time_uncertainty_s: f.time_uncertainty_s }).toEqual({
        kind: 'tcp_timewait_overflow', netns: 'web', start: tr.overflow_counter.first_rise.from, end: tr.overflow_counter.last_rise.to,
        dated_by: 'counter', time_uncertainty_s: 1,
      });
      expect(f.events).toMatchObject({ logged: 0, suppressed: 0, counter_delta: tr.overflow_counter.total, counter: 'TcpExtTCPTimeWaitOverflow', estimated_total: tr.overflow_counter.total });
      // the 1-second log is the series (not the bundle's collection-time snapshot)
      expect(f.events.counter_series).toMatch(/^\d+ proc snapshots every 1 s in .*netstat\.log$/);
      expect({ name: f.limit.name, value: f.limit.value, peak: f.limit.peak, ratio: f.limit.ratio, note: f.limit.note }).toEqual({
        name: 'net.ipv4.tcp_max_tw_buckets', value: 512, peak: 512, ratio: 1, note: null,
      });
      expect(f.limit.peak_at).toBe(tr.timewait_population.first_at_peak);
    });

    it('the trigger is the real spike of outgoing connections, from the same 1-second snapshots', () => {
      const tr = w.truth.tw618;
      const f = twRca.findings.find((x) => x.host === 'tw618' && x.events.counter_delta != null)!;
      expect(f.trigger).toMatchObject({ metric: 'active_opens_per_s', spiked: true, origin: 'proc', peak: tr.active_opens.peak_per_s, start: tr.active_opens.spike_start });
      // the baseline is the median of the seconds before (the generator's figure is their mean)
      expect(Math.abs(f.trigger!.baseline! - tr.active_opens.baseline_per_s)).toBeLessThan(1);
      // the spike started with the first overflow second, not after it (the collection-time snapshot is not in the series)
      expect(f.trigger!.lead_seconds).toBe(0);
      expect(f.top_peers[0]).toMatchObject({ peer: tr.top_peer.peer, side: 'client' });
      expect(f.top_peers[0]!.share).toBeCloseTo(tr.top_peer.share, 2); // another snapshot with 512 TIME-WAIT than the generator's
      expect(f.recommendations.map((r) => r.id)).toContain('connection-reuse');
    });

    it('gives one finding for the earlier logged line, with its suppressed count, before the burst', () => {
      const tr = w.truth.tw618.earlier_logged_line;
      const logged = twRca.findings.filter((x) => x.host === 'tw618' && x.events.logged > 0);
      expect(logged.map((f) => ({ kind: f.kind, logged: f.events.logged, suppressed: f.events.suppressed, counter_delta: f.events.counter_delta, dated_by: f.dated_by })))
        .toEqual([{ kind: 'tcp_timewait_overflow', logged: 1, suppressed: tr.suppressed, counter_delta: null, dated_by: 'log' }]);
      expect(Math.abs(Date.parse(logged[0]!.start!) - Date.parse(tr.at))).toBeLessThan(1000);
      // two findings on the host, in time order: the logged line, then the burst
      expect(twRca.findings.filter((x) => x.host === 'tw618').map((x) => x.dated_by)).toEqual(['log', 'counter']);
    });

    it('rca --format json gives the same findings; --netns web keeps the burst only', () => {
      expect(twJson.findings).toEqual(twRca.findings);
      expect(twWebOnly.findings.map((f) => [f.netns, f.dated_by, f.events.counter_delta])).toEqual([['web', 'counter', w.truth.tw618.overflow_counter.total]]);
    });

    it('says where the data came from: the namespace named, the 1 s series, the limit of the namespace', () => {
      const md = renderMarkdown(twRca);
      expect(md).toContain('tw618 (netns web): TCP TIME_WAIT bucket table overflow');
      expect(md).toContain(`| Counter delta | ${w.truth.tw618.overflow_counter.total.toLocaleString('en-US')} (TcpExtTCPTimeWaitOverflow; `);
    });
  });

  describe('B: a listen flood against the application\'s backlog', () => {
    for (const variant of ['btime', 'uptime'] as const) {
      it(`one finding: the listener, backlog 16 from the application, peak queue 17, the dated rise, the clients and the logged line (boot from ${variant})`, () => {
        const tr = w.truth.lq618;
        const rca = variant === 'btime' ? lqRca : lqUptimeRca;
        const fs = rca.findings.filter((x) => x.host === 'lq618');
        expect(fs.map((x) => x.kind)).toEqual(['tcp_listen_overflow']);
        const f: Finding = fs[0]!;
        expect({ netns: f.netns, start: f.start, end: f.end, dated_by: f.dated_by }).toEqual({
          netns: 'lq', start: tr.listen_overflows.first_rise.from, end: tr.listen_overflows.last_rise.to, dated_by: 'log+counter',
        });
        expect(f.events).toMatchObject({ logged: 1, suppressed: 0, counter: 'TcpExtListenOverflows', counter_delta: tr.listen_overflows.total });
        expect(f.listener).toEqual({
          address: '10.201.0.1', port: 8080, process: 'slowsrv/4242', backlog: 16, backlog_set_by: 'application', somaxconn: 64,
          peak_queue: 17, peak_queue_at: expect.any(String), full_snapshots: expect.any(Number), snapshots: expect.any(Number), source: null,
        });
        expect(f.listener!.full_snapshots).toBe(60);
        expect({ name: f.limit.name, value: f.limit.value, peak: f.limit.peak }).toEqual({ name: 'listen() backlog of 10.201.0.1:8080', value: 16, peak: 17 });
        expect(f.top_peers.map((p) => p.peer)).toEqual(['10.201.0.10', '10.201.0.11', '10.201.0.12']);
        expect(f.top_peers[0]!.share).toBeGreaterThan(0.65);
        expect(f.trigger).toMatchObject({ metric: 'incoming_attempts_per_s', spiked: true, start: tr.listen_overflows.first_rise.from });
        expect(f.trigger!.peak).toBeGreaterThan(1000);
        expect(f.recommendations.map((r) => r.id)).toEqual(['app-backlog', 'slow-acceptor']);
        expect(f.evidence.map((e) => e.detail).join('\n')).toMatch(/TcpExtListenDrops rose by \d+ over the same interval/);
      });
    }
  });
});
