import type { OverflowKind } from '../signatures.js';

/**
 * Evidence of overflows lined up in time, per host, namespace and kind (issue 15, point 1):
 *
 * - logged episodes (signature lines + ratelimit summaries, overflow_episodes), each with the
 *   time uncertainty of its sources (dmesg dated from a boot time known to the minute, …);
 * - counter bursts: runs of intervals in which a kind's evidence counter rose (counter_steps of
 *   the accounting series, intervals with no rise for more than 10 minutes split them);
 * - remainders: what the counter already held at its first snapshot (counted between boot and
 *   then, at an unknown time; a single snapshot is all remainder: "since boot").
 *
 * A burst that overlaps a logged episode of a kind it can count (the episode widened by its own
 * time uncertainty; the snapshot interval that brackets it is part of the burst) is that
 * episode's counter delta. A burst that overlaps no episode is a finding of its own, dated by the
 * snapshots. A remainder is an undated finding, placed after the dated ones. Nothing is dropped:
 * every logged line and every counter increase ends up in exactly one finding (the invariant the
 * tests check on every scenario).
 *
 * Pure: no database, no clock. evidence.ts loads the evidence, enrich.ts adds the facts.
 */

export interface LoggedEpisode {
  host: string;
  kind: OverflowKind;
  /** Episode number (overflow_episodes.episode). */
  episode: number;
  start: string;
  end: string;
  logged: number;
  suppressed: number;
  /** Of `logged`, lines counted from syslog "last message repeated N times" summaries. */
  repeated?: number;
  /** ± seconds of the lines' times (the largest among its sources), and how that source's times were derived. */
  uncertaintyS: number;
  timeBasis?: string | null;
  /** The namespace the lines point at (a 6.x SYN-flood line names a listener only one namespace has), else null. */
  netns: string | null;
  /** What the lines name (a SYN-flood line's ADDR:PORT or port), distinct. */
  details: string[];
}

export interface CounterBurst {
  host: string;
  netns: string;
  counter: string;
  kinds: OverflowKind[];
  /** The snapshot before the first rise, and the one after the last. */
  start: string;
  end: string;
  /** The snapshot that first showed the rise (the first overflow lies in (start, firstTo]). */
  firstTo: string;
  delta: number;
  steps: number;
  intervalS: number | null;
  series: string;
  /** A rise seen only against a snapshot of another series taken around the end (a 'tail' step). */
  tail: boolean;
}

export interface CounterRemainder {
  host: string;
  netns: string;
  counter: string;
  kinds: OverflowKind[];
  firstTs: string;
  firstValue: number;
  /** Snapshots in the accounting series (1 = a single since-boot count). */
  samples: number;
  series: string;
}

export interface UndatedLogged {
  host: string;
  kind: OverflowKind;
  logged: number;
  suppressed: number;
  paths: string;
}

/** One finding's evidence before the facts (limit, peers, trigger) are added. */
export interface Reconciled {
  host: string;
  kind: OverflowKind;
  netns: string | null;
  start: string | null;
  end: string | null;
  logged: number;
  suppressed: number;
  counterDelta: number | null;
  counter: string | null;
  /** How the finding is dated: the log, the counter snapshots, both, or not at all. */
  datedBy: 'log' | 'counter' | 'log+counter' | null;
  /** ± seconds of start / end. */
  uncertaintyS: number | null;
  episode: LoggedEpisode | null;
  bursts: CounterBurst[];
  remainder: CounterRemainder | null;
  /** Lines with no usable time: counted here when nothing of the kind is dated on the host, else only named (likely copies). */
  undated: UndatedLogged | null;
  /** Logged episodes of the same host and kind that lie before a remainder's first snapshot (part of its count). */
  before: LoggedEpisode[];
}

const ms = (iso: string) => Date.parse(iso);
const isoOf = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** Overlap in ms of [a0, a1] and [b0, b1] (negative when apart; 0 when they touch). */
function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.min(a1, b1) - Math.max(a0, b0);
}

/**
 * Logged episodes, counter bursts, remainders and undated lines → findings.
 * `windowed` (a --from / --to was given): undated evidence cannot be placed in the window and is left out.
 */
