import type { LogEventRow, OverflowEventRow } from '../../model.js';
import { classifyMessage, ratelimitSummary, repeatSummary, type OverflowKind } from '../../signatures.js';

/** (the row type lives in model.ts with the other row types; re-exported for the classifier's users) */
export type { OverflowEventRow };

/** What the classifier is shown of a log row. */
export type ClassifierEvent = Pick<LogEventRow, 'host' | 'ts' | 'ts_quality' | 'ident' | 'transport' | 'mono_us' | 'boot_id' | 'message' | 'line_no'> & {
  /**
   * For a caller that shows the classifier only some rows of the source (the SQL load paths show
   * the overflow candidates): the line of the row before this one of the same host (null: none).
   * Without it, every row of the source is taken to be shown, in line order.
   */
  prev_line_no?: number | null;
};

/** What one line said, per copy: kept per host, so that a repeat summary after it counts it again. */
interface Said {
  kind: OverflowKind | 'unattributed';
  count: number;
  suppressed: boolean;
  variant: string;
  detail: string | null;
  netRatelimited: boolean;
}

/** A ratelimit summary refers to the window that just ended (≥ message_cost = 5 s); allow slack. */
const ATTRIBUTION_WINDOW_US = 10 * 60 * 1_000_000;

function isKernelLine(e: Pick<LogEventRow, 'ident' | 'transport'>): boolean {
  return e.ident === 'kernel' || e.transport === 'kernel' || (e.ident == null && e.transport == null);
}

/**
 * Classifies the log events of one source, in source order, into overflow events.
 *
 * A ratelimit summary (`net_ratelimit: N callbacks suppressed`, signatures.ts SUPPRESSED_PATTERN)
 * is attributed to the net_ratelimit-printed signature that the same host printed last in this
 * source (domain.md §1.3: the summary follows the window it summarises); with none in the last
 * 10 minutes it is 'unattributed' — except `__ratelimit:`, which any ratelimit state printed in
 * its kernels: without such a signature before it, it is not counted at all.
 *
 * A syslog daemon's repeat summary (signatures.ts REPEAT_PATTERN) counts its line N more times:
 * sysklogd's `last message repeated N times` the row before it of the same host (whatever that
 * said: a signature, a ratelimit summary, or nothing), rsyslog's `message repeated N times: [ …]`
 * the kernel message in its brackets. Its row has count = N × what one copy counts and
 * `repeated` set, `suppressed` as the repeated line's.
 */
export class OverflowClassifier {
  private lastKind = new Map<string, { kind: OverflowKind; ts: number | null; mono: number | null }>();
  /** Per host: the last row shown and what it said (null: no overflow). */
  private lastLine = new Map<string, { line: number; said: Said | null }>();
  // (the entry of the host of the previous row: most files are of one host)
  private cachedHost: string | null = null;
  private cached: { line: number; said: Said | null } | null = null;

  classify(events: ClassifierEvent[]): OverflowEventRow[] {
    const out: OverflowEventRow[] = [];
    for (const e of events) {
      const o = this.next(e);
      if (o) out.push(o);
    }
    return out;
  }

  /** The next event of the source in order: its overflow row, or null. */
  next(e: ClassifierEvent): OverflowEventRow | null {
    const hostKey = e.host ?? '';
    const c = e.message.charCodeAt(0);
    if (c === 108 || c === 109) { // 'l', 'm': maybe a repeat summary (sysklogd writes it without a tag)
      const rep = repeatSummary(e.message);
      if (rep) return this.repeat(e, hostKey, rep.n, rep.text);
    }
    if (!isKernelLine(e)) {
      this.remember(hostKey, e.line_no, null);
      return null;
    }
    const said = this.say(e, hostKey, e.message);
    this.remember(hostKey, e.line_no, said);
    return said ? this.row(e, said, said.count, false) : null;
  }

  /** What a kernel message counts (one copy of it), updating the attribution state. */
  private say(e: ClassifierEvent, hostKey: string, message: string): Said | null {
    const c = classifyMessage(message);
    if (c) {
      if (c.netRatelimited) this.lastKind.set(hostKey, { kind: c.kind, ts: e.ts, mono: e.mono_us });
      return { kind: c.kind, count: 1, suppressed: false, variant: c.variant, detail: c.detail, netRatelimited: c.netRatelimited };
    }
    const r = ratelimitSummary(message);
    if (!r) return null;
    const last = this.lastKind.get(hostKey);
    let kind: OverflowKind | 'unattributed' = 'unattributed';
    if (last) {
      const dt = e.ts != null && last.ts != null ? e.ts - last.ts
        : e.mono_us != null && last.mono != null ? e.mono_us - last.mono : 0;
      if (dt >= 0 && dt <= ATTRIBUTION_WINDOW_US) kind = last.kind;
    }
    // (`__ratelimit:` is networking only when it follows a net_ratelimit-printed signature.)
    if (kind === 'unattributed' && r.limiter === '__ratelimit') return null;
    return { kind, count: r.n, suppressed: true, variant: 'ratelimit-summary', detail: null, netRatelimited: false };
  }

  private repeat(e: ClassifierEvent, hostKey: string, n: number, text: string | null): OverflowEventRow | null {
    let said: Said | null = null;
    if (text != null) {
      // rsyslog keeps the tag: only a kernel line's message is a kernel message.
      if (isKernelLine(e)) said = this.say(e, hostKey, text);
    } else {
      const last = this.lastLine.get(hostKey);
      // (Shown only some rows, the row before is the last one shown unless a later one was not.)
      if (last && (e.prev_line_no == null || last.line >= e.prev_line_no)) said = last.said;
      // The copies were printed up to this line's time: a summary after it follows them.
      if (said && said.netRatelimited && said.kind !== 'unattributed') this.lastKind.set(hostKey, { kind: said.kind, ts: e.ts, mono: e.mono_us });
    }
    this.remember(hostKey, e.line_no, said);
    return said ? this.row(e, said, said.count * n, true) : null;
  }

  private remember(hostKey: string, line: number, said: Said | null): void {
    let s = hostKey === this.cachedHost ? this.cached : this.lastLine.get(hostKey);
    if (s) {
      s.line = line;
      s.said = said;
    } else {
      s = { line, said };
      this.lastLine.set(hostKey, s);
    }
    this.cachedHost = hostKey;
    this.cached = s;
  }

  private row(e: ClassifierEvent, said: Said, count: number, repeated: boolean): OverflowEventRow {
    return {
      host: e.host, ts: e.ts, ts_quality: e.ts_quality, kind: said.kind, count, suppressed: said.suppressed,
      variant: said.variant, detail: said.detail, mono_us: e.mono_us, boot_id: e.boot_id, message: e.message, line_no: e.line_no, repeated,
    };
  }
}
