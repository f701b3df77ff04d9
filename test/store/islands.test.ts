import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { runSql } from '../../src/report/catalogue.js';
import { tempDir } from '../helpers.js';

/**
 * Overflow lines of the same second are peers in time: every evaluation of the island and
 * episode views must give the same islands. With ROWS frames over ties, a peer ordered before
 * the line that opened an island took the previous island, and two episodes 4.5 hours apart
 * came out as one in some runs and two in others (seen on the 5M-line bench database).
 */
describe('overflow islands and episodes over lines of the same instant', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('are the same in every run: ties never join bursts that are hours apart', async () => {
    const store = await openStore(join(t.dir, 'ties.duckdb'));
    try {
      // 40 bursts per host on 4 hosts, each 30 seconds × 40 lines of the same second, from two
      // sources (a copy seen twice), bursts 4.5 h apart: 192,000 rows, many ties.
      await store.conn.run(`INSERT INTO overflow_events
        SELECT 'h' || (b % 4) AS host,
          TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_seconds((b // 4) * 16200 + s) AS ts,
          'exact', 'tcp_timewait_overflow', 1, false, 'tw-bucket', NULL, NULL, NULL, 'TCP: time wait bucket table overflow', src, NULL, false
        FROM range(160) r(b), range(30) q(s), range(20) l(i), range(1, 3) c(src)`);
      const counts = [];
      for (let i = 0; i < 6; i++) {
        const { rows } = await runSql(store, `SELECT count(*) AS episodes, sum(logged) AS logged, max(end_ts - start_ts)::VARCHAR AS longest FROM overflow_episodes`);
        counts.push(rows[0]);
      }
      // each burst counts the copy with most lines once: 30 s × 20 lines
      expect(counts).toEqual(Array(6).fill({ episodes: 160, logged: 160 * 600, longest: '00:00:29' }));
    } finally {
      store.close();
    }
  });
});
