/**
 * The hosts table across inputs: a new host is appended, a host seen again is upserted (a later
 * collection wins, facts it lacks keep what was known), a bare host row from a side file gets its
 * bundle's facts later — in one run or across runs, through the per-connection cache of hosts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { web01 } from '../../src/samples/generate.js';
import { sosreportEntries } from '../../src/samples/sos.js';
import { makeTarball } from '../../src/samples/tarball.js';
import { tempDir } from '../helpers.js';

const t = tempDir('bundlescope-hosts-');
afterAll(() => t.cleanup());

async function bundle(name: string, change: (s: ReturnType<typeof web01>['spec']) => void): Promise<string> {
  const { spec } = web01();
  change(spec);
  const file = join(t.dir, `${name}.tar.xz`);
  writeFileSync(file, await makeTarball(sosreportEntries(spec, name), 'xz'));
  return file;
}

const HOSTS = `SELECT host, kernel, timezone, collected_at::VARCHAR, source_id FROM hosts ORDER BY host`;

describe('hosts', () => {
  it('keeps one row per host: the later collection wins, a bare row gets its bundle\'s facts', async () => {
    const early = await bundle('sosreport-web01-2026-03-12-early01', (s) => { s.kernel = '4.18.0-1.el8.x86_64'; });
    const late = await bundle('sosreport-web01-2026-03-13-late002', (s) => { s.kernel = '4.18.0-2.el8.x86_64'; s.collectedUtcMs += 86_400_000; });
    const side = join(t.dir, 'central.log');
    writeFileSync(side, 'Mar 12 10:00:00 web01 app: x\nMar 12 10:00:01 db09 app: y\n');

    // One run, in either order: the later collection's facts, then a side file naming db09.
    for (const order of [[late, early, side], [early, late, side]]) {
      const a = await openStore(join(t.dir, `a${order[0] === late ? 1 : 2}.duckdb`));
      try {
        await ingestPaths(a, order);
        const rows = (await a.conn.runAndReadAll(HOSTS)).getRows();
        expect(rows.map((r) => r.slice(0, 4))).toEqual([
          ['db09', null, null, null],
          ['web01', '4.18.0-2.el8.x86_64', 'America/Chicago', '2026-03-13 19:20:02+00'],
        ]);
        // source_id: the later bundle's row.
        const src = await a.conn.runAndReadAll(`SELECT s.path FROM hosts h JOIN sources s USING (source_id) WHERE h.host = 'web01'`);
        expect(String(src.getRows()[0]![0])).toBe(late);
      } finally {
        a.close();
      }
    }

    // Across runs: the side file first (bare rows), then the bundles in a later run.
    const b = await openStore(join(t.dir, 'b.duckdb'));
    try {
      await ingestPaths(b, [side]);
      expect((await b.conn.runAndReadAll(HOSTS)).getRows().map((r) => r.slice(0, 2))).toEqual([['db09', null], ['web01', null]]);
    } finally {
      b.close();
    }
    const b2 = await openStore(join(t.dir, 'b.duckdb'));
    try {
      await ingestPaths(b2, [early]);
      expect((await b2.conn.runAndReadAll(HOSTS)).getRows().map((r) => r.slice(0, 3))).toEqual([
        ['db09', null, null], ['web01', '4.18.0-1.el8.x86_64', 'America/Chicago'],
      ]);
    } finally {
      b2.close();
    }
  });
});
