/**
 * Fast path for syslog files (plain, gzip'd or zstd'd side files, and large syslog members of a bundle)
 * whose lines are plain RFC 3164 file lines (`Mar  9 14:02:11 web01 sshd[812]: …`) or RFC 3339
 * ones (`2026-03-09T14:02:11.204511+01:00 web01 kernel: …`, rsyslog's RSYSLOG_FileFormat, Debian
 * 12's default), in any mix, with journalctl's `-- … --` separators, wrapped (indented) lines and
 * blank lines among them. DuckDB reads a side file with `read_csv` (one VARCHAR per line) into a
 * temporary table whose row ids number the lines; a bundle member's lines come from memory
 * (prepareSyslogMember). Either table is filled outside the input's transaction (DuckDB scans a
 * table filled inside it on one core). Then one INSERT parses the lines into log_events exactly as
 * the JavaScript parser (syslog.ts) and the host rules (side file: ingest.ts hostFixer; bundle:
 * the bundle's host) would, on both cores, with no row crossing into JavaScript (the SQL for a
 * stamp form no line has is left out). Overflow candidates are parsed again from the lines that can
 * hold one and classified in JavaScript a page at a time (fast-common.ts classifyLoaded); syslogd's
 * `last message repeated N times` is one of them, and the row it repeats is found by SQL
 * (fast-common.ts previousLines), so files with repeat summaries stay on this path.
 * Measurements behind these choices: docs/BENCHMARKS.md.
 *
 * The rules reproduced in SQL, line by line: the RFC 3164 year from the reference time (the month
 * and day more than one day after the reference date → the year before), local time in ctx.tz
 * (zone transitions of the two years around the reference as a CASE over local time; the first
 * one of them the file could touch decides the offset), RFC 3339 offsets, `host tag[pid]: message`
 * with a token ending in `:` taken as the tag (no host), pid of 1–10 digits (NULL when it does not
 * fit an INTEGER), `kernel` lines as transport kernel with the printk stamp moved to mono_us;
 * separators and blank lines give no row, `-- Boot <id> --` sets the boot of the rows after it,
 * a wrapped line is appended to the row before it (linesRelation).
 *
 * Everything else goes to the JavaScript parser, for the whole file (member), before or after trying:
 * - the one JavaScript read that computes the sha256 also checks that every line starts with an
 *   upper-case letter, a digit, '-', a space or a tab or is empty (so no PRI prefix), that there is
 *   no NUL, CR or \x1f (read_csv's delimiter), that the bytes are valid UTF-8, and counts the lines;
 * - lines the SQL does not read (another stamp form, an impossible date, an OpenWrt
 *   `facility.level` token, a local time in a DST gap or a repeated hour — the JavaScript clock
 *   reads those in file order —, a line longer than MAX_LOG_LINE, a line starting with '-' that is
 *   no separator, indented text that does not start and end with printable ASCII, a wrapped line
 *   before the first row) are inserted with a placeholder source id; when there is any, or the
 *   row count differs from the count of lines that give rows, the loader declines (syslogSqlLoader:
 *   the source gets a fast-path-declined note), the caller rolls back (a member's
 *   rows are deleted) and the JavaScript parser reads the file.
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import type { ParseContext } from '../model.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Load } from '../store/load.js';
import { localFields, offsetMinutesAt } from '../time.js';
import { FACILITY_NAMES, MAX_LOG_LINE, PRIORITY_NAMES } from './dmesg.js';
import { hostNeedsCareSql } from '../report/safe.js';
import { CANDIDATE_RE, classifyLoaded, q, REPEAT_PREFIX, shortHostSql, type FastHost, type FastResult } from './fast-common.js';
import { isDeclined, type Declined, type Prepared, type SqlLoader } from '../formats/format.js';
import { decompressor } from '../io/decompress.js';

/** What the line checks found (LineCheck). */
export interface LineStats {
  /** Every line starts with [A-Z0-9], '-', a space or a tab, or is empty; no NUL, CR or \x1f; valid UTF-8; at least one line. */
  fits: boolean;
  lines: number;
  /** Lines starting with a digit (RFC 3339 candidates); the others start with a capital (RFC 3164). */
  digitStarts: number;
  /** Lines starting with '-' (journalctl separators `-- … --`; any other such line is not read by the SQL). */
  dashStarts: number;
  /** Lines starting with a space or a tab (continuation lines), or empty. */
  contStarts: number;
  /**
   * The bytes hold sysklogd's repeat summary text (`last message repeated `, fast-common.ts
   * REPEAT_PREFIX): only then are such lines looked for among the overflow candidates (a search
   * of every line for it costs ~80 ms per 1M lines in SQL, here a few ms beside the hash).
   */
  repeatSummaries: boolean;
}

export interface SyslogScan extends LineStats {
  sha256: string;
}

const MAX_CARRY = 4 * MAX_LOG_LINE;
const REPEAT_NEEDLE = Buffer.from(REPEAT_PREFIX);
const DAY_MS = 86_400_000;

