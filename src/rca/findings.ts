/**
 * buildRca: the root-cause report of a database. Its parts, each a file of src/rca/:
 * evidence.ts reads the evidence (sql/rca/*.sql), reconcile.ts ties it together in time (no
 * database), draft.ts words the evidence of each finding, enrich.ts reads every fact around the
 * findings' windows (listen.ts and trigger.ts word the listener and the trigger), phrases.ts the
 * sentences, charts.ts the chart series. The renderers (render.ts, html.ts) take the report and no
 * store. The report's types are in types.ts, re-exported here.
 */
import type { Store } from '../store/db.js';
import { gatherCharts } from './charts.js';
import { findingSentences, summarise } from './phrases.js';
import { reconcile } from './reconcile.js';
import { caseRelative, describeSeries, readEvidence } from './evidence.js';
import { draftOf, type Draft } from './draft.js';
import { enrich } from './enrich.js';
import { rcaRecords } from './queries.js';
import type { HostRow, RcaOptions, RcaReport } from './types.js';
import { iso } from './values.js';

export type { Finding, HostRow, Listener, RcaOptions, RcaReport } from './types.js';

/**
 * Findings are built in three steps so that the cost does not grow with the number of episodes:
 * the evidence (logged episodes, counter bursts, remainders: a handful of set-based queries), its
 * reconciliation in time (reconcile.ts, no database), then every fact for all findings at once,
 * each a set-based query joined to a temporary table of their time windows.
 */
export async function buildRca(store: Store, opts: RcaOptions = {}): Promise<RcaReport> {
  const p = { host: opts.host ?? null, from: opts.from ?? null, to: opts.to ?? null };
  const hosts = (await rcaRecords(store, 'hosts', { host: p.host })).map((h) => ({
    ...h, collected_at: iso(h.collected_at), boot_time: iso(h.boot_time),
  })) as HostRow[];
  const netnsFilter = opts.netns != null ? { netns: opts.netns } : null;

  const { episodes, undated, bursts, remainders } = await readEvidence(store, p);
  let reconciled = reconcile({ episodes, bursts, remainders, undated, windowed: !!(p.from || p.to) });
  if (netnsFilter) reconciled = reconciled.filter((r) => (r.netns ?? '') === netnsFilter.netns);
  const seriesInfo = await describeSeries(store, reconciled);
  const drafts: Draft[] = reconciled.map((r) => draftOf(r, seriesInfo));

  await enrich(store, drafts);
  const findings = drafts.map((d) => d.f);
  // Per host: dated findings in time order, then the undated remainders.
  findings.sort((a, b) => a.host.localeCompare(b.host) || Number(a.start == null) - Number(b.start == null)
    || (a.start ?? '').localeCompare(b.start ?? '') || a.kind.localeCompare(b.kind) || (a.netns ?? '').localeCompare(b.netns ?? ''));
  // Evidence names files relative to the case folder (the directory all inputs share), never by
  // the engineer's own disk layout: the report travels into tickets.
  const shorten = await caseRelative(store);
  for (const f of findings) {
    shorten(f);
    f.summary = summarise(f);
    f.sentences = findingSentences(f);
  }
  const report: RcaReport = { generated_by: 'bundlescope', hosts, findings };
  if (opts.charts) {
    const margin = opts.charts === true ? 30 : opts.charts.marginMinutes;
    report.charts = [];
    for (const f of findings) report.charts.push(await gatherCharts(store, f, margin));
  }
  return report;
}
