import duckdb from '@duckdb/node-bindings';
import {
  BIGINT, BOOLEAN, DOUBLE, DuckDBAppender, ENUM, DuckDBConnection, DuckDBDataChunk, DuckDBTimestampTZValue, INTEGER, TIMESTAMPTZ,
  TINYINT, VARCHAR, DuckDBTypeId, type DuckDBType,
} from '@duckdb/node-api';
import { StoreError } from '../errors.js';
import type {
  CounterSampleRow, HostFacts, Issue, LogEventRow, OverflowEventRow, SlabSampleRow, SocketRow, SysctlRow, TimeBasis,
} from '../model.js';
import { characterizeSources, sourceTimeBasis, type SourceTimes } from './timebasis.js';

export type Appendable = {
  log_events: LogEventRow;
  overflow_events: OverflowEventRow;
  slab_samples: SlabSampleRow;
  counter_samples: CounterSampleRow;
  sysctls: SysctlRow;
  sockets: SocketRow;
};
export type TableName = keyof Appendable;

export interface SourceMeta {
  parent_id: number | null;
  host: string | null;
  kind: string;
  path: string;
  sha256: string | null;
  bytes: number | null;
  partial?: boolean;
  netns?: string | null;
  /** What the loader cannot tell from the rows about their times (sources.time_basis). */
  times?: SourceTimes;
}

export interface SourceTotals {
  rows: number;
  skipped: number;
  first_ts: number | null;
  last_ts: number | null;
}

const str = (a: DuckDBAppender, v: string | null | undefined) => (v == null ? a.appendNull() : a.appendVarchar(v));
/** Epoch µs → TIMESTAMPTZ cell (NULL when unknown). */
const tsz = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) ? a.appendNull() : a.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Math.round(v))));
const big = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) ? a.appendNull() : a.appendBigInt(BigInt(Math.trunc(v)));
const dbl = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) ? a.appendNull() : a.appendDouble(v);

/**
 * Columnar loading: rows are written into DuckDB data chunks (2048 rows) column by column and
 * appended with `appendDataChunk`. Numbers and timestamps go into typed arrays copied into the
 * vector in one call (a TIMESTAMPTZ is int64 microseconds, written as two 32-bit halves, so no
 * BigInt or value object per cell); strings cost one call each; NULLs are a validity bitmask.
 * The conversions are those of the per-cell appender this replaced: timestamps rounded to whole
 * µs, integers truncated, NaN/±Infinity → NULL, a TINYINT outside −128…127 or an INTEGER outside
 * its 32 bits → NULL (never wrapped).
 */
type Kind = 'str' | 'tz' | 'big' | 'int' | 'tiny' | 'bool' | 'dbl';
type Col = readonly [Kind, (r: never) => unknown];
const TYPE_OF: Record<Kind, DuckDBType> = { str: VARCHAR, tz: TIMESTAMPTZ, big: BIGINT, int: INTEGER, tiny: TINYINT, bool: BOOLEAN, dbl: DOUBLE };
const SRC: Col = ['big', () => 0]; // placeholder: the source id column is filled from the batch's src list

