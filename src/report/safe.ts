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
 * safeHostName in SQL, for the ingest paths that decide hosts inside DuckDB (syslog-fast,
 * journal-fast); `e` is a VARCHAR expression. The test holds both to the same answers.
 */
export const safeHostSql = (e: string): string => {
  const unsafe = `'[\\x00-\\x1f\\x7f-\\x9f/\\\\%]'`;
  const enc = `array_to_string(list_transform(string_split(${e}, ''), c -> CASE WHEN regexp_matches(c, ${unsafe}) THEN '%' || upper(lpad(to_hex(unicode(c)), 2, '0')) ELSE c END), '')`;
  const cut = (s: string) => `CASE WHEN strlen(${s}) <= ${MAX_HOST_BYTES} THEN ${s} ELSE left(${s}, list_max(list_filter(range(0, ${MAX_HOST_BYTES + 1}), k -> strlen(left(${s}, k::BIGINT)) <= ${MAX_HOST_BYTES}))::BIGINT) END`;
  // (the common case, a plain short name, costs one regexp test)
  return `CASE WHEN ${e} IS NULL THEN NULL WHEN ${e} IN ('.', '..') THEN replace(${e}, '.', '%2E') WHEN NOT regexp_matches(${e}, ${unsafe}) AND strlen(${e}) <= ${MAX_HOST_BYTES} THEN ${e} ELSE ${cut(enc)} END`;
};
