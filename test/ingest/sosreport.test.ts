import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTarball, type TarEntry } from '../../src/samples/tarball.js';
import { treeFromArchive, treeFromDirectory, safeMemberPath } from '../../src/bundle/tree.js';
import { planBundle, wantedMember } from '../../src/bundle/sosreport.js';
import { hostFromBundleName } from '../../src/bundle/hostfacts.js';
import { tempDir } from '../helpers.js';

const R = 'sosreport-web01-2026-03-12-abcdefg';
const f = (path: string, content: string): TarEntry => ({ path: `${R}/${path}`, content });
const l = (path: string, link: string): TarEntry => ({ path: `${R}/${path}`, link });

const base: TarEntry[] = [
  { path: `${R}/`, dir: true },
  f('version.txt', 'sos report: 4.5.6\n'),
  f('sos_commands/host/hostname', 'web01.example.com\n'),
  f('sos_commands/kernel/uname_-a', 'Linux web01.example.com 4.18.0-513.el8.x86_64 #1 SMP Wed Jan 1 00:00:00 UTC 2026 x86_64 x86_64 x86_64 GNU/Linux\n'),
  f('sos_commands/date/date', 'Thu Mar 12 14:20:02 CDT 2026\n'),
  f('sos_commands/date/date_--utc', 'Thu Mar 12 19:20:02 UTC 2026\n'),
  l('etc/localtime', '../usr/share/zoneinfo/America/Chicago'),
  f('proc/4242/net/sockstat', 'sockets: used 10\nTCP: inuse 1 orphan 0 tw 5 alloc 2 mem 1\n'),
  l('proc/self', '4242'),
  l('proc/net', 'self/net'),
  f('proc/uptime', '3600.50 7000.00\n'),
  f('sos_strings/logs/var.log.messages.tailed', 'Mar 12 14:02:11 web01 kernel: TCP: time wait bucket table overflow\n'),
  l('var/log/messages', '../../sos_strings/logs/var.log.messages.tailed'),
  f('sos_commands/networking/namespaces/ns-a/ip_netns_exec_ns-a_netstat_-s', 'TcpExt:\n    TCPTimeWaitOverflow: 12\n'),
  f('sos_commands/networking/ip_netns_exec_qrouter-1_sysctl_-a', 'net.ipv4.tcp_max_tw_buckets = 1024\n'),
  f('sos_commands/networking/netstat_-s', 'Tcp:\n    5 active connection openings\n'),
  f('sos_reports/manifest.json', JSON.stringify({ version: '4.5.6', components: { report: { plugins: { networking: { commands: [
    { filepath: 'sos_commands/networking/netstat_-s', start_time: 1773343180.25 },
  ] } } } } })),
  // hostile members
  { path: '../escape.txt', content: 'x' },
  { path: '/etc/passwd', content: 'root:x:0:0' },
  l('var/log/syslog', '../../../../../../etc/passwd'),
  l('etc/sysctl.conf', '/etc/shadow'),
];

