/**
 * The SQL text of the syslog SQL loader (sql-loader.ts): the SELECT that parses lines into
 * log_events rows as the line parser (parser.ts) does, and the zone offset it needs as SQL.
 */
import type { ParseContext } from '../../model.js';
import { localFields, offsetMinutesAt } from '../../time.js';
import { FACILITY_NAMES, PRIORITY_NAMES } from '../kit/logline.js';
import { MAX_LINE } from '../kit/lines.js';
import { hostNeedsCareSql } from '../../report/safe.js';
import { shortHostSql } from '../kit/host.js';
import { q, type FastHost } from '../kit/sql-load.js';

const DAY_MS = 86_400_000;

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
 * there; a line it does not read gets source id `oddSrc`. A chain of named steps read top to
 * bottom (dbt style), each adding a few columns to the one before. Every step is NOT MATERIALIZED
 * (inlined, whatever DuckDB's default for CTEs): the plan has the same 27 projections over one
 * scan as the nested subqueries this replaced, with equal rows (checked on every stamp form, zone
 * and host rule). Only the zone CASE, the month tables and the parts for stamp forms the file
 * lacks are generated.
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
  const rfc3164 = forms.rfc3164;
  const rfc3339 = forms.rfc3339;
  const continued = forms.continuations === true;
  const cols = (xs: (string | false)[]) => xs.filter(Boolean).join(', ');
  const us = `CASE kind ${rfc3164 ? `WHEN 1 THEN loc - CAST(${off} AS BIGINT) * 60000000` : ''}
      ${rfc3339 ? `WHEN 2 THEN CASE WHEN iy BETWEEN 1970 AND 9999 AND imo BETWEEN 1 AND 12 THEN epoch_us(make_timestamp(iy, imo, 1, 0, 0, 0)) END + ((id - 1) * 86400 + ih * 3600 + imi * 60 + isec) * 1000000
        + ${micros('iso.f')} - (CASE WHEN iso.z = 'Z' THEN 0 ELSE (CASE iso.sign WHEN '-' THEN -1 ELSE 1 END) * (TRY_CAST(iso.oh AS BIGINT) * 60 + TRY_CAST(iso.om AS BIGINT)) END) * 60000000` : ''}
    END`;
  const rest = `CASE kind ${rfc3164 ? 'WHEN 1 THEN substr(line, 17)' : ''} ${rfc3339 ? 'WHEN 2 THEN substr(line, length(iso.stamp) + 2)' : ''} ELSE '' END`;
  const stampOk = `strlen(line) <= ${MAX_LINE} AND CASE kind
      ${rfc3164 ? 'WHEN 1 THEN day BETWEEN 1 AND 31 AND hh <= 23 AND mi <= 59 AND ss <= 60' : ''}
      ${rfc3339 ? 'WHEN 2 THEN iy >= 1970 AND imo BETWEEN 1 AND 12 AND id BETWEEN 1 AND 31 AND ih <= 23 AND imi <= 59 AND isec <= 60' : ''}
      ELSE false END`;
  // Each step: a name, and its SELECT over the step before (the first over `src`).
  const steps: [string, string][] = [];
  const step = (name: string, select: (from: string) => string) => {
    steps.push([name, select(steps.length === 0 ? src : steps[steps.length - 1]![0])]);
  };
  if (rfc3339) {
    // An RFC 3339 stamp: its length `il` (the fields are at fixed places in it) …
    step('iso_length', (from) => `SELECT *, CASE WHEN substr(line, 1, 1) BETWEEN '0' AND '9' AND regexp_matches(line, '${ISO_RE}')
      THEN strpos(line, ' ') - 1 END AS il FROM ${from}`);
    // … and the length `zl` of its zone (Z, +hhmm, +hh:mm).
    step('iso_zone', (from) => `SELECT *, CASE WHEN substr(line, il, 1) = 'Z' THEN 1 WHEN substr(line, il - 2, 1) = ':' THEN 6 ELSE 5 END AS zl FROM ${from}`);
  }
  // The stamp's text fields: RFC 3164 by position (month, hhmmss), RFC 3339 by position in the stamp.
  step('stamp_fields', (from) => `SELECT ${cols([
    'n', 'line', 'boot', continued && 'extra, extra_len',
    rfc3164 && `coalesce(list_position(${list(MONTHS)}, substr(line, 1, 3)), 0) AS mon`,
    rfc3164 && `TRY_CAST(replace(substr(line, 8, 8), ':', '') AS BIGINT) AS hms`,
    rfc3339 && `CASE WHEN il IS NOT NULL THEN ${ISO_FIELDS} END AS iso`,
  ])} FROM ${from}`);
  // Which form the line has (`kind` 1: RFC 3164, 2: RFC 3339, 0: neither) and its numbers.
  step('stamped', (from) => `SELECT ${cols([
    'n', 'line', 'boot', continued && 'extra, extra_len', rfc3339 && 'iso',
    `CASE ${rfc3164 ? `WHEN mon > 0 AND line GLOB '${STAMP3164_GLOB}' THEN 1` : ''}
      ${rfc3339 ? `WHEN iso.stamp <> '' THEN 2` : ''} ELSE 0 END AS kind`,
    rfc3164 && 'TRY_CAST(substr(line, 5, 2) AS BIGINT) AS day, hms // 10000 AS hh, hms // 100 % 100 AS mi, hms % 100 AS ss, mon',
    rfc3339 && `TRY_CAST(iso.y AS BIGINT) AS iy, TRY_CAST(iso.mo AS BIGINT) AS imo, TRY_CAST(iso.d AS BIGINT) AS id,
      TRY_CAST(iso.h AS BIGINT) AS ih, TRY_CAST(iso.mi AS BIGINT) AS imi, TRY_CAST(iso.s AS BIGINT) AS isec`,
  ])} FROM ${from}`);
  // RFC 3164: local wall time in µs, the year inferred from the reference date.
  if (rfc3164) step('localised', (from) => `SELECT *, ${local} AS loc FROM ${from}`);
  // The instant (µs UTC), the text after the stamp, and whether the stamp is valid.
  step('timed', (from) => `SELECT n, boot, ${continued ? 'extra, extra_len, ' : ''}kind, ${us} AS us, ${rest} AS rest, ${stampOk} AS ok0 FROM ${from}`);
  // The first token after the stamp: a host, or already the tag (it ends in ':').
  step('first_space', (from) => `SELECT *, strpos(rest, ' ') AS sp1 FROM ${from}`);
  step('first_token', (from) => `SELECT *, CASE WHEN sp1 > 0 THEN left(rest, sp1 - 1) ELSE rest END AS tok1, sp1 > 0 AS has1 FROM ${from}`);
  step('host_token', (from) => `SELECT *, NOT suffix(tok1, ':') AS host_tok FROM ${from}`);
  // `r`: the text after the host; `ok`: a valid stamp, and no OpenWrt `facility.level` where the host would be.
  step('after_host', (from) => `SELECT *,
      CASE WHEN NOT host_tok THEN rest WHEN NOT has1 THEN '' ELSE ltrim(substr(rest, sp1 + 1), ' ') END AS r,
      ok0 AND us IS NOT NULL
        AND NOT (has1 AND CASE WHEN strpos(tok1, '.') > 1 THEN list_contains(${list(facLevel)}, tok1) ELSE false END) AS ok
    FROM ${from}`);
  // The tag: `ident[pid]:` or `ident:`, else no tag and `r` is the message.
  step('second_space', (from) => `SELECT *, strpos(r, ' ') AS sp2 FROM ${from}`);
  step('tag_token', (from) => `SELECT *, CASE WHEN sp2 > 0 THEN left(r, sp2 - 1) ELSE r END AS tag, sp2 > 0 AS has2 FROM ${from}`);
  step('tag_shape', (from) => `SELECT *, length(tag) >= 2 AND suffix(tag, ':') AS is_tag,
      -- \`ident[pid]:\` → \`pid]:\` (the text after the last \`[\`)
      CASE WHEN suffix(tag, ']:') THEN split_part(tag, '[', -1) END AS pp
    FROM ${from}`);
  step('tag_pid', (from) => `SELECT *, is_tag AND coalesce(regexp_full_match(pp, '[0-9]{1,10}\\]:') AND length(tag) - length(pp) >= 2, false) AS has_pid FROM ${from}`);
  step('tagged', (from) => `SELECT *,
      CASE WHEN is_tag THEN (CASE WHEN has_pid THEN left(tag, length(tag) - length(pp) - 1) ELSE left(tag, length(tag) - 1) END) END AS ident,
      CASE WHEN has_pid THEN TRY_CAST(left(pp, length(pp) - 2) AS INTEGER) END AS pid,
      CASE WHEN NOT is_tag THEN r WHEN has2 THEN substr(r, sp2 + 1) ELSE '' END AS msg
    FROM ${from}`);
  // Kernel lines: the printk stamp `[ 8123.456789] ` that starts the message, as mono_us.
  step('kernel_stamp', (from) => `SELECT *, ident IS NOT DISTINCT FROM 'kernel' AS kernel,
      CASE WHEN ident = 'kernel' AND prefix(msg, '[')
        THEN regexp_extract(msg, '^(\\[ *([0-9]{1,12})\\.([0-9]+)\\] ?)', ['whole', 's', 'f']) END AS pk
    FROM ${from}`);
  // (TRY_CAST although pk.s is 1–12 digits when not '': inlined, DuckDB may cast the '' of a
  // line without a stamp before the CASE looks at it.)
  step('kernel_mono', (from) => `SELECT *, CASE WHEN pk.s <> '' THEN TRY_CAST(pk.s AS BIGINT) * 1000000 + ${micros('pk.f')} END AS mono FROM ${from}`);
  return `
    WITH ${steps.map(([name, select]) => `${name} AS NOT MATERIALIZED (\n      ${select}\n    )`).join(',\n    ')}
    SELECT ${hostExpr} AS host, make_timestamptz(us) AS ts, CASE kind WHEN 1 THEN '${quality3164}' ELSE 'exact' END AS ts_quality,
      boot AS boot_id, CASE WHEN kernel THEN mono END AS mono_us, ident, CASE WHEN NOT kernel THEN pid END AS pid,
      NULL::VARCHAR AS unit, NULL::TINYINT AS priority, NULL::TINYINT AS facility,
      CASE WHEN kernel THEN 'kernel' ELSE 'syslog' END AS transport,
      CASE WHEN kernel AND mono IS NOT NULL THEN substr(msg, length(pk.whole) + 1) ELSE msg END${continued ? ` || coalesce(extra, '')` : ''} AS message,
      -- (with continuation lines: at most MAX_LINE bytes in all, which the line parser's limit in UTF-16 units never cuts)
      -- (a host name that would need escaping: the line parser's, through safeHostName)
      CASE WHEN ok${continued ? ` AND (extra_len IS NULL OR strlen(msg) + extra_len <= ${MAX_LINE})` : ''}${host.fixed == null ? ` AND NOT (host_tok AND ${hostNeedsCareSql('tok1')})` : ''} THEN ${srcId} ELSE ${oddSrc} END AS source_id, n AS line_no
    FROM ${steps[steps.length - 1]![0]}`;
}
