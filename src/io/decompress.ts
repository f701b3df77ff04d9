import { createGunzip, gunzipSync } from 'node:zlib';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { closeSync, openSync, readSync } from 'node:fs';
import * as fzstd from 'fzstd';
import { SafetyError } from '../errors.js';
import { decompressProgram, programChild, PROGRAMS, XZ_MEMLIMIT, type Program } from './programs.js';

export { decompressProgram, XZ_MEMLIMIT };

const require = createRequire(import.meta.url);

export type Compression = 'gzip' | 'xz' | 'bzip2' | 'zstd' | 'none';

/** Compression by magic bytes (names lie; customers rename files). */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 6 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0) return 'xz';
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Compression of a file by its first bytes (as it is on disk). */
export function fileCompression(path: string): Compression {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(6);
    return sniffCompression(b.subarray(0, readSync(fd, b, 0, 6, 0)));
  } finally {
    closeSync(fd);
  }
}

/** zstd windows above this are refused unless --max-zstd-window says otherwise (the `zstd` program's own default). */
export const DEFAULT_ZSTD_WINDOW = 128 * 1024 * 1024;

/**
 * Walks the frames of a zstd stream (RFC 8878 §3.1) ahead of the decoder, without decoding, and
 * refuses a frame whose window — Window_Descriptor, or Frame_Content_Size for a single-segment
 * frame — is over `maxWindow`, before the decoder sees that frame's header and allocates the
 * window (fzstd allocates whatever the header claims: a 3 kB file of frames claiming 1.9 GB
 * each took 18 GB). It keeps at most one frame header (≤ 18 bytes) and counts the rest.
 */
export class ZstdFrameGuard {
  /** Bytes of the stream seen. */
  private offset = 0;
  /** Bytes still to pass before the next header to read (block or frame contents). */
  private skip = 0;
  private state: 'frame' | 'block' = 'frame';
  private hasChecksum = false;
  private head: number[] = [];
  private headAt = 0;
  constructor(readonly maxWindow: number = DEFAULT_ZSTD_WINDOW) {}

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        this.offset += n;
        continue;
      }
      if (this.head.length === 0) this.headAt = this.offset;
      this.head.push(chunk[i]!);
      i++;
      this.offset++;
      this.step();
    }
  }

  /** Acts on the header bytes gathered so far once there are enough of them. */
  private step(): void {
    const h = this.head;
    if (this.state === 'block') {
      if (h.length < 3) return;
      const v = h[0]! | (h[1]! << 8) | (h[2]! << 16);
      const last = v & 1;
      const type = (v >> 1) & 3;
      const size = v >>> 3;
      if (type === 3) throw new Error(`corrupt zstd data: reserved block type at byte ${this.headAt}`);
      this.skip = type === 1 ? 1 : size;
      this.head = [];
      if (last) {
        this.state = 'frame';
        if (this.hasChecksum) this.skip += 4;
      }
      return;
    }
    if (h.length < 4) return;
    const magic = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // A skippable frame: magic, 4-byte little-endian length, that many bytes of user data.
      if (h.length < 8) return;
      this.skip = (h[4]! | (h[5]! << 8) | (h[6]! << 16)) + h[7]! * 0x1000000;
      this.head = [];
      return;
    }
    if (magic !== 0xfd2fb528) throw new Error(`corrupt zstd data: no frame magic at byte ${this.headAt}`);
    if (h.length < 5) return;
    const fhd = h[4]!;
    const fcsFlag = fhd >> 6;
    const single = (fhd >> 5) & 1;
    const dictFlag = fhd & 3;
    const headerBytes = 5 + (single ? 0 : 1) + [0, 1, 2, 4][dictFlag]! + (fcsFlag ? 1 << fcsFlag : single);
    if (h.length < headerBytes) return;
    let window: number;
    if (single) {
      // The window is the frame's content size (up to 2^64 − 1: a number may round; it is only compared).
      const at = 5 + [0, 1, 2, 4][dictFlag]!;
      const n = fcsFlag ? 1 << fcsFlag : 1;
      let fcs = 0;
      for (let k = n - 1; k >= 0; k--) fcs = fcs * 256 + h[at + k]!;
      if (fcsFlag === 1) fcs += 256;
      window = fcs;
    } else {
      const wd = h[5]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    if (window > this.maxWindow) {
      throw new SafetyError('zstd-window',
        `zstd frame at byte ${this.headAt} asks for a ${mib(window)} window (${window} bytes); at most ${mib(this.maxWindow)} is allowed (limit --max-zstd-window)`);
    }
    this.hasChecksum = ((fhd >> 2) & 1) === 1;
    this.state = 'block';
    this.head = [];
  }
}

