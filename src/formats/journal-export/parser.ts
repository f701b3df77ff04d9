/**
 * Journal Export Format (`journalctl -o export`, systemd docs/JOURNAL_EXPORT_FORMATS.md):
 *
 *   __CURSOR=s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece7;b=6c7c6013a8674e03a9a1d0b5a8e7bd4e;m=…
 *   __REALTIME_TIMESTAMP=1773061331204511
 *   _TRANSPORT=kernel
 *   MESSAGE=TCP: time wait bucket table overflow
 *   <empty line ends the entry>
 *   MESSAGE\n <64-bit little-endian length> <that many raw bytes> \n   (binary field)
 *
 * Read as a byte stream: chunks may split anywhere, even inside a length. A length is never
 * trusted for allocation: data is collected as it arrives, and a field above 64 MiB is dropped
 * with its entry (`field-too-large`, then resync at the next empty line). A length running past
 * the end of input is `truncated-field`; the entries before it are kept. Field names must be
 * valid journal field names (A-Z, 0-9, _; not starting with a digit; at most 64 bytes): a line
 * that is not (e.g. a short-format log line spliced into the file) is a `bad-field` issue and is
 * never taken for the name of a binary field. Rows are those of journal-json (same mapping);
 * line_no is the line where the entry starts; linesRead counts entries.
 */
import type { ChunkParser, Issue, LogEventRow, ParseContext } from '../../model.js';
import { JOURNAL_FIELDS, journalEntryToRow } from '../journal-json/parser.js';
import { issue, MAX_LINE } from '../kit/lines.js';
import type { ExportStage } from './stage.js';

/** Largest binary field value accepted (coredumps aside, journal fields are far smaller). */
export const MAX_EXPORT_FIELD = 64 * 1024 * 1024;

type State = 'line' | 'length' | 'data' | 'data-end' | 'discard-line' | 'resync';

const utf8 = new TextDecoder('utf-8');
const EMPTY = Buffer.alloc(0);

/** Bytes → string: ASCII (most journal values) natively, anything else through TextDecoder. */
function text(b: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (b[i]! >= 0x80) return utf8.decode(b.subarray(start, end));
  }
  return b.toString('latin1', start, end);
}

/** The kept fields (JOURNAL_FIELDS) by the hash of their name (fieldLine's), with their place in that set. */
const FIELD_INDEX = new Map([...JOURNAL_FIELDS].map((f, i) => [f, i]));
interface Wanted { name: string; index: number; bytes: Buffer }
const WANTED_BY_HASH = new Map<number, Wanted[]>();
for (const name of JOURNAL_FIELDS) {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  const list = WANTED_BY_HASH.get(h) ?? [];
  list.push({ name, index: FIELD_INDEX.get(name)!, bytes: Buffer.from(name, 'latin1') });
  WANTED_BY_HASH.set(h, list);
}

/** The kept field named by bytes start..end of b (their hash `h`), or null: no string is made for other fields. */
function wanted(h: number, b: Buffer, start: number, end: number): Wanted | null {
  const candidates = WANTED_BY_HASH.get(h);
  if (!candidates) return null;
  next: for (const c of candidates) {
    if (c.bytes.length !== end - start) continue;
    for (let i = 0; i < c.bytes.length; i++) if (b[start + i] !== c.bytes[i]) continue next;
    return c;
  }
  return null;
}

function countNewlines(b: Uint8Array, start: number, end: number): number {
  const s = b.subarray(start, end);
  let n = 0;
  for (let i = s.indexOf(10); i >= 0; i = s.indexOf(10, i + 1)) n++;
  return n;
}

class JournalExportParser implements ChunkParser<LogEventRow> {
  readonly issues: Issue[] = [];
  linesRead = 0;
  linesSkipped = 0;
  private rows: LogEventRow[] = [];
  private buf: Buffer = EMPTY;
  private pos = 0;
  private state: State = 'line';
  /** Physical line number of the byte at `pos`. */
  private lineNo = 1;
  // The entry being read.
  private fields = new Map<string, string>();
  private entryOpen = false;
  private entryLine = 0;
  private entryDropped = false;
  // The binary field being read.
  private binKey = '';
  private binLine = 0;
  private binNeed = 0;
  private binHave = 0;
  private binKeep = false;
  private binParts: Uint8Array[] = [];
  /** In resync: the last byte seen was a newline. */
  private afterNewline = false;

  /**
   * `stage`: the entries' kept fields go there as bytes (stage.ts, the SQL path) instead of
   * becoming strings; only the entries the stage cannot take become rows here.
   */
  constructor(private readonly ctx: ParseContext, private readonly stage: ExportStage | null = null) {}

