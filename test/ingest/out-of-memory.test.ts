/**
 * DuckDB running out of memory while one input loads (store/tuning.ts outOfMemory): that input
 * fails with one `error[out-of-memory]` line saying what to do, its transaction is rolled back (no
 * row of it in any table), the other inputs of the run are stored, and the exit code is that of a
 * failed input (3). The condition is made with a tiny cap (BUNDLESCOPE_INGEST_MEMORY_LIMIT, the
 * documented override of the 256 MiB ingest cap) rather than a huge input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { INGEST_MEMORY_ENV } from '../../src/store/tuning.js';
import { runCli, tempDir } from '../helpers.js';

/** The tables an input adds rows to (sql/schema), counted after a run. */
const TABLES = ['sources', 'hosts', 'log_events', 'overflow_events', 'slab_samples', 'counter_samples', 'sysctls', 'sockets', 'ingest_issues', 'log_copies'];

/** `n` syslog lines of host web07 (one a second). */
function syslogLines(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const t = `${String(10 + Math.floor(i / 3600) % 10).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    s += `Mar  9 ${t} web07 app[${100 + (i % 900)}]: request ${i} served in ${i % 97} ms from 10.0.${i % 250}.${i % 200}\n`;
  }
  return s;
}

async function counts(db: string): Promise<Record<string, number>> {
  const s = await openStore(db, { readOnly: true });
  try {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = Number((await s.conn.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0]![0]);
    return out;
  } finally {
    s.close();
  }
}

describe('DuckDB out of memory while an input loads', () => {
  let t: ReturnType<typeof tempDir>;
  const prevCap = process.env[INGEST_MEMORY_ENV];
  const prevThreads = process.env.BUNDLESCOPE_DUCKDB_THREADS;
  beforeEach(() => {
    t = tempDir();
    // 12 MiB: files of a few lines fit, 20,000 lines of one file do not (an appender cannot get a
    // block). Two DuckDB threads whatever the machine (what a block costs).
    process.env[INGEST_MEMORY_ENV] = '12MiB';
    process.env.BUNDLESCOPE_DUCKDB_THREADS = '2';
  });
  afterEach(() => {
    t.cleanup();
    for (const [k, v] of [[INGEST_MEMORY_ENV, prevCap], ['BUNDLESCOPE_DUCKDB_THREADS', prevThreads]] as const) {
      if (v == null) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('fails that input alone with error[out-of-memory], exit 3, and keeps no row of it', async () => {
    const big = join(t.dir, 'big.log');
    writeFileSync(big, syslogLines(20_000));
    // (side files of other hosts, no bundle: nothing to calibrate, so the run without the big file
    // must store exactly the same rows; a bundle's boot calibration can itself run out of 12 MiB)
    const small = join(t.dir, 'small.log');
    writeFileSync(small, 'Mar  9 10:00:00 web08 sshd[812]: Accepted publickey for ops\nMar  9 10:00:01 web08 sshd[812]: session opened\nMar  9 10:00:02 web08 cron[99]: job done\n');
    const other = join(t.dir, 'other.log');
    writeFileSync(other, 'Mar  9 11:00:00 db09 postgres[4410]: checkpoint starting: time\nMar  9 11:00:05 db09 postgres[4410]: checkpoint complete\n');

    const with_ = join(t.dir, 'with.duckdb');
    const r = await runCli(['ingest', '--db', with_, small, big, other]);
    expect(r.code).toBe(3);
    const errors = r.err.split('\n').filter((l) => l.startsWith('error['));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^error\\[out-of-memory\\] ${big.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: DuckDB ran out of memory loading this input \\(`));
    expect(errors[0]).toContain('the cap while ingesting is 12MiB');
    expect(errors[0]).toContain('nothing of it was stored; ingest it again with a higher cap, e.g. BUNDLESCOPE_INGEST_MEMORY_LIMIT=1GiB');
    expect(r.err).toContain('total: 3 inputs, 2 ok, 1 failed; 5 rows;');

    // The same run without the big file stores exactly the same rows: nothing of the failed input
    // is left in any table, and the other two are whole.
    const without = join(t.dir, 'without.duckdb');
    const w = await runCli(['ingest', '--db', without, small, other]);
    expect(w.code).toBe(0);
    const got = await counts(with_);
    expect(got).toEqual(await counts(without));
    expect(got).toMatchObject({ sources: 2, hosts: 2, log_events: 3 + 2 });
    const s = await openStore(with_, { readOnly: true });
    try {
      expect((await s.conn.runAndReadAll(`SELECT count(*) FROM sources WHERE path = $1`, [big])).getRows()[0]![0]).toBe(0n);
      expect((await s.conn.runAndReadAll(`SELECT count(*) FROM log_events WHERE host = 'web07'`)).getRows()[0]![0]).toBe(0n);
      expect((await s.conn.runAndReadAll(`SELECT count(*) FROM hosts WHERE host = 'web07'`)).getRows()[0]![0]).toBe(0n);
    } finally {
      s.close();
    }
  }, 60_000);
});
