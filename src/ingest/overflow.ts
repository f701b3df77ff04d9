import type { LogEventRow, TsQuality } from '../model.js';
import { classifyMessage, suppressedCount, type OverflowKind } from '../signatures.js';

export interface OverflowEventRow {
  host: string | null;
  ts: number | null;
  ts_quality: TsQuality | null;
  kind: OverflowKind | 'unattributed';
  count: number;
  suppressed: boolean;
  variant: string | null;
  detail: string | null;
  mono_us: number | null;
  boot_id: string | null;
  message: string;
  line_no: number;
}

/** A ratelimit summary refers to the window that just ended (≥ message_cost = 5 s); allow slack. */
const ATTRIBUTION_WINDOW_US = 10 * 60 * 1_000_000;

function isKernelLine(e: Pick<LogEventRow, 'ident' | 'transport'>): boolean {
  return e.ident === 'kernel' || e.transport === 'kernel' || (e.ident == null && e.transport == null);
}

/**
 * Classifies the log events of one source, in source order, into overflow events.
 * `net_ratelimit: N callbacks suppressed` is attributed to the net_ratelimit-printed
 * signature that the same host printed last in this source (domain.md §1.3: the summary
 * follows the window it summarises); with none in the last 10 minutes it is 'unattributed'.
 */
export class OverflowClassifier {
  private lastKind = new Map<string, { kind: OverflowKind; ts: number | null; mono: number | null }>();

  classify(events: LogEventRow[]): OverflowEventRow[] {
    const out: OverflowEventRow[] = [];
    for (const e of events) {
      const o = this.next(e);
      if (o) out.push(o);
    }
    return out;
  }

  /** The next event of the source in order: its overflow row, or null. */
  next(e: Pick<LogEventRow, 'host' | 'ts' | 'ts_quality' | 'ident' | 'transport' | 'mono_us' | 'boot_id' | 'message' | 'line_no'>): OverflowEventRow | null {
    if (!isKernelLine(e)) return null;
    const hostKey = e.host ?? '';
    const c = classifyMessage(e.message);
    if (c) {
      if (c.netRatelimited) this.lastKind.set(hostKey, { kind: c.kind, ts: e.ts, mono: e.mono_us });
      return {
        host: e.host, ts: e.ts, ts_quality: e.ts_quality, kind: c.kind, count: 1, suppressed: false,
        variant: c.variant, detail: c.detail, mono_us: e.mono_us, boot_id: e.boot_id, message: e.message, line_no: e.line_no,
      };
    }
    const n = suppressedCount(e.message);
    if (n == null) return null;
    const last = this.lastKind.get(hostKey);
    let kind: OverflowKind | 'unattributed' = 'unattributed';
    if (last) {
      const dt = e.ts != null && last.ts != null ? e.ts - last.ts
        : e.mono_us != null && last.mono != null ? e.mono_us - last.mono : 0;
      if (dt >= 0 && dt <= ATTRIBUTION_WINDOW_US) kind = last.kind;
    }
    return {
      host: e.host, ts: e.ts, ts_quality: e.ts_quality, kind, count: n, suppressed: true,
      variant: 'ratelimit-summary', detail: null, mono_us: e.mono_us, boot_id: e.boot_id, message: e.message, line_no: e.line_no,
    };
  }
}
