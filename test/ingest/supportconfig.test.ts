import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { legacyIncident, modernIncident } from '../../src/samples/incidents.js';
import { sosreportEntries } from '../../src/samples/sos.js';
import { supportconfigEntries, supportconfigFiles, supportconfigName } from '../../src/samples/supportconfig.js';
import { makeTarball } from '../../src/samples/tarball.js';
import { commandName, splitSections } from '../../src/bundle/supportconfig.js';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca, type RcaReport } from '../../src/rca/findings.js';
import { storedTables, tempDir } from '../helpers.js';

const rows = async (s: Store, sql: string) =>
  (await s.conn.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v === null || typeof v === 'number' || typeof v === 'boolean' ? v : String(v))));

function writeFolder(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
  return dir;
}

describe('supportconfig sections', () => {
  it('splits a file at its #==[ ]==# headers; bodies keep their file line numbers', () => {
    const text = [
      '#==[ Command ]======================================#', // 1
      '# /usr/sbin/nstat -az',
      '#kernel',
      'TcpExtTCPTimeWaitOverflow       51877              0.0',
      '',
      '#==[ Configuration File ]===========================#', // 6
      '# /proc/slabinfo',
      'slabinfo - version: 2.1',
      'tw_sock_TCP         1120   1120    248   16    1 : tunables    0    0    0 : slabdata     70     70      0',
      '',
      '',
      '#==[ Configuration File ]===========================#', // 12
      '# /etc/HOSTNAME - File not found',
      '',
    ].join('\n');
    expect(splitSections(text)).toEqual([
      { type: 'Command', label: '/usr/sbin/nstat -az', firstLine: 3, body: '#kernel\nTcpExtTCPTimeWaitOverflow       51877              0.0\n' },
      { type: 'Configuration File', label: '/proc/slabinfo', firstLine: 8, body: 'slabinfo - version: 2.1\ntw_sock_TCP         1120   1120    248   16    1 : tunables    0    0    0 : slabdata     70     70      0\n' },
      { type: 'Configuration File', label: '/etc/HOSTNAME - File not found', firstLine: 14, body: '' },
    ]);
    expect(commandName('/usr/sbin/ip netns exec blue /usr/sbin/nstat -az')).toBe('ip netns exec blue nstat -az');
    expect(commandName('/bin/netstat -as')).toBe('netstat -as');
  });
});

