import { mkdtempSync, readdirSync, rmSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type FileAccess, type Store } from './store/db.js';
import type { InputSummary } from './ingest/ingest.js';
import { EXIT, InputError, BundlescopeError } from './errors.js';
import { buildRca } from './rca/findings.js';
import { renderJson, renderMarkdown } from './rca/render.js';
import { renderHtml } from './rca/html.js';
import { loadCatalogue, findReport, bindValues } from './report/catalogue.js';
import { quoted, runSql } from './store/sql.js';
import { readsCopies } from './store/timeline.js';
import { toCsv, toJson, toMarkdown, toTable, writeOut } from './report/format.js';
import { termSafe } from './report/safe.js';
import { checkHost, checkNetns, checkReportParams, checkWindow, parseTime, zoneFor } from './validate.js';
import type { ExportFormat } from './report/export.js';

/**
 * The ingest side (archives, decompressors, parsers) is loaded only by the commands that ingest:
 * rca, report and query start ~0.1 s sooner without it (0.30 → 0.20 s of module loading).
 */
const ingestModule = () => import('./ingest/ingest.js');

export const SAMPLES_DIR = fileURLToPath(new URL('../samples/', import.meta.url));

/** `copies`: the SQL run reads log_timeline or log_copies: the copies still due are matched first (stderr says so). */
async function withStore<T>(path: string, fn: (s: Store) => Promise<T>, readOnly = false, files?: FileAccess, copies = false): Promise<T> {
  const store = await openStore(path, { readOnly, files, copies, say: copies ? (line) => process.stderr.write(termSafe(line) + '\n') : undefined });
  try {
    return await fn(store);
  } catch (e) {
    throw filesOff(e) ?? e;
  } finally {
    store.close();
  }
}

/**
 * DuckDB's refusal of a file or an extension on a connection that reads a database, as one line
 * that says why and what opts in (null for other errors).
 */
function filesOff(e: unknown): InputError | null {
  const first = (e as Error)?.message?.split('\n')[0] ?? '';
  if (e instanceof BundlescopeError || !/disabled (by|through) configuration/.test(first)) return null;
  return new InputError('files-off', `${first.replace(/^Permission Error: /, '')}: commands that read a database run with local files and extensions off (a database from elsewhere can carry views that read them); query --allow-files opts in`);
}

function describe(s: InputSummary): string {
  // (an input whose data was stored already from another one: its overlap line says from which)
  if (s.status === 'overlap') return (s.overlaps ?? []).join('\n');
  return describeInput(s) + (s.overlaps ?? []).map((l) => '\n' + l).join('');
}

function describeInput(s: InputSummary): string {
  if (s.status === 'failed') {
    const e = s.error;
    return e instanceof BundlescopeError ? e.format() : `error[failed] ${s.path}: ${e?.message ?? 'unknown error'}`;
  }
  if (s.status === 'unchanged') return `unchanged ${s.kind.padEnd(14)} ${s.path} (already ingested)`;
  if (s.status === 'skipped') return `skipped   ${''.padEnd(14)} ${s.path}: ${s.notice ?? 'not evidence'}`;
  const total = Object.values(s.rows).reduce((a, b) => a + (b ?? 0), 0);
  const per = Object.entries(s.rows).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ');
  // (notes say how an input was read, e.g. fast-path-declined: no line was skipped for them)
  const codes = [...new Set(s.issues.filter((i) => i.code !== 'note' && i.severity !== 'note').map((i) => i.code))];
  const errors = [...new Set(s.issues.filter((i) => i.severity === 'error').map((i) => i.code))];
  return `loaded    ${s.kind.padEnd(14)} ${s.path}${s.host ? ` host ${s.host}` : ''}: ${total} rows (${per || 'none'})` +
    (s.skipped ? `, ${s.skipped} lines skipped [${codes.join(', ')}]` : '') +
    (errors.length ? `; INCOMPLETE [${errors.join(', ')}]: kept what was read before the damage (--verbose tells where)` : '') +
    (s.notice ? `; ${s.notice}` : '');
}

