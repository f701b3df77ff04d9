import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { StoreError } from '../errors.js';
import { rebuildLogCopies } from './timeline.js';
import { EVIDENCE_STREAMS, KINDS, SIGNATURES } from '../signatures.js';

/** The sql/ folder of the package (works from src/ under vitest and from dist/). */
export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

export interface Store {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  path: string;
  close(): void;
}

let fingerprint: string | null = null;
/** The schema's fingerprint: a database stamped with it has every column this version reads. */
function schemaFingerprint(): string {
  return (fingerprint ??= createHash('sha256').update(sqlFiles('schema').join('\n')).digest('hex').slice(0, 16));
}

function sqlFiles(sub: string): string[] {
  const dir = SQL_DIR + sub;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(dir + '/' + f, 'utf8'));
}

/**
 * Open (or create) the database file, apply the schema and (re)create the views.
 * readOnly opens with DuckDB's access_mode READ_ONLY (the query command without --write).
 */
export async function openStore(path: string, opts: { readOnly?: boolean } = {}): Promise<Store> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, opts.readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg)) {
      throw new StoreError('db-locked', `database is in use by another process (${msg.split('\n')[0]}); wait for it to finish or use another --db`, path);
    }
    throw new StoreError('db-open', `cannot open database: ${msg.split('\n')[0]}`, path);
  }
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  // `ingest --jobs` gives each worker process its share of the cores.
  const threads = Number(process.env.BUNDLESCOPE_DUCKDB_THREADS);
  if (Number.isInteger(threads) && threads > 0) await conn.run(`SET threads = ${threads}`);
  const store: Store = {
    instance, conn, path,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
  const foreign = await foreignDatabase(conn);
  if (foreign) {
    store.close();
    throw new StoreError('not-bundlescope-db', `a DuckDB database of another program (${foreign}; no bundlescope_meta table): bundlescope neither reads nor adds to it; give another --db`, path);
  }
  if (!opts.readOnly) await applySchema(conn);
  else {
    const stamped = await conn.runAndReadAll(`SELECT value FROM bundlescope_meta WHERE key = 'schema'`).then((r) => r.getRows()[0]?.[0] ?? null, () => null);
    const missing = stamped === schemaFingerprint() ? [] : await missingColumns(conn);
    if (missing.includes('sources.source_id')) {
      store.close();
      throw new StoreError('db-open', 'not a bundlescope database (it has no sources table): run bundlescope ingest into a new --db', path);
    }
    if (missing.length) {
      // Written by an older bundlescope: its tables lack columns this version reads. Adding them
      // (the schema's ALTERs; no row changes) needs a writable open, once.
      store.close();
      try {
        const w = await openStore(path);
        try {
          // a database from before log_copies: work out its copies once (log_timeline reads them)
          if (missing.includes('log_copies.source_id')) await rebuildLogCopies(w.conn, 'all');
        } finally {
          w.close();
        }
      } catch (e) {
        throw new StoreError('db-outdated', `database written by an older bundlescope (no ${missing.slice(0, 3).join(', ')}) and it could not be upgraded: ${(e as Error).message.split('\n')[0]}`, path);
      }
      return openStore(path, opts);
    }
    await applyViews(conn, true);
  }
  return store;
}

/** The tables and views bundlescope's sql/ creates, of any version up to this one's. */
let ownNames: Set<string> | null = null;
function bundlescopeNames(): Set<string> {
  return (ownNames ??= new Set([...sqlFiles('schema'), ...sqlFiles('views')].flatMap((sql) =>
    [...sql.matchAll(/CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)/gi)].map((m) => m[1]!.toLowerCase()))));
}

/**
 * Another program's DuckDB file: it holds a table or view bundlescope never makes, and not
 * bundlescope's meta table (a database written before that table holds only bundlescope's own).
 * Opening it writable would add bundlescope's tables to it; read-only, its views would be taken
 * for ours. An empty database is bundlescope's to fill. Returns what it holds, for the message.
 */
