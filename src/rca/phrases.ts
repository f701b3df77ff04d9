import type { Finding } from './types.js';
import { KINDS } from '../signatures.js';
import { fmtS } from './values.js';

/**
 * Every sentence a finding says, worded once: the JSON carries them (finding.sentences), and the
 * Markdown and the HTML print them as they are (escaped for their format), so the three never
 * tell a fact two ways (the HTML once said "no spike" above its own chart of the spike).
 */
export interface FindingSentences {
  /** When the episode was, or why that is unknown (UTC). */
  when: string;
  /** The counter delta and the series it was read from. */
  counter: string;
  /** tcp_listen_overflow: the listener, its backlog and how full its queue was. */
  listener: string | null;
  /** The limit and its value, or why it is unknown. */
  limit: string;
  /** The peak population (or queue) seen, its share of the limit, and what it counts. */
  peak: string;
  /** The connection-rate spike that led to the overflow, or why none is named. */
  trigger: string;
  /** One per top peer (or client of a listener). */
  peers: string[];
  risks: string[];
  /** What to change, one per recommendation. */
  advice: string[];
}

export const num = (v: number | null | undefined) => (v == null ? '—' : v.toLocaleString('en-US'));

export function fmtDuration(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** An address as a host:port pair is written (IPv6 in brackets). */
export const hostPort = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;

function when(f: Finding): string {
  if (!f.start) {
    return f.events.logged > 0 ? 'unknown (the logged lines carry no usable time)'
      : 'unknown (counted since boot, before the first snapshot; the kernel logged nothing then)';
  }
  const unc = f.time_uncertainty_s != null && f.time_uncertainty_s > 5 ? ` (±${fmtDuration(Math.round(f.time_uncertainty_s))})` : '';
  const by = f.dated_by === 'counter' ? 'counter snapshots' : f.dated_by === 'log+counter' ? 'log lines and counter snapshots' : 'log lines';
  return `${f.start} → ${f.end}${unc}, dated by ${by}`;
}

function listener(f: Finding): string | null {
  const l = f.listener;
  if (!l) return null;
  const setBy = l.backlog_set_by ? ` set by ${l.backlog_set_by === 'application' ? "the application's listen()" : 'net.core.somaxconn'}` : '';
  return `${hostPort(l.address, l.port)}${l.process ? ` (${l.process})` : ''}: backlog ${num(l.backlog)}${setBy}${l.somaxconn != null ? ` (somaxconn ${num(l.somaxconn)})` : ''}; `
    + `queue up to ${num(l.peak_queue)}; full in ${l.full_snapshots} of ${l.snapshots} snapshots`;
}

function limit(f: Finding): string {
  const head = f.limit.value == null ? `${f.limit.name ?? 'the limit'}: value not in the inputs` : `${f.limit.name} = ${num(f.limit.value)}`;
  return head + (f.limit.note ? ` — ${f.limit.note}` : '');
}

/**
 * Slab objects (`active_objs` of tw_sock_TCP…) count the objects of every slab in use, free slots
 * of per-CPU slabs and frees still waiting for RCU included: more than the sockets the kernel
 * counts against its limit, so a slab peak above the limit is no overflow of the limit itself.
 */
export const SLAB_NOTE = 'slab objects include free slots of per-CPU slabs and RCU-delayed frees, so they can exceed the limit the kernel counts TIME_WAIT sockets against; no exact count (sockstat tw, sar tcp-tw, ss) was near the finding';

export const isSlabMetric = (metric: string | null | undefined) => metric != null && metric.startsWith('slab.');

function peak(f: Finding): string {
  const l = f.limit;
  if (l.peak == null) return f.kind === 'tcp_listen_overflow' ? 'no queue length in the inputs' : 'no population samples';
  const pct = l.ratio != null ? `, ${Math.round(l.ratio * 100)}% of the limit` : '';
  return `${num(l.peak)} (${l.peak_metric} at ${l.peak_at}${pct})${isSlabMetric(l.peak_metric) ? `; ${SLAB_NOTE}` : ''}`;
}

function trigger(f: Finding): string {
  const t = f.trigger;
  if (!t) return f.trigger_note ?? 'not identified (no connection-rate data in the inputs)';
  if (!t.spiked) return `${t.metric}: no spike (median ${num(t.baseline)}/s, max ${num(t.peak)}/s around the episode) — ${t.note}`;
  const lead = t.lead_seconds == null ? '' : t.lead_seconds >= 0 ? `, ${fmtDuration(t.lead_seconds)} before the first overflow` : `, ${fmtDuration(-t.lead_seconds)} after the first overflow`;
  return `${t.metric} rose from ${num(t.baseline)}/s to ${num(t.peak)}/s from ${t.start}${lead} — ${t.note}`;
}

function peer(p: Finding['top_peers'][number]): string {
  return `${p.peer}${p.local_port ? ` → :${p.local_port}` : ''} (${p.side}): ${num(p.sockets)} sockets, ${Math.round(p.share * 1000) / 10}%`;
}

export function findingSentences(f: Finding): FindingSentences {
  return {
    when: when(f),
    counter: f.events.counter_delta == null ? '—' : `${num(f.events.counter_delta)} (${f.events.counter}${f.events.counter_series ? `; ${f.events.counter_series}` : ''})`,
    listener: listener(f),
    limit: limit(f),
    peak: peak(f),
    trigger: trigger(f),
    peers: f.top_peers.map(peer),
    risks: f.risks.map((r) => r.text),
    advice: f.recommendations.map((r) => r.text),
  };
}

/** The heading of the peers list of a finding. */
export const peersHeading = (f: Finding) => (f.kind === 'tcp_listen_overflow' ? "Clients holding the listener's connections" : 'Top TIME-WAIT peers');

/** The finding in one sentence (finding.summary): host, kind, when, counts, listener, limit, top peer. */
export function summarise(f: Finding): string {
  const k = KINDS[f.kind].title;
  const when = f.start
    ? `from ${f.start} to ${f.end}${f.time_uncertainty_s != null && f.time_uncertainty_s > 5 ? ` (±${fmtS(f.time_uncertainty_s)})` : ''}`
    : f.events.logged > 0 ? 'at an unknown time (no usable timestamps)' : 'at an unknown time since boot';
  const counted = f.events.counter_delta != null ? `${f.events.counter_delta} counted by ${f.events.counter}` : null;
  const logged = f.events.logged > 0 ? `${f.events.logged} logged line(s)${f.events.suppressed ? ` + up to ${f.events.suppressed} suppressed` : ''}` : null;
  const count = [counted, logged].filter(Boolean).join('; ') || '0 events';
  const where = f.listener ? `; listener ${f.listener.address}:${f.listener.port}${f.listener.process ? ` (${f.listener.process})` : ''}` : '';
  const lim = f.limit.value != null ? `; limit ${f.limit.name} = ${f.limit.value}` + (f.limit.peak != null ? `, peak seen ${f.limit.peak}` : '') : '';
  const peer = f.top_peers[0] ? `; top ${f.kind === 'tcp_listen_overflow' ? 'client' : 'peer'} ${f.top_peers[0].peer} (${Math.round(f.top_peers[0].share * 100)}%${f.kind === 'tcp_listen_overflow' ? '' : ' of TIME-WAIT'})` : '';
  return `${f.host}${f.netns ? ` (netns ${f.netns})` : ''}: ${k} ${when}: ${count}${where}${lim}${peer}.`;
}
