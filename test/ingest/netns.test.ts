import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTarball, type TarEntry } from '../../src/samples/tarball.js';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { runSql } from '../../src/report/catalogue.js';
import { tempDir } from '../helpers.js';

const R = 'sosreport-ns1-2026-05-12-abcdefg';
const f = (path: string, content: string): TarEntry => ({ path: `${R}/${path}`, content });

/** netstat -s text of a few counters. */
const netstatS = (c: { active: number; passive: number; estab: number; tw: number; overflow: number; segs: number }) => [
  'Tcp:', `    ${c.active} active connection openings`, `    ${c.passive} passive connection openings`, `    ${c.estab} connections established`,
  `    ${c.segs} segments received`, `    ${c.segs * 2} segments sent out`, 'TcpExt:', `    ${c.tw} TCP sockets finished time wait in fast timer`, `    TCPTimeWaitOverflow: ${c.overflow}`, '',
].join('\n');

function bundle(root: string, ns: Record<string, string>): TarEntry[] {
  return [
    { path: `${R}/`, dir: true },
    f('version.txt', 'sos report: 4.5.6\n'),
    f('sos_commands/host/hostname', 'ns1\n'),
    f('sos_commands/date/date_--utc', 'Tue May 12 09:17:40 UTC 2026\n'),
    f('sos_commands/networking/netstat_-s', root),
    f('sos_commands/kernel/sysctl_-a', 'net.ipv4.tcp_max_tw_buckets = 512\n'),
    ...Object.entries(ns).map(([name, text]) => f(`sos_commands/networking/namespaces/${name}/ip_netns_exec_${name}_netstat_-s`, text)),
  ];
}

/**
 * A sosreport taken inside a namespace (sos under `ip netns exec NAME`) shows NAME's counters in
 * its root view and in its `ip netns exec NAME` outputs: one namespace, labelled NAME. A root
 * view whose counters are another namespace's, or equal to two of them, stays the host's own.
 */
describe('a sosreport taken inside a network namespace', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());
  const web = { active: 48215, passive: 12, estab: 3, tw: 47702, overflow: 37555, segs: 612340 };

  const load = async (name: string, entries: TarEntry[]) => {
    const file = join(t.dir, `${name}.tar.xz`);
    writeFileSync(file, await makeTarball(entries, 'xz'));
    const store = await openStore(join(t.dir, `${name}.duckdb`));
    try {
      const res = await ingestPaths(store, [file]);
      const notes = res[0]!.issues.filter((i) => /root view/.test(i.text ?? '')).map((i) => i.text);
      const rows = (await runSql(store, `SELECT netns, count(*) AS n FROM (
          SELECT netns FROM counter_samples UNION ALL SELECT netns FROM sysctls) GROUP BY netns ORDER BY netns`)).rows;
      const sources = (await runSql(store, `SELECT DISTINCT netns FROM sources WHERE parent_id IS NOT NULL ORDER BY netns`)).rows.map((r) => r.netns);
      return { notes, rows, sources };
    } finally {
      store.close();
    }
  };

  it('is labelled with the namespace when its root view holds the same counters (a busy namespace read a few seconds apart)', async () => {
    const later = { ...web, active: web.active + 9, tw: web.tw + 9, segs: web.segs + 90 };
    const r = await load('inside', bundle(netstatS(web), { web: netstatS(later) }));
    expect(r.rows).toEqual([{ netns: 'web', n: 15 }]);
    expect(r.sources).toEqual(['web']);
    expect(r.notes).toEqual([expect.stringMatching(/^the root view of this sosreport is network namespace web: 5 cumulative counters equal/)]);
  });

  it('stays the host\'s own when the namespace\'s counters differ (a host with a namespace of its own)', async () => {
    const other = { active: 3120, passive: 77, estab: 9, tw: 2990, overflow: 0, segs: 40211 };
    const r = await load('outside', bundle(netstatS(web), { web: netstatS(other) }));
    expect(r.rows).toEqual([{ netns: '', n: 8 }, { netns: 'web', n: 7 }]);
    expect(r.notes).toEqual([]);
  });

  it('stays the host\'s own when two namespaces equal it (which one is unknown), and when too few counters are large enough to tell', async () => {
    const two = await load('two', bundle(netstatS(web), { web: netstatS(web), web2: netstatS(web) }));
    expect(two.rows.map((x) => x.netns)).toEqual(['', 'web', 'web2']);
    const small = { active: 5, passive: 1, estab: 1, tw: 4, overflow: 0, segs: 50 };
    const tiny = await load('tiny', bundle(netstatS(small), { web: netstatS(small) }));
    expect(tiny.rows.map((x) => x.netns)).toEqual(['', 'web']);
  });
});
