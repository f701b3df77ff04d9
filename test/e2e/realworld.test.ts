import { afterAll, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca } from '../../src/rca/findings.js';
import { runSql } from '../../src/report/catalogue.js';
import { BundlescopeError } from '../../src/errors.js';
import { REALWORLD, tempDir, describeRealworld } from '../helpers.js';
import { expectAccounted } from '../rca/accounting.js';

/**
 * Every real file under ../shared/realworld goes through the whole pipeline: sosreport trees
 * as bundles, everything else as side files. Nothing may crash: each input either loads (with
 * its skipped lines reported) or fails with a one-line BundlescopeError naming the file.
 */
describeRealworld('realworld corpus', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('ingests the hotsos and insights-core trees as sosreports with the right host facts', async () => {
    const store = await openStore(join(t.dir, 'bundles.duckdb'));
    try {
      const dirs = [
        ...readdirSync(join(REALWORLD, 'hotsos')).map((d) => join(REALWORLD, 'hotsos', d)),
        ...readdirSync(join(REALWORLD, 'insights-core')).map((d) => join(REALWORLD, 'insights-core', d)),
      ].sort();
      const res = await ingestPaths(store, dirs);
      expect(res.map((r) => [r.status, r.kind])).toEqual(dirs.map(() => ['loaded', 'sosreport']));
      const hosts = await runSql(store, `SELECT host, kernel, timezone, collected_at::VARCHAR AS collected_at FROM hosts ORDER BY host`);
      expect(hosts.rows).toContainEqual({ host: 'juju-110cc2-k8stest-4', kernel: '5.4.0-99-generic', timezone: 'UTC', collected_at: expect.stringMatching(/^20\d\d-/) });
      expect(hosts.rows.map((h) => h.host)).toContain('compute4');
      // kubernetes has only `up 25 min` (boot 18:58:09 ± 31 s, the centre of that minute) but its
      // kern.log keeps printk stamps: the boot is calibrated from them, and its dmesg re-dated. The
      // kernel's audit record `audit(1644607194.171:250)` at [ 1307.602821] says when it really was
      // (19:19:54.171): dmesg had it at 19:20:27.6 from the old collection − uptime, now at 19:19:54.190.
      const boot = await runSql(store, `SELECT boot_time::VARCHAR AS b, boot_time_basis AS basis, boot_time_uncertainty_s AS u,
        bundle_boot_time::VARCHAR AS raw FROM hosts WHERE host = 'juju-110cc2-k8stest-4'`);
      expect(boot.rows).toEqual([{ b: '2022-02-11 18:58:06.587395+00', basis: 'syslog printk-stamp anchor', u: 1.025876, raw: '2022-02-11 18:58:09+00' }]);
      const audit = await runSql(store, `SELECT l.ts::VARCHAR AS ts, s.time_basis FROM log_events l JOIN sources s USING (source_id)
        WHERE s.kind = 'dmesg' AND l.message LIKE 'audit: type=1400 audit(1644607194.171:250)%'`);
      expect(audit.rows).toEqual([{ ts: '2022-02-11 19:19:54.190216+00', time_basis: 'boot: syslog printk-stamp anchor' }]);
      const kube = await runSql(store, `SELECT value FROM counter_samples WHERE host = 'juju-110cc2-k8stest-4' AND name = 'TcpActiveOpens' AND origin = 'proc'`);
      expect(kube.rows).toEqual([{ value: 2872 }]);
      const tw = await runSql(store, `SELECT count(*) AS n FROM sockets WHERE host = 'juju-04f1e3-0-lxd-5' AND state = 'TIME_WAIT'`);
      expect(tw.rows).toEqual([{ n: 105 }]);
      const limit = await runSql(store, `SELECT limit_value FROM overflow_limits WHERE host = 'compute4' AND kind = 'tcp_timewait_overflow' AND netns = ''`);
      expect(limit.rows.length).toBe(1);
      // The failed `ip netns exec … netstat -s` capture is reported, not parsed.
      const failed = await runSql(store, `SELECT code, line FROM ingest_issues WHERE file LIKE '%ip_netns_exec_snat-%netstat_-s'`);
      expect(failed.rows).toEqual([{ code: 'command-failed', line: 1 }]);
      // the analysis runs on real data, and accounts for every counter and logged line it shows
      const rca = await buildRca(store);
      expect((await expectAccounted(store, rca)).counters).toBeGreaterThan(10);
    } finally {
      store.close();
    }
  });

  it('takes every other real file as a side file without crashing', async () => {
    const store = await openStore(join(t.dir, 'side.duckdb'));
    try {
      const roots = ['logs', 'slabinfo', 'snippets', 'procfs', 'sysstat', 'systemd'].map((d) => join(REALWORLD, d));
      const res = await ingestPaths(store, roots, { host: 'rw' });
      expect(res.length).toBeGreaterThan(100);
      for (const r of res) {
        if (r.status === 'failed') {
          expect(r.error, r.path).toBeInstanceOf(BundlescopeError);
          expect((r.error as BundlescopeError).format()).toMatch(/^error\[[a-z-]+\] \S+/);
        }
      }
      const byKind = await runSql(store, `SELECT kind, count(*) AS n FROM sources GROUP BY kind ORDER BY kind`);
      const kinds = Object.fromEntries(byKind.rows.map((r) => [r.kind, r.n]));
      expect(kinds.slabinfo).toBe(6);
      expect(kinds.sar).toBeGreaterThanOrEqual(8);
      // the asuswrt log: 10 TIME_WAIT lines in the file + net_ratelimit: 482 callbacks suppressed
      const tw = await runSql(store, `SELECT sum(count) FILTER (WHERE NOT suppressed) AS lines, sum(count) FILTER (WHERE suppressed) AS supp
        FROM overflow_events o JOIN sources s USING (source_id) WHERE s.path LIKE '%asuswrt%' AND o.kind = 'tcp_timewait_overflow'`);
      expect(tw.rows[0]!.supp).toBe(482);
      // the 2.4 slabinfo names tcp_tw_bucket
      const slab = await runSql(store, `SELECT active_objs, num_objs, objsize FROM slab_samples l JOIN sources s USING (source_id) WHERE s.path LIKE '%2.4.20%' AND cache = 'tcp_tw_bucket'`);
      expect(slab.rows.length).toBe(1);
    } finally {
      store.close();
    }
  });

  it('finds the overflow each real log excerpt shows, dated where the excerpt allows', async () => {
    const store = await openStore(join(t.dir, 'logs.duckdb'));
    try {
      const res = await ingestPaths(store, [join(REALWORLD, 'logs', 'issues')], { host: 'rw' });
      expect(res.filter((r) => r.status === 'failed').map((r) => r.path)).toEqual([]);
      const { rows } = await runSql(store, `
        SELECT regexp_extract(s.path, '([^/]+)\\.log$', 1) AS file, o.kind, count(*) FILTER (WHERE NOT o.suppressed) AS lines,
          coalesce(sum(o.count) FILTER (WHERE o.suppressed), 0) AS suppressed, count(o.ts) > 0 AS dated
        FROM overflow_events o JOIN sources s USING (source_id) WHERE o.kind <> 'unattributed' GROUP BY ALL ORDER BY file`);
      expect(rows).toEqual([
        { file: 'asuswrt-merlin.ng-136_tw_bucket_overflow', kind: 'tcp_timewait_overflow', lines: 10, suppressed: 482, dated: true },
        { file: 'cuberite-4596_syn_flooding_dmesg', kind: 'tcp_listen_overflow', lines: 10, suppressed: 0, dated: false },
        { file: 'hotsos-101_nf_conntrack_double_prefix', kind: 'conntrack_table_full', lines: 1, suppressed: 0, dated: false },
        { file: 'lede-10770_orphaned_sockets_openwrt_logread', kind: 'tcp_orphan_overflow', lines: 10, suppressed: 0, dated: true },
        { file: 'lede-5072_syn_flooding_openwrt_fragment', kind: 'tcp_listen_overflow', lines: 1, suppressed: 0, dated: false },
        { file: 'netopeer2-1467_syn_flooding_tcpv6_bare', kind: 'tcp_listen_overflow', lines: 1, suppressed: 0, dated: false },
        { file: 'openmptcprouter-2729_orphaned_sockets_dmesg', kind: 'tcp_orphan_overflow', lines: expect.any(Number), suppressed: 273, dated: false },
        { file: 'shadowsocks-rust-376_orphaned_sockets_truncated_first_line', kind: 'tcp_orphan_overflow', lines: 8, suppressed: 280, dated: false },
        { file: 'starphleet-352_nf_conntrack_table_full_wrapped', kind: 'conntrack_table_full', lines: 4, suppressed: 0, dated: true },
        { file: 'tempesta-1763_tcp_out_of_memory', kind: 'tcp_socket_memory', lines: 7, suppressed: 0, dated: false },
        { file: 'vtrunkd-159_syn_flooding_early_boot', kind: 'tcp_listen_overflow', lines: 1, suppressed: 0, dated: false },
      ]);
      // undated logged overflows still make findings, saying their time is unknown
      const rca = await buildRca(store);
      const mem = rca.findings.find((f) => f.kind === 'tcp_socket_memory')!;
      expect([mem.start, mem.events.logged, mem.events.counter_delta]).toEqual([null, 7, null]);
    } finally {
      store.close();
    }
  });

  it('refuses binary sa files (x86 and ppc, sysstat 9.1 to 12.7, damaged ones too) with the sadf command that exports them', async () => {
    const store = await openStore(join(t.dir, 'sa.duckdb'));
    try {
      const dirs = ['bin', 'bin-malformed'].map((d) => join(REALWORLD, 'sysstat', d));
      const res = await ingestPaths(store, dirs, { host: 'rw' });
      expect(res.length).toBe(14);
      const said = res.map((r) => [r.status, (r.error as BundlescopeError).code, /its header names sysstat ([\d.]+(?:, big-endian)?)\)/.exec(r.error!.message)?.[1]]);
      expect(said).toEqual([
        ...['10.3.1', '11.6.5', '12.0.0', '12.5.6', '9.1.6', '11.5.5, big-endian'],
        ...['12.6.0', '12.6.0', '12.6.0', '12.7.1', '9.1.5', '12.2.0', '12.1.5', '12.1.7'],
      ].map((v) => ['failed', 'unknown-format', v]));
      expect((res[2]!.error as BundlescopeError).format()).toBe(`error[unknown-format] ${join(dirs[0]!, 'data-12.0.0')}: a binary sysstat file (saDD; `
        + "its header names sysstat 12.0.0), whose layout depends on the version: export it with `sadf -d 'data-12.0.0' -- -A > 'data-12.0.0.csv'` "
        + "using that sysstat (a newer one may first need `sadf -c 'data-12.0.0' > 'data-12.0.0.new'`) and ingest the .csv");
      expect(Number((await store.conn.runAndReadAll('SELECT count(*) FROM sources')).getRows()[0]![0])).toBe(0);
    } finally {
      store.close();
    }
  });

  it('reads a binary journal file natively, zstd-compressed as it comes (no journalctl needed)', async () => {
    const store = await openStore(join(t.dir, 'journal.duckdb'));
    try {
      const file = join(REALWORLD, 'systemd', 'test', 'test-journals', 'no-rtc', 'system.journal.zst');
      const [r] = await ingestPaths(store, [file], { host: 'rw' });
      expect([r!.status, r!.kind, r!.rows.log_events, r!.skipped]).toEqual(['loaded', 'journal-binary', 1922, 0]);
      expect(r!.issues.map((i) => [i.code, i.text])).toEqual([['journal-online', 'state ONLINE']]);
      const q = await store.conn.runAndReadAll(`SELECT count(*), count(DISTINCT boot_id), min(line_no), max(line_no), min(ts) FROM log_events`);
      expect(q.getRows()[0]!.map(String)).toEqual(['1922', '1', '1', '45097', '2022-10-24 00:00:01.009823+00']);
    } finally {
      store.close();
    }
  });
});
