/**
 * Fast path for uncompressed `journalctl -o json` files: DuckDB's `read_json` reads the fields
 * bundlescope keeps (each as JSON, so a string is told apart from an array, a number or null)
 * and one INSERT maps them to log_events exactly as `journalEntryToRow` does. The entries are
 * numbered in file order (row ids of the insert, or WITH ORDINALITY when insertion order is not
 * preserved), which equals the line number once the file is known to hold exactly one `{…}`
 * object per line (checked in the same JavaScript read that computes the sha256).
 *
 * A MESSAGE of bytes that are valid UTF-8 is decoded in SQL (utf8-sql.ts). Entries that the SQL
 * mapping does not cover — MESSAGE missing, a repeated field, bytes that are not UTF-8, any kept
 * field that is an array/number/object, an unreadable __REALTIME_TIMESTAMP (an issue with the
 * line's text), a NUL in MESSAGE — are inserted with a placeholder source id and, as message, their
 * kept fields as DuckDB read them (one JSON object); the JavaScript parser makes their rows from
 * that, which replace the placeholders in place (same rows, same issues). Only a suspect line
 * (below) or an entry that raises an issue is read again from the file. The rows are then
 * classified from log_events in line order by the usual OverflowClassifier.
 *
 * A line read_json cannot parse becomes a NULL row (ignore_errors), hence odd, hence the JavaScript
 * parser's (a `bad-json` issue, as without the fast path); lines DuckDB is more lenient with than
 * JSON.parse are found by the scan and sent there too (JournalScan.suspects). What breaks the
 * one-row-per-line rule (a blank line, CR, NUL bytes, json-seq/json-pretty) is a decline
 * (journalJsonSqlLoader, format.ts SqlLoader): the JavaScript parser reads the whole file and its
 * source gets a fast-path-declined note. An error from DuckDB itself fails the input.
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import type { LogEventRow, ParseContext } from '../../model.js';
import type { Load } from '../../store/load.js';
import { MAX_LINE } from '../kit/lines.js';
import { createJournalJsonParser, JOURNAL_FIELDS } from './parser.js';
import { hostNeedsCareSql } from '../../report/safe.js';
import { classifyLoaded, q, type FastHost, type FastResult } from '../kit/sql-load.js';
import type { Declined, Prepared, SqlLoader } from '../format.js';
import { shortHost } from '../kit/host.js';
import { ChunkWriter } from '../../store/chunk-writer.js';
import { jsonUtf8Sql } from './utf8-sql.js';
import { journalColumnsSql, uintSql } from './row-sql.js';

export interface JournalScan {
  sha256: string;
  /**
   * Every line starts with `{` (no blank line, CR, NUL, json-seq or json-pretty): read_json then
   * yields exactly one row per line (a NULL row for a line it cannot parse), so ordinality = line.
   */
  fits: boolean;
  lines: number;
  /**
   * Lines that DuckDB may read differently from JSON.parse: not ending in `}`, ending in `,}` (a
   * trailing comma, which DuckDB's reader accepts), or longer than MAX_LINE bytes. They go to
   * the JavaScript parser. (DuckDB also accepts NaN and Infinity: in a field bundlescope keeps that
   * makes the row odd, hence the JavaScript parser's too; in any other field — journalctl never
   * writes them — the entry loads where JSON.parse would have rejected the line.)
   */
  suspects: number[];
}

const MAX_SUSPECTS = 100_000;

/** sha256 of the file and whether (and which of) its lines fit the fast path, in one read. */
export async function scanJournalJson(path: string): Promise<JournalScan> {
  const hash = createHash('sha256');
  let fits = true;
  let lines = 0;
  let lineLen = 0; // bytes of the current line so far
  let first = -1; // first byte of the current line (-1: none yet)
  let last = -1; // last byte seen
  let prev = -1; // byte before `last`
  const suspects: number[] = [];
  const endLine = () => {
    lines++;
    if (first !== 0x7b) fits = false;
    else if (last !== 0x7d || prev === 0x2c || lineLen > MAX_LINE) suspects.push(lines);
    first = -1;
    last = -1;
    prev = -1;
    lineLen = 0;
  };
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const chunk = c as Buffer;
    hash.update(chunk);
    if (!fits) continue;
    if (chunk.indexOf(0) >= 0 || chunk.indexOf(13) >= 0) {
      fits = false;
      continue;
    }
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (end > start) {
        if (first < 0) first = chunk[start]!;
        prev = end - start >= 2 ? chunk[end - 2]! : last;
        last = chunk[end - 1]!;
        lineLen += end - start;
      }
      if (nl < 0) break;
      endLine();
      start = nl + 1;
    }
    if (suspects.length > MAX_SUSPECTS) fits = false;
  }
  if (lineLen > 0) endLine();
  if (lines === 0) fits = false;
  return { sha256: hash.digest('hex'), fits, lines, suspects };
}

