/**
 * sysstat's column vocabulary, shared by the sar text parser (parser.ts) and the sadf readers
 * (sadf/, sadf-xml/): which activity a column belongs to, its canonical counter name and
 * semantics, per-device key columns, and sar's number format.
 */
import type { CounterSemantics } from '../../model.js';

/** Columns whose sysstat meaning has a canonical name shared with nstat / sockstat. */
export interface SarColumn {
  /** sar -n keyword of the activity the column belongs to (column names repeat across activities) */
  activity: string;
  column: string;
  name: string;
  semantics: CounterSemantics;
}

export const SAR_COLUMNS: readonly SarColumn[] = [
  { activity: 'TCP', column: 'active/s', name: 'TcpActiveOpens', semantics: 'rate' },
  { activity: 'TCP', column: 'passive/s', name: 'TcpPassiveOpens', semantics: 'rate' },
  { activity: 'TCP', column: 'iseg/s', name: 'TcpInSegs', semantics: 'rate' },
  { activity: 'TCP', column: 'oseg/s', name: 'TcpOutSegs', semantics: 'rate' },
  { activity: 'ETCP', column: 'atmptf/s', name: 'TcpAttemptFails', semantics: 'rate' },
  { activity: 'ETCP', column: 'estres/s', name: 'TcpEstabResets', semantics: 'rate' },
  // sysstat ≤ 11.x prints `retrans/s`, 12.x `retrseg/s` (NFS also has a `retrans/s`: RPC retries).
  { activity: 'ETCP', column: 'retrans/s', name: 'TcpRetransSegs', semantics: 'rate' },
  { activity: 'ETCP', column: 'retrseg/s', name: 'TcpRetransSegs', semantics: 'rate' },
  { activity: 'ETCP', column: 'isegerr/s', name: 'TcpInErrs', semantics: 'rate' },
  { activity: 'ETCP', column: 'orsts/s', name: 'TcpOutRsts', semantics: 'rate' },
  { activity: 'SOCK', column: 'totsck', name: 'sockstat.sockets.used', semantics: 'gauge' },
  { activity: 'SOCK', column: 'tcpsck', name: 'sockstat.TCP.inuse', semantics: 'gauge' },
  { activity: 'SOCK', column: 'udpsck', name: 'sockstat.UDP.inuse', semantics: 'gauge' },
  { activity: 'SOCK', column: 'rawsck', name: 'sockstat.RAW.inuse', semantics: 'gauge' },
  { activity: 'SOCK', column: 'ip-frag', name: 'sockstat.FRAG.inuse', semantics: 'gauge' },
  { activity: 'SOCK', column: 'tcp-tw', name: 'sockstat.TCP.tw', semantics: 'gauge' },
];

/**
 * How a section is recognised: the first listed column present in its header names the
 * activity (sar -n keywords for network activities, sar(1) report names otherwise).
 */
export const SAR_ACTIVITY_SIGNATURES: readonly (readonly [string, string])[] = [
  ['TCP', 'active/s'], ['ETCP', 'atmptf/s'], ['SOCK', 'totsck'], ['DEV', 'rxpck/s'], ['EDEV', 'rxerr/s'],
  ['NFS', 'call/s'], ['NFSD', 'scall/s'], ['IP', 'irec/s'], ['EIP', 'ihdrerr/s'], ['ICMP', 'imsg/s'],
  ['EICMP', 'ierr/s'], ['UDP', 'idgm/s'], ['SOCK6', 'tcp6sck'], ['IP6', 'irec6/s'], ['EIP6', 'ihdrer6/s'],
  ['ICMP6', 'imsg6/s'], ['EICMP6', 'ierr6/s'], ['UDP6', 'idgm6/s'], ['FC', 'fch_rxf/s'], ['SOFT', 'total/s'],
  ['CPU', '%usr'], ['CPU', '%user'], ['TASK', 'proc/s'], ['SWAP', 'pswpin/s'], ['PAGE', 'pgpgin/s'],
  ['IO', 'rtps'], ['MEM', 'kbmemfree'], ['MEM', 'frmpg/s'], ['SWAPSPC', 'kbswpfree'], ['HUGE', 'kbhugfree'],
  ['KTABLES', 'dentunusd'], ['LOAD', 'runq-sz'], ['SERIAL', 'TTY'], ['DISK', 'DEV'], ['INT', 'INTR'],
  ['FREQ', 'MHz'], ['WGHFREQ', 'wghMHz'], ['BAT', '%cap'], ['USB', 'manufact'], ['FS', 'MBfsfree'],
  ['PSI-CPU', '%scpu-10'], ['PSI-IO', '%sio-10'], ['PSI-MEM', '%smem-10'], ['FAN', 'rpm'],
  ['TEMP', 'degC'], ['IN', 'inV'],
];

