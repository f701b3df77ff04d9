/**
 * The charts of a finding, in two steps: gatherCharts reads the series from the store (sql/rca/
 * chart_*.sql; buildRca calls it when asked, so the renderers need no store), chartSpecs draws
 * nothing but turns those rows into the three ChartSpecs, pure. The HTML report and the notebook
 * both use them, so their charts are the same.
 */
import type { Store } from '../store/db.js';
import type { Finding } from './types.js';
import { KINDS } from '../signatures.js';
import { rcaRecords } from './queries.js';
import type { ChartCounterStepRecord, ChartEventRecord, ChartPopulationRecord, ChartRateRecord } from './records.js';
import { fmtNum, utcDate, utcHm, utcHms, type BarSeries, type ChartSpec, type LineSeries, type Window } from './svg.js';

const MIN = 60_000;
const RATE_NAMES = ['TcpActiveOpens', 'TcpPassiveOpens'];

/** The rows behind one finding's charts, and the window they cover. */
export interface FindingChartData {
  window: Window | null;
  /** No dated episode: the window is the range of all the host's data for the finding. */
  undated: boolean;
  /** Minutes shown before and after a dated episode. */
  marginMinutes: number;
  /** sql/rca/chart_population.sql */
  population: ChartPopulationRecord[];
  /** sql/rca/chart_rates.sql */
  rates: ChartRateRecord[];
  /** sql/rca/chart_events.sql (only when the finding has logged lines) */
  events: ChartEventRecord[];
  /** sql/rca/chart_counter_steps.sql (only when the finding has a counter) */
  steps: ChartCounterStepRecord[];
}

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/** The finding's time window: the episode ± margin (and the trigger), else the range of the host's data for it. */
async function findingWindow(store: Store, f: Finding, marginMin: number): Promise<{ window: Window | null; undated: boolean }> {
  const start = ms(f.start);
  const end = ms(f.end) ?? start;
  if (start != null && end != null) {
    let t0 = start - marginMin * MIN;
    const trig = ms(f.trigger?.start);
    if (trig != null && trig < t0 + 5 * MIN) t0 = trig - 5 * MIN;
    return { window: { t0, t1: end + marginMin * MIN }, undated: false };
  }
  const r = (await rcaRecords(store, 'chart_range', { host: f.host, netns: f.netns ?? '', kind: f.kind, counter: f.events.counter }))[0];
  if (!r || r.lo == null || r.hi == null) return { window: null, undated: true };
  const lo = Number(r.lo);
  const hi = Number(r.hi);
  const pad = hi - lo < 60 * MIN ? marginMin * MIN : Math.max(5 * MIN, (hi - lo) * 0.04);
  return { window: { t0: lo - pad, t1: hi + pad }, undated: true };
}

/** Every series one finding's charts draw, read once. */
export async function gatherCharts(store: Store, f: Finding, marginMinutes = 30): Promise<FindingChartData> {
  const { window, undated } = await findingWindow(store, f, marginMinutes);
  const p = { host: f.host, netns: f.netns ?? '', kind: f.kind, t0: window?.t0 ?? 0, t1: window?.t1 ?? 0 };
  return {
    window, undated, marginMinutes,
    population: window ? await rcaRecords(store, 'chart_population', p) : [],
    rates: window ? await rcaRecords(store, 'chart_rates', p) : [],
    events: window && f.events.logged > 0 ? await rcaRecords(store, 'chart_events', p) : [],
    steps: window && f.events.counter ? await rcaRecords(store, 'chart_counter_steps', { ...p, name: f.events.counter }) : [],
  };
}

