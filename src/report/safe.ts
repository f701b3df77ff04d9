/**
 * Text from support bundles is written by strangers and broken machines: a host name, a log line
 * or a file name can carry terminal escape sequences (ESC ]0;title BEL sets the window title,
 * OSC 52 writes the clipboard, CSI erases lines), Markdown that links to `javascript:`, or a
 * spreadsheet formula. Everything bundlescope prints goes through one of these functions.
 */

/**
 * C0 controls (but tab), DEL and C1 controls shown visibly as `\xHH`, so a terminal draws them
 * instead of obeying them. Newlines are escaped too unless `keepNewlines` (text whose lines are
 * separated by them, such as a whole report).
 */
export function termSafe(s: string, keepNewlines = false): string {
  return s.replace(keepNewlines ? /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g : /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Data inside Markdown: backslash-escapes what would make a link, an image, a table cell, a code
 * span or raw HTML (`\`, `|`, `[`, `]`, `<`, `>`, backtick), shows line breaks as `\n` / `\r`
 * (a break would end a table row or a list item) and escapes controls as termSafe does.
 */
export function mdText(s: string): string {
  return termSafe(s.replace(/[\\|[\]<>`]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, (b) => (b === '\n' ? '\\n' : b === '\r' ? '\\r' : '\\r\\n')));
}

/** Inverse of mdText for its backslash escapes (tests compare data with what a Markdown renderer shows). */
export function mdUnescape(s: string): string {
  return s.replace(/\\([\\|[\]<>`])/g, '$1');
}

/**
 * A CSV cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a leading
 * `'`, as OWASP advises for CSV injection; numbers are values, not text, and stay as they are.
 */
export function csvNeutral(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** The longest host name DNS allows (RFC 1035: 253 bytes written as text). */
export const MAX_HOST_BYTES = 253;

/**
 * A host name as bundlescope keeps it: controls, `%` and path separators percent-encoded (`/`,
 * `\` and NUL would split a partition path `host=NAME/`, `..` alone would climb out of it; the
 * encoding is reversible, so nothing is lost but what is past 253 bytes), cut to 253 bytes on a
 * character boundary. Applied where the host of an input is decided, so the database, the
 * reports and the export all see the same name.
 */
export function safeHostName(name: string): string {
  let s = name.replace(/[\x00-\x1f\x7f-\x9f/\\%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  if (s === '.' || s === '..') s = s.replace(/\./g, '%2E');
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= MAX_HOST_BYTES) return s;
  let cut = MAX_HOST_BYTES;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}

/**
 * A SQL test (`e` a VARCHAR expression) for a host name safeHostName would change: controls,
 * `/`, `\`, `%`, `.` or `..` alone, over 253 bytes. The SQL ingest paths (syslog-fast,
 * journal-fast) leave such a line to the JavaScript parser, whose hosts go through safeHostName:
 * one function decides every host, and the common case costs the SQL one regexp test.
 */
export const hostNeedsCareSql = (e: string): string =>
  `coalesce(regexp_matches(${e}, '[\\x00-\\x1f\\x7f-\\x9f/\\\\%]') OR strlen(${e}) > ${MAX_HOST_BYTES} OR ${e} IN ('.', '..'), false)`;