/** Columns in table column order (must match sql/schema). */
const COLUMNS: { [K in TableName]: readonly Col[] } = {
  log_events: [
    ['str', (r: LogEventRow) => r.host], ['tz', (r: LogEventRow) => r.ts], ['str', (r: LogEventRow) => r.ts_quality],
    ['str', (r: LogEventRow) => r.boot_id], ['big', (r: LogEventRow) => r.mono_us], ['str', (r: LogEventRow) => r.ident],
    ['int', (r: LogEventRow) => r.pid], ['str', (r: LogEventRow) => r.unit], ['tiny', (r: LogEventRow) => r.priority],
    ['tiny', (r: LogEventRow) => r.facility], ['str', (r: LogEventRow) => r.transport], ['str', (r: LogEventRow) => r.message],
    SRC, ['big', (r: LogEventRow) => r.line_no],
  ],
  overflow_events: [
    ['str', (r: OverflowEventRow) => r.host], ['tz', (r: OverflowEventRow) => r.ts], ['str', (r: OverflowEventRow) => r.ts_quality],
    ['str', (r: OverflowEventRow) => r.kind], ['big', (r: OverflowEventRow) => r.count], ['bool', (r: OverflowEventRow) => r.suppressed],
    ['str', (r: OverflowEventRow) => r.variant], ['str', (r: OverflowEventRow) => r.detail], ['big', (r: OverflowEventRow) => r.mono_us],
    ['str', (r: OverflowEventRow) => r.boot_id], ['str', (r: OverflowEventRow) => r.message], SRC, ['big', (r: OverflowEventRow) => r.line_no],
    // after line_no: where ALTER TABLE put it in databases made before it existed
    ['bool', (r: OverflowEventRow) => r.repeated],
  ],
  slab_samples: [
    ['str', (r: SlabSampleRow) => r.host ?? ''], ['tz', (r: SlabSampleRow) => r.ts], ['str', (r: SlabSampleRow) => r.ts_quality],
    ['str', (r: SlabSampleRow) => r.cache], ['big', (r: SlabSampleRow) => r.active_objs], ['big', (r: SlabSampleRow) => r.num_objs],
    ['int', (r: SlabSampleRow) => r.objsize], ['int', (r: SlabSampleRow) => r.objperslab], ['int', (r: SlabSampleRow) => r.pagesperslab],
    ['big', (r: SlabSampleRow) => r.active_slabs], ['big', (r: SlabSampleRow) => r.num_slabs], SRC,
  ],
  counter_samples: [
    ['str', (r: CounterSampleRow) => r.host ?? ''], ['tz', (r: CounterSampleRow) => r.ts], ['str', (r: CounterSampleRow) => r.ts_quality],
    ['str', (r: CounterSampleRow) => r.origin], ['str', (r: CounterSampleRow) => r.name], ['dbl', (r: CounterSampleRow) => r.value],
    ['str', (r: CounterSampleRow) => r.semantics], ['str', (r: CounterSampleRow) => r.device], ['str', (r: CounterSampleRow) => r.netns ?? ''], SRC,
  ],
  sysctls: [
    ['str', (r: SysctlRow) => r.host ?? ''], ['str', (r: SysctlRow) => r.name], ['str', (r: SysctlRow) => r.value],
    ['str', (r: SysctlRow) => r.origin], ['str', (r: SysctlRow) => r.netns ?? ''], SRC,
  ],
  sockets: [
    ['str', (r: SocketRow) => r.host ?? ''], ['tz', (r: SocketRow) => r.ts], ['str', (r: SocketRow) => r.ts_quality],
    ['str', (r: SocketRow) => r.netns ?? ''], ['str', (r: SocketRow) => r.proto], ['str', (r: SocketRow) => r.state],
    ['str', (r: SocketRow) => r.local_addr], ['int', (r: SocketRow) => r.local_port], ['str', (r: SocketRow) => r.peer_addr],
    ['int', (r: SocketRow) => r.peer_port], ['str', (r: SocketRow) => r.process], ['str', (r: SocketRow) => r.timer], SRC,
    // after source_id: where ALTER TABLE put them in databases made before they existed
    ['big', (r: SocketRow) => r.recv_q], ['big', (r: SocketRow) => r.send_q],
  ],
};

/**
 * COLUMNS is written by hand in the table's column order: checked against the appender's own
 * column types whenever a load opens a table's appender (microseconds), so a column added to sql/schema
 * and not here (or the reverse) fails loudly instead of shifting every value one column over.
 */
function checkColumns(table: TableName, cols: readonly Col[], app: DuckDBAppender): void {
  const types = Array.from({ length: app.columnCount }, (_, i) => app.columnType(i).typeId);
  const want = cols.map(([k]) => TYPE_OF[k].typeId);
  const bad = types.length !== want.length ? -1 : want.findIndex((t, i) => t !== types[i]);
  if (types.length !== want.length || bad >= 0) {
    throw new StoreError('schema-mismatch', `table ${table}: the loader writes ${want.length} columns, the database has ${types.length}` +
      (bad >= 0 ? `; column ${bad + 1} is ${DuckDBTypeId[types[bad]!]} there, ${DuckDBTypeId[want[bad]!]} in the loader` : '') +
      ' (src/store/load.ts COLUMNS and sql/schema disagree)');
  }
}

