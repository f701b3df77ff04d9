import type { ChunkParser, Issue, LineParser, ParseResult } from '../../model.js';

/**
 * The one line cap of the text formats: a longer line is cut here to its first MAX_LINE + 1
 * characters (so a monster line cannot pin memory) and skipped by its parser as `line-too-long`
 * (BaseLineParser.tooLong). No /proc dump, log or sar line comes near it.
 */
export const MAX_LINE = 1 << 20;

/**
 * Text in, lines out, the same way for tests and production (LineFeeder feeds streams through it,
 * parseText whole strings): lines end at \n, a \r before it is dropped, NUL bytes are removed, a
 * final line without newline counts, a line longer than MAX_LINE is passed on once, cut to
 * MAX_LINE + 1 characters, and its rest dropped. Line numbers count every line, from 1.
 */
export class LineSplitter {
  private carry = '';
  private lineNo = 0;
  /** The rest of a line that was passed on cut is being dropped. */
  private oversized = false;
  constructor(private readonly onLine: (line: string, lineNo: number) => void) {}

  text(s: string): void {
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
      if (this.carry.length > MAX_LINE) {
        // Keep the head of a monster line (its parser reports it) and drop the rest until newline.
        if (!this.oversized) this.emit(this.carry.slice(0, MAX_LINE + 1), true);
        this.oversized = true;
        this.carry = '';
      }
    }
  }

  end(): void {
    if (this.carry) {
      this.emit(this.carry);
      this.carry = '';
    }
  }

  private emit(line: string, partial = false): void {
    if (this.oversized && !partial) {
      // the rest of an oversized line: reported already
      this.oversized = false;
      return;
    }
    if (line.length > MAX_LINE + 1) line = line.slice(0, MAX_LINE + 1);
    if (line.indexOf('\0') >= 0) line = line.replace(/\0/g, '');
    if (line.length && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    this.onLine(line, ++this.lineNo);
  }
}

/** Run a line parser over a whole text (tests, small files): the lines production reads, split the same way. */
export function parseText<R>(parser: LineParser<R>, text: string): ParseResult<R> {
  const split = new LineSplitter((l, n) => parser.line(l, n));
  split.text(text);
  split.end();
  parser.end();
  return { rows: parser.drain(), issues: parser.issues, linesRead: parser.linesRead, linesSkipped: parser.linesSkipped };
}

/** Run a chunk parser over a whole buffer. */
export function parseBytes<R>(parser: ChunkParser<R>, buf: Uint8Array): ParseResult<R> {
  parser.chunk(buf);
  parser.end();
  return { rows: parser.drain(), issues: parser.issues, linesRead: parser.linesRead, linesSkipped: parser.linesSkipped };
}

/** Build an issue; long text is cut to keep the issues table small. */
export function issue(
  code: string, file: string, line: number | null, text: string, expected: string,
  severity: Issue['severity'] = 'warning',
): Issue {
  return { code, file, line, text: text.length > 200 ? text.slice(0, 200) + '…' : text, expected, severity };
}

/**
 * Base class for line parsers: rows buffer, issues, counters.
 * Subclasses implement `line` (and `end` when records span lines).
 */
export abstract class BaseLineParser<R> implements LineParser<R> {
  protected rows: R[] = [];
  readonly issues: Issue[] = [];
  linesRead = 0;
  linesSkipped = 0;
  constructor(protected readonly file: string) {}
  abstract line(text: string, lineNo: number): void;
  end(): void {}
  drain(): R[] {
    const r = this.rows;
    this.rows = [];
    return r;
  }
  /** True (and the line skipped as `line-too-long`) when the line is over the cap (MAX_LINE): LineSplitter passes such a line on cut. */
  protected tooLong(text: string, lineNo: number, what = 'a line'): boolean {
    if (text.length <= MAX_LINE) return false;
    this.skip('line-too-long', lineNo, text, `${what} shorter than ${MAX_LINE} characters`);
    return true;
  }
  protected skip(code: string, lineNo: number, text: string, expected: string): void {
    this.linesSkipped++;
    this.issues.push(issue(code, this.file, lineNo, text, expected));
  }
}
