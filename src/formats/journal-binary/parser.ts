// Over 400 lines: one reader (entry-array walk, unlinked-entry scan, export layout) sharing offsets, DATA cache and issue budget; bytes: bytes.ts, decompression: payload.ts.
/**
 * systemd journal files (`*.journal`, `*.journal~`: /var/log/journal/<machine-id>/, what
 * `sos report --all-logs` copies), read natively: no journalctl needed. Layout from systemd's
 * docs/JOURNAL_FILE_FORMAT.md and src/libsystemd/sd-journal/journal-def.h (all little-endian):
 *
 *   header   "LPKSHHRH" compatible_flags:u32 incompatible_flags:u32 state:u8 … header_size@88
 *            arena_size@96 tail_object_offset@136 n_entries@152 entry_array_offset@176
 *   object   type:u8 flags:u8 reserved[6] size:u64, then its payload; objects 8-byte aligned
 *   ENTRY    seqnum realtime monotonic boot_id[16] xor_hash, then items: {offset:u64 hash:u64}
 *            (compact files: {offset:u32})
 *   DATA     hash next_hash next_field entry_offset entry_array_offset n_entries (compact: + two
 *            u32), then "FIELD=value", compressed with xz, lz4 or zstd when a flag says so
 *   ENTRY_ARRAY next_entry_array_offset:u64, then entry offsets (u64; compact: u32)
 *
 * Entries are read in the order of the file's entry array chain (from the header's
 * entry_array_offset), as journalctl reads them. Every offset and length is checked against the
 * file's size before anything is read or allocated; a DATA payload is capped at MAX_EXPORT_FIELD
 * (compressed or not). A file cut short, or written to when it was copied (state ONLINE), keeps
 * every whole entry: after the chain, the objects that follow the last linked entry are scanned
 * for entries the writer had not linked yet, and where reading stopped is an issue with its offset.
 *
 * The rows are exactly those the export parser (journal-export/parser.ts) makes of `journalctl --file F
 * -o export` (systemd 252) of the same file, line_no included: each entry is laid out as that
 * output would be (__CURSOR, __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP, _BOOT_ID, then every
 * item but _BOOT_ID, text or binary by systemd's utf8_is_printable_newline rule, an empty line),
 * and the same journalEntryToRow makes the row. (systemd 254 and later add __SEQNUM and
 * __SEQNUM_ID lines, shifting their line numbers by two per entry.)
 */
import { mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkParser, Issue, LogEventRow, ParseContext } from '../../model.js';
import { ParseError } from '../../errors.js';
import { JOURNAL_FIELDS, journalEntryToRow } from '../journal-json/parser.js';
import { MAX_EXPORT_FIELD } from '../journal-export/parser.js';
import { issue, MAX_LINE } from '../kit/lines.js';
import { align8, BufferSource, ChunksSource, FileSource, u64, u64Decimal, type ByteSource } from './bytes.js';
import { lz4Payload, MAX_PAYLOAD, xzPayload, zstdPayload } from './payload.js';

export const JOURNAL_MAGIC = 'LPKSHHRH';

/** True when the bytes (as latin1 or utf8 text) start with the journal file signature. */
export function looksLikeJournalFile(head: string): boolean {
  return head.startsWith(JOURNAL_MAGIC);
}

const INCOMPATIBLE_XZ = 1;
const INCOMPATIBLE_LZ4 = 2;
const INCOMPATIBLE_KEYED_HASH = 4;
const INCOMPATIBLE_ZSTD = 8;
const INCOMPATIBLE_COMPACT = 16;
const INCOMPATIBLE_KNOWN = INCOMPATIBLE_XZ | INCOMPATIBLE_LZ4 | INCOMPATIBLE_KEYED_HASH | INCOMPATIBLE_ZSTD | INCOMPATIBLE_COMPACT;
const COMPRESSED_XZ = 1;
const COMPRESSED_LZ4 = 2;
const COMPRESSED_ZSTD = 4;
const OBJECT_DATA = 1;
const OBJECT_ENTRY = 3;
const OBJECT_ENTRY_ARRAY = 6;
const OBJECT_TYPE_MAX = 7;
const STATE_NAMES = ['OFFLINE', 'ONLINE', 'ARCHIVED'];
/** Header fields up to tail_entry_monotonic exist in every version of the format. */
const MIN_HEADER = 208;
/** An ENTRY object larger than this (over a million items) is taken for damage. */
const MAX_ENTRY_OBJECT = 16 << 20;
/** Lines journalctl 252 prints before an entry's items: __CURSOR, the two timestamps, _BOOT_ID. */
const HEADER_LINES = 4;
/** Issues listed per file; the rest are counted (a damaged region repeats the same few). */
const MAX_ISSUES = 1000;
/** Issues about the whole file, always listed. */
const FILE_ISSUES = new Set(['truncated-journal', 'journal-online', 'unlinked-entries', 'journal-stopped', 'more-issues']);
/** Rows per batch handed to the loader. */
const BATCH = 10_000;
/** Decoded DATA objects kept (shared ones — _HOSTNAME, _TRANSPORT, _BOOT_ID — are read once). */
const DATA_CACHE = 16_384;
/** Journals streamed in are kept in memory up to this size, beyond it in an unlinked temporary file. */
const SPILL_BYTES = 64 << 20;

