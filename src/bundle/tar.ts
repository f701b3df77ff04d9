/**
 * A streaming tar reader (POSIX ustar, pax, GNU long names and sparse members) that holds at most
 * one 512-byte header and one bounded metadata record at a time: whatever a header claims, its
 * memory is bounded. Member bodies are handed on chunk by chunk; the caller keeps what it wants.
 *
 * Formats read (as GNU tar 1.34 and sos write them):
 *   ustar / GNU headers, names split over prefix + name (ustar) or in a GNU 'L' / 'K' member,
 *   pax 'x' records (path, linkpath, size; 'g' global records are counted and skipped),
 *   sparse members: GNU 'S' (map in the header and its extension blocks), pax 0.0
 *   (GNU.sparse.offset/numbytes), 0.1 (GNU.sparse.map) and 1.0 (map at the start of the data).
 */

export type TarType = 'file' | 'directory' | 'symlink' | 'link' | 'other';

export interface TarEntry {
  /** The member's name as stored (pax path / GNU long name / prefix + name), not normalised. */
  name: string;
  type: TarType;
  /** The type flag as stored (for messages). */
  flag: string;
  /** Bytes of data stored in the archive for this member (for a sparse member: its segments). */
  size: number;
  linkname: string;
  /** A sparse member: where its stored segments go in a file of realSize bytes (the rest is zeros). */
  sparse: { realSize: number; map: [offset: number, length: number][] } | null;
  /**
   * Set when the member's metadata broke a cap (name or link target too long, too many path
   * components, a metadata record over maxMetaBytes): the reason; its data is skipped.
   */
  unsafe: string | null;
  /** Modification time, seconds since the epoch (pax `mtime` or the header's field; NaN when unreadable). */
  mtime: number;
}

export interface TarLimits {
  /** Longest member name or link target, in bytes (longer: the member is `unsafe`). */
  maxNameBytes: number;
  /** Most '/'-separated components in a name or link target. */
  maxComponents: number;
  /** Largest pax / GNU long-name record held in memory (larger: skipped, the member it describes is `unsafe`). */
  maxMetaBytes: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxNameBytes: 4096, maxComponents: 256, maxMetaBytes: 1 << 20 };