const col = (f: string) => `"${f}"`;
/**
 * The INSERT that maps the journal entries of `path` to log_events rows (source `srcId`; rows the
 * mapping does not cover get -1 - srcId). `ordered`: DuckDB preserves insertion order, the rows
 * are numbered afterwards from their row ids; else WITH ORDINALITY numbers them (line_no).
 * (Exported for bench/floors.mjs, which times this statement alone.)
 */
export function journalInsertSql(path: string, srcId: number, host: FastHost, ordered: boolean): string {
  const fields = [...JOURNAL_FIELDS];
  const columns = '{' + fields.map((f) => `${q(f)}: 'JSON'`).join(', ') + '}';
  // Each field's text and JSON type are taken once, in an inner projection (`v_<i>`, `t_<i>`), and
  // the timestamp's number once more above it: the mapping refers to them by name (written
  // inline, every use re-extracted the field: the INSERT of 1.1 GB of short entries took 14.9
  // CPU-s, 13.9 with the projection; session 11).
  const idx = new Map(fields.map((f, i) => [f, i]));
  const s = (f: string) => `v_${idx.get(f)}`;
  const plain = (f: string) => `coalesce(t_${idx.get(f)} IN ('VARCHAR', 'NULL'), true)`;
  const ok = [
    // (a MESSAGE of bytes: mt, their text when they are valid UTF-8, utf8-sql.ts; not with a
    // leading BOM, which TextDecoder drops)
    `(t_${idx.get('MESSAGE')} = 'VARCHAR' OR (mt IS NOT NULL AND NOT prefix(mt, '\uFEFF')))`,
    ...fields.filter((f) => f !== 'MESSAGE').map(plain),
    `(${s('__REALTIME_TIMESTAMP')} IS NULL OR rt IS NOT NULL)`,
    `NOT contains(coalesce(mt, ${s('MESSAGE')}), chr(0))`,
    // (a host name that would need escaping: the JavaScript parser's, through safeHostName)
    ...(host.fixed == null ? [`NOT coalesce(${hostNeedsCareSql(s('_HOSTNAME'))}, false)`] : []),
  ].join(' AND ');
  const oddSrc = -1 - srcId;
  const inner = fields.map((f, i) => `${col(f)} AS j_${i}, (${col(f)} ->> '$') AS v_${i}, json_type(${col(f)}) AS t_${i}`).join(', ');
  // An odd row's message holds its kept fields as DuckDB read them, one JSON object (the
  // JavaScript parser makes the row from it without reading the line again: cleanEntryRow).
  const entry = `json_object(${fields.map((f, i) => `${q(f)}, j_${i}`).join(', ')})`;
  return `
    INSERT INTO log_events
    SELECT
      ${journalColumnsSql({ text: s, num: (f) => uintSql(s(f), f), rt: 'rt' }, host)},
      CASE WHEN ok THEN coalesce(mt, ${s('MESSAGE')}, '') ELSE ${entry}::VARCHAR END,
      CASE WHEN ok THEN ${srcId} ELSE ${oddSrc} END,
      ${ordered ? 'NULL' : 'ord'}
    FROM (SELECT *, ${ok} AS ok
    FROM (SELECT *, ${uintSql(s('__REALTIME_TIMESTAMP'))} AS rt, CASE WHEN t_${idx.get('MESSAGE')} = 'ARRAY' THEN ${jsonUtf8Sql(`j_${idx.get('MESSAGE')}`)} END AS mt
    FROM (SELECT ${inner}${ordered ? '' : ', ordinality AS ord'}
      FROM read_json(${q(path)}, format = 'newline_delimited', columns = ${columns}, maximum_object_size = ${MAX_LINE * 4}, ignore_errors = true)
      ${ordered ? '' : 'WITH ORDINALITY'})))`;
}

/**
 * Loads the journal into log_events (and overflow_events) inside `load`'s transaction. Declines
 * when read_json does not give one row per line (the caller rolls back and uses the JavaScript
 * parser); a DuckDB error is thrown (the input fails).
 */
