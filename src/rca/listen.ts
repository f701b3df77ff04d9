/**
 * The facts of a listen-queue overflow (tcp_listen_overflow): which listener overflowed and who
 * set its limit, the clients that held its connections, and when incoming attempts outran what it
 * accepted. From the rows of sql/rca/window_listeners, window_clients and window_attempts.
 */
import type { Reconciled } from './reconcile.js';
import type { WindowAttemptRecord, WindowClientRecord, WindowListenerRecord } from './records.js';
import type { Finding } from './types.js';
import { iso, num, round } from './values.js';

/**
 * The listener whose queue overflowed: the one a SYN-flood line names, else the one most often
 * full around the finding. Its limit is its own backlog, min(listen() argument, somaxconn): ss
 * shows it as Send-Q of the LISTEN socket. A backlog below somaxconn was set by the application;
 * equal to it, somaxconn capped what the application asked for.
 */
export function listenerFacts(f: Finding, rows: WindowListenerRecord[], r: Reconciled, settings: Record<string, string>, base: Finding['evidence']): void {
  // The listener a SYN-flood line named (its port), when the finding has one.
  const named = new Set((r.episode?.details ?? []).map((d) => Number(/(\d+)$/.exec(d)?.[1])).filter((x) => Number.isFinite(x)));
  const somaxconn = settings['net.core.somaxconn'] != null && /^\s*\d+\s*$/.test(settings['net.core.somaxconn']) ? Number(settings['net.core.somaxconn']) : null;
  // Which listener: the one the SYN-flood line names (its port), else one whose queue the
  // snapshots show full around the finding. Never another port's listener, never a guess.
  const shown = rows.filter((x) => x.near && (Number(x.snapshots) > 0 || x.backlog_any != null));
  const candidates = named.size > 0 ? shown.filter((x) => named.has(Number(x.local_port))) : shown.filter((x) => Number(x.full_near) > 0);
  if (candidates.length === 0) {
    f.limit.name = 'net.core.somaxconn';
    f.limit.value = somaxconn;
    f.limit.note = named.size > 0
      ? `the kernel named port ${[...named].join(', ')}, and no snapshot of this namespace shows a listener on it: its backlog is unknown`
      : shown.length
        ? 'no listener\'s accept queue was seen full in the snapshots around the finding: which one overflowed is unknown'
        : rows.length
          ? 'no queue sizes for the listeners around the finding (ss -ltn shows Recv-Q / Send-Q of each LISTEN socket)'
          : 'no listening sockets of this namespace in the inputs: which listener overflowed is unknown (ss -ltn snapshots would show it)';
    return;
  }
  candidates.sort((a, b) => Number(named.has(Number(b.local_port))) - Number(named.has(Number(a.local_port)))
    || Number(b.full_near) - Number(a.full_near)
    || (Number(b.peak_queue ?? 0) / Math.max(Number(b.backlog_near ?? 1), 1)) - (Number(a.peak_queue ?? 0) / Math.max(Number(a.backlog_near ?? 1), 1)));
  const c = candidates[0]!;
  const backlog = num(c.backlog_near ?? c.backlog_any);
  const setBy = backlog == null ? null : somaxconn == null ? null : backlog < somaxconn ? 'application' : backlog === somaxconn ? 'net.core.somaxconn' : null;
  f.listener = {
    address: String(c.local_addr), port: Number(c.local_port), process: c.process != null ? String(c.process) : null,
    backlog, backlog_set_by: setBy, somaxconn, peak_queue: num(c.peak_queue), peak_queue_at: iso(c.peak_queue_at),
    full_snapshots: Number(c.full_snapshots), snapshots: Number(c.snapshots), source: null,
  };
  const addr = f.listener.address.includes(':') ? `[${f.listener.address}]` : f.listener.address;
  if (backlog != null) {
    f.limit.name = setBy === 'net.core.somaxconn' ? 'net.core.somaxconn' : `listen() backlog of ${addr}:${f.listener.port}`;
    f.limit.value = backlog;
    f.limit.note = setBy === 'application'
      ? `the application's listen() backlog (${backlog}) is below net.core.somaxconn (${somaxconn}): the application sets this limit`
      : setBy === 'net.core.somaxconn'
        ? `the backlog equals net.core.somaxconn (${somaxconn}): somaxconn caps what the application asked for`
        : somaxconn == null ? `net.core.somaxconn of this namespace is not in the inputs: who set the backlog of ${backlog} is unknown` : null;
  }
  if (f.listener.peak_queue != null) {
    f.limit.peak = f.listener.peak_queue;
    f.limit.peak_at = f.listener.peak_queue_at;
    f.limit.peak_metric = `accept queue of ${addr}:${f.listener.port} (ss Recv-Q)`;
    if (backlog) f.limit.ratio = Math.round((f.listener.peak_queue / backlog) * 1000) / 1000;
  }
  base.push({
    source: 'sockets',
    detail: `listener ${addr}:${f.listener.port}${f.listener.process ? ` (${f.listener.process})` : ''}: backlog ${backlog ?? '?'} (ss Send-Q)${setBy ? `, set by ${setBy === 'application' ? "the application's listen()" : 'net.core.somaxconn'}` : ''}; queue ${f.listener.peak_queue ?? '?'} at ${f.listener.peak_queue_at ?? '?'}; full in ${f.listener.full_snapshots} of the ${f.listener.snapshots} snapshots taken during the finding`,
  });
}

/** The clients that held the listener's connections, by source address. */
export function listenClients(f: Finding, rows: WindowClientRecord[]): void {
  if (!f.listener) return;
  const mine = rows.filter((r) => Number(r.local_port) === f.listener!.port);
  const total = mine.reduce((a, r) => a + Number(r.sockets), 0);
  if (total === 0) return;
  f.top_peers = mine.map((r) => ({ peer: String(r.peer_addr), share: Math.round((Number(r.sockets) / total) * 1000) / 1000, sockets: Number(r.sockets), side: 'server', local_port: f.listener!.port }))
    .sort((a, b) => b.sockets - a.sockets || a.peer.localeCompare(b.peer)).slice(0, 5);
}

/**
 * The trigger of a listen-queue overflow: when the incoming attempts (connections accepted, as
 * TcpPassiveOpens, plus those the full queue dropped, as ListenDrops) outran what the listener
 * accepted, from the same snapshots.
 */
export function listenTrigger(f: Finding, a: WindowAttemptRecord): void {
  const start = iso(a.outran_from);
  const lead = start && f.start ? Math.round((Date.parse(f.start) - Date.parse(start)) / 1000) : null;
  f.trigger = {
    metric: 'incoming_attempts_per_s', baseline: round(num(a.baseline)), peak: round(num(a.peak)), start, lead_seconds: lead,
    spiked: true, peak_at: iso(a.peak_at), origin: String(a.series),
    note: `incoming attempts (accepted + dropped by the full queue, retransmissions included) reached ${round(num(a.peak))}/s against ${round(num(a.accepted_at_peak))}/s accepted${a.baseline != null ? `; ${round(num(a.baseline))}/s before` : ''}: the queue overflowed from ${start}`,
  };
  f.evidence.push({ source: `counter_samples (${a.series})`, detail: `TcpPassiveOpens + ListenDrops ${round(num(a.baseline))}/s → ${round(num(a.peak))}/s; accepted ${round(num(a.accepted_at_peak))}/s at the peak` });
}