/** The three charts of one finding, on one time window, from its gathered rows. */
export function chartSpecs(f: Finding, d: FindingChartData): ChartSpec[] {
  const { window, undated } = d;
  const unit = KINDS[f.kind].unit;
  const start = ms(f.start);
  const end = ms(f.end) ?? start;
  const bands = start != null && end != null ? [{ t0: start, t1: end, label: 'overflow episode' }] : [];
  const trig = ms(f.trigger?.start);
  const vlines = trig != null ? [{ t: trig, label: `rate spike (${f.trigger!.metric})` }] : [];
  const where = undated ? 'in the data for this host' : 'in this window';

  // 1. population vs limit, one line per metric and origin
  const pop = new Map<string, LineSeries>();
  for (const r of d.population) {
    const label = `${r.metric} (${r.origin})`;
    if (!pop.has(label)) pop.set(label, { label, points: [] });
    pop.get(label)!.points.push([Number(r.t), Number(r.v)]);
  }
  const peakAt = ms(f.limit.peak_at);
  const popNoData = `No ${unit} samples ${where}`
    + (peakAt != null && window && (peakAt < window.t0 || peakAt > window.t1) ? ` (the peak ${fmtNum(f.limit.peak)} was seen at ${f.limit.peak_at})` : ' (add slabinfo, sockstat, sar or ss snapshots)');

  // 2. connection rates per second, each counter from its best-covered origin
  const rates = new Map<string, LineSeries>();
  for (const name of RATE_NAMES) {
    for (const r of d.rates.filter((x) => x.name === name)) {
      const label = `${name} per second (${r.origin})`;
      if (!rates.has(label)) rates.set(label, { label, points: [], step: true });
      rates.get(label)!.points.push([Number(r.t), Number(r.v), r.t_from == null ? null : Number(r.t_from)]);
    }
  }

  // 3. overflow events per minute: logged lines and the estimated total (logged + suppressed)
  const bars: BarSeries[] = [];
  const ev = d.events;
  if (ev.length) {
    const title = (r: (typeof ev)[number]) => `${utcDate(Number(r.t))} ${utcHm(Number(r.t))} UTC: ${fmtNum(Number(r.logged))} logged, ${fmtNum(Number(r.suppressed))} suppressed, ${fmtNum(Number(r.estimated_total))} estimated total`;
    bars.push({ label: 'estimated total (logged + suppressed)', style: 'wide', color: '#fdba74',
      bars: ev.map((r) => ({ t0: Number(r.t), t1: Number(r.t) + MIN, v: Number(r.estimated_total), title: title(r) })) });
    bars.push({ label: 'logged lines', style: 'narrow', color: '#c2410c',
      bars: ev.map((r) => ({ t0: Number(r.t), t1: Number(r.t) + MIN, v: Number(r.logged), title: title(r) })) });
  }
  // The kind's counter, as increases per minute between snapshots (what modern kernels give instead of lines).
  const steps = d.steps;
  if (steps.length) {
    bars.push({ label: `${f.events.counter} increase per minute`, style: 'wide', color: '#5eead4',
      bars: steps.map((s) => ({ t0: Number(s.t0), t1: Number(s.t1), v: (Number(s.increase) / Number(s.seconds)) * 60,
        title: `${utcHms(Number(s.t0))}–${utcHms(Number(s.t1))} UTC: ${f.events.counter} +${fmtNum(Number(s.increase))} (${fmtNum((Number(s.increase) / Number(s.seconds)) * 60)} per minute)` })) });
  }
  const evNoData = f.events.logged === 0
    ? (f.events.counter ? `The kernel logged nothing and ${f.events.counter} has no dated increase ${where} (${fmtNum(f.events.counter_delta)} counted since boot)` : `No overflow lines ${where}`)
    : `No overflow lines ${where}`;

  const limitLabel = f.limit.value != null ? `limit ${f.limit.name ?? ''} = ${fmtNum(f.limit.value)}` : '';
  const kindTitle = KINDS[f.kind].title;
  return [
    { id: 'population', title: `${kindTitle} on ${f.host}: ${unit} vs the limit`, yUnit: unit, window,
      lines: [...pop.values()], hlines: f.limit.value != null ? [{ y: f.limit.value, label: limitLabel }] : [], bands, vlines, noData: popNoData },
    { id: 'rates', title: `Connection rates on ${f.host} (TcpActiveOpens / TcpPassiveOpens per second)`, yUnit: 'connections per second', window,
      lines: [...rates.values()], bands, vlines, noData: `No TcpActiveOpens / TcpPassiveOpens rates ${where} (add sar -n TCP,ETCP or nstat snapshots)` },
    { id: 'events', title: `${kindTitle} events per minute on ${f.host}`, yUnit: 'events per minute', window,
      bars, bands, vlines, noData: evNoData },
  ];
}
