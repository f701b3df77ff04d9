import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { timelineFiles } from '../../src/samples/timeline.js';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { runReport, runSql } from '../../src/report/catalogue.js';
import { tempDir } from '../helpers.js';

type Files = Awaited<ReturnType<typeof timelineFiles>>;

/**
 * log_timeline (issue 16): one row per event of a host across var/log/messages, the journalctl
 * text, dmesg, a journal export and a central copy, whatever order they were ingested in.
 */
describe('log_timeline: each log event once across five copies', () => {
  const t = tempDir();
  let f: Files;
  let paths: string[];
  afterAll(() => t.cleanup());

  beforeAll(async () => {
    f = await timelineFiles();
    paths = [f.bundle, f.export, f.central].map((x) => {
      const p = join(t.dir, x.name);
      writeFileSync(p, x.data);
      return p;
    });
  });

  /** The timeline of one ingest of `order` (split in runs where `runs` says), as comparable rows. */
  async function timeline(name: string, order: number[], runs: number[][] = [order]) {
    const store = await openStore(join(t.dir, `${name}.duckdb`));
    try {
      for (const run of runs) {
        const res = await ingestPaths(store, run.map((i) => paths[i]!));
        expect(res.map((r) => r.status)).toEqual(run.map(() => 'loaded'));
      }
      const rows = (await runSql(store, `SELECT epoch_us(ts) AS ts, ts_quality, message, copies FROM log_timeline WHERE host = 'tl1' ORDER BY ts, message, copies`)).rows;
      const raw = (await runSql(store, `SELECT count(*) AS n FROM log_events WHERE host = 'tl1'`)).rows[0]!.n as number;
      const search = (await runReport(store, 'log_search', { host: 'tl1', pattern: 'time wait bucket', limit: '100000' })).rows;
      const searchAll = (await runReport(store, 'log_search', { host: 'tl1', pattern: 'time wait bucket', copies: 'all', limit: '100000' })).rows;
      return { rows, raw, search, searchAll };
    } finally {
      store.close();
    }
  }

  it('counts every event exactly once, with the number of sources that hold it', async () => {
    const r = await timeline('all', [0, 1, 2]);
    const tr = f.truth;
    // + the boot line only dmesg has
    expect(r.rows.length).toBe(tr.events + 1);
    const hist: Record<number, number> = {};
    for (const x of r.rows) hist[x.copies as number] = (hist[x.copies as number] ?? 0) + 1;
    expect(hist).toEqual({ ...tr.copies_histogram, 1: (tr.copies_histogram[1] ?? 0) + 1 });
    expect(r.raw).toBe(tr.lines.messages + tr.lines.journal_text + tr.lines.dmesg + 1 + tr.lines.export + tr.lines.central);
    expect(r.rows.reduce((a, x) => a + (x.copies as number), 0)).toBe(r.raw);
    // each event at its most precise time: the journal's µs where it has the line
    const exported = f.events.filter((e) => e.in.export);
    const byTime = new Set(r.rows.map((x) => `${x.ts} ${x.message}`));
    for (const e of exported) expect(byTime.has(`${e.us} ${e.message}`), `${e.us} ${e.message}`).toBe(true);
    // log_search: the overflow lines once each by default, every copy with copies=all
    expect(r.search.length).toBe(tr.bursts * 10);
    expect(r.search.reduce((a, x) => a + (x.copies as number), 0)).toBe(r.searchAll.length);
    expect(new Set(r.search.map((x) => x.kind))).toEqual(new Set(['tcp_timewait_overflow']));
  });

  it('gives the same timeline whatever order and runs the inputs come in (property)', async () => {
    const base = (await timeline('base', [0, 1, 2])).rows;
    let k = 0;
    await fc.assert(fc.asyncProperty(
      fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 2 }),
      async (order, split) => {
        const runs = split === 0 ? [order] : [order.slice(0, split), order.slice(split)];
        const r = await timeline(`p${k++}`, order, runs);
        expect(r.rows).toEqual(base);
      }), { numRuns: 5, seed: 16 });
  });

  it('log_search says what copies means and refuses another value', async () => {
    const store = await openStore(join(t.dir, 'all.duckdb'));
    try {
      await expect(runReport(store, 'log_search', { copies: 'some' })).rejects.toThrow(/copies must be once or all, not 'some'/);
    } finally {
      store.close();
    }
  });
});

describe('rebuildLogCopies: hosts with one source', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('settles every host with lines from one source by one DELETE, and matches copies only where a host has two sources', async () => {
    const { rebuildLogCopies } = await import('../../src/store/timeline.js');
    const store = await openStore(join(t.dir, 'one.duckdb'));
    try {
      // two hosts with one source each (a central file), one with the same line in two sources,
      // and a stale log_copies row of a one-source host (its other source gone) that must not stay
      await store.conn.run(`INSERT INTO sources (source_id, path, kind, sha256, bytes, ingested_at, time_uncertainty_s)
        VALUES (1, 'central', 'syslog', 'a', 1, now(), 1), (2, 'messages', 'syslog', 'b', 1, now(), 1), (3, 'dmesg', 'dmesg', 'c', 1, now(), 1)`);
      await store.conn.run(`INSERT INTO log_events (source_id, line_no, host, ts, ts_quality, message) VALUES
        (1, 1, 'a1', TIMESTAMPTZ '2026-03-09 14:00:00+00', 'exact', 'x'), (1, 2, 'b1', TIMESTAMPTZ '2026-03-09 14:00:00+00', 'exact', 'x'),
        (2, 1, 'c1', TIMESTAMPTZ '2026-03-09 14:00:00+00', 'exact', 'TCP: time wait bucket table overflow'),
        (3, 1, 'c1', TIMESTAMPTZ '2026-03-09 14:00:00.4+00', 'exact', 'TCP: time wait bucket table overflow')`);
      await store.conn.run(`INSERT INTO log_copies (host, source_id, line_no, event_source_id, event_line_no) VALUES ('a1', 1, 1, 9, 9)`);
      const r = await rebuildLogCopies(store.conn, 'all');
      expect(r).toEqual({ copies: 1, failed: [] });
      const rows = (await store.conn.runAndReadAll('SELECT host, source_id, line_no, event_source_id, event_line_no FROM log_copies ORDER BY ALL')).getRows();
      expect(rows).toEqual([['c1', 3n, 1n, 2n, 1n]]);
    } finally {
      await store.close();
    }
  });
});
