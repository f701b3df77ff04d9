/**
 * The rca's SQL: one file per question under sql/rca/, with the reports' header (name, question,
 * params, reads, returns; parsed by report/catalogue.ts parseReport). The TypeScript of src/rca
 * turns the rows into findings and pages; it holds no analytical SELECT of its own.
 */
import { readFileSync } from 'node:fs';
import { SQL_DIR, type Store } from '../store/db.js';
import { parseReport, type ReportDef } from '../report/catalogue.js';
import { runSql } from '../store/sql.js';

export type Rows = Record<string, unknown>[];

const defs = new Map<string, ReportDef>();

/** sql/rca/<name>.sql, parsed once per process. */
export function rcaQuery(name: string): ReportDef {
  let d = defs.get(name);
  if (!d) defs.set(name, (d = parseReport(`${name}.sql`, readFileSync(`${SQL_DIR}rca/${name}.sql`, 'utf8'))));
  return d;
}

/**
 * Run sql/rca/<name>.sql, binding the parameters its header declares from `given` (absent: NULL;
 * values are bound as given, never spliced into the text).
 */
export async function rcaRows(store: Store, name: string, given: Record<string, unknown> = {}): Promise<Rows> {
  const def = rcaQuery(name);
  const values = Object.fromEntries(def.params.map((p) => [p.name, given[p.name] ?? null]));
  return (await runSql(store, def.sql, def.params.length ? values : undefined)).rows;
}
