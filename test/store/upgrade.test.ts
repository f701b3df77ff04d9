/**
 * A database written by an older bundlescope is opened by a newer one: CREATE TABLE IF NOT
 * EXISTS leaves its tables as they were, so columns added since must be added on open, in the
 * same order a new database has them (the loader and the merge of `ingest --jobs` parts write
 * columns by position).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { mergeDatabase } from '../../src/store/merge.js';
import { runSql } from '../../src/report/catalogue.js';
import { tempDir } from '../helpers.js';

const t = tempDir('bundlescope-upgrade-');
afterAll(() => t.cleanup());

async function columns(path: string, table = 'sockets'): Promise<string[]> {
  const store = await openStore(path);
  try {
    const r = await runSql(store, `SELECT column_name || ' ' || data_type AS c FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`, { t: table });
    return r.rows.map((x) => String(x.c));
  } finally {
    store.close();
  }
}

describe('opening a database made before sockets had queue columns', () => {
  it('adds recv_q and send_q where a new database has them, keeps the old rows, ingests and merges a --jobs part into it', async () => {
    const old = join(t.dir, 'old.duckdb');
    const inst = await DuckDBInstance.create(old);
    const c = await inst.connect();
    // sockets as sql/schema/08_sockets.sql created it before the queue columns, with a row and
    // a view over s.* as the old version left them.
    await c.run(`CREATE TABLE sockets (
      host VARCHAR NOT NULL, ts TIMESTAMPTZ NOT NULL, ts_quality VARCHAR NOT NULL, netns VARCHAR NOT NULL DEFAULT '',
      proto VARCHAR NOT NULL, state VARCHAR NOT NULL, local_addr VARCHAR NOT NULL, local_port INTEGER,
      peer_addr VARCHAR NOT NULL, peer_port INTEGER, process VARCHAR, timer VARCHAR, source_id BIGINT NOT NULL)`);
    await c.run(`INSERT INTO sockets VALUES ('old1', TIMESTAMPTZ '2026-03-01 10:00:00+00', 'exact', '', 'tcp', 'LISTEN',
      '0.0.0.0', 22, '0.0.0.0', NULL, NULL, NULL, 1)`);
    await c.run('CREATE VIEW socket_sides AS SELECT s.*, 1 AS side FROM sockets s');
    c.closeSync();
    inst.closeSync();

    const fresh = join(t.dir, 'fresh.duckdb');
    const want = await columns(fresh);
    expect(want.slice(-3)).toEqual(['source_id BIGINT', 'recv_q BIGINT', 'send_q BIGINT']);
    expect(await columns(old)).toEqual(want);

    const ss = join(t.dir, 'ss-ltn.txt');
    writeFileSync(ss, [
      'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'LISTEN 17     16           0.0.0.0:8080       0.0.0.0:*',
      'ESTAB  0      36          10.0.0.5:8080     10.0.9.17:51544',
    ].join('\n') + '\n');
    // what an `ingest --jobs` worker writes: a new database, merged by column position
    const ss2 = join(t.dir, 'ss-ltn-2.txt');
    writeFileSync(ss2, 'LISTEN 0      4096         0.0.0.0:443        0.0.0.0:*\n');
    const part = join(t.dir, 'part.duckdb');
    const p = await openStore(part);
    try {
      await ingestPaths(p, [ss2], { host: 'web2', as: 'ss' });
    } finally {
      p.close();
    }
    const store = await openStore(old); // a second open changes nothing
    try {
      const res = await ingestPaths(store, [ss], { host: 'web1' });
      expect(res.map((r) => r.status)).toEqual(['loaded']);
      await mergeDatabase(store, part);
      const rows = await runSql(store, `SELECT host, state, local_port, recv_q, send_q FROM sockets ORDER BY host, state`);
      expect(rows.rows).toEqual([
        { host: 'old1', state: 'LISTEN', local_port: 22, recv_q: null, send_q: null },
        { host: 'web1', state: 'ESTABLISHED', local_port: 8080, recv_q: 0, send_q: 36 },
        { host: 'web1', state: 'LISTEN', local_port: 8080, recv_q: 17, send_q: 16 },
        { host: 'web2', state: 'LISTEN', local_port: 443, recv_q: 0, send_q: 4096 },
      ]);
      const sides = await runSql(store, `SELECT host, side, recv_q, send_q FROM socket_sides WHERE state = 'LISTEN' ORDER BY host`);
      expect(sides.rows).toEqual([
        { host: 'old1', side: 'server', recv_q: null, send_q: null },
        { host: 'web1', side: 'server', recv_q: 17, send_q: 16 },
        { host: 'web2', side: 'server', recv_q: 0, send_q: 4096 },
      ]);
    } finally {
      store.close();
    }
  });
});

describe('opening a database made before overflow_events had the repeated column', () => {
  it('adds it last (false on the old rows), ingests repeat summaries and merges a --jobs part into it; the views count them', async () => {
    const old = join(t.dir, 'old-overflow.duckdb');
    const inst = await DuckDBInstance.create(old);
    const c = await inst.connect();
    // overflow_events as sql/schema/04_overflow_events.sql created it before `repeated`, with a row.
    await c.run(`CREATE TABLE overflow_events (
      host VARCHAR, ts TIMESTAMPTZ, ts_quality VARCHAR, kind VARCHAR NOT NULL, count BIGINT NOT NULL, suppressed BOOLEAN NOT NULL,
      variant VARCHAR, detail VARCHAR, mono_us BIGINT, boot_id VARCHAR, message VARCHAR NOT NULL, source_id BIGINT NOT NULL, line_no BIGINT)`);
    await c.run(`INSERT INTO overflow_events VALUES ('old1', TIMESTAMPTZ '2026-03-01 10:00:00+00', 'exact', 'tcp_timewait_overflow', 1, false,
      'tw-bucket', NULL, NULL, NULL, 'TCP: time wait bucket table overflow', 1, 1)`);
    c.closeSync();
    inst.closeSync();

    const fresh = join(t.dir, 'fresh-overflow.duckdb');
    const want = await columns(fresh, 'overflow_events');
    expect(want.slice(-3)).toEqual(['source_id BIGINT', 'line_no BIGINT', 'repeated BOOLEAN']);
    expect(await columns(old, 'overflow_events')).toEqual(want);

    const log = (host: string) => [
      `Mar  1 11:00:00 ${host} kernel: TCP: time wait bucket table overflow`,
      `Mar  1 11:00:30 ${host} last message repeated 20 times`,
    ].join('\n') + '\n';
    const a = join(t.dir, 'messages-web1');
    const b = join(t.dir, 'messages-web2');
    writeFileSync(a, log('web1'));
    writeFileSync(b, log('web2'));
    const part = join(t.dir, 'part-overflow.duckdb');
    const p = await openStore(part);
    try {
      await ingestPaths(p, [b], { tz: 'UTC' });
    } finally {
      p.close();
    }
    const store = await openStore(old);
    try {
      expect((await ingestPaths(store, [a], { tz: 'UTC' })).map((r) => r.status)).toEqual(['loaded']);
      await mergeDatabase(store, part);
      const rows = await runSql(store, `SELECT host, count, repeated FROM overflow_events ORDER BY host, line_no`);
      expect(rows.rows).toEqual([
        { host: 'old1', count: 1, repeated: false },
        { host: 'web1', count: 1, repeated: false }, { host: 'web1', count: 20, repeated: true },
        { host: 'web2', count: 1, repeated: false }, { host: 'web2', count: 20, repeated: true },
      ]);
      const ep = await runSql(store, `SELECT host, logged, suppressed, repeated FROM overflow_episodes ORDER BY host`);
      expect(ep.rows).toEqual([
        { host: 'old1', logged: 1, suppressed: 0, repeated: 0 },
        { host: 'web1', logged: 21, suppressed: 0, repeated: 20 },
        { host: 'web2', logged: 21, suppressed: 0, repeated: 20 },
      ]);
    } finally {
      store.close();
    }
  });
});
