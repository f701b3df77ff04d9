import type { Readable } from 'node:stream';
import type { ChunkParser, LineParser } from '../model.js';

/** Lines longer than this are cut off and reported by the parsers (bounded memory). */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Feeds text chunks to a line parser, splitting lines across chunk borders, and calls
 * `onBatch` whenever enough rows are waiting (the loader appends them as one batch).
 * A line longer than MAX_LINE_BYTES is passed truncated (the parser reports it).
 */
export class LineFeeder<R> {
  private carry = '';
  private lineNo = 0;
  private oversized = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  constructor(private readonly parser: LineParser<R>, private readonly onBatch: (rows: R[]) => Promise<void>, private readonly batch = 20_000) {}

  async bytes(chunk: Uint8Array): Promise<void> {
    await this.text(this.decoder.decode(chunk, { stream: true }));
  }

  async text(s: string): Promise<void> {
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) break;
      let piece = s.slice(start, nl);
      start = nl + 1;
      if (this.carry) {
        piece = this.carry + piece;
        this.carry = '';
      }
      this.emit(piece);
    }
    if (start < s.length) {
      this.carry += s.slice(start);
      if (this.carry.length > MAX_LINE_BYTES) {
        // Keep the head of a monster line (the parser reports it) and drop the rest until newline.
        if (!this.oversized) this.emit(this.carry.slice(0, MAX_LINE_BYTES + 1), true);
        this.oversized = true;
        this.carry = '';
      }
    }
    await this.maybeFlush();
  }

  private emit(line: string, partial = false): void {
    if (this.oversized && !partial) {
      // rest of an oversized line: already reported
      this.oversized = false;
      return;
    }
    if (line.length && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.indexOf('\0') >= 0) line = line.replace(/\0/g, '');
    this.parser.line(line, ++this.lineNo);
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
    if (tail) this.carry += tail;
    if (this.carry) {
      this.emit(this.carry);
      this.carry = '';
    }
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