describe('supportconfig as a bundle (3.2 layout, legacy1 TIME_WAIT incident, namespace blue)', () => {
  const t = tempDir();
  const L = legacyIncident();
  const name = supportconfigName(L.spec);
  const files = supportconfigFiles(L.spec, { layout: '3.2', namespaces: { blue: { tcp: { ActiveOpens: 7 }, tcpExt: { TCPTimeWaitOverflow: 3 }, sockets: [] } } });
  let folder: Store;
  let archive: Store;
  let sos: Store;

  beforeAll(async () => {
    const dir = writeFolder(join(t.dir, 'case', name), files);
    const txz = join(t.dir, `${name}.txz`);
    writeFileSync(txz, await makeTarball(supportconfigEntries(files, name), 'xz'));
    const sosPath = join(t.dir, 'sosreport-legacy1-2026-02-10-lgcyabc.tar.xz');
    writeFileSync(sosPath, await makeTarball(sosreportEntries(L.spec, 'sosreport-legacy1-2026-02-10-lgcyabc'), 'xz'));
    folder = await openStore(':memory:');
    archive = await openStore(':memory:');
    sos = await openStore(':memory:');
    const a = await ingestPaths(folder, [join(t.dir, 'case')]);
    expect(a.map((r) => [r.kind, r.status, r.host, r.issues.length])).toEqual([['supportconfig', 'loaded', 'legacy1', 0]]);
    const b = await ingestPaths(archive, [txz]);
    expect(b.map((r) => [r.kind, r.status, r.host, r.issues.length])).toEqual([['supportconfig', 'loaded', 'legacy1', 0]]);
    await ingestPaths(sos, [sosPath]);
  }, 60_000);
  afterAll(() => {
    folder?.close();
    archive?.close();
    sos?.close();
    t.cleanup();
  });

  it('one source per section, named <file>#<command or file>, with its namespace', async () => {
    expect(await rows(folder, 'SELECT parent_id, kind, path, netns, partial FROM sources ORDER BY source_id')).toEqual([
      [null, 'supportconfig', join(t.dir, 'case', name), '', false],
      [1, 'dmesg', `${name}/boot.txt#dmesg -T`, '', false],
      [1, 'sysctl-conf', `${name}/env.txt#/etc/sysctl.conf`, '', false],
      [1, 'sysctl', `${name}/env.txt#sysctl -a`, '', false],
      [1, 'slabinfo', `${name}/memory.txt#/proc/slabinfo`, '', false],
      [1, 'syslog', `${name}/messages.txt#/var/log/messages`, '', false],
      [1, 'ss-summary', `${name}/network-blue.txt#ip netns exec blue ss -s`, 'blue', false],
      [1, 'ss', `${name}/network-blue.txt#ip netns exec blue ss -nap`, 'blue', false],
      [1, 'nstat', `${name}/network-blue.txt#ip netns exec blue nstat -az`, 'blue', false],
      [1, 'ss-summary', `${name}/network.txt#ss -s`, '', false],
      [1, 'ss', `${name}/network.txt#ss -nap`, '', false],
      [1, 'nstat', `${name}/network.txt#nstat -az`, '', false],
      [1, 'proc-netstat', `${name}/proc.txt#/proc/net/netstat`, '', false],
      [1, 'proc-netstat', `${name}/proc.txt#/proc/net/snmp`, '', false],
      [1, 'sockstat', `${name}/proc.txt#/proc/net/sockstat`, '', false],
      [1, 'proc-sys', `${name}/proc.txt#/proc/sys`, '', false],
    ]);
  });

  it('host facts from basic-environment.txt, network.txt, systemd.txt, basic-health-check.txt and proc.txt', async () => {
    expect(await rows(folder, `SELECT host, kernel, release, timezone, timezone_origin, boot_time::VARCHAR, collected_at::VARCHAR, boot_id FROM hosts`)).toEqual([
      // collected 10:20:02Z; uptime `up 9 days,  4:20` (minutes: the centre of the minute) → boot 06:00:32Z
      ['legacy1', '2.6.32-754.35.1.el6.x86_64', 'SUSE Linux Enterprise Server 15 SP5', 'Europe/Berlin', 'systemd.txt#timedatectl',
        '2026-02-01 05:59:32+00', '2026-02-10 10:20:02+00', '6f0e2b1c-9d4a-4e6f-8a7b-5c3d2e1f0a9b'],
    ]);
  });

  it('rows per table, with the values that matter', async () => {
    expect(await rows(folder, `SELECT 'log_events', count(*) FROM log_events UNION ALL SELECT 'overflow_events', count(*) FROM overflow_events
      UNION ALL SELECT 'counter_samples', count(*) FROM counter_samples UNION ALL SELECT 'sysctls', count(*) FROM sysctls
      UNION ALL SELECT 'slab_samples', count(*) FROM slab_samples UNION ALL SELECT 'sockets', count(*) FROM sockets`)).toEqual([
      ['log_events', 1100], ['overflow_events', 1099], ['counter_samples', 78], ['sysctls', 17], ['slab_samples', 1], ['sockets', 1],
    ]);
    expect(await rows(folder, `SELECT s.path, y.value, y.origin FROM sysctls y JOIN sources s USING (source_id) WHERE y.name = 'net.ipv4.tcp_max_tw_buckets' ORDER BY s.path`)).toEqual([
      [`${name}/env.txt#/etc/sysctl.conf`, '65536', 'sysctl.conf'],
      [`${name}/env.txt#sysctl -a`, '65536', 'sysctl-a'],
      [`${name}/proc.txt#/proc/sys`, '65536', 'proc-sys'],
    ]);
    expect(await rows(folder, `SELECT c.netns, c.origin, c.value, c.ts::VARCHAR, c.ts_quality FROM counter_samples c WHERE name = 'TcpExtTCPTimeWaitOverflow'`)).toEqual([
      ['blue', 'nstat', 3, '2026-02-10 10:20:02+00', 'collection-time'],
    ]);
    expect(await rows(folder, `SELECT cache, active_objs, num_objs, objsize FROM slab_samples`)).toEqual([['tw_sock_TCP', 65536, 65556, 192]]);
    expect(await rows(folder, `SELECT state, local_addr, local_port FROM sockets`)).toEqual([['LISTEN', '0.0.0.0', 22]]);
    // Log rows carry the line of messages.txt (the section starts at line 3).
    expect(await rows(folder, `SELECT l.line_no, l.message FROM log_events l JOIN sources s USING (source_id) WHERE s.kind = 'syslog' ORDER BY line_no LIMIT 1`)).toEqual([
      [3, 'TCP: time wait bucket table overflow'],
    ]);
  });

  it('the folder and the .txz archive give identical tables', async () => {
    expect(await storedTables(archive, true)).toEqual(await storedTables(folder, true));
  });

  it('rca finds the TIME_WAIT overflow as on the sosreport of the same host', async () => {
    const key = (r: RcaReport) => r.findings.filter((f) => f.netns == null).map((f) => ({ host: f.host, kind: f.kind, start: f.start, events: f.events, limit: f.limit }));
    const scc = await buildRca(folder);
    const fromSos = await buildRca(sos);
    expect(key(scc)).toEqual(key(fromSos));
    // dmesg -T prints whole seconds: the last line's microseconds (raw dmesg in the sosreport) are not there.
    expect([scc.findings[0]!.end, fromSos.findings[0]!.end]).toEqual(['2026-02-10T10:19:50Z', '2026-02-10T10:19:50.008111Z']);
    expect(key(scc)).toEqual([{
      host: 'legacy1', kind: 'tcp_timewait_overflow', start: '2026-02-10T10:00:05Z',
      events: { logged: 800, suppressed: 28859, repeated: 0, estimated_total: 29659, counter_delta: null, counter: null, counter_series: null },
      limit: { name: 'net.ipv4.tcp_max_tw_buckets', value: 65536, peak: 65536, peak_at: '2026-02-10T10:20:02Z', peak_metric: 'sockstat.TCP.tw', ratio: 1, note: null },
    }]);
    expect(scc.findings[0]!.evidence.map((e) => e.source)).toEqual([
      `${name}/messages.txt#/var/log/messages`, `${name}/boot.txt#dmesg -T`, `${name}/env.txt#/etc/sysctl.conf`, `${name}/network.txt#ss -s`,
    ]);
    // Namespace blue's counter is its own finding, labelled with the namespace.
    expect(scc.findings.filter((f) => f.netns === 'blue').map((f) => [f.kind, f.events.counter_delta, f.evidence[0]!.source])).toEqual([
      ['tcp_timewait_overflow', 3, `${name}/network-blue.txt#ip netns exec blue nstat -az`],
    ]);
  });
});

