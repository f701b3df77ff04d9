/**
 * Which host a side file's rows belong to, and what the database knows of that host (time zone,
 * collection and boot time) to read them with; hosts that side files name get a row of their own.
 */
import type { LogEventRow, TimeBasis } from '../model.js';
import { InputError } from '../errors.js';
import type { Store } from '../store/db.js';
import { forgetKnownHosts, type Load, type TableName } from '../store/load.js';
import { shortHost } from '../formats/kit/host.js';
import type { Format } from '../formats/format.js';
import type { IngestOptions } from './options.js';

/** Rows' host as a side file sets it: --host wins, else the row's own (short), else the file's. */
export function hostFixer(opts: IngestOptions, fallbackHost: string | null): { fix: (rows: LogEventRow[]) => void; noHost: number } {
  // Host names repeat on every line: normalise each distinct one once.
  const short = new Map<string, string>();
  const out = {
    noHost: 0,
    fix(rows: LogEventRow[]) {
      for (const r of rows) {
        if (opts.host) r.host = fallbackHost;
        else if (r.host == null) r.host = fallbackHost;
        else {
          let h = short.get(r.host);
          if (h === undefined) {
            h = shortHost(r.host);
            if (short.size < 10_000) short.set(r.host, h);
          }
          r.host = h;
        }
        if (r.host == null) out.noHost++;
      }
    },
  };
  return out;
}

/** Which known host a side file belongs to: --host, else a known host named in its path. */
async function hostFromPath(store: Store, path: string): Promise<string | null> {
  const r = await store.conn.runAndReadAll('SELECT host FROM hosts ORDER BY length(host) DESC');
  const parts = path.split(/[/\\]/);
  for (const [h] of r.getRows() as [string][]) {
    if (parts.some((p) => p === h || p.startsWith(h + '.') || p.startsWith(h + '-') || p.startsWith(h + '_'))) return h;
  }
  return null;
}

export interface HostInfo {
  tz: string | null;
  collected: number | null;
  boot: number | null;
  /** How boot was found (what a side file's dmesg stamps are dated with). */
  bootBasis: TimeBasis | null;
}

export async function hostInfo(store: Store, host: string | null): Promise<HostInfo> {
  const none: HostInfo = { tz: null, collected: null, boot: null, bootBasis: null };
  if (!host) return none;
  const r = await store.conn.runAndReadAll(
    'SELECT timezone, epoch_us(collected_at), epoch_us(boot_time), boot_time_basis, boot_time_uncertainty_s FROM hosts WHERE host = $1', [host]);
  const row = r.getRows()[0];
  if (!row) return none;
  const boot = row[2] != null ? Number(row[2]) : null;
  return {
    tz: (row[0] as string) ?? null, collected: row[1] != null ? Number(row[1]) : null, boot,
    bootBasis: bootBasis(boot, row[3] as string | null, row[4] != null ? Number(row[4]) : null),
  };
}

/** The basis of stamps dated from a boot time (null when there is none). */
export function bootBasis(boot: number | null, basis: string | null, uncertainty: number | null): TimeBasis | null {
  return boot == null ? null : { basis: basis ?? 'not recorded', uncertainty_s: uncertainty };
}

/**
 * Hosts a side file names (journal _HOSTNAME, syslog lines of a central copy, sar headers) get
 * a bare `hosts` row, so a fleet seen only through side files is listed host by host.
 */
export async function addBareHosts(load: Load, table: TableName, srcId: number): Promise<void> {
  await load.flushAll();
  forgetKnownHosts(load.conn);
  await load.conn.run(
    `INSERT INTO hosts (host, source_id) SELECT DISTINCT host, $1::BIGINT FROM ${table} WHERE source_id = $1::BIGINT AND host IS NOT NULL AND host <> ''
     ON CONFLICT (host) DO NOTHING`, [srcId]);
}

/** The host a side file is read for, and how it was chosen. */
export interface SideHost {
  /** Every row's host when --host is given, else the host of rows that name none (null: no host known). */
  fallback: string | null;
  /** The host the file's first bytes name (a sar header, a journal's _HOSTNAME). */
  data: string | null;
  /** Said on the input's line when the host was taken for it (the database's only host). */
  notice?: string;
}

/**
 * --host, else a known host named in the file's path, else (a format whose data names its host)
 * the host in its head; a format whose data never names one takes the database's only host, or
 * fails with `no-host`.
 */
export async function sideFileHost(store: Store, path: string, fmt: Format, head: string, opts: IngestOptions): Promise<SideHost | InputError> {
  const data = fmt.hostFromHead?.(head) ?? null; // (a sar header, a journal's _HOSTNAME)
  const fallback = opts.host ? shortHost(opts.host) : (await hostFromPath(store, opts.shownAs ?? path)) ?? (fmt.needsHost ? null : data);
  if (!fmt.needsHost || fallback) return { fallback, data };
  // The only host of the database (a case of one machine: its bundle, then its side files).
  const known = (await store.conn.runAndReadAll('SELECT host FROM hosts ORDER BY host LIMIT 2')).getRows().map((r) => String(r[0]));
  if (known.length !== 1) {
    return new InputError('no-host', `a ${fmt.kind} file does not say which host it is from; pass --host${known.length ? ` (hosts in the database: ${(await store.conn.runAndReadAll('SELECT string_agg(host, \', \' ORDER BY host) FROM hosts')).getRows()[0]![0]})` : ''}`, path);
  }
  const only = known[0]!;
  return { fallback: only, data, notice: `host ${only}: the only host in the database (the file does not name one; --host says otherwise)` };
}