function mib(n: number): string {
  const m = n / 1048576;
  return `${Number.isInteger(m) ? m : m.toFixed(1)} MiB`;
}

function zstdTransform(maxWindow = DEFAULT_ZSTD_WINDOW): Transform {
  let out: Transform;
  const guard = new ZstdFrameGuard(maxWindow);
  const d = new fzstd.Decompress((chunk: Uint8Array) => {
    out.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const u = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      try {
        guard.push(u); // (before the decoder sees a frame header)
      } catch (e) {
        cb(e as Error);
        return;
      }
      try {
        d.push(u);
        cb();
      } catch (e) {
        cb(new Error(`corrupt zstd data: ${(e as Error).message}`));
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        cb();
      } catch (e) {
        cb(new Error(`truncated or corrupt zstd data: ${(e as Error).message}`));
      }
    },
  });
  return out;
}

/** A pass-through that checks every zstd frame header going by (before the `zstd` program). */
function zstdGuardStream(maxWindow: number): Transform {
  const guard = new ZstdFrameGuard(maxWindow);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        guard.push(chunk);
        cb(null, chunk);
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

/**
 * A decompressing stream for the given compression (identity for 'none'). `synchronous`: xz is
 * decompressed on the calling thread instead of lzma-native's own (for small archives the
 * hand-over to its thread and back costs more than decompressing).
 */
export function decompressor(kind: Compression, synchronous = false, maxZstdWindow = DEFAULT_ZSTD_WINDOW): Transform {
  switch (kind) {
    case 'gzip':
      return createGunzip();
    case 'xz': {
      const lzma = require('lzma-native') as { createDecompressor: (o?: { synchronous?: boolean; memlimit?: number }) => Transform };
      return lzma.createDecompressor(synchronous ? { synchronous: true, memlimit: XZ_MEMLIMIT } : { memlimit: XZ_MEMLIMIT });
    }
    case 'bzip2': {
      const bz = require('unbzip2-stream') as () => Transform;
      return bz();
    }
    case 'zstd':
      return zstdTransform(maxZstdWindow);
    default:
      return new PassThrough();
  }
}

export interface DecompressOptions {
  /** Fail (SafetyError 'too-large') once more than this many bytes came out of the decompressor. */
  maxBytes?: number;
  /** The option that sets maxBytes, named in the error (e.g. '--max-total-bytes'). */
  limitName?: string;
  /** Decompress on this thread where the library can (see decompressor). */
  synchronous?: boolean;
  /** Refuse zstd frames whose window is larger (SafetyError 'zstd-window'); default DEFAULT_ZSTD_WINDOW. */
  maxZstdWindow?: number;
}

export interface Decompressed {
  stream: Readable;
  compression: Compression;
  /**
   * Set when the compressed data was damaged or cut short: the stream then ends cleanly after
   * everything that could be decompressed before the damage (an error would make readers drop
   * what was still buffered), and the reader decides what a partial input means.
   */
  damage: { error: Error | null };
}

/** Pipe `src` through the decompressor its first bytes call for. */
export async function autoDecompress(src: Readable, opts: DecompressOptions = {}): Promise<Decompressed> {
  const damage: { error: Error | null } = { error: null };
  const first = await new Promise<Buffer | null>((resolve, reject) => {
    const onReadable = () => {
      const b = src.read(6) as Buffer | null ?? src.read() as Buffer | null;
      if (b !== null) {
        cleanup();
        resolve(b);
      }
    };
    const onEnd = () => { cleanup(); resolve(null); };
    const onErr = (e: Error) => { cleanup(); reject(e); };
    const cleanup = () => {
      src.off('readable', onReadable);
      src.off('end', onEnd);
      src.off('error', onErr);
    };
    src.on('readable', onReadable);
    src.on('end', onEnd);
    src.on('error', onErr);
  });
  if (first === null) return { stream: Readable_from([]), compression: 'none', damage };
  src.unshift(first);
  const compression = sniffCompression(first);
  if (compression === 'none') return { stream: src, compression, damage };
  const program = compression !== 'gzip' && !opts.synchronous ? decompressProgram(compression) : null;
  const maxWindow = opts.maxZstdWindow ?? DEFAULT_ZSTD_WINDOW;
  // A counting pass-through: it also re-streams unbzip2-stream (an old-style `through` stream)
  // so that the result is async-iterable and errors propagate.
  let total = 0;
  const max = opts.maxBytes;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      if (max != null && total > max) {
        cb(new SafetyError('too-large', `${compression} data expands to more than ${max} bytes (limit ${opts.limitName ?? '--max-total-bytes'})`));
        return;
      }
      cb(null, chunk);
    },
  });
  if (program) {
    const args: string[] = [...PROGRAMS[compression as Program].args];
    let input: Readable = src;
    if (compression === 'zstd') {
      args.push(`--memory=${Math.ceil(maxWindow / 1024)}KB`);
      input = zstdGuardStream(maxWindow);
      src.on('error', (e) => input.destroy(e));
      src.pipe(input as Transform);
      input.on('close', () => src.destroy());
    }
    programChild(program, args, input, out, damage);
    return { stream: out, compression, damage };
  }
  const d = decompressor(compression, opts.synchronous, maxWindow);
  // Whatever ends the output (end, bomb cap, consumer gone): stop reading and decompressing.
  out.on('close', () => {
    src.unpipe(d);
    src.destroy();
    if (!d.destroyed) d.destroy();
  });
  src.on('error', (e) => out.destroy(e));
  d.on('error', (e: Error) => {
    if (damage.error || out.destroyed) return;
    if (e instanceof SafetyError) {
      out.destroy(e); // a refusal (a zstd window over the limit), not damage: nothing of it is kept
      return;
    }
    // unbzip2-stream fails a cut stream with whatever its reader hit (say, a TypeError).
    damage.error = compression === 'bzip2' && (e instanceof TypeError || e instanceof RangeError) ? new Error('bzip2 data ends unexpectedly or a block is damaged') : e;
    // (unbzip2-stream is an old-style `through` stream: no unpipe, and it writes each block
    // straight into `out` as it decodes it, so nothing of it is left to stop.)
    if (typeof d.unpipe === 'function') d.unpipe(out);
    out.end();
  });
  src.pipe(d).pipe(out);
  return { stream: out, compression, damage };
}

