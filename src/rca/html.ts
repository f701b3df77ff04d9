import type { Finding, HostRow, RcaReport } from './types.js';
import { KINDS } from '../signatures.js';
import { chartSpecs, type FindingChartData } from './charts.js';
import { CHART_CSS, esc, fmtNum, renderChart, utcDate, utcHm } from './svg.js';
import { rankedFindings, whenShort, whoShort } from './render.js';
import { findingSentences, peersHeading } from './phrases.js';

export interface HtmlOptions {
  /** Page title (default "bundlescope root-cause report"). */
  title?: string;
  /** A warning shown under the title (case: some inputs could not be read). Plain text. */
  caveat?: string;
}

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

function duration(a: number, b: number): string {
  const s = Math.round((b - a) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

const timeEl = (iso: string | null | undefined) => (iso ? `<time datetime="${esc(iso)}">${esc(iso)}</time>` : '—');

export const CHART_HEADINGS: Record<string, string> = {
  population: 'Population vs limit',
  rates: 'Connection rates',
  events: 'Overflow events per minute',
};

function findingHtml(f: Finding, i: number, data: FindingChartData): string {
  const { window, undated, marginMinutes: marginMin } = data;
  const charts = chartSpecs(f, data);
  const k = KINDS[f.kind];
  const o: string[] = [];
  o.push(`<section class="finding" id="finding-${i}" data-host="${esc(f.host)}" data-kind="${esc(f.kind)}">`);
  o.push(`<h2><span class="num">${i}</span> ${esc(f.host)}${f.netns ? ` <span class="netns">netns ${esc(f.netns)}</span>` : ''} — ${esc(k.title)} <code class="kind">${esc(f.kind)}</code></h2>`);
  o.push(`<p class="summary">${esc(f.summary)}</p>`);

  // facts: the sentences the Markdown and the JSON carry too (phrases.ts), escaped; numbers emphasised apart
  const st = f.sentences ?? findingSentences(f);
  const rows: [string, string][] = [];
  const s = ms(f.start);
  const e = ms(f.end);
  rows.push(['When (UTC)', f.start ? esc(st.when) : `<span class="muted">${esc(st.when)}</span>`]);
  if (f.start) {
    rows.push(['Episode start (UTC)', timeEl(f.start)]);
    rows.push(['Episode end (UTC)', timeEl(f.end)]);
  }
  if (s != null && e != null) rows.push(['Duration', esc(duration(s, e))]);
  if (f.netns) rows.push(['Network namespace', esc(f.netns)]);
  rows.push(['Logged lines', `<span class="big">${fmtNum(f.events.logged)}</span>${f.events.repeated ? ` <span class="muted">(${fmtNum(f.events.repeated)} of them from "last message repeated" summaries)</span>` : ''}`]);
  rows.push(['Suppressed by the kernel\'s ratelimit', `${fmtNum(f.events.suppressed)} <span class="muted">(upper bound)</span>`]);
  rows.push(['Estimated total', `<strong>${fmtNum(f.events.estimated_total)}</strong>`]);
  rows.push(['Counter delta', esc(st.counter)]);
  if (st.listener) rows.push(['Listener', esc(st.listener)]);
  rows.push(['Limit', esc(st.limit)]);
  const pct = f.limit.ratio != null ? Math.round(f.limit.ratio * 100) : null;
  const meter = pct != null ? ` <span class="meter${pct >= 95 ? ' full' : ''}" title="${pct}% of the limit"><span style="width:${Math.min(100, Math.max(0, pct))}%"></span></span>` : '';
  rows.push([f.kind === 'tcp_listen_overflow' ? 'Peak queue' : 'Peak population', `${esc(st.peak)}${meter}`]);
  rows.push(['Trigger', f.trigger?.spiked ? `<strong>${esc(st.trigger)}</strong>` : `<span class="muted">${esc(st.trigger)}</span>`]);
  o.push('<div class="cols">');
  o.push(`<table class="facts"><tbody>${rows.map(([a, b]) => `<tr><th scope="row">${a}</th><td>${b}</td></tr>`).join('')}</tbody></table>`);
  if (st.peers.length) {
    o.push(`<div class="peers"><h3>${esc(peersHeading(f))}</h3><table class="grid"><thead><tr><th>peer</th><th class="r">share</th></tr></thead><tbody>`);
    for (const [k, p] of f.top_peers.entries()) {
      const share = Math.round(p.share * 1000) / 10;
      o.push(`<tr><td>${esc(st.peers[k])}</td><td class="r share"><span class="bar" style="width:${Math.min(100, Math.max(0, share))}%"></span><span class="v">${share}%</span></td></tr>`);
    }
    o.push('</tbody></table></div>');
  } else {
    o.push('<div class="peers"><h3>Top peers</h3><p class="muted">No socket list in the inputs for this kind.</p></div>');
  }
  o.push('</div>');

  // charts on one time axis
  o.push(`<div class="charts"><h3>Timeline <span class="muted">(${window ? `${esc(utcDate(window.t0))} ${esc(utcHm(window.t0))} → ${esc(utcDate(window.t1))} ${esc(utcHm(window.t1))} UTC` : 'no dated data'}${undated ? '; the time of the overflows is unknown, so the charts show all data for this host' : `; the episode ± ${marginMin} min`})</span></h3>`);
  for (const c of charts) o.push(`<figure><figcaption>${esc(CHART_HEADINGS[c.id] ?? c.id)}</figcaption>${renderChart(c)}</figure>`);
  o.push('</div>');

  if (st.risks.length) {
    o.push(`<div class="risks"><h3>Risks</h3><ul>${f.risks.map((r, k) => `<li><strong>⚠</strong> ${esc(st.risks[k])} <code class="id">${esc(r.id)}</code></li>`).join('')}</ul></div>`);
  }
  o.push('<h3>What to change</h3>');
  o.push(st.advice.length
    ? `<ol class="recs">${f.recommendations.map((r, k) => `<li>${esc(st.advice[k])} <code class="id">${esc(r.id)}</code></li>`).join('')}</ol>`
    : '<p class="muted">No recommendation.</p>');
  o.push(`<details class="evidence" open><summary>Evidence (${f.evidence.length})</summary><table class="grid"><thead><tr><th>source</th><th>detail</th></tr></thead><tbody>`);
  for (const ev of f.evidence) o.push(`<tr><td><code>${esc(ev.source)}</code></td><td>${esc(ev.detail)}</td></tr>`);
  o.push('</tbody></table></details>');
  o.push('</section>');
  return o.join('\n');
}

function hostsHtml(r: RcaReport): string {
  const names = [...new Set([...r.hosts.map((h) => h.host), ...r.findings.map((f) => f.host)])].sort();
  const o: string[] = ['<section class="hosts"><h2>Hosts</h2><table class="grid"><thead><tr><th>host</th><th>kernel and release</th><th>time zone</th><th>collected (UTC)</th><th>boot (UTC)</th><th class="r">findings</th></tr></thead><tbody>'];
  for (const h of names) {
    const info: HostRow | undefined = r.hosts.find((x) => x.host === h);
    const count = r.findings.filter((f) => f.host === h).length;
    o.push(`<tr class="${count ? 'sick' : 'ok'}"><td><strong>${esc(h)}</strong></td><td><code>${esc(info?.kernel ?? '—')}</code>${info?.release ? `<br><span class="muted">${esc(info.release)}</span>` : ''}</td>`
      + `<td>${esc(info?.timezone ?? '—')}${info?.timezone_origin ? ` <span class="muted">(${esc(info.timezone_origin)})</span>` : ''}</td>`
      + `<td>${timeEl(info?.collected_at)}</td><td>${timeEl(info?.boot_time)}</td>`
      + `<td class="r">${count ? `<span class="pill bad">${count}</span>` : '<span class="pill good">0</span>'}</td></tr>`);
  }
  o.push('</tbody></table>');
  const healthy = names.filter((h) => !r.findings.some((f) => f.host === h));
  if (r.findings.length === 0) o.push('<p class="ok-note">No table overflow found on any host.</p>');
  else if (healthy.length) o.push(`<p class="ok-note">No overflow found on: ${healthy.map(esc).join(', ')}.</p>`);
  if (r.findings.length) {
    // Every finding, largest estimated total first, each linking to its section.
    o.push('<h3>Findings, largest first</h3><table class="grid ranked"><thead><tr><th class="r">#</th><th>host</th><th>overflow</th><th>when (UTC)</th><th class="r">estimated total</th><th>limit, peak</th><th>who</th></tr></thead><tbody>');
    for (const { f, n } of rankedFindings(r)) {
      const lim = f.limit.value != null ? `<code>${esc(f.limit.name)}</code> = ${fmtNum(f.limit.value)}${f.limit.peak != null ? `, peak ${fmtNum(f.limit.peak)}` : ''}` : '—';
      o.push(`<tr><td class="r"><a href="#finding-${n}">${n}</a></td><td>${esc(f.host)}${f.netns ? ` <span class="muted">netns ${esc(f.netns)}</span>` : ''}</td>`
        + `<td><a href="#finding-${n}">${esc(KINDS[f.kind].title)}</a></td><td>${esc(whenShort(f))}</td><td class="r"><strong>${fmtNum(f.events.estimated_total)}</strong></td>`
        + `<td>${lim}</td><td>${esc(whoShort(f)) || '—'}</td></tr>`);
    }
    o.push('</tbody></table>');
  }
  o.push('</section>');
  return o.join('\n');
}

const PAGE_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f1f5f9; color: #0f172a; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 24px 48px; }
header h1 { margin: 0 0 2px; font-size: 24px; }
header p { margin: 0; color: #475569; }
h2 { font-size: 19px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 18px 22px; margin: 18px 0; box-shadow: 0 1px 2px rgba(15,23,42,.04); }
time, td code, .peers code { white-space: nowrap; }
code { font: 12.5px ui-monospace, "DejaVu Sans Mono", monospace; background: #f1f5f9; padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
.muted { color: #64748b; font-weight: normal; }
table { border-collapse: collapse; width: 100%; }
table.grid th, table.grid td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
table.grid thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: #64748b; border-bottom: 2px solid #e2e8f0; }
.r { text-align: right !important; }
.pill { display: inline-block; min-width: 22px; padding: 0 7px; border-radius: 10px; font-weight: 600; text-align: center; }
.pill.bad { background: #fee2e2; color: #b91c1c; }
.pill.good { background: #dcfce7; color: #15803d; }
.ok-note { color: #15803d; margin: 10px 0 0; }
.toc { margin: 12px 0 0; padding-left: 22px; }
.finding h2 .num { display: inline-block; background: #0f172a; color: #fff; border-radius: 6px; padding: 0 8px; margin-right: 4px; }
.finding h2 .kind { font-size: 12px; font-weight: normal; vertical-align: middle; }
.finding h2 .netns { font-size: 13px; background: #e0e7ff; color: #3730a3; border-radius: 4px; padding: 1px 6px; }
.summary { font-size: 15px; background: #f8fafc; border-left: 4px solid #dc2626; padding: 8px 12px; margin: 0 0 14px; overflow-wrap: anywhere; }
.cols { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 24px; align-items: start; }
@media (max-width: 820px) { .cols { grid-template-columns: 1fr; } }
table.facts th { text-align: left; font-weight: 600; color: #334155; padding: 5px 12px 5px 0; width: 13em; vertical-align: top; border-bottom: 1px solid #f1f5f9; }
table.facts td { padding: 5px 0; border-bottom: 1px solid #f1f5f9; overflow-wrap: anywhere; }
.big { font-size: 16px; font-weight: 700; }
.meter { display: inline-block; width: 90px; height: 8px; background: #e2e8f0; border-radius: 4px; vertical-align: middle; overflow: hidden; }
.meter span { display: block; height: 100%; background: #f59e0b; }
.meter.full span { background: #dc2626; }
.peers h3 { margin-top: 0; }
td.share { position: relative; min-width: 90px; }
td.share .bar { position: absolute; left: 0; top: 6px; bottom: 6px; background: #dbeafe; border-radius: 3px; }
td.share .v { position: relative; }
.charts figure { margin: 0 0 6px; }
.charts figcaption { font-weight: 600; color: #334155; margin: 8px 0 0; }
.risks { background: #fffbeb; border: 1px solid #fde68a; border-radius: 8px; padding: 4px 14px; margin-top: 16px; }
.risks ul { padding-left: 4px; list-style: none; }
.risks li strong { color: #b45309; }
.recs li { margin: 4px 0; }
code.id { font-size: 11px; color: #64748b; }
details.evidence { margin-top: 14px; }
details.evidence summary { cursor: pointer; font-weight: 600; }
details.evidence td { font-size: 13px; overflow-wrap: anywhere; }
details.evidence td code { white-space: normal; }
details.evidence td:first-child { width: 42%; }
footer { color: #94a3b8; font-size: 12px; text-align: center; }
@media print { body { background: #fff; } section { box-shadow: none; break-inside: auto; } figure { break-inside: avoid; } }
`;

/**
 * One self-contained HTML page for the root-cause report: no scripts, no network (a CSP forbids
 * any fetch), inline CSS and SVG. Every string from data is escaped. Pure: the chart series come
 * with the report (buildRca with `charts: true`); a report built without them is refused rather
 * than drawn with empty charts.
 */
export function renderHtml(r: RcaReport, opts: HtmlOptions = {}): string {
  const charts = r.charts;
  if (r.findings.length > 0 && (!charts || charts.length !== r.findings.length)) {
    throw new Error('renderHtml needs the chart series of every finding: build the report with buildRca(store, { charts: true })');
  }
  const title = opts.title ?? 'bundlescope root-cause report';
  const hostCount = new Set([...r.hosts.map((h) => h.host), ...r.findings.map((f) => f.host)]).size;
  const findings: string[] = [];
  for (const [i, f] of r.findings.entries()) findings.push(findingHtml(f, i + 1, charts![i]!));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${esc(r.generated_by)}">
<title>${esc(title)}</title>
<style>${PAGE_CSS}${CHART_CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(title)}</h1>
<p>Kernel table overflows: when, how many, against which limit, who held the sockets, and what to change. ${hostCount} host${hostCount === 1 ? '' : 's'}, ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}. All times are UTC.</p>
</header>
${opts.caveat ? `<div class="risks" role="alert"><p><strong>⚠ Incomplete:</strong> ${esc(opts.caveat)}</p></div>` : ''}
${hostsHtml(r)}
${findings.join('\n')}
<footer>Generated by ${esc(r.generated_by)}. Charts: shaded = overflow episode; dashed red = the limit; hover a point or bar for its value.</footer>
</main>
</body>
</html>
`;
}
