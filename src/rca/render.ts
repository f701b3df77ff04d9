import type { Finding, RcaReport } from './findings.js';
import { KINDS } from '../signatures.js';

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
  if (f.listener) return `listener ${f.listener.address.includes(':') ? `[${f.listener.address}]` : f.listener.address}:${f.listener.port}${f.listener.process ? ` (${f.listener.process})` : ''}`;
  const p = f.top_peers[0];
  return p ? `${p.peer} (${Math.round(p.share * 100)}%)` : '';
}

export function renderJson(r: RcaReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

const n = (v: number | null | undefined) => (v == null ? '—' : v.toLocaleString('en-US'));

function triggerText(f: Finding): string {
  const t = f.trigger;
  if (!t) return f.trigger_note ?? '—';
  if (!t.spiked) return `${t.metric}: no spike (median ${n(t.baseline)}/s, max ${n(t.peak)}/s around the episode)`;
  const lead = t.lead_seconds == null ? '' : t.lead_seconds >= 0 ? `, ${fmtDuration(t.lead_seconds)} before the first overflow` : `, ${fmtDuration(-t.lead_seconds)} after the first overflow`;
  return `${t.metric} rose from ${n(t.baseline)}/s to ${n(t.peak)}/s from ${t.start}${lead} — ${t.note}`;
}

export function fmtDuration(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function findingMd(f: Finding, i: number): string {
  const out: string[] = [];
  out.push(`<a id="finding-${i}"></a>`);
  out.push('');
  out.push(`### ${i}. ${f.host}${f.netns ? ` (netns ${f.netns})` : ''}: ${KINDS[f.kind].title}`);
  out.push('');
  out.push(f.summary);
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  const unc = f.time_uncertainty_s != null && f.time_uncertainty_s > 5 ? ` (±${fmtDuration(Math.round(f.time_uncertainty_s))})` : '';
  const datedBy = f.dated_by === 'counter' ? ', dated by counter snapshots' : f.dated_by === 'log+counter' ? ', dated by log lines and counter snapshots' : '';
  out.push(`| When (UTC) | ${f.start ? `${f.start} → ${f.end}${unc}${datedBy}` : f.events.logged > 0 ? 'unknown (the logged lines carry no usable time)' : 'unknown (counted before the first snapshot; the kernel logged nothing then)'} |`);
  out.push(`| Logged lines | ${n(f.events.logged)}${f.events.repeated ? ` (${n(f.events.repeated)} of them from "last message repeated" summaries)` : ''} |`);
  out.push(`| Suppressed (kernel ratelimit, upper bound) | ${n(f.events.suppressed)} |`);
  out.push(`| Estimated total | ${n(f.events.estimated_total)} |`);
  out.push(`| Counter delta | ${f.events.counter_delta == null ? '—' : `${n(f.events.counter_delta)} (${f.events.counter}${f.events.counter_series ? `; ${f.events.counter_series}` : ''})`} |`);
  if (f.listener) {
    const l = f.listener;
    out.push(`| Listener | ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}${l.process ? ` (${l.process})` : ''}: backlog ${n(l.backlog)}${l.backlog_set_by ? ` set by ${l.backlog_set_by === 'application' ? "the application's listen()" : 'net.core.somaxconn'}` : ''}${l.somaxconn != null ? ` (somaxconn ${n(l.somaxconn)})` : ''}; queue up to ${n(l.peak_queue)}; full in ${l.full_snapshots} of ${l.snapshots} snapshots |`);
  }
  out.push(`| Limit | ${f.limit.name ?? '—'} = ${n(f.limit.value)}${f.limit.note ? ` — ${f.limit.note}` : ''} |`);
  out.push(`| Peak ${f.kind === 'tcp_listen_overflow' ? 'queue' : 'population'} seen | ${f.limit.peak == null ? '—' : `${n(f.limit.peak)} (${f.limit.peak_metric} at ${f.limit.peak_at}${f.limit.ratio != null ? `, ${Math.round(f.limit.ratio * 100)}% of the limit` : ''})`} |`);
  out.push(`| Trigger | ${triggerText(f)} |`);
  out.push('');
  if (f.top_peers.length) {
    out.push(f.kind === 'tcp_listen_overflow' ? 'Clients holding the listener\'s connections:' : 'Top TIME-WAIT peers:');
    out.push('');
    out.push('| peer | side | sockets | share |');
    out.push('|---|---|---:|---:|');
    for (const p of f.top_peers) out.push(`| ${p.peer}${p.local_port ? ` → :${p.local_port}` : ''} | ${p.side} | ${n(p.sockets)} | ${Math.round(p.share * 1000) / 10}% |`);
    out.push('');
  }
  if (f.risks.length) {
    out.push('**Risks:**');
    out.push('');
    for (const r of f.risks) out.push(`- ⚠ ${r.text}`);
    out.push('');
  }
  out.push('**What to change:**');
  out.push('');
  for (const r of f.recommendations) out.push(`- ${r.text} \`[${r.id}]\``);
  out.push('');
  out.push('<details><summary>Evidence</summary>');
  out.push('');
  for (const e of f.evidence) out.push(`- \`${e.source}\`: ${e.detail}`);
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
    out.push(`| ${h} | ${info?.kernel ?? '—'} | ${info?.timezone ?? '—'}${info?.timezone_origin ? ` (${info.timezone_origin})` : ''} | ${info?.collected_at ?? '—'} | ${boot} | ${r.findings.filter((f) => f.host === h).length} |`);
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
    out.push(`| [${i}](#finding-${i}) | ${f.host}${f.netns ? ` (netns ${f.netns})` : ''} | ${KINDS[f.kind].title} | ${whenShort(f)} | ${n(f.events.estimated_total)} | ${lim} | ${whoShort(f) || '—'} |`);
  }
  out.push('');
  out.push('## Findings');
  out.push('');
  r.findings.forEach((f, i) => out.push(findingMd(f, i + 1)));
  const healthy = [...hostNames].filter((h) => !r.findings.some((f) => f.host === h));
  if (healthy.length) {
    out.push(`No overflow found on: ${healthy.join(', ')}.`);
    out.push('');
  }
  return out.join('\n');
}
