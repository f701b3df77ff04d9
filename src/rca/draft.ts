/**
 * A finding's first form, from its reconciled evidence alone (no database): its window and
 * counts, and the evidence sentences of its logged episode and of its counter (bursts, the
 * since-boot remainder, counters shared by two kinds, lines with no usable time). enrich.ts adds
 * the facts read around its window.
 */
import { KINDS, type OverflowKind } from '../signatures.js';
import type { Reconciled } from './reconcile.js';
import { seriesKey, type SeriesInfo } from './evidence.js';
import type { Finding } from './types.js';
import { fmtS } from './values.js';

/** A finding under construction: its window, and evidence that goes before / after the shared facts. */
export interface Draft {
  f: Finding;
  r: Reconciled;
  head: Finding['evidence'];
  tail: Finding['evidence'];
}

function emptyFinding(host: string, kind: OverflowKind, netns: string | null, start: string | null, end: string | null): Finding {
  return {
    host, kind, netns: netns || null, start, end, dated_by: null, time_uncertainty_s: null,
    events: { logged: 0, suppressed: 0, repeated: 0, estimated_total: 0, counter_delta: null, counter: null, counter_series: null },
    limit: { name: KINDS[kind].limitSysctls[0] ?? null, value: null, peak: null, peak_at: null, peak_metric: null, ratio: null, note: null },
    listener: null,
    trigger: null, trigger_note: null, top_peers: [], evidence: [], recommendations: [], risks: [], summary: '', sentences: null,
  };
}

export function draftOf(r: Reconciled, series: Map<string, SeriesInfo>): Draft {
  const f = emptyFinding(r.host, r.kind, r.netns, r.start, r.end);
  f.dated_by = r.datedBy;
  f.time_uncertainty_s = r.uncertaintyS != null ? Math.round(r.uncertaintyS * 1000) / 1000 : null;
  f.events.logged = r.logged;
  f.events.suppressed = r.suppressed;
  f.events.repeated = r.episode?.repeated ?? 0;
  f.events.counter_delta = r.counterDelta;
  f.events.counter = r.counter;
  // The counter is the truth when there is one (domain.md §1.3 rule 6); the log only dates it.
  f.events.estimated_total = r.counterDelta != null ? Math.max(r.counterDelta, r.logged) : r.logged + r.suppressed;
  const head: Finding['evidence'] = [];
  const tail: Finding['evidence'] = [];
  const seriesOf = (netns: string, counter: string, s: string) => series.get(seriesKey(r.host, netns, counter, s));
  for (const b of r.bursts) {
    const infos = b.series.split(',').map((s) => seriesOf(b.netns, b.counter, s)).filter((x): x is SeriesInfo => !!x);
    f.events.counter_series = infos.map((i) => i.label).join('; ') || null;
    const src = infos.length ? infos.flatMap((i) => i.paths).filter((x, i, a) => a.indexOf(x) === i).join(', ') : `counter_samples (${b.series})`;
    head.push({
      source: src,
      detail: `${b.counter} rose by ${b.delta} between ${b.start} and ${b.end} (${b.steps} interval${b.steps === 1 ? '' : 's'} with a rise${b.intervalS != null ? `, snapshots every ${fmtS(b.intervalS)}` : ''}${infos.length ? `; ${infos.map((i) => i.label).join('; ')}` : ''})`
        + (r.episode ? ', within the logged episode' : '; the kernel logged nothing for it')
        + (b.tail ? ' (part of it seen only in a snapshot of another series read after the last one)' : ''),
    });
  }
  if (r.episode && r.episode.uncertaintyS > 2) {
    tail.push({ source: 'time', detail: `the log lines' times are uncertain by ±${fmtS(r.episode.uncertaintyS)} (${r.episode.timeBasis ?? 'kernel times placed by a boot time of that precision'})${r.bursts.length ? '; the counter snapshots date the finding' : ''}` });
  }
  if (r.remainder) {
    const m = r.remainder;
    const info = seriesOf(m.netns, m.counter, m.series);
    const before = r.before.length
      ? `; it includes the logged episode${r.before.length > 1 ? 's' : ''} at ${r.before.map((e) => e.start).join(', ')} (${r.before.reduce((a, e) => a + e.logged, 0)} line(s))`
      : '';
    head.push(m.samples <= 1
      ? { source: info?.paths.join(', ') ?? `counter_samples (${m.series})`, detail: `${m.counter} = ${m.firstValue} since boot (snapshot at ${m.firstTs}); one snapshot cannot say when${before}` }
      : { source: info?.paths.join(', ') ?? `counter_samples (${m.series})`, detail: `${m.counter} was already ${m.firstValue} at the first snapshot (${m.firstTs}): overflows between boot and then, at an unknown time${before}` });
    if (m.kinds.length > 1) tail.push({ source: 'kernel', detail: `${m.counter} counts the aborts of ${m.kinds.map((k) => KINDS[k].title).join(' and of ')} alike; no logged line says which` });
    f.events.counter_series = info?.label ?? null;
  }
  for (const b of r.bursts) {
    if (b.kinds.length > 1 && !r.episode) tail.push({ source: 'kernel', detail: `${b.counter} counts the aborts of ${b.kinds.map((k) => KINDS[k].title).join(' and of ')} alike; no logged line says which` });
  }
  if (r.undated && r.episode) {
    tail.push({ source: r.undated.paths, detail: `${r.undated.logged} more '${KINDS[r.kind].title}' line(s) with no usable time (most likely copies of the dated ones; not counted again)` });
  } else if (r.undated) {
    head.push({ source: r.undated.paths, detail: `${r.undated.logged} '${KINDS[r.kind].title}' lines with no usable time (kernel lines without a boot time to place them: ingest the host's sosreport too, or a dmesg -T / syslog copy)` });
  }
  return { f, r, head, tail };
}
