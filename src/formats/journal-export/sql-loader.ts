/**
 * Load path for `journalctl -o export` side files (plain or gzip'd) through DuckDB (format.ts
 * SqlLoader), as the journal JSON one does with read_json: the export format's own rules (binary
 * fields, resync after a bad length, issues) stay in the one JavaScript parser (parser.ts), which
 * here hands each entry's kept fields over as bytes (stage.ts) instead of making strings and rows
 * of them. The staged entries are written out in parts of ~32 MB of `\x1f`-separated lines, and
 * each part is read by `read_csv` in one INSERT that maps the fields exactly as
 * `journalEntryToRow` does — on DuckDB's threads while the parser reads on: parse and store
 * side by side on two cores, where the parser's rows went through the appender on one. An entry
 * the stage does not take (stage.ts) is made a row by the parser and appended as before. The
 * rows are then classified from log_events (kit/sql-load.ts classifyLoaded), the file's sha256
 * computed in the same read.
 *
 * The rows, issues, skipped entries and totals are the parser's (test/formats/journal-export-sql.test.ts
 * compares the tables with a gzip'd copy's, which takes the parser alone).
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { writeFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEventRow, ParseContext } from '../../model.js';
import { autoDecompress } from '../../io/decompress.js';
import type { Load } from '../../store/load.js';
import { MAX_LINE } from '../kit/lines.js';
import { shortHost } from '../kit/host.js';
import { journalColumnsSql } from '../journal-json/row-sql.js';
import { classifyLoaded, q, type FastHost, type FastResult } from '../kit/sql-load.js';
import type { Declined, Prepared, SqlLoader } from '../format.js';
import { createJournalExportParser } from './parser.js';
import { ExportStage, STAGE_FIELDS, STAGE_NUMBERS } from './stage.js';

/** Bytes of staged rows per INSERT (a part): large enough that DuckDB reads it on both cores. (Tests set it small.) */
export const EXPORT_STAGE = { partBytes: 32 << 20 };

/** The INSERT of one staged part (stage.ts) as log_events rows of source `srcId`. */
export function exportPartInsertSql(part: string, srcId: number, host: FastHost): string {
  const idx = new Map(STAGE_FIELDS.map((f, i) => [f, i]));
  // (a number field is staged only when journal-json's `uint` takes it, __REALTIME_TIMESTAMP only
  // when it does not raise an issue: read as BIGINT as they are)
  const s = (f: string) => `c_${idx.get(f)}`;
  const columns = `{'line_no': 'BIGINT', ${STAGE_FIELDS.map((f, i) => `'c_${i}': '${STAGE_NUMBERS.has(f) || f === '__REALTIME_TIMESTAMP' ? 'BIGINT' : 'VARCHAR'}'`).join(', ')}}`;
  return `
    INSERT INTO log_events
    SELECT
      ${journalColumnsSql({ text: s, num: s, rt: s('__REALTIME_TIMESTAMP') }, host)},
      ${s('MESSAGE')},
      ${srcId},
      line_no
    FROM read_csv(${q(part)}, columns = ${columns}, header = false, quote = '', escape = '', delim = '\x1f',
        nullstr = '\x02', auto_detect = false, strict_mode = false, max_line_size = ${4 * MAX_LINE})`;
}

interface ExportPrepared extends Prepared {
  path: string;
  compression: 'none' | 'gzip';
  maxBytes: number;
  /** Where the staged parts are written (removed by dispose). */
  dir: string;
  onBytes?: (bytes: number) => void;
}

/**
 * Reads the file once (sha256, parser with a stage), inserting each staged part while the next is
 * parsed; the parser's own rows are appended as they come. A part that cannot be written or
 * inserted declines (the caller rolls back; the parser alone reads the file).
 */
