/**
 * DATA payloads of a journal file compressed by systemd (xz, lz4, zstd), each decoded with a bound
 * on its size before anything is allocated.
 */
import { createRequire } from 'node:module';
import * as fzstd from 'fzstd';
import { MAX_EXPORT_FIELD } from '../journal-export/parser.js';
import { u64 } from './bytes.js';

const require = createRequire(import.meta.url);

/** Largest decompressed DATA payload kept: a value of MAX_EXPORT_FIELD bytes and its field name. */
export const MAX_PAYLOAD = MAX_EXPORT_FIELD + 65;

// ---- payload decompression (each bounded by MAX_PAYLOAD before anything is allocated) ----

type Payload = { bytes: Buffer } | { tooLarge: true } | { error: string };

/**
 * LZ4 as systemd stores it (compress_blob_lz4): the decompressed size as a little-endian u64,
 * then one LZ4 block (lz4's doc/lz4_Block_format.md). A block decoder is 40 lines; no package.
 */
export function lz4Payload(src: Buffer, cap = MAX_PAYLOAD): Payload {
  if (src.length < 8) return { error: 'lz4 data shorter than its 8-byte size' };
  const size = u64(src, 0);
  if (size == null || size > cap) return { tooLarge: true };
  const out = Buffer.allocUnsafe(size);
  const n = src.length;
  let s = 8;
  let d = 0;
  const bad = (what: string): Payload => ({ error: `corrupt lz4 data (${what} at byte ${s})` });
  while (s < n) {
    const token = src[s++]!;
    let lit = token >> 4;
    if (lit === 15) {
      let x;
      do {
        if (s >= n) return bad('literal length');
        x = src[s++]!;
        lit += x;
      } while (x === 255);
    }
    if (s + lit > n || d + lit > size) return bad('literals past the end');
    src.copy(out, d, s, s + lit);
    s += lit;
    d += lit;
    if (s === n) break; // the last sequence is literals only
    if (s + 2 > n) return bad('match offset');
    const off = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (off === 0 || off > d) return bad('match offset');
    let len = token & 15;
    if (len === 15) {
      let x;
      do {
        if (s >= n) return bad('match length');
        x = src[s++]!;
        len += x;
      } while (x === 255);
    }
    len += 4;
    if (d + len > size) return bad('match past the end');
    let m = d - off;
    if (off >= len) {
      out.copyWithin(d, m, m + len);
      d += len;
    } else {
      for (const end = d + len; d < end;) out[d++] = out[m++]!;
    }
  }
  if (d !== size) return { error: `corrupt lz4 data (${d} bytes of ${size})` };
  return { bytes: out };
}

const PIECE = 1 << 16;

/** zstd through fzstd's streaming decoder, fed in pieces and stopped once past the cap. */
export function zstdPayload(src: Buffer, cap = MAX_PAYLOAD): Payload {
  // Frame header: the window a decoder allocates must be bounded too.
  if (src.length < 6 || src.readUInt32LE(0) !== 0xfd2fb528) return { error: 'not zstd data (bad magic)' };
  const fhd = src[4]!;
  if ((fhd & 0x20) === 0) {
    const wd = src[5]!;
    const base = 2 ** (10 + (wd >> 3));
    if (base + (base / 8) * (wd & 7) > cap) return { tooLarge: true };
  }
  // What journald writes: one frame that states its content size. Decoded into a buffer of that size.
  const fcf = fhd >> 6;
  if (fcf > 0 || (fhd & 0x20) !== 0) {
    const at = 5 + ((fhd & 0x20) === 0 ? 1 : 0) + [0, 1, 2, 4][fhd & 3]!;
    const width = fcf === 0 ? 1 : 2 ** fcf;
    if (src.length >= at + width) {
      const size = width === 1 ? src[at]! : width === 2 ? src.readUInt16LE(at) + 256 : width === 4 ? src.readUInt32LE(at) : u64(src, at) ?? Infinity;
      if (size > cap) return { tooLarge: true };
      try {
        const out = Buffer.alloc(size);
        fzstd.decompress(src, out);
        return { bytes: out };
      } catch (e) {
        return { error: `corrupt zstd data (${(e as Error).message})` };
      }
    }
  }
  const parts: Buffer[] = [];
  let total = 0;
  let over = false;
  try {
    const z = new fzstd.Decompress((chunk: Uint8Array) => {
      total += chunk.length;
      if (total > cap) over = true;
      else parts.push(Buffer.from(chunk));
    });
    for (let i = 0; i < src.length && !over; i += PIECE) {
      const end = Math.min(src.length, i + PIECE);
      z.push(src.subarray(i, end), end === src.length);
    }
  } catch (e) {
    return { error: `corrupt zstd data (${(e as Error).message})` };
  }
  if (over) return { tooLarge: true };
  return { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total) };
}

interface NativeXz {
  bufferHandler: (buf: Buffer | null, processed: number | null, err: Error | null) => void;
  code: (chunk: Buffer | null, async: boolean) => void;
  resetUnderlying: () => void;
}

/** xz through lzma-native's decoder run on this thread (its native stream, synchronously). */
export function xzPayload(src: Buffer, cap = MAX_PAYLOAD): Payload {
  const lzma = require('lzma-native') as { createDecompressor: (o: object) => { nativeStream: NativeXz } };
  const s = lzma.createDecompressor({ synchronous: true, memlimit: 256 << 20 }).nativeStream;
  const parts: Buffer[] = [];
  let total = 0;
  let over = false;
  let err: Error | null = null;
  s.bufferHandler = (buf, _processed, e) => {
    if (e) err = e;
    else if (buf) {
      total += buf.length;
      if (total > cap) over = true;
      else parts.push(Buffer.from(buf));
    }
  };
  try {
    for (let i = 0; i < src.length && !over && !err; i += PIECE) s.code(src.subarray(i, Math.min(src.length, i + PIECE)), false);
    if (!over && !err) s.code(null, false);
  } catch (e) {
    err = e as Error;
  } finally {
    s.resetUnderlying();
  }
  if (over) return { tooLarge: true };
  if (err) return { error: `corrupt xz data (${(err as Error).message})` };
  return { bytes: Buffer.concat(parts, total) };
}