const utf8 = new TextDecoder('utf-8');

// ---- the export layout journalctl would print ----

function validFieldName(b: Uint8Array, end: number): boolean {
  if (end < 1 || end > 64) return false;
  if (b[0]! >= 48 && b[0]! <= 57) return false;
  for (let i = 0; i < end; i++) {
    const c = b[i]!;
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

/**
 * systemd's utf8_is_printable_newline(data, len, false), which decides whether `-o export`
 * prints a field as text or as binary: valid UTF-8 as systemd checks it (a continuation byte only
 * needs its top bit; no overlong forms, surrogates, U+FDD0–U+FDEF or U+xFFFE/F), and no control
 * character but tab (no newline, DEL or C1).
 */
export function printableForExport(b: Uint8Array): boolean {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      if ((c < 0x20 && c !== 9) || c === 0x7f) return false;
      i++;
      continue;
    }
    const len = (c & 0xe0) === 0xc0 ? 2 : (c & 0xf0) === 0xe0 ? 3 : (c & 0xf8) === 0xf0 ? 4 : (c & 0xfc) === 0xf8 ? 5 : (c & 0xfe) === 0xfc ? 6 : 0;
    if (len === 0 || i + len > n) return false;
    let v = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const x = b[i + k]!;
      if ((x & 0x80) !== 0x80) return false;
      v = v * 64 + (x & 0x3f);
    }
    const encLen = v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : v < 0x200000 ? 4 : v < 0x4000000 ? 5 : 6;
    if (encLen !== len) return false;
    if (v >= 0x110000 || (v >= 0xd800 && v <= 0xdfff) || (v >= 0xfdd0 && v <= 0xfdef) || (v & 0xfffe) === 0xfffe) return false;
    if (v >= 0x7f && v <= 0x9f) return false;
    i += len;
  }
  return true;
}

