import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths, type IngestOptions, type InputSummary } from '../../src/ingest/ingest.js';

export { tempDir, REPO, SAMPLES, runCli } from '../helpers.js';

/** Ingest into a database file and hand back the summaries; the store stays open for queries. */
export async function ingestInto(db: string, paths: string[], opts: IngestOptions = {}): Promise<{ store: Store; sums: InputSummary[] }> {
  const store = await openStore(db);
  const sums = await ingestPaths(store, paths, opts);
  return { store, sums };
}

/** All rows of a query as plain arrays (BigInt counts as numbers). */
export async function rows(store: Store, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const r = await store.conn.runAndReadAll(sql, params as never);
  return r.getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

/** Short issue tuples [code, line, severity] for exact comparisons. */
export function issueKeys(s: InputSummary): [string, number | null, string][] {
  return s.issues.map((i) => [i.code, i.line, i.severity]);
}

export const at = (dir: string, name: string) => join(dir, name);