/** The tables whose rows belong to a source (each has source_id): what a load writes, a merge copies and an export writes out. */
export const SOURCE_TABLES = [...(Object.keys(COLUMNS) as TableName[]), 'ingest_issues'] as const;

const CHUNK = 2048;
/** Most distinct values of a string column in one chunk that are sent as an ENUM. */
const MAX_DICT = 32;
/**
 * Fewest rows in a chunk for which strings are sent as ENUMs: a chunk of new ENUM types costs
 * ~0.5 ms to create, more than copying a few hundred strings (a fleet of small bundles writes
 * many short chunks with dictionaries that differ).
 */
const MIN_DICT_ROWS = 256;
const TWO32 = 4294967296;

/** Writes rows of one table into a reusable data chunk and appends it. */
class ChunkWriter {
  private readonly cols: readonly Col[];
  private readonly i32 = new Int32Array(CHUNK * 2);
  private readonly i8 = new Int8Array(CHUNK);
  private readonly u8 = new Uint8Array(CHUNK);
  private readonly f64 = new Float64Array(CHUNK);
  private readonly mask = new Uint8Array(CHUNK / 8);
  /** String values of the chunk being written, per column. */
  private readonly vals: (string | null | undefined)[][];
  /** Chunks by their column types (the ENUM dictionaries differ from chunk to chunk). */
  private readonly chunks = new Map<string, DuckDBDataChunk>();

  constructor(table: TableName, private readonly app: DuckDBAppender) {
    this.cols = COLUMNS[table];
    checkColumns(table, this.cols, app);
    this.vals = this.cols.map(() => new Array<string | null | undefined>(CHUNK));
  }

  /** Rows of small batches (and their source ids) waiting to fill a chunk. */
  private pending: unknown[] = [];
  private pendingSrc: number[] = [];

  /**
   * Appends rows of one source. Whole chunks go at once; what is left of a batch waits for the
   * next batch (of any source) to fill its chunk: a fleet's members add a few rows each, and a
   * chunk of 20 rows cost nearly what one of 2048 does. flush() writes what waits.
   */
  write(rows: readonly unknown[], src: number): void {
    let off = 0;
    if (this.pending.length) {
      const take = Math.min(rows.length, CHUNK - this.pending.length);
      for (let i = 0; i < take; i++) {
        this.pending.push(rows[i]);
        this.pendingSrc.push(src);
      }
      off = take;
      if (this.pending.length < CHUNK) return;
      this.flush();
    }
    const whole = off + Math.floor((rows.length - off) / CHUNK) * CHUNK;
    if (whole > off) this.emit(rows, src, off, whole);
    for (let i = whole; i < rows.length; i++) {
      this.pending.push(rows[i]);
      this.pendingSrc.push(src);
    }
  }

  /** Writes the rows waiting for a chunk. */
  flush(): void {
    if (!this.pending.length) return;
    const rows = this.pending;
    const srcs = this.pendingSrc;
    this.pending = [];
    this.pendingSrc = [];
    this.emit(rows, srcs, 0, rows.length);
  }

  private emit(rows: readonly unknown[], src: number | readonly number[], from: number, to: number): void {
    const cols = this.cols;
    for (let off = from; off < to; off += CHUNK) {
      const n = Math.min(CHUNK, to - off);
      // A string column with few distinct values in this chunk (host, ident, ts_quality,
      // transport…) goes in as an ENUM of them: one copy of 1-byte codes instead of a call per
      // cell; the appender casts it back to VARCHAR.
      const dicts: (Map<string, number> | null)[] = [];
      for (let c = 0; c < cols.length; c++) {
        const [kind, get] = cols[c]!;
        let dict: Map<string, number> | null = null;
        if (kind === 'str' && cols[c] !== SRC) {
          const vals = this.vals[c]!;
          dict = n >= MIN_DICT_ROWS ? new Map() : null;
          for (let i = 0; i < n; i++) {
            const v = (get as (r: unknown) => string | null | undefined)(rows[off + i]);
            vals[i] = v;
            if (dict !== null && v != null && !dict.has(v)) {
              if (dict.size >= MAX_DICT) dict = null;
              else dict.set(v, dict.size);
            }
          }
          if (dict !== null && dict.size === 0) dict = null;
        }
        dicts.push(dict);
      }
      const chunk = this.chunkFor(dicts);
      const raw = chunk.chunk;
      for (let c = 0; c < cols.length; c++) {
        const col = cols[c]!;
        const vec = duckdb.data_chunk_get_vector(raw, c);
        if (col === SRC) this.fillSrc(vec, src, off, n);
        else if (col[0] === 'str') this.fillStr(vec, this.vals[c]!, dicts[c]!, n);
        else this.fill(vec, col[0], col[1] as (r: unknown) => unknown, rows, off, n);
      }
      duckdb.data_chunk_set_size(raw, n);
      this.app.appendDataChunk(chunk);
    }
  }

