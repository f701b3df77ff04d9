import type { Store } from './db.js';
import { forgetKnownInputs, HOST_UPSERT, SOURCE_TABLES as TABLES } from './load.js';
import { quoted } from './sql.js';

export interface MergeResult {
  sources: number;
  skippedInputs: number;
}

/**
 * Fold a database written by a parallel worker into this one, in one transaction: its sources
 * get new ids after this database's largest, every row follows its source, hosts are upserted
 * with the same rules as an ingest, and an input already here (same content hash) is not added
 * twice.
 */
export async function mergeDatabase(store: Store, partPath: string): Promise<MergeResult> {
  const c = store.conn;
  await c.run(`ATTACH ${quoted(partPath)} AS part (READ_ONLY)`);
  try {
    await c.run('BEGIN TRANSACTION');
    try {
      await c.run(`CREATE OR REPLACE TEMP TABLE merge_skip AS
        SELECT p.source_id FROM part.sources p
        WHERE p.parent_id IS NULL AND EXISTS (SELECT 1 FROM main.sources m WHERE m.parent_id IS NULL AND m.sha256 = p.sha256)`);
      await c.run(`CREATE OR REPLACE TEMP TABLE merge_ids AS
        SELECT source_id AS old_id,
          (SELECT coalesce(max(source_id), 0) FROM main.sources) + row_number() OVER (ORDER BY source_id) AS new_id
        FROM part.sources
        WHERE coalesce(parent_id, source_id) NOT IN (SELECT source_id FROM merge_skip)`);
      await c.run(`INSERT INTO main.sources
        SELECT p.* REPLACE (m.new_id AS source_id, pm.new_id AS parent_id)
        FROM part.sources p JOIN merge_ids m ON m.old_id = p.source_id LEFT JOIN merge_ids pm ON pm.old_id = p.parent_id`);
      for (const t of TABLES) {
        await c.run(`INSERT INTO main.${t} SELECT p.* REPLACE (m.new_id AS source_id) FROM part.${t} p JOIN merge_ids m ON m.old_id = p.source_id`);
      }
      await c.run(`INSERT INTO main.hosts AS h
        SELECT p.* REPLACE (m.new_id AS source_id) FROM part.hosts p JOIN merge_ids m ON m.old_id = p.source_id
        ${HOST_UPSERT}`);
      const n = await c.runAndReadAll('SELECT (SELECT count(*) FROM merge_ids), (SELECT count(*) FROM merge_skip)');
      const [sources, skipped] = n.getRows()[0]!.map(Number) as [number, number];
      await c.run('COMMIT');
      forgetKnownInputs(c);
      return { sources, skippedInputs: skipped };
    } catch (e) {
      await c.run('ROLLBACK');
      throw e;
    }
  } finally {
    await c.run('DETACH part');
  }
}
