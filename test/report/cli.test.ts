import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { openStore } from '../../src/store/db.js';
import { loadCatalogue, runSql } from '../../src/report/catalogue.js';
import { toArrow } from '../../src/report/arrow.js';
import { runCli as run, tempDir } from '../helpers.js';
import { source, sysctl } from './fixture.js';


const REPORTS = ['connection_rates', 'counters_summary', 'coverage', 'episodes', 'fleet_summary', 'hosts', 'log_search', 'overflow_timeline',
  'population_vs_limit', 'port_pressure', 'slab_growth_top', 'sources', 'sysctl_audit', 'timewait_peers'];

describe('the report catalogue', () => {
  it('every report file has the style.md header, and declares exactly the parameters its body uses', () => {
    const cat = loadCatalogue();
    expect(cat.map((d) => d.name)).toEqual(REPORTS);
    for (const d of cat) {
      expect(d.question, d.name).toMatch(/^[A-Z].*\?$/);
      expect(d.reads, d.name).not.toBe('');
      expect(d.returns, d.name).not.toBe('');
      const body = d.sql.split('\n').filter((l) => !l.startsWith('--')).join('\n');
      const used = [...new Set([...body.matchAll(/\$(\w+)/g)].map((m) => m[1]))].sort();
      expect(used, d.name).toEqual(d.params.map((p) => p.name).sort());
      // lower-case CTE chain ending in one select
      expect(body.trimStart(), d.name).toMatch(/^(with |select )/);
    }
  });
});