async function loadJournalJsonFast(
  load: Load, srcId: number, path: string, ctx: ParseContext, host: FastHost, fixHost: (rows: LogEventRow[]) => void,
  scanned: { value: JournalScan },
): Promise<FastResult | Declined> {
  const conn = load.conn;
  // With insertion order preserved (DuckDB's default) the rows land in file order and are
  // numbered afterwards from their row ids: WITH ORDINALITY would number them during the scan
  // but makes the whole INSERT single-threaded (about 1.5× slower).
  const pio = await conn.runAndReadAll("SELECT current_setting('preserve_insertion_order')");
  const ordered = pio.getRows()[0]![0] === true;
  const oddSrc = -1 - srcId;
  await conn.run(journalInsertSql(path, srcId, host, ordered));
  if (ordered) {
    // Rows went in in file order, one per line, with consecutive row ids: number them.
    const ids = await conn.runAndReadAll(
      `SELECT min(rowid), max(rowid), count(*) FROM log_events WHERE source_id IN (${srcId}, ${oddSrc})`);
    const [lo, hi, cnt] = ids.getRows()[0]!.map((v) => (v == null ? null : BigInt(v as bigint)));
    if (lo == null || hi == null || cnt !== BigInt(scanned.value.lines) || hi - lo + 1n !== cnt) {
      return { declined: `read_json gave ${cnt} rows for ${scanned.value.lines} lines` };
    }
    await conn.run(`UPDATE log_events SET line_no = rowid - ${lo} + 1 WHERE source_id IN (${srcId}, ${oddSrc})`);
  }
  const suspects = scanned.value.suspects;
  for (let i = 0; i < suspects.length; i += 1000) {
    await conn.run(`UPDATE log_events SET source_id = ${oddSrc} WHERE source_id = ${srcId} AND line_no IN (${suspects.slice(i, i + 1000).join(',')})`);
  }

  // Entries the SQL mapping does not cover: back to the JavaScript parser, line by line. Their
  // placeholder rows stay and take the parser's values (an UPDATE): deleting rows from those
  // just inserted makes DuckDB append the whole input again at COMMIT (1 % byte-array MESSAGEs in
  // 520 MB: COMMIT 0.02 → 0.83–1.14 s; with the UPDATE 0.25 s, session 12). Only placeholders the
  // parser gives no row for (a line that is no entry) are deleted.
  const odd = await conn.runAndReadAll(`SELECT line_no, message FROM log_events WHERE source_id = ${oddSrc}`);
  const oddRows = odd.getRows();
  const agg = await conn.runAndReadAll(
    `SELECT count(*), epoch_us(min(ts)), epoch_us(max(ts)), count(*) FILTER (WHERE host IS NULL) FROM log_events WHERE source_id = ${srcId}`);
  const [n, lo, hi, nullHosts] = agg.getRows()[0]!;
  const sqlRows = Number(n);
  load.addTotals(srcId, sqlRows, lo == null ? null : Number(lo), hi == null ? null : Number(hi));

  const parser = createJournalJsonParser(ctx);
  const jsRows: LogEventRow[] = [];
  // The odd rows' kept fields as DuckDB read them (the INSERT's json_object) give the same row as
  // the line would; the line itself is read again only for a suspect (DuckDB may have read it
  // differently) and for an entry that raises an issue or gives no row (the issue quotes the line).
  const suspect = new Set(suspects);
  const oddLines = new Set<number>();
  for (const [l, m] of oddRows) {
    const lineNo = Number(l);
    const row = suspect.has(lineNo) ? null : cleanEntryRow(String(m), ctx, lineNo);
    if (row) jsRows.push(row);
    else oddLines.add(lineNo);
  }
  if (jsRows.length) fixHost(jsRows);
  if (oddLines.size > 0) {
    let lineNo = 0;
    let carry: Buffer | null = null;
    const take = async (line: Buffer) => {
      lineNo++;
      if (!oddLines.has(lineNo)) return;
      parser.line(line.toString('utf8'), lineNo);
      const rows = parser.drain();
      if (rows.length) {
        fixHost(rows);
        for (const r of rows) jsRows.push(r);
      }
    };
    for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) {
      let chunk = c as Buffer;
      let start = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
        let line = chunk.subarray(start, nl);
        if (carry) {
          line = Buffer.concat([carry, line]);
          carry = null;
        }
        await take(line);
        start = nl + 1;
      }
      if (start < chunk.length) {
        chunk = chunk.subarray(start);
        carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      }
    }
    if (carry && carry.length) await take(carry);
    parser.end();
    const rest = parser.drain();
    if (rest.length) {
      fixHost(rest);
      for (const r of rest) jsRows.push(r);
    }
  }
  if (oddRows.length > 0) await replacePlaceholders(load, srcId, oddSrc, jsRows, oddRows.length);

  // (the parser's rows are in log_events now, with the others: classified from there)
  const overflow = await classifyLoaded(load, srcId, []);

  return {
    logEvents: sqlRows + jsRows.length,
    overflowEvents: overflow,
    issues: [...parser.issues],
    skipped: parser.linesSkipped,
    noHost: Number(nullHosts),
  };
}

