/**
 * The loader appends rows in columnar chunks of 2048; the rows of small batches (a fleet's
 * members add a few rows each, of many sources) wait to fill a chunk. Whatever the mix of batch
 * sizes, sources, tables and flushes, the tables must hold exactly the rows added, in order, each
 * with its own source id, and a flush must make the waiting rows visible inside the transaction.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { Load } from '../../src/store/load.js';
import type { LogEventRow, SysctlRow } from '../../src/model.js';
import { tempDir } from '../helpers.js';

const t = tempDir('bundlescope-load-');
afterAll(() => t.cleanup());

type Step =
  | { op: 'log'; src: number; n: number; hosts: number }
  | { op: 'sysctl'; src: number; n: number }
  | { op: 'flush' };

const step: fc.Arbitrary<Step> = fc.oneof(
  // Mostly small batches, sometimes ones that cross or fill whole chunks.
  fc.record({ op: fc.constant('log' as const), src: fc.integer({ min: 0, max: 5 }), n: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 2000, max: 5000 })), hosts: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('sysctl' as const), src: fc.integer({ min: 0, max: 5 }), n: fc.integer({ min: 0, max: 300 }) }),
  fc.constant({ op: 'flush' as const }),
);

let seq = 0;
function logRows(n: number, hosts: number): LogEventRow[] {
  return Array.from({ length: n }, () => {
    const k = seq++;
    return {
      host: k % 7 === 0 ? null : `h${k % hosts}`, ts: k % 11 === 0 ? null : 1_700_000_000_000_000 + k * 1000, ts_quality: 'exact',
      boot_id: null, mono_us: k % 3 === 0 ? k : null, ident: k % 5 === 0 ? null : `app${k % 3}`, pid: k % 4 === 0 ? null : k,
      unit: null, priority: k % 8, facility: 3, transport: 'syslog', message: `message ${k} ${'é'.repeat(k % 3)}`, line_no: k,
    };
  });
}

async function check(store: Store, steps: Step[]): Promise<void> {
  const load = new Load(store.conn);
  await load.begin();
  const srcs: number[] = [];
  for (let i = 0; i < 6; i++) srcs.push(await load.newSource({ parent_id: null, host: null, kind: 'syslog', path: `f${i}`, sha256: null, bytes: null }));
  const wantLog: unknown[][] = [];
  const wantSys: unknown[][] = [];
  const count = async (table: string) => Number((await store.conn.runAndReadAll(`SELECT count(*) FROM ${table} WHERE source_id >= ${srcs[0]}`)).getRows()[0]![0]);
  for (const s of steps) {
    if (s.op === 'flush') {
      await load.flushAll();
      expect(await count('log_events')).toBe(wantLog.length);
      expect(await count('sysctls')).toBe(wantSys.length);
    } else if (s.op === 'log') {
      const rows = logRows(s.n, s.hosts);
      await load.add('log_events', srcs[s.src]!, rows);
      for (const r of rows) wantLog.push([srcs[s.src]!, r.line_no, r.host, r.ident, r.pid, r.message, r.ts]);
    } else {
      const rows: SysctlRow[] = Array.from({ length: s.n }, (_, i) => ({ host: 'h', name: `net.k${seq + i}`, value: String(i), origin: 'sysctl-a', netns: null }));
      seq += s.n;
      await load.add('sysctls', srcs[s.src]!, rows);
      for (const r of rows) wantSys.push([srcs[s.src]!, r.name, r.value]);
    }
  }
  await load.commit();
  const got = async (sql: string) => (await store.conn.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  expect(await got(`SELECT source_id, line_no, host, ident, pid, message, epoch_us(ts) FROM log_events WHERE source_id >= ${srcs[0]} ORDER BY rowid`)).toEqual(wantLog);
  expect(await got(`SELECT source_id, name, value FROM sysctls WHERE source_id >= ${srcs[0]} ORDER BY rowid`)).toEqual(wantSys);
  // Each source's totals count its own rows.
  const perSrc = new Map<number, number>();
  for (const r of [...wantLog, ...wantSys]) perSrc.set(r[0] as number, (perSrc.get(r[0] as number) ?? 0) + 1);
  for (const [src, rows] of await got(`SELECT source_id, rows FROM sources WHERE source_id >= ${srcs[0]} ORDER BY source_id`)) {
    expect(rows).toBe(perSrc.get(src as number) ?? 0);
  }
}

describe('Load: rows of small batches wait to fill a chunk', () => {
  it('stores every row in order with its own source, whatever the batches and flushes', async () => {
    const store = await openStore(join(t.dir, 'load.duckdb'));
    try {
      await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => check(store, steps)), { numRuns: 25, seed: 2026 });
    } finally {
      await store.close();
    }
  });

  it('a rollback drops the rows still waiting', async () => {
    const store = await openStore(join(t.dir, 'rollback.duckdb'));
    try {
      const load = new Load(store.conn);
      await load.begin();
      const src = await load.newSource({ parent_id: null, host: null, kind: 'syslog', path: 'x', sha256: null, bytes: null });
      await load.add('log_events', src, logRows(10, 2));
      await load.rollback();
      const again = new Load(store.conn);
      await again.begin();
      const src2 = await again.newSource({ parent_id: null, host: null, kind: 'syslog', path: 'y', sha256: null, bytes: null });
      await again.add('log_events', src2, logRows(3, 2));
      await again.commit();
      expect((await store.conn.runAndReadAll('SELECT source_id, count(*) FROM log_events GROUP BY ALL')).getRows()).toEqual([[BigInt(src2), 3n]]);
    } finally {
      await store.close();
    }
  });
});

describe('the loader\'s columns', () => {
  it('are checked against the table: a column added to the schema but not to the loader fails loudly, naming both counts', async () => {
    const store = await openStore(join(t.dir, 'mismatch.duckdb'));
    try {
      await store.conn.run('ALTER TABLE sysctls ADD COLUMN extra VARCHAR');
      const load = new Load(store.conn);
      await load.begin();
      const src = await load.newSource({ parent_id: null, host: 'h', kind: 'sysctl', path: 'x', sha256: null, bytes: null });
      await expect(load.add('sysctls', src, [{ host: 'h', name: 'net.a', value: '1', origin: 'sysctl-a', netns: null }]))
        .rejects.toThrow('table sysctls: the loader writes 6 columns, the database has 7 (src/store/columns.ts COLUMNS and sql/schema disagree)');
      await load.rollback();
    } finally {
      store.close();
    }
  });
});
