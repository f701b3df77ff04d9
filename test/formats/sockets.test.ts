import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext, SocketRow } from '../../src/model.js';
import { parseText } from '../../src/formats/kit/lines.js';
import { splitEndpoint } from '../../src/formats/sockets/common.js';
import { createNetstatSocketsParser, looksLikeNetstatSockets } from '../../src/formats/sockets/netstat.js';
import { createProcTcpParser, formatIpv6, looksLikeProcTcp } from '../../src/formats/sockets/proc-tcp.js';
import { createSsParser, looksLikeSs } from '../../src/formats/sockets/ss.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD, describeRealworld } from '../helpers.js';

const SNAP = Date.UTC(2026, 2, 9, 13, 20, 2) * 1000;
const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'sos_commands/networking/ss_-peaonmi', host: 'web1', tz: 'UTC', snapshotTs: SNAP, ...over,
});
/** proto state local:port peer:port process timer */
const brief = (r: SocketRow) =>
  [r.proto, r.state, `${r.local_addr}|${r.local_port}`, `${r.peer_addr}|${r.peer_port}`, r.process, r.timer];
/** state local port, Recv-Q, Send-Q */
const queues = (r: SocketRow) => [r.state, r.local_port, r.recv_q, r.send_q];

describe('splitEndpoint', () => {
  it('splits on the last colon, strips brackets and the device, maps * to null', () => {
    expect(splitEndpoint('[::ffff:10.0.0.5]:443')).toEqual({ addr: '::ffff:10.0.0.5', port: 443, named: false });
    expect(splitEndpoint('[2001:db8::5]:443')).toEqual({ addr: '2001:db8::5', port: 443, named: false });
    expect(splitEndpoint('10.0.0.5%eth0:443')).toEqual({ addr: '10.0.0.5', port: 443, named: false });
    expect(splitEndpoint('*:*')).toEqual({ addr: '*', port: null, named: false });
    expect(splitEndpoint(':::22')).toEqual({ addr: '::', port: 22, named: false });
    expect(splitEndpoint('10.0.0.5:https')).toEqual({ addr: '10.0.0.5', port: null, named: true });
    expect(splitEndpoint('nonsense')).toBeNull();
    expect(splitEndpoint('10.0.0.5:99999')).toBeNull();
  });
});