async function foreignDatabase(conn: DuckDBConnection): Promise<string | null> {
  const names = (await conn.runAndReadAll(`SELECT DISTINCT table_name FROM duckdb_columns()
    WHERE schema_name = 'main' AND database_name = current_database() ORDER BY table_name`)).getRows().map((r) => String(r[0]));
  if (names.includes('bundlescope_meta')) return null;
  const own = bundlescopeNames();
  const other = names.filter((n) => !own.has(n.toLowerCase()));
  if (other.length === 0) return null;
  const name = other[0]!.replace(/[\x00-\x1f\x7f-\x9f]/g, '?').slice(0, 60);
  return names.length === 1 ? `it holds one table or view, ${name}` : `it holds ${names.length} tables or views, ${name} first`;
}

let expected: Promise<string[]> | null = null;

/** Columns of this version's schema that the database's tables lack (`table.column`). */
async function missingColumns(conn: DuckDBConnection): Promise<string[]> {
  expected ??= (async () => {
    const mem = await DuckDBInstance.create(':memory:');
    const c = await mem.connect();
    try {
      for (const sql of sqlFiles('schema')) await c.run(sql);
      return (await c.runAndReadAll(`SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'main' AND database_name = current_database()`)).getRows().map((r) => String(r[0]));
    } finally {
      c.closeSync();
      mem.closeSync();
    }
  })();
  const want = await expected;
  const have = new Set((await conn.runAndReadAll(`SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'main' AND database_name = current_database()`)).getRows().map((r) => String(r[0])));
  return want.filter((c) => !have.has(c));
}

/**
 * The catalogue tables' rows and the views. A database opened read-only gets them as temporary
 * objects of this connection, which shadow the stored ones: the analysis is always this
 * version's, whatever version wrote the file (and a stored view of someone else's file is not
 * what runs).
 */
async function applyViews(conn: DuckDBConnection, temp: boolean): Promise<void> {
  const t = temp ? 'TEMP ' : '';
  if (temp) {
    await conn.run('CREATE OR REPLACE TEMP TABLE signatures AS SELECT * FROM main.signatures LIMIT 0');
    await conn.run(`CREATE OR REPLACE TEMP TABLE overflow_counters (stream VARCHAR, name VARCHAR, preference INTEGER, kind VARCHAR, kind_rank INTEGER)`);
  } else {
    await conn.run('DELETE FROM signatures');
    await conn.run('DELETE FROM overflow_counters');
  }
  const app = await conn.createAppender('signatures', temp ? 'main' : undefined, temp ? 'temp' : undefined);
  for (const s of SIGNATURES) {
    const info = KINDS[s.kind];
    app.appendVarchar(s.kind);
    app.appendVarchar(s.variant);
    app.appendVarchar(s.pattern.source);
    app.appendVarchar(s.era);
    app.appendVarchar(info.limitSysctls.join(','));
    app.appendVarchar(info.counters.join(','));
    app.appendVarchar(info.population.join(','));
    app.endRow();
  }
  app.flushSync();
  app.closeSync();
  const oc = await conn.createAppender('overflow_counters', temp ? 'main' : undefined, temp ? 'temp' : undefined);
  for (const s of EVIDENCE_STREAMS) {
    s.counters.forEach((name, i) => s.kinds.forEach((kind, k) => {
      oc.appendVarchar(s.id);
      oc.appendVarchar(name);
      oc.appendInteger(i + 1);
      oc.appendVarchar(kind);
      oc.appendInteger(k + 1);
      oc.endRow();
    }));
  }
  oc.flushSync();
  oc.closeSync();
  for (const sql of sqlFiles('views')) {
    await conn.run(temp ? sql.replace(/CREATE OR REPLACE (VIEW|MACRO)/g, `CREATE OR REPLACE ${t}$1`) : sql);
  }
}

export async function applySchema(conn: DuckDBConnection): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const sql of sqlFiles('schema')) await conn.run(sql);
    await conn.run(`INSERT OR REPLACE INTO bundlescope_meta VALUES ('schema', $1)`, [schemaFingerprint()]);
    await applyViews(conn, false);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}
