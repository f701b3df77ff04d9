import type { Readable } from 'node:stream';
import type { ChunkParser, LineParser } from '../../model.js';
import { LineSplitter } from './lines.js';

/**
 * Feeds text chunks to a line parser through the LineSplitter (lines split across chunk borders,
 * the one line cap), and hands the parser's rows to `onBatch` every 8 chunks and at the end (the
 * loader appends them as one batch).
 */
export class LineFeeder<R> {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private readonly split: LineSplitter;
  constructor(private readonly parser: LineParser<R>, private readonly onBatch: (rows: R[]) => Promise<void>) {
    this.split = new LineSplitter((line, n) => parser.line(line, n));
  }

  async bytes(chunk: Uint8Array): Promise<void> {
    await this.text(this.decoder.decode(chunk, { stream: true }));
  }

  async text(s: string): Promise<void> {
    this.split.text(s);
    await this.maybeFlush();
  }

  private pending = 0;
  private async maybeFlush(force = false): Promise<void> {
    this.pending++;
    if (!force && this.pending < 8) return;
    this.pending = 0;
    const rows = this.parser.drain();
    if (rows.length) await this.onBatch(rows);
  }

  async end(): Promise<void> {
    const tail = this.decoder.decode();
    if (tail) this.split.text(tail);
    this.split.end();
    this.parser.end();
    await this.maybeFlush(true);
  }
}

/** Feed a whole buffer to a line parser. */
export async function feedBuffer<R>(parser: LineParser<R>, data: Uint8Array, onBatch: (rows: R[]) => Promise<void>): Promise<void> {
  const f = new LineFeeder(parser, onBatch);
  const step = 4 * 1024 * 1024;
  for (let i = 0; i < data.length; i += step) await f.bytes(data.subarray(i, Math.min(data.length, i + step)));
  await f.end();
}

/** Feed a stream to a line parser. */
export async function feedStream<R>(
  parser: LineParser<R>, stream: Readable, onBatch: (rows: R[]) => Promise<void>, onChunk?: (chunk: Buffer) => void,
): Promise<number> {
  const f = new LineFeeder(parser, onBatch);
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    onChunk?.(chunk as Buffer);
    await f.bytes(chunk as Buffer);
  }
  await f.end();
  return bytes;
}

/** Feed bytes to a chunk parser (binary formats). */
export async function feedChunks<R>(parser: ChunkParser<R>, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, onBatch: (rows: R[]) => Promise<void>): Promise<number> {
  let bytes = 0;
  for await (const c of chunks) {
    bytes += c.length;
    parser.chunk(c);
    const rows = parser.drain();
    if (rows.length) await onBatch(rows);
  }
  parser.end();
  // A parser may hand its rows over in several batches after the end (binary journals).
  for (let rows = parser.drain(); rows.length; rows = parser.drain()) await onBatch(rows);
  return bytes;
}
