import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { writeIncidents } from '../../src/samples/incidents.js';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { loadCatalogue, runReport, runSql } from '../../src/report/catalogue.js';
import { EXPORT_TABLES, EXPORT_VIEWS, exportStore } from '../../src/report/export.js';
import { tempDir } from '../helpers.js';

/** The multi-source sample incidents (legacy1: logged TIME_WAIT overflow; modern7: counter-only), every report and the exports. */
describe('reports and exports on the multi-source incidents', () => {
  const t = tempDir();
  let store: Store;
  let truth: Awaited<ReturnType<typeof writeIncidents>>['truth'];

  beforeAll(async () => {
    ({ truth } = await writeIncidents(join(t.dir, 'case')));
    store = await openStore(join(t.dir, 'inc.duckdb'));
    const res = await ingestPaths(store, [join(t.dir, 'case')]);
    // the case folder as a customer sends it; the generator's truth.json is skipped as a note
    expect(res.filter((r) => r.status === 'failed').map((r) => r.path)).toEqual([]);
    expect(res.filter((r) => r.status === 'skipped').map((r) => [r.path, r.notice])).toEqual([[join(t.dir, 'case', 'truth.json'), 'a note, not evidence']]);
  });
  afterAll(() => {
    store?.close();
    t.cleanup();
  });

  it('every canned report runs, with and without a host and a window', async () => {
    const names = loadCatalogue().map((d) => d.name);
    expect(names.length).toBeGreaterThanOrEqual(12);
    const counts: Record<string, number> = {};
    for (const name of names) {
      counts[name] = (await runReport(store, name, {})).rows.length;
      const narrowed = await runReport(store, name, { host: 'legacy1', from: '2026-02-10T09:00:00Z', to: '2026-02-10T12:00:00Z' });
      expect(narrowed.rows.every((r) => !('host' in r) || r.host === 'legacy1'), name).toBe(true);
    }
    // other9 appears only in the central syslog copy: a bare host row
    expect(counts).toMatchObject({ hosts: 3, episodes: 2, fleet_summary: 3, coverage: 27, timewait_peers: 2, port_pressure: 2 });
  });

  it('episodes and fleet_summary agree with the truth of the samples', async () => {
    const ep = (await runReport(store, 'episodes', { host: 'legacy1' })).rows;
    const tr = truth.legacy1;
    expect(ep.map((r) => [r.kind, r.start_ts, r.logged, r.suppressed])).toEqual([
      ['tcp_timewait_overflow', new Date(tr.start!).toISOString(), tr.logged, tr.suppressed],
    ]);
    const fleet = (await runReport(store, 'fleet_summary', {})).rows;
    expect(fleet.map((r) => [r.host, r.incidents, r.episodes, r.counter_only, r.kinds, r.tcp_max_tw_buckets])).toEqual([
      ['modern7', 2, 1, 1, 'tcp_listen_overflow,tcp_timewait_overflow', 65536],
      ['legacy1', 1, 1, 0, 'tcp_timewait_overflow', 65536],
      ['other9', 0, 0, 0, '', null],
    ]);
  });

  it('connection_rates flags the churn that led each episode', async () => {
    const spikes = (await runReport(store, 'connection_rates', { name: 'TcpActiveOpens' })).rows.filter((r) => r.spike);
    const first = Object.fromEntries(['legacy1', 'modern7'].map((h) => [h, spikes.find((r) => r.host === h)?.ts]));
    // legacy1: sar's 10-minute interval ending 09:50:01 already holds the ramp; modern7: nstat every minute from 14:26
    expect(first).toEqual({ legacy1: '2026-02-10T09:50:01.000Z', modern7: '2026-02-10T14:26:00.000Z' });
  });

  it('coverage and sysctl_audit name what is there and what is risky', async () => {
    const cov = (await runReport(store, 'coverage', { host: 'modern7' })).rows;
    expect(cov.filter((r) => r.present).map((r) => r.evidence)).toEqual(['journal', 'dmesg', 'slab', 'population', 'tcp_rates', 'overflow_counters', 'sockets', 'sysctls']); // its journalctl text and exports are the journal; no syslog file
    const audit = (await runReport(store, 'sysctl_audit', {})).rows;
    expect(audit.map((r) => [r.host, r.name, r.severity])).toEqual([
      ['legacy1', 'net.ipv4.tcp_tw_recycle', 'high'], ['legacy1', 'net.core.somaxconn', 'medium'], ['modern7', 'net.core.somaxconn', 'medium'],
    ]);
  });

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of [...EXPORT_TABLES, ...EXPORT_VIEWS]) out[name] = Number((await runSql(store, `SELECT count(*) AS n FROM ${name}`)).rows[0]!.n);
    return out;
  }

  it('export parquet: hive-partitioned by host, reads back in DuckDB with the same rows per table', async () => {
    const dir = join(t.dir, 'export-parquet');
    const written = await exportStore(store, dir);
    const expected = await counts();
    expect(Object.fromEntries(written.map((w) => [w.name, w.rows]))).toEqual(expected);
    expect(expected.log_events).toBeGreaterThan(1000);
    const back: Record<string, number> = {};
    for (const w of written) {
      const glob = join(dir, w.name, '**', '*.parquet').replace(/'/g, "''");
      back[w.name] = Number((await runSql(store, `SELECT count(*) AS n FROM read_parquet('${glob}', hive_partitioning = true)`)).rows[0]!.n);
    }
    expect(back).toEqual(expected);
    expect(readdirSync(join(dir, 'log_events')).sort()).toEqual(['host=legacy1', 'host=modern7', 'host=other9']);
    expect(written.find((w) => w.name === 'signatures')!.partitioned).toBe(false);
    // the partition column comes back from the folder names
    const perHost = (await runSql(store, `SELECT host, count(*) AS n FROM read_parquet('${join(dir, 'sources', '**', '*.parquet')}', hive_partitioning = true) GROUP BY host ORDER BY host NULLS LAST`)).rows;
    const direct = (await runSql(store, `SELECT host, count(*) AS n FROM sources GROUP BY host ORDER BY host NULLS LAST`)).rows;
    expect(perHost).toEqual(direct);
  });

  it('export arrow: one IPC file per table, read back with apache-arrow, same rows and DuckDB types', async () => {
    const dir = join(t.dir, 'export-arrow');
    const written = await exportStore(store, dir, { format: 'arrow' });
    const expected = await counts();
    const back = Object.fromEntries(written.map((w) => [w.name, tableFromIPC(readFileSync(w.path)).numRows]));
    expect(back).toEqual(expected);
    const ep = tableFromIPC(readFileSync(join(dir, 'overflow_episodes.arrow')));
    expect(ep.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'host:Utf8', 'kind:Utf8', 'episode:Int64', 'start_ts:Timestamp<MICROSECOND, UTC>', 'end_ts:Timestamp<MICROSECOND, UTC>',
      'logged:Int64', 'suppressed:Int64', 'estimated_total:Int64', 'bursts:Int64', 'source_ids:List<Int64>',
      'time_uncertainty_s:Float64', 'time_basis:Utf8', 'details:List<Utf8>', 'repeated:Int64',
    ]);
    const legacy = ep.toArray().map((r) => r.toJSON()).find((r) => r.host === 'legacy1')!;
    expect([legacy.logged, legacy.suppressed, new Date(Number(legacy.start_ts)).toISOString()]).toEqual([BigInt(truth.legacy1.logged), BigInt(truth.legacy1.suppressed), new Date(truth.legacy1.start!).toISOString()]);
  });
});