type IngestCliOptions = { db: string; host?: string; netns?: string; tz?: string; as?: string; maxTotalBytes?: number; maxMemberBytes?: number; maxZstdWindow?: number; verbose?: boolean; jobs?: number;
  /** Side files found by walking a folder (passed on by --jobs). */
  walked?: Set<string> };

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function ingestOptions(o: IngestCliOptions, out: NodeJS.WritableStream, progress = true) {
  const tty = progress && Boolean((out as NodeJS.WriteStream).isTTY);
  const limits: Record<string, number> = {};
  if (o.maxTotalBytes) limits.maxTotalBytes = o.maxTotalBytes;
  if (o.maxMemberBytes) limits.maxMemberBytes = o.maxMemberBytes;
  if (o.maxZstdWindow) limits.maxZstdWindow = o.maxZstdWindow;
  return {
    host: o.host, netns: o.netns, tz: o.tz, as: o.as, limits, walked: o.walked,
    progress: tty ? (t: string) => out.write(`\r\x1b[K${termSafe(t).slice(0, 120)}`) : undefined,
  };
}

export async function cmdIngest(paths: string[], o: IngestCliOptions, out: NodeJS.WritableStream = process.stderr): Promise<number> {
  const parallel = await ingestParallel(paths, o, out);
  if (parallel != null) return parallel;
  const opts = ingestOptions(o, out);
  const { ingestPaths } = await ingestModule();
  const summaries = await withStore(o.db, (store) => ingestPaths(store, paths, opts));
  if (opts.progress) out.write('\r\x1b[K');
  return reportSummaries(summaries, o, out);
}

/** `--jobs N` (src/ingest/jobs.ts): the bundles in N processes, then the side files here; null when one process is better. */
async function ingestParallel(paths: string[], o: IngestCliOptions, out: NodeJS.WritableStream): Promise<number | null> {
  if (Math.floor(o.jobs ?? 1) < 2) return null;
  const { ingestWithJobs, combineExitCodes } = await import('./ingest/jobs.js');
  const workerArgs = [
    ...(o.host ? ['--host', o.host] : []), ...(o.netns ? ['--netns', o.netns] : []), ...(o.tz ? ['--tz', o.tz] : []), ...(o.as ? ['--as', o.as] : []),
    ...(o.maxTotalBytes ? ['--max-total-bytes', String(o.maxTotalBytes)] : []), ...(o.maxMemberBytes ? ['--max-member-bytes', String(o.maxMemberBytes)] : []),
    ...(o.maxZstdWindow ? ['--max-zstd-window', String(o.maxZstdWindow)] : []),
    ...(o.verbose ? ['--verbose'] : []),
  ];
  let own = EXIT.ok as number;
  const r = await withStore(o.db, (store) => ingestWithJobs(store, paths, {
    jobs: o.jobs ?? 1, opts: ingestOptions(o, out, false), workerArgs,
    say: (line) => out.write(line + '\n'),
    ownDone: (summaries) => {
      own = reportSummaries(summaries, o, out, false);
    },
  }));
  if (!r.parallel) return null;
  out.write(`bundles: ${r.bundles} in ${r.groups} processes; ${r.merged} sources merged from ${r.groups - 1} worker database${r.groups > 2 ? 's' : ''}${r.duplicates ? `, ${r.duplicates} already ingested` : ''}\n`);
  const codes = [own, ...r.workerCodes];
  if (r.others.length) codes.push(await cmdIngest(r.others, { ...o, jobs: 1, walked: r.walked }, out));
  return combineExitCodes(codes);
}

/** One line per input (and its issues with --verbose), the total line unless `total` is false; the exit code. */
function reportSummaries(summaries: InputSummary[], o: IngestCliOptions, out: NodeJS.WritableStream, total = true): number {
  for (const s of summaries) {
    // (file names, host names and quoted lines come from the inputs: no terminal escape gets through)
    out.write(termSafe(describe(s)) + '\n');
    if (o.verbose) for (const i of s.issues) out.write(termSafe(`  ${i.severity}[${i.code}] ${i.file}${i.line != null ? `:${i.line}` : ''}: ${i.text}${i.expected ? ` (expected ${i.expected})` : ''}`) + '\n');
  }
  const ok = summaries.filter((s) => s.status !== 'failed' && s.status !== 'skipped');
  const skippedFiles = summaries.filter((s) => s.status === 'skipped').length;
  const rows = summaries.reduce((a, s) => a + Object.values(s.rows).reduce((x, y) => x + (y ?? 0), 0), 0);
  const skipped = summaries.reduce((a, s) => a + s.skipped, 0);
  const failedN = summaries.length - ok.length - skippedFiles;
  if (total) out.write(`total: ${summaries.length} inputs, ${ok.length} ok, ${failedN} failed${skippedFiles ? `, ${skippedFiles} skipped (not evidence)` : ''}; ${rows} rows; ${skipped} lines skipped${skipped && !o.verbose ? ' (--verbose lists them; report sources shows them per file)' : ''}\n`);
  if (ok.length === 0 && summaries.length > 0) return EXIT.usage;
  return failedN > 0 ? EXIT.someInputsFailed : EXIT.ok;
}