function lineStart(b: number): boolean {
  return (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b === 45 || b === 32 || b === 9 || b === 10;
}

const isDigit = (b: number) => b >= 48 && b <= 57;

export interface ScanOptions {
  /**
   * The file is gzip or zstd (both DuckDB reads itself): the lines are checked after decompression
   * (the sha256 is of the decompressed bytes).
   */
  compression?: 'gzip' | 'zstd';
  /** More decompressed bytes than this: does not fit (the line parser reports the limit). */
  maxBytes?: number;
}

/**
 * The line checks of the fast path over a file's bytes, chunk by chunk (see LineStats; UTF-8 is
 * checked a whole line at a time).
 */
class LineCheck {
  fits = true;
  lines = 0;
  digitStarts = 0;
  dashStarts = 0;
  contStarts = 0;
  repeatSummaries = false;
  private atStart = true; // the next byte begins a line
  private tail: Buffer | null = null; // the last bytes of the previous chunk (a repeat summary text across two chunks)
  private lastByte = 10;
  private carry: Buffer | null = null; // bytes after the last newline seen (checked for UTF-8 once the line ends)

  push(chunk: Buffer): void {
    if (!this.fits || chunk.length === 0) return;
    if (!this.repeatSummaries) {
      if (chunk.indexOf(REPEAT_NEEDLE) >= 0
        || (this.tail && Buffer.concat([this.tail, chunk.subarray(0, REPEAT_NEEDLE.length - 1)]).indexOf(REPEAT_NEEDLE) >= 0)) this.repeatSummaries = true;
      else this.tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - REPEAT_NEEDLE.length + 1)));
    }
    if (chunk.indexOf(0) >= 0 || chunk.indexOf(13) >= 0 || chunk.indexOf(0x1f) >= 0 || (this.atStart && !lineStart(chunk[0]!))) {
      this.fits = false;
      return;
    }
    if (this.atStart) this.countStart(chunk[0]!);
    const firstNl = chunk.indexOf(10);
    let lastNl = -1;
    for (let nl = firstNl; nl >= 0; nl = chunk.indexOf(10, nl + 1)) {
      this.lines++;
      lastNl = nl;
      if (nl + 1 < chunk.length) {
        const b = chunk[nl + 1]!;
        if (!lineStart(b)) {
          this.fits = false;
          return;
        }
        this.countStart(b);
      }
    }
    this.lastByte = chunk[chunk.length - 1]!;
    this.atStart = this.lastByte === 10;
    if (firstNl < 0) {
      this.carry = this.carry ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk);
      if (this.carry.length > MAX_CARRY) this.fits = false;
      return;
    }
    const head = chunk.subarray(0, firstNl);
    if (!isUtf8(this.carry ? Buffer.concat([this.carry, head]) : head) || !isUtf8(chunk.subarray(firstNl + 1, lastNl))) this.fits = false;
    this.carry = lastNl + 1 < chunk.length ? Buffer.from(chunk.subarray(lastNl + 1)) : null;
  }

  private countStart(b: number): void {
    if (isDigit(b)) this.digitStarts++;
    else if (b === 45) this.dashStarts++;
    else if (b === 32 || b === 9 || b === 10) this.contStarts++;
  }

  finish(): LineStats {
    if (this.carry && !isUtf8(this.carry)) this.fits = false;
    if (this.lastByte !== 10) this.lines++;
    if (this.lines === 0) this.fits = false;
    return {
      fits: this.fits, lines: this.lines, digitStarts: this.digitStarts, dashStarts: this.dashStarts, contStarts: this.contStarts,
      repeatSummaries: this.repeatSummaries,
    };
  }
}

/** sha256 of the file and whether its lines can take the fast path, in one read. */
export async function scanSyslog(path: string, onBytes?: (bytes: number) => void, opts: ScanOptions = {}): Promise<SyslogScan> {
  const hash = createHash('sha256');
  const check = new LineCheck();
  let bytes = 0;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = opts.compression ? raw.pipe(opts.compression === 'gzip' ? createGunzip({ chunkSize: 1 << 20 }) : decompressor('zstd')) : raw;
  if (opts.compression) {
    raw.on('error', (e) => input.destroy(e));
    input.on('error', () => {}); // (the loop below gets it; no late event goes unhandled)
  }
  for await (const c of input) {
    const chunk = c as Buffer;
    hash.update(chunk);
    bytes += chunk.length;
    onBytes?.(bytes);
    if (opts.maxBytes != null && bytes > opts.maxBytes) {
      check.fits = false;
      input.destroy();
      raw.destroy();
      break;
    }
    check.push(chunk);
  }
  return { sha256: hash.digest('hex'), ...check.finish() };
}

/** Whether a bundle member's bytes can take the fast path (the same checks as scanSyslog). */
function scanSyslogBuffer(data: Buffer): LineStats {
  const check = new LineCheck();
  check.push(data);
  return check.finish();
}

/** Days since 1970-01-01 of the first of each month of `year` (index 0 = January). */
function monthStarts(year: number): number[] {
  return Array.from({ length: 12 }, (_, m) => Date.UTC(year, m, 1) / DAY_MS);
}