function Readable_from(items: Buffer[]): Readable {
  const p = new PassThrough();
  for (const i of items) p.write(i);
  p.end();
  return p;
}

/** Decompress a whole (small) buffer, e.g. a rotated `messages-2026.gz` inside a bundle. */
export async function decompressBuffer(buf: Buffer, maxBytes: number, maxZstdWindow = DEFAULT_ZSTD_WINDOW): Promise<Buffer> {
  const kind = sniffCompression(buf);
  if (kind === 'none') return buf;
  if (kind === 'gzip') return gunzipSync(buf, { maxOutputLength: maxBytes });
  if (kind === 'zstd') {
    // Streamed so that a small frame claiming (or expanding to) gigabytes stops at maxBytes.
    new ZstdFrameGuard(maxZstdWindow).push(buf); // every frame's window, before fzstd allocates one
    const parts: Uint8Array[] = [];
    let n = 0;
    const z = new fzstd.Decompress((chunk: Uint8Array) => {
      n += chunk.length;
      if (n > maxBytes) throw new Error(`decompressed size exceeds ${maxBytes} bytes`);
      parts.push(chunk.slice());
    });
    z.push(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), true);
    return Buffer.concat(parts);
  }
  const d = decompressor(kind);
  const chunks: Buffer[] = [];
  let n = 0;
  await new Promise<void>((resolve, reject) => {
    d.on('data', (c: Buffer) => {
      n += c.length;
      if (n > maxBytes) {
        d.destroy(new Error(`decompressed size exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(c);
    });
    d.on('end', () => resolve());
    d.on('error', reject);
    d.end(buf);
  });
  return Buffer.concat(chunks);
}