export function reconcile(input: {
  episodes: LoggedEpisode[];
  bursts: CounterBurst[];
  remainders: CounterRemainder[];
  undated: UndatedLogged[];
  windowed: boolean;
}): Reconciled[] {
  const out: Reconciled[] = [];
  const byEpisode = new Map<LoggedEpisode, Reconciled>();
  for (const e of input.episodes) {
    const r: Reconciled = {
      host: e.host, kind: e.kind, netns: e.netns, start: e.start, end: e.end, logged: e.logged, suppressed: e.suppressed,
      counterDelta: null, counter: null, datedBy: 'log', uncertaintyS: e.uncertaintyS, episode: e, bursts: [], remainder: null, undated: null, before: [],
    };
    byEpisode.set(e, r);
    out.push(r);
  }
  // Bursts in time order, so that an episode takes its bursts first to last.
  const bursts = [...input.bursts].sort((a, b) => a.host.localeCompare(b.host) || a.start.localeCompare(b.start) || a.netns.localeCompare(b.netns));
  for (const b of bursts) {
    const b0 = ms(b.start);
    const b1 = ms(b.end);
    let best: { r: Reconciled; ov: number } | null = null;
    for (const e of input.episodes) {
      if (e.host !== b.host || !b.kinds.includes(e.kind)) continue;
      const r = byEpisode.get(e)!;
      // One namespace per finding: an episode already tied to a namespace takes bursts of that one only.
      if (r.netns != null && r.netns !== b.netns) continue;
      // The log's own uncertainty widens it (at least the 1 s of whole-second stamps).
      const u = Math.max(e.uncertaintyS, 1) * 1000;
      const ov = overlap(ms(e.start) - u, ms(e.end) + u, b0, b1);
      if (ov < 0) continue;
      if (!best || ov > best.ov) best = { r, ov };
    }
    if (best) {
      const r = best.r;
      r.netns = b.netns;
      r.bursts.push(b);
      r.counter = b.counter;
      r.counterDelta = (r.counterDelta ?? 0) + b.delta;
      r.datedBy = 'log+counter';
      continue;
    }
    out.push({
      host: b.host, kind: b.kinds[0]!, netns: b.netns, start: b.start, end: b.end, logged: 0, suppressed: 0,
      counterDelta: b.delta, counter: b.counter, datedBy: 'counter', uncertaintyS: b.intervalS, episode: null, bursts: [b],
      remainder: null, undated: null, before: [],
    });
  }
  // An episode with counter bursts: dated by whichever says more. Snapshots bound the first
  // overflow to (start, firstTo] and the last to before end; a precise log line inside that
  // interval narrows it; an imprecise one only widens it when it certainly lies outside.
  for (const r of out) {
    if (!r.episode || r.bursts.length === 0) continue;
    const e = r.episode;
    const u = e.uncertaintyS * 1000;
    const first = r.bursts[0]!;
    const last = r.bursts[r.bursts.length - 1]!;
    const e0 = ms(e.start);
    const e1 = ms(e.end);
    const cFrom = ms(first.start);
    const cTo = ms(first.firstTo);
    const cEnd = ms(last.end);
    let start: number;
    let end: number;
    if (e.uncertaintyS <= 2) {
      start = e0 <= cTo ? e0 : cFrom;
      end = Math.max(e1, cEnd);
    } else {
      start = e0 + u < cFrom ? e0 : cFrom;
      end = e1 - u > cEnd ? e1 : cEnd;
    }
    r.start = isoOf(start);
    r.end = isoOf(end);
    const interval = Math.max(...r.bursts.map((b) => b.intervalS ?? 0));
    r.uncertaintyS = e.uncertaintyS <= 2 ? Math.max(e.uncertaintyS, 0) : interval || e.uncertaintyS;
  }
  if (!input.windowed) {
    for (const u of input.undated) {
      // Lines with no usable time: counted once, unless the same kind is dated on the host
      // (the same lines are then most likely copies of dated ones): then they are named in the
      // first dated finding's evidence, not counted again.
      const dated = out.find((r) => r.episode && r.host === u.host && r.kind === u.kind);
      if (dated) {
        dated.undated = u;
        continue;
      }
      out.push({
        host: u.host, kind: u.kind, netns: null, start: null, end: null, logged: u.logged, suppressed: u.suppressed,
        counterDelta: null, counter: null, datedBy: null, uncertaintyS: null, episode: null, bursts: [], remainder: null, undated: u, before: [],
      });
    }
    for (const m of input.remainders) {
      if (m.firstValue <= 0) continue;
      const kind = m.kinds[0]!;
      out.push({
        host: m.host, kind, netns: m.netns, start: null, end: null, logged: 0, suppressed: 0,
        counterDelta: m.firstValue, counter: m.counter, datedBy: null, uncertaintyS: null, episode: null, bursts: [], remainder: m, undated: null,
        before: input.episodes.filter((e) => e.host === m.host && m.kinds.includes(e.kind) && ms(e.start) <= ms(m.firstTs)),
      });
    }
  }
  return out;
}
