/**
 * journalctl prints a value as an array of byte numbers when it is not valid printable UTF-8: an
 * ANSI colour escape (valid UTF-8 with a control character, the common case in container logs) or
 * bytes that are not UTF-8. The JavaScript parser decodes them with TextDecoder (WHATWG: every
 * ill-formed subpart becomes U+FFFD, a leading byte order mark is dropped). In SQL, DuckDB's own
 * decode() takes the valid ones, which TextDecoder turns into the same text; the others (and a
 * leading BOM, a NUL) stay odd rows for the JavaScript parser.
 *
 * Tried and not kept (session 13): the whole WHATWG decoder in SQL (a list_transform over the bytes
 * zipped with their neighbours; exact against TextDecoder on 2,800 random and edge sequences), but
 * DuckDB's lambdas cost ~20 µs per message: the INSERT of 665,727 entries with 1 % byte arrays went
 * 2.3–2.5 → 3.1–3.4 s, more than the UPDATE it saved.
 */

/**
 * The byte list of a JSON value `j` that is an array of one or more integers 0–255 (DuckDB writes JSON
 * back without spaces), as INTEGER[]; NULL for anything else (strings, nested arrays, numbers out
 * of range, an empty array: the JavaScript parser's cases).
 */
export function jsonBytesSql(j: string): string {
  const byte = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
  return `(CASE WHEN regexp_full_match(${j}::VARCHAR, '\\[\\s*${byte}\\s*(?:,\\s*${byte}\\s*)*\\]') THEN CAST(${j} AS INTEGER[]) END)`;
}

/**
 * The text of the JSON byte array `j` when its bytes are valid UTF-8 (TextDecoder's text then,
 * unless it begins with a BOM: the caller checks), else NULL.
 */
export function jsonUtf8Sql(j: string): string {
  return `try(decode(unhex(array_to_string(list_transform(${jsonBytesSql(j)}, x -> lpad(to_hex(x), 2, '0')), ''))))`;
}
