/**
 * Log copies matched on first read (issue 21): an ingest marks the hosts it added lines to as due
 * (log_copies_due) instead of matching their copies (14.8 s of a 58 s sosreport ingest, which the
 * verdict never reads); the first command that reads log_timeline or log_copies matches them.
 *
 * Invariants, on two inputs of different shape (the timeline case: one host in a sosreport, a
 * journal export and a central copy, ingested in two runs; the demo: six hosts from three bundles
 * and a case folder): after the ingest every due host's log_timeline rows say copies NULL (one per
 * stored line, never a guessed 1); the first reader matches them and clears them; log_copies is
 * then exactly what matching every host at once gives; a reader that does not read
 * log_timeline leaves them due; a failure leaves the host due, says so, and never fails the read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timelineFiles } from '../../src/samples/timeline.js';
import { openStore, settleCopies } from '../../src/store/db.js';
import { openNotebook } from '../../src/notebook.js';
import { copiesDue, rebuildLogCopies } from '../../src/store/timeline.js';
import { runCli, SAMPLES, tempDir } from '../helpers.js';

async function readOnly<T>(db: string, fn: (c: Awaited<ReturnType<typeof openStore>>['conn']) => Promise<T>): Promise<T> {
  const s = await openStore(db, { readOnly: true });
  try {
    return await fn(s.conn);
  } finally {
    s.close();
  }
}

const rows = async (c: Awaited<ReturnType<typeof openStore>>['conn'], sql: string) => (await c.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
const COPIES = 'SELECT host, source_id, line_no, event_source_id, event_line_no FROM log_copies ORDER BY ALL';

/** log_copies as matching every host at once gives it (on a copy of the database). */
async function eager(db: string, dir: string): Promise<unknown[][]> {
  const copy = join(dir, `eager-${Math.random().toString(36).slice(2)}.duckdb`);
  copyFileSync(db, copy);
  const s = await openStore(copy);
  try {
    await s.conn.run('DELETE FROM log_copies');
    expect((await rebuildLogCopies(s.conn, 'all')).failed).toEqual([]);
    return await rows(s.conn, COPIES);
  } finally {
    s.close();
  }
}

const MATCHING = /matching log lines across sources \(copies of one event\)/;

