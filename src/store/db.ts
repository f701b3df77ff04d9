import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { StoreError } from '../errors.js';
import { copiesDue, markCopiesDue, settleLogCopies } from './timeline.js';
import { boundMemory } from './tuning.js';
import { EVIDENCE_STREAMS, KINDS, SIGNATURES } from '../signatures.js';
import { quotedList } from './sql.js';

/** The sql/ folder of the package (works from src/ under vitest and from dist/). */
export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

export interface Store {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  path: string;
  /** Opened READ_ONLY: nothing can be written (log copies still due stay so). */
  readOnly?: boolean;
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
 * What SQL run on a connection may read or write outside the database file. 'all': ingest
 * (DuckDB's own readers load inputs). 'none': the commands that read a database (rca, report,
 * query, export, case's report), because a database file received from someone else can carry
 * views and macros that call read_text or COPY. Listed directories / paths: only these, for
 * the commands that write files through DuckDB (export, report --format parquet).
 */
export type FileAccess = 'all' | 'none' | { directories?: string[]; paths?: string[] };

export interface OpenOptions {
  /** DuckDB's access_mode READ_ONLY (every command but ingest and query --write). */
  readOnly?: boolean;
  /** Default: 'none' for read-only opens, 'all' for writable ones. */
  files?: FileAccess;
  /**
   * The caller reads log_timeline or log_copies: match the log copies of hosts still due first
   * (log_copies_due; a read-only open re-opens the file writable once for it, as for an upgrade).
   */
  copies?: boolean;
  /** Told what the open does at length (matching copies) and what it could not do. */
  say?: (line: string) => void;
}


/**
 * Open (or create) the database file, apply the schema and (re)create the views.
 * A database is data, never code: extensions are never installed or loaded on demand, file access
 * is as `files` says (set before any statement reads the file's catalogue; it cannot be turned
 * back on), a file whose objects would change what bundlescope's own SQL means is refused
 * (foreignObjects), and a connection that reads a database has its configuration locked.
 */
export async function openStore(path: string, opts: OpenOptions = {}): Promise<Store> {
  let instance: DuckDBInstance;
  const files = opts.files ?? (opts.readOnly ? 'none' : 'all');
  // A database file that is not there yet is made here, empty: nothing in it to vet (the checks
  // for another program's database below scan DuckDB's catalogue, ~50–80 ms of every new ingest).
  // (nor a write-ahead log beside it, which DuckDB would replay into it)
  const fresh = !opts.readOnly && !path.startsWith(':memory:') && absent(path) && absent(`${path}.wal`);
  try {
    instance = await DuckDBInstance.create(path, {
      ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}),
      autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', allow_community_extensions: 'false',
    });
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
  if (files !== 'all') {
    // (allowed_* can only be set while external access is on; DuckDB adds the database's own files)
    if (files !== 'none' && files.directories?.length) await conn.run(`SET allowed_directories = ${quotedList(files.directories)}`);
    if (files !== 'none' && files.paths?.length) await conn.run(`SET allowed_paths = ${quotedList(files.paths)}`);
    await conn.run('SET enable_external_access = false');
  }
  const store: Store = {
    instance, conn, path, readOnly: opts.readOnly === true,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
  const foreign = fresh ? null : await foreignDatabase(conn);
  if (foreign) {
    store.close();
    throw new StoreError('not-bundlescope-db', `a DuckDB database of another program (${foreign}; no bundlescope_meta table): bundlescope neither reads nor adds to it; give another --db`, path);
  }
  const hostile = fresh ? [] : await foreignObjects(conn, path);
  if (hostile.length) {
    store.close();
    throw new StoreError('not-bundlescope-db', `not a bundlescope database: ${hostile.slice(0, 3).join('; ')}${hostile.length > 3 ? ` (and ${hostile.length - 3} more)` : ''}; a database from elsewhere can carry code: ingest the evidence into a new --db`, path);
  }
  if (!opts.readOnly) {
    await applySchema(conn);
    if (opts.copies) await settleCopies(store, opts.say);
  } else {
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
          // a database from before log_copies: its copies are due (the first reader of log_timeline matches them)
          if (missing.includes('log_copies.source_id')) await markCopiesDue(w.conn, 'all');
        } finally {
          w.close();
        }
      } catch (e) {
        throw new StoreError('db-outdated', `database written by an older bundlescope (no ${missing.slice(0, 3).join(', ')}) and it could not be upgraded: ${(e as Error).message.split('\n')[0]}`, path);
      }
      return openStore(path, opts);
    }
    await applyViews(conn, true);
    if (opts.copies && (await copiesDue(conn)).length > 0) {
      // Copies to match: once, through a writable open (files off: the matching reads none).
      store.close();
      try {
        const w = await openStore(path, { files: 'none', copies: true, say: opts.say });
        w.close();
      } catch (e) {
        opts.say?.(`warning[copies-unmatched] ${path}: cannot open the database for writing to match the log lines' copies (${(e as Error).message.split('\n')[0]}); log_timeline lists every line of the hosts not matched yet on its own row, copies NULL`);
      }
      return openStore(path, { ...opts, copies: false });
    }
  }
  // The SQL that runs next (reports, query) cannot turn file access or extensions back on.
  if (opts.readOnly || files !== 'all') await conn.run('SET lock_configuration = true');
  return store;
}