/**
 * Offset (minutes) of local wall time in `tz` as SQL over a local-time µs expression, valid for
 * the local times of two years up to `refYear`: a CASE over the zone's transitions, NULL in a gap
 * or a repeated hour.
 */
export function zoneOffsetSql(tz: string, refYear: number, local: string): string {
  const from = Date.UTC(refYear - 1, 0, 1) - 2 * DAY_MS;
  const to = Date.UTC(refYear + 1, 0, 1) + 2 * DAY_MS;
  const parts: string[] = [];
  let prev = offsetMinutesAt(tz, from);
  const first = prev;
  for (let t = from + DAY_MS; t <= to; t += DAY_MS) {
    const off = offsetMinutesAt(tz, t);
    if (off === prev) continue;
    // The change lies in (t − 1 day, t]: find the first quarter hour with the new offset.
    let lo = t - DAY_MS;
    let hi = t;
    while (hi - lo > 900_000) {
      const mid = lo + Math.floor((hi - lo) / 2 / 900_000) * 900_000 || lo + 900_000;
      if (offsetMinutesAt(tz, mid) === prev) lo = mid;
      else hi = mid;
    }
    // Local wall times below T + min(before, after) had `prev`; from T + max(…) on, `off`.
    const lowLocal = (hi + Math.min(prev, off) * 60_000) * 1000;
    const highLocal = (hi + Math.max(prev, off) * 60_000) * 1000;
    parts.push(`WHEN ${local} < ${lowLocal} THEN ${prev}`, `WHEN ${local} < ${highLocal} THEN NULL`);
    prev = off;
  }
  if (parts.length === 0) return String(first);
  return `CASE ${parts.join(' ')} ELSE ${prev} END`;
}

/** An RFC 3339 stamp and the space after it (only checked: the fields are at fixed places in it). */
const ISO_RE = String.raw`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2}) `;
/**
 * The fields of a stamp ISO_RE matched, `il` its length and `zl` its zone's (Z, +hhmm, +hh:mm):
 * positions instead of a regexp with 12 groups (2.5× the CPU time of the check alone).
 */
const ISO_FIELDS = `struct_pack(stamp := left(line, il), y := substr(line, 1, 4), mo := substr(line, 6, 2), d := substr(line, 9, 2),
  h := substr(line, 12, 2), mi := substr(line, 15, 2), s := substr(line, 18, 2),
  f := CASE WHEN substr(line, 20, 1) = '.' THEN substr(line, 21, il - zl - 20) ELSE '' END,
  z := CASE WHEN zl = 1 THEN 'Z' ELSE '' END, sign := substr(line, il - zl + 1, 1), oh := substr(line, il - zl + 2, 2), om := substr(line, il - 1, 2))`;
/**
 * An RFC 3164 stamp and the space after it at the start of a line (\`Mar  9 14:02:11 \`), as a GLOB:
 * DuckDB matches it in a third of the time of the equivalent regexp (0.21 against 0.61 s over
 * the 5M-line bench file). Every position is one ASCII character, so byte and character
 * positions agree. With it the day (' 9' or '19') and the time digits cast without trimming.
 */
const STAMP3164_GLOB = '[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] *';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const list = (xs: readonly (string | number)[]) => `[${xs.map((x) => (typeof x === 'number' ? String(x) : q(x))).join(', ')}]`;
/** Fraction digits → µs (first six digits, right-padded), as fractionMicros. */
const micros = (f: string) => `coalesce(TRY_CAST(rpad(left(${f}, 6), 6, '0') AS BIGINT), 0)`;

/** Which stamp forms the file has: the SQL for a form no line has is left out. */
export interface SyslogForms {
  rfc3164: boolean;
  rfc3339: boolean;
  /** `src` has columns extra (continuation text to append, or NULL) and extra_len (its bytes). */
  continuations?: boolean;
}

/**
 * The SELECT that parses `src` (a relation with columns line, n, boot) into log_events' columns, named as
 * there; a line it does not read gets source id `oddSrc`.
 */