/**
 * What the user named, checked against the database (host, namespace), and the time window read
 * in the right zone; notes about how a time was read go to stderr.
 */
async function checkedScope(s: Store, o: { host?: string; netns?: string; from?: string; to?: string; tz?: string }): Promise<{ from?: string; to?: string }> {
  await checkHost(s, o.host);
  await checkNetns(s, o.host, o.netns);
  const zone = await zoneFor(s, o.tz, o.host);
  const from = parseTime('from', o.from, zone);
  const to = parseTime('to', o.to, zone);
  for (const n of [from.note, to.note]) if (n) process.stderr.write(`note: ${termSafe(n)}\n`);
  checkWindow(from.iso, to.iso);
  return { from: from.iso, to: to.iso };
}

export async function cmdRca(o: { db: string; host?: string; netns?: string; from?: string; to?: string; tz?: string; format: string; out?: string }): Promise<number> {
  if (!existsSync(o.db)) throw new InputError('no-db', 'no database here: run bundlescope ingest first', o.db);
  const report = await withStore(o.db, async (s) => {
    const { from, to } = await checkedScope(s, o);
    // one open: the chart series too when the page will draw them
    return buildRca(s, { host: o.host, netns: o.netns, from, to, charts: o.format === 'html' });
  }, true);
  const text = o.format === 'json' ? renderJson(report) : o.format === 'html' ? renderHtml(report) : renderMarkdown(report);
  writeOut(o.out, text);
  return EXIT.ok;
}

/**
 * The main job: everything a customer sent, in one command. Ingests DIR (bundles first; the tool's
 * own files, checksums and notes skipped with a notice; side files that name no host take the
 * only host there is) into DIR/bundlescope.duckdb, writes DIR/report.html and prints the verdict.
 * Run again after adding a file: only the new file is read (the others are known by content).
 */
export async function cmdCase(paths: string[], o: { db?: string; host?: string; netns?: string; tz?: string; format: string; verbose?: boolean; jobs?: number;
  maxTotalBytes?: number; maxMemberBytes?: number; maxZstdWindow?: number; },
  out: NodeJS.WritableStream = process.stderr): Promise<number> {
  const dir = paths.length === 1 && isDirectory(paths[0]!) ? paths[0]! : null;
  const db = o.db ?? join(dir ?? '.', 'bundlescope.duckdb');
  const code = await cmdIngest(paths, {
    db, host: o.host, netns: o.netns, tz: o.tz, verbose: o.verbose, jobs: o.jobs ?? 1,
    maxTotalBytes: o.maxTotalBytes, maxMemberBytes: o.maxMemberBytes, maxZstdWindow: o.maxZstdWindow,
  }, out);
  if (!existsSync(db)) return code;
  const report = await withStore(db, (s) => buildRca(s, { charts: true }), true);
  if (report.hosts.length === 0) {
    // Nothing was read: a verdict of "no overflow" would be a statement about no evidence at all.
    out.write(`no report: no input of the case could be read (the errors above say why); nothing to analyse\n`);
    return code;
  }
  // Some inputs failed: the verdict and the page say so at their top, as most readers read only that.
  const failed = code === EXIT.someInputsFailed;
  const htmlPath = join(dir ?? dirname(db), 'report.html');
  const caveat = 'some inputs of the case could not be read (the error lines of the ingest say which); this report rests on the others only.';
  writeFileSync(htmlPath, renderHtml(report, failed ? { caveat } : {}));
  out.write(`report: ${htmlPath} (database ${db}; bundlescope rca / report / query --db ${db} for more)\n`);
  writeOut(undefined, o.format === 'json' ? renderJson(report)
    : (failed ? '> **Incomplete:** some inputs of the case could not be read (the `error[…]` lines of the ingest say which); this verdict rests on the others only.\n\n' : '') + renderMarkdown(report));
  return code;
}

