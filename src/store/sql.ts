/**
 * The SQL helpers every module shares: a string literal for the few places DuckDB takes no
 * bound parameter (ATTACH, COPY … TO, SET, IN-lists built once from the catalogue), and running a
 * query into plain rows. Values that come from inputs or users are bound (`$name`), never quoted.
 */
import type { Store } from './db.js';
import { plain, type Row } from '../report/format.js';

/** A SQL string literal: `it's` → `'it''s'`. */
export const quoted = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A SQL list of string literals: `['a', 'b']` (for IN (…) use quotedIn). */
export const quotedList = (xs: readonly string[]): string => `[${xs.map(quoted).join(', ')}]`;

/** The inside of an IN (…): `'a', 'b'`. */
export const quotedIn = (xs: readonly string[]): string => xs.map(quoted).join(', ');

/**
 * `rtrim(e)` as SQL, the copy made only for a text that ends in a space (rtrim copies every string
 * it is given: over millions of log lines, most of them not ending in one, that is most of its cost).
 */
export const rtrimmedSql = (e: string): string => `CASE WHEN suffix(${e}, ' ') THEN rtrim(${e}) ELSE ${e} END`;

/** Run a query with bound values; rows as plain JSON-safe objects (bigint → number, Date → ISO). */
export async function runSql(store: Store, sql: string, values?: Record<string, unknown> | unknown[]): Promise<{ columns: string[]; rows: Row[] }> {
  const r = await store.conn.runAndReadAll(sql, values as never);
  const columns = r.columnNames();
  const rows = r.getRowObjectsJS().map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]))) as Row[];
  return { columns, rows };
}