  chunk(c: Uint8Array): void {
    if (c.length === 0) return;
    const view = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    this.buf = this.pos >= this.buf.length ? view : Buffer.concat([this.buf.subarray(this.pos), view]);
    this.pos = 0;
    this.stage?.look(this.buf);
    this.run();
  }

  private run(): void {
    const b = this.buf;
    const n = b.length;
    while (this.pos < n) {
      switch (this.state) {
        case 'line': {
          const nl = b.indexOf(10, this.pos);
          if (nl < 0) {
            if (n - this.pos > MAX_LINE) {
              this.problem('line-too-long', this.lineNo, b, this.pos, n, `a field line shorter than ${MAX_LINE} bytes`);
              this.state = 'discard-line';
              this.pos = n;
            }
            return;
          }
          const start = this.pos;
          this.pos = nl + 1;
          this.fieldLine(b, start, nl);
          this.lineNo++;
          break;
        }
        case 'length': {
          if (n - this.pos < 8) return;
          const p = this.pos;
          const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
          const hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
          this.lineNo += countNewlines(b, p, p + 8);
          this.pos = p + 8;
          if (hi !== 0 || lo > MAX_EXPORT_FIELD) {
            const size = hi * 2 ** 32 + lo;
            this.problem('field-too-large', this.binLine, null, 0, 0,
              `a binary field of at most ${MAX_EXPORT_FIELD} bytes (${this.binKey} declares ${size}); entry dropped`);
            this.dropEntry();
            this.state = 'resync';
            this.afterNewline = false;
            break;
          }
          this.binNeed = lo;
          this.binHave = 0;
          this.binParts = [];
          this.binKeep = this.stage ? this.stage.wants(this.binKey) : JOURNAL_FIELDS.has(this.binKey) && !this.fields.has(this.binKey);
          this.state = lo === 0 ? 'data-end' : 'data';
          break;
        }
        case 'data': {
          const take = Math.min(this.binNeed - this.binHave, n - this.pos);
          const end = this.pos + take;
          if (this.binKeep) this.binParts.push(b.slice(this.pos, end));
          this.lineNo += countNewlines(b, this.pos, end);
          this.pos = end;
          this.binHave += take;
          if (this.binHave === this.binNeed) this.state = 'data-end';
          break;
        }
        case 'data-end': {
          this.storeBinary();
          this.state = 'line';
          if (b[this.pos] === 10) {
            this.pos++;
            this.lineNo++;
          } else {
            this.problem('bad-field', this.lineNo, null, 0, 0,
              `a newline after the ${this.binNeed} bytes of binary field ${this.binKey}`);
          }
          break;
        }
        case 'discard-line': {
          const nl = b.indexOf(10, this.pos);
          if (nl < 0) {
            this.pos = n;
            return;
          }
          this.pos = nl + 1;
          this.lineNo++;
          this.state = 'line';
          break;
        }
        case 'resync': {
          // Skip to the next empty line: the next entry starts after it.
          if (this.afterNewline && b[this.pos] === 10) {
            this.pos++;
            this.lineNo++;
            this.state = 'line';
            break;
          }
          const nl = b.indexOf(10, this.pos);
          if (nl < 0) {
            this.pos = n;
            this.afterNewline = false;
            return;
          }
          this.pos = nl + 1;
          this.lineNo++;
          this.afterNewline = true;
          break;
        }
      }
    }
  }

