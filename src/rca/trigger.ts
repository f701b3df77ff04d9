/**
 * The trigger of a finding other than a listen-queue overflow: the connection-rate spike that led
 * it (sql/rca/window_spikes.sql), else the rate around it (window_rates.sql), else why none can be
 * named (rate_ranges.sql: what rate data the host has at all).
 */
import type { RateRangeRecord, WindowRateRecord, WindowSpikeRecord } from './records.js';
import type { Finding } from './types.js';
import { fmtS, iso, num, round } from './values.js';

const RATE_METRIC: Record<string, string> = { TcpActiveOpens: 'active_opens_per_s', TcpPassiveOpens: 'passive_opens_per_s' };

/**
 * The trigger of a finding from its spike (view rate_spikes) or, when the rate did not depart from
 * its baseline, the rate around it; when the host has no rate data, say so instead.
 * Active opens mean outgoing connections (this host is the client and closes first); passive
 * opens mean incoming ones.
 */
export function addTrigger(f: Finding, rates: RateRangeRecord[], spike: WindowSpikeRecord | undefined, around: WindowRateRecord | undefined): void {
  const have = rates.filter((r) => r.host === f.host && r.netns === (f.netns ?? ''));
  if (have.length === 0) {
    f.trigger_note = `no connection-rate data for this host${f.netns ? ` in namespace ${f.netns}` : ''} (sar -n TCP, or two or more nstat / netstat -s / /proc/net/snmp snapshots, would show it)`;
    return;
  }
  if (!f.start || !f.end) {
    f.trigger_note = 'the overflow is undated (a since-boot count), so no rate can be tied to it';
    return;
  }
  if (spike) {
    const start = iso(spike.start_ts);
    const lead = start ? Math.round((Date.parse(f.start) - Date.parse(start)) / 1000) : null;
    const metric = RATE_METRIC[String(spike.name)] ?? String(spike.name);
    f.trigger = {
      metric, baseline: round(num(spike.baseline)), peak: round(num(spike.peak)), start, lead_seconds: lead,
      spiked: true, peak_at: iso(spike.peak_ts), origin: String(spike.origin),
      note: `${spike.name === 'TcpActiveOpens' ? 'outgoing connections (this host is the client and closes first)' : 'incoming connections (this host accepts and closes them)'} rose from ${round(num(spike.baseline))}/s to ${round(num(spike.peak))}/s (${spike.method} from ${spike.origin}${spike.interval_s != null ? `, ${fmtS(Number(spike.interval_s))} intervals` : ''})`,
    };
    f.evidence.push({ source: `counter_samples (${spike.series})`, detail: `${spike.name} ${round(num(spike.baseline))}/s → ${round(num(spike.peak))}/s from ${start}${lead != null ? `, ${lead >= 0 ? `${lead} s before` : `${-lead} s after`} the first overflow` : ''}` });
    return;
  }
  if (!around) {
    f.trigger_note = `connection-rate data exists (${have.map((h) => `${h.name} ${iso(h.first)} → ${iso(h.last)}`).join('; ')}) but none around the finding`;
    return;
  }
  // Rate data exists but shows no departure from its baseline around the episode: say so.
  f.trigger = {
    metric: RATE_METRIC[String(around.name)] ?? String(around.name), baseline: round(num(around.baseline)), peak: round(num(around.peak)),
    start: null, lead_seconds: null, spiked: false, peak_at: iso(around.peak_at), origin: String(around.origin),
    note: 'no spike: the connection rate stayed within its usual range around the finding (look for a lower limit or a slower drain instead)',
  };
}
