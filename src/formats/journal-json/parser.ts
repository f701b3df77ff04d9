/**
 * `journalctl -o json` (one object per line), `-o json-seq` (each object after an RS byte) and
 * `-o json-pretty` (objects spread over lines, `{` and `}` alone on theirs):
 *
 *   {"__CURSOR":"s=…;i=15c","__REALTIME_TIMESTAMP":"1773061331204511","__MONOTONIC_TIMESTAMP":"8123457012","_BOOT_ID":"6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b","_HOSTNAME":"web01","_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel","PRIORITY":"4","_SOURCE_MONOTONIC_TIMESTAMP":"8123456789","MESSAGE":"TCP: time wait bucket table overflow"}
 *   {"__REALTIME_TIMESTAMP":"1773061332000000","_TRANSPORT":"stdout","SYSLOG_IDENTIFIER":"app","_PID":"812","_SYSTEMD_UNIT":"app.service","PRIORITY":"6","MESSAGE":[98,97,100,32,255]}
 *   {"__REALTIME_TIMESTAMP":"1773061333000000","MESSAGE":["first","second"]}
 *
 * Values are strings; a value that is not printable UTF-8 is an array of byte numbers (decoded
 * as UTF-8 with U+FFFD for bad bytes); a field present more than once is an array of values, of
 * which the first is used (what `journalctl -o short` and sd_journal_get_data show); `null` is a
 * value above journalctl's size threshold and counts as absent.
 */
import type { LineParser, LogEventRow, ParseContext } from '../../model.js';
import { BaseLineParser, issue, MAX_LINE } from '../kit/lines.js';

/** Journal fields that feed a LogEventRow; every other field is ignored. */
export const JOURNAL_FIELDS: ReadonlySet<string> = new Set([
  'MESSAGE', '__REALTIME_TIMESTAMP', '__MONOTONIC_TIMESTAMP', '_SOURCE_MONOTONIC_TIMESTAMP', '_BOOT_ID',
  '_HOSTNAME', 'SYSLOG_IDENTIFIER', '_COMM', '_PID', 'SYSLOG_PID', '_SYSTEMD_UNIT', 'PRIORITY',
  'SYSLOG_FACILITY', '_TRANSPORT',
]);

/**
 * The fields journalEntryToRow reads as numbers (`uint`: 1–17 ASCII digits), each with the largest
 * value it takes; the SQL load paths read them by the same table (row-sql.ts, journal-export's stage).
 */
export const JOURNAL_NUMBERS: Readonly<Record<string, number>> = {
  __MONOTONIC_TIMESTAMP: Number.MAX_SAFE_INTEGER, _SOURCE_MONOTONIC_TIMESTAMP: Number.MAX_SAFE_INTEGER,
  _PID: 0x7fffffff, SYSLOG_PID: 0x7fffffff, PRIORITY: 7, SYSLOG_FACILITY: 127,
};

function uint(v: string | undefined, max = Number.MAX_SAFE_INTEGER): number | null {
  if (v === undefined || v.length === 0 || v.length > 17) return null;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = Number(v);
  return n <= max ? n : null;
}

/**
 * One journal entry (its decoded fields, first occurrence of each) → row, the same for every
 * journal output format. `problem` receives the code of anything unusable; a null return means
 * the entry has no MESSAGE and was not turned into a row.
 *
 * ts = __REALTIME_TIMESTAMP (UTC µs, `exact`); mono_us = _SOURCE_MONOTONIC_TIMESTAMP when present
 * (kernel entries: the printk time, = dmesg seconds × 10⁶), else __MONOTONIC_TIMESTAMP; host =
 * ctx.host when set (it overrides _HOSTNAME), else _HOSTNAME; ident = SYSLOG_IDENTIFIER, else
 * _COMM; pid = _PID, else SYSLOG_PID (null for kernel entries).
 */
export function journalEntryToRow(
  fields: ReadonlyMap<string, string>, ctx: ParseContext, lineNo: number,
  problem: (code: string, expected: string) => void,
): LogEventRow | null {
  const raw = fields.get('MESSAGE');
  if (raw === undefined) {
    problem('no-message', 'a journal entry with a MESSAGE field');
    return null;
  }
  const message = raw.indexOf('\0') >= 0 ? raw.replace(/\0/g, '') : raw;
  let ts: number | null = null;
  const realtime = fields.get('__REALTIME_TIMESTAMP');
  if (realtime !== undefined) {
    ts = uint(realtime);
    if (ts == null) problem('bad-timestamp', '__REALTIME_TIMESTAMP as decimal microseconds since the epoch');
  }
  const transport = fields.get('_TRANSPORT') ?? null;
  const num = (f: string) => uint(fields.get(f), JOURNAL_NUMBERS[f]);
  const mono = num('_SOURCE_MONOTONIC_TIMESTAMP') ?? num('__MONOTONIC_TIMESTAMP');
  const priority = num('PRIORITY');
  const facility = num('SYSLOG_FACILITY');
  const pid = transport === 'kernel' ? null : num('_PID') ?? num('SYSLOG_PID');
  return {
    host: ctx.host ?? fields.get('_HOSTNAME') ?? null,
    ts,
    ts_quality: ts == null ? null : 'exact',
    boot_id: fields.get('_BOOT_ID') ?? null,
    mono_us: mono,
    ident: fields.get('SYSLOG_IDENTIFIER') ?? fields.get('_COMM') ?? null,
    pid,
    unit: fields.get('_SYSTEMD_UNIT') ?? null,
    priority,
    facility,
    transport,
    message,
    line_no: lineNo,
  };
}

