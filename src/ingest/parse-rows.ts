/**
 * Parsing an input's bytes into rows, appended to the input's load as they come (shared by
 * bundle members and side files).
 */
import type { Readable } from 'node:stream';
import type { ChunkParser, Issue, LineParser, LogEventRow, ParseContext } from '../model.js';
import type { Load, TableName } from '../store/load.js';
import type { Format } from './formats.js';
import { issue } from './lines.js';
import { OverflowClassifier } from './overflow.js';
import { feedBuffer, feedChunks, feedStream } from './run.js';

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
  const parser = fmt.create(ctx);
  const classifier = new OverflowClassifier();
  const onBatch = async (rows: unknown[]) => {
    if (fmt.table === 'log_events') {
      const events = rows as LogEventRow[];
      fixHost(events);
      const ov = classifier.classify(events);
      await load.add('overflow_events', srcId, ov as never[]);
      count('overflow_events', ov.length);
    }
    await load.add(fmt.table, srcId, rows as never[]);
    count(fmt.table, rows.length);
  };
  let bytes = 0;
  if (fmt.binary) {
    const chunks = data instanceof Uint8Array ? [data] : (data as AsyncIterable<Uint8Array>);
    bytes = await feedChunks(parser as ChunkParser<unknown>, chunks, onBatch);
  } else if (data instanceof Uint8Array) {
    await feedBuffer(parser as LineParser<unknown>, data, onBatch);
    bytes = data.length;
  } else {
    bytes = await feedStream(parser as LineParser<unknown>, data, onBatch, onChunk);
  }
  const issues = [...parser.issues];
  // sar files: record which activities were there, so "no TCP data" is not read as zero.
  const activities = (parser as { activities?: Set<string> }).activities;
  if (activities && activities.size > 0 && !activities.has('TCP')) {
    issues.push(issue('no-tcp-activity', ctx.file, null, `activities: ${[...activities].sort().join(', ')}`,
      'TCP/ETCP activity (sadc runs without -S SNMP by default): no connection rates from this file', 'warning'));
  }
  return { issues, skipped: parser.linesSkipped, bytes };
}