describe('supportconfig before 2018 (netstat -as, netstat -nlp) and a damaged file', () => {
  const t = tempDir();
  const L = legacyIncident();
  const name = supportconfigName(L.spec);
  let store: Store;
  let issues: { code: string; file: string; line: number | null; text: string }[];

  beforeAll(async () => {
    const files = supportconfigFiles(L.spec, { layout: '3.1-2017' });
    // One bad line in /proc/net/sockstat, and network.txt cut inside its last section (netstat -nr).
    files['proc.txt'] = files['proc.txt']!.replace('UDP: inuse 9 mem 6\n', 'UDP: inuse 9 mem 6\nTCP: inuse 3 orphan\n');
    const net = files['network.txt']!;
    files['network.txt'] = net.slice(0, net.indexOf('0.0.0.0         10.0.0.1') + 10);
    const dir = writeFolder(join(t.dir, name), files);
    store = await openStore(':memory:');
    const res = await ingestPaths(store, [dir]);
    expect(res.map((r) => [r.kind, r.status, r.host])).toEqual([['supportconfig', 'loaded', 'legacy1']]);
    issues = res[0]!.issues.map((i) => ({ code: i.code, file: i.file, line: i.line, text: i.text }));
  }, 60_000);
  afterAll(() => {
    store?.close();
    t.cleanup();
  });

  it('reads netstat -as as netstat -s and netstat -nlp as a socket list', async () => {
    expect(await rows(store, `SELECT s.kind, s.path, count(*) FROM sources s JOIN counter_samples c USING (source_id) WHERE s.kind = 'netstat-s' GROUP BY ALL`)).toEqual([
      ['netstat-s', `${name}/network.txt#netstat -as`, 7],
    ]);
    expect(await rows(store, `SELECT c.name, c.value FROM counter_samples c JOIN sources s USING (source_id) WHERE s.kind = 'netstat-s' AND c.name IN ('TcpActiveOpens', 'TcpExtTW') ORDER BY 1`)).toEqual([
      ['TcpActiveOpens', 8841230], ['TcpExtTW', 8790001],
    ]);
    expect(await rows(store, `SELECT s.path, k.state, k.local_port FROM sockets k JOIN sources s USING (source_id)`)).toEqual([
      [`${name}/network.txt#netstat -nlp`, 'LISTEN', 22],
    ]);
  });

  it('a bad line is an issue at its line of proc.txt; a cut file is said, and everything else is kept', async () => {
    const procLines = supportconfigFiles(L.spec, { layout: '3.1-2017' })['proc.txt']!.split('\n');
    const badLine = procLines.indexOf('UDP: inuse 9 mem 6') + 2;
    expect(issues.filter((i) => i.code !== 'note').map((i) => [i.file, i.line, i.text])).toEqual([
      [`${name}/proc.txt#/proc/net/sockstat`, badLine, 'TCP: inuse 3 orphan'],
    ]);
    expect(issues.filter((i) => i.code === 'note').map((i) => i.text)).toEqual([
      "network.txt: cut short (no newline at its end): its last section 'netstat -nr' is kept as far as it goes",
    ]);
    expect(await rows(store, `SELECT count(*) FROM sources WHERE parent_id IS NOT NULL`)).toEqual([[11]]); // dmesg, sysctl.conf, sysctl -a, slabinfo, messages, netstat -as, netstat -nlp, netstat, snmp, sockstat, proc/sys
    expect(await rows(store, `SELECT value FROM counter_samples WHERE name = 'sockstat.TCP.tw'`)).toEqual([[65536]]);
  });
});

