/**
 * The export format's entries as rows for DuckDB's `read_csv` (sql-loader.ts): the parser
 * (parser.ts, with a stage) hands over each entry's kept fields as bytes, and an entry whose bytes
 * DuckDB reads exactly as the JavaScript parser would decode them is written as one line
 *
 *   line_no \x1f field₀ \x1f … \x1f field₁₃ \n
 *
 * (fields in JOURNAL_FIELDS order; \x02, read_csv's `nullstr`, for an absent one, so that an
 * empty one stays ''; a number field only when journal-json's `uint` takes it, else \x02 too); no
 * string is made for it. Every other entry — MESSAGE missing, a field that is not valid UTF-8 or starts
 * with a BOM (TextDecoder drops it), holds NUL, CR, LF, \x02 or \x1f, an unreadable or unsafe
 * __REALTIME_TIMESTAMP, a _HOSTNAME safeHostName would change (when hosts come from the data), a
 * field over MAX_LINE bytes — goes back to the parser, which makes its row (and its issue) with
 * `journalEntryToRow` as without a stage. The rule is one-sided: what is written here must give
 * the parser's row; sending an entry back is never wrong, only slower.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { JOURNAL_FIELDS, JOURNAL_NUMBERS } from '../journal-json/parser.js';
import { MAX_LINE } from '../kit/lines.js';
import { MAX_HOST_BYTES } from '../../report/safe.js';
import { exportFieldText } from './parser.js';

const FIELDS = [...JOURNAL_FIELDS];
export const STAGE_FIELDS: readonly string[] = FIELDS;
const N = FIELDS.length;
const INDEX = new Map(FIELDS.map((f, i) => [f, i]));
const MESSAGE = INDEX.get('MESSAGE')!;
const REALTIME = INDEX.get('__REALTIME_TIMESTAMP')!;
const HOSTNAME = INDEX.get('_HOSTNAME')!;
const SEP = 0x1f;
/** read_csv's NULL (`nullstr`): an absent field, or a number journal-json's `uint` refuses; an empty field is ''. */
export const STAGE_NULL = 0x02;
/**
 * The fields journalEntryToRow reads as numbers (journal-json's `uint`: 1–17 ASCII digits, at most
 * this), staged only when they are one — else as NULL, which is what `uint` makes of them — so
 * that the SQL casts them as they are. (__REALTIME_TIMESTAMP is apart: an unreadable one raises an issue.)
 */
const NUMBERS = new Map<number, number>(Object.entries(JOURNAL_NUMBERS).map(([f, max]) => [INDEX.get(f)!, max]));
export const STAGE_NUMBERS: ReadonlySet<string> = new Set([...NUMBERS.keys()].map((i) => FIELDS[i]!));
const NUMERIC = new Float64Array(N).fill(-1);
for (const [i, max] of NUMBERS) NUMERIC[i] = max;

