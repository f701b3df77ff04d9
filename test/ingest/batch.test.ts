/**
 * Small sosreports share one transaction per group; when one of them fails while loading, the
 * group is rolled back and each bundle is loaded again in its own transaction, so only the
 * failing one is lost. The failure here is real: another connection wrote a host row this one
 * had not seen.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { app02, db01, web01 } from '../../src/samples/generate.js';
import { sosreportEntries } from '../../src/samples/sos.js';
import { makeTarball } from '../../src/samples/tarball.js';
import { tempDir } from '../helpers.js';

const t = tempDir('bundlescope-batch-');
afterAll(() => t.cleanup());

async function bundle(make: typeof web01, name: string): Promise<string> {
  const file = join(t.dir, `${name}.tar.xz`);
  writeFileSync(file, await makeTarball(sosreportEntries(make().spec, name), 'xz'));
  return file;
}

describe('groups of small bundles', () => {
  it('load together, and a bundle that cannot commit fails alone', async () => {
    const files = [
      await bundle(web01, 'sosreport-web01-2026-03-12-batch01'),
      await bundle(app02, 'sosreport-app02-2026-03-12-batch02'),
      await bundle(db01, 'sosreport-db01-2026-03-12-batch03'),
    ];
    // Together: one group, every bundle loaded.
    const ok = await openStore(join(t.dir, 'ok.duckdb'));
    try {
      const sums = await ingestPaths(ok, files);
      expect(sums.map((s) => [s.host, s.status])).toEqual([['web01', 'loaded'], ['app02', 'loaded'], ['db01', 'loaded']]);
      expect((await ok.conn.runAndReadAll('SELECT count(*) FROM sources WHERE parent_id IS NULL')).getRows()).toEqual([[3n]]);
      // Again: each one is already there.
      expect((await ingestPaths(ok, files)).map((s) => s.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    } finally {
      ok.close();
    }

    // A host row written by another connection after this one cached the hosts: the group's
    // append of app02 hits the primary key, the group is rolled back, and the bundles load one by
    // one with the cache read again (app02's facts then fill the existing row).
    const s = await openStore(join(t.dir, 'conflict.duckdb'));
    const other = await s.instance.connect();
    try {
      expect((await ingestPaths(s, [files[2]!])).map((x) => x.status)).toEqual(['loaded']); // caches db01
      await other.run("INSERT INTO hosts (host) VALUES ('app02')");
      const sums = await ingestPaths(s, [files[0]!, files[1]!]);
      expect(sums.map((x) => [x.host, x.status, x.error?.message ?? null])).toEqual([['web01', 'loaded', null], ['app02', 'loaded', null]]);
      const hosts = await s.conn.runAndReadAll('SELECT host, kernel IS NOT NULL FROM hosts ORDER BY host');
      expect(hosts.getRows()).toEqual([['app02', true], ['db01', true], ['web01', true]]);
      const loaded = await s.conn.runAndReadAll('SELECT count(*) FROM sources WHERE parent_id IS NULL');
      expect(loaded.getRows()).toEqual([[3n]]);
    } finally {
      other.closeSync();
      s.close();
    }
  });
});