async function loadExport(
  load: Load, srcId: number, p: ExportPrepared, ctx: ParseContext, host: FastHost, fixHost: (rows: LogEventRow[]) => void,
): Promise<FastResult | Declined> {
  const conn = load.conn;
  const stage = new ExportStage(host.fixed == null, host.fallback, EXPORT_STAGE.partBytes);
  const parser = createJournalExportParser(ctx, stage);
  let parts = 0;
  let inserting: Promise<void> | null = null;
  // A part that cannot be written (a full temporary folder) or read back is a decline, not a
  // failure: the caller rolls the attempt back and the parser alone reads the file, with a note.
  let failure: string | null = null;
  const insertPart = async () => {
    const bytes = stage.take();
    if (bytes.length === 0) return;
    const file = join(p.dir, `part${parts++}.txt`);
    try {
      await writeFile(file, bytes);
    } catch (e) {
      failure = `the staged entries could not be written to ${p.dir}: ${(e as Error).message}`;
      return;
    }
    if (inserting) await inserting;
    inserting = conn.run(exportPartInsertSql(file, srcId, host)).then(() => rm(file, { force: true }),
      (e: Error) => { failure ??= `read_csv did not take the staged entries: ${e.message.split('\n')[0]}`; });
  };
  let jsRows = 0;
  const takeRows = async () => {
    const rows = parser.drain();
    if (rows.length === 0) return;
    fixHost(rows);
    jsRows += rows.length;
    await load.add('log_events', srcId, rows);
  };
  // A gzip'd file is decompressed here under the side files' size limit (its sha256, of the
  // compressed bytes, was taken before); damage or the limit declines: the parser alone then
  // reads it and says what was kept.
  const raw = createReadStream(p.path, { highWaterMark: 1 << 20 });
  const { stream, damage } = p.compression === 'none' ? { stream: raw, damage: { error: null as Error | null } }
    : await autoDecompress(raw, { maxBytes: p.maxBytes, limitName: '--max-total-bytes' });
  const hash = p.compression === 'none' ? createHash('sha256') : null;
  try {
    for await (const c of stream) {
      const chunk = c as Buffer;
      hash?.update(chunk);
      p.onBytes?.(raw.bytesRead); // (progress in the file's own bytes, compressed or not)
      parser.chunk(chunk);
      await takeRows();
      if (stage.full) await insertPart();
      if (failure) break;
    }
  } catch (e) {
    failure ??= `the file could not be read through: ${(e as Error).message.split('\n')[0]}`;
  }
  if (damage.error) failure ??= `damaged ${p.compression} data (${damage.error.message.split('\n')[0]})`;
  if (!failure) {
    parser.end();
    await takeRows();
    await insertPart();
  }
  if (inserting) await inserting;
  if (failure) return { declined: failure };
  if (hash) p.sha256 = hash.digest('hex');
  load.addTotals(srcId, stage.rows, stage.firstTs, stage.lastTs);
  // (the parser's rows sit in the appender: into log_events first, then every row is classified from there)
  await load.flushAll();
  const overflow = await classifyLoaded(load, srcId, []);
  return {
    logEvents: stage.rows + jsRows,
    overflowEvents: overflow,
    issues: [...parser.issues],
    skipped: parser.linesSkipped,
    noHost: stage.noHost,
  };
}

/**
 * The journal-export SQL loader (format.ts SqlLoader): a side file, plain or gzip'd. prepare makes
 * the folder the staged parts go to (the system's temporary folder); load reads the file; dispose
 * removes the folder. Bundle members and other compressions take the parser alone.
 */
export const journalExportSqlLoader: SqlLoader<ExportPrepared> = {
  takesFile: (compression) => compression === 'none' || compression === 'gzip',
  async prepare(_conn, input) {
    if (!('path' in input)) return { declined: 'a bundle member (only side files are staged for read_csv)' };
    if (input.compression !== 'none' && input.compression !== 'gzip') return { declined: `${input.compression} data (plain and gzip'd files are staged)` };
    let dir: string;
    try {
      dir = mkdtempSync(join(tmpdir(), 'bundlescope-export-'));
    } catch (e) {
      return { declined: `no temporary folder for the staged entries: ${(e as Error).message}` };
    }
    return { path: input.path, compression: input.compression, maxBytes: input.maxBytes, dir, onBytes: input.onBytes };
  },
  load(load, srcId, p, ctx, host, fixHost) {
    // What journalEntryToRow and then fixHost make of the host, when it is the same for every row
    // (journal entries take the context's host over their own _HOSTNAME).
    const fixed = host.forced ? host.fallback : ctx.host != null ? shortHost(ctx.host) : null;
    return loadExport(load, srcId, p, ctx, { fixed, fallback: host.fallback }, fixHost);
  },
  async dispose(_conn, p) {
    rmSync(p.dir, { recursive: true, force: true });
  },
};