export function syslogSelectSql(
  src: string, srcId: number, oddSrc: number, ctx: ParseContext, host: FastHost, forms: SyslogForms = { rfc3164: true, rfc3339: true },
): string {
  const ref = ctx.referenceTimeMs != null && Number.isFinite(ctx.referenceTimeMs) ? localFields(ctx.referenceTimeMs, ctx.tz) : null;
  if (!ref) throw new Error('no reference time for the RFC 3164 year');
  const refDay = Date.UTC(ref.year, ref.month - 1, ref.day) / DAY_MS;
  const cur = list(monthStarts(ref.year));
  const prev = list(monthStarts(ref.year - 1));
  const local = `((CASE WHEN ${cur}[mon] + day - 1 > ${refDay + 1} THEN ${prev}[mon] ELSE ${cur}[mon] END + day - 1) * 86400 + hh * 3600 + mi * 60 + ss) * 1000000`;
  const off = zoneOffsetSql(ctx.tz, ref.year, 'loc');
  const quality3164 = ctx.tzAssumed ? 'assumed-utc' : 'syslog-year-inferred';
  const facLevel = FACILITY_NAMES.flatMap((f) => PRIORITY_NAMES.map((p) => `${f}.${p}`));
  const hostExpr = host.fixed != null ? q(host.fixed)
    : `CASE WHEN host_tok AND tok1 <> '' THEN (CASE WHEN contains(tok1, '.') OR contains(tok1, ':') THEN ${shortHostSql('tok1')} ELSE tok1 END) ELSE ${host.fallback != null ? q(host.fallback) : 'NULL'} END`;
  const a = forms.rfc3164;
  const b = forms.rfc3339;
  const c = forms.continuations === true;
  // Stamp fields: RFC 3164 (kind 1) by position, RFC 3339 (kind 2) by one regexp.
  const l0 = [
    'n', 'line', 'boot', c && 'extra, extra_len',
    a && `coalesce(list_position(${list(MONTHS)}, substr(line, 1, 3)), 0) AS mon`,
    a && `TRY_CAST(replace(substr(line, 8, 8), ':', '') AS BIGINT) AS hms`,
    b && `CASE WHEN il IS NOT NULL THEN ${ISO_FIELDS} END AS iso`,
  ];
  const l1 = [
    'n', 'line', 'boot', c && 'extra, extra_len', b && 'iso',
    `CASE ${a ? `WHEN mon > 0 AND line GLOB '${STAMP3164_GLOB}' THEN 1` : ''}
      ${b ? `WHEN iso.stamp <> '' THEN 2` : ''} ELSE 0 END AS kind`,
    a && 'TRY_CAST(substr(line, 5, 2) AS BIGINT) AS day, hms // 10000 AS hh, hms // 100 % 100 AS mi, hms % 100 AS ss, mon',
    b && `TRY_CAST(iso.y AS BIGINT) AS iy, TRY_CAST(iso.mo AS BIGINT) AS imo, TRY_CAST(iso.d AS BIGINT) AS id,
      TRY_CAST(iso.h AS BIGINT) AS ih, TRY_CAST(iso.mi AS BIGINT) AS imi, TRY_CAST(iso.s AS BIGINT) AS isec`,
  ];
  const us = `CASE kind ${a ? `WHEN 1 THEN loc - CAST(${off} AS BIGINT) * 60000000` : ''}
      ${b ? `WHEN 2 THEN CASE WHEN iy BETWEEN 1970 AND 9999 AND imo BETWEEN 1 AND 12 THEN epoch_us(make_timestamp(iy, imo, 1, 0, 0, 0)) END + ((id - 1) * 86400 + ih * 3600 + imi * 60 + isec) * 1000000
        + ${micros('iso.f')} - (CASE WHEN iso.z = 'Z' THEN 0 ELSE (CASE iso.sign WHEN '-' THEN -1 ELSE 1 END) * (TRY_CAST(iso.oh AS BIGINT) * 60 + TRY_CAST(iso.om AS BIGINT)) END) * 60000000` : ''}
    END`;
  const rest = `CASE kind ${a ? 'WHEN 1 THEN substr(line, 17)' : ''} ${b ? 'WHEN 2 THEN substr(line, length(iso.stamp) + 2)' : ''} ELSE '' END`;
  const ok0 = `strlen(line) <= ${MAX_LOG_LINE} AND CASE kind
      ${a ? 'WHEN 1 THEN day BETWEEN 1 AND 31 AND hh <= 23 AND mi <= 59 AND ss <= 60' : ''}
      ${b ? 'WHEN 2 THEN iy >= 1970 AND imo BETWEEN 1 AND 12 AND id BETWEEN 1 AND 31 AND ih <= 23 AND imi <= 59 AND isec <= 60' : ''}
      ELSE false END`;
  const cols = (xs: (string | false)[]) => xs.filter(Boolean).join(', ');
  return `
    SELECT ${hostExpr} AS host, make_timestamptz(us) AS ts, CASE kind WHEN 1 THEN '${quality3164}' ELSE 'exact' END AS ts_quality,
      boot AS boot_id, CASE WHEN kernel THEN mono END AS mono_us, ident, CASE WHEN NOT kernel THEN pid END AS pid,
      NULL::VARCHAR AS unit, NULL::TINYINT AS priority, NULL::TINYINT AS facility,
      CASE WHEN kernel THEN 'kernel' ELSE 'syslog' END AS transport,
      CASE WHEN kernel AND mono IS NOT NULL THEN substr(msg, length(pk.whole) + 1) ELSE msg END${c ? ` || coalesce(extra, '')` : ''} AS message,
      -- (with continuation lines: at most MAX_LOG_LINE bytes in all, which the line parser's limit in UTF-16 units never cuts)
      -- (a host name that would need escaping: the line parser's, through safeHostName)
      CASE WHEN ok${c ? ` AND (extra_len IS NULL OR strlen(msg) + extra_len <= ${MAX_LOG_LINE})` : ''}${host.fixed == null ? ` AND NOT (host_tok AND ${hostNeedsCareSql('tok1')})` : ''} THEN ${srcId} ELSE ${oddSrc} END AS source_id, n AS line_no
    FROM (
      SELECT *, CASE WHEN pk.s <> '' THEN CAST(pk.s AS BIGINT) * 1000000 + ${micros('pk.f')} END AS mono
      FROM (
        SELECT *, ident IS NOT DISTINCT FROM 'kernel' AS kernel,
          CASE WHEN ident = 'kernel' AND prefix(msg, '[')
            THEN regexp_extract(msg, '^(\\[ *([0-9]{1,12})\\.([0-9]+)\\] ?)', ['whole', 's', 'f']) END AS pk
      FROM (
        SELECT *,
          CASE WHEN is_tag THEN (CASE WHEN has_pid THEN left(tag, length(tag) - length(pp) - 1) ELSE left(tag, length(tag) - 1) END) END AS ident,
          CASE WHEN has_pid THEN TRY_CAST(left(pp, length(pp) - 2) AS INTEGER) END AS pid,
          CASE WHEN NOT is_tag THEN r WHEN has2 THEN substr(r, sp2 + 1) ELSE '' END AS msg
        FROM (
          SELECT *, is_tag AND coalesce(regexp_full_match(pp, '[0-9]{1,10}\\]:') AND length(tag) - length(pp) >= 2, false) AS has_pid
          FROM (
          SELECT *, length(tag) >= 2 AND suffix(tag, ':') AS is_tag,
            -- \`ident[pid]:\` → \`pid]:\` (the text after the last \`[\`)
            CASE WHEN suffix(tag, ']:') THEN split_part(tag, '[', -1) END AS pp
          FROM (
            SELECT *, CASE WHEN sp2 > 0 THEN left(r, sp2 - 1) ELSE r END AS tag, sp2 > 0 AS has2
            FROM (
            SELECT *, strpos(r, ' ') AS sp2
            FROM (
              SELECT *,
                CASE WHEN NOT host_tok THEN rest WHEN NOT has1 THEN '' ELSE ltrim(substr(rest, sp1 + 1), ' ') END AS r,
                ok0 AND us IS NOT NULL
                  AND NOT (has1 AND CASE WHEN strpos(tok1, '.') > 1 THEN list_contains(${list(facLevel)}, tok1) ELSE false END) AS ok
              FROM (
                SELECT *, NOT suffix(tok1, ':') AS host_tok
                FROM (
                SELECT *, CASE WHEN sp1 > 0 THEN left(rest, sp1 - 1) ELSE rest END AS tok1, sp1 > 0 AS has1
                FROM (
                SELECT *, strpos(rest, ' ') AS sp1
                FROM (
                  SELECT n, boot, ${c ? 'extra, extra_len, ' : ''}kind, ${us} AS us, ${rest} AS rest, ${ok0} AS ok0
                  FROM (
                    SELECT *${a ? `, ${local} AS loc` : ''}
                    FROM (
                      SELECT ${cols(l1)}
                      FROM (
                        SELECT ${cols(l0)}
                        FROM ${b ? `(SELECT *, CASE WHEN substr(line, il, 1) = 'Z' THEN 1 WHEN substr(line, il - 2, 1) = ':' THEN 6 ELSE 5 END AS zl
                          FROM (SELECT *, CASE WHEN substr(line, 1, 1) BETWEEN '0' AND '9' AND regexp_matches(line, '${ISO_RE}')
                            THEN strpos(line, ' ') - 1 END AS il FROM ${src}))` : src}
                      )
                    )
                  )
                )
              )
            )
          )
        )
      )
      )
      )
      )
      )
      )
    )`;
}