describe('reports, report and export on the command line', () => {
  const t = tempDir();
  const db = join(t.dir, 'cli.duckdb');
  beforeAll(async () => {
    const store = await openStore(db);
    for (const s of [
      `INSERT INTO hosts (host, kernel, timezone, collected_at) VALUES ('web01', '5.14.0', 'UTC', '2026-03-01 12:00:00+00'), ('db01', NULL, NULL, NULL)`,
      source(1, 'web01', 'sysctl', 'sysctl_-a'),
      sysctl('web01', 'net.ipv4.tcp_max_tw_buckets', '5000'),
      sysctl('web01', 'net.core.somaxconn', '4096'),
    ]) await store.conn.run(s);
    store.close();
  });
  afterAll(() => t.cleanup());

  it('reports --format json: an array of objects with exactly name and question', async () => {
    const r = await run(['reports', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as Record<string, string>[];
    expect(list.map((x) => x.name)).toEqual(REPORTS);
    for (const x of list) expect(Object.keys(x)).toEqual(['name', 'question']);
    const table = await run(['reports']);
    expect(table.out.split('\n')[0]).toMatch(/^name\s+question\s+params$/);
    expect(table.out).toMatch(/^slab_growth_top\s+Which slab caches grew most .*\$host \$from \$to \$min_growth_kib$/m);
  });

  it('report --netns narrows the reports that are per namespace and is a usage error for the others', async () => {
    const none = await run(['report', 'sysctl_audit', '--db', db, '--host', 'web01', '--netns', 'web', '--format', 'csv']);
    expect([none.code, none.err]).toEqual([2, "error[unknown-netns] no network namespace 'web' on host web01 in the database; namespaces: none ('' is the host's own)\n"]);
    const root = await run(['report', 'sysctl_audit', '--db', db, '--host', 'web01', '--netns', '', '--format', 'csv']);
    expect(root.out.split('\n').length).toBeGreaterThan(2);
    const bad = await run(['report', 'hosts', '--db', db, '--netns', 'web']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('error[bad-param] report hosts is not per network namespace; --netns works with: connection_rates, counters_summary, population_vs_limit, port_pressure, sysctl_audit, timewait_peers\n');
  });

  it('report --param binds report parameters; csv and md', async () => {
    const csv = await run(['report', 'sysctl_audit', '--db', db, '--host', 'web01', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\n').slice(0, 2)).toEqual(['host,netns,name,value,origin,severity,why',
      'web01,,net.ipv4.tcp_max_tw_buckets,5000,sysctl-a,medium,"only 5000 TIME-WAIT sockets: with TIME_WAIT fixed at 60 s that sustains about 83 closes/s before ""time wait bucket table overflow"" (kernel default: half the TCP hash table, 16384 or more)"']);
    const md = await run(['report', 'hosts', '--db', db, '--param', 'host=db01', '--format', 'md']);
    expect(md.out.split('\n')[2]).toBe('| db01 |  |  |  |  |  |  | 0 |  |  |  |  |  |  |');
    const bad = await run(['report', 'hosts', '--db', db, '--param', 'nokey']);
    expect(bad.code).toBe(2);
  });

  it('report --format parquet and arrow write files that read back with the same rows and types', async () => {
    const pq = join(t.dir, 'hosts.parquet');
    const arrow = join(t.dir, 'hosts.arrow');
    expect((await run(['report', 'hosts', '--db', db, '--format', 'parquet', '--out', pq])).code).toBe(0);
    expect((await run(['report', 'hosts', '--db', db, '--format', 'arrow', '--out', arrow])).code).toBe(0);
    const json = JSON.parse((await run(['report', 'hosts', '--db', db, '--format', 'json'])).out) as Record<string, unknown>[];
    expect(json.map((r) => [r.host, r.tcp_max_tw_buckets, r.somaxconn, r.collected_at])).toEqual([
      ['db01', null, null, null], ['web01', 5000, 4096, '2026-03-01T12:00:00.000Z'],
    ]);
    const store = await openStore(join(t.dir, 'scratch.duckdb'));
    try {
      const back = await runSql(store, `SELECT host, tcp_max_tw_buckets, somaxconn, collected_at FROM read_parquet('${pq}') ORDER BY host`);
      expect(back.rows).toEqual(json.map((r) => ({ host: r.host, tcp_max_tw_buckets: r.tcp_max_tw_buckets, somaxconn: r.somaxconn, collected_at: r.collected_at })));
    } finally {
      store.close();
    }
    const table = tableFromIPC(readFileSync(arrow));
    expect(table.numRows).toBe(2);
    expect(table.schema.fields.find((f) => f.name === 'collected_at')!.type.toString()).toBe('Timestamp<MICROSECOND, UTC>');
    expect(table.schema.fields.find((f) => f.name === 'tcp_max_tw_buckets')!.type.toString()).toBe('Int64');
    const rows = table.toArray().map((r) => r.toJSON());
    expect(rows.map((r) => [r.host, r.tcp_max_tw_buckets, r.collected_at == null ? null : new Date(Number(r.collected_at)).toISOString()])).toEqual([
      ['db01', null, null], ['web01', 5000n, '2026-03-01T12:00:00.000Z'],
    ]);
  });

  it('export writes parquet per table, partitioned by host, and arrow files with --format arrow', async () => {
    const dir = join(t.dir, 'out');
    const r = await run(['export', dir, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^wrote {5}table hosts +2 rows → .*\/out\/hosts \(partitioned by host\)$/m);
    expect(r.err).toMatch(/^total: 16 tables and views, \d+ rows, parquet under /m);
    expect(readdirSync(join(dir, 'hosts')).sort()).toEqual(['host=db01', 'host=web01']);
    const a = await run(['export', join(t.dir, 'arrow'), '--db', db, '--format', 'arrow']);
    expect(a.code).toBe(0);
    expect(tableFromIPC(readFileSync(join(t.dir, 'arrow', 'sysctls.arrow'))).numRows).toBe(2);
    expect((await run(['export', dir, '--db', join(t.dir, 'none.duckdb')])).code).toBe(2);
  });
});

describe('toArrow (plain rows)', () => {
  it('keeps nulls as nulls and types from the values', () => {
    const table = tableFromIPC(toArrow(['n', 'b', 's'], [{ n: 1.5, b: true, s: 'x' }, { n: null, b: null, s: null }, { n: 3, b: false, s: [1, 2] }]));
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['n:Float64', 'b:Bool', 's:Utf8']);
    expect(table.toArray().map((r) => r.toJSON())).toEqual([{ n: 1.5, b: true, s: 'x' }, { n: null, b: null, s: null }, { n: 3, b: false, s: '[1,2]' }]);
  });
});
