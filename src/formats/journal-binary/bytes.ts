/**
 * The bytes of a journal file, read at random (the parser follows offsets): from a buffer, from
 * chunks streamed in (kept in memory, or beyond SPILL_BYTES in an unlinked temporary file), or from
 * a file; and the little-endian fields the format is made of.
 */
import { closeSync, readSync } from 'node:fs';

/** Random access to the journal's bytes. */
export interface ByteSource {
  readonly size: number;
  /** `len` bytes at `off` (the caller checked off + len <= size); may be a view. */
  bytes(off: number, len: number): Buffer;
  /**
   * A buffer holding the `len` bytes at `off`, at index `off - viewBase` (no copy when they lie in
   * one block; the hot path reads fields straight from it).
   */
  view(off: number, len: number): Buffer;
  viewBase: number;
  close(): void;
}

export class BufferSource implements ByteSource {
  readonly size: number;
  constructor(private readonly buf: Buffer) {
    this.size = buf.length;
  }
  readonly viewBase = 0;
  bytes(off: number, len: number): Buffer {
    return this.buf.subarray(off, off + len);
  }
  view(): Buffer {
    return this.buf;
  }
  close(): void {}
}

/** Chunks as a stream gave them (1 MiB each from a file stream), read in place. */
export class ChunksSource implements ByteSource {
  readonly size: number;
  private readonly starts: number[] = [];
  private last = 0;
  viewBase = 0;
  constructor(private readonly chunks: Buffer[]) {
    let at = 0;
    for (const c of chunks) {
      this.starts.push(at);
      at += c.length;
    }
    this.size = at;
  }

  private index(off: number): number {
    const s = this.starts;
    if (off >= s[this.last]! && (this.last + 1 === s.length || off < s[this.last + 1]!)) return this.last;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
  }

  view(off: number, len: number): Buffer {
    const i = this.index(off);
    const c = this.chunks[i]!;
    if (off + len <= this.starts[i]! + c.length) {
      this.viewBase = this.starts[i]!;
      return c;
    }
    this.viewBase = off;
    return this.bytes(off, len);
  }

  bytes(off: number, len: number): Buffer {
    let i = this.index(off);
    let c = this.chunks[i]!;
    const rel = off - this.starts[i]!;
    if (rel + len <= c.length) return c.subarray(rel, rel + len);
    const out = Buffer.allocUnsafe(len);
    let got = c.copy(out, 0, rel);
    while (got < len) {
      c = this.chunks[++i]!;
      got += c.copy(out, got, 0, Math.min(c.length, len - got));
    }
    return out;
  }

  close(): void {}
}

/** A file read through a small cache of 1 MiB blocks (entries sit just after their DATA objects). */
export class FileSource implements ByteSource {
  private static readonly BLOCK = 1 << 20;
  private static readonly BLOCKS = 32;
  private readonly cache = new Map<number, Buffer>();
  constructor(private readonly fd: number, readonly size: number) {}

  private block(i: number): Buffer {
    let b = this.cache.get(i);
    if (b) {
      this.cache.delete(i);
      this.cache.set(i, b);
      return b;
    }
    const start = i * FileSource.BLOCK;
    const len = Math.min(FileSource.BLOCK, this.size - start);
    b = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd, b, got, len - got, start + got);
      if (n === 0) break;
      got += n;
    }
    if (this.cache.size >= FileSource.BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(i, b);
    return b;
  }

  viewBase = 0;
  view(off: number, len: number): Buffer {
    const bi = Math.floor(off / FileSource.BLOCK);
    if (off + len <= (bi + 1) * FileSource.BLOCK) {
      this.viewBase = bi * FileSource.BLOCK;
      return this.block(bi);
    }
    this.viewBase = off;
    return this.bytes(off, len);
  }

  bytes(off: number, len: number): Buffer {
    const bi = Math.floor(off / FileSource.BLOCK);
    const rel = off - bi * FileSource.BLOCK;
    if (rel + len <= FileSource.BLOCK) return this.block(bi).subarray(rel, rel + len);
    const out = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd, out, got, len - got, off + got);
      if (n === 0) break;
      got += n;
    }
    return out;
  }

  close(): void {
    closeSync(this.fd);
    this.cache.clear();
  }
}

/** An unsigned 64-bit field as a number; null when above 2^53 (no offset or size of a real file). */
export function u64(b: Buffer, o: number): number | null {
  const hi = b.readUInt32LE(o + 4);
  if (hi >= 0x200000) return null;
  return hi * 0x100000000 + b.readUInt32LE(o);
}

/** A 64-bit timestamp in decimal, exactly as journalctl prints it. */
export function u64Decimal(b: Buffer, o: number): string {
  const hi = b.readUInt32LE(o + 4);
  if (hi < 0x200000) return String(hi * 0x100000000 + b.readUInt32LE(o));
  return b.readBigUInt64LE(o).toString();
}

export const align8 = (n: number) => n + ((8 - (n % 8)) % 8);
