import { mkdtempSync, readdirSync, rmSync, existsSync, statSync, writeFileSync } from 'node:fs';
import type { Compression } from './ingest/decompress.js';
import { spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
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

async function withStore<T>(path: string, fn: (s: Store) => Promise<T>, readOnly = false, files?: FileAccess): Promise<T> {
  const store = await openStore(path, { readOnly, files });
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
  const codes = [...new Set(s.issues.filter((i) => i.code !== 'note').map((i) => i.code))];
  const errors = [...new Set(s.issues.filter((i) => i.severity === 'error').map((i) => i.code))];
  return `loaded    ${s.kind.padEnd(14)} ${s.path}${s.host ? ` host ${s.host}` : ''}: ${total} rows (${per || 'none'})` +
    (s.skipped ? `, ${s.skipped} lines skipped [${codes.join(', ')}]` : '') +
    (errors.length ? `; INCOMPLETE [${errors.join(', ')}]: kept what was read before the damage (--verbose tells where)` : '') +
    (s.notice ? `; ${s.notice}` : '');
}

type IngestCliOptions = { db: string; host?: string; netns?: string; tz?: string; as?: string; maxTotalBytes?: number; maxMemberBytes?: number; maxZstdWindow?: number; verbose?: boolean; jobs?: number;
  /** Side files found by walking a folder (passed on by --jobs). */
  walked?: Set<string> };

/** The built CLI (from src/ under tests and from dist/ alike). */
const CLI_JS = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * Below this many bytes of bundle contents, worker processes cost more than they save (their
 * start-up, reading the heads again, the merge: ~2–3 s together on 2 cores, against ~15 ms a small
 * bundle in one process), so `--jobs` uses one process. Compressed archives count for what they
 * hold, roughly (ARCHIVE_EXPANSION): eight 3.8 MB .tar.xz sosreports (28 MB of tar each) gained
 * 1.1× from --jobs 2 (15.5–15.9 → 13.5–14.8 s) but were 30.7 MB of archives, under the limit.
 * BUNDLESCOPE_JOBS_MIN_BYTES overrides it (the tests and the bench set 0 to measure the workers).
 */
export const JOBS_MIN_BYTES = 32 * 1024 * 1024;

/** What a compressed sosreport usually expands to, per byte of archive (logs and command output). */
const ARCHIVE_EXPANSION: Record<Compression, number> = { none: 1, gzip: 4, xz: 6, bzip2: 6, zstd: 6 };

/** Bytes a bundle archive holds, estimated from its size and compression (directories: infinite, not known cheaply). */
export async function bundleBytes(p: string): Promise<number> {
  if (isDirectory(p)) return Infinity;
  const { fileCompression } = await import('./ingest/decompress.js');
  let kind: Compression = 'none';
  try {
    kind = fileCompression(p);
  } catch {
    /* unreadable: counted by its size (it fails when ingested) */
  }
  return safeSize(p) * ARCHIVE_EXPANSION[kind];
}

/**
 * `--jobs N`: bundles are spread over N groups; this process loads the first into --db while N−1
 * worker processes load the others, each into a temporary database (DuckDB has one writer per
 * file), merged into --db afterwards one transaction each; side files follow in this process, so
 * they see the bundles' host facts.
 */
async function ingestParallel(paths: string[], o: IngestCliOptions, out: NodeJS.WritableStream): Promise<number | null> {
  const jobs = Math.max(1, Math.floor(o.jobs ?? 1));
  if (jobs < 2) return null;
  const { partitionInputs, ingestPaths } = await ingestModule();
  const { bundles, others, walked } = await partitionInputs(paths);
  if (bundles.length < 2) return null;
  let bytes = 0;
  for (const b of bundles) bytes += await bundleBytes(b);
  const env = Number(process.env.BUNDLESCOPE_JOBS_MIN_BYTES);
  const minBytes = process.env.BUNDLESCOPE_JOBS_MIN_BYTES != null && Number.isFinite(env) ? env : JOBS_MIN_BYTES;
  if (bytes < minBytes) {
    const archives = bundles.reduce((a, b) => a + safeSize(b), 0);
    out.write(`--jobs ${jobs}: ${bundles.length} bundles, ${(archives / 1048576).toFixed(1)} MiB of archives (~${(bytes / 1048576).toFixed(1)} MiB unpacked): one process (workers pay off from ${(minBytes / 1048576).toFixed(0)} MiB unpacked)\n`);
    return null;
  }
  const groups: string[][] = Array.from({ length: Math.min(jobs, bundles.length) }, () => []);
  const sized = bundles.map((b) => ({ b, size: safeSize(b) })).sort((x, y) => y.size - x.size);
  const load = groups.map(() => 0);
  for (const { b, size } of sized) {
    const i = load.indexOf(Math.min(...load));
    groups[i]!.push(b);
    load[i]! += size;
  }
  // (worker databases in the process's temporary folder: removed on Ctrl-C too, swept after a kill -9)
  const { acquireTempFolder, releaseTempFolder } = await import('./ingest/tempdir.js');
  const tmp = acquireTempFolder();
  try {
    const pass = [
      ...(o.host ? ['--host', o.host] : []), ...(o.netns ? ['--netns', o.netns] : []), ...(o.tz ? ['--tz', o.tz] : []), ...(o.as ? ['--as', o.as] : []),
      ...(o.maxTotalBytes ? ['--max-total-bytes', String(o.maxTotalBytes)] : []), ...(o.maxMemberBytes ? ['--max-member-bytes', String(o.maxMemberBytes)] : []),
      ...(o.maxZstdWindow ? ['--max-zstd-window', String(o.maxZstdWindow)] : []),
      ...(o.verbose ? ['--verbose'] : []),
    ];
    const threads = String(Math.max(1, Math.floor(cpus().length / groups.length)));
    // Workers for groups 1…N-1, each into a temporary database (DuckDB has one writer per file)…
    const children = groups.slice(1).map((g, k) => new Promise<number>((resolve) => {
      // One DuckDB thread per worker: N workers with DuckDB's default of one thread per core each
      // fight over the cores (measured 1.5× slower at 200 bundles on 2 cores).
      const child = spawn(process.execPath, [CLI_JS, 'ingest', '--db', join(tmp, `part-${k + 1}.duckdb`), ...pass, ...g],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BUNDLESCOPE_DUCKDB_THREADS: threads } });
      let buf = '';
      child.stderr.on('data', (c: Buffer) => {
        buf += c.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.startsWith('total: ')) out.write(line + '\n');
        }
      });
      child.on('error', () => resolve(EXIT.unexpected));
      child.on('close', (code) => resolve(code ?? EXIT.unexpected));
    }));
    // …while this process loads group 0 into --db itself (no process to start, and one merge
    // fewer: a merge copies every row again, 1.4 s per 1.2M log lines), then merges the others.
    let merged = 0;
    let dupes = 0;
    const codes: number[] = [];
    const workersDone = Promise.all(children);
    // (Should this process fail, its workers still finish before their folder is removed.)
    await withStore(o.db, async (store) => {
      await store.conn.run(`SET threads = ${threads}`);
      const own = await ingestPaths(store, groups[0]!, ingestOptions(o, out, false));
      codes.push(reportSummaries(own, o, out, false));
      codes.push(...await workersDone);
      await store.conn.run('RESET threads');
      // (each merge is a transaction of its own, like an input: no vacuum of its partial row groups)
      const { mergeDatabase } = await import('./ingest/merge.js');
      const { deferVacuum } = await ingestModule();
      const restoreVacuum = await deferVacuum(store);
      try {
        for (let i = 1; i < groups.length; i++) {
          const part = join(tmp, `part-${i}.duckdb`);
          if (!existsSync(part)) continue;
          const r = await mergeDatabase(store, part);
          merged += r.sources;
          dupes += r.skippedInputs;
        }
      } finally {
        await restoreVacuum();
      }
      // Hosts whose data came from several workers are calibrated on the whole of it.
      const { calibrateBootTimes } = await import('./store/timebasis.js');
      await calibrateBootTimes(store.conn, 'all');
      const { rebuildLogCopies } = await import('./store/timeline.js');
      await rebuildLogCopies(store.conn, 'all');
    }).catch(async (e) => {
      await workersDone;
      throw e;
    });
    let code: number = codes.every((c) => c === EXIT.ok) ? EXIT.ok : codes.every((c) => c === EXIT.usage) ? EXIT.usage : EXIT.someInputsFailed;
    out.write(`bundles: ${bundles.length} in ${groups.length} processes; ${merged} sources merged from ${groups.length - 1} worker database${groups.length > 2 ? 's' : ''}${dupes ? `, ${dupes} already ingested` : ''}\n`);
    if (others.length) {
      const rest = await cmdIngest(others, { ...o, jobs: 1, walked }, out);
      if (rest !== EXIT.ok) code = code === EXIT.ok && rest === EXIT.usage ? EXIT.someInputsFailed : Math.max(code, rest);
    }
    return code;
  } finally {
    releaseTempFolder(tmp);
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function safeSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
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
    }, true, { paths: [resolve(o.out)] });
    return EXIT.ok;
  }
  if (o.format === 'arrow') {
    if (!o.out && process.stdout.isTTY) throw new InputError('no-out', '--format arrow writes binary: use --out FILE or a pipe');
    // Arrow keeps DuckDB's column types (int64, UTC timestamps, lists) rather than JSON-ish values.
    // apache-arrow takes ~0.2 s to load: only the commands that write Arrow load it.
    const { queryToArrow } = await import('./report/arrow.js');
    writeOut(o.out, await withStore(o.db, (s) => queryToArrow(s, def.sql, values), true));
    return EXIT.ok;
  }
  const { columns, rows } = await withStore(o.db, (s) => runSql(s, def.sql, values), true);
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
  }, !o.write, o.allowFiles ? 'all' : 'none');
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
