/**
 * Export the database as files any DuckDB, pandas, polars or R reads directly: every table and the
 * key views, as Parquet hive-partitioned by host (dir/<name>/host=<h>/data_0.parquet) or as one
 * Arrow IPC file per table (dir/<name>.arrow).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/db.js';
import { InputError } from '../errors.js';
import { queryToArrow } from './arrow.js';

export const EXPORT_TABLES = [
  'sources', 'hosts', 'log_events', 'overflow_events', 'slab_samples', 'counter_samples',
  'sysctls', 'sockets', 'ingest_issues', 'signatures',
] as const;

export const EXPORT_VIEWS = [
  'overflow_episodes', 'overflow_minutes', 'population_samples', 'counter_rates', 'timewait_peers', 'overflow_limits',
] as const;

export type ExportFormat = 'parquet' | 'arrow';

export interface ExportedObject {
  name: string;
  type: 'table' | 'view';
  rows: number;
  /** File (arrow, unpartitioned parquet) or folder (hive-partitioned parquet) written. */
  path: string;
  partitioned: boolean;
}

/** A path inside a SQL string literal (COPY takes no bound parameters for its target). */
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function scalar(store: Store, sql: string): Promise<unknown> {
  const r = await store.conn.runAndReadAll(sql);
  return r.getRows()[0]?.[0];
}

async function hasHostColumn(store: Store, name: string): Promise<boolean> {
  const r = await store.conn.runAndReadAll(
    `SELECT count(*) FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $name AND column_name = 'host'`,
    { name },
  );
  return Number(r.getRows()[0]?.[0]) > 0;
}

/**
 * Write every table and key view under `dir`. Parquet: objects with a host column are written
 * with PARTITION_BY (host) (hosts with no name land in host=__HIVE_DEFAULT_PARTITION__, which
 * reads back as NULL); an empty object is still written as one file so its schema is there.
 * Read back with `read_parquet('dir/<name>/**\/*.parquet', hive_partitioning = true)`.
 */
export async function exportStore(store: Store, dir: string, opts: { format?: ExportFormat } = {}): Promise<ExportedObject[]> {
  const format = opts.format ?? 'parquet';
  if (format !== 'parquet' && format !== 'arrow') throw new InputError('bad-format', `export writes parquet or arrow, not '${format}'`);
  mkdirSync(dir, { recursive: true });
  const out: ExportedObject[] = [];
  const objects = [
    ...EXPORT_TABLES.map((name) => ({ name, type: 'table' as const })),
    ...EXPORT_VIEWS.map((name) => ({ name, type: 'view' as const })),
  ];
  for (const { name, type } of objects) {
    const rows = Number(await scalar(store, `SELECT count(*) FROM ${name}`));
    if (format === 'arrow') {
      const path = join(dir, `${name}.arrow`);
      writeFileSync(path, await queryToArrow(store, `SELECT * FROM ${name}`));
      out.push({ name, type, rows, path, partitioned: false });
      continue;
    }
    const folder = join(dir, name);
    rmSync(folder, { recursive: true, force: true });
    const partitioned = rows > 0 && (await hasHostColumn(store, name));
    if (partitioned) {
      await store.conn.run(`COPY (SELECT * FROM ${name}) TO ${literal(folder)} (FORMAT parquet, PARTITION_BY (host))`);
    } else {
      mkdirSync(folder, { recursive: true });
      await store.conn.run(`COPY (SELECT * FROM ${name}) TO ${literal(join(folder, 'data_0.parquet'))} (FORMAT parquet)`);
    }
    out.push({ name, type, rows, path: folder, partitioned });
  }
  return out;
}