describe('log copies are matched by the first reader of log_timeline, not by the ingest', () => {
  const t = tempDir();
  let paths: string[];
  afterAll(() => t.cleanup());
  beforeAll(async () => {
    const f = await timelineFiles();
    paths = [f.bundle, f.export, f.central].map((x) => {
      const p = join(t.dir, x.name);
      writeFileSync(p, x.data);
      return p;
    });
  });

  it('one host in three inputs, two runs: due after the ingest, NULL copies until read, matched by report log_search once', async () => {
    const db = join(t.dir, 'tl.duckdb');
    for (const run of [[paths[0]!], [paths[1]!, paths[2]!]]) {
      const r = await runCli(['ingest', ...run, '--db', db]);
      expect(r.code).toBe(0);
      expect(r.err).not.toMatch(MATCHING);
    }
    const raw = await readOnly(db, async (c) => {
      expect(await copiesDue(c)).toEqual(['tl1']);
      const [n, known, refs] = (await rows(c, `SELECT count(*), count(copies), count(copy_refs) FROM log_timeline`))[0]!;
      const stored = (await rows(c, 'SELECT count(*) FROM log_events'))[0]![0];
      expect([n, known, refs]).toEqual([stored, 0, 0]);
      return stored as number;
    });
    // a query that does not read log_timeline leaves them due
    let r = await runCli(['query', 'SELECT count(*) AS n FROM log_events', '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(MATCHING);
    expect(await readOnly(db, copiesDue)).toEqual(['tl1']);
    // the first report that reads it matches them, says so on stderr, and answers with the copies
    r = await runCli(['report', 'log_search', '--db', db, '--param', 'pattern=time wait bucket', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/matching log lines across sources \(copies of one event\) for host tl1/);
    const hits = JSON.parse(r.out) as { copies: number | null }[];
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => typeof h.copies === 'number' && h.copies >= 1)).toBe(true);
    expect(hits.some((h) => (h.copies as number) > 1)).toBe(true);
    await readOnly(db, async (c) => {
      expect(await copiesDue(c)).toEqual([]);
      const [n, known, sum] = (await rows(c, `SELECT count(*), count(copies), sum(copies) FROM log_timeline`))[0]!;
      expect(known).toBe(n);
      expect(sum).toBe(raw);
      expect(n).toBeLessThan(raw);
    });
    expect(await readOnly(db, (c) => rows(c, COPIES))).toEqual(await eager(db, t.dir));
    // once: the next reader has nothing to match
    r = await runCli(['report', 'log_search', '--db', db, '--param', 'pattern=time wait bucket', '--format', 'json']);
    expect(r.err).not.toMatch(MATCHING);
    expect(JSON.parse(r.out)).toEqual(hits);
    // a new ingest that adds to the host makes it due again (its old copies are not shown meanwhile)
    const more = join(t.dir, 'more.log');
    writeFileSync(more, 'Jun  2 10:00:00 tl1 kernel: TCP: time wait bucket table overflow\n');
    expect((await runCli(['ingest', more, '--db', db, '--tz', 'UTC'])).code).toBe(0);
    expect(await readOnly(db, copiesDue)).toEqual(['tl1']);
    expect(await readOnly(db, async (c) => (await rows(c, 'SELECT count(copies) FROM log_timeline'))[0]![0])).toBe(0);
  });

  it('the demo\'s six hosts: query on log_timeline matches every host; the same copies as matching all at once', async () => {
    const db = join(t.dir, 'demo.duckdb');
    const bundles = readdirSync(SAMPLES).filter((f) => /^sosreport-.*\.tar\.(xz|gz|bz2|zst)$/.test(f)).map((f) => join(SAMPLES, f));
    expect((await runCli(['ingest', ...bundles, join(SAMPLES, 'incidents', 'case-4711'), '--db', db])).code).toBe(0);
    const due = await readOnly(db, copiesDue);
    const hosts = await readOnly(db, async (c) => (await rows(c, 'SELECT DISTINCT host FROM log_events WHERE host IS NOT NULL ORDER BY 1')).map((x) => x[0]));
    expect(due).toEqual(hosts);
    expect(due.length).toBeGreaterThanOrEqual(5);
    const r = await runCli(['query', 'SELECT count(*) AS n, count(copies) AS known, sum(copies) AS lines FROM LOG_TIMELINE', '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(new RegExp(`copies of one event\\) for ${due.length} hosts`));
    const [got] = JSON.parse(r.out) as { n: number; known: number; lines: number }[];
    const stored = await readOnly(db, async (c) => (await rows(c, 'SELECT count(*) FROM log_events'))[0]![0]);
    expect(got!.known).toBe(got!.n);
    expect(got!.lines).toBe(stored);
    expect(got!.n).toBeLessThan(stored as number);
    expect(await readOnly(db, copiesDue)).toEqual([]);
    expect(await readOnly(db, (c) => rows(c, COPIES))).toEqual(await eager(db, t.dir));
  });

  it('opening a notebook on the database matches them (its cells may read log_timeline), silently', async () => {
    const db = join(t.dir, 'nb.duckdb');
    expect((await runCli(['ingest', ...paths, '--db', db])).code).toBe(0);
    expect(await readOnly(db, copiesDue)).toEqual(['tl1']);
    const warned: unknown[] = [];
    const w = console.warn;
    console.warn = (...a: unknown[]) => warned.push(a);
    try {
      const nb = await openNotebook({ db });
      nb.close();
    } finally {
      console.warn = w;
    }
    expect(warned).toEqual([]);
    expect(await readOnly(db, copiesDue)).toEqual([]);
    expect(await readOnly(db, (c) => rows(c, COPIES))).toEqual(await eager(db, t.dir));
  });

  it('a matching that fails leaves the host due and says so; the read still answers (copies NULL)', async () => {
    const db = join(t.dir, 'fail.duckdb');
    expect((await runCli(['ingest', ...paths, '--db', db])).code).toBe(0);
    const s = await openStore(db);
    try {
      // a log_copies that refuses every row: the host's matching fails inside its transaction
      await s.conn.run('DROP TABLE log_copies');
      await s.conn.run('CREATE TABLE log_copies (host VARCHAR, source_id BIGINT NOT NULL CHECK (source_id < 0), line_no BIGINT, event_source_id BIGINT NOT NULL, event_line_no BIGINT)');
      const said: string[] = [];
      await settleCopies(s, (l) => said.push(l));
      expect(said[0]).toMatch(MATCHING);
      expect(said[1]).toMatch(/^warning\[copies-unmatched\] tl1: its log lines could not be matched across sources \(.*CHECK/i);
      expect(await copiesDue(s.conn)).toEqual(['tl1']);
      expect((await rows(s.conn, 'SELECT count(copies), count(*) FROM log_timeline'))[0]![0]).toBe(0);
      // put right, the next reader matches them
      await s.conn.run('DROP TABLE log_copies');
      await s.conn.run('CREATE TABLE log_copies (host VARCHAR, source_id BIGINT NOT NULL, line_no BIGINT, event_source_id BIGINT NOT NULL, event_line_no BIGINT)');
      await settleCopies(s, (l) => said.push(l));
      expect(await copiesDue(s.conn)).toEqual([]);
      expect(said).toHaveLength(3);
    } finally {
      s.close();
    }
  });

  it('a database another process holds open cannot be matched: the report warns, answers with copies NULL, and the host stays due', async () => {
    const db = join(t.dir, 'held.duckdb');
    expect((await runCli(['ingest', ...paths, '--db', db])).code).toBe(0);
    // another process reading the file: a writable open is refused, read-only opens are not
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      const i = await DuckDBInstance.create(${JSON.stringify(db)}, { access_mode: 'READ_ONLY' });
      await i.connect();
      process.stdout.write('ready\\n');
      process.stdin.on('data', () => process.exit(0));
    `], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((ok, no) => {
        holder.stdout!.on('data', (d) => String(d).includes('ready') && ok());
        holder.on('exit', (c) => no(new Error(`holder exited ${c}`)));
      });
      const r = await runCli(['report', 'log_search', '--db', db, '--param', 'pattern=time wait bucket', '--format', 'json']);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/warning\[copies-unmatched\] .*held\.duckdb: cannot open the database for writing to match the log lines' copies/);
      const hits = JSON.parse(r.out) as { copies: number | null }[];
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.every((h) => h.copies === null)).toBe(true);
    } finally {
      holder.stdin!.write('x');
      await new Promise((ok) => holder.on('exit', ok));
    }
    expect(await readOnly(db, copiesDue)).toEqual(['tl1']);
  });

  it('a database from before log_copies_due: upgraded on a read-only open, nothing due, its copies kept', async () => {
    const db = join(t.dir, 'old.duckdb');
    expect((await runCli(['ingest', ...paths, '--db', db])).code).toBe(0);
    expect((await runCli(['query', 'SELECT count(*) FROM log_timeline', '--db', db])).code).toBe(0);
    const before = await readOnly(db, (c) => rows(c, COPIES));
    expect(before.length).toBeGreaterThan(0);
    const s = await openStore(db);
    await s.conn.run('DROP TABLE log_copies_due');
    await s.conn.run(`DELETE FROM bundlescope_meta WHERE key = 'schema'`);
    s.close();
    const r = await runCli(['query', 'SELECT count(*) AS n FROM log_timeline WHERE copies IS NULL', '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ n: 0 }]);
    expect(await readOnly(db, copiesDue)).toEqual([]);
    expect(await readOnly(db, (c) => rows(c, COPIES))).toEqual(before);
  });
});
