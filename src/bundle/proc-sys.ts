/**
 * A bundle's /proc/sys/net values (sosreport: proc/sys/net/** files; supportconfig: proc.txt's
 * `/proc/sys/net/…` sections) are the running settings at collection time: one ready-made source
 * `proc-sys` under the bundle, its rows made here rather than parsed by a format (a file per
 * setting has no format of its own).
 */
import type { HostFacts, TimeBasis } from '../model.js';
import type { ReadySource } from './plan.js';

/** sources.kind of a bundle's /proc/sys values. */
export const PROC_SYS_KIND = 'proc-sys';

export interface ProcSysctl {
  /** Where the value was read, as the content hash names it (`proc/sys/net/…`, `proc.txt#/proc/sys/net/…`). */
  path: string;
  name: string;
  value: string;
}

/**
 * The `proc-sys` source of a bundle, shown as `path`, or none when the bundle holds no value.
 * Its rows: every setting (origin proc-sys), and — the one counter among them — the conntrack
 * table's fill at collection time as a gauge sample (nf_conntrack_count), so the conntrack
 * population is known next to its limit even without a snapshot log.
 */
export function procSysSource(values: ProcSysctl[], facts: HostFacts, collection: TimeBasis | null, path: string): ReadySource[] {
  if (!values.length) return [];
  const host = facts.host;
  const rows: ReadySource['rows'] = {
    sysctls: values.map((s) => ({ host, name: s.name, value: s.value, origin: 'proc-sys', netns: null })),
  };
  const count = values.find((s) => s.name === 'net.netfilter.nf_conntrack_count');
  if (count && facts.collected_at != null && /^\d+$/.test(count.value)) {
    rows.counter_samples = [{ host, ts: facts.collected_at, ts_quality: 'collection-time', origin: 'sysctl', name: 'nf_conntrack_count', value: Number(count.value), semantics: 'gauge', device: null, netns: null }];
  }
  return [{
    kind: PROC_SYS_KIND, path, rows,
    times: { snapshot: collection && { basis: 'collection-time', uncertainty_s: collection.uncertainty_s } },
    digest: values.map((s) => `${s.path}=${s.value}`).join('\n'),
  }];
}