describe('sosreport tree and plan', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('refuses unsafe member paths', () => {
    expect(safeMemberPath('../escape.txt')).toBeNull();
    expect(safeMemberPath('/etc/passwd')).toBeNull();
    expect(safeMemberPath('a/../../b')).toBeNull();
    expect(safeMemberPath('./a//b/')).toBe('a/b');
  });

  it('resolves links inside the bundle, refuses links that leave it, and plans every file', async () => {
    const file = join(t.dir, `${R}.tar.xz`);
    writeFileSync(file, await makeTarball(base, 'xz'));
    const tree = await treeFromArchive(file, wantedMember);
    expect(tree.issues.map((i) => [i.code, i.text])).toEqual([['unsafe-path', '../escape.txt'], ['unsafe-path', '/etc/passwd'], ['unsafe-link', `${R}/var/log/syslog -> ../../../../../../etc/passwd`]]);
    expect(tree.resolve(`${R}/proc/net/sockstat`)).toBe(`${R}/proc/4242/net/sockstat`);
    expect(tree.resolve(`${R}/var/log/syslog`)).toBeNull(); // climbs above the root
    expect(tree.read(`${R}/etc/sysctl.conf`)).toBeNull(); // absolute target read inside the bundle: absent
    const plan = await planBundle(tree, `${R}.tar.xz`, {});
    expect(plan.facts).toEqual({
      host: 'web01', kernel: '4.18.0-513.el8.x86_64', release: null, timezone: 'America/Chicago', timezone_origin: 'etc/localtime',
      boot_time: Date.UTC(2026, 2, 12, 18, 20, 1, 500) * 1000, boot_time_basis: 'proc/uptime', boot_time_uncertainty_s: 1.01,
      collected_at: Date.UTC(2026, 2, 12, 19, 20, 2) * 1000, boot_id: null,
    });
    expect(plan.collection).toEqual({ basis: 'collection: date --utc', uncertainty_s: null }); // no end_time in the manifest
    const items = plan.items.map((i) => [i.path, i.kind, i.netns, i.partial, i.snapshotTs]);
    expect(items).toEqual([
      ['var/log/messages', 'syslog', null, true, plan.facts.collected_at],
      ['proc/net/sockstat', 'sockstat', null, false, plan.facts.collected_at],
      ['sos_commands/networking/netstat_-s', 'netstat-s', null, false, 1773343180250000],
      ['sos_commands/networking/ip_netns_exec_qrouter-1_sysctl_-a', 'sysctl', 'qrouter-1', false, plan.facts.collected_at],
      ['sos_commands/networking/namespaces/ns-a/ip_netns_exec_ns-a_netstat_-s', 'netstat-s', 'ns-a', false, plan.facts.collected_at],
    ]);
  });

  it('reads an extracted directory without following links out of it', async () => {
    const root = join(t.dir, 'dir', R);
    mkdirSync(join(root, 'sos_commands/host'), { recursive: true });
    mkdirSync(join(root, 'var/log'), { recursive: true });
    mkdirSync(join(root, 'sos_logs'), { recursive: true });
    writeFileSync(join(root, 'sos_commands/host/hostname'), 'db7\n');
    writeFileSync(join(t.dir, 'secret'), 'Mar 12 14:02:11 db7 kernel: TCP: time wait bucket table overflow\n');
    symlinkSync(join(t.dir, 'secret'), join(root, 'var/log/messages')); // absolute, outside the bundle
    const tree = treeFromDirectory(join(t.dir, 'dir'), wantedMember);
    const plan = await planBundle(tree, 'dir', {});
    expect(plan.facts.host).toBe('db7');
    expect(plan.facts.timezone_origin).toBe('assumed');
    expect(plan.items).toEqual([]);
  });

  it('takes the host from the archive name when the bundle has no hostname file', () => {
    expect(hostFromBundleName('sosreport-web-01-2026-03-12-abcdefg.tar.xz')).toBe('web-01');
    expect(hostFromBundleName('sosreport-web01.12345-20160101120000.tar.xz')).toBe('web01');
  });
});

describe('a sosreport one folder down in an archive (case.tar.gz: case/sosreport-<host>-…/)', () => {
  const n = tempDir('bundlescope-nested-');
  afterAll(() => n.cleanup());
  const R = 'sosreport-node7-2026-03-12-abcdefg';
  const members = (prefix: string, hostname: boolean): TarEntry[] => [
    { path: `${prefix}${R}/`, dir: true },
    { path: `${prefix}${R}/sos_commands/`, dir: true },
    ...(hostname ? [{ path: `${prefix}${R}/sos_commands/host/hostname`, content: 'node7.example.com\n' }] : []),
    { path: `${prefix}${R}/proc/sys/net/ipv4/tcp_max_tw_buckets`, content: '4096\n' },
    { path: `${prefix}${R}/var/log/messages`, content: 'Mar 12 10:00:00 node7 kernel: TCP: time wait bucket table overflow\nMar 12 10:00:01 node7 kernel: TCP: time wait bucket table overflow\n' },
  ];

  it('gives the rows of the same sosreport at the top, its host from hostname or else from its folder name', async () => {
    const { openStore } = await import('../../src/store/db.js');
    const { ingestPaths } = await import('../../src/ingest/ingest.js');
    const tables = async (file: string) => {
      const s = await openStore(join(n.dir, `${Math.random().toString(36).slice(2)}.duckdb`));
      try {
        const sums = await ingestPaths(s, [file]);
        const q = async (sql: string) => (await s.conn.runAndReadAll(sql)).getRows().map((r) => r.map(String));
        return {
          sums: sums.map((x) => [x.status, x.host, x.error?.message ?? null]),
          events: await q('SELECT host, ts, kind, line_no FROM overflow_events ORDER BY ALL'),
          sysctls: await q('SELECT host, name, value FROM sysctls ORDER BY ALL'),
        };
      } finally {
        s.close();
      }
    };
    for (const hostname of [true, false]) {
      const top = join(n.dir, `top-${hostname}.tar.gz`);
      const down = join(n.dir, `case-4711-${hostname}.tar.gz`);
      writeFileSync(top, await makeTarball(members('', hostname), 'gzip'));
      writeFileSync(down, await makeTarball([{ path: 'case-4711/', dir: true }, ...members('case-4711/', hostname)], 'gzip'));
      const a = await tables(top);
      const b = await tables(down);
      expect(b).toEqual(a);
      expect(b.sums).toEqual([['loaded', 'node7', null]]);
      expect(b.events.length).toBe(2);
      expect(b.sysctls).toEqual([['node7', 'net.ipv4.tcp_max_tw_buckets', '4096']]);
    }
  });
});
