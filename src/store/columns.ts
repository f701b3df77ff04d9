/**
 * The tables a load appends rows to, and their columns: for each table the column order of
 * sql/schema with the row field each column takes and its kind. Checked against the appender's
 * own column types when a load opens a table (checkColumns), so the two cannot drift apart silently.
 */
import {
  BIGINT, BOOLEAN, DOUBLE, DuckDBTypeId, INTEGER, TIMESTAMPTZ, TINYINT, VARCHAR, type DuckDBAppender, type DuckDBType,
} from '@duckdb/node-api';
import { StoreError } from '../errors.js';
import type { CounterSampleRow, LogEventRow, OverflowEventRow, SlabSampleRow, SocketRow, SysctlRow } from '../model.js';

export type Appendable = {
  log_events: LogEventRow;
  overflow_events: OverflowEventRow;
  slab_samples: SlabSampleRow;
  counter_samples: CounterSampleRow;
  sysctls: SysctlRow;
  sockets: SocketRow;
};
export type TableName = keyof Appendable;

/** How a column is written (ChunkWriter): its DuckDB type is TYPE_OF[kind]. */
export type Kind = 'str' | 'tz' | 'big' | 'int' | 'tiny' | 'bool' | 'dbl';
export type Col = readonly [Kind, (r: never) => unknown];
export const TYPE_OF: Record<Kind, DuckDBType> = { str: VARCHAR, tz: TIMESTAMPTZ, big: BIGINT, int: INTEGER, tiny: TINYINT, bool: BOOLEAN, dbl: DOUBLE };
export const SRC: Col = ['big', () => 0]; // placeholder: the source id column is filled from the batch's src list

/** Columns in table column order (must match sql/schema). */
export const COLUMNS: { [K in TableName]: readonly Col[] } = {
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
export function checkColumns(table: TableName, cols: readonly Col[], app: DuckDBAppender): void {
  const types = Array.from({ length: app.columnCount }, (_, i) => app.columnType(i).typeId);
  const want = cols.map(([k]) => TYPE_OF[k].typeId);
  const bad = types.length !== want.length ? -1 : want.findIndex((t, i) => t !== types[i]);
  if (types.length !== want.length || bad >= 0) {
    throw new StoreError('schema-mismatch', `table ${table}: the loader writes ${want.length} columns, the database has ${types.length}` +
      (bad >= 0 ? `; column ${bad + 1} is ${DuckDBTypeId[types[bad]!]} there, ${DuckDBTypeId[want[bad]!]} in the loader` : '') +
      ' (src/store/columns.ts COLUMNS and sql/schema disagree)');
  }
}

/** The tables whose rows belong to a source (each has source_id): what a load writes, a merge copies and an export writes out. */
export const SOURCE_TABLES = [...(Object.keys(COLUMNS) as TableName[]), 'ingest_issues'] as const;