  private chunkFor(dicts: (Map<string, number> | null)[]): DuckDBDataChunk {
    const key = JSON.stringify(dicts.map((d) => (d ? [...d.keys()] : null)));
    let chunk = this.chunks.get(key);
    if (chunk) chunk.reset();
    else {
      if (this.chunks.size >= 64) this.chunks.clear();
      chunk = DuckDBDataChunk.create(this.cols.map(([k], c) => (dicts[c] ? ENUM([...dicts[c]!.keys()]) : TYPE_OF[k])), CHUNK);
      this.chunks.set(key, chunk);
    }
    return chunk;
  }

  private fillStr(vec: duckdb.Vector, vals: (string | null | undefined)[], dict: Map<string, number> | null, n: number): void {
    const mask = this.mask;
    mask.fill(0xff);
    if (dict) {
      const a = this.u8;
      for (let i = 0; i < n; i++) {
        const v = vals[i];
        if (v == null) {
          mask[i >> 3]! &= ~(1 << (i & 7));
          a[i] = 0;
        } else a[i] = dict.get(v)!;
      }
      duckdb.copy_data_to_vector(vec, 0, a.buffer, 0, n);
    } else {
      for (let i = 0; i < n; i++) {
        const v = vals[i];
        if (v == null) mask[i >> 3]! &= ~(1 << (i & 7));
        else duckdb.vector_assign_string_element(vec, i, v);
      }
    }
    for (let i = 0; i < n; i++) vals[i] = undefined;
    duckdb.vector_ensure_validity_writable(vec);
    duckdb.copy_data_to_vector_validity(vec, 0, mask.buffer, 0, Math.ceil(n / 64) * 8);
  }

  private fillSrc(vec: duckdb.Vector, src: number | readonly number[], off: number, n: number): void {
    const a = this.i32;
    if (typeof src === 'number') {
      const lo = src >>> 0;
      const hi = Math.floor(src / TWO32);
      for (let i = 0; i < n; i++) {
        a[2 * i] = lo;
        a[2 * i + 1] = hi;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = src[off + i]!;
        a[2 * i] = v >>> 0;
        a[2 * i + 1] = Math.floor(v / TWO32);
      }
    }
    duckdb.copy_data_to_vector(vec, 0, a.buffer, 0, n * 8);
  }

