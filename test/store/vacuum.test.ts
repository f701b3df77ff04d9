/**
 * Each input is its own transaction and leaves a partial row group in the tables it appended to.
 * DuckDB's checkpoint would "vacuum" them (read back, merge, recompress, rewrite; the old blocks
 * stay as free space in the file): the ingest defers that (deferVacuum) and ends with a checkpoint
 * of its own, then puts DuckDB's setting back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { tempDir } from '../helpers.js';

const t = tempDir('bundlescope-vacuum-');
afterAll(() => t.cleanup());

/** A syslog file of `n` RFC 3164 lines of host `host`. */
function syslogFile(name: string, host: string, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = i % 60;
    const m = Math.floor(i / 60) % 60;
    lines.push(`Mar  9 10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')} ${host} app[${100 + (i % 7)}]: request ${i} served in ${i % 13} ms`);
  }
  const p = join(t.dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

const setting = async (store: Awaited<ReturnType<typeof openStore>>) =>
  String((await store.conn.runAndReadAll("SELECT current_setting('max_vacuum_tasks')")).getRows()[0]![0]);

describe('ingest into a database file', () => {
  it('leaves one row group per input (no vacuum), checkpoints at the end and puts the setting back', async () => {
    const a = syslogFile('a.log', 'web01', 3000);
    const b = syslogFile('b.log', 'web02', 3000);
    const db = join(t.dir, 'v.duckdb');
    const store = await openStore(db);
    try {
      expect(await setting(store)).toBe('100'); // DuckDB's default
      const r1 = await ingestPaths(store, [a], { tz: 'UTC' });
      const r2 = await ingestPaths(store, [b], { tz: 'UTC' });
      expect([r1[0]!.status, r2[0]!.status]).toEqual(['loaded', 'loaded']);
      expect(await setting(store)).toBe('100');
      // Checkpointed by the ingest itself: nothing left in the write-ahead log.
      expect(!existsSync(db + '.wal') || statSync(db + '.wal').size === 0).toBe(true);
      const groups = await store.conn.runAndReadAll(`SELECT row_group_id, max(count) FROM pragma_storage_info('log_events')
        GROUP BY row_group_id ORDER BY row_group_id`);
      // Two inputs, two row groups of 3,000 rows (a vacuum would have merged them into one of 6,000).
      expect(groups.getRows().map((r) => Number(r[1]))).toEqual([3000, 3000]);
      const rows = await store.conn.runAndReadAll('SELECT host, count(*) FROM log_events GROUP BY host ORDER BY host');
      expect(rows.getRows().map((r) => [r[0], Number(r[1])])).toEqual([['web01', 3000], ['web02', 3000]]);
    } finally {
      store.close();
    }
  });

  it('keeps a setting the caller chose', async () => {
    const store = await openStore(join(t.dir, 'w.duckdb'));
    try {
      await store.conn.run('SET max_vacuum_tasks = 7');
      await ingestPaths(store, [syslogFile('c.log', 'web03', 10)], { tz: 'UTC' });
      expect(await setting(store)).toBe('7');
    } finally {
      store.close();
    }
  });
});