/**
 * Match the log copies of the hosts that are due (settleLogCopies) within ingest's memory bound;
 * a host whose matching fails is said, and stays due.
 */
export async function settleCopies(store: Store, say?: (line: string) => void): Promise<void> {
  const restore = await boundMemory(store);
  try {
    const r = await settleLogCopies(store.conn, say);
    for (const f of r.failed) {
      say?.(`warning[copies-unmatched] ${f.host}: its log lines could not be matched across sources (${f.error}); log_timeline lists each on its own row, copies NULL, until a later read matches them`);
    }
  } catch (e) {
    // (the hosts stay due; what the caller reads says copies NULL for them)
    say?.(`warning[copies-unmatched] ${store.path}: the log lines could not be matched across sources (${(e as Error).message.split('\n')[0]}); log_timeline lists every line of the hosts not matched yet on its own row, copies NULL`);
  } finally {
    await restore();
  }
}

/** Nothing at this path (ENOENT; any other answer counts as something). */
function absent(path: string): boolean {
  try {
    statSync(path);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
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

/** The tables of this version's schema. */
const schemaTables = () => sqlFiles('schema').flatMap((sql) => [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map((m) => m[1]!));

/** foreignObjects of a file, per path and version (rca --format html, report: two opens a run). */
const foreignSeen = new Map<string, string[]>();

/**
 * Objects of the file that bundlescope's own SQL would use in place of its own: a view where the
 * schema has a table (the views and macros of sql/ are shadowed by this connection's temporary
 * ones; a table is read from the file), and a macro named like a built-in function (DuckDB looks
 * in the database before the built-ins: a macro `lower` replaces lower() in every query, count()
 * too). One scan of duckdb_functions() (~30–60 ms: it lists every built-in).
 */
async function foreignObjects(conn: DuckDBConnection, path: string): Promise<string[]> {
  let key: string | null = null;
  try {
    const st = statSync(path);
    key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${path}`;
  } catch {
    /* a new file: nothing in it */
  }
  const seen = key != null ? foreignSeen.get(key) : undefined;
  if (seen) return seen;
  const tables = new Set(schemaTables());
  const views = (await conn.runAndReadAll(`SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal ORDER BY view_name`))
    .getRows().map((r) => String(r[0])).filter((v) => tables.has(v));
  const fns = (await conn.runAndReadAll(`SELECT database_name = 'system', function_name FROM duckdb_functions()
      WHERE database_name = 'system' OR (database_name = current_database() AND NOT internal AND function_type IN ('macro', 'table_macro'))`)).getRows();
  const builtins = new Set(fns.filter((r) => r[0] === true).map((r) => String(r[1])));
  const macros = [...new Set(fns.filter((r) => r[0] !== true).map((r) => String(r[1])))].filter((m) => builtins.has(m)).sort();
  const found = [
    ...views.map((v) => `view ${v} stands where bundlescope keeps a table`),
    ...macros.map((m) => `macro ${m} replaces DuckDB's built-in function`),
  ];
  if (key != null) foreignSeen.set(key, found);
  return found;
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
    // (defined here, not copied from main: a file from before this table has none)
    await conn.run(`CREATE OR REPLACE TEMP TABLE overflow_kinds (kind VARCHAR, title VARCHAR, unit VARCHAR, limit_sysctls VARCHAR[], counters VARCHAR[], population VARCHAR[], slab_caches VARCHAR[])`);
  } else {
    await conn.run('DELETE FROM signatures');
    await conn.run('DELETE FROM overflow_counters');
    await conn.run('DELETE FROM overflow_kinds');
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
  // The kinds, bound as one JSON value (the appender has no list columns to append to simply).
  const kinds = Object.values(KINDS).map((k) => ({
    kind: k.kind, title: k.title, unit: k.unit, limit_sysctls: k.limitSysctls, counters: k.counters, population: k.population, slab_caches: k.slabCaches,
  }));
  await conn.run(`INSERT INTO ${temp ? 'temp.' : ''}overflow_kinds
    SELECT unnest(json_transform($k::JSON, '[{"kind":"VARCHAR","title":"VARCHAR","unit":"VARCHAR","limit_sysctls":["VARCHAR"],"counters":["VARCHAR"],"population":["VARCHAR"],"slab_caches":["VARCHAR"]}]'), recursive := true)`,
  { k: JSON.stringify(kinds) });
  // (the schema's macros too: the file's own would be used otherwise, whatever they do)
  const macros = temp ? sqlFiles('schema').filter((sql) => /CREATE OR REPLACE MACRO/.test(sql) && !/CREATE (TABLE|VIEW|SEQUENCE)/i.test(sql)) : [];
  for (const sql of [...macros, ...sqlFiles('views')]) {
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