export async function cmdReports(o: { format: string }): Promise<number> {
  const cat = loadCatalogue().map((d) => ({ name: d.name, question: d.question, params: d.params.map((p) => `$${p.name}`).join(' ') }));
  writeOut(undefined, o.format === 'json' ? JSON.stringify(cat.map(({ name, question }) => ({ name, question })), null, 2) + '\n' : toTable(['name', 'question', 'params'], cat));
  return EXIT.ok;
}

export async function cmdReport(name: string, o: { db: string; host?: string; netns?: string; from?: string; to?: string; tz?: string; param?: string[]; format: string; out?: string; wide?: boolean; rawCsv?: boolean }): Promise<number> {
  if (!existsSync(o.db)) throw new InputError('no-db', 'no database here: run bundlescope ingest first', o.db);
  const def = findReport(name);
  if (o.netns != null && !def.params.some((p) => p.name === 'netns')) {
    const takers = loadCatalogue().filter((d) => d.params.some((p) => p.name === 'netns')).map((d) => d.name);
    throw new InputError('bad-param', `report ${name} is not per network namespace; --netns works with: ${takers.join(', ')}`);
  }
  const scope = await withStore(o.db, (s) => checkedScope(s, o), true);
  const given: Record<string, string | null> = { host: o.host ?? null, netns: o.netns ?? null, from: scope.from ?? null, to: scope.to ?? null };
  const keys: string[] = [];
  for (const kv of o.param ?? []) {
    const i = kv.indexOf('=');
    if (i < 1) throw new InputError('bad-param', `--param wants key=value, got '${kv}'`);
    keys.push(kv.slice(0, i));
    given[kv.slice(0, i)] = kv.slice(i + 1);
  }
  checkReportParams(def, given, keys);
  const values = bindValues(def, given);
  if (o.format === 'parquet') {
    if (!o.out) throw new InputError('no-out', '--format parquet needs --out FILE');
    await withStore(o.db, async (s) => {
      // COPY takes no bound parameters: materialise the bound query first, then copy the table.
      await s.conn.run(`CREATE TEMP TABLE report_out AS ${def.sql}`, values as never);
      await s.conn.run(`COPY report_out TO ${quoted(o.out!)} (FORMAT parquet)`);
    }, true, { paths: [resolve(o.out)] }, readsCopies(def.sql));
    return EXIT.ok;
  }
  if (o.format === 'arrow') {
    if (!o.out && process.stdout.isTTY) throw new InputError('no-out', '--format arrow writes binary: use --out FILE or a pipe');
    // Arrow keeps DuckDB's column types (int64, UTC timestamps, lists) rather than JSON-ish values.
    // apache-arrow takes ~0.2 s to load: only the commands that write Arrow load it.
    const { queryToArrow } = await import('./report/arrow.js');
    writeOut(o.out, await withStore(o.db, (s) => queryToArrow(s, def.sql, values), true, undefined, readsCopies(def.sql)));
    return EXIT.ok;
  }
  const { columns, rows } = await withStore(o.db, (s) => runSql(s, def.sql, values), true, undefined, readsCopies(def.sql));
  const data = o.format === 'json' ? toJson(rows) : o.format === 'csv' ? toCsv(columns, rows, { raw: o.rawCsv }) : o.format === 'md' ? toMarkdown(columns, rows)
    : toTable(columns, rows, { wide: o.wide });
  writeOut(o.out, data);
  return EXIT.ok;
}

