/**
 * One catalogue of overflow kinds (signatures.ts KINDS): the table overflow_kinds is filled from
 * it at every open, writable or read-only, and the views and the rca read it instead of lists of
 * their own.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { quoted, quotedList, runSql } from '../../src/store/sql.js';
import { rcaQuery, rcaRows } from '../../src/rca/queries.js';
import { RCA_COLUMNS } from '../../src/rca/records.js';
import { readdirSync } from 'node:fs';
import { SQL_DIR } from '../../src/store/db.js';
import { CANDIDATE_MAX_CHARS, CANDIDATE_RE, classifyMessage, isCandidate, KINDS } from '../../src/signatures.js';
import { CANDIDATE_RE as FAST_CANDIDATE_RE } from '../../src/formats/kit/sql-load.js';
import { TIMEWAIT_CACHES } from '../../src/formats/slabinfo/parser.js';
import { tempDir } from '../helpers.js';

const t = tempDir('bundlescope-kinds-');
afterAll(() => t.cleanup());

describe('overflow kinds catalogue', () => {
  it('overflow_kinds holds KINDS, on a writable and on a read-only open', async () => {
    const path = join(t.dir, 'k.duckdb');
    const want = [
      { kind: 'conntrack_table_full', unit: 'conntrack entries', population: ['nf_conntrack_count', 'nf_conntrack.entries'], slab_caches: [] },
      { kind: 'neighbour_table_overflow', unit: 'neighbour entries', population: ['arp_cache.entries'], slab_caches: [] },
      { kind: 'tcp_listen_overflow', unit: 'queued connections', population: [], slab_caches: [] },
      { kind: 'tcp_orphan_overflow', unit: 'orphaned sockets', population: ['sockstat.TCP.orphan'], slab_caches: [] },
      { kind: 'tcp_socket_memory', unit: 'pages of TCP memory', population: ['sockstat.TCP.mem'], slab_caches: [] },
      { kind: 'tcp_timewait_overflow', unit: 'TIME_WAIT sockets', population: ['sockstat.TCP.tw'], slab_caches: ['tw_sock_TCP', 'tw_sock_TCPv6', 'tcp_tw_bucket'] },
    ];
    const sql = `SELECT kind, unit, population, slab_caches FROM overflow_kinds ORDER BY kind`;
    const w = await openStore(path);
    try {
      expect((await runSql(w, sql)).rows).toEqual(want);
      const limits = (await runSql(w, `SELECT limit_sysctls FROM overflow_kinds WHERE kind = 'conntrack_table_full'`)).rows[0]!.limit_sysctls;
      expect(limits).toEqual(KINDS.conntrack_table_full.limitSysctls);
    } finally {
      w.close();
    }
    const r = await openStore(path, { readOnly: true });
    try {
      expect((await runSql(r, sql)).rows).toEqual(want);
    } finally {
      r.close();
    }
  });

  it('every TIME_WAIT slab cache counts in population_samples and in the object size, tw_sock_TCPv6 too', async () => {
    const s = await openStore(join(t.dir, 's.duckdb'));
    try {
      // one snapshot: 100 IPv4 and 20 IPv6 TIME_WAIT objects; the IPv6 ones are larger here on purpose
      await runSql(s, `INSERT INTO slab_samples (host, ts, ts_quality, cache, active_objs, num_objs, objsize, source_id) VALUES
        ('h1', TIMESTAMPTZ '2026-03-12 10:00:00+00', 'exact', 'tw_sock_TCP', 100, 128, 248, 1),
        ('h1', TIMESTAMPTZ '2026-03-12 10:00:00+00', 'exact', 'tw_sock_TCPv6', 20, 32, 256, 1),
        ('h1', TIMESTAMPTZ '2026-03-12 10:00:00+00', 'exact', 'dentry', 5000, 6000, 192, 1)`);
      expect((await runSql(s, `SELECT host, netns, kind, metric, value, origin FROM population_samples`)).rows).toEqual([
        { host: 'h1', netns: '', kind: 'tcp_timewait_overflow', metric: 'slab.tw_sock_TCP+tw_sock_TCPv6', value: 120, origin: 'slabinfo' },
      ]);
      expect(await rcaRows(s, 'tw_object_size')).toEqual([{ host: 'h1', s: 256 }]);
    } finally {
      s.close();
    }
  });

  it('the candidate pre-filter is one definition for JavaScript and SQL', () => {
    expect(CANDIDATE_RE).toBe('overflow|table full|orphaned|memory|SYN flooding');
    expect(FAST_CANDIDATE_RE).toBe(CANDIDATE_RE);
    expect(TIMEWAIT_CACHES).toBe(KINDS.tcp_timewait_overflow.slabCaches);
    const line = 'TCP: time wait bucket table overflow';
    expect(isCandidate(line + ' '.repeat(CANDIDATE_MAX_CHARS - line.length))).toBe(true);
    expect(isCandidate(line + ' '.repeat(CANDIDATE_MAX_CHARS - line.length + 1))).toBe(false);
    expect(classifyMessage(line + ' '.repeat(CANDIDATE_MAX_CHARS - line.length + 1))).toBe(null);
    expect(classifyMessage(line)?.kind).toBe('tcp_timewait_overflow');
  });

  it('quoted() doubles single quotes; quotedList() makes a list of literals', async () => {
    expect(quoted(`it's`)).toBe(`'it''s'`);
    expect(quotedList(['a', `b'c`])).toBe(`['a', 'b''c']`);
    const s = await openStore(':memory:');
    try {
      expect((await runSql(s, `SELECT ${quoted(`it's`)} AS v, ${quotedList(['a', `b'c`])} AS l`)).rows).toEqual([{ v: `it's`, l: ['a', `b'c`] }]);
    } finally {
      s.close();
    }
  });

  it('every sql/rca file has the reports\' header, its name, and declares exactly the parameters its SQL uses', () => {
    const files = readdirSync(SQL_DIR + 'rca').filter((f) => f.endsWith('.sql')).sort();
    expect(files.length).toBe(29);
    // and each is read as a named record (src/rca/records.ts), no more, no fewer
    expect(Object.keys(RCA_COLUMNS).sort()).toEqual(files.map((f) => f.replace(/\.sql$/, '')));
    for (const f of files) {
      const d = rcaQuery(f.replace(/\.sql$/, ''));
      expect(d.name).toBe(f.replace(/\.sql$/, ''));
      expect(d.question).not.toBe('');
      expect(d.returns).not.toBe('');
      const body = d.sql.split('\n').filter((l) => !l.startsWith('--')).join('\n');
      const used = [...new Set([...body.matchAll(/\$(\w+)/g)].map((m) => m[1]))];
      expect([f, d.params.map((p) => p.name).sort()]).toEqual([f, used.sort()]);
    }
  });
});