const LINES_TABLE = 'temp.syslog_fast_lines';

/**
 * Reads the lines of a file that fits into a temporary table, outside any transaction: DuckDB
 * scans a table created inside the open transaction on one thread only (measured 2× slower).
 * Returns false when the file does not fit; `dropSyslogLines` removes the table.
 */
export async function readSyslogLines(
  conn: DuckDBConnection, path: string, scan: Promise<SyslogScan>, compression: 'none' | 'gzip' | 'zstd' = 'none',
): Promise<boolean> {
  // read_csv reads an empty line as NULL: it is ''.
  // Line numbers: DuckDB keeps insertion order by default, so the row ids of this table are the
  // lines in file order. Reading straight from read_csv WITH ORDINALITY makes the whole INSERT
  // single-threaded, and numbering afterwards by UPDATE rewrites the column (both measured
  // 1.3–1.6× slower on the 5M-line bench file).
  const pio = await conn.runAndReadAll("SELECT current_setting('preserve_insertion_order')");
  if (pio.getRows()[0]![0] !== true) return false;
  // Read while the scan hashes and checks the file (it needs little of the two cores); a file the
  // scan turns down is dropped again. An error (say, a line longer than max_line_size) is a no.
  // A compressed file only once the scan has seen all of it within the size limit (a bomb is
  // never handed to DuckDB).
  if (compression !== 'none' && !(await scan.then((x) => x.fits, () => false))) return false;
  const read = conn.run(`CREATE OR REPLACE TEMP TABLE ${LINES_TABLE} AS SELECT coalesce(line, '') AS line FROM read_csv(${q(path)}, columns = {'line': 'VARCHAR'},
    header = false, quote = '', escape = '', delim = '\\x1f', auto_detect = false, strict_mode = false, max_line_size = ${4 * MAX_LOG_LINE},
    compression = '${compression}')`)
    .then(() => true, () => false);
  const [fits, ok] = await Promise.all([scan.then((s) => s.fits, () => false), read]);
  if (fits && ok) return true;
  await dropSyslogLines(conn);
  return false;
}