  private fill(vec: duckdb.Vector, kind: Kind, get: (r: unknown) => unknown, rows: readonly unknown[], off: number, n: number): void {
    const mask = this.mask;
    mask.fill(0xff);
    const invalid = (i: number) => {
      mask[i >> 3]! &= ~(1 << (i & 7));
    };
    switch (kind) {
      case 'str': // written by fillStr
        break;
      case 'tz':
      case 'big': {
        const a = this.i32;
        for (let i = 0; i < n; i++) {
          const v = get(rows[off + i]) as number | null | undefined;
          if (v == null || !Number.isFinite(v)) {
            invalid(i);
            a[2 * i] = 0;
            a[2 * i + 1] = 0;
            continue;
          }
          const x = kind === 'tz' ? Math.round(v) : Math.trunc(v);
          a[2 * i] = x >>> 0;
          a[2 * i + 1] = Math.floor(x / TWO32);
        }
        duckdb.copy_data_to_vector(vec, 0, a.buffer, 0, n * 8);
        break;
      }
      case 'int': {
        const a = this.i32;
        for (let i = 0; i < n; i++) {
          const v = get(rows[off + i]) as number | null | undefined;
          if (v == null || !Number.isFinite(v) || v <= -2_147_483_649 || v >= 2_147_483_648) {
            invalid(i);
            a[i] = 0;
          } else a[i] = Math.trunc(v);
        }
        duckdb.copy_data_to_vector(vec, 0, a.buffer, 0, n * 4);
        break;
      }
      case 'tiny': {
        const a = this.i8;
        for (let i = 0; i < n; i++) {
          const v = get(rows[off + i]) as number | null | undefined;
          if (v == null || !Number.isFinite(v) || v < -128 || v > 127) {
            invalid(i);
            a[i] = 0;
          } else a[i] = v;
        }
        duckdb.copy_data_to_vector(vec, 0, a.buffer, 0, n);
        break;
      }
      case 'bool': {
        const a = this.u8;
        for (let i = 0; i < n; i++) {
          const v = get(rows[off + i]) as boolean | null | undefined;
          if (v == null) {
            invalid(i);
            a[i] = 0;
          } else a[i] = v ? 1 : 0;
        }
        duckdb.copy_data_to_vector(vec, 0, a.buffer, 0, n);
        break;
      }
      case 'dbl': {
        const a = this.f64;
        for (let i = 0; i < n; i++) {
          const v = get(rows[off + i]) as number | null | undefined;
          if (v == null) {
            invalid(i);
            a[i] = 0;
          } else a[i] = v;
        }
        duckdb.copy_data_to_vector(vec, 0, a.buffer, 0, n * 8);
        break;
      }
    }
    // Written even without NULLs: a reused chunk must not keep the previous batch's mask.
    duckdb.vector_ensure_validity_writable(vec);
    duckdb.copy_data_to_vector_validity(vec, 0, mask.buffer, 0, Math.ceil(n / 64) * 8);
  }
}

/**
 * How a host row already there takes new facts (`INSERT INTO hosts AS h … ` + this): a later
 * collection of the same host wins; facts it lacks keep what was known; an assumed zone never
 * replaces a real one.
 */
/**
 * Host facts from another collection of the same host: the later collection (collected_at) wins
 * whatever order the bundles come in; facts it lacks keep what was known; a zone that was read
 * from the bundle beats one that was assumed.
 */
const NEWER = '(h.collected_at IS NULL OR (excluded.collected_at IS NOT NULL AND excluded.collected_at >= h.collected_at))';
const REAL_TZ = (t: string) => `(${t}.timezone_origin IS NOT NULL AND ${t}.timezone_origin <> 'assumed')`;
const TZ_NEW = `((${NEWER} AND ${REAL_TZ('excluded')}) OR (NOT ${REAL_TZ('h')} AND ${REAL_TZ('excluded')}))`;
const pick = (c: string) => `${c} = CASE WHEN ${NEWER} THEN coalesce(excluded.${c}, h.${c}) ELSE coalesce(h.${c}, excluded.${c}) END`;
/** A column that goes with boot_time: taken from the row whose boot_time is taken (never mixed). */
const withBoot = (c: string) => `${c} = CASE WHEN (${NEWER} AND excluded.boot_time IS NOT NULL) OR h.boot_time IS NULL THEN excluded.${c} ELSE h.${c} END`;
export const HOST_UPSERT = `ON CONFLICT (host) DO UPDATE SET
         ${pick('kernel')},
         ${pick('release')},
         timezone = CASE WHEN ${TZ_NEW} THEN excluded.timezone ELSE coalesce(h.timezone, excluded.timezone) END,
         timezone_origin = CASE WHEN ${TZ_NEW} THEN excluded.timezone_origin ELSE coalesce(h.timezone_origin, excluded.timezone_origin) END,
         ${withBoot('boot_time')},
         ${withBoot('boot_time_basis')},
         ${withBoot('boot_time_uncertainty_s')},
         ${withBoot('bundle_boot_time')},
         ${withBoot('bundle_boot_basis')},
         ${withBoot('bundle_boot_uncertainty_s')},
         collected_at = greatest(excluded.collected_at, h.collected_at),
         ${pick('boot_id')},
         source_id = CASE WHEN ${NEWER} THEN excluded.source_id ELSE h.source_id END`;

