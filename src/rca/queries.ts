/**
 * The rca's SQL: one file per question under sql/rca/, with the reports' header (name, question,
 * params, reads, returns; parsed by report/catalogue.ts parseReport). The TypeScript of src/rca
 * turns the rows into findings and pages; it holds no SQL of its own (test/rca/no-sql.test.ts).
 */
import { readFileSync } from 'node:fs';
import { SQL_DIR, type Store } from '../store/db.js';
import { parseReport, type ReportDef } from '../report/catalogue.js';
import { runSql } from '../store/sql.js';
import { RCA_COLUMNS, type RcaQueryName, type RcaRecords } from './records.js';

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
  return (await runRca(store, name, given)).rows;
}

async function runRca(store: Store, name: string, given: Record<string, unknown>) {
  const def = rcaQuery(name);
  const values = Object.fromEntries(def.params.map((p) => [p.name, given[p.name] ?? null]));
  return runSql(store, def.sql, def.params.length ? values : undefined);
}

/** Queries whose columns were found equal to their record's (once per process). */
const checked = new Set<string>();

/**
 * The rows of sql/rca/<name>.sql as its named record (records.ts). The first run of each query
 * compares the columns DuckDB returns with the record's fields and throws on any difference; a
 * statement (no declared fields) is not checked.
 */
export async function rcaRecords<N extends RcaQueryName>(store: Store, name: N, given: Record<string, unknown> = {}): Promise<RcaRecords[N][]> {
  const { columns, rows } = await runRca(store, name, given);
  const want = RCA_COLUMNS[name] as readonly string[];
  if (!checked.has(name) && want.length > 0) {
    if (columns.length !== want.length || columns.some((c, i) => c !== want[i])) {
      throw new Error(`sql/rca/${name}.sql returns (${columns.join(', ')}), its record in src/rca/records.ts has (${want.join(', ')})`);
    }
    checked.add(name);
  }
  return rows as unknown as RcaRecords[N][];
}
