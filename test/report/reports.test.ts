import { describe, expect, it } from 'vitest';
import { reportRows, source, sysctl } from './fixture.js';

const ov = (host: string, ts: string, kind: string, count: number, suppressed: boolean, sourceId: number, line: number, message = 'TCP: time wait bucket table overflow') =>
  `INSERT INTO overflow_events (host, ts, ts_quality, kind, count, suppressed, message, source_id, line_no) VALUES ('${host}', '${ts}+00', 'exact', '${kind}', ${count}, ${suppressed}, '${message}', ${sourceId}, ${line})`;
const counter = (host: string, ts: string, name: string, value: number, semantics: string, origin = 'nstat', sourceId = 1) =>
  `INSERT INTO counter_samples (host, ts, ts_quality, origin, name, value, semantics, source_id) VALUES ('${host}', '${ts}+00', 'exact', '${origin}', '${name}', ${value}, '${semantics}', ${sourceId})`;
const sock = (host: string, ts: string, state: string, local: string, lport: number | null, peer: string, pport: number | null, n = 1, sourceId = 1) =>
  `INSERT INTO sockets (host, ts, ts_quality, proto, state, local_addr, local_port, peer_addr, peer_port, source_id)
   SELECT '${host}', '${ts}+00', 'exact', 'tcp', '${state}', '${local}', ${lport == null ? 'NULL' : `${lport} + range::INTEGER`}, '${peer}', ${pport ?? 'NULL'}, ${sourceId} FROM range(${n})`;
const slab = (host: string, ts: string, cache: string, active: number, num: number, objsize: number, sourceId = 1) =>
  `INSERT INTO slab_samples (host, ts, ts_quality, cache, active_objs, num_objs, objsize, source_id) VALUES ('${host}', '${ts}+00', 'exact', '${cache}', ${active}, ${num}, ${objsize}, ${sourceId})`;
const log = (host: string, ts: string, ident: string, message: string, sourceId: number, line: number) =>
  `INSERT INTO log_events (host, ts, ts_quality, ident, message, source_id, line_no) VALUES ('${host}', '${ts}+00', 'exact', '${ident}', '${message}', ${sourceId}, ${line})`;
const host = (h: string, kernel: string | null, tz = 'UTC') =>
  `INSERT INTO hosts (host, kernel, release, timezone, timezone_origin, boot_time, collected_at) VALUES ('${h}', ${kernel ? `'${kernel}'` : 'NULL'}, NULL, '${tz}', 'timedatectl', '2026-03-01 00:00:00+00', '2026-03-01 12:00:00+00')`;