export interface KnownInputs {
  /** sha256 of every top-level input stored. */
  shas: Set<string>;
  /** Sizes in bytes of every top-level input stored. */
  sizes: Set<number>;
}

const knownCache = new WeakMap<DuckDBConnection, KnownInputs>();
const hostsCache = new WeakMap<DuckDBConnection, Set<string>>();

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

export function forgetKnownInputs(conn: DuckDBConnection): void {
  knownCache.delete(conn);
  hostsCache.delete(conn);
}

/** The hosts stored, read once per connection (see knownInputs); forgetKnownInputs drops it too. */
async function knownHosts(conn: DuckDBConnection): Promise<Set<string>> {
  let k = hostsCache.get(conn);
  if (!k) {
    const r = await conn.runAndReadAll('SELECT host FROM hosts');
    k = new Set(r.getRows().map(([h]) => String(h)));
    hostsCache.set(conn, k);
  }
  return k;
}

/** Hosts were added by SQL (bare host rows of side files): read them again when next needed. */
export function forgetKnownHosts(conn: DuckDBConnection): void {
  hostsCache.delete(conn);
}

/**
 * One input loaded in one transaction: sources, rows appended in columnar batches through
 * DuckDB appenders, issues; commit makes all of it visible at once, rollback leaves nothing.
 */
export class Load {
  private appenders = new Map<TableName, DuckDBAppender>();
  private writers = new Map<TableName, ChunkWriter>();
  private issues: { src: number | null; issue: Issue }[] = [];
  private totals = new Map<number, SourceTotals>();
  /** Sources of this load, appended with their totals at commit (a statement per source cost ~3 ms). */
  private pending = new Map<number, SourceMeta & { partial: boolean }>();
  /** Hosts new to the database in this load: appended by writeNewHosts (cached once committed). */
  private newHosts = new Map<string, { facts: HostFacts; src: number }>();
  private newHostsWritten = 0;
  private nextId = 0;
  private open = false;

  constructor(readonly conn: DuckDBConnection) {}

  async begin(): Promise<void> {
    await this.conn.run('BEGIN TRANSACTION');
    this.open = true;
    // Source ids follow the largest one stored (one writer at a time holds the database).
    const r = await this.conn.runAndReadAll('SELECT coalesce(max(source_id), 0) FROM sources');
    this.nextId = Number(r.getRows()[0]![0]) + 1;
  }

  async newSource(meta: SourceMeta): Promise<number> {
    if (!this.open) throw new Error('Load.newSource outside a transaction');
    const id = this.nextId++;
    this.pending.set(id, { ...meta, partial: meta.partial ?? false, netns: meta.netns ?? '' });
    this.totals.set(id, { rows: 0, skipped: 0, first_ts: null, last_ts: null });
    return id;
  }

  /** The sha256 of an input hashed while it was read. */
  async setSha(src: number, sha: string): Promise<void> {
    const p = this.pending.get(src);
    if (p) p.sha256 = sha;
    else await this.conn.run('UPDATE sources SET sha256 = $2 WHERE source_id = $1', [src, sha]);
  }

  /** The input turned out to be cut short or damaged while it was read. */
  async markPartial(src: number): Promise<void> {
    const p = this.pending.get(src);
    if (p) p.partial = true;
    else await this.conn.run('UPDATE sources SET partial = true WHERE source_id = $1', [src]);
  }

  private total(src: number): SourceTotals {
    let t = this.totals.get(src);
    if (!t) this.totals.set(src, (t = { rows: 0, skipped: 0, first_ts: null, last_ts: null }));
    return t;
  }

  async add<K extends TableName>(table: K, src: number, rows: Appendable[K][]): Promise<void> {
    if (rows.length === 0) return;
    const t = this.total(src);
    t.rows += rows.length;
    let first = t.first_ts;
    let last = t.last_ts;
    if (table !== 'sysctls') {
      for (let i = 0; i < rows.length; i++) {
        const ts = (rows[i] as { ts?: number | null }).ts;
        if (ts != null && Number.isFinite(ts)) {
          if (first == null || ts < first) first = ts;
          if (last == null || ts > last) last = ts;
        }
      }
    }
    t.first_ts = first;
    t.last_ts = last;
    (await this.writer(table)).write(rows, src);
  }