export async function dropSyslogLines(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${LINES_TABLE}`);
}

/** The lines do not fit the SQL path after all (lines it does not read, a count that differs). */
class NotFast extends Error {}

/** A journalctl separator line (`-- Logs begin at … --`, `-- Boot <id> --`, `-- Reboot --`): no row. */
const SEPARATOR = `(prefix(line, '-- ') AND suffix(line, ' --') AND strlen(line) <= ${MAX_LOG_LINE})`;
/** Empty or only spaces and tabs: the line parser ignores it. */
const BLANK = `(regexp_full_match(line, '[ \t]*') AND strlen(line) <= ${MAX_LOG_LINE})`;
/**
 * An indented line the line parser appends to the row before it (' ' + the line trimmed): spaces
 * or tabs, then text that starts and ends with a printable ASCII character (so that JavaScript's
 * trim and SQL's agree). Any other indented line is left to the SQL, which does not read it.
 */
const CONT = `(regexp_full_match(line, '[ \t]+[!-~](.*[!-~])?') AND strlen(line) <= ${MAX_LOG_LINE})`;
/** The lines that are not rows of their own. */
const MARK = `CASE WHEN ${SEPARATOR} THEN (CASE WHEN line = '-- Reboot --' THEN 'reboot'
    WHEN regexp_full_match(line, '-- Boot [0-9a-f]{32} --') THEN 'boot' ELSE 'sep' END)
  WHEN ${BLANK} THEN 'blank' WHEN ${CONT} THEN 'cont' END`;
const MARKS_TABLE = 'temp.syslog_fast_marks';

/**
 * The lines to parse as a relation (line, n, boot[, extra, extra_len]) over `from` (a table; `nExpr`
 * numbers its rows), filtered by `cond` (SQL on `line`) when given. Most files: every line. A file
 * with lines that start with '-', a space or a tab, or are empty (journalctl text, wrapped
 * messages): those that are separators, blank or continuation lines are put in a temporary table
 * of marks first (they are few) and give no row; each row gets the boot of the last
 * `-- Boot <id> --` before it (none after `-- Reboot --`) and its continuation lines (the marks
 * right after it) as `extra`, as the line parser keeps them. Any other line starting with one of
 * those is left to the SQL, which does not read it.
 */
async function linesRelation(
  conn: DuckDBConnection, from: string, nExpr: string, scanned: LineStats,
): Promise<{ lines: (cond?: string) => string; rows: number; orphans: number; continuations: boolean }> {
  const base = `SELECT line, ${nExpr} AS n FROM ${from}`;
  const where = (cond?: string) => (cond ? ` WHERE ${cond}` : '');
  if (scanned.dashStarts === 0 && scanned.contStarts === 0) {
    return { lines: (cond) => `(SELECT line, n, NULL::VARCHAR AS boot FROM (${base})${where(cond)})`, rows: scanned.lines, orphans: 0, continuations: false };
  }
  const maybe = `(prefix(line, '-') OR prefix(line, ' ') OR prefix(line, chr(9)) OR line = '')`;
  // A run of consecutive marks belongs to the line before the run (gaps and islands).
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${MARKS_TABLE} AS
    SELECT n, kind, boot, text, min(n) OVER (PARTITION BY run) - 1 AS head_n
    FROM (SELECT *, n - row_number() OVER (ORDER BY n) AS run
      FROM (SELECT n, kind, CASE WHEN kind = 'boot' THEN substr(line, 9, 32) END AS boot, CASE WHEN kind = 'cont' THEN line END AS text
        FROM (SELECT n, line, ${MARK} AS kind FROM (${base}) WHERE ${maybe})
        WHERE kind IS NOT NULL))`);
  const stats = (await conn.runAndReadAll(`SELECT count(*), count(*) FILTER (WHERE kind = 'cont'), count(*) FILTER (WHERE kind = 'cont' AND head_n = 0)
    FROM ${MARKS_TABLE}`)).getRows()[0]!.map(Number) as [number, number, number];
  const [marks, conts, orphans] = stats;
  const head = `NOT coalesce(${maybe} AND ${MARK} IS NOT NULL, false)`;
  const boots = `SELECT n, boot FROM ${MARKS_TABLE} WHERE kind IN ('boot', 'reboot')`;
  const extra = conts === 0 ? '' : `, e.extra, e.extra_len`;
  const extraJoin = conts === 0 ? '' : ` LEFT JOIN (SELECT head_n, string_agg(' ' || ltrim(text, ' ' || chr(9)), '' ORDER BY n) AS extra,
      sum(strlen(text) + 1) AS extra_len FROM ${MARKS_TABLE} WHERE kind = 'cont' GROUP BY head_n) e ON e.head_n = l.n`;
  const lines = (cond?: string) => `(SELECT * FROM (SELECT l.line, l.n, b.boot${extra}
      FROM (SELECT * FROM (${base}) WHERE ${head}) l ASOF LEFT JOIN (${boots}) b ON l.n > b.n${extraJoin})${where(cond)})`;
  return { lines, rows: scanned.lines - marks, orphans, continuations: conts > 0 };
}

