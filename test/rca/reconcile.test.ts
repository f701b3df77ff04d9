import { describe, expect, it } from 'vitest';
import { reconcile, type CounterBurst, type CounterRemainder, type LoggedEpisode } from '../../src/rca/reconcile.js';

const ep = (over: Partial<LoggedEpisode>): LoggedEpisode => ({
  host: 'h1', kind: 'tcp_timewait_overflow', episode: 1, start: '2026-05-12T09:00:00Z', end: '2026-05-12T09:00:30Z',
  logged: 10, suppressed: 100, uncertaintyS: 1, netns: null, details: [], ...over,
});
const burst = (over: Partial<CounterBurst>): CounterBurst => ({
  host: 'h1', netns: '', counter: 'TcpExtTCPTimeWaitOverflow', kinds: ['tcp_timewait_overflow'],
  start: '2026-05-12T09:00:00Z', end: '2026-05-12T09:01:00Z', firstTo: '2026-05-12T09:00:10Z', delta: 500, steps: 6, intervalS: 10,
  series: 'proc/timed/3', tail: false, ...over,
});
const rem = (over: Partial<CounterRemainder>): CounterRemainder => ({
  host: 'h1', netns: '', counter: 'TcpExtTCPTimeWaitOverflow', kinds: ['tcp_timewait_overflow'], firstTs: '2026-05-12T08:00:00Z',
  firstValue: 0, samples: 60, series: 'proc/timed/3', ...over,
});
const brief = (r: ReturnType<typeof reconcile>[number]) => [r.kind, r.netns, r.start, r.end, r.logged, r.counterDelta, r.datedBy];

/** Every logged line and every counter increase is in exactly one result. */
function totals(rs: ReturnType<typeof reconcile>) {
  return { logged: rs.reduce((a, r) => a + r.logged, 0), counted: rs.reduce((a, r) => a + (r.counterDelta ?? 0), 0) };
}