  /** Rows of `src` inserted by SQL rather than through add(). */
  addTotals(src: number, rows: number, first: number | null, last: number | null): void {
    const t = this.total(src);
    t.rows += rows;
    if (first != null && (t.first_ts == null || first < t.first_ts)) t.first_ts = first;
    if (last != null && (t.last_ts == null || last > t.last_ts)) t.last_ts = last;
  }

  addIssues(src: number | null, issues: Issue[], skipped?: number): void {
    for (const issue of issues) this.issues.push({ src, issue });
    if (src != null) this.total(src).skipped += skipped ?? issues.filter((i) => i.severity === 'warning').length;
  }

  /** Rows of a source of this load deleted again (stored twice, see ingest/overlap.ts); false when `src` is not of this load. */
  dropRows(src: number, rows: number): boolean {
    if (!this.pending.has(src)) return false;
    this.total(src).rows -= rows;
    return true;
  }

  totalsOf(src: number): SourceTotals {
    return this.total(src);
  }

  private async writer(table: TableName): Promise<ChunkWriter> {
    let w = this.writers.get(table);
    if (!w) {
      const app = await this.conn.createAppender(table);
      this.appenders.set(table, app);
      this.writers.set(table, (w = new ChunkWriter(table, app)));
    }
    return w;
  }

  async upsertHost(facts: HostFacts, src: number): Promise<void> {
    const known = await knownHosts(this.conn);
    if (!known.has(facts.host) && !this.newHosts.has(facts.host)) {
      // A host not stored yet (each bundle of a fleet): a row appended at commit (or before the
      // next statement about it), as the statement below would insert it — planning that upsert
      // costs ~5 ms an input.
      this.newHosts.set(facts.host, { facts, src });
      return;
    }
    await this.writeNewHosts();
    // Another collection of the same host (HOST_UPSERT).
    await this.flushAll();
    await this.conn.run(
      `INSERT INTO hosts AS h VALUES ($1, $2, $3, $4, $5, us_to_ts($6), us_to_ts($7), $8, $9, $10, $11::DOUBLE, us_to_ts($6), $10, $11::DOUBLE)
       ${HOST_UPSERT}`,
      [facts.host, facts.kernel, facts.release, facts.timezone, facts.timezone_origin,
        facts.boot_time, facts.collected_at, facts.boot_id, src, facts.boot_time_basis, facts.boot_time_uncertainty_s],
    );
  }

  /** Appends the new hosts not written yet (one appender for all of them). */
  private async writeNewHosts(): Promise<void> {
    if (this.newHostsWritten === this.newHosts.size) return;
    const app = await this.conn.createAppender('hosts');
    let i = 0;
    for (const { facts, src } of this.newHosts.values()) {
      if (i++ < this.newHostsWritten) continue;
      app.appendVarchar(facts.host); str(app, facts.kernel); str(app, facts.release); str(app, facts.timezone); str(app, facts.timezone_origin);
      tsz(app, facts.boot_time); tsz(app, facts.collected_at); str(app, facts.boot_id); big(app, src);
      str(app, facts.boot_time_basis); dbl(app, facts.boot_time_uncertainty_s);
      // As the bundle gave it: the same as boot_time until anchors calibrate that (timebasis.ts).
      tsz(app, facts.boot_time); str(app, facts.boot_time_basis); dbl(app, facts.boot_time_uncertainty_s);
      app.endRow();
    }
    app.closeSync();
    this.newHostsWritten = this.newHosts.size;
  }

  /** The sources of this load that belong to bundle `parentId`, with their namespace. */
  membersOf(parentId: number): { id: number; netns: string; kind: string; path: string }[] {
    return [...this.pending].filter(([, m]) => m.parent_id === parentId).map(([id, m]) => ({ id, netns: m.netns ?? '', kind: m.kind, path: m.path }));
  }