/** What the caller does with a member's data: null to skip it. */
export interface EntrySink {
  data(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

export class TarFormatError extends Error {}

const BLOCK = 512;

function cstr(b: Buffer, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && b[end] !== 0) end++;
  return b.toString('utf8', start, end);
}

/** A numeric header field: octal text, or base-256 when the high bit of its first byte is set. */
function num(b: Buffer, start: number, len: number): number {
  if (b[start]! & 0x80) {
    // Base-256 (GNU): big-endian two's complement, the flag bit excluded. Negative values are nonsense here.
    if (b[start] === 0xff) return -1;
    let v = b[start]! & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i]!;
    return v;
  }
  const s = b.toString('latin1', start, start + len).replace(/[\0 ]+$/, '').replace(/^[ ]+/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

function checksumOk(b: Buffer): boolean {
  const want = num(b, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 32 : b[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return want === unsigned || want === signed;
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** Pax records `LEN key=value\n` (a key may repeat: GNU.sparse.offset / numbytes of format 0.0). */
function paxRecords(buf: Buffer): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < buf.length) {
    let j = i;
    while (j < buf.length && buf[j] !== 0x20) j++;
    const len = Number(buf.toString('latin1', i, j));
    if (!Number.isInteger(len) || len <= 0 || i + len > buf.length) break;
    const rec = buf.toString('utf8', j + 1, i + len - 1); // without the trailing newline
    const eq = rec.indexOf('=');
    if (eq > 0) out.push([rec.slice(0, eq), rec.slice(eq + 1)]);
    i += len;
  }
  return out;
}

/** Why a name (or link target) is refused, or null. Counts without splitting a huge string first. */
export function nameProblem(name: string, limits: TarLimits, what = 'name'): string | null {
  const bytes = Buffer.byteLength(name);
  if (bytes > limits.maxNameBytes) return `${what} of ${bytes} bytes (at most ${limits.maxNameBytes})`;
  let parts = 1;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 47) parts++;
  if (parts > limits.maxComponents) return `${what} of ${parts} path components (at most ${limits.maxComponents})`;
  return null;
}

type State =
  | { s: 'header' }
  | { s: 'meta'; flag: string; left: number; pad: number; parts: Buffer[] | null; got: number }
  | { s: 'sparse-ext'; entry: TarEntry; left: number }
  | { s: 'sparse-map'; entry: TarEntry; left: number; pad: number; text: number[] }
  | { s: 'body'; entry: TarEntry; left: number; pad: number; sink: EntrySink | null }
  | { s: 'pad'; left: number }
  | { s: 'end' };

/**
 * Reads a tar stream. `onEntry` is called for each member (after its metadata, before its data)
 * and returns a sink for the data or null to skip it. `onBytes` sees the count of every byte
 * consumed (headers, metadata, data and padding: the archive's whole size), and may throw to stop.
 * Throws TarFormatError on a damaged header or a stream that ends inside a member; returns the
 * number of members after the end-of-archive blocks (or the end of the stream between members).
 */
export async function readTar(
  stream: AsyncIterable<Buffer>, onEntry: (e: TarEntry) => EntrySink | null | Promise<EntrySink | null>,
  limits: TarLimits = DEFAULT_TAR_LIMITS, onBytes?: (consumed: number) => void,
): Promise<number> {
  let st: State = { s: 'header' };
  const hdr = Buffer.alloc(BLOCK);
  let hdrFill = 0;
  let members = 0;
  let consumed = 0;
  // Metadata that applies to the next member.
  let pax: [string, string][] = [];
  let longName: string | null = null;
  let longLink: string | null = null;
  let pendingUnsafe: string | null = null;

  const startEntry = async (e: TarEntry): Promise<void> => {
    members++;
    const wanted = await onEntry(e);
    const sink = e.unsafe ? null : wanted;
    st = { s: 'body', entry: e, left: e.size, pad: (BLOCK - (e.size % BLOCK)) % BLOCK, sink };
    if (e.size === 0) {
      if (sink) await sink.end();
      st = { s: 'header' };
    }
  };

  const onHeader = async (b: Buffer): Promise<void> => {
    if (isZero(b)) {
      // End of archive (two zero blocks; one is taken as enough, as GNU tar does with a warning).
      st = { s: 'end' };
      return;
    }
    if (!checksumOk(b)) throw new TarFormatError(`invalid tar header at byte ${consumed - BLOCK} (checksum mismatch)`);
    const flag = b[156] === 0 ? '0' : String.fromCharCode(b[156]!);
    const size = num(b, 124, 12);
    if (!Number.isFinite(size) || size < 0) throw new TarFormatError(`invalid tar header at byte ${consumed - BLOCK} (size field)`);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      st = { s: 'meta', flag, left: size, pad, parts: size <= limits.maxMetaBytes ? [] : null, got: 0 };
      if (size === 0) await endMeta();
      return;
    }
    const magic = b.toString('latin1', 257, 263);
    const ustar = magic === 'ustar\0';
    const gnu = magic === 'ustar ';
    let name = cstr(b, 0, 100);
    if (ustar) {
      const prefix = cstr(b, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    let linkname = cstr(b, 157, 100);
    let storedSize = size;
    let unsafe = pendingUnsafe;
    let sparse: TarEntry['sparse'] = null;
    if (longName != null) name = longName;
    if (longLink != null) linkname = longLink;
    let sparseMajor: string | null = null;
    const offsets: number[] = [];
    const lengths: number[] = [];
    let sparseMap: string | null = null;
    let sparseReal: number | null = null;
    let sparseName: string | null = null;
    let mtime = num(b, 136, 12);
    for (const [k, v] of pax) {
      if (k === 'path') name = v;
      else if (k === 'mtime' && /^-?\d+(?:\.\d+)?$/.test(v)) mtime = Number(v);
      else if (k === 'linkpath') linkname = v;
      else if (k === 'size' && /^\d+$/.test(v)) storedSize = Number(v);
      else if (k === 'GNU.sparse.major') sparseMajor = v;
      else if (k === 'GNU.sparse.name') sparseName = v;
      else if (k === 'GNU.sparse.realsize' || k === 'GNU.sparse.size') sparseReal = Number(v);
      else if (k === 'GNU.sparse.map') sparseMap = v;
      else if (k === 'GNU.sparse.offset') offsets.push(Number(v));
      else if (k === 'GNU.sparse.numbytes') lengths.push(Number(v));
    }
    pax = [];
    longName = null;
    longLink = null;
    pendingUnsafe = null;
    if (sparseName != null) name = sparseName;
    unsafe ??= nameProblem(name, limits) ?? (linkname ? nameProblem(linkname, limits, 'link target') : null);
    const type: TarType = flag === '0' || flag === '7' || flag === 'S' ? 'file' : flag === '5' ? 'directory' : flag === '2' ? 'symlink' : flag === '1' ? 'link' : 'other';
    const entry: TarEntry = { name, type, flag, size: storedSize, linkname, sparse, unsafe, mtime };
    if (sparseReal != null && Number.isFinite(sparseReal)) {
      if (sparseMajor === '1') {
        // Format 1.0: the map is text at the start of the data (counted in size), padded to a block.
        entry.sparse = { realSize: sparseReal, map: [] };
        st = { s: 'sparse-map', entry, left: storedSize, pad: (BLOCK - (storedSize % BLOCK)) % BLOCK, text: [] };
        return;
      }
      const map: [number, number][] = [];
      if (sparseMap != null) {
        const n = sparseMap.split(',').map(Number);
        for (let i = 0; i + 1 < n.length; i += 2) map.push([n[i]!, n[i + 1]!]);
      } else {
        for (let i = 0; i < offsets.length && i < lengths.length; i++) map.push([offsets[i]!, lengths[i]!]);
      }
      entry.sparse = { realSize: sparseReal, map };
    }
    if (flag === 'S' && gnu) {
      // GNU old sparse: four map entries here, more in extension blocks while isextended is set.
      const map: [number, number][] = [];
      for (let i = 0; i < 4; i++) {
        const off = num(b, 386 + i * 24, 12);
        const len = num(b, 386 + i * 24 + 12, 12);
        if (len > 0 || off > 0) map.push([off, len]);
      }
      entry.sparse = { realSize: num(b, 483, 12), map };
      if (b[482]) {
        st = { s: 'sparse-ext', entry, left: 1 };
        return;
      }
    }
    await startEntry(entry);
  };

  const endMeta = async (): Promise<void> => {
    const m = st as Extract<State, { s: 'meta' }>;
    const data = m.parts ? Buffer.concat(m.parts) : null;
    if (!data) {
      pendingUnsafe = `${m.flag === 'L' || m.flag === 'K' ? 'GNU long-name' : 'pax'} record of ${m.got} bytes (at most ${limits.maxMetaBytes})`;
    } else if (m.flag === 'x') {
      pax = paxRecords(data);
    } else if (m.flag === 'L') {
      longName = cstr(data, 0, data.length);
    } else if (m.flag === 'K') {
      longLink = cstr(data, 0, data.length);
    } // 'g': global records (comments, mtimes) change nothing read here
    st = m.pad ? { s: 'pad', left: m.pad } : { s: 'header' };
  };

  const parseSparseMapText = (text: number[]): { map: [number, number][]; used: number } | null => {
    // "N\n" then N pairs "offset\nlength\n"
    const nums: number[] = [];
    let cur = '';
    let used = 0;
    let need = -1;
    for (const c of text) {
      used++;
      if (c === 10) {
        nums.push(Number(cur));
        cur = '';
        if (need < 0) need = 1 + 2 * nums[0]!;
        if (nums.length === need) break;
      } else cur += String.fromCharCode(c);
    }
    if (need < 0 || nums.length < need || !nums.every(Number.isFinite)) return null;
    const map: [number, number][] = [];
    for (let i = 1; i + 1 < nums.length; i += 2) map.push([nums[i]!, nums[i + 1]!]);
    return { map, used: used + ((BLOCK - (used % BLOCK)) % BLOCK) };
  };

  for await (const raw of stream) {
    const chunk = raw as Buffer;
    consumed += chunk.length;
    onBytes?.(consumed);
    let i = 0;
    while (i < chunk.length) {
      const cur = st as State;
      switch (cur.s) {
        case 'end':
          i = chunk.length; // trailing zeros (and anything after them) are not members
          break;
        case 'header':
        case 'sparse-ext': {
          const n = Math.min(BLOCK - hdrFill, chunk.length - i);
          chunk.copy(hdr, hdrFill, i, i + n);
          hdrFill += n;
          i += n;
          if (hdrFill < BLOCK) break;
          hdrFill = 0;
          if (cur.s === 'header') {
            await onHeader(hdr);
          } else {
            const e = cur.entry;
            for (let k = 0; k < 21; k++) {
              const off = num(hdr, k * 24, 12);
              const len = num(hdr, k * 24 + 12, 12);
              if (len > 0 || off > 0) e.sparse!.map.push([off, len]);
            }
            if (e.sparse!.map.length > 1_000_000) throw new TarFormatError(`sparse member ${e.name.slice(0, 200)}: more than 1000000 map entries`);
            if (!hdr[504]) await startEntry(e);
          }
          break;
        }
        case 'meta': {
          const m = cur;
          const n = Math.min(m.left, chunk.length - i);
          if (m.parts) m.parts.push(Buffer.from(chunk.subarray(i, i + n)));
          m.got += n;
          m.left -= n;
          i += n;
          if (m.left === 0) await endMeta();
          break;
        }
        case 'sparse-map': {
          const m = cur;
          // The map text ends at the first block boundary after its last number.
          const n = Math.min(BLOCK - (m.text.length % BLOCK), m.left, chunk.length - i);
          for (let k = 0; k < n; k++) m.text.push(chunk[i + k]!);
          i += n;
          m.left -= n;
          if (m.text.length > limits.maxMetaBytes) throw new TarFormatError(`sparse member ${m.entry.name.slice(0, 200)}: map longer than ${limits.maxMetaBytes} bytes`);
          const parsed = m.text.length % BLOCK === 0 || m.left === 0 ? parseSparseMapText(m.text) : null;
          if (parsed) {
            const e = m.entry;
            e.sparse!.map = parsed.map;
            // Data already taken past the map's padding belongs to the first segment.
            const extra = Buffer.from(m.text.slice(parsed.used));
            e.size = extra.length + m.left;
            const pad = m.pad;
            const left = m.left;
            st = { s: 'header' };
            await startEntry(e);
            const after = st as State;
            if (after.s === 'body') {
              const body = after;
              body.left = left;
              body.pad = pad;
              if (extra.length && body.sink) await body.sink.data(extra);
              if (body.left === 0) {
                if (body.sink) await body.sink.end();
                st = pad ? { s: 'pad', left: pad } : { s: 'header' };
              }
            } else if (pad) st = { s: 'pad', left: pad };
          } else if (m.left === 0) {
            throw new TarFormatError(`sparse member ${m.entry.name.slice(0, 200)}: unreadable sparse map`);
          }
          break;
        }
        case 'body': {
          const b = cur;
          const n = Math.min(b.left, chunk.length - i);
          if (n > 0 && b.sink) await b.sink.data(chunk.subarray(i, i + n));
          b.left -= n;
          i += n;
          if (b.left === 0) {
            if (b.sink) await b.sink.end();
            st = b.pad ? { s: 'pad', left: b.pad } : { s: 'header' };
          }
          break;
        }
        case 'pad': {
          const n = Math.min(cur.left, chunk.length - i);
          cur.left -= n;
          i += n;
          if (cur.left === 0) st = { s: 'header' };
          break;
        }
      }
    }
  }
  const last = st as State;
  if (last.s === 'end' || (last.s === 'header' && hdrFill === 0)) return members;
  throw new TarFormatError(last.s === 'body' ? `unexpected end of data inside member ${last.entry.name.slice(0, 200)}` : 'unexpected end of data');
}
