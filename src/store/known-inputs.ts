/**
 * Which inputs are stored already (content hash and size of every top-level source), for the
 * "unchanged (already ingested)" check: read once per connection, kept up to date by Load.commit.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { forgetKnownHosts } from './hosts.js';

export interface KnownInputs {
  /** sha256 of every top-level input stored. */
  shas: Set<string>;
  /** Sizes in bytes of every top-level input stored. */
  sizes: Set<number>;
}

const knownCache = new WeakMap<DuckDBConnection, KnownInputs>();

/**
 * The content hashes and sizes of the inputs already stored, read once per connection and kept up
 * to date by Load.commit (one writer holds the database; a merge calls forgetKnownInputs). Asking
 * the database for each input cost ~3 ms a question, twice per bundle.
 */
export async function knownInputs(conn: DuckDBConnection): Promise<KnownInputs> {
  let k = knownCache.get(conn);
  if (!k) {
    const r = await conn.runAndReadAll('SELECT sha256, bytes FROM sources WHERE parent_id IS NULL');
    k = { shas: new Set(), sizes: new Set() };
    for (const [sha, bytes] of r.getRows()) {
      if (sha != null) k.shas.add(String(sha));
      if (bytes != null) k.sizes.add(Number(bytes));
    }
    knownCache.set(conn, k);
  }
  return k;
}

/** Both caches of the connection (a merge wrote behind the load's back). */
export function forgetKnownInputs(conn: DuckDBConnection): void {
  knownCache.delete(conn);
  forgetKnownHosts(conn);
}

/** Top-level inputs a committed load stored. */
export function rememberInputs(conn: DuckDBConnection, inputs: readonly { sha256: string | null; bytes: number | null }[]): void {
  const known = knownCache.get(conn);
  for (const m of inputs) {
    if (m.sha256 != null) known?.shas.add(m.sha256);
    if (m.bytes != null) known?.sizes.add(m.bytes);
  }
}
