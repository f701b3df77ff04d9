import { describe, it, vi } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';
import type { Store } from '../src/store/db.js';
import type { InputSummary } from '../src/ingest/ingest.js';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLES = join(REPO, 'samples');
export const REALWORLD = fileURLToPath(new URL('../../shared/realworld/', import.meta.url));
export const hasRealworld = existsSync(REALWORLD);
/** Why the tests that read the realworld corpus skip on a fresh clone: said in their titles. */
export const REALWORLD_ABSENT = `skipped: no realworld corpus at ${REALWORLD} (it comes in ../shared beside the clone)`;

/** A describe block that reads ../shared/realworld: skips, saying why, when the corpus is absent. */
export function describeRealworld(title: string, fn: () => void): void {
  describe.skipIf(!hasRealworld)(hasRealworld ? title : `${title} — ${REALWORLD_ABSENT}`, fn);
}

/** One test that reads ../shared/realworld: skips, saying why, when the corpus is absent. */
export function itRealworld(title: string, fn: () => unknown, timeout?: number): void {
  it.skipIf(!hasRealworld)(hasRealworld ? title : `${title} — ${REALWORLD_ABSENT}`, fn, timeout);
}

/**
 * Which load path these inputs took: sources loaded by their format's SQL loader, and sources
 * whose SQL loader declined (each has a fast-path-declined note: `reasons`).
 */
export function sqlPaths(sums: InputSummary[]): { loaded: number; declined: number; reasons: string[] } {
  const reasons = sums.flatMap((s) => s.issues.filter((i) => i.code === 'fast-path-declined').map((i) => i.text));
  return { loaded: sums.reduce((a, s) => a + (s.sqlLoaded ?? 0), 0), declined: reasons.length, reasons };
}

/** A summary without what says which load path it took (to compare the SQL and the line-parser paths). */
export function withoutLoadPath(s: InputSummary): InputSummary {
  const { sqlLoaded: _, ...rest } = s;
  return { ...rest, issues: s.issues.filter((i) => i.code !== 'fast-path-declined') };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'bundlescope-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run the CLI in-process (commander exitOverride) and capture what it writes. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => { out += String(c); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => { err += String(c); return true; });
  try {
    const code = await main(args, { exitOverride: true });
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/**
 * What an ingest stored, as plain values (BigInt → number, others → string), for comparing two
 * paths that must store the same (fast path against line parser): log_events, overflow_events,
 * ingest_issues, sources, and hosts when asked.
 */
export async function storedTables(store: Store, withHosts = false): Promise<Record<string, unknown[][]>> {
  // (the message's length in bytes too: @duckdb/node-api drops a leading BOM from the strings it
  // reads, which would hide a path that keeps one where the other does not)
  const tables: Record<string, string> = {
    log_events: 'SELECT * EXCLUDE (source_id), strlen(message) FROM log_events ORDER BY line_no, source_id',
    overflow_events: 'SELECT * EXCLUDE (source_id), strlen(message) FROM overflow_events ORDER BY line_no, source_id',
    // (a fast-path-declined note says how a source was read, not what it holds: left out, so that
    // the SQL and the line-parser paths compare equal)
    ingest_issues: "SELECT * EXCLUDE (source_id, file, logged_at) FROM ingest_issues WHERE code <> 'fast-path-declined' ORDER BY line, code",
    sources: 'SELECT host, kind, partial, rows, skipped, first_ts, last_ts FROM sources ORDER BY source_id',
    ...(withHosts ? { hosts: 'SELECT host FROM hosts ORDER BY host' } : {}),
  };
  const out: Record<string, unknown[][]> = {};
  for (const [k, sql] of Object.entries(tables)) {
    out[k] = (await store.conn.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v === null || typeof v === 'boolean' || typeof v === 'number' ? v : String(v))));
  }
  return out;
}
