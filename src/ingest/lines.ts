import type { ChunkParser, Issue, LineParser, ParseResult } from '../model.js';

/** Split text into lines: \n, \r\n; a final line without newline counts; no empty last line. */
export function* splitLines(text: string): Generator<string> {
  let start = 0;
  const n = text.length;
  while (start < n) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    yield text.slice(start, end);
    start = nl + 1;
  }
}

/** Run a line parser over a whole text (tests, small files). */
export function parseText<R>(parser: LineParser<R>, text: string): ParseResult<R> {
  let i = 0;
  for (const l of splitLines(text)) parser.line(l, ++i);
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
  protected skip(code: string, lineNo: number, text: string, expected: string): void {
    this.linesSkipped++;
    this.issues.push(issue(code, this.file, lineNo, text, expected));
  }
}