describe('canned reports on a few inline rows', () => {
  it('sources: bundle, its members with issue codes and time bases, then a side file', async () => {
    const rows = await reportRows([
      `INSERT INTO sources (source_id, parent_id, host, kind, path, rows, skipped, ingested_at, time_basis, time_uncertainty_s) VALUES
        (1, NULL, 'web01', 'sosreport', '/case/sos.tar.xz', 0, 0, '2026-03-02 00:00:00+00', 'collection: date --utc', 218.78),
        (2, 1, 'web01', 'syslog', 'sos.tar.xz/var/log/messages', 10, 2, '2026-03-02 00:00:00+00', 'syslog-year-inferred', 1),
        (4, 1, 'web01', 'dmesg', 'sos.tar.xz/sos_commands/kernel/dmesg', 3, 0, '2026-03-02 00:00:00+00', 'boot: uptime (minutes)', 31),
        (3, NULL, 'db01', 'slabinfo', '/case/slab.log', 5, 0, '2026-03-02 00:00:00+00', 'file-mtime', NULL)`,
      `INSERT INTO ingest_issues (source_id, file, line, code, severity, logged_at) VALUES
        (2, 'messages', 3, 'no-timestamp', 'warning', now()), (2, 'messages', 9, 'bad-line', 'warning', now())`,
    ], 'sources', { host: 'web01' });
    expect(rows.map((r) => [r.source_id, r.parent_id, r.kind, r.rows, r.skipped, r.time_basis, r.time_uncertainty_s, r.issue_codes])).toEqual([
      [1, null, 'sosreport', 0, 0, 'collection: date --utc', 218.78, null],
      [2, 1, 'syslog', 10, 2, 'syslog-year-inferred', 1, 'bad-line,no-timestamp'],
      [4, 1, 'dmesg', 3, 0, 'boot: uptime (minutes)', 31, null],
    ]);
  });

  it('hosts: facts and running limits; sysctl.conf values are not running values', async () => {
    const rows = await reportRows([
      host('web01', '4.18.0-513.el8.x86_64'), host('db01', null),
      source(1, 'web01', 'sysctl', 'sysctl_-a'), source(2, 'web01', 'slabinfo', 'slab.log'),
      sysctl('web01', 'net.ipv4.tcp_max_tw_buckets', '180000'),
      sysctl('web01', 'net.nf_conntrack_max', '65536'),
      sysctl('web01', 'net.core.somaxconn', '4096'),
      sysctl('web01', 'net.ipv4.ip_local_port_range', '32768 60999'),
      sysctl('web01', 'net.ipv4.tcp_max_orphans', '1000', 'sysctl.conf'),
    ], 'hosts');
    expect(rows).toEqual([
      { host: 'db01', kernel: null, release: null, timezone: 'UTC', timezone_origin: 'timedatectl', boot_time: '2026-03-01T00:00:00.000Z', collected_at: '2026-03-01T12:00:00.000Z',
        inputs: 0, tcp_max_tw_buckets: null, nf_conntrack_max: null, tcp_max_orphans: null, somaxconn: null, ip_local_port_range: null, ephemeral_ports: null },
      { host: 'web01', kernel: '4.18.0-513.el8.x86_64', release: null, timezone: 'UTC', timezone_origin: 'timedatectl', boot_time: '2026-03-01T00:00:00.000Z', collected_at: '2026-03-01T12:00:00.000Z',
        inputs: 2, tcp_max_tw_buckets: 180000, nf_conntrack_max: 65536, tcp_max_orphans: null, somaxconn: 4096, ip_local_port_range: '32768 60999', ephemeral_ports: 28232 },
    ]);
  });

  it('overflow_timeline: per minute, the same line from two sources counted once', async () => {
    const rows = await reportRows([
      source(1, 'web01', 'dmesg', 'dmesg'), source(2, 'web01', 'syslog', 'messages'),
      ov('web01', '2026-03-01 10:00:05', 'tcp_timewait_overflow', 1, false, 1, 1),
      ov('web01', '2026-03-01 10:00:05', 'tcp_timewait_overflow', 1, false, 2, 1),
      ov('web01', '2026-03-01 10:00:20', 'tcp_timewait_overflow', 40, true, 2, 2, 'net_ratelimit: 40 callbacks suppressed'),
      ov('web01', '2026-03-01 10:00:20', 'tcp_timewait_overflow', 1, false, 2, 3),
      ov('web01', '2026-03-01 10:01:00', 'tcp_timewait_overflow', 1, false, 2, 4),
    ], 'overflow_timeline', { from: '2026-03-01T10:00:30Z' });
    // the 10:00 minute is in: the window starts within it
    expect(rows).toEqual([
      { host: 'web01', kind: 'tcp_timewait_overflow', minute: '2026-03-01T10:00:00.000Z', logged: 2, suppressed: 40, estimated_total: 42 },
      { host: 'web01', kind: 'tcp_timewait_overflow', minute: '2026-03-01T10:01:00.000Z', logged: 1, suppressed: 0, estimated_total: 1 },
    ]);
  });

  const episodeRows = [
    source(1, 'web01', 'syslog', 'var/log/messages'), source(2, 'web01', 'dmesg', 'dmesg'),
    ov('web01', '2026-03-01 10:00:00', 'tcp_timewait_overflow', 1, false, 1, 1),
    ov('web01', '2026-03-01 10:00:00', 'tcp_timewait_overflow', 1, false, 2, 1),
    ov('web01', '2026-03-01 10:05:00', 'tcp_timewait_overflow', 50, true, 1, 2, 'net_ratelimit: 50 callbacks suppressed'),
    ov('web01', '2026-03-01 10:05:00', 'tcp_timewait_overflow', 1, false, 1, 3),
    ov('web01', '2026-03-01 10:30:00', 'tcp_timewait_overflow', 1, false, 1, 4),
  ];

  it('episodes: gaps over 10 minutes split episodes; duration and the sources that saw them', async () => {
    expect(await reportRows(episodeRows, 'episodes')).toEqual([
      { host: 'web01', kind: 'tcp_timewait_overflow', episode: 1, start_ts: '2026-03-01T10:00:00.000Z', end_ts: '2026-03-01T10:05:00.000Z', duration_s: 300,
        logged: 2, suppressed: 50, estimated_total: 52, bursts: 2, sources: 'var/log/messages, dmesg' },
      { host: 'web01', kind: 'tcp_timewait_overflow', episode: 2, start_ts: '2026-03-01T10:30:00.000Z', end_ts: '2026-03-01T10:30:00.000Z', duration_s: 0,
        logged: 1, suppressed: 0, estimated_total: 1, bursts: 1, sources: 'var/log/messages' },
    ]);
  });

  it('episodes: $gap_minutes joins them; $from keeps episodes overlapping the window', async () => {
    const one = await reportRows(episodeRows, 'episodes', { gap_minutes: '30' });
    expect(one.map((r) => [r.episode, r.start_ts, r.end_ts, r.duration_s, r.estimated_total])).toEqual([
      [1, '2026-03-01T10:00:00.000Z', '2026-03-01T10:30:00.000Z', 1800, 53],
    ]);
    const late = await reportRows(episodeRows, 'episodes', { from: '2026-03-01T10:04:00Z', to: '2026-03-01T10:10:00Z' });
    expect(late.map((r) => r.episode)).toEqual([1]);
  });

  it('population_vs_limit: each sample with its limit and ratio; no limit, no ratio', async () => {
    const rows = await reportRows([
      source(1, 'web01', 'sockstat', 'sockstat.log'),
      sysctl('web01', 'net.ipv4.tcp_max_tw_buckets', '1000'),
      counter('web01', '2026-03-01 10:00:00', 'sockstat.TCP.tw', 400, 'gauge', 'sockstat'),
      counter('web01', '2026-03-01 10:01:00', 'sockstat.TCP.tw', 999, 'gauge', 'sockstat'),
      counter('web01', '2026-03-01 10:01:00', 'nf_conntrack_count', 10, 'gauge', 'sysctl'),
      sock('web01', '2026-03-01 10:01:00', 'TIME_WAIT', '10.0.0.1', 40000, '10.0.0.5', 5432, 3),
    ], 'population_vs_limit', { from: '2026-03-01T10:01:00Z' });
    expect(rows).toEqual([
      { host: 'web01', netns: '', kind: 'conntrack_table_full', ts: '2026-03-01T10:01:00.000Z', metric: 'nf_conntrack_count', origin: 'sysctl', population: 10, limit_name: null, limit_value: null, ratio: null },
      { host: 'web01', netns: '', kind: 'tcp_timewait_overflow', ts: '2026-03-01T10:01:00.000Z', metric: 'sockets.TIME_WAIT', origin: 'sockets', population: 3, limit_name: 'net.ipv4.tcp_max_tw_buckets', limit_value: 1000, ratio: 0.003 },
      { host: 'web01', netns: '', kind: 'tcp_timewait_overflow', ts: '2026-03-01T10:01:00.000Z', metric: 'sockstat.TCP.tw', origin: 'sockstat', population: 999, limit_name: 'net.ipv4.tcp_max_tw_buckets', limit_value: 1000, ratio: 0.999 },
    ]);
  });

  it('connection_rates: a rate far above the median + 6 MAD of the intervals before it is a spike', async () => {
    const values = [10, 11, 9, 10, 12, 100, 10];
    const rows = await reportRows([
      source(1, 'web01', 'sar', 'sar01'),
      ...values.map((v, i) => counter('web01', `2026-03-01 10:0${i}:00`, 'TcpActiveOpens', v, 'rate', 'sar')),
      counter('web01', '2026-03-01 10:00:00', 'TcpInSegs', 5000, 'rate', 'sar'), // not a connection rate
    ], 'connection_rates', { baseline_samples: '5' });
    expect(rows.map((r) => [r.ts, r.per_second, r.baseline_median, r.baseline_mad, r.spike])).toEqual([
      ['2026-03-01T10:00:00.000Z', 10, null, null, false],
      ['2026-03-01T10:01:00.000Z', 11, 10, 0, false],
      ['2026-03-01T10:02:00.000Z', 9, 10.5, 0.5, false], // fewer than 3 earlier intervals: never a spike
      ['2026-03-01T10:03:00.000Z', 10, 10, 1, false],
      ['2026-03-01T10:04:00.000Z', 12, 10, 0.5, false],
      ['2026-03-01T10:05:00.000Z', 100, 10, 1, true],
      ['2026-03-01T10:06:00.000Z', 10, 11, 1, false], // the spike in the baseline moves its median only a little
    ]);
    expect(rows[0]).toMatchObject({ host: 'web01', netns: '', name: 'TcpActiveOpens', origin: 'sar', method: 'recorded', from_ts: null });
  });

  it('connection_rates: rates derived from cumulative snapshots; an idle trickle is no spike', async () => {
    const rows = await reportRows([
      source(1, 'db01', 'nstat', 'nstat.log'),
      ...[0, 0, 0, 0, 30].map((v, i) => counter('db01', `2026-03-01 10:0${i}:00`, 'TcpPassiveOpens', v, 'cumulative')),
    ], 'connection_rates', { name: 'TcpPassiveOpens' });
    expect(rows.map((r) => [r.from_ts, r.ts, r.per_second, r.method, r.spike])).toEqual([
      ['2026-03-01T10:00:00.000Z', '2026-03-01T10:01:00.000Z', 0, 'derived', false],
      ['2026-03-01T10:01:00.000Z', '2026-03-01T10:02:00.000Z', 0, 'derived', false],
      ['2026-03-01T10:02:00.000Z', '2026-03-01T10:03:00.000Z', 0, 'derived', false],
      ['2026-03-01T10:03:00.000Z', '2026-03-01T10:04:00.000Z', 0.5, 'derived', false], // below $min_rate 1/s
    ]);
  });

  it('timewait_peers: the fullest snapshot, peers ranked with shares, client and server side', async () => {
    const rows = await reportRows([
      source(1, 'web01', 'ss', 'ss.log'),
      sock('web01', '2026-03-01 10:00:00', 'TIME_WAIT', '10.0.0.1', 40000, '10.0.0.5', 5432, 2),
      sock('web01', '2026-03-01 10:01:00', 'TIME_WAIT', '10.0.0.1', 40100, '10.0.0.5', 5432, 3),
      sock('web01', '2026-03-01 10:01:00', 'LISTEN', '0.0.0.0', 80, '0.0.0.0', null),
      sock('web01', '2026-03-01 10:01:00', 'TIME_WAIT', '10.0.0.1', 80, '192.0.2.9', 51000),
      sock('web01', '2026-03-01 10:01:00', 'ESTABLISHED', '10.0.0.1', 40500, '10.0.0.5', 5432),
    ], 'timewait_peers');
    expect(rows).toEqual([
      { host: 'web01', netns: '', ts: '2026-03-01T10:01:00.000Z', rank: 1, side: 'client', peer: '10.0.0.5:5432', local_port: null, sockets: 3, share: 0.75, snapshot_total: 4 },
      { host: 'web01', netns: '', ts: '2026-03-01T10:01:00.000Z', rank: 2, side: 'server', peer: '192.0.2.9', local_port: 80, sockets: 1, share: 0.25, snapshot_total: 4 },
    ]);
  });

  it('port_pressure: TIME-WAIT per source address and destination against the ephemeral ports', async () => {
    const rows = await reportRows([
      source(1, 'web01', 'ss', 'ss.log'), source(2, 'db01', 'ss', 'ss.log'),
      sysctl('web01', 'net.ipv4.ip_local_port_range', '60000 60999'),
      sock('web01', '2026-03-01 10:00:00', 'TIME_WAIT', '10.0.0.1', 60000, '10.0.0.5', 5432, 30),
      sock('web01', '2026-03-01 10:01:00', 'TIME_WAIT', '10.0.0.1', 60000, '10.0.0.5', 5432, 12),
      sock('web01', '2026-03-01 10:01:00', 'TIME_WAIT', '10.0.0.2', 60000, '10.0.0.5', 5432, 6),
      sock('db01', '2026-03-01 10:00:00', 'TIME_WAIT', 'fd00::1', 40000, 'fd00::9', 443, 120, 2),
    ], 'port_pressure');
    expect(rows).toEqual([
      { host: 'db01', netns: '', local_addr: 'fd00::1', destination: '[fd00::9]:443', peak_ts: '2026-03-01T10:00:00.000Z', timewait: 120,
        ephemeral_ports: 28232, ports_origin: 'default 32768-60999', port_use: 0.0043, close_rate_per_s: 2, sustainable_per_s: 470.5 },
      { host: 'web01', netns: '', local_addr: '10.0.0.1', destination: '10.0.0.5:5432', peak_ts: '2026-03-01T10:00:00.000Z', timewait: 30,
        ephemeral_ports: 1000, ports_origin: 'ip_local_port_range', port_use: 0.03, close_rate_per_s: 0.5, sustainable_per_s: 16.7 },
      { host: 'web01', netns: '', local_addr: '10.0.0.2', destination: '10.0.0.5:5432', peak_ts: '2026-03-01T10:01:00.000Z', timewait: 6,
        ephemeral_ports: 1000, ports_origin: 'ip_local_port_range', port_use: 0.006, close_rate_per_s: 0.1, sustainable_per_s: 16.7 },
    ]);
  });

  it('sysctl_audit: risky and unusual settings, each with why', async () => {
    const rows = await reportRows([
      host('old3', '3.10.0-1160.el7.x86_64'), host('new5', '5.14.0-362.el9.x86_64'),
      source(1, 'old3', 'sysctl', 'sysctl_-a'),
      sysctl('old3', 'net.ipv4.tcp_tw_recycle', '1'),
      sysctl('old3', 'net.ipv4.tcp_max_tw_buckets', '5000'),
      sysctl('old3', 'net.ipv4.ip_local_port_range', '50000\t55000'),
      sysctl('old3', 'net.ipv4.tcp_tw_reuse', '1'),
      sysctl('old3', 'net.ipv4.tcp_timestamps', '0'),
      sysctl('old3', 'net.core.somaxconn', '128'),
      sysctl('old3', 'net.core.somaxconn', '1024', 'sysctl.conf'),
      sysctl('old3', 'net.netfilter.nf_conntrack_max', '32768'),
      sysctl('old3', 'net.ipv4.tcp_fin_timeout', '30'),
      sysctl('old3', 'net.ipv4.tcp_syncookies', '0'),
      sysctl('new5', 'net.ipv4.tcp_tw_recycle', '1', 'sysctl.conf'),
      sysctl('new5', 'net.ipv4.tcp_max_tw_buckets', '262144'),
      sysctl('new5', 'net.ipv4.tcp_fin_timeout', '60'),
      sysctl('new5', 'net.ipv4.tcp_timestamps', '0'),
    ], 'sysctl_audit');
    expect(rows.map((r) => [r.host, r.name, r.value, r.origin, r.severity])).toEqual([
      ['new5', 'net.ipv4.tcp_tw_recycle', '1', 'sysctl.conf', 'high'],
      ['new5', 'net.ipv4.tcp_timestamps', '0', 'sysctl-a', 'info'],
      ['old3', 'net.ipv4.tcp_tw_recycle', '1', 'sysctl-a', 'high'],
      ['old3', 'net.core.somaxconn', '128', 'sysctl-a', 'medium'],
      ['old3', 'net.ipv4.ip_local_port_range', '50000 55000', 'sysctl-a', 'medium'],
      ['old3', 'net.ipv4.tcp_max_tw_buckets', '5000', 'sysctl-a', 'medium'],
      ['old3', 'net.ipv4.tcp_syncookies', '0', 'sysctl-a', 'medium'],
      ['old3', 'net.ipv4.tcp_tw_reuse', '1', 'sysctl-a', 'medium'],
      ['old3', 'net.netfilter.nf_conntrack_max', '32768', 'sysctl-a', 'medium'],
      ['old3', 'net.core.somaxconn', '128', 'sysctl-a', 'info'],
      ['old3', 'net.ipv4.tcp_fin_timeout', '30', 'sysctl-a', 'info'],
    ]);
    const why = Object.fromEntries(rows.map((r) => [`${r.host} ${r.name} ${r.severity}`, r.why]));
    expect(why['new5 net.ipv4.tcp_tw_recycle high']).toBe('tcp_tw_recycle was removed in Linux 4.12 and does not exist on 5.14.0-362.el9.x86_64: the setting is dead configuration (sysctl complains at boot); remove it');
    expect(why['old3 net.ipv4.tcp_tw_recycle high']).toMatch(/^tcp_tw_recycle drops SYNs from clients behind NAT/);
    expect(why['old3 net.ipv4.tcp_max_tw_buckets medium']).toMatch(/^only 5000 TIME-WAIT sockets: .* about 83 closes\/s/);
    expect(why['old3 net.ipv4.ip_local_port_range medium']).toMatch(/^only 5001 ephemeral ports: about 83 new connections\/s/);
    expect(why['old3 net.ipv4.tcp_tw_reuse medium']).toMatch(/needs TCP timestamps/);
    expect(why['old3 net.core.somaxconn info']).toBe('sysctl.conf sets 1024 but the running value is 128: not applied yet (sysctl -p, reboot) or overridden later');
    expect(why['old3 net.ipv4.tcp_fin_timeout info']).toMatch(/^not a risk, a frequent misunderstanding: .*TIME_WAIT is fixed at 60 s/);
  });

  it('counters_summary: reset-safe increase over the covered time, per hour; unchanged counters left out', async () => {
    const statements = [
      source(1, 'web01', 'nstat', 'nstat.log'),
      counter('web01', '2026-03-01 10:00:00', 'TcpExtTCPTimeWaitOverflow', 100, 'cumulative'),
      counter('web01', '2026-03-01 10:30:00', 'TcpExtTCPTimeWaitOverflow', 160, 'cumulative'),
      counter('web01', '2026-03-01 11:00:00', 'TcpExtTCPTimeWaitOverflow', 40, 'cumulative'), // reboot: counts from 0
      counter('web01', '2026-03-01 10:00:00', 'TcpActiveOpens', 7000, 'cumulative'),
      counter('web01', '2026-03-01 11:00:00', 'TcpActiveOpens', 7200, 'cumulative'),
      counter('web01', '2026-03-01 10:00:00', 'TcpExtListenOverflows', 5, 'cumulative'),
      counter('web01', '2026-03-01 11:00:00', 'TcpExtListenOverflows', 5, 'cumulative'),
      counter('web01', '2026-03-01 10:00:00', 'TcpExtTW', 5, 'cumulative'), // one snapshot: no delta
    ];
    expect(await reportRows(statements, 'counters_summary')).toEqual([
      { host: 'web01', netns: '', name: 'TcpActiveOpens', origin: 'nstat', first_ts: '2026-03-01T10:00:00.000Z', last_ts: '2026-03-01T11:00:00.000Z', hours: 1, samples: 2, increase: 200, resets: 0, per_hour: 200 },
      { host: 'web01', netns: '', name: 'TcpExtTCPTimeWaitOverflow', origin: 'nstat', first_ts: '2026-03-01T10:00:00.000Z', last_ts: '2026-03-01T11:00:00.000Z', hours: 1, samples: 3, increase: 100, resets: 1, per_hour: 100 },
    ]);
    const tw = await reportRows(statements, 'counters_summary', { name: 'timewait', to: '2026-03-01T10:30:00Z' });
    expect(tw.map((r) => [r.name, r.increase, r.hours, r.per_hour])).toEqual([['TcpExtTCPTimeWaitOverflow', 60, 0.5, 120]]);
  });

  it('slab_growth_top: growth between the first and last snapshot, at least $min_growth_kib', async () => {
    const statements = [
      source(1, 'web01', 'slabinfo', 'slab.log'), source(2, 'web01', 'slabinfo', 'proc/slabinfo'),
      slab('web01', '2026-03-01 10:00:00', 'tw_sock_TCP', 900, 1000, 256),
      slab('web01', '2026-03-01 10:00:00', 'dentry', 1000, 1000, 192),
      slab('web01', '2026-03-01 10:30:00', 'tw_sock_TCP', 9000, 10000, 256), // a snapshot in between does not count
      slab('web01', '2026-03-01 11:00:00', 'tw_sock_TCP', 19000, 20000, 256),
      slab('web01', '2026-03-01 11:00:00', 'tw_sock_TCP', 19000, 20000, 256, 2), // the same snapshot from the bundle
      slab('web01', '2026-03-01 11:00:00', 'dentry', 1100, 1100, 192),
      slab('web01', '2026-03-01 11:00:00', 'kmalloc-2k', 1024, 1024, 2048),
    ];
    expect(await reportRows(statements, 'slab_growth_top')).toEqual([
      { host: 'web01', cache: 'tw_sock_TCP', first_ts: '2026-03-01T10:00:00.000Z', last_ts: '2026-03-01T11:00:00.000Z', first_kib: 250, last_kib: 5000, growth_kib: 4750, first_active_objs: 900, last_active_objs: 19000 },
      { host: 'web01', cache: 'kmalloc-2k', first_ts: '2026-03-01T10:00:00.000Z', last_ts: '2026-03-01T11:00:00.000Z', first_kib: 0, last_kib: 2048, growth_kib: 2048, first_active_objs: null, last_active_objs: 1024 },
    ]);
    const all = await reportRows(statements, 'slab_growth_top', { min_growth_kib: '-1000', to: '2026-03-01T10:30:00Z' });
    // a cache missing from the last snapshot in the window counts as shrunk to 0
    expect(all.map((r) => [r.cache, r.first_kib, r.last_kib, r.growth_kib])).toEqual([['tw_sock_TCP', 250, 2500, 2250], ['dentry', 187, 0, -187]]);
  });

  it('fleet_summary: episodes, counter-only overflows, worst episode, peak ratio and limits per host', async () => {
    const rows = await reportRows([
      host('web01', '2.6.32-754.el6.x86_64'), host('db01', '5.14.0-362.el9.x86_64'), host('idle', null),
      source(1, 'web01', 'syslog', 'messages'), source(2, 'db01', 'nstat', 'nstat.log'),
      ov('web01', '2026-03-01 10:00:00', 'tcp_timewait_overflow', 1, false, 1, 1),
      ov('web01', '2026-03-01 10:00:05', 'tcp_timewait_overflow', 300, true, 1, 2, 'net_ratelimit: 300 callbacks suppressed'),
      ov('web01', '2026-03-01 11:00:00', 'tcp_timewait_overflow', 1, false, 1, 3),
      ov('web01', '2026-03-01 12:00:00', 'tcp_listen_overflow', 1, false, 1, 4, 'TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.'),
      sysctl('web01', 'net.ipv4.tcp_max_tw_buckets', '1000'),
      counter('web01', '2026-03-01 10:00:00', 'sockstat.TCP.tw', 990, 'gauge', 'sockstat', 1),
      counter('db01', '2026-03-01 10:00:00', 'TcpExtTCPTimeWaitOverflow', 0, 'cumulative', 'nstat', 2),
      counter('db01', '2026-03-01 10:01:00', 'TcpExtTCPTimeWaitOverflow', 50, 'cumulative', 'nstat', 2),
      counter('db01', '2026-03-01 10:01:00', 'nf_conntrack.drop', 7, 'cumulative', 'conntrack', 2),
      counter('db01', '2026-03-01 10:01:00', 'TcpExtListenOverflows', 0, 'cumulative', 'nstat', 2),
      sysctl('db01', 'net.netfilter.nf_conntrack_max', '262144', 'sysctl-a', 2),
    ], 'fleet_summary');
    expect(rows).toEqual([
      { host: 'web01', kernel: '2.6.32-754.el6.x86_64', incidents: 3, episodes: 3, counter_only: 0, kinds: 'tcp_listen_overflow,tcp_timewait_overflow',
        worst_kind: 'tcp_timewait_overflow', worst_start: '2026-03-01T10:00:00.000Z', worst_estimated_total: 301, peak_ratio: 0.99, peak_ratio_kind: 'tcp_timewait_overflow',
        peak_ratio_metric: 'sockstat.TCP.tw', peak_ratio_note: null, tcp_max_tw_buckets: 1000, nf_conntrack_max: null },
      { host: 'db01', kernel: '5.14.0-362.el9.x86_64', incidents: 2, episodes: 0, counter_only: 2, kinds: 'conntrack_table_full,tcp_timewait_overflow',
        worst_kind: null, worst_start: null, worst_estimated_total: null, peak_ratio: null, peak_ratio_kind: null, peak_ratio_metric: null, peak_ratio_note: null, tcp_max_tw_buckets: null, nf_conntrack_max: 262144 },
      { host: 'idle', kernel: null, incidents: 0, episodes: 0, counter_only: 0, kinds: '', worst_kind: null, worst_start: null, worst_estimated_total: null,
        peak_ratio: null, peak_ratio_kind: null, peak_ratio_metric: null, peak_ratio_note: null, tcp_max_tw_buckets: null, nf_conntrack_max: null },
    ]);
  });

  const logRows = [
    source(1, 'web01', 'syslog', 'var/log/messages'), source(2, 'db01', 'journal-export', 'journal.export'),
    log('web01', '2026-03-01 10:00:00', 'kernel', 'TCP: time wait bucket table overflow', 1, 1),
    log('web01', '2026-03-01 10:00:05', 'kernel', 'net_ratelimit: 300 callbacks suppressed', 1, 2),
    log('web01', '2026-03-01 10:00:06', 'sshd', 'Accepted publickey for ops', 1, 3),
    log('db01', '2026-03-01 10:00:01', 'kernel', 'nf_conntrack: table full, dropping packet', 2, 1),
    ov('web01', '2026-03-01 10:00:00', 'tcp_timewait_overflow', 1, false, 1, 1),
    ov('web01', '2026-03-01 10:00:05', 'tcp_timewait_overflow', 300, true, 1, 2, 'net_ratelimit: 300 callbacks suppressed'),
    ov('db01', '2026-03-01 10:00:01', 'conntrack_table_full', 1, false, 2, 1, 'nf_conntrack: table full, dropping packet'),
  ];

  it('log_search: lines of an overflow kind, with the suppressed summaries attributed to it', async () => {
    expect(await reportRows(logRows, 'log_search', { kind: 'tcp_timewait_overflow' })).toEqual([
      { host: 'web01', ts: '2026-03-01T10:00:00.000Z', local_time: '2026-03-01 10:00:00 UTC', ts_quality: 'exact', ident: 'kernel', kind: 'tcp_timewait_overflow', suppressed: false, count: 1,
        message: 'TCP: time wait bucket table overflow', copies: 1, path: 'var/log/messages', line_no: 1, match: true, hit: 1 },
      { host: 'web01', ts: '2026-03-01T10:00:05.000Z', local_time: '2026-03-01 10:00:05 UTC', ts_quality: 'exact', ident: 'kernel', kind: 'tcp_timewait_overflow', suppressed: true, count: 300,
        message: 'net_ratelimit: 300 callbacks suppressed', copies: 1, path: 'var/log/messages', line_no: 2, match: true, hit: 2 },
    ]);
  });

  it('log_search: the lines around each match (context), and the time on the host\'s own clock', async () => {
    const rows = await reportRows([...logRows, host('web01', null, 'America/Chicago')], 'log_search', { pattern: 'publickey', context: '1' });
    expect(rows.map((r) => [r.line_no, r.match, r.hit, r.local_time, r.message])).toEqual([
      [2, false, 1, '2026-03-01 04:00:05 America/Chicago', 'net_ratelimit: 300 callbacks suppressed'],
      [3, true, 1, '2026-03-01 04:00:06 America/Chicago', 'Accepted publickey for ops'],
    ]);
    await expect(reportRows(logRows, 'log_search', { context: 'two' })).rejects.toThrow();
  });

  it('log_search: a text pattern (ILIKE, bare word anywhere), a window and a limit', async () => {
    const table = await reportRows(logRows, 'log_search', { pattern: 'TABLE' });
    expect(table.map((r) => [r.host, r.line_no, r.kind])).toEqual([['web01', 1, 'tcp_timewait_overflow'], ['db01', 1, 'conntrack_table_full']]);
    const anchored = await reportRows(logRows, 'log_search', { pattern: 'accepted%', from: '2026-03-01T10:00:06Z' });
    expect(anchored.map((r) => [r.ident, r.kind, r.message])).toEqual([['sshd', null, 'Accepted publickey for ops']]);
    const first = await reportRows(logRows, 'log_search', { limit: '2' });
    expect(first.map((r) => r.ts)).toEqual(['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:01.000Z']);
  });

  it('coverage: evidence per host with span, partial sources, and why something is missing', async () => {
    const rows = await reportRows([
      host('web01', null), host('db01', null),
      source(1, 'web01', 'syslog', 'var/log/messages', { partial: true }), source(2, 'web01', 'sar', 'sa/sar01'),
      source(3, 'db01', 'nstat', 'nstat.log'), source(4, 'db01', 'sysctl', 'sysctl.txt'),
      log('web01', '2026-03-01 10:00:00', 'kernel', 'hello', 1, 1),
      log('web01', '2026-03-01 11:00:00', 'kernel', 'bye', 1, 2),
      `INSERT INTO ingest_issues (source_id, file, code, severity, logged_at) VALUES (2, 'sa/sar01', 'no-tcp-activity', 'warning', now())`,
      counter('db01', '2026-03-01 10:00:00', 'TcpActiveOpens', 7000, 'cumulative', 'nstat', 3),
      counter('db01', '2026-03-01 10:00:00', 'TcpExtTCPTimeWaitOverflow', 3, 'cumulative', 'nstat', 3),
      sysctl('db01', 'net.ipv4.tcp_max_tw_buckets', '262144', 'sysctl-a', 4),
    ], 'coverage');
    const T0 = '2026-03-01T10:00:00.000Z';
    expect(rows.map((r) => [r.host, r.evidence, r.present, r.rows, r.sources, r.first_ts, r.last_ts, r.partial_sources])).toEqual([
      ['db01', 'syslog', false, 0, 0, null, null, null],
      ['db01', 'journal', false, 0, 0, null, null, null],
      ['db01', 'dmesg', false, 0, 0, null, null, null],
      ['db01', 'slab', false, 0, 0, null, null, null],
      ['db01', 'population', false, 0, 0, null, null, null],
      ['db01', 'tcp_rates', false, 0, 0, null, null, null],
      ['db01', 'overflow_counters', true, 1, 1, T0, T0, null],
      ['db01', 'sockets', false, 0, 0, null, null, null],
      ['db01', 'sysctls', true, 1, 1, null, null, null],
      ['web01', 'syslog', true, 2, 1, T0, '2026-03-01T11:00:00.000Z', 'var/log/messages'],
      ['web01', 'journal', false, 0, 0, null, null, null],
      ['web01', 'dmesg', false, 0, 0, null, null, null],
      ['web01', 'slab', false, 0, 0, null, null, null],
      ['web01', 'population', false, 0, 0, null, null, null],
      ['web01', 'tcp_rates', false, 0, 0, null, null, null],
      ['web01', 'overflow_counters', false, 0, 0, null, null, null],
      ['web01', 'sockets', false, 0, 0, null, null, null],
      ['web01', 'sysctls', false, 0, 0, null, null, null],
    ]);
    const note = (h: string, e: string) => rows.find((r) => r.host === h && r.evidence === e)!.note;
    expect(note('web01', 'tcp_rates')).toBe('no TCP rate data: sadc ran without -S SNMP (the sar file has no TCP/ETCP activity); nstat snapshots in a loop give rates too');
    expect(note('db01', 'tcp_rates')).toMatch(/^no TCP rate data: one snapshot of TcpActiveOpens only/);
    expect(note('web01', 'sockets')).toBe('no socket lists (ss -tan, netstat -tan, /proc/net/tcp): TIME-WAIT peers cannot be named');
    expect(note('web01', 'syslog')).toBeNull();
  });
});
