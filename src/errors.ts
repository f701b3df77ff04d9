/**
 * Errors with a stable `code`. The CLI prints them as
 *   error[code] file:line: message
 * and exits with the documented exit code of their class.
 */
export class BundlescopeError extends Error {
  readonly code: string;
  readonly file: string | null;
  readonly line: number | null;
  constructor(code: string, message: string, file: string | null = null, line: number | null = null) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.file = file;
    this.line = line;
  }
  /** One line for stderr. */
  format(): string {
    const where = this.file ? ` ${this.file}${this.line != null ? `:${this.line}` : ''}:` : '';
    return `error[${this.code}]${where} ${this.message}`;
  }
}

/** Bad command-line use or an input that cannot be opened / identified (exit 2). */
export class InputError extends BundlescopeError {}

/**
 * A file that is not the format it was taken for at all, with the text found and what was expected
 * (a journal file whose header is not one). Like every per-input error it fails that input only:
 * exit 3 when other inputs loaded, 2 when none did.
 */
export class ParseError extends BundlescopeError {
  readonly text: string;
  readonly expected: string;
  constructor(code: string, message: string, file: string, line: number | null, text = '', expected = '') {
    super(code, message, file, line);
    this.text = text;
    this.expected = expected;
  }
}

/** An archive member or size that breaks the safety rules (fails that input: exit 3 when other inputs loaded, 2 when none did). */
export class SafetyError extends BundlescopeError {}

/** The database cannot be opened / is locked by another process (exit 4). */
export class StoreError extends BundlescopeError {}

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  someInputsFailed: 3,
  store: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
