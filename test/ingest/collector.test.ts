/**
 * A `sos collect` archive holds one sosreport archive per node (domain.md §4.1): each is ingested
 * as a bundle of its own, shown as `<archive>/<member>`, with the same rows as the same sosreport
 * ingested alone (and a later copy of it is 'unchanged').
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { makeTarball } from '../../src/samples/tarball.js';
import { SAMPLES, tempDir } from '../helpers.js';

const t = tempDir('bundlescope-collect-');
afterAll(() => t.cleanup());

const WEB = 'sosreport-web01-2026-03-12-kqwzmab.tar.xz';
const APP = 'sosreport-app02-2026-03-12-pxtrnoe.tar.xz';
const DB = 'sosreport-db01-2026-03-12-hvcedsa.tar.gz';
const TOP = 'sos-collector-case1-2026-03-12-qwxzabc';

async function collector(members: { name: string; data: Buffer }[], compression: 'xz' | 'none' = 'xz'): Promise<Buffer> {
  return makeTarball([
    { path: `${TOP}/`, dir: true },
    ...members.map((m) => ({ path: `${TOP}/${m.name}`, content: m.data })),
    { path: `${TOP}/sos_logs/sos.log`, content: 'sos collect finished\n' },
  ], compression);
}

const sample = (name: string) => ({ name, data: readFileSync(join(SAMPLES, name)) });

/** Per table, the rows without source ids and paths (they differ by design between the two ways in). */
async function content(store: Store): Promise<Record<string, unknown[][]>> {
  const out: Record<string, unknown[][]> = {};
  for (const [tbl, cols] of [
    ['log_events', 'host, ts, ident, message, line_no'], ['overflow_events', 'host, ts, kind, count, line_no'],
    ['counter_samples', 'host, ts, name, value'], ['sockets', 'host, state, local_addr, local_port, peer_addr, peer_port'], ['sysctls', 'host, name, value'],
    ['slab_samples', 'host, ts, cache, active_objs'], ['hosts', 'host, timezone, collected_at'],
  ] as const) {
    const r = await store.conn.runAndReadAll(`SELECT ${cols} FROM ${tbl} ORDER BY ALL`);
    out[tbl] = r.getRows().map((row) => row.map((v) => (v == null ? null : String(v))));
  }
  return out;
}

let n = 0;
async function withDb<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(join(t.dir, `db${++n}.duckdb`));
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