/**
 * The row the JavaScript parser makes of an odd row's kept fields (`text`: their JSON object), or
 * null when that entry raises an issue or gives no row: the line itself must then be parsed.
 */
function cleanEntryRow(text: string, ctx: ParseContext, lineNo: number): LogEventRow | null {
  const p = createJournalJsonParser(ctx);
  p.line(text, lineNo);
  p.end();
  const rows = p.drain();
  return rows.length === 1 && p.issues.length === 0 && p.linesSkipped === 0 ? rows[0]! : null;
}

/**
 * The JavaScript parser's rows for the odd lines (`rows`, one per line at most) replace those
 * lines' placeholder rows (source `oddSrc`, numbered like the others) in place; the placeholders
 * of lines it gave no row for are deleted.
 */
async function replacePlaceholders(load: Load, srcId: number, oddSrc: number, rows: LogEventRow[], placeholders: number): Promise<void> {
  const conn = load.conn;
  if (rows.length > 0) {
    await conn.run('CREATE OR REPLACE TEMP TABLE journal_odd_rows AS SELECT * FROM log_events LIMIT 0');
    try {
      const app = await conn.createAppender('journal_odd_rows', 'main', 'temp');
      const w = new ChunkWriter('log_events', app);
      w.write(rows, srcId);
      w.flush();
      app.closeSync();
      // (every column but line_no, as the schema has them)
      const cols = (await conn.runAndReadAll(`SELECT column_name FROM duckdb_columns()
        WHERE database_name = 'temp' AND table_name = 'journal_odd_rows' AND column_name <> 'line_no' ORDER BY column_index`)).getRows().map((r) => String(r[0]));
      const set = cols.map((c) => `"${c}" = o."${c}"`).join(', ');
      // (joined by row id: joined on source_id and line_no, the UPDATE of 6,640 rows among 665,727
      // took 0.54 s, by row id 0.15 s; session 13)
      await conn.run(`CREATE OR REPLACE TEMP TABLE journal_odd_ids AS SELECT line_no, rowid AS rid FROM log_events WHERE source_id = ${oddSrc}`);
      const r = await conn.run(`UPDATE log_events SET ${set} FROM temp.journal_odd_rows o JOIN temp.journal_odd_ids i USING (line_no)
        WHERE log_events.rowid = i.rid`);
      if (r.rowsChanged !== rows.length) throw new Error(`${r.rowsChanged} placeholder rows for ${rows.length} parsed entries`);
    } finally {
      await conn.run('DROP TABLE IF EXISTS temp.journal_odd_rows');
      await conn.run('DROP TABLE IF EXISTS temp.journal_odd_ids');
    }
    load.countRows('log_events', srcId, rows);
  }
  if (rows.length < placeholders) await conn.run(`DELETE FROM log_events WHERE source_id = ${oddSrc}`);
}

interface JournalPrepared extends Prepared {
  path: string;
  scanned: JournalScan;
}

/**
 * The journal-json SQL loader (format.ts SqlLoader): an uncompressed side file, read by read_json.
 * prepare hashes and checks it (scanJournalJson) before the INSERT: run alongside the INSERT the
 * scan competes with DuckDB's threads for the two cores and both get slower (measured 6–8 s
 * against 5–5.5 s one after the other on the bench file). Bundle members take the line parser.
 */
export const journalJsonSqlLoader: SqlLoader<JournalPrepared> = {
  takesFile: (compression) => compression === 'none',
  async prepare(_conn, input) {
    if (!('path' in input)) return { declined: 'a bundle member (only side files are read by read_json)' };
    const scanned = await scanJournalJson(input.path).catch((e: Error) => e);
    if (scanned instanceof Error) return { declined: `the scan failed: ${scanned.message}` };
    if (!scanned.fits) return { declined: 'not one journal object per line', sha256: scanned.sha256 };
    return { path: input.path, scanned, sha256: scanned.sha256 };
  },
  load(load, srcId, p, ctx, host, fixHost) {
    // What journalEntryToRow and then fixHost make of the host, when it is the same for every row
    // (journal entries take the context's host over their own _HOSTNAME).
    const fixed = host.forced ? host.fallback : ctx.host != null ? shortHost(ctx.host) : null;
    return loadJournalJsonFast(load, srcId, p.path, ctx, { fixed, fallback: host.fallback }, fixHost, { value: p.scanned });
  },
  async dispose() {},
};
