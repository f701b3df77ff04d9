import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { runReport } from '../../src/report/catalogue.js';
import { tempDir } from '../helpers.js';

/** A fresh database with the schema and views, and the statements run on it (one per array item). */
export async function freshStore(statements: string[] = []): Promise<{ store: Store; close: () => void }> {
  const t = tempDir('bundlescope-report-');
  const store = await openStore(join(t.dir, 'r.duckdb'));
  for (const s of statements) await store.conn.run(s);
  return { store, close: () => { store.close(); t.cleanup(); } };
}

/** Run a report on a fresh database holding `statements`; the rows, as plain objects. */
export async function reportRows(statements: string[], name: string, params: Record<string, string | null> = {}) {
  const { store, close } = await freshStore(statements);
  try {
    return (await runReport(store, name, params)).rows;
  } finally {
    close();
  }
}

/** One sources row (top-level input unless a parent is given). */
export const source = (id: number, host: string | null, kind: string, path: string, o: { parent?: number; partial?: boolean } = {}) =>
  `INSERT INTO sources (source_id, parent_id, host, kind, path, partial, ingested_at) VALUES (${id}, ${o.parent ?? 'NULL'}, ${host == null ? 'NULL' : `'${host}'`}, '${kind}', '${path}', ${o.partial ?? false}, '2026-03-02 00:00:00+00')`;

export const sysctl = (host: string, name: string, value: string, origin = 'sysctl-a', sourceId = 1) =>
  `INSERT INTO sysctls (host, name, value, origin, source_id) VALUES ('${host}', '${name}', '${value}', '${origin}', ${sourceId})`;
