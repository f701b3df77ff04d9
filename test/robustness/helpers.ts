import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths, type IngestOptions, type InputSummary } from '../../src/ingest/ingest.js';

export { tempDir, REPO, SAMPLES, runCli } from '../helpers.js';
import { REPO as REPO_DIR } from '../helpers.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Ingest into a database file and hand back the summaries; the store stays open for queries. */
export async function ingestInto(db: string, paths: string[], opts: IngestOptions = {}): Promise<{ store: Store; sums: InputSummary[] }> {
  const store = await openStore(db);
  const sums = await ingestPaths(store, paths, opts);
  return { store, sums };
}

/** All rows of a query as plain arrays (BigInt counts as numbers). */
export async function rows(store: Store, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const r = await store.conn.runAndReadAll(sql, params as never);
  return r.getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

/** Short issue tuples [code, line, severity] for exact comparisons. */
export function issueKeys(s: InputSummary): [string, number | null, string][] {
  return s.issues.map((i) => [i.code, i.line, i.severity]);
}

export const at = (dir: string, name: string) => join(dir, name);

/** The built command line the child-process tests run. */
export const CLI = join(REPO_DIR, 'dist', 'cli.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/ (a failed build is fatal only without a dist). */
export function ensureDist(): void {
  const stale = !existsSync(CLI) || newestSource(join(REPO_DIR, 'src')) > statSync(CLI).mtimeMs;
  if (!stale) return;
  try {
    execFileSync('npm', ['run', 'build'], { cwd: REPO_DIR, stdio: 'pipe' });
  } catch (e) {
    if (!existsSync(CLI)) throw e;
  }
}
