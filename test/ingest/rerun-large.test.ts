/**
 * A large uncompressed side file (over 16 MiB) is hashed in the same read as its parse, and a
 * rerun is known by that hash. Binary formats (journal export, binary journal) are fed as chunks,
 * not lines: their chunks must reach the hash too. Before this was so, every such file hashed as
 * the empty input, and the second large journal of a run was reported "unchanged (already
 * ingested)" and never loaded — rotated journals of one host lost but the first.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { tempDir } from '../helpers.js';

const t = tempDir('bundlescope-rerun-');
afterAll(() => t.cleanup());

/** A journal export of `n` entries of ~450 bytes, starting at entry `from`. */
function exportText(from: number, n: number): string {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(`__CURSOR=s=0;i=${i.toString(16)}\n__REALTIME_TIMESTAMP=${1767225600000000 + i * 1000}\n__MONOTONIC_TIMESTAMP=${i * 1000}\n` +
      `_BOOT_ID=${'a'.repeat(32)}\n_HOSTNAME=big01\nPRIORITY=6\n_TRANSPORT=syslog\nSYSLOG_IDENTIFIER=app\n` +
      `MESSAGE=${i % 100 === 0 ? 'TCP: time wait bucket table overflow' : `request ${i} served `.padEnd(220, 'x')}\n\n`);
  }
  return out.join('');
}

describe('large side files in binary formats', () => {
  it('two different journal exports over 16 MiB both load; the same again is unchanged', async () => {
    const a = join(t.dir, 'a.export');
    const b = join(t.dir, 'b.export');
    writeFileSync(a, exportText(0, 40_000));
    writeFileSync(b, exportText(40_000, 40_000));
    const s = await openStore(join(t.dir, 'x.duckdb'));
    try {
      const first = await ingestPaths(s, [a, b]);
      expect(first.map((x) => [x.status, x.rows.log_events])).toEqual([['loaded', 40_000], ['loaded', 40_000]]);
      const again = await ingestPaths(s, [b, a]);
      expect(again.map((x) => x.status)).toEqual(['unchanged', 'unchanged']);
      const shas = (await s.conn.runAndReadAll('SELECT count(DISTINCT sha256) FROM sources WHERE parent_id IS NULL')).getRows()[0]![0];
      expect(Number(shas)).toBe(2);
    } finally {
      s.close();
    }
  }, 120_000);
});