describe('createSsParser', () => {
  it('reads ss -tan with normalised states, IPv6 family as tcp6', () => {
    const text = [
      'State      Recv-Q Send-Q     Local Address:Port      Peer Address:Port  Process',
      'LISTEN     0      511              0.0.0.0:443            0.0.0.0:*',
      'TIME-WAIT  0      0               10.0.0.5:443          10.0.9.17:51544',
      'ESTAB      0      0      [::ffff:10.0.0.5]:443  [::ffff:10.0.9.18]:40112',
      'FIN-WAIT-2 0      0               10.0.0.5:443          10.0.9.19:40000',
      'ESTAB      0      0               nonsense         10.0.9.1:5',
    ].join('\n');
    const r = parseText(createSsParser(ctx()), text);
    expect(r.rows[1]).toEqual({
      host: 'web1', ts: SNAP, ts_quality: 'collection-time', netns: null, proto: 'tcp', state: 'TIME_WAIT',
      local_addr: '10.0.0.5', local_port: 443, peer_addr: '10.0.9.17', peer_port: 51544, process: null, timer: null,
      recv_q: 0, send_q: 0,
    });
    expect(r.rows.map(queues)).toEqual([['LISTEN', 443, 0, 511], ['TIME_WAIT', 443, 0, 0], ['ESTABLISHED', 443, 0, 0], ['FIN_WAIT2', 443, 0, 0]]);
    expect(r.rows.map(brief)).toEqual([
      ['tcp', 'LISTEN', '0.0.0.0|443', '0.0.0.0|null', null, null],
      ['tcp', 'TIME_WAIT', '10.0.0.5|443', '10.0.9.17|51544', null, null],
      ['tcp6', 'ESTABLISHED', '::ffff:10.0.0.5|443', '::ffff:10.0.9.18|40112', null, null],
      ['tcp', 'FIN_WAIT2', '10.0.0.5|443', '10.0.9.19|40000', null, null],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[6, 'bad-socket-line']]);
    expect(r.linesSkipped).toBe(1);
  });

  it('reads sos ss -peaonmi: keeps tcp/udp, joins tab continuation lines, ignores unix and netlink', () => {
    const text = [
      'Netid State     Recv-Q Send-Q        Local Address:Port     Peer Address:Port  Process',
      'nl    UNCONN    0      0                      rtnl:kernel                *',
      'u_str ESTAB     0      0                         * 20873               * 20874 users:(("systemd",pid=1,fd=40)) ino:20873 sk:1 <->',
      '\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)',
      'udp   UNCONN    0      0             127.0.0.53%lo:53            0.0.0.0:*     users:(("systemd-resolve",pid=600,fd=12)) uid:101 ino:22455 sk:4 <->',
      '\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)',
      'tcp   TIME-WAIT 0      0                  10.0.0.5:443         10.0.9.17:51544 timer:(timewait,41sec,0) ino:0 sk:9',
      'tcp   ESTAB     0      0         [::ffff:10.0.0.5]:443  [::ffff:10.0.9.18]:40112 users:(("nginx",pid=123,fd=4),("nginx",pid=124,fd=4)) timer:(keepalive,119min,0) uid:33 ino:4711 sk:a <->',
      '\t skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0) ts sack cubic wscale:7,7 rto:204 rtt:0.5/0.25',
    ].join('\n');
    const p = createSsParser(ctx());
    const r = parseText(p, text);
    expect(r.rows.map(brief)).toEqual([
      ['udp', 'UNCONN', '127.0.0.53|53', '0.0.0.0|null', 'systemd-resolve/600', null],
      ['tcp', 'TIME_WAIT', '10.0.0.5|443', '10.0.9.17|51544', null, 'timewait,41sec,0'],
      ['tcp6', 'ESTABLISHED', '::ffff:10.0.0.5|443', '::ffff:10.0.9.18|40112', 'nginx/123,nginx/124', 'keepalive,119min,0'],
    ]);
    expect(r.issues).toEqual([]);
    expect(r.linesSkipped).toBe(0);
    expect((p as unknown as { notApplicable: number }).notApplicable).toBe(3);
  });

  it('reads ss -ltn: Recv-Q is the accept queue, Send-Q the backlog of each listener', () => {
    const text = [
      'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'LISTEN 17     16           0.0.0.0:8080       0.0.0.0:*',
      'LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*',
      'LISTEN 129    128             [::]:443           [::]:*',
    ].join('\n');
    const r = parseText(createSsParser(ctx({ file: 'ss-ltn.txt' })), text);
    expect(r.rows.map((x) => [x.proto, x.local_addr, ...queues(x)])).toEqual([
      ['tcp', '0.0.0.0', 'LISTEN', 8080, 17, 16],
      ['tcp', '127.0.0.53', 'LISTEN', 53, 0, 4096],
      ['tcp6', '::', 'LISTEN', 443, 129, 128],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('reads ss -tanp / -tanoi without a header (-H) and with a process column', () => {
    const text = [
      'LISTEN    0      511          0.0.0.0:80         0.0.0.0:*     users:(("nginx",pid=1201,fd=6),("nginx",pid=1200,fd=6))',
      'ESTAB     0      36           10.0.0.5:22        10.0.9.1:50000 users:(("sshd",pid=2211,fd=4)) timer:(on,208ms,0)',
      'CLOSE-WAIT 412   0            10.0.0.5:80        10.0.9.18:40112 users:(("nginx",pid=1201,fd=11))',
      'ESTAB     x      0            10.0.0.5:80        10.0.9.19:40113',
    ].join('\n');
    const r = parseText(createSsParser(ctx()), text);
    expect(r.rows.map((x) => [...queues(x), x.process, x.timer])).toEqual([
      ['LISTEN', 80, 0, 511, 'nginx/1201,nginx/1200', null],
      ['ESTABLISHED', 22, 0, 36, 'sshd/2211', 'on,208ms,0'],
      ['CLOSE_WAIT', 80, 412, 0, 'nginx/1201', null],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[4, 'bad-socket-line']]);
  });

  it('reads an ss -peaonmi listener: Netid column, queues, details on the tab line', () => {
    const text = [
      'Netid State  Recv-Q Send-Q     Local Address:Port  Peer Address:Port Process',
      'tcp   LISTEN 3      4096             0.0.0.0:5432       0.0.0.0:*     users:(("postgres",pid=1187,fd=6)) uid:26 ino:27543 sk:5 cgroup:/system.slice/postgresql.service <->',
      '\t skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) cubic rto:1000 mss:536 cwnd:10 lastsnd:2317712 lastrcv:2317712 lastack:2317712',
      'tcp   ESTAB  0      1448           10.0.0.5:5432     10.0.9.17:51544 users:(("postgres",pid=4411,fd=9)) timer:(on,204ms,0) uid:26 ino:88122 sk:6 <->',
      'udp   UNCONN 213760 0                0.0.0.0:514        0.0.0.0:*     users:(("rsyslogd",pid=845,fd=5)) ino:19012 sk:7 <->',
    ].join('\n');
    const r = parseText(createSsParser(ctx()), text);
    expect(r.rows.map((x) => [x.proto, ...queues(x), x.process])).toEqual([
      ['tcp', 'LISTEN', 5432, 3, 4096, 'postgres/1187'],
      ['tcp', 'ESTABLISHED', 5432, 0, 1448, 'postgres/4411'],
      ['udp', 'UNCONN', 514, 213760, 0, 'rsyslogd/845'],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('reads the layouts a one-state filter and -Q leave: Netid without State, no queue columns', () => {
    // `ss -an state listening` lists several tables under one state: Netid stays, State goes
    const netid = [
      'Netid Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'tcp   0      4096         0.0.0.0:22         0.0.0.0:*',
      'u_str 0      0    /run/systemd/private 20873          * 0',
    ].join('\n');
    const n = parseText(createSsParser(ctx(), { state: 'LISTEN' }), netid);
    expect(n.rows.map(queues)).toEqual([['LISTEN', 22, 0, 4096]]);
    expect(n.issues).toEqual([]);
    // `ss -tnQ state time-wait`: no State, no queues, the first column right-aligned
    const noQueues = [
      '   Local Address:Port    Peer Address:Port Process',
      '        10.0.0.5:443        10.0.9.17:51544',
      '[::ffff:10.0.0.5]:443 [::ffff:10.0.9.17]:51545',
      'ESTAB  10.0.0.5:22  10.0.9.1:50000',
    ].join('\n');
    const q = parseText(createSsParser(ctx(), { state: 'TIME_WAIT' }), noQueues);
    expect(q.rows.map((x) => [x.proto, ...queues(x)])).toEqual([
      ['tcp', 'TIME_WAIT', 443, null, null],
      ['tcp6', 'TIME_WAIT', 443, null, null],
      ['tcp', 'ESTABLISHED', 22, null, null],
    ]);
    expect(q.issues).toEqual([]);
    expect(looksLikeSs(noQueues)).toBe(true);
  });

  it('takes a timer from a continuation line and reports a continuation with no socket', () => {
    const text = [
      '\t skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0)',
      'ESTAB 0 0 10.0.0.5:22 10.0.9.1:50000',
      '\t timer:(keepalive,1min,0) cubic rto:204',
    ].join('\n');
    const r = parseText(createSsParser(ctx()), text);
    expect(r.rows.map(brief)).toEqual([['tcp', 'ESTABLISHED', '10.0.0.5|22', '10.0.9.1|50000', null, 'keepalive,1min,0']]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[1, 'orphan-continuation']]);
  });

  it('reads `ss -tan state time-wait` (no State column) and snapshot stamps', () => {
    const text = [
      '0      0      10.0.0.5:443   10.0.9.17:51544',
      'Mon Mar  9 13:20:02 UTC 2026',
      'Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      '0      0      10.0.0.5:443   10.0.9.17:51544',
      'Mon Mar  9 13:20:32 UTC 2026',
      'Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      '0      0      10.0.0.5:443   10.0.9.17:51590 timer:(timewait,59sec,0)',
      '0      0      10.0.0.5:https 10.0.9.17:51591',
    ].join('\n');
    const r = parseText(createSsParser(ctx({ snapshotTs: null }), { state: 'TIME_WAIT' }), text);
    expect(r.rows.map(queues)).toEqual([['TIME_WAIT', 443, 0, 0], ['TIME_WAIT', 443, 0, 0], ['TIME_WAIT', null, 0, 0]]);
    expect(r.rows.map((x) => [isoUtc(x.ts), x.ts_quality, ...brief(x)])).toEqual([
      ['2026-03-09T13:20:02Z', 'exact', 'tcp', 'TIME_WAIT', '10.0.0.5|443', '10.0.9.17|51544', null, null],
      ['2026-03-09T13:20:32Z', 'exact', 'tcp', 'TIME_WAIT', '10.0.0.5|443', '10.0.9.17|51590', null, 'timewait,59sec,0'],
      ['2026-03-09T13:20:32Z', 'exact', 'tcp', 'TIME_WAIT', '10.0.0.5|null', '10.0.9.17|51591', null, null],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[1, 'no-timestamp'], [8, 'service-name-port']]);
    expect(r.linesSkipped).toBe(1);
    // Without the option, only a timewait timer tells the state.
    const d = parseText(createSsParser(ctx()), text);
    expect(d.rows.map((x) => x.state)).toEqual(['UNKNOWN', 'UNKNOWN', 'TIME_WAIT', 'UNKNOWN']);
  });

  it('sniffs ss output but not netstat', () => {
    expect(looksLikeSs('State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n')).toBe(true);
    expect(looksLikeSs('Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n')).toBe(true);
    expect(looksLikeSs('TIME-WAIT 0 0 10.0.0.5:443 10.0.9.17:51544\nESTAB 0 0 10.0.0.5:443 10.0.9.17:51545\n')).toBe(true);
    expect(looksLikeSs('Proto Recv-Q Send-Q Local Address           Foreign Address         State\n')).toBe(false);
  });
});

describe('createNetstatSocketsParser', () => {
  it('reads netstat -W -neopa: program names with spaces, blank UDP state, timers; ignores unix sockets', () => {
    const text = [
      'Active Internet connections (servers and established)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer',
      'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          80701      328/sshd: /usr/sbin  off (0.00/0/0)',
      'tcp        0      0 10.0.0.121:35100        10.0.0.119:3306         TIME_WAIT   0          0          -                    timewait (10.04/0/0)',
      'tcp6       0      0 10.0.0.121:8201         10.0.0.112:52162        ESTABLISHED 0          363654     8589/vault           keepalive (2.75/0/0)',
      'udp        0      0 127.0.0.53:53           0.0.0.0:*                           101        62669      187/systemd-resolve  off (0.00/0/0)',
      'tcp        0      0 10.0.0.121:35101        10.0.0.119:3306         BOGUS       0          0          -                    off (0.00/0/0)',
      'raw6       0      0 :::58                   :::*                    7           0          74368      247/systemd-network  off (0.00/0/0)',
      'Active UNIX domain sockets (servers and established)',
      'Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path',
      'unix  2      [ ACC ]     STREAM     LISTENING     20873    1/systemd            /run/systemd/private',
    ].join('\n');
    const p = createNetstatSocketsParser(ctx({ file: 'sos_commands/networking/netstat_-W_-neopa' }));
    const r = parseText(p, text);
    expect(r.rows.map(brief)).toEqual([
      ['tcp', 'LISTEN', '0.0.0.0|22', '0.0.0.0|null', 'sshd: /usr/sbin/328', null],
      ['tcp', 'TIME_WAIT', '10.0.0.121|35100', '10.0.0.119|3306', null, 'timewait,10.04/0/0'],
      ['tcp6', 'ESTABLISHED', '10.0.0.121|8201', '10.0.0.112|52162', 'vault/8589', 'keepalive,2.75/0/0'],
      ['udp', 'UNCONN', '127.0.0.53|53', '0.0.0.0|null', 'systemd-resolve/187', null],
    ]);
    expect(r.rows.map(queues)).toEqual([['LISTEN', 22, 0, null], ['TIME_WAIT', 35100, 0, 0], ['ESTABLISHED', 8201, 0, 0], ['UNCONN', 53, 0, 0]]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[7, 'bad-socket-line']]);
    expect((p as unknown as { notApplicable: number }).notApplicable).toBe(3);
  });

  it('keeps netstat queues except Send-Q of a listener (its write queue, not a backlog)', () => {
    const text = [
      'Active Internet connections (servers and established)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer',
      'tcp      129      0 0.0.0.0:8080            0.0.0.0:*               LISTEN      1000       412233     2211/java            off (0.00/0/0)',
      'tcp        0  17376 10.0.0.5:8080           10.0.9.17:51544         ESTABLISHED 1000       412301     2211/java            on (0.21/0/0)',
      'tcp      412      0 10.0.0.5:8080           10.0.9.18:40112         CLOSE_WAIT  1000       412302     2211/java            off (0.00/0/0)',
      'udp   213760      0 0.0.0.0:514             0.0.0.0:*                           0          19012      845/rsyslogd         off (0.00/0/0)',
    ].join('\n');
    const r = parseText(createNetstatSocketsParser(ctx({ file: 'sos_commands/networking/netstat_-W_-neopa' })), text);
    expect(r.rows.map((x) => [...queues(x), x.process])).toEqual([
      ['LISTEN', 8080, 129, null, 'java/2211'],
      ['ESTABLISHED', 8080, 0, 17376, 'java/2211'],
      ['CLOSE_WAIT', 8080, 412, 0, 'java/2211'],
      ['UNCONN', 514, 213760, 0, 'rsyslogd/845'],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('reads netstat -tlnp (only servers, PID/Program without User and Inode)', () => {
    const text = [
      'Active Internet connections (only servers)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
      'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      900/sshd',
      'tcp6       3      0 :::8080                 :::*                    LISTEN      2211/java',
    ].join('\n');
    const r = parseText(createNetstatSocketsParser(ctx()), text);
    expect(r.rows.map((x) => [x.proto, ...queues(x), x.process])).toEqual([
      ['tcp', 'LISTEN', 22, 0, null, 'sshd/900'],
      ['tcp6', 'LISTEN', 8080, 3, null, 'java/2211'],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('reads netstat -ant (no extra columns)', () => {
    const text = [
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State',
      'tcp        0      0 10.0.0.5:443            10.0.9.17:51544         TIME_WAIT',
      'tcp6       0      0 :::22                   :::*                    LISTEN',
    ].join('\n');
    const r = parseText(createNetstatSocketsParser(ctx()), text);
    expect(r.rows.map(brief)).toEqual([
      ['tcp', 'TIME_WAIT', '10.0.0.5|443', '10.0.9.17|51544', null, null],
      ['tcp6', 'LISTEN', '::|22', '::|null', null, null],
    ]);
    expect(r.rows.map(queues)).toEqual([['TIME_WAIT', 443, 0, 0], ['LISTEN', 22, 0, null]]);
    expect(r.issues).toEqual([]);
  });

  it('sniffs netstat socket lists but not ss', () => {
    expect(looksLikeNetstatSockets('Active Internet connections (servers and established)\n')).toBe(true);
    expect(looksLikeNetstatSockets('tcp 0 0 10.0.0.5:443 10.0.9.17:51544 TIME_WAIT\ntcp 0 0 10.0.0.5:443 10.0.9.17:51545 TIME_WAIT\n')).toBe(true);
    expect(looksLikeNetstatSockets('tcp   ESTAB 0 0 10.0.0.5:443 10.0.9.17:1\ntcp   ESTAB 0 0 10.0.0.5:443 10.0.9.17:2\n')).toBe(false);
  });
});

describe('createProcTcpParser', () => {
  it('decodes little-endian hex addresses, hex states and tcp6', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0500000A:01BB 11090A0A:C970 06 00000000:00000000 03:00000E6F 00000000     0        0 0 3 0000000000000000',
      '   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2740 1 ffff88003d3af3c0 100 0 0 10 0',
      '   2: 0500000A:01BB 11090A0A:C971 0F 00000000:00000000 00:00000000 00000000     0        0 0 3 0000000000000000',
      '   3: 0000000000000000FFFF00000500000A:01BB 0000000000000000FFFF0000110A0A0A:C972 01 00000000:00000000 00:00000000 00000000 33 0 4711 1 0',
    ].join('\n');
    const r = parseText(createProcTcpParser(ctx({ file: 'proc/net/tcp' })), text);
    expect(r.rows.map(brief)).toEqual([
      ['tcp', 'TIME_WAIT', '10.0.0.5|443', '10.10.9.17|51568', null, null],
      ['tcp', 'LISTEN', '0.0.0.0|22', '0.0.0.0|null', null, null],
      ['tcp6', 'ESTABLISHED', '::ffff:10.0.0.5|443', '::ffff:10.10.10.17|51570', null, null],
    ]);
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[4, 'bad-socket-line']]);
  });

  it('reads tx_queue:rx_queue (hex) as Send-Q / Recv-Q, with no Send-Q for a listener', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:1F90 00000000:0000 0A 00000000:00000011 00:00000000 00000000  1000        0 412233 1 ffff8d2a3c5e8000 100 0 0 10 0',
      '   1: 0500000A:1F90 11090A0A:C970 01 000043E0:00000000 01:00000015 00000000  1000        0 412301 4 ffff8d2a3c5e9a00 21 4 30 10 -1',
      '   2: 0500000A:1F90 12090A0A:9CD0 08 00000000:0000019C 00:00000000 00000000  1000        0 412302 1 ffff8d2a3c5eb400 20 4 0 10 -1',
      '   3: 0500000A:1F90 13090A0A:9CD1 01',
    ].join('\n');
    const r = parseText(createProcTcpParser(ctx({ file: 'proc/net/tcp' })), text);
    expect(r.rows.map(queues)).toEqual([
      ['LISTEN', 8080, 17, null],
      ['ESTABLISHED', 8080, 0, 17376],
      ['CLOSE_WAIT', 8080, 412, 0],
      ['ESTABLISHED', 8080, null, null],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('reads big-endian hosts when told, and udp state 07 as UNCONN', () => {
    const r = parseText(createProcTcpParser(ctx(), { bigEndian: true, proto: 'udp' }),
      '   0: 0A000005:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2 0\n');
    expect(r.rows.map(brief)).toEqual([['udp', 'UNCONN', '10.0.0.5|53', '0.0.0.0|null', null, null]]);
  });

  it('formats IPv6 as RFC 5952', () => {
    expect(formatIpv6([0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5])).toBe('2001:db8::5');
    expect(formatIpv6(new Array<number>(16).fill(0))).toBe('::');
    expect(formatIpv6([0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 4])).toBe('1:0:2::3:4');
    expect(looksLikeProcTcp('  sl  local_address rem_address   st tx_queue\n')).toBe(true);
  });
});

describeRealworld('realworld socket lists', () => {
  const read = (rel: string) => readFileSync(REALWORLD + rel, 'utf8');

  it('reads the sos netstat -W -neopa of vault', () => {
    const rel = 'hotsos/vault/sos_commands/networking/netstat_-W_-neopa';
    expect(looksLikeNetstatSockets(read(rel))).toBe(true);
    const r = parseText(createNetstatSocketsParser(ctx({ file: rel })), read(rel));
    expect(r.issues).toEqual([]);
    expect(r.rows.length).toBe(141);
    expect(r.rows.filter((x) => x.state === 'TIME_WAIT').length).toBe(105);
    expect(r.rows.filter((x) => x.state === 'TIME_WAIT' && x.peer_addr === '10.0.0.119' && x.peer_port === 3306).length)
      .toBeGreaterThan(80);
    expect(brief(r.rows[0]!)).toEqual(['tcp', 'LISTEN', '127.0.0.1|3306', '0.0.0.0|null', 'mysqlrouter/302', null]);
    // every queue of this capture is empty: 0, and no Send-Q for its 11 listeners
    expect(new Set(r.rows.map((x) => x.recv_q))).toEqual(new Set([0]));
    expect(r.rows.filter((x) => x.state === 'LISTEN').map((x) => x.send_q)).toEqual(new Array(11).fill(null));
    expect(new Set(r.rows.filter((x) => x.state !== 'LISTEN').map((x) => x.send_q))).toEqual(new Set([0]));
  });

  it('finds no sockets in netstat -W -agn (group memberships) and reports nothing', () => {
    const rel = 'hotsos/vault/sos_commands/networking/netstat_-W_-agn';
    const r = parseText(createNetstatSocketsParser(ctx({ file: rel })), read(rel));
    expect(r.rows).toEqual([]);
    expect(r.issues).toEqual([]);
  });

  it('reads procfs /proc/net/tcp and tcp6', () => {
    const tcp = parseText(createProcTcpParser(ctx({ file: 'proc/net/tcp' })), read('procfs/proc/net/tcp'));
    expect(tcp.issues).toEqual([]);
    expect(tcp.rows.map(brief)).toEqual([
      ['tcp', 'LISTEN', '10.0.0.5|22', '0.0.0.0|null', null, null],
      ['tcp', 'LISTEN', '0.0.0.0|22', '0.0.0.0|null', null, null],
      ['tcp', 'LISTEN', '0.0.0.0|22', '0.0.0.0|null', null, null],
    ]);
    // a test fixture, not a capture: listeners with tx_queue 1, which a kernel never prints
    expect(tcp.rows.map(queues)).toEqual([['LISTEN', 22, 1, null], ['LISTEN', 22, 0, null], ['LISTEN', 22, 1, null]]);
    const tcp6 = parseText(createProcTcpParser(ctx({ file: 'proc/net/tcp6' })), read('procfs/proc/net/tcp6'));
    expect(tcp6.issues).toEqual([]);
    expect(tcp6.rows.map(brief)).toEqual([
      ['tcp6', 'CLOSE', '::|5355', '::|null', null, null],
      ['tcp6', 'CLOSE', 'fe80::56e1:adff:fe7c:6609|51073', '::|null', null, null],
    ]);
    expect(tcp6.rows.map(queues)).toEqual([['CLOSE', 5355, 0, 0], ['CLOSE', 51073, 0, 0]]);
  });
});
