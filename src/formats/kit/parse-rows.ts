/**
 * Parsing an input's bytes into rows, appended to the input's load as they come (shared by
 * bundle members and side files).
 */
import type { Readable } from 'node:stream';
import type { Issue, LogEventRow, ParseContext } from '../../model.js';
import type { Load, TableName } from '../../store/load.js';
import type { Format, RowOf } from '../format.js';
import { OverflowClassifier } from './classify.js';
import { feedBuffer, feedChunks, feedStream } from './feed.js';

export interface Parsed {
  issues: Issue[];
  skipped: number;
  bytes: number;
}

/**
 * Parse one file's bytes with a format into the load (log rows also as classified overflow
 * events); `count` is told every batch's rows per table, in the order they are added.
 */
export async function parseInto(
  load: Load, count: (table: TableName, n: number) => void, fmt: Format, ctx: ParseContext, srcId: number,
  data: Uint8Array | Readable, fixHost: (rows: LogEventRow[]) => void, onChunk?: (chunk: Buffer) => void,
): Promise<Parsed> {
  const classifier = new OverflowClassifier();
  const onBatch = async (rows: RowOf<TableName>[]) => {
    if (fmt.table === 'log_events') {
      // (a format's table says what its rows are: log_events rows are LogEventRows)
      const events = rows as LogEventRow[];
      fixHost(events);
      const ov = classifier.classify(events);
      await load.add('overflow_events', srcId, ov);
      count('overflow_events', ov.length);
    }
    await load.add(fmt.table, srcId, rows);
    count(fmt.table, rows.length);
  };
  let bytes = 0;
  let parser;
  if ('bytes' in fmt.parser) {
    parser = fmt.parser.bytes(ctx);
    // (every chunk goes through onChunk as for line formats: the caller hashes a large file in this read)
    const chunks = data instanceof Uint8Array ? [data] : tapped(data as AsyncIterable<Uint8Array>, onChunk);
    bytes = await feedChunks(parser, chunks, onBatch);
  } else {
    parser = fmt.parser.lines(ctx);
    if (data instanceof Uint8Array) {
      await feedBuffer(parser, data, onBatch);
      bytes = data.length;
    } else {
      bytes = await feedStream(parser, data, onBatch, onChunk);
    }
  }
  const issues = [...parser.issues, ...fmt.notes?.(parser, ctx) ?? []];
  return { issues, skipped: parser.linesSkipped, bytes };
}

/** The chunks of a stream, each shown to `onChunk` first. */
async function* tapped(chunks: AsyncIterable<Uint8Array>, onChunk?: (chunk: Buffer) => void): AsyncIterable<Uint8Array> {
  for await (const c of chunks) {
    onChunk?.(c as Buffer);
    yield c;
  }
}