  /**
   * The rows of these sources that were stored as the host's own namespace ('') belong to
   * namespace `netns` (a sosreport taken inside it): relabel the sources and their rows.
   */
  async relabelNetns(ids: number[], netns: string): Promise<void> {
    if (ids.length === 0) return;
    await this.flushAll();
    for (const id of ids) {
      const m = this.pending.get(id);
      if (m && (m.netns ?? '') === '') m.netns = netns;
    }
    const list = ids.map((i) => Number(i)).filter(Number.isInteger).join(', ');
    for (const table of ['counter_samples', 'sysctls', 'sockets']) {
      await this.conn.run(`UPDATE ${table} SET netns = $1 WHERE netns = '' AND source_id IN (${list})`, [netns]);
    }
  }

  /** Makes the rows appended so far (and the new hosts) visible to SQL in this transaction. */
  async flushAll(): Promise<void> {
    await this.writeNewHosts();
    for (const w of this.writers.values()) w.flush();
    for (const app of this.appenders.values()) app.flushSync();
  }

  async commit(): Promise<void> {
    await this.flushAll();
    for (const app of this.appenders.values()) app.closeSync();
    this.appenders.clear();
    this.writers.clear();
    if (this.pending.size) {
      // What the stamps of each new source rest on, from the qualities of its rows.
      const dated = [...this.pending.keys()].filter((id) => this.total(id).first_ts != null);
      const found = dated.length ? await characterizeSources(this.conn, Math.min(...dated), Math.max(...dated)) : new Map();
      // Column order of sql/schema/01_sources.sql.
      const app = await this.conn.createAppender('sources');
      const now = new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n);
      for (const [id, m] of this.pending) {
        const t = this.total(id);
        const f = found.get(id);
        const time: TimeBasis | null = f ? sourceTimeBasis(f, m.times ?? {}) : m.times?.self ?? null;
        big(app, id); big(app, m.parent_id); str(app, m.host); app.appendVarchar(m.kind); app.appendVarchar(m.path); str(app, m.sha256);
        big(app, m.bytes); big(app, t.rows); big(app, t.skipped); app.appendBoolean(m.partial); app.appendVarchar(m.netns ?? '');
        tsz(app, t.first_ts); tsz(app, t.last_ts); app.appendTimestampTZ(now);
        str(app, time?.basis); dbl(app, time?.uncertainty_s);
        app.endRow();
      }
      app.closeSync();
    }
    for (const [id, t] of this.totals) {
      if (this.pending.has(id)) continue;
      await this.conn.run(
        `UPDATE sources SET rows = $2, skipped = $3, first_ts = us_to_ts($4), last_ts = us_to_ts($5) WHERE source_id = $1`,
        [id, t.rows, t.skipped, t.first_ts, t.last_ts],
      );
    }
    if (this.issues.length) {
      const app = await this.conn.createAppender('ingest_issues');
      const now = new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n);
      for (const { src, issue } of this.issues) {
        big(app, src); app.appendVarchar(issue.file); big(app, issue.line); app.appendVarchar(issue.code);
        app.appendVarchar(issue.severity); str(app, issue.text); str(app, issue.expected); app.appendTimestampTZ(now);
        app.endRow();
      }
      app.closeSync();
    }
    await this.writeNewHosts();
    const committed = [...this.pending.values()].filter((m) => m.parent_id == null);
    this.pending.clear();
    await this.conn.run('COMMIT');
    this.open = false;
    const hostsKnown = hostsCache.get(this.conn);
    for (const h of this.newHosts.keys()) hostsKnown?.add(h);
    this.newHosts.clear();
    this.newHostsWritten = 0;
    const known = knownCache.get(this.conn);
    for (const m of committed) {
      if (m.sha256 != null) known?.shas.add(m.sha256);
      if (m.bytes != null) known?.sizes.add(m.bytes);
    }
  }

  async rollback(): Promise<void> {
    for (const app of this.appenders.values()) {
      try { app.closeSync(); } catch { /* the transaction is going away anyway */ }
    }
    this.appenders.clear();
    this.writers.clear();
    this.pending.clear();
    this.newHosts.clear();
    this.newHostsWritten = 0;
    if (this.open) await this.conn.run('ROLLBACK');
    this.open = false;
  }
}