/** USB rows are a device inventory (hex ids, free-text vendor/product), not samples. */
export const IGNORED_ACTIVITIES = new Set(['USB']);
/** Text-valued columns inside otherwise numeric activities. */
export const TEXT_COLUMNS = new Set(['status']);

const byActivityColumn = new Map(SAR_COLUMNS.map((c) => [`${c.activity}\u0000${c.column}`, c]));
const signatureOf = new Map<string, string>();
for (const [activity, column] of SAR_ACTIVITY_SIGNATURES) if (!signatureOf.has(column)) signatureOf.set(column, activity);
// NFS has a `retrans/s` too, so that column alone does not name ETCP.
for (const c of SAR_COLUMNS) if (c.column !== 'retrans/s' && !signatureOf.has(c.column)) signatureOf.set(c.column, c.activity);

/** The activity a section's column names belong to (the first column name when unknown). */
export function sarActivity(columns: readonly string[]): string {
  for (const [activity, column] of SAR_ACTIVITY_SIGNATURES) if (columns.includes(column)) return activity;
  return columns.find((c) => !isDeviceColumn(c)) ?? columns[0] ?? '?';
}

/** The activity a column name identifies on its own (for `sadf -p`, which has no headers). */
export function sarActivityOfColumn(column: string): string | undefined {
  return signatureOf.get(column);
}

/**
 * Canonical counter for a sar column: the shared names of SAR_COLUMNS, else `sar.<column>`
 * ('rate' for per-second columns). Interrupts: only the all-CPU rate (`sar.intr/s`, device =
 * interrupt) is kept — per-CPU columns come and go with CPU hotplug and are not positional in sadf -d.
 */
export function sarCounter(activity: string, column: string): { name: string; semantics: CounterSemantics } | null {
  const known = byActivityColumn.get(`${activity}\u0000${column}`);
  if (known) return { name: known.name, semantics: known.semantics };
  if (activity === 'INT') return column === 'all' || column === 'intr/s' ? { name: 'sar.intr/s', semantics: 'rate' } : null;
  return { name: `sar.${column}`, semantics: column.endsWith('/s') ? 'rate' : 'gauge' };
}

/**
 * Per-device key columns (first or, with `sar -p` / newer versions, last). Capitals alone do not
 * make a key: `sar -I ALL` has per-CPU value columns `CPU0 CPU1 …`.
 */
export const DEVICE_COLUMNS = new Set([
  'CPU', 'IFACE', 'DEV', 'DEVICE', 'INTR', 'TTY', 'FILESYSTEM', 'MOUNTPOINT', 'FCHOST', 'BAT', 'BUS', 'FAN', 'TEMP', 'IN',
]);

export function isDeviceColumn(column: string): boolean {
  return DEVICE_COLUMNS.has(column);
}

/** sar numbers: `465.20`, `465,20` (locale decimal comma), `+0.00` (battery). */
export function parseSarNumber(s: string): number | null {
  if (!/^[+-]?\d+(?:[.,]\d+)?$/.test(s)) return null;
  return Number(s.replace(',', '.'));
}
