import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, ENUM, type DuckDBAppender } from '@duckdb/node-api';
import { COLUMNS, checkColumns, SRC, TYPE_OF, type Col, type Kind, type TableName } from './columns.js';

/**
 * Columnar loading: rows are written into DuckDB data chunks (2048 rows) column by column and
 * appended with `appendDataChunk`. Numbers and timestamps go into typed arrays copied into the
 * vector in one call (a TIMESTAMPTZ is int64 microseconds, written as two 32-bit halves, so no
 * BigInt or value object per cell); strings cost one call each; NULLs are a validity bitmask.
 * The conversions are those of the per-cell appender this replaced: timestamps rounded to whole
 * µs, integers truncated, NaN/±Infinity → NULL, a TINYINT outside −128…127 or an INTEGER outside
 * its 32 bits → NULL (never wrapped).
 */
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
export class ChunkWriter {
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