/**
 * Parses the lines of `lines()` (see linesRelation) into log_events and overflow_events inside
 * `load`'s transaction. Throws NotFast, after inserting, when a line is not read or the row count
 * is not the count of lines that are not separators.
 */
async function insertLines(
  load: Load, srcId: number, ctx: ParseContext, host: FastHost, from: string, nExpr: string, scanned: LineStats,
): Promise<FastResult> {
  const conn = load.conn;
  const oddSrc = -1 - srcId;
  try {
    const { lines, rows: count, orphans, continuations } = await linesRelation(conn, from, nExpr, scanned);
    // An indented line with no row before it: the line parser reports it.
    if (orphans > 0) throw new NotFast(`${orphans} continuation lines before the first row`);
    const forms = { rfc3164: scanned.digitStarts < scanned.lines, rfc3339: scanned.digitStarts > 0, continuations };
    const select = (src: string) => syslogSelectSql(src, srcId, oddSrc, ctx, host, forms);
    return await insertRows(load, srcId, count, continuations, scanned.repeatSummaries, lines, select);
  } finally {
    // (In a transaction a failed statement aborted, the table goes with the rollback.)
    await conn.run(`DROP TABLE IF EXISTS ${MARKS_TABLE}`).catch(() => {});
  }
}

async function insertRows(
  load: Load, srcId: number, count: number, continuations: boolean, repeatSummaries: boolean, lines: (cond?: string) => string,
  select: (src: string) => string,
): Promise<FastResult> {
  const conn = load.conn;
  const oddSrc = -1 - srcId;
  await conn.run(`INSERT INTO log_events ${select(lines())}`);
  const agg = await conn.runAndReadAll(`
    SELECT count(*) FILTER (WHERE source_id = ${srcId}), count(*) FILTER (WHERE source_id = ${oddSrc}),
      epoch_us(min(ts) FILTER (WHERE source_id = ${srcId})), epoch_us(max(ts) FILTER (WHERE source_id = ${srcId})),
      count(*) FILTER (WHERE source_id = ${srcId} AND host IS NULL)
    FROM log_events WHERE source_id IN (${srcId}, ${oddSrc})`);
  const [n, odd, first, last, nullHosts] = agg.getRows()[0]!.map((v) => (v == null ? null : Number(v)));
  if (odd !== 0) throw new NotFast(`${odd} lines the SQL path does not read`);
  if (n !== count) throw new NotFast(`${n} rows for ${count} lines`);
  load.addTotals(srcId, n, first ?? null, last ?? null);
  // Overflow candidates are kernel rows (ident 'kernel': the line holds "kernel") whose message (a
  // part of the line) matches the candidate patterns: only the lines that pass the same tests on
  // the whole line are parsed again, from the lines table, which DuckDB scans on both cores (the
  // rows just inserted sit in the transaction, read on one: 1.06 s → 0.3 s on the bench file).
  // (With continuation lines a message is its line and the text appended to it.)
  const text = continuations ? `(line || coalesce(extra, ''))` : 'line';
  // (sysklogd's repeat summaries too, whatever their tag, in a file that has any: fast-common.ts REPEAT_PREFIX.)
  const kernel = `contains(line, 'kernel') AND (regexp_matches(${text}, '${CANDIDATE_RE}', 'i') OR contains(${text}, 'suppressed'))`;
  const candidates = lines(repeatSummaries ? `(${kernel}) OR contains(line, '${REPEAT_PREFIX}')` : kernel);
  const overflow = await classifyLoaded(load, srcId, [], `(${select(candidates)})`);
  return { logEvents: n, overflowEvents: overflow, issues: [], skipped: 0, noHost: nullHosts ?? 0 };
}

/** Bytes of a bundle member handed to DuckDB at a time (one JavaScript string each). */
const PIECE_BYTES = 16 << 20;

/**
 * A large syslog member of a bundle through the same SQL (the bundle is read into memory, never
 * written to disk): `prepareSyslogMember`, before the bundle's transaction, checks the bytes as
 * scanSyslog checks a file and puts the lines into the temporary table `table` (line, n) — DuckDB
 * splits them, 16 MB at a time —, outside any transaction so that the parse runs on both cores;
 * `loadSyslogMember` parses them inside it. Returns null (nothing prepared) when the member does not
 * fit.
 */
