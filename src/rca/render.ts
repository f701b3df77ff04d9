import type { Finding, RcaReport } from './types.js';
import { KINDS } from '../signatures.js';
import { mdText } from '../report/safe.js';
import { jsonSafe } from '../report/format.js';
import { findingSentences, fmtDuration, hostPort, num, peersHeading } from './phrases.js';

export { fmtDuration };

/**
 * The findings in report order (host, then dated by start, then undated), each with its number,
 * ranked by estimated total, largest first: what a reader should look at first.
 */
export function rankedFindings(r: RcaReport): { f: Finding; n: number }[] {
  return r.findings.map((f, i) => ({ f, n: i + 1 }))
    .sort((a, b) => b.f.events.estimated_total - a.f.events.estimated_total || a.n - b.n);
}

/** When, in a few words: the interval, or why it is unknown. */
export function whenShort(f: Finding): string {
  if (f.start) return `${f.start} → ${f.end}`;
  return f.events.logged > 0 ? 'unknown (lines without a usable time)' : 'unknown (counted before the first snapshot)';
}

/** Who: the listener of a listen overflow, else the top peer, else nothing. */
export function whoShort(f: Finding): string {
  if (f.listener) return `listener ${hostPort(f.listener.address, f.listener.port)}${f.listener.process ? ` (${f.listener.process})` : ''}`;
  const p = f.top_peers[0];
  return p ? `${p.peer} (${Math.round(p.share * 100)}%)` : '';
}

/** The root-cause JSON contract (design.md): the report without its chart series. */
export function renderJson(r: RcaReport): string {
  const { charts: _charts, ...contract } = r;
  return jsonSafe(JSON.stringify({ ...contract, findings: r.findings.map((f) => ({ ...f, sentences: f.sentences ?? findingSentences(f) })) }, null, 2)) + '\n';
}

const n = num;

/** Data and sentences as Markdown text: nothing in them makes a link, HTML, a code span or a cell (mdText). */
const t = mdText;

function findingMd(f: Finding, i: number): string {
  const s = f.sentences ?? findingSentences(f);
  const out: string[] = [];
  out.push(`<a id="finding-${i}"></a>`);
  out.push('');
  out.push(`### ${i}. ${t(f.host)}${f.netns ? ` (netns ${t(f.netns)})` : ''}: ${t(KINDS[f.kind].title)}`);
  out.push('');
  out.push(t(f.summary));
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| When (UTC) | ${t(s.when)} |`);
  out.push(`| Logged lines | ${n(f.events.logged)}${f.events.repeated ? ` (${n(f.events.repeated)} of them from "last message repeated" summaries)` : ''} |`);
  out.push(`| Suppressed (kernel ratelimit, upper bound) | ${n(f.events.suppressed)} |`);
  out.push(`| Estimated total | ${n(f.events.estimated_total)} |`);
  out.push(`| Counter delta | ${t(s.counter)} |`);
  if (s.listener) out.push(`| Listener | ${t(s.listener)} |`);
  out.push(`| Limit | ${t(s.limit)} |`);
  out.push(`| Peak ${f.kind === 'tcp_listen_overflow' ? 'queue' : 'population'} seen | ${t(s.peak)} |`);
  out.push(`| Trigger | ${t(s.trigger)} |`);
  out.push('');
  if (s.peers.length) {
    out.push(`${peersHeading(f)}:`);
    out.push('');
    for (const p of s.peers) out.push(`- ${t(p)}`);
    out.push('');
  }
  if (s.risks.length) {
    out.push('**Risks:**');
    out.push('');
    for (const [k, r] of s.risks.entries()) out.push(`- ⚠ ${t(r)} \`[${f.risks[k]!.id}]\``);
    out.push('');
  }
  out.push('**What to change:**');
  out.push('');
  for (const [k, r] of s.advice.entries()) out.push(`- ${t(r)} \`[${f.recommendations[k]!.id}]\``);
  out.push('');
  out.push('<details><summary>Evidence</summary>');
  out.push('');
  for (const e of f.evidence) out.push(`- ${t(e.source)}: ${t(e.detail)}`);
  out.push('');
  out.push('</details>');
  out.push('');
  return out.join('\n');
}

export function renderMarkdown(r: RcaReport): string {
  const out: string[] = ['# bundlescope root-cause report', ''];
  out.push('| host | kernel | time zone | collected (UTC) | boot (UTC) | findings |');
  out.push('|---|---|---|---|---|---:|');
  const hostNames = new Set([...r.hosts.map((h) => h.host), ...r.findings.map((f) => f.host)]);
  for (const h of [...hostNames].sort()) {
    const info = r.hosts.find((x) => x.host === h);
    const boot = info?.boot_time
      ? `${info.boot_time}${info.boot_time_uncertainty_s != null && info.boot_time_uncertainty_s > 5 ? ` ±${fmtDuration(Math.round(info.boot_time_uncertainty_s))} (${info.boot_time_basis ?? '?'}: kernel times are as uncertain)` : ''}`
      : '—';
    out.push(`| ${t(h)} | ${t(info?.kernel ?? '—')} | ${t(info?.timezone ?? '—')}${info?.timezone_origin ? ` (${t(info.timezone_origin)})` : ''} | ${info?.collected_at ?? '—'} | ${t(boot)} | ${r.findings.filter((f) => f.host === h).length} |`);
  }
  out.push('');
  if (r.findings.length === 0) {
    out.push('No table overflow found on any host.');
    out.push('');
    return out.join('\n');
  }
  out.push('## Summary: largest first');
  out.push('');
  out.push('| # | host | overflow | when (UTC) | estimated total | limit, peak | who |');
  out.push('|---:|---|---|---|---:|---|---|');
  for (const { f, n: i } of rankedFindings(r)) {
    const lim = f.limit.value != null ? `${f.limit.name} = ${n(f.limit.value)}${f.limit.peak != null ? `, peak ${n(f.limit.peak)}` : ''}` : '—';
    out.push(`| [${i}](#finding-${i}) | ${t(f.host)}${f.netns ? ` (netns ${t(f.netns)})` : ''} | ${KINDS[f.kind].title} | ${t(whenShort(f))} | ${n(f.events.estimated_total)} | ${t(lim)} | ${t(whoShort(f) || '—')} |`);
  }
  out.push('');
  out.push('## Findings');
  out.push('');
  r.findings.forEach((f, i) => out.push(findingMd(f, i + 1)));
  const healthy = [...hostNames].filter((h) => !r.findings.some((f) => f.host === h));
  if (healthy.length) {
    out.push(`No overflow found on: ${healthy.map(t).join(', ')}.`);
    out.push('');
  }
  return out.join('\n');
}
