import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, type ExitCode } from '../errors.js';
import type { Store } from '../store/db.js';
import { fileCompression, type Compression } from '../io/decompress.js';
import { ingestPaths, partitionInputs, type IngestOptions, type InputSummary } from './ingest.js';
import { deferVacuum } from '../store/tuning.js';
import { acquireTempFolder, releaseTempFolder } from '../io/tempdir.js';

/**
 * `ingest --jobs N` as a library function: bundles are spread over N groups; this process loads
 * the first into the store while N−1 worker processes (the built CLI) load the others, each into a
 * temporary database (DuckDB has one writer per file), merged into the store afterwards, one
 * transaction each. Side files are not loaded here: they are returned (`others`) for the caller to
 * load after the merge, so they see the bundles' host facts.
 */

/** The built CLI the workers run (from src/ under tests and from dist/ alike). */
const CLI_JS = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

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
  let kind: Compression = 'none';
  try {
    kind = fileCompression(p);
  } catch {
    /* unreadable: counted by its size (it fails when ingested) */
  }
  return safeSize(p) * ARCHIVE_EXPANSION[kind];
}

export interface JobsRequest {
  jobs: number;
  /** Options for this process's own group. */
  opts: IngestOptions;
  /** Command-line options passed on to each worker (`--host`, `--tz`, limits, …). */
  workerArgs: string[];
  /** Lines for the user: a worker's own stderr lines (its `total:` line left out) and the decision to stay in one process. */
  say: (line: string) => void;
  /** Called with this process's own summaries as soon as its group is loaded (the workers may still run). */
  ownDone: (summaries: InputSummary[]) => void;
}

export type JobsResult =
  | { parallel: false }
  | {
    parallel: true;
    bundles: number;
    groups: number;
    /** Sources merged from the worker databases, and inputs they held that the store had already. */
    merged: number;
    duplicates: number;
    /** Exit code of each worker process. */
    workerCodes: number[];
    /** Side files (and the folder walk that found them), for the caller to load after the bundles. */
    others: string[];
    walked: Set<string>;
  };

/**
 * Loads the bundles among `paths` with `jobs` processes, or returns `{ parallel: false }` when one
 * process is better (fewer than two bundles, or too little to read: JOBS_MIN_BYTES).
 */
export async function ingestWithJobs(store: Store, paths: string[], req: JobsRequest): Promise<JobsResult> {
  const jobs = Math.max(1, Math.floor(req.jobs));
  if (jobs < 2) return { parallel: false };
  const { bundles, others, walked } = await partitionInputs(paths);
  if (bundles.length < 2) return { parallel: false };
  let bytes = 0;
  for (const b of bundles) bytes += await bundleBytes(b);
  const env = Number(process.env.BUNDLESCOPE_JOBS_MIN_BYTES);
  const minBytes = process.env.BUNDLESCOPE_JOBS_MIN_BYTES != null && Number.isFinite(env) ? env : JOBS_MIN_BYTES;
  if (bytes < minBytes) {
    const archives = bundles.reduce((a, b) => a + safeSize(b), 0);
    req.say(`--jobs ${jobs}: ${bundles.length} bundles, ${(archives / 1048576).toFixed(1)} MiB of archives (~${(bytes / 1048576).toFixed(1)} MiB unpacked): one process (workers pay off from ${(minBytes / 1048576).toFixed(0)} MiB unpacked)`);
    return { parallel: false };
  }
  const groups = balance(bundles, Math.min(jobs, bundles.length));
  // (worker databases in the process's temporary folder: removed on Ctrl-C too, swept after a kill -9)
  const tmp = acquireTempFolder();
  try {
    const threads = String(Math.max(1, Math.floor(cpus().length / groups.length)));
    const children = groups.slice(1).map((g, k) => runWorker(join(tmp, `part-${k + 1}.duckdb`), g, req, threads));
    const workersDone = Promise.all(children);
    // …while this process loads group 0 itself (no process to start, and one merge fewer: a merge
    // copies every row again, 1.4 s per 1.2M log lines), then merges the others.
    let merged = 0;
    let duplicates = 0;
    let workerCodes: number[] = [];
    try {
      await store.conn.run(`SET threads = ${threads}`);
      req.ownDone(await ingestPaths(store, groups[0]!, req.opts));
      workerCodes = await workersDone;
      await store.conn.run('RESET threads');
      // (each merge is a transaction of its own, like an input: no vacuum of its partial row groups)
      const { mergeDatabase } = await import('../store/merge.js');
      const restoreVacuum = await deferVacuum(store);
      try {
        for (let i = 1; i < groups.length; i++) {
          const part = join(tmp, `part-${i}.duckdb`);
          if (!existsSync(part)) continue;
          const r = await mergeDatabase(store, part);
          merged += r.sources;
          duplicates += r.skippedInputs;
        }
      } finally {
        await restoreVacuum();
      }
      // Hosts whose data came from several workers are calibrated on the whole of it.
      const { calibrateBootTimes } = await import('../store/timebasis.js');
      await calibrateBootTimes(store.conn, 'all');
      // (their copies are matched by the first reader of log_timeline, as after any ingest)
      const { markCopiesDue } = await import('../store/timeline.js');
      await markCopiesDue(store.conn, 'all');
    } catch (e) {
      // (should this process fail, its workers still finish before their folder is removed)
      await workersDone;
      throw e;
    }
    return { parallel: true, bundles: bundles.length, groups: groups.length, merged, duplicates, workerCodes, others, walked };
  } finally {
    releaseTempFolder(tmp);
  }
}

/** Groups of bundles of about equal size: the largest first, each to the lightest group. */
function balance(bundles: string[], n: number): string[][] {
  const groups: string[][] = Array.from({ length: n }, () => []);
  const load = groups.map(() => 0);
  for (const { b, size } of bundles.map((b) => ({ b, size: safeSize(b) })).sort((x, y) => y.size - x.size)) {
    const i = load.indexOf(Math.min(...load));
    groups[i]!.push(b);
    load[i]! += size;
  }
  return groups;
}

/** One worker: `bundlescope ingest` of its group into its own database; its exit code. */
function runWorker(db: string, group: string[], req: JobsRequest, threads: string): Promise<number> {
  return new Promise<number>((resolve) => {
    // One DuckDB thread per worker: N workers with DuckDB's default of one thread per core each
    // fight over the cores (measured 1.5× slower at 200 bundles on 2 cores).
    const child = spawn(process.execPath, [CLI_JS, 'ingest', '--db', db, ...req.workerArgs, ...group],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BUNDLESCOPE_DUCKDB_THREADS: threads } });
    let buf = '';
    child.stderr.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('total: ')) req.say(line);
      }
    });
    child.on('error', () => resolve(EXIT.unexpected));
    child.on('close', (code) => resolve(code ?? EXIT.unexpected));
  });
}

/** The exit code of several runs (this process's, each worker's, the side files'): 0 when every one was 0, 2 when every one was a usage error (nothing loaded), else 3. */
export function combineExitCodes(codes: number[]): ExitCode {
  if (codes.every((c) => c === EXIT.ok)) return EXIT.ok;
  if (codes.every((c) => c === EXIT.usage)) return EXIT.usage;
  return EXIT.someInputsFailed;
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