export async function prepareSyslogMember(
  conn: DuckDBConnection, table: string, data: Buffer, ctx: ParseContext, pieceBytes = PIECE_BYTES,
): Promise<LineStats | Declined> {
  if (ctx.referenceTimeMs == null || !Number.isFinite(ctx.referenceTimeMs)) return { declined: NO_REFERENCE };
  const scanned = scanSyslogBuffer(data);
  if (!scanned.fits) return { declined: NOT_PLAIN };
  let reason: string;
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (line VARCHAR, n BIGINT)`);
    let base = 0;
    for (let a = 0; a < data.length;) {
      let b = Math.min(data.length, a + pieceBytes);
      if (b < data.length) {
        const nl = data.lastIndexOf(10, b - 1);
        b = nl >= a ? nl + 1 : data.indexOf(10, b) + 1 || data.length;
      }
      const end = data[b - 1] === 10 ? b - 1 : b; // the piece without its last newline: one element per line
      const r = await conn.run(`INSERT INTO temp.${table} SELECT unnest(l), ${base} + unnest(range(1, len(l) + 1))
        FROM (SELECT string_split($1, chr(10)) AS l)`, [data.toString('utf8', a, end)]);
      base += r.rowsChanged;
      a = b;
    }
    if (base === scanned.lines) return scanned;
    reason = `DuckDB split it into ${base} lines, the scan counted ${scanned.lines}`;
  } catch (e) {
    // (a failure here only means the line parser reads the member)
    reason = `DuckDB could not take its lines: ${(e as Error).message}`;
  }
  await conn.run(`DROP TABLE IF EXISTS temp.${table}`);
  return { declined: reason };
}

const NO_REFERENCE = 'no reference time for the RFC 3164 year';
const NOT_PLAIN = 'not only plain RFC 3164 / RFC 3339 lines (a PRI prefix, NUL, CR, \\x1f or invalid UTF-8)';

/** What the syslog loader prepared: the lines in a temporary table, numbered, and what the scan found. */
interface SyslogPrepared extends Prepared {
  table: string;
  /** SQL numbering the table's rows from 1 in file order. */
  n: string;
  scanned: LineStats;
  /** A bundle member: on a decline its rows are deleted again (the bundle's transaction goes on). */
  member: boolean;
}

/** Temporary tables of members prepared at once (one bundle's) get distinct names. */
let memberTables = 0;

/**
 * The syslog SQL loader (format.ts SqlLoader): a side file is read by read_csv while scanSyslog
 * hashes and checks it; a large bundle member is split by DuckDB from memory
 * (prepareSyslogMember). Lines the SQL does not read, or a row count that differs, decline.
 */
export const syslogSqlLoader: SqlLoader<SyslogPrepared> = {
  takesFile: (compression) => compression === 'none' || compression === 'gzip' || compression === 'zstd',
  memberMinBytes: 2 * 1024 * 1024,
  async prepare(conn, input, ctx) {
    if ('data' in input) {
      const table = `syslog_member_${memberTables++}`;
      const r = await prepareSyslogMember(conn, table, input.data, ctx);
      return isDeclined(r) ? r : { table: `temp.${table}`, n: 'n', scanned: r, member: true };
    }
    if (ctx.referenceTimeMs == null || !Number.isFinite(ctx.referenceTimeMs)) return { declined: NO_REFERENCE };
    const { path, compression, maxBytes, onBytes } = input;
    const scan = scanSyslog(path, onBytes, compression !== 'none' ? { compression: compression, maxBytes } : {});
    scan.catch(() => {}); // a damaged file can fail the scan before anything awaits it (below)
    const read = await readSyslogLines(conn, path, scan, compression);
    const scanned = await scan.catch((e: Error) => e);
    if (scanned instanceof Error) return { declined: `the scan failed: ${scanned.message}` };
    if (!scanned.fits) return { declined: NOT_PLAIN, sha256: scanned.sha256 };
    if (!read) return { declined: 'read_csv could not read it', sha256: scanned.sha256 };
    const ids = await conn.runAndReadAll(`SELECT min(rowid), max(rowid), count(*) FROM ${LINES_TABLE}`);
    const [lo, hi, cnt] = ids.getRows()[0]!.map((v) => (v == null ? null : Number(v)));
    if (lo == null || hi == null || cnt !== scanned.lines || hi - lo + 1 !== cnt) {
      await dropSyslogLines(conn);
      return { declined: `read_csv gave ${cnt} rows for ${scanned.lines} lines`, sha256: scanned.sha256 };
    }
    return { table: LINES_TABLE, n: `rowid - ${lo} + 1`, scanned, member: false, sha256: scanned.sha256 };
  },
  async load(load, srcId, p, ctx, host) {
    // Every row gets the forced host (--host, the bundle's); else its own, else the fallback.
    const fast: FastHost = { fixed: host.forced ? host.fallback : null, fallback: host.fallback };
    try {
      return await insertLines(load, srcId, ctx, fast, p.table, p.n, p.scanned);
    } catch (e) {
      if (!(e instanceof NotFast)) throw e;
      // A side file's transaction is rolled back; a member's rows go, its bundle's transaction stays.
      if (p.member) await load.conn.run(`DELETE FROM log_events WHERE source_id IN (${srcId}, ${-1 - srcId})`);
      return { declined: e.message };
    }
  },
  async dispose(conn, p) {
    await conn.run(`DROP TABLE IF EXISTS ${p.table}`);
  },
};
