/**
 * Query results → Arrow IPC (file format), typed from DuckDB's column types, so pandas, polars,
 * pyarrow and DuckDB read back integers as integers, times as UTC timestamps and nulls as nulls.
 * DuckDB (node-api) has no Arrow output of its own: rows are read chunk by chunk and each chunk
 * becomes one record batch.
 */
import {
  Bool, DateDay, Field, Float64, Int32, Int64, List, RecordBatch, RecordBatchFileWriter, Schema, Struct, Table,
  TimestampMicrosecond, Utf8, makeData, tableToIPC, vectorFromArray, type DataType, type Data, type Vector,
} from 'apache-arrow';
import { DuckDBTypeId, type DuckDBResult, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { Store } from '../store/db.js';
import { plain, type Row } from './format.js';

type Kind = 'bool' | 'int32' | 'int64' | 'float64' | 'ts' | 'tsz' | 'date' | 'list' | 'utf8';

interface ColumnPlan {
  kind: Kind;
  type: DataType;
  /** For lists: the plan of the items. */
  child?: ColumnPlan;
}

function plan(t: DuckDBType): ColumnPlan {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return { kind: 'bool', type: new Bool() };
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT:
      return { kind: 'int32', type: new Int32() };
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UINTEGER: case DuckDBTypeId.UBIGINT: case DuckDBTypeId.HUGEINT:
      return { kind: 'int64', type: new Int64() };
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: case DuckDBTypeId.DECIMAL:
      return { kind: 'float64', type: new Float64() };
    case DuckDBTypeId.TIMESTAMP_TZ: return { kind: 'tsz', type: new TimestampMicrosecond('UTC') };
    case DuckDBTypeId.TIMESTAMP: return { kind: 'ts', type: new TimestampMicrosecond() };
    case DuckDBTypeId.DATE: return { kind: 'date', type: new DateDay() };
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY: {
      const child = plan((t as unknown as { valueType: DuckDBType }).valueType);
      if (child.kind === 'list') return { kind: 'utf8', type: new Utf8() };
      return { kind: 'list', type: new List(new Field('item', child.type, true)), child };
    }
    default: return { kind: 'utf8', type: new Utf8() };
  }
}

/** A DuckDB value → what the Arrow builder of the plan takes. */
function jsValue(p: ColumnPlan, v: DuckDBValue): unknown {
  if (v == null) return null;
  switch (p.kind) {
    case 'bool': return Boolean(v);
    case 'int32': return Number(v);
    case 'int64': return typeof v === 'bigint' ? v : BigInt(String(v));
    case 'float64': return typeof v === 'number' ? v : Number(typeof v === 'object' && 'toDouble' in v ? (v as { toDouble(): number }).toDouble() : v);
    case 'ts': case 'tsz': return (v as { micros: bigint }).micros;
    case 'date': return (v as { days: number }).days;
    case 'list': return ((v as { items: DuckDBValue[] }).items).map((x) => jsValue(p.child!, x));
    default: return typeof v === 'string' ? v : String(v);
  }
}

function validity(vals: unknown[]): { bitmap: Uint8Array; nulls: number } {
  const bitmap = new Uint8Array(Math.ceil(vals.length / 8));
  let nulls = 0;
  vals.forEach((v, i) => {
    if (v == null) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { bitmap, nulls };
}

/** One column of one chunk as Arrow data. Fixed-width types are laid out directly (exact µs, int64). */
function columnData(p: ColumnPlan, vals: unknown[]): Data {
  const { bitmap, nulls } = validity(vals);
  const length = vals.length;
  const nullBitmap = nulls > 0 ? bitmap : undefined;
  switch (p.kind) {
    case 'int64': case 'ts': case 'tsz':
      return makeData({ type: p.type as Int64, length, nullCount: nulls, nullBitmap, data: BigInt64Array.from(vals, (v) => (v == null ? 0n : (v as bigint))) });
    case 'int32': case 'date':
      return makeData({ type: p.type as Int32, length, nullCount: nulls, nullBitmap, data: Int32Array.from(vals, (v) => (v == null ? 0 : (v as number))) });
    case 'float64':
      return makeData({ type: p.type as Float64, length, nullCount: nulls, nullBitmap, data: Float64Array.from(vals, (v) => (v == null ? 0 : (v as number))) });
    case 'list': {
      const items = (vals as (unknown[] | null)[]).flatMap((v) => v ?? []);
      const offsets = new Int32Array(length + 1);
      vals.forEach((v, i) => { offsets[i + 1] = offsets[i]! + ((v as unknown[] | null)?.length ?? 0); });
      const child = columnData(p.child!, items);
      return makeData({ type: p.type as List, length, nullCount: nulls, nullBitmap, valueOffsets: offsets, child });
    }
    default:
      return vectorFromArray(vals as never, p.type as never).data[0]!;
  }
}

/** Stream a query's result into Arrow record batches (one per DuckDB chunk). */
export async function resultBatches(result: DuckDBResult): Promise<{ schema: Schema; batches: RecordBatch[] }> {
  const names = result.columnNames();
  const plans = result.columnTypes().map(plan);
  const schema = new Schema(names.map((n, i) => new Field(n, plans[i]!.type, true)));
  const batches: RecordBatch[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const cols = chunk.getColumns();
    const children = cols.map((c, i) => columnData(plans[i]!, c.map((v) => jsValue(plans[i]!, v))));
    const data = makeData({ type: new Struct(schema.fields), length: chunk.rowCount, nullCount: 0, children });
    batches.push(new RecordBatch(schema, data));
  }
  return { schema, batches };
}

/** Run SQL (parameters bound) and return the whole result as an Arrow IPC file. */
export async function queryToArrow(store: Store, sql: string, values?: Record<string, unknown>): Promise<Uint8Array> {
  const result = await store.conn.stream(sql, values as never);
  const { schema, batches } = await resultBatches(result);
  const writer = new RecordBatchFileWriter();
  writer.reset(undefined, schema);
  for (const b of batches) writer.write(b);
  writer.finish();
  return writer.toUint8Array(true);
}

/**
 * Arrow IPC (file format) of plain rows, typed from the values (numbers → float64, booleans → bool,
 * anything else → utf8; nulls stay null). Query results keep DuckDB's own types with queryToArrow
 * (above): the report command uses that.
 */
export function toArrow(columns: string[], rows: Row[]): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const c of columns) {
    const vals = rows.map((r) => plain(r[c]));
    const allNum = vals.every((v) => v == null || typeof v === 'number');
    const allBool = vals.every((v) => v == null || typeof v === 'boolean');
    vectors[c] = allNum ? vectorFromArray(vals as (number | null)[], new Float64())
      : allBool ? vectorFromArray(vals as (boolean | null)[], new Bool())
      : vectorFromArray(vals.map((v) => (v == null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v))), new Utf8());
  }
  return tableToIPC(new Table(vectors), 'file');
}