describe('reconcile: logged episodes, counter bursts and remainders in time', () => {
  it('a burst inside a logged episode is its counter delta; one 18 minutes away is a finding of its own; the remainder comes undated', () => {
    const episodes = [ep({})];
    const bursts = [burst({}), burst({ start: '2026-05-12T09:18:00Z', end: '2026-05-12T09:19:20Z', firstTo: '2026-05-12T09:18:01Z', delta: 37555, intervalS: 1, netns: 'web' })];
    const rs = reconcile({ episodes, bursts, remainders: [rem({ firstValue: 42 }), rem({ netns: 'web' })], undated: [], windowed: false });
    expect(rs.map(brief)).toEqual([
      ['tcp_timewait_overflow', '', '2026-05-12T09:00:00Z', '2026-05-12T09:01:00Z', 10, 500, 'log+counter'],
      ['tcp_timewait_overflow', 'web', '2026-05-12T09:18:00Z', '2026-05-12T09:19:20Z', 0, 37555, 'counter'],
      ['tcp_timewait_overflow', '', null, null, 0, 42, null],
    ]);
    expect(totals(rs)).toEqual({ logged: 10, counted: 500 + 37555 + 42 });
    // the episode is after the first snapshot (08:00): not part of the remainder
    expect(rs[2]!.before).toEqual([]);
  });

  it('widens an imprecise log by its uncertainty: a line dated 55 s late still meets its burst, and the snapshots date the finding', () => {
    const line = ep({ kind: 'tcp_listen_overflow', start: '2026-05-19T08:41:57Z', end: '2026-05-19T08:41:57Z', logged: 1, suppressed: 0, uncertaintyS: 30 });
    const b = burst({ counter: 'TcpExtListenOverflows', kinds: ['tcp_listen_overflow'], start: '2026-05-19T08:41:00Z', end: '2026-05-19T08:42:00Z', firstTo: '2026-05-19T08:41:01Z', delta: 70688, intervalS: 1, netns: 'lq' });
    const rs = reconcile({ episodes: [line], bursts: [b], remainders: [], undated: [], windowed: false });
    expect(rs.map(brief)).toEqual([['tcp_listen_overflow', 'lq', '2026-05-19T08:41:00Z', '2026-05-19T08:42:00Z', 1, 70688, 'log+counter']]);
    expect(rs[0]!.uncertaintyS).toBe(1);
    // the same line 3 minutes after the burst, precise: two findings
    const far = reconcile({ episodes: [{ ...line, start: '2026-05-19T08:45:00Z', end: '2026-05-19T08:45:00Z', uncertaintyS: 1 }], bursts: [b], remainders: [], undated: [], windowed: false });
    expect(far.map((r) => r.datedBy)).toEqual(['log', 'counter']);
  });

  it('a precise log line inside the first snapshot interval narrows the start; an episode of another kind or namespace does not take the burst', () => {
    const e = ep({ start: '2026-05-12T09:00:04Z', end: '2026-05-12T09:00:20Z', uncertaintyS: 0.001 });
    const rs = reconcile({ episodes: [e], bursts: [burst({})], remainders: [], undated: [], windowed: false });
    expect(rs.map((r) => [r.start, r.end])).toEqual([['2026-05-12T09:00:04Z', '2026-05-12T09:01:00Z']]);
    const other = reconcile({ episodes: [ep({ kind: 'conntrack_table_full' }), ep({ episode: 2, netns: 'blue' })], bursts: [burst({ netns: 'red' })], remainders: [], undated: [], windowed: false });
    expect(other.map((r) => [r.kind, r.netns, r.datedBy])).toEqual([
      ['conntrack_table_full', null, 'log'], ['tcp_timewait_overflow', 'blue', 'log'], ['tcp_timewait_overflow', 'red', 'counter'],
    ]);
  });

  it('a counter two kinds share goes to the one that was logged then, else to its first kind', () => {
    const shared = { counter: 'TcpExtTCPAbortOnMemory', kinds: ['tcp_socket_memory', 'tcp_orphan_overflow'] } as Partial<CounterBurst>;
    const rs = reconcile({
      episodes: [ep({ kind: 'tcp_orphan_overflow' })],
      bursts: [burst(shared), burst({ ...shared, start: '2026-05-12T12:00:00Z', end: '2026-05-12T12:05:00Z', firstTo: '2026-05-12T12:00:10Z', delta: 7 })],
      remainders: [], undated: [], windowed: false,
    });
    expect(rs.map((r) => [r.kind, r.counterDelta, r.datedBy])).toEqual([['tcp_orphan_overflow', 500, 'log+counter'], ['tcp_socket_memory', 7, 'counter']]);
  });

  it('undated lines count when nothing of their kind is dated, else are named as likely copies; a window leaves undated evidence out', () => {
    const undated = [{ host: 'h1', kind: 'tcp_timewait_overflow' as const, logged: 4, suppressed: 0, paths: 'dmesg.txt' },
      { host: 'h2', kind: 'tcp_timewait_overflow' as const, logged: 3, suppressed: 9, paths: 'paste.txt' }];
    const rs = reconcile({ episodes: [ep({})], bursts: [], remainders: [rem({ firstValue: 5 })], undated, windowed: false });
    expect(rs.map((r) => [r.host, r.logged, r.counterDelta, r.undated?.paths ?? null])).toEqual([
      ['h1', 10, null, 'dmesg.txt'], ['h2', 3, null, 'paste.txt'], ['h1', 0, 5, null],
    ]);
    expect(rs[2]!.before.map((e) => e.start)).toEqual([]);
    const windowed = reconcile({ episodes: [ep({})], bursts: [], remainders: [rem({ firstValue: 5 })], undated, windowed: true });
    expect(windowed.length).toBe(1);
  });

  it('a remainder whose first snapshot comes after logged episodes names them (its count includes them)', () => {
    const rs = reconcile({ episodes: [ep({})], bursts: [], remainders: [rem({ firstTs: '2026-05-12T10:00:00Z', firstValue: 900, samples: 1 })], undated: [], windowed: false });
    expect(rs.map((r) => [r.datedBy, r.counterDelta])).toEqual([['log', null], [null, 900]]);
    expect(rs[1]!.before.map((e) => e.start)).toEqual(['2026-05-12T09:00:00Z']);
  });
});