function countNewlines(b: Uint8Array, start: number): number {
  let n = 0;
  for (let i = b.indexOf(10, start); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Bytes → string as the export parser decodes them (ASCII natively, the rest through TextDecoder). */
function decode(b: Buffer, start: number): string {
  for (let i = start; i < b.length; i++) if (b[i]! >= 0x80) return utf8.decode(b.subarray(start));
  return b.toString('latin1', start);
}

/** One DATA object as an entry item: what it adds to the row and how many export lines it takes. */
interface Item {
  /** The JOURNAL_FIELDS name it sets, or null. */
  key: string | null;
  value: string;
  lines: number;
  /** Unusable: the reason (issue code and what was expected); the item is left out. */
  problem?: { code: string; expected: string; dropsEntry: boolean };
}

/** Where reading stopped early: what an issue says. */
interface Stop {
  offset: number;
  what: string;
}

/**
 * Reads one journal file from a byte source: `header()` checks it (ParseError when it is not a
 * journal this reader can read), then `batches()` yields its rows in entry order.
 */
export class JournalFileReader {
  readonly issues: Issue[] = [];
  entriesRead = 0;
  entriesSkipped = 0;
  private compact = false;
  private headerSize = 0;
  private end = 0;
  private tailObject = 0;
  private entryArray = 0;
  private lineNo = 1;
  private readonly cache = new Map<number, Item>();
  private lastEntry = 0;
  private lastEntryEnd = 0;
  /** The file is shorter than its header says. */
  private cut = false;
  /** Issues past MAX_ISSUES, by code. */
  private readonly unlisted = new Map<string, number>();
  /** Size of the object object() last accepted. */
  private objectSize = 0;

  constructor(private readonly src: ByteSource, private readonly ctx: ParseContext) {}

  private fail(code: string, message: string, text = ''): never {
    throw new ParseError(code, message, this.ctx.file, null, text, 'a systemd journal file');
  }

  private problem(code: string, text: string, expected: string, severity: Issue['severity'] = 'warning', line: number | null = null): void {
    // Damage repeats (every entry of a corrupt region, every item of a corrupt entry): the first
    // MAX_ISSUES are listed, the rest counted in one issue at the end.
    if (this.issues.length >= MAX_ISSUES && !FILE_ISSUES.has(code)) {
      this.unlisted.set(code, (this.unlisted.get(code) ?? 0) + 1);
      return;
    }
    this.issues.push(issue(code, this.ctx.file, line, text, expected, severity));
  }

  header(): void {
    const size = this.src.size;
    if (size < 8 || this.src.bytes(0, 8).toString('latin1') !== JOURNAL_MAGIC) this.fail('not-a-journal', 'not a systemd journal file (no LPKSHHRH signature)');
    if (size < MIN_HEADER) this.fail('truncated-journal', `a systemd journal file cut short inside its header (${size} bytes of at least ${MIN_HEADER})`);
    const h = this.src.bytes(0, MIN_HEADER);
    const incompatible = h.readUInt32LE(12);
    const state = h[16]!;
    const headerSize = u64(h, 88);
    const arena = u64(h, 96);
    if (headerSize == null || headerSize < MIN_HEADER || headerSize > size || headerSize % 8 !== 0) {
      this.fail('bad-journal-header', `a systemd journal file whose header_size (${h.readBigUInt64LE(88)}) is not a size between ${MIN_HEADER} and the file's ${size} bytes`);
    }
    if (incompatible & ~INCOMPATIBLE_KNOWN) {
      this.fail('unsupported-journal', `a systemd journal file with incompatible flags 0x${(incompatible & ~INCOMPATIBLE_KNOWN).toString(16)} this reader does not know (it knows xz, lz4, zstd, keyed-hash, compact): read it with a newer journalctl (journalctl --file F -o export)`);
    }
    this.compact = (incompatible & INCOMPATIBLE_COMPACT) !== 0;
    this.headerSize = headerSize;
    const declared = arena == null ? Infinity : headerSize + arena;
    this.end = Math.min(size, declared);
    if (declared !== Infinity && size < declared) {
      this.cut = true;
      this.problem('truncated-journal', `file of ${size} bytes, its header says ${declared}`,
        'the whole journal file: it was cut short (copied while written, or a partial transfer); every whole entry before the cut is kept', 'error');
    }
    this.tailObject = u64(h, 136) ?? 0;
    this.entryArray = u64(h, 176) ?? 0;
    if (state !== 0 && state !== 2) {
      this.problem('journal-online', `state ${STATE_NAMES[state] ?? state}`,
        'an offline or archived journal: this one was open for writing when it was copied (entries not yet linked are recovered by scanning)');
    }
  }

  /** An object's header at `off`, checked: its flags (size in objectSize), or what is wrong. */
  private object(off: number, type: number, minSize: number, maxSize: number): number | string {
    if (off % 8 !== 0 || off < this.headerSize) return `offset ${off} is not an object offset`;
    if (off + 16 > this.end) return `offset ${off} is past the end of the readable file (${this.end} bytes)`;
    const h = this.src.view(off, 16);
    const r = off - this.src.viewBase;
    const size = u64(h, r + 8);
    if (h[r] !== type) return `object at offset ${off} has type ${h[r]}, not ${type}`;
    if (size == null || size < minSize || size > maxSize) return `object at offset ${off} has a size of ${h.readBigUInt64LE(r + 8)} bytes`;
    if (off + size > this.end) return `object at offset ${off} (${size} bytes) runs past the end of the readable file (${this.end} bytes)`;
    this.objectSize = size;
    return h[r + 1]!;
  }

  private item(off: number): Item {
    const hit = this.cache.get(off);
    if (hit) return hit;
    const it = this.readItem(off);
    if (this.cache.size >= DATA_CACHE) this.cache.clear();
    this.cache.set(off, it);
    return it;
  }

  private readItem(off: number): Item {
    const head = this.compact ? 72 : 64;
    const o = this.object(off, OBJECT_DATA, head, head + MAX_PAYLOAD);
    const bad = (code: string, expected: string, dropsEntry = false): Item => ({ key: null, value: '', lines: 0, problem: { code, expected, dropsEntry } });
    if (typeof o === 'string') {
      // A payload above the cap is not read at all: the entry is dropped as the export parser drops it.
      const h = off % 8 === 0 && off >= this.headerSize && off + 16 <= this.end ? this.src.bytes(off, 16) : null;
      if (h && h[0] === OBJECT_DATA && (u64(h, 8) ?? Infinity) > head + MAX_PAYLOAD) {
        return bad('field-too-large', `a journal field of at most ${MAX_EXPORT_FIELD} bytes (DATA at offset ${off} is ${h.readBigUInt64LE(8)} bytes); entry dropped`, true);
      }
      return bad('bad-data-object', `a DATA object (${o}); the field is left out`);
    }
    const size = this.objectSize;
    const raw = this.src.bytes(off + head, size - head);
    const c = o & (COMPRESSED_XZ | COMPRESSED_LZ4 | COMPRESSED_ZSTD);
    let payload: Buffer;
    if (c === 0) payload = raw;
    else {
      const p = c === COMPRESSED_ZSTD ? zstdPayload(raw) : c === COMPRESSED_LZ4 ? lz4Payload(raw) : c === COMPRESSED_XZ ? xzPayload(raw)
        : { error: `more than one compression flag (0x${o.toString(16)})` };
      if ('tooLarge' in p) return bad('field-too-large', `a journal field of at most ${MAX_EXPORT_FIELD} bytes (DATA at offset ${off} decompresses to more); entry dropped`, true);
      if ('error' in p) return bad('bad-data-object', `a readable DATA object at offset ${off} (${p.error}); the field is left out`);
      payload = p.bytes;
    }
    let eq = -1;
    for (let i = 0, lim = Math.min(payload.length, 65); i < lim; i++) {
      if (payload[i] === 61) {
        eq = i;
        break;
      }
    }
    if (eq < 0 || !validFieldName(payload, eq)) {
      return bad('bad-field', `FIELD=value in the DATA object at offset ${off} (found ${JSON.stringify(payload.toString('latin1', 0, Math.min(payload.length, 40)))}); the field is left out`);
    }
    // journalctl prints the entry's boot ID from the entry header and skips the item.
    if (eq === 8 && payload.toString('latin1', 0, 8) === '_BOOT_ID') return { key: null, value: '', lines: 0 };
    const name = payload.toString('latin1', 0, eq);
    const key = JOURNAL_FIELDS.has(name) ? name : null;
    if (printableForExport(payload)) {
      if (payload.length > MAX_LINE) {
        return { key: null, value: '', lines: 1, problem: { code: 'line-too-long', expected: `a field line shorter than ${MAX_LINE} bytes (${name} at offset ${off})`, dropsEntry: false } };
      }
      return { key, value: key ? decode(payload, eq + 1) : '', lines: 1 };
    }
    // Binary: NAME, newline, the value's length as a little-endian u64, the value, newline.
    const vlen = payload.length - eq - 1;
    if (vlen > MAX_EXPORT_FIELD) return bad('field-too-large', `a binary field of at most ${MAX_EXPORT_FIELD} bytes (${name} has ${vlen}); entry dropped`, true);
    let lines = 2 + countNewlines(payload, eq + 1);
    for (let k = 0, v = vlen; k < 8; k++, v = Math.floor(v / 256)) if (v % 256 === 10) lines++;
    return { key, value: key ? utf8.decode(payload.subarray(eq + 1)) : '', lines };
  }

  /** One ENTRY object → its row (or null: dropped, or no MESSAGE); advances the export line count. */
  private entry(off: number, size: number): LogEventRow | null {
    const e = this.src.view(off, size);
    const r = off - this.src.viewBase;
    const n = this.compact ? Math.floor((size - 64) / 4) : Math.floor((size - 64) / 16);
    const fields = new Map<string, string>();
    fields.set('__REALTIME_TIMESTAMP', u64Decimal(e, r + 24));
    fields.set('__MONOTONIC_TIMESTAMP', u64Decimal(e, r + 32));
    fields.set('_BOOT_ID', e.toString('hex', r + 40, r + 56));
    const line = this.lineNo;
    let lines = HEADER_LINES + 1;
    let dropped: string | null = null;
    for (let i = 0; i < n; i++) {
      const p = this.compact ? e.readUInt32LE(r + 64 + i * 4) : u64(e, r + 64 + i * 16);
      const it = p == null ? { key: null, value: '', lines: 0, problem: { code: 'bad-data-object', expected: 'a DATA offset within the file', dropsEntry: false } } : this.item(p);
      lines += it.lines;
      if (it.problem) {
        this.problem(it.problem.code, `entry at line ${line} (offset ${off}), item ${i}`, it.problem.expected);
        if (it.problem.dropsEntry) dropped = it.problem.code;
        continue;
      }
      if (it.key !== null && !fields.has(it.key)) fields.set(it.key, it.value);
    }
    this.lineNo += lines;
    this.entriesRead++;
    if (dropped) {
      this.entriesSkipped++;
      return null;
    }
    const row = journalEntryToRow(fields, this.ctx, line, (code, expected) => {
      this.problem(code, `entry at line ${line} (offset ${off})`, expected, 'warning', line);
    });
    if (!row) this.entriesSkipped++;
    return row;
  }

  /** The rows, in batches: entries of the entry array chain, then unlinked whole entries after them. */
  *batches(): Generator<LogEventRow[]> {
    let rows: LogEventRow[] = [];
    const push = function* (row: LogEventRow | null) {
      if (row) rows.push(row);
      if (rows.length >= BATCH) {
        yield rows;
        rows = [];
      }
    };
    const itemSize = this.compact ? 4 : 8;
    let stop: Stop | null = null;
    let arr = this.entryArray;
    chain: while (arr !== 0) {
      const o = this.object(arr, OBJECT_ENTRY_ARRAY, 24, Number.MAX_SAFE_INTEGER);
      if (typeof o === 'string') {
        stop = { offset: arr, what: `entry array: ${o}` };
        break;
      }
      const count = Math.floor((this.objectSize - 24) / itemSize);
      // Read in slices: an entry array of a large file holds millions of offsets.
      for (let i = 0; i < count; i += 4096) {
        const k = Math.min(count - i, 4096);
        const slice = Buffer.from(this.src.bytes(arr + 24 + i * itemSize, k * itemSize));
        for (let j = 0; j < k; j++) {
          const p = this.compact ? slice.readUInt32LE(j * 4) : u64(slice, j * 8);
          if (p === 0) break chain; // the unused tail of the last array
          if (p == null || p <= this.lastEntry) {
            this.problem('bad-entry-array', `entry array at offset ${arr}, item ${i + j}`, `entry offsets in increasing order (found ${p ?? 'a value above 2^53'} after ${this.lastEntry}); item skipped`);
            continue;
          }
          const e = this.object(p, OBJECT_ENTRY, 64, MAX_ENTRY_OBJECT);
          if (typeof e === 'string') {
            stop = { offset: p, what: `entry: ${e}` };
            break chain;
          }
          const size = this.objectSize;
          yield* push(this.entry(p, size));
          this.lastEntry = p;
          this.lastEntryEnd = p + align8(size);
        }
      }
      const next = u64(this.src.bytes(arr + 16, 8), 0);
      if (next !== 0 && (next == null || next <= arr)) {
        stop = { offset: arr, what: `entry array whose next array (${next ?? 'above 2^53'}) is not further on` };
        break;
      }
      arr = next ?? 0;
    }
    // Objects after the last linked entry: whole entries the writer had not linked (a file copied
    // while written) or whose entry array lies beyond a cut.
    let pos = this.lastEntryEnd || this.headerSize;
    let recovered = 0;
    const firstRecovered = this.lineNo;
    while (pos + 16 <= this.end) {
      const h = this.src.bytes(pos, 16);
      const size = u64(h, 8);
      if (h[0] === 0 || h[0]! >= OBJECT_TYPE_MAX + 1 || size == null || size < 16 || pos + size > this.end) break;
      if (h[0] === OBJECT_ENTRY && size >= 64 && size <= MAX_ENTRY_OBJECT && pos > this.lastEntry) {
        yield* push(this.entry(pos, size));
        this.lastEntry = pos;
        recovered++;
      }
      pos += align8(size);
    }
    if (recovered > 0) {
      this.problem('unlinked-entries', `${recovered} entries from line ${firstRecovered}`,
        'entries linked into the entry array (journalctl shows only those): these whole entries after the last linked one were kept');
    }
    const cutShort = this.cut;
    if (stop) {
      this.problem('journal-stopped', `offset ${stop.offset}: ${stop.what}`,
        `a readable entry array chain; read ${this.entriesRead} entries, then whole entries by scanning objects up to offset ${pos}`, 'error');
    } else if (pos < this.tailObject && pos + 16 <= this.src.size) {
      this.problem('journal-stopped', `offset ${pos}: no whole object there (the header's last object is at offset ${this.tailObject})`,
        `objects up to the last one; read ${this.entriesRead} entries, up to offset ${pos}`, cutShort ? 'error' : 'warning');
    } else if (cutShort) {
      this.problem('journal-stopped', `offset ${pos}: end of the cut file`, `the rest of the file; read ${this.entriesRead} entries`, 'error');
    }
    if (this.unlisted.size) {
      const n = [...this.unlisted.values()].reduce((a, b) => a + b, 0);
      this.problem('more-issues', `${n} more: ${[...this.unlisted].map(([c, k]) => `${c} ×${k}`).join(', ')}`,
        `the first ${MAX_ISSUES} issues of this journal are listed`);
    }
    if (rows.length) yield rows;
  }
}

/**
 * Chunk parser face of the reader: bytes come in (a whole buffer from an archive member, or a
 * stream kept in memory up to SPILL_BYTES and beyond that in an unlinked temporary file), and
 * after end() each drain() returns the next batch of rows.
 */
class JournalBinaryParser implements ChunkParser<LogEventRow> {
  readonly issues: Issue[] = [];
  linesRead = 0;
  linesSkipped = 0;
  private chunks: Buffer[] = [];
  private kept = 0;
  private fd: number | null = null;
  private written = 0;
  private reader: JournalFileReader | null = null;
  private it: Iterator<LogEventRow[]> | null = null;
  private src: ByteSource | null = null;

  constructor(private readonly ctx: ParseContext, private readonly spillBytes: number) {}

  chunk(c: Uint8Array): void {
    if (c.length === 0) return;
    const b = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    if (this.fd == null && (this.chunks.length === 0 || this.kept + b.length <= this.spillBytes)) {
      this.chunks.push(b);
      this.kept += b.length;
      return;
    }
    if (this.fd == null) {
      const dir = mkdtempSync(join(tmpdir(), 'bundlescope-journal-'));
      const file = join(dir, 'journal');
      this.fd = openSync(file, 'w+', 0o600);
      // Gone from the directory at once: the space is freed when the descriptor closes, whatever happens.
      unlinkSync(file);
      rmdirSync(dir);
      for (const k of this.chunks) this.write(k);
      this.chunks = [];
      this.kept = 0;
    }
    this.write(b);
  }

  private write(b: Buffer): void {
    for (let o = 0; o < b.length;) o += writeSync(this.fd!, b, o, b.length - o, this.written + o);
    this.written += b.length;
  }

  end(): void {
    if (this.fd != null) this.src = new FileSource(this.fd, this.written);
    else this.src = this.chunks.length === 1 ? new BufferSource(this.chunks[0]!) : new ChunksSource(this.chunks);
    this.chunks = [];
    this.reader = new JournalFileReader(this.src, this.ctx);
    try {
      this.reader.header();
    } catch (e) {
      this.close();
      throw e;
    }
    this.it = this.reader.batches();
  }

  drain(): LogEventRow[] {
    if (!this.it) return [];
    let r: IteratorResult<LogEventRow[]>;
    try {
      r = this.it.next();
    } catch (e) {
      this.close();
      throw e;
    } finally {
      this.sync();
    }
    if (r.done) {
      this.close();
      return [];
    }
    return r.value;
  }

  private sync(): void {
    const rd = this.reader!;
    this.linesRead = rd.entriesRead;
    this.linesSkipped = rd.entriesSkipped;
    if (rd.issues.length > this.issues.length) this.issues.push(...rd.issues.slice(this.issues.length));
  }

  private close(): void {
    this.it = null;
    this.src?.close();
    this.src = null;
  }
}

/** Parser for binary journal files (see the module comment). */
export function createJournalBinaryParser(ctx: ParseContext, opts: { spillBytes?: number } = {}): ChunkParser<LogEventRow> {
  return new JournalBinaryParser(ctx, opts.spillBytes ?? SPILL_BYTES);
}

/** Rows of a journal file held in memory, all at once (tests, notebooks). */
export function readJournalBuffer(buf: Buffer, ctx: ParseContext): { rows: LogEventRow[]; issues: Issue[]; entriesRead: number; entriesSkipped: number } {
  const r = new JournalFileReader(new BufferSource(buf), ctx);
  r.header();
  const rows: LogEventRow[] = [];
  for (const b of r.batches()) rows.push(...b);
  return { rows, issues: r.issues, entriesRead: r.entriesRead, entriesSkipped: r.entriesSkipped };
}