  /** A `KEY=value` line, the `KEY` line of a binary field, or the empty line ending an entry. */
  private fieldLine(b: Buffer, start: number, end: number): void {
    if (start === end) {
      this.endEntry();
      return;
    }
    // Field names are at most 64 bytes: look for '=' no further (binary data may follow). The same
    // pass checks the name's characters and hashes it (the kept fields are found by that hash).
    let eq = -1;
    let ok = true;
    let h = 0;
    for (let i = start, lim = Math.min(end, start + 65); i < lim; i++) {
      const c = b[i]!;
      if (c === 61) {
        eq = i;
        break;
      }
      if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) ok = false;
      h = (Math.imul(h, 31) + c) | 0;
    }
    const keyEnd = eq < 0 ? end : eq;
    const n = keyEnd - start;
    if (!ok || n < 1 || n > 64 || (b[start]! >= 48 && b[start]! <= 57)) {
      this.problem('bad-field', this.lineNo, b, start, end, 'KEY=value or a binary field name (A-Z, 0-9, _)');
      return;
    }
    if (!this.entryOpen) {
      this.entryOpen = true;
      this.entryLine = this.lineNo;
    }
    if (eq < 0) {
      this.binKey = b.toString('latin1', start, keyEnd);
      this.binLine = this.lineNo;
      this.state = 'length';
      return;
    }
    const w = wanted(h, b, start, keyEnd);
    if (w === null) return;
    if (this.stage) this.stage.text(w.index, b, eq + 1, end);
    else if (!this.fields.has(w.name)) this.fields.set(w.name, text(b, eq + 1, end));
  }

  private storeBinary(): void {
    if (!this.binKeep) return;
    const parts = this.binParts;
    let bytes: Uint8Array;
    if (parts.length === 1) bytes = parts[0]!;
    else {
      bytes = new Uint8Array(this.binNeed);
      let o = 0;
      for (const p of parts) {
        bytes.set(p, o);
        o += p.length;
      }
    }
    this.binParts = [];
    if (this.stage) this.stage.binary(FIELD_INDEX.get(this.binKey)!, bytes);
    else this.fields.set(this.binKey, utf8.decode(bytes));
  }

  private dropEntry(): void {
    this.entryDropped = true;
    this.entryOpen = true;
    this.endEntry();
  }

  private endEntry(): void {
    if (!this.entryOpen) return;
    this.linesRead++;
    if (this.entryDropped) this.linesSkipped++;
    else if (this.stage?.endEntry(this.entryLine)) {
      // (staged: the SQL makes its row)
    } else {
      const line = this.entryLine;
      if (this.stage) this.fields = this.stage.fields();
      const row = journalEntryToRow(this.fields, this.ctx, line, (code, expected) => {
        this.issues.push(issue(code, this.ctx.file, line, this.fields.get('__CURSOR') ?? `entry at line ${line}`, expected));
      });
      if (row) this.rows.push(row);
      else this.linesSkipped++;
    }
    this.fields = new Map();
    this.stage?.reset();
    this.entryOpen = false;
    this.entryDropped = false;
  }

  private problem(code: string, line: number, b: Uint8Array | null, start: number, end: number, expected: string): void {
    // Without bytes the problem is about the binary field being read: name it.
    const text = b ? utf8.decode(b.subarray(start, Math.min(end, start + 200))) : this.binKey;
    this.issues.push(issue(code, this.ctx.file, line, text, expected));
  }

  end(): void {
    const b = this.buf;
    switch (this.state) {
      case 'line':
        if (this.pos < b.length) {
          // A last line without its newline.
          const start = this.pos;
          this.pos = b.length;
          this.fieldLine(b, start, b.length);
          if (this.state !== 'line') {
            this.problem('truncated-field', this.binLine, null, 0, 0, `the length and data of binary field ${this.binKey}`);
            this.entryDropped = true;
          }
        }
        break;
      case 'length':
      case 'data':
        this.problem('truncated-field', this.binLine, null, 0, 0,
          `${this.state === 'length' ? 'the 8-byte length' : `${this.binNeed} bytes`} of binary field ${this.binKey} before the end of input`);
        this.entryDropped = true;
        break;
      case 'data-end':
        this.storeBinary(); // only the final newline is missing
        break;
      default:
        break;
    }
    this.state = 'line';
    this.buf = EMPTY;
    this.pos = 0;
    this.endEntry();
  }

  drain(): LogEventRow[] {
    const r = this.rows;
    this.rows = [];
    return r;
  }
}

/** Parser for the Journal Export Format (a byte stream; see the module comment). */
export function createJournalExportParser(ctx: ParseContext, stage: ExportStage | null = null): ChunkParser<LogEventRow> {
  return new JournalExportParser(ctx, stage);
}

/** Bytes → string as the parser decodes a text field (for the stage's entries that become rows here). */
export { text as exportFieldText };

const EXPORT_KEY = /^(?:__CURSOR|__REALTIME_TIMESTAMP|__MONOTONIC_TIMESTAMP|__SEQNUM|__SEQNUM_ID|_BOOT_ID|_TRANSPORT|_HOSTNAME|_MACHINE_ID|MESSAGE|PRIORITY|SYSLOG_IDENTIFIER)(?:=|\n[\s\S]{4}\0\0\0\0)/;

/**
 * True when the text (bytes as latin1) starts with journal export fields: `__CURSOR=`,
 * `__REALTIME_TIMESTAMP=`, `MESSAGE=`…, or a well-known binary field (name, newline, a length
 * whose high half is zero). Generic `KEY=value` files (os-release, sysconfig) do not qualify.
 */
export function looksLikeJournalExport(head: string): boolean {
  const s = head.replace(/^\n+/, '');
  const m = EXPORT_KEY.exec(s);
  if (!m) return false;
  if (!m[0].endsWith('=')) return true; // a binary field: name, newline, little-endian length
  // The following lines must be fields too (a short env file may start with MESSAGE= by chance).
  const lines = s.split('\n', 6);
  let fields = 0;
  for (const l of lines.slice(0, 5)) if (/^[A-Z_][A-Z0-9_]*(=|$)/.test(l)) fields++;
  return fields >= Math.min(2, lines.length);
}
