/**
 * DuckDB settings an ingest changes for its duration on a database file (and puts back): a lower
 * memory limit, and no row-group vacuum. In-memory databases keep their defaults (nothing to
 * evict to, nothing to checkpoint).
 */
import { BundlescopeError } from '../errors.js';
import type { Store } from './db.js';
import { quoted } from './sql.js';

/**
 * DuckDB's memory limit while ingesting into a database file. One input is one transaction, and
 * the row groups a large input has already written to the file stay cached until COMMIT unless
 * the buffer pool must make room: with the default limit (80 % of RAM) the process grew with
 * the input (~27 MB per million syslog lines); under this limit they are evicted (they are on
 * disk already) and DuckDB's share of RSS stays under the limit. 128 MiB kept RSS lower still
 * (642 against 751 MiB at 10M syslog lines) but made the journal read_json INSERT 1.5× slower.
 * The previous limit is restored afterwards.
 */
export const INGEST_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * The environment variable that sets another cap (DuckDB's size forms: '1GiB', '512MiB'): for an
 * input that needs more than INGEST_MEMORY_LIMIT_BYTES (the out-of-memory error says so), and for
 * the tests, which set a tiny one to make DuckDB run out of memory on a small input.
 */
export const INGEST_MEMORY_ENV = 'BUNDLESCOPE_INGEST_MEMORY_LIMIT';

const UNIT: Record<string, number> = { BYTES: 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

/** Bytes of a DuckDB size text ('18.8 GiB', '256MiB', '100 bytes'), or NaN. */
function sizeBytes(text: string): number {
  const m = /^\s*([\d.]+)\s*([KMGT]i?B|bytes|B)\s*$/i.exec(text);
  return m ? Number(m[1]) * (UNIT[m[2]!.toUpperCase()] ?? NaN) : NaN;
}

/** The cap of this run: INGEST_MEMORY_ENV when it is a size, else INGEST_MEMORY_LIMIT_BYTES. */
export function ingestMemoryLimitBytes(): number {
  const env = process.env[INGEST_MEMORY_ENV];
  const bytes = env ? sizeBytes(env) : NaN;
  return bytes > 0 ? Math.floor(bytes) : INGEST_MEMORY_LIMIT_BYTES;
}

/**
 * DuckDB's out-of-memory error (`Out of Memory Error: failed to pin block …`) as the input's
 * one-line error, saying what to do; null for any other error. The caller has rolled back.
 */
export function outOfMemory(e: unknown, file: string): BundlescopeError | null {
  const what = oomText(e);
  if (what == null) return null;
  return new BundlescopeError('out-of-memory', `DuckDB ran out of memory loading this input (${what}): nothing of it was stored; ${moreMemory()}`, file);
}

/** The first line of DuckDB's out-of-memory error and the cap in force, or null for another error. */
export function oomText(e: unknown): string | null {
  const msg = e instanceof Error ? e.message : String(e);
  // (an appender's says only `Failed to append: could not allocate block of size …`)
  if (!/Out of Memory Error|could not allocate block of size/i.test(msg)) return null;
  const first = msg.split('\n')[0]!.replace(/^.*?(Out of Memory Error|Failed to append):\s*/i, '');
  return `${first}; the cap while ingesting is ${fmtMiB(ingestMemoryLimitBytes())}`;
}

/** What to do about it. */
export function moreMemory(): string {
  return `ingest it again with a higher cap, e.g. ${INGEST_MEMORY_ENV}=${fmtMiB(Math.max(ingestMemoryLimitBytes() * 4, 1024 ** 3))}, on a machine with that much free memory`;
}

const fmtMiB = (b: number) => (b >= 1024 ** 3 && b % 1024 ** 3 === 0 ? `${b / 1024 ** 3}GiB` : `${Math.round(b / 1024 ** 2)}MiB`);

/** An in-memory store: nothing to evict to, nothing to checkpoint. */
function inMemory(store: Store): boolean {
  return !store.path || store.path.startsWith(':memory:');
}

/**
 * No row-group vacuum while ingesting into a database file, and a checkpoint at the end without
 * one. Every input is its own transaction, and each leaves a partial row group at the end of the
 * tables it appended to; a checkpoint (DuckDB's at COMMIT past 16 MiB of WAL, at close, or ours)
 * then "vacuums": it merges neighbouring partial row groups by reading them back, recompressing
 * and rewriting them, and leaves the old blocks as free space in the file. Eight sosreports of
 * 300,000 log lines: that checkpoint took 1.7–2.7 s of a 14.6 s ingest (the main thread waiting) and
 * left a 101 MB file; without it 0.05 s and 57 MB, the same rows. The row groups stay as the inputs
 * wrote them (one partial group per input and table, a few per file), which scans as fast. The
 * setting (max_vacuum_tasks, DuckDB's own) is put back afterwards; a failed checkpoint (another
 * connection in a transaction) leaves it to DuckDB's next one. Returns what puts it back.
 */
export async function deferVacuum(store: Store): Promise<() => Promise<void>> {
  const none = async () => {};
  if (inMemory(store)) return none;
  try {
    const prev = String((await store.conn.runAndReadAll("SELECT current_setting('max_vacuum_tasks')")).getRows()[0]![0]);
    if (!/^\d+$/.test(prev) || prev === '0') return none;
    await store.conn.run('SET max_vacuum_tasks = 0');
    return async () => {
      try {
        await store.conn.run('CHECKPOINT').catch(() => {});
        await store.conn.run(`SET max_vacuum_tasks = ${prev}`);
      } catch {
        /* the store may be closed or broken by now */
      }
    };
  } catch {
    return none;
  }
}

/** Lowers DuckDB's memory limit to ingestMemoryLimitBytes() when it is higher; returns what puts it back. */
export async function boundMemory(store: Store): Promise<() => Promise<void>> {
  const none = async () => {};
  if (inMemory(store)) return none;
  try {
    const setting = async () => String((await store.conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]![0]);
    const prev = await setting();
    const cap = ingestMemoryLimitBytes();
    if (!(sizeBytes(prev) > cap)) return none;
    await store.conn.run(`SET memory_limit = '${Math.max(1, Math.floor(cap / 1024))}KiB'`);
    return async () => {
      try {
        // RESET gives back the default exactly (a printed limit such as '18.8 GiB' is rounded).
        await store.conn.run('RESET memory_limit');
        if ((await setting()) !== prev) await store.conn.run(`SET memory_limit = ${quoted(prev)}`);
      } catch {
        /* the store may be closed or broken by now; the limit dies with it */
      }
    };
  } catch {
    return none;
  }
}