describe('supportconfig of a host without /var/log/messages (journalctl short-iso), counter-only incident', () => {
  const t = tempDir();
  const M = modernIncident();
  let scc: Store;
  let sos: Store;

  beforeAll(async () => {
    const name = supportconfigName(M.spec);
    const files = supportconfigFiles(M.spec, { layout: '3.2', fromJournal: true });
    const dir = writeFolder(join(t.dir, name), files);
    writeFileSync(join(t.dir, 'nstat.log'), M.files.nstat);
    writeFileSync(join(t.dir, 'ss.log'), M.files.ss);
    const sosPath = join(t.dir, 'sosreport-modern7-2026-02-10-mdrnxyz.tar.xz');
    writeFileSync(sosPath, await makeTarball(sosreportEntries(M.spec, 'sosreport-modern7-2026-02-10-mdrnxyz'), 'xz'));
    scc = await openStore(':memory:');
    sos = await openStore(':memory:');
    const a = await ingestPaths(scc, [dir, join(t.dir, 'nstat.log'), join(t.dir, 'ss.log')]);
    expect(a.map((r) => [r.kind, r.status, r.host])).toEqual([['supportconfig', 'loaded', 'modern7'], ['nstat', 'loaded', 'modern7'], ['ss', 'loaded', 'modern7']]);
    await ingestPaths(sos, [sosPath, join(t.dir, 'nstat.log'), join(t.dir, 'ss.log')]);
  }, 60_000);
  afterAll(() => {
    scc?.close();
    sos?.close();
    t.cleanup();
  });

  it('messages.txt journal lines are log rows at their instants', async () => {
    expect(await rows(scc, `SELECT l.ts::VARCHAR, l.ident, l.line_no FROM log_events l JOIN sources s USING (source_id) WHERE s.path LIKE '%messages.txt#journalctl%' ORDER BY l.line_no`)).toEqual([
      ['2026-02-10 13:55:00+00', 'sshd', 4],
      ['2026-02-10 14:31:07+00', 'kernel', 5],
      ['2026-02-10 15:10:00+00', 'systemd', 6],
    ]);
  });

  it('gives the same rca findings as the sosreport of the same host', async () => {
    const key = (r: RcaReport) => r.findings.map((f) => ({ host: f.host, kind: f.kind, start: f.start, end: f.end, events: f.events, limit: f.limit, trigger: f.trigger, top_peers: f.top_peers }));
    const a = await buildRca(scc);
    expect(key(a)).toEqual(key(await buildRca(sos)));
    expect(a.findings.find((f) => f.kind === 'tcp_timewait_overflow')?.events.counter_delta).toBe(M.truth.counter_delta);
  });
});
