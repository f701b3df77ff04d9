/**
 * Crash safety, with the real CLI in child processes (`node dist/cli.js`).
 *
 * dist/ must exist: `npm ci` builds it (the `prepare` script). When a source file under src/ is
 * newer than dist/cli.js, beforeAll runs `npm run build` first; if that build fails (someone is
 * mid-edit), the tests run against the dist/ that is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, tempDir, CLI, ensureDist } from './helpers.js';
import { openStore } from '../../src/store/db.js';

const LINES = 120_000;



interface Done { code: number | null; signal: NodeJS.Signals | null; err: string; out: string }

function spawnCli(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<Done>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, err, out })));
  return { child, done };
}

const cli = (args: string[]) => spawnCli(args).done;

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The counts that must equal a clean run's, and the checks that nothing is half there. */
async function counts(db: string): Promise<Record<string, number>> {
  // in-process, read-only: the child processes are gone by now
  const store = await openStore(db, { readOnly: true });
  try {
    const r = await store.conn.runAndReadAll(`SELECT
      (SELECT count(*) FROM sources) AS sources,
      (SELECT count(*) FROM log_events) AS log_events,
      (SELECT count(*) FROM overflow_events) AS overflow_events,
      (SELECT count(DISTINCT (source_id, line_no)) FROM log_events) AS distinct_lines,
      (SELECT count(*) FROM sources s WHERE s.rows <> (SELECT count(*) FROM log_events l WHERE l.source_id = s.source_id)
                                              + (SELECT count(*) FROM overflow_events o WHERE o.source_id = s.source_id)) AS sources_with_missing_rows`);
    const row = r.getRowObjects()[0]!;
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  } finally {
    store.close();
  }
}

describe('crash safety (child processes)', () => {
  const t = tempDir();
  const big = join(t.dir, 'messages-big');
  const small = join(t.dir, 'messages-small');
  const clean = { sources: 2, log_events: LINES + 3, overflow_events: LINES / 10 + 3, distinct_lines: LINES + 3, sources_with_missing_rows: 0 };
  /** From the schema's commit (the .wal appears) to the end of a clean run. */
  let ingestMs = 0;

  beforeAll(() => {
    ensureDist();
    const out: string[] = [];
    for (let i = 0; i < LINES; i++) {
      const s = i % 86400;
      const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((x) => String(x).padStart(2, '0')).join(':');
      out.push(`Mar 12 ${hms} web01 ${i % 10 === 0 ? 'kernel: TCP: time wait bucket table overflow' : `sshd[123]: Accepted publickey for user${i}`}`);
    }
    writeFileSync(big, out.join('\n') + '\n');
    writeFileSync(small, ['Mar 12 14:00:00', 'Mar 12 14:00:01', 'Mar 12 14:00:02'].map((s) => `${s} db01 kernel: TCP: time wait bucket table overflow`).join('\n') + '\n');
  }, 120_000);
  afterAll(() => t.cleanup());

  it('a second process on the same database fails at once with db-locked (exit 4); the first completes intact', async () => {
    const db = join(t.dir, 'locked.duckdb');
    const first = spawnCli(['ingest', '--db', db, '--tz', 'UTC', big, small]);
    await until(() => existsSync(db + '.wal'), 20_000); // schema committed: the ingest transaction is under way
    const started = Date.now();
    // Both at once: the ingest is quick, and each has to find it still running.
    const [second, reader] = await Promise.all([
      cli(['ingest', '--db', db, '--tz', 'UTC', small]),
      cli(['query', 'SELECT count(*) FROM log_events', '--db', db]),
    ]);
    const a = await first.done;
    ingestMs = Date.now() - started;
    expect(second.code).toBe(4);
    expect(second.err).toMatch(new RegExp(`^error\\[db-locked\\] ${db.replace(/\./g, '\\.')}: database is in use by another process \\(.*\\); wait for it to finish or use another --db\\n$`));
    expect(reader.code).toBe(4);
    expect(reader.err).toMatch(/^error\[db-locked\] /);
    expect(a.code, a.err).toBe(0);
    expect(a.err).toMatch(new RegExp(`^total: 2 inputs, 2 ok, 0 failed; ${clean.log_events + clean.overflow_events} rows; 0 lines skipped$`, 'm'));
    expect(await counts(db)).toEqual(clean);
  }, 60_000);

  it('SIGKILL in the middle of an ingest leaves a database that opens, holds no half input, and a re-run completes it exactly', async () => {
    const db = join(t.dir, 'killed.duckdb');
    const run = spawnCli(['ingest', '--db', db, '--tz', 'UTC', big, small]);
    await until(() => existsSync(db + '.wal'), 20_000);
    await new Promise((r) => setTimeout(r, Math.max(200, ingestMs * 0.4)));
    expect(run.child.exitCode).toBeNull(); // still working: the kill lands mid-way
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');

    const after = await counts(db);
    // whatever committed before the kill is whole: either no input or complete inputs, never part of one
    expect(after.sources_with_missing_rows).toBe(0);
    expect(after.log_events).toBe(after.distinct_lines);
    expect([0, LINES]).toContain(after.log_events);

    const again = await cli(['ingest', '--db', db, '--tz', 'UTC', big, small]);
    expect(again.code, again.err).toBe(0);
    expect(await counts(db)).toEqual(clean);
    // and once more: the same content is not loaded twice
    const third = await cli(['ingest', '--db', db, '--tz', 'UTC', big, small]);
    expect(third.err).toMatch(/^total: 2 inputs, 2 ok, 0 failed; 0 rows; 0 lines skipped$/m);
    expect(await counts(db)).toEqual(clean);
  }, 60_000);
});