export async function cmdExport(dir: string, o: { db: string; format: string }, out = process.stderr): Promise<number> {
  if (!existsSync(o.db)) throw new InputError('no-db', 'no database here: run bundlescope ingest first', o.db);
  const { exportStore } = await import('./report/export.js');
  // DuckDB writes Parquet itself, into the export folder only; Arrow files are written from here.
  const files: FileAccess = o.format === 'parquet' ? { directories: [resolve(dir)] } : 'none';
  const written = await withStore(o.db, (s) => exportStore(s, dir, { format: o.format as ExportFormat }), true, files);
  for (const w of written) out.write(`wrote     ${w.type.padEnd(5)} ${w.name.padEnd(20)} ${String(w.rows).padStart(9)} rows → ${w.path}${w.partitioned ? ' (partitioned by host)' : ''}\n`);
  const shortened = Math.max(0, ...written.map((w) => w.shortenedHosts ?? 0));
  if (shortened) out.write(`note: ${shortened} host name${shortened > 1 ? 's' : ''} too long for a folder name: exported under host=<first 20 characters>~<sha256 prefix> (the database keeps ${shortened > 1 ? 'them' : 'it'} whole)\n`);
  out.write(`total: ${written.length} tables and views, ${written.reduce((a, w) => a + w.rows, 0)} rows, ${o.format} under ${dir}\n`);
  return EXIT.ok;
}

export async function cmdQuery(sql: string, o: { db: string; format: string; write?: boolean; allowFiles?: boolean; wide?: boolean; rawCsv?: boolean }): Promise<number> {
  if (!existsSync(o.db) && !o.write) throw new InputError('no-db', 'no database here: run bundlescope ingest first', o.db);
  const { columns, rows } = await withStore(o.db, async (s) => {
    try {
      return await runSql(s, sql);
    } catch (e) {
      // DuckDB's whole message: its hints ("Did you mean …?") and the caret under the spot
      const msg = (e as Error).message.replace(/\s+$/, '');
      const off = filesOff(e);
      if (off) throw off;
      if (!o.write && /read-only/i.test(msg.split('\n')[0] ?? '')) throw new InputError('read-only', 'the query would change the database; query is read-only unless --write is given');
      throw new InputError('sql', msg);
    }
  }, !o.write, o.allowFiles ? 'all' : 'none', readsCopies(sql));
  writeOut(undefined, o.format === 'json' ? toJson(rows) : o.format === 'csv' ? toCsv(columns, rows, { raw: o.rawCsv }) : o.format === 'md' ? toMarkdown(columns, rows)
    : toTable(columns, rows, { wide: o.wide }));
  return EXIT.ok;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

export async function cmdDemo(o: { format: string; db?: string }): Promise<number> {
  const tmp = o.db ? null : mkdtempSync(join(tmpdir(), 'bundlescope-demo-'));
  const db = o.db ?? join(tmp!, 'demo.duckdb');
  try {
    // The three sample bundles, and the multi-source case folder (bundles, a central syslog copy,
    // slabinfo / nstat / ss logs, sar, journal exports) — everything but the truth files.
    const bundles = readdirSync(SAMPLES_DIR).filter((f) => /^sosreport-.*\.tar\.(xz|gz|bz2|zst)$/.test(f)).sort().map((f) => join(SAMPLES_DIR, f));
    const caseDir = join(SAMPLES_DIR, 'incidents', 'case-4711');
    const caseFiles = existsSync(caseDir) ? listFiles(caseDir).filter((f) => !/truth\.json$|README/.test(f)) : [];
    const code = await cmdIngest([...bundles, ...caseFiles], { db });
    if (code !== EXIT.ok) return code;
    return await cmdRca({ db, format: o.format });
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** `bundlescope schema [NAME]`: every table, view and column with its meaning (src/schema.ts), from a fresh in-memory database. */
export async function cmdSchema(name: string | undefined, o: { format: string }): Promise<number> {
  const { describeSchema, schemaJson, schemaMarkdown, SCHEMA_COLUMNS_SQL } = await import('./schema.js');
  const cols = await withStore(':memory:', async (s) => (await runSql(s, SCHEMA_COLUMNS_SQL)).rows);
  let objects = describeSchema(cols as never);
  if (name != null) {
    const one = objects.filter((x) => x.name === name);
    if (!one.length) throw new InputError('unknown-name', `no table or view '${termSafe(name)}'; names: ${objects.map((x) => x.name).join(', ')}`);
    objects = one;
  }
  writeOut(undefined, o.format === 'json' ? schemaJson(objects, name == null) : schemaMarkdown(objects, name == null));
  return EXIT.ok;
}