describe('sos collect archives', () => {
  it('ingests each sosreport inside as its own bundle, with the rows it has alone', async () => {
    const file = join(t.dir, `${TOP}.tar.xz`);
    writeFileSync(file, await collector([sample(WEB), sample(APP)]));
    const alone = await withDb(async (s) => {
      await ingestPaths(s, [join(SAMPLES, WEB), join(SAMPLES, APP), join(SAMPLES, DB)]);
      return content(s);
    });
    await withDb(async (s) => {
      // (with another small bundle: they load in one group)
      const sums = await ingestPaths(s, [file, join(SAMPLES, DB)]);
      expect(sums.map((x) => [x.status, x.host, x.path])).toEqual([
        ['loaded', 'app02', `${file}/${TOP}/${APP}`],
        ['loaded', 'web01', `${file}/${TOP}/${WEB}`],
        // sos's own log: text of no known format, a notice as in a folder
        ['skipped', null, `${file}/${TOP}/sos_logs/sos.log`],
        ['loaded', 'db01', join(SAMPLES, DB)],
      ]);
      expect(await content(s)).toEqual(alone);
      const bundles = (await s.conn.runAndReadAll("SELECT path FROM sources WHERE kind = 'sosreport' ORDER BY path")).getRows().map(([p]) => p);
      expect(bundles).toEqual([`${file}/${TOP}/${APP}`, `${file}/${TOP}/${WEB}`, join(SAMPLES, DB)].sort());
      // The same sosreport on its own later is the same input.
      expect((await ingestPaths(s, [join(SAMPLES, WEB)])).map((x) => x.status)).toEqual(['unchanged']);
    });
  });

  it('a collector cut inside its second sosreport keeps the first and says which one was lost', async () => {
    // Uncompressed, so that the cut falls exactly in the second member.
    const whole = await collector([sample(APP), sample(WEB)], 'none');
    const at = whole.indexOf(Buffer.from(`${TOP}/${WEB}`)) + 512 + 2000;
    const file = join(t.dir, `${TOP}-cut.tar`);
    writeFileSync(file, whole.subarray(0, at));
    await withDb(async (s) => {
      const sums = await ingestPaths(s, [file]);
      expect(sums.map((x) => [x.status, x.host, x.path])).toEqual([
        ['loaded', 'app02', `${file}/${TOP}/${APP}`],
        ['failed', null, `${file}/${TOP}/${WEB}`],
      ]);
      expect(sums[1]!.error?.message).toMatch(/^cut short inside .*-cut\.tar \(/);
      expect((await s.conn.runAndReadAll("SELECT DISTINCT host FROM log_events ORDER BY 1")).getRows()).toEqual([['app02']]);
    });
  });

  it('the issues of a collected sosreport name its member in the collect archive, never the temporary file it was read from', async () => {
    const R = 'sosreport-node9-2026-03-12-abcdefg';
    const node = await makeTarball([
      { path: `${R}/`, dir: true },
      { path: `${R}/sos_commands/`, dir: true },
      { path: `${R}/hostname`, content: 'node9\n' },
      { path: `${R}/var/log/messages`, content: 'Mar 12 10:00:00 node9 kernel: TCP: time wait bucket table overflow\n' },
      { path: `${R}/var/log/secure`, link: '../../../../etc/shadow' },
    ], 'xz');
    const file = join(t.dir, `${TOP}-issues.tar.xz`);
    writeFileSync(file, await collector([{ name: `${R}.tar.xz`, data: node }]));
    await withDb(async (s) => {
      const sums = await ingestPaths(s, [file]);
      expect(sums.map((x) => [x.status, x.host, x.path])).toEqual([['loaded', 'node9', `${file}/${TOP}/${R}.tar.xz`], ['skipped', null, `${file}/${TOP}/sos_logs/sos.log`]]);
      expect(sums[0]!.issues.filter((i) => i.code.startsWith('unsafe')).map((i) => [i.code, i.file, i.text])).toEqual([
        ['unsafe-link', `${file}/${TOP}/${R}.tar.xz`, `${R}/var/log/secure -> ../../../../etc/shadow`],
      ]);
      const files = (await s.conn.runAndReadAll("SELECT DISTINCT file FROM ingest_issues")).getRows().map(([f]) => f);
      expect(files).toEqual([`${file}/${TOP}/${R}.tar.xz`]);
    });
  });

  it('a case tarball taken for a collect archive: its sosreports load, and every other member is read as a folder\'s file would be (issue 20)', async () => {
    const file = join(t.dir, `${TOP}-case.tar.xz`);
    writeFileSync(file, await collector([
      sample(DB),
      { name: `${DB}.md5`, data: Buffer.from('0123456789abcdef0123456789abcdef  x\n') },
      { name: 'web01/journal.export', data: Buffer.from('__REALTIME_TIMESTAMP=1773309600000000\nMESSAGE=TCP: time wait bucket table overflow\n\n') },
      { name: 'side-files.zip', data: Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'binary') },
    ]));
    await withDb(async (s) => {
      const sums = await ingestPaths(s, [file]);
      expect(sums.map((x) => [x.status, x.path, x.host, x.notice ?? null])).toEqual([
        ['loaded', `${file}/${TOP}/${DB}`, 'db01', null],
        ['skipped', `${file}/${TOP}/side-files.zip`, null, 'an archive with no files'],
        ['skipped', `${file}/${TOP}/sos_logs/sos.log`, null, 'text of no format bundlescope reads (a note or a document?); --as KIND reads it as one'],
        ['skipped', `${file}/${TOP}/${DB}.md5`, null, 'a checksum or signature file, not evidence'],
        // (an export names no host, and needs none: as in a folder)
        ['loaded', `${file}/${TOP}/web01/journal.export`, null, null],
      ]);
      expect(sums[4]!.rows).toEqual({ log_events: 1, overflow_events: 1 });
      expect((await s.conn.runAndReadAll("SELECT kind, path FROM sources WHERE parent_id IS NULL ORDER BY source_id")).getRows()).toEqual([
        ['sosreport', `${file}/${TOP}/${DB}`], ['journal-export', `${file}/${TOP}/web01/journal.export`],
      ]);
    });
  });

  it('opens one level only, and an archive with neither a sosreport root nor sosreports inside is read as an archive of logs', async () => {
    const inner = await collector([sample(WEB)]);
    const nested = join(t.dir, 'sos-collector-outer-2026-03-12-aaaaaaa.tar.xz');
    // A collector named like a sosreport, inside another collector: not opened.
    writeFileSync(nested, await makeTarball([{ path: 'outer/sosreport-nested-2026-03-12-abcdefg.tar.xz', content: inner }], 'xz'));
    const none = join(t.dir, 'sos-collector-empty-2026-03-12-aaaaaaa.tar.xz');
    writeFileSync(none, await makeTarball([{ path: 'x/sos_logs/sos.log', content: 'nothing\n' }], 'xz'));
    await withDb(async (s) => {
      const sums = await ingestPaths(s, [nested, none]);
      const inner = `${nested}/outer/sosreport-nested-2026-03-12-abcdefg.tar.xz`;
      expect(sums.map((x) => [x.status, x.path, x.error instanceof Error ? (x.error as { code?: string }).code : null])).toEqual([
        ['failed', `${inner}/${TOP}/${WEB}`, 'nested-too-deep'],
        ['skipped', `${inner}/${TOP}/sos_logs/sos.log`, null],
        ['skipped', `${none}/x/sos_logs/sos.log`, null],
      ]);
      expect(sums[0]!.error?.message).toBe('an archive inside an archive inside the input: archives are opened one level down only; extract it and give its folder');
    });
  });
});