/** journal-json's `uint` on bytes: the number, or -1. */
function uintBytes(b: Uint8Array, start: number, end: number, max: number): number {
  const n = end - start;
  if (n < 1 || n > 17) return -1;
  let v = 0;
  for (let k = start; k < end; k++) {
    const c = b[k]!;
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  // (exact below 2^53; above, rounding keeps it above every max here, as Number() would)
  return v <= max ? v : -1;
}

/**
 * Copies bytes start..end of `from` to `to` at `at`, returns the end there. Field values are
 * short: a loop (Buffer.copy makes a view per call; 1.2 s of 2.9 s staging 200 MB).
 */
function copyBytes(from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): number {
  if (end - start > 64) {
    to.set(from.subarray(start, end), at);
    return at + end - start;
  }
  for (let k = start; k < end; k++) to[at++] = from[k]!;
  return at;
}

export class ExportStage {
  /** Rows written since the last take(), and their bytes. */
  private out: Buffer;
  private outLen = 0;
  // The entry being read: where each kept field's bytes are. A text field's stay in the parser's
  // buffer (`src`) until the entry ends — copied once, into `out` — unless the parser moves on
  // to another buffer first (look), or the value came in pieces (a binary field): then in `scratch`.
  private src: Buffer = Buffer.alloc(0);
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private readonly off = new Int32Array(N);
  private readonly len = new Int32Array(N);
  private mask = 0;
  /** Fields of `mask` staged as NULL (numbers `uint` refuses). */
  private nulls = 0;
  /** Fields of `mask` whose bytes are in `scratch`. */
  private copied = 0;
  private odd = false;
  private realtime = 0;
  /** The parser's current buffer may hold NUL, CR, \x1f or non-ASCII bytes: text fields are checked one by one. */
  private risky = true;
  /** Rows staged in all, their first and last time (µs), and how many got no host. */
  rows = 0;
  firstTs: number | null = null;
  lastTs: number | null = null;
  noHost = 0;

  /**
   * `hostsFromData`: the rows' host comes from _HOSTNAME (no --host, no host of the context), so
   * a _HOSTNAME that safeHostName would change sends the entry back; `fallback` is the host of an
   * entry without one (null: none, counted in noHost).
   */
  constructor(private readonly hostsFromData: boolean, private readonly fallback: string | null, private readonly partBytes = 32 << 20) {
    this.out = Buffer.allocUnsafe(partBytes + 2 * MAX_LINE);
  }

  /** The parser's buffer before it reads from it (the entry's fields still in the previous one are copied out). */
  look(b: Buffer): void {
    const pending = this.mask & ~this.copied;
    if (pending) {
      for (let i = 0; i < N; i++) if (pending & (1 << i)) this.keep(i, this.src, this.off[i]!, this.off[i]! + this.len[i]!);
    }
    this.src = b;
    this.risky = b.indexOf(0) >= 0 || b.indexOf(13) >= 0 || b.indexOf(SEP) >= 0 || b.indexOf(STAGE_NULL) >= 0 || !isAscii(b);
  }

  /** A binary field named `name` is to be collected (kept and not seen yet in this entry). */
  wants(name: string): boolean {
    const i = INDEX.get(name);
    return i !== undefined && (this.mask & (1 << i)) === 0;
  }

  /** A text field's value (bytes start..end of b, the buffer last shown to look). */
  text(i: number, b: Buffer, start: number, end: number): void {
    const bit = 1 << i;
    if (this.mask & bit) return; // (a repeated field: the first value counts)
    this.mask |= bit;
    this.off[i] = start;
    this.len[i] = end - start;
    if (!this.odd && !this.fits(i, b, start, end, this.risky)) this.odd = true;
  }

  /** A binary field's value (any bytes). */
  binary(i: number, bytes: Uint8Array): void {
    const bit = 1 << i;
    if (this.mask & bit) return;
    this.mask |= bit;
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.keep(i, b, 0, b.length);
    if (!this.odd && (b.indexOf(10) >= 0 || !this.fits(i, b, 0, b.length, true))) this.odd = true;
  }

  /** Field i's bytes into scratch. */
  private keep(i: number, b: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.used + n > this.scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.scratch.length, this.used + n));
      this.scratch.copy(bigger, 0, 0, this.used);
      this.scratch = bigger;
    }
    copyBytes(b, start, end, this.scratch, this.used);
    this.off[i] = this.used;
    this.len[i] = n;
    this.used += n;
    this.copied |= 1 << i;
  }

  /** Whether DuckDB reads these bytes as the parser decodes them, and the field's own rule holds. */
  private fits(i: number, b: Buffer, start: number, end: number, check: boolean): boolean {
    const n = end - start;
    if (n > MAX_LINE) return false;
    if (check) {
      let ascii = true;
      for (let k = start; k < end; k++) {
        const c = b[k]!;
        if (c === 0 || c === 13 || c === 10 || c === SEP || c === STAGE_NULL) return false;
        if (c >= 0x80) ascii = false;
      }
      if (!ascii) {
        if (n >= 3 && b[start] === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) return false;
        if (!isUtf8(b.subarray(start, end))) return false;
      }
    }
    if (NUMERIC[i]! >= 0) {
      if (uintBytes(b, start, end, NUMERIC[i]!) < 0) this.nulls |= 1 << i;
    } else if (i === REALTIME) {
      // (one `uint` refuses raises an issue: the parser's)
      const v = uintBytes(b, start, end, Number.MAX_SAFE_INTEGER);
      if (v < 0) return false;
      this.realtime = v;
    } else if (i === HOSTNAME && this.hostsFromData) {
      // (what hostNeedsCareSql tests, on bytes: controls, DEL and C1, '/', '\', '%', '.' or '..'
      // alone, over 253 bytes; an empty name and any non-ASCII byte go back too)
      if (n === 0 || n > MAX_HOST_BYTES) return false;
      if (n <= 2 && b[start] === 0x2e && (n === 1 || b[start + 1] === 0x2e)) return false;
      for (let k = start; k < end; k++) {
        const c = b[k]!;
        if (c < 0x20 || c >= 0x7f || c === 0x2f || c === 0x5c || c === 0x25) return false;
      }
    }
    return true;
  }

  /** The entry starting at line `line` ended: true when it was staged, false when the parser must make its row. */
  endEntry(line: number): boolean {
    if (this.odd || (this.mask & (1 << MESSAGE)) === 0) return false;
    let need = 24 + N;
    for (let i = 0; i < N; i++) if (this.mask & (1 << i)) need += this.len[i]!;
    if (need > 2 * MAX_LINE) return false;
    if (this.outLen + need > this.out.length) this.grow(need);
    const o = this.out;
    let p = this.writeInt(line, this.outLen);
    const staged = this.mask & ~this.nulls;
    for (let i = 0; i < N; i++) {
      o[p++] = SEP;
      const bit = 1 << i;
      if (staged & bit) {
        const n = this.len[i]!;
        if (n > 0) p = copyBytes(this.copied & bit ? this.scratch : this.src, this.off[i]!, this.off[i]! + n, o, p);
      } else o[p++] = STAGE_NULL;
    }
    o[p++] = 10;
    this.outLen = p;
    this.rows++;
    if (this.mask & (1 << REALTIME)) {
      const ts = this.realtime;
      if (this.firstTs == null || ts < this.firstTs) this.firstTs = ts;
      if (this.lastTs == null || ts > this.lastTs) this.lastTs = ts;
    }
    if (this.hostsFromData && (this.mask & (1 << HOSTNAME)) === 0 && this.fallback == null) this.noHost++;
    return true;
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.outLen + need));
    this.out.copy(bigger, 0, 0, this.outLen);
    this.out = bigger;
  }

  private writeInt(v: number, p: number): number {
    const o = this.out;
    if (v === 0) {
      o[p] = 48;
      return p + 1;
    }
    let digits = 0;
    for (let x = v; x > 0; x = Math.floor(x / 10)) digits++;
    let q = p + digits;
    for (let x = v; x > 0; x = Math.floor(x / 10)) o[--q] = 48 + (x % 10);
    return p + digits;
  }

  /** The entry's kept fields as the parser would have decoded them (an entry it makes the row of). */
  fields(): Map<string, string> {
    const m = new Map<string, string>();
    for (let i = 0; i < N; i++) {
      const bit = 1 << i;
      if (this.mask & bit) m.set(FIELDS[i]!, exportFieldText(this.copied & bit ? this.scratch : this.src, this.off[i]!, this.off[i]! + this.len[i]!));
    }
    return m;
  }

  reset(): void {
    this.used = 0;
    this.mask = 0;
    this.nulls = 0;
    this.copied = 0;
    this.odd = false;
  }

  /** Bytes of rows staged since the last take. */
  get pending(): number {
    return this.outLen;
  }

  /** Whether a part is due (the caller writes it out). */
  get full(): boolean {
    return this.outLen >= this.partBytes;
  }

  /** The rows staged since the last call (a copy-free handover: a fresh buffer takes the next). */
  take(): Buffer {
    const part = this.out.subarray(0, this.outLen);
    this.out = Buffer.allocUnsafe(this.partBytes + 2 * MAX_LINE);
    this.outLen = 0;
    return part;
  }
}
