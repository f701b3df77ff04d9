import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { bundleBytes, combineExitCodes, ingestWithJobs } from '../../src/ingest/jobs.js';
import { openStore } from '../../src/store/db.js';
import { runSql } from '../../src/report/catalogue.js';
import { buildRca } from '../../src/rca/findings.js';
import { REPO, runCli, SAMPLES, tempDir } from '../helpers.js';

const COUNTS = `SELECT (SELECT count(*) FROM sources) s, (SELECT count(*) FROM hosts) h, (SELECT count(*) FROM log_events) l,
  (SELECT count(*) FROM overflow_events) o, (SELECT count(*) FROM counter_samples) c, (SELECT count(*) FROM sockets) k,
  (SELECT count(*) FROM sysctls) y, (SELECT count(*) FROM slab_samples) b, (SELECT count(*) FROM ingest_issues) i`;

async function summary(db: string) {
  const s = await openStore(db);
  try {
    const counts = (await runSql(s, COUNTS)).rows[0];
    const rca = (await buildRca(s)).findings.map((f) => [f.host, f.kind, f.start, f.end, f.events, f.limit.value, f.limit.peak, f.top_peers[0]?.peer ?? null]);
    return { counts, rca };
  } finally {
    s.close();
  }
}

/** `ingest --jobs 2` (worker processes of dist/cli.js, merged) stores exactly what one process does. */
describe.skipIf(!existsSync(join(REPO, 'dist', 'cli.js')))('ingest --jobs', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('gives the same tables and the same root cause as a sequential ingest, and stays a no-op on re-run', async () => {
    const inputs = [join(SAMPLES, 'incidents', 'case-4711'), SAMPLES];
    const seq = join(t.dir, 'seq.duckdb');
    const par = join(t.dir, 'par.duckdb');
    expect(await main(['ingest', '--db', seq, ...inputs], { exitOverride: true })).toBe(0); // truth.json / README: skipped as notes
    // These bundles are small: workers only when the threshold is lifted.
    process.env.BUNDLESCOPE_JOBS_MIN_BYTES = '0';
    try {
      expect(await main(['ingest', '--db', par, '--jobs', '2', ...inputs], { exitOverride: true })).toBe(0);
    } finally {
      delete process.env.BUNDLESCOPE_JOBS_MIN_BYTES;
    }
    const a = await summary(seq);
    const b = await summary(par);
    expect(b).toEqual(a);
    expect(a.counts).toMatchObject({ h: 6 }); // 5 bundles + other9 from the central syslog copy
    // Without the override the same command uses one process (and finds everything there).
    const text = await runCli(['ingest', '--db', par, '--jobs', '2', ...inputs]);
    expect(text.code).toBe(0);
    expect(text.err).toMatch(/^--jobs 2: 7 bundles, 0\.0 MiB of archives \(~0\.\d MiB unpacked\): one process \(workers pay off from 32 MiB unpacked\)$/m);
    expect((await summary(par)).counts).toEqual(a.counts);
  }, 120_000);

  it('weighs compressed archives by what they usually hold when deciding on workers', async () => {
    const put = (name: string, head: number[]) => {
      const p = join(t.dir, name);
      writeFileSync(p, Buffer.concat([Buffer.from(head), Buffer.alloc(1000 - head.length)]));
      return p;
    };
    expect(await bundleBytes(put('a.tar', [0x61]))).toBe(1000);
    expect(await bundleBytes(put('a.tar.gz', [0x1f, 0x8b]))).toBe(4000);
    expect(await bundleBytes(put('a.tar.xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]))).toBe(6000);
    expect(await bundleBytes(put('a.tar.bz2', [0x42, 0x5a, 0x68]))).toBe(6000);
    expect(await bundleBytes(put('a.tar.zst', [0x28, 0xb5, 0x2f, 0xfd]))).toBe(6000);
    const dir = join(t.dir, 'extracted');
    mkdirSync(dir);
    expect(await bundleBytes(dir)).toBe(Infinity);
  });

  it('is a library function: one process when it pays (fewer than two bundles, or too little to read), saying why', async () => {
    const db = join(t.dir, 'lib.duckdb');
    const s = await openStore(db);
    const said: string[] = [];
    const own: number[] = [];
    const req = { jobs: 2, opts: {}, workerArgs: [], say: (l: string) => said.push(l), ownDone: () => own.push(1) };
    try {
      const one = join(SAMPLES, 'sosreport-db01-2026-03-12-hvcedsa.tar.gz');
      expect(await ingestWithJobs(s, [join(SAMPLES, 'incidents', 'case-4711')], { ...req, jobs: 1 })).toEqual({ parallel: false });
      expect(await ingestWithJobs(s, [one], req)).toEqual({ parallel: false });
      expect(said).toEqual([]);
      expect(await ingestWithJobs(s, [join(SAMPLES, 'incidents', 'case-4711'), SAMPLES], req)).toEqual({ parallel: false });
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^--jobs 2: 7 bundles, 0\.0 MiB of archives \(~0\.\d MiB unpacked\): one process/);
      expect(own).toEqual([]); // nothing was loaded: the caller loads in one process
      expect((await runSql(s, 'SELECT count(*) n FROM sources')).rows[0]).toEqual({ n: 0 });
    } finally {
      s.close();
    }
  });

  it('combines the exit codes of this process, its workers and the side files: 2 only when every one loaded nothing', () => {
    expect(combineExitCodes([0, 0, 0])).toBe(0);
    expect(combineExitCodes([2, 2])).toBe(2);
    expect(combineExitCodes([2, 0])).toBe(3); // the bundles here failed, a worker's loaded
    expect(combineExitCodes([0, 3])).toBe(3);
    expect(combineExitCodes([0, 1])).toBe(3); // a worker that crashed: its inputs count as failed
  });
});