const utf8 = new TextDecoder('utf-8');

/**
 * How deep a journal entry may nest. journalctl writes depth 2 (the object, a field's array of
 * values or bytes); a line nested deeper is not journalctl's and is refused before JSON.parse, so
 * that no step on it recurses per level (400,000 nested arrays overflowed the stack and lost the
 * whole file).
 */
export const MAX_JSON_DEPTH = 64;

/** True when the JSON text nests arrays/objects deeper than `max` (strings skipped; one pass, no recursion). */
export function jsonDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  // Fewer openers than the cap cannot nest past it: the common case costs two indexOf scans.
  let openers = 0;
  for (let i = text.indexOf('['); i >= 0 && openers <= max; i = text.indexOf('[', i + 1)) openers++;
  for (let i = text.indexOf('{'); i >= 0 && openers <= max; i = text.indexOf('{', i + 1)) openers++;
  if (openers <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote (a backslash escapes the next character)
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** A json value of journalctl → string, or undefined when absent/unusable. */
function decodeValue(value: unknown): string | undefined {
  let v = value;
  // A repeated field: the first value (a loop: nesting is capped, but need not cost stack).
  while (Array.isArray(v) && v.length > 0 && typeof v[0] !== 'number') v = v[0];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (!Array.isArray(v) || v.length === 0) return undefined;
  // Bytes of a value that is not valid printable UTF-8.
  const bytes = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (typeof b !== 'number') return undefined;
    bytes[i] = b;
  }
  return utf8.decode(bytes);
}

class JournalJsonParser extends BaseLineParser<LogEventRow> {
  /** Lines of a json-pretty object being collected, and where it started. */
  private pretty: string[] | null = null;
  private prettyStart = 0;
  private prettySize = 0;

  constructor(private readonly ctx: ParseContext) {
    super(ctx.file);
  }

  line(raw: string, lineNo: number): void {
    this.linesRead++;
    if (this.pretty) {
      this.prettySize += raw.length;
      if (this.prettySize > MAX_LINE) {
        this.pretty = null;
        this.skip('line-too-long', this.prettyStart, raw, `a journal entry shorter than ${MAX_LINE} characters`);
        return;
      }
      this.pretty.push(raw);
      if (raw === '}') {
        const text = this.pretty.join('\n');
        this.pretty = null;
        this.entry(text, this.prettyStart);
      }
      return;
    }
    if (this.tooLong(raw, lineNo)) return;
    let text = raw;
    if (text.charCodeAt(0) === 0x1e) text = text.slice(1); // json-seq record separator
    text = text.trim();
    if (text === '') return;
    if (text === '{') {
      this.pretty = [text];
      this.prettyStart = lineNo;
      this.prettySize = 1;
      return;
    }
    this.entry(text, lineNo);
  }

  private entry(text: string, lineNo: number): void {
    if (jsonDeeperThan(text)) {
      this.skip('json-too-deep', lineNo, text, `a journal entry nested at most ${MAX_JSON_DEPTH} levels deep (journalctl writes 2)`);
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      obj = undefined;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      this.skip('bad-json', lineNo, text, 'one JSON object per line (journalctl -o json)');
      return;
    }
    const fields = new Map<string, string>();
    for (const key of JOURNAL_FIELDS) {
      const v = decodeValue((obj as Record<string, unknown>)[key]);
      if (v !== undefined) fields.set(key, v);
    }
    const row = journalEntryToRow(fields, this.ctx, lineNo, (code, expected) => {
      this.issues.push(issue(code, this.file, lineNo, text, expected));
    });
    if (row) this.rows.push(row);
    else this.linesSkipped++;
  }

  override end(): void {
    if (this.pretty) {
      this.skip('bad-json', this.prettyStart, this.pretty.join('\n'), 'a json-pretty object closed by a line with }');
      this.pretty = null;
    }
  }
}

/** Parser for `journalctl -o json` / `json-seq` / `json-pretty` output. */
export function createJournalJsonParser(ctx: ParseContext): LineParser<LogEventRow> {
  return new JournalJsonParser(ctx);
}

/** True when the text starts with a journal JSON object (json, json-seq or json-pretty). */
export function looksLikeJournalJson(head: string): boolean {
  const start = head.search(/\S/);
  if (start < 0) return false;
  let s = head.slice(start, start + 8192);
  if (s.charCodeAt(0) === 0x1e) s = s.slice(1);
  if (!s.startsWith('{')) return false;
  return /"(?:__CURSOR|__REALTIME_TIMESTAMP|__MONOTONIC_TIMESTAMP|_BOOT_ID)"\s*:/.test(s);
}
