import { describe, expect, it } from 'vitest';
import { classifyMessage, ratelimitSummary, repeatSummary, suppressedCount, SIGNATURES } from '../../src/signatures.js';
import { OverflowClassifier, type OverflowEventRow } from '../../src/formats/kit/classify.js';
import type { LogEventRow } from '../../src/model.js';

describe('signature catalogue', () => {
  it.each([
    ['TCP: time wait bucket table overflow', 'tcp_timewait_overflow', 'tw-bucket', null],
    ['[ 8123.456789] TCP: time wait bucket table overflow', 'tcp_timewait_overflow', 'tw-bucket', null],
    ['TCP: time wait bucket table overflow (CT101)', 'tcp_timewait_overflow', 'tw-bucket', '101'],
    ['ip_conntrack: table full, dropping packet.', 'conntrack_table_full', 'ip_conntrack', null],
    ['nf_conntrack: table full, dropping packet.', 'conntrack_table_full', 'nf_conntrack', null],
    ['nf_conntrack: nf_conntrack: table full, dropping packet', 'conntrack_table_full', 'nf_conntrack-prefixed', null],
    ['TCP: too many of orphaned sockets', 'tcp_orphan_overflow', 'orphans-of', null],
    ['TCP: too many orphaned sockets', 'tcp_orphan_overflow', 'orphans', null],
    ['Out of socket memory', 'tcp_socket_memory', 'out-of-socket-memory', null],
    ['TCP: out of memory -- consider tuning tcp_mem', 'tcp_socket_memory', 'tcp-mem', null],
    ['possible SYN flooding on port 8080. Sending cookies.', 'tcp_listen_overflow', 'syn-flood', '8080'],
    ['TCP: Possible SYN flooding on port 8080. Dropping request.', 'tcp_listen_overflow', 'syn-flood', '8080'],
    ['TCP: TCP: Possible SYN flooding on port 8080. Sending cookies.  Check SNMP counters.', 'tcp_listen_overflow', 'syn-flood', '8080'],
    ['TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.  Check SNMP counters.', 'tcp_listen_overflow', 'syn-flood', '8080'],
    ['TCP: request_sock_TCP: Possible SYN flooding on port 10.0.0.5:443. Sending cookies.', 'tcp_listen_overflow', 'syn-flood', '10.0.0.5:443'],
    ['TCP: request_sock_TCPv6: Possible SYN flooding on port [2001:db8::5]:443. Sending cookies.', 'tcp_listen_overflow', 'syn-flood', '[2001:db8::5]:443'],
    ['Neighbour table overflow.', 'neighbour_table_overflow', 'neighbour-old', null],
    ['neighbour: arp_cache: neighbor table overflow!', 'neighbour_table_overflow', 'neighbour-table', 'arp_cache'],
    ['neighbour: ndisc_cache: neighbor table overflow!', 'neighbour_table_overflow', 'neighbour-table', 'ndisc_cache'],
    // every era's variant: the route cache's family prefixes (2.6.3x `ipv4:` with the period,
    // 3.5 pr_fmt `IPv4:` without), no final period, trailing blanks, printk stamps, OpenVZ containers
    ['Neighbour table overflow', 'neighbour_table_overflow', 'neighbour-old', null],
    ['Neighbour table overflow.   ', 'neighbour_table_overflow', 'neighbour-old', null],
    ['ipv4: Neighbour table overflow.', 'neighbour_table_overflow', 'neighbour-route', 'arp_cache'],
    ['[371203.844141] ipv4: Neighbour table overflow.', 'neighbour_table_overflow', 'neighbour-route', 'arp_cache'],
    ['IPv4: Neighbour table overflow', 'neighbour_table_overflow', 'neighbour-route', 'arp_cache'],
    ['ipv4: Neighbour table overflow', 'neighbour_table_overflow', 'neighbour-route', 'arp_cache'],
    ['IPv4: Neighbour table overflow. ', 'neighbour_table_overflow', 'neighbour-route', 'arp_cache'],
    ['ipv6: Neighbour table overflow.', 'neighbour_table_overflow', 'neighbour-route', 'ndisc_cache'],
    ['IPv6: Neighbour table overflow', 'neighbour_table_overflow', 'neighbour-route', 'ndisc_cache'],
    ['[ 8123.456789] TCP: time wait bucket table overflow (CT0)', 'tcp_timewait_overflow', 'tw-bucket', '0'],
    ['TCP: time wait bucket table overflow  ', 'tcp_timewait_overflow', 'tw-bucket', null],
    ['nf_conntrack: table full, dropping packet', 'conntrack_table_full', 'nf_conntrack', null],
    ['nf_conntrack: table full, dropping packet. (CT101)', 'conntrack_table_full', 'nf_conntrack', '101'],
    ['[1694413.644132] nf_conntrack: nf_conntrack: table full, dropping packet', 'conntrack_table_full', 'nf_conntrack-prefixed', null],
    ['ip_conntrack: table full, dropping packet', 'conntrack_table_full', 'ip_conntrack', null],
    ['TCP: too many of orphaned sockets (CT101)', 'tcp_orphan_overflow', 'orphans-of', '101'],
    ['Out of socket memory ', 'tcp_socket_memory', 'out-of-socket-memory', null],
    ['TCPv6: Possible SYN flooding on port 830. Sending cookies.', 'tcp_listen_overflow', 'syn-flood', '830'],
    ['TCP: TCPv6: Possible SYN flooding on port 830. Sending cookies.  Check SNMP counters.', 'tcp_listen_overflow', 'syn-flood', '830'],
    ['TCP: request_sock_TCPv6: Possible SYN flooding on port 830. Sending cookies. Check SNMP counters', 'tcp_listen_overflow', 'syn-flood', '830'],
  ])('%s', (msg, kind, variant, detail) => {
    expect(classifyMessage(msg)).toEqual({ kind, variant, detail, netRatelimited: kind !== 'tcp_listen_overflow' });
  });

  it('ignores look-alikes', () => {
    expect(classifyMessage('MPTCP: out of memory: force closing socket')).toBeNull();
    expect(classifyMessage('kauditd_printk_skb: 5 callbacks suppressed')).toBeNull();
    expect(classifyMessage('user said TCP: time wait bucket table overflow is bad')).toBeNull();
    expect(classifyMessage('IPv4: Neighbour table overflow happens when gc_thresh3 is reached')).toBeNull();
    expect(classifyMessage('ipx: Neighbour table overflow.')).toBeNull();
    expect(classifyMessage('TCP: time wait bucket table overflow (CTX)')).toBeNull();
    expect(suppressedCount('kauditd_printk_skb: 5 callbacks suppressed')).toBeNull();
    expect(suppressedCount('net_ratelimit: 482 callbacks suppressed')).toBe(482);
    expect(suppressedCount('printk: 42 messages suppressed.')).toBe(42);
  });

  it('knows the summaries of the limiters networking messages go through, and only those', () => {
    expect(ratelimitSummary('net_ratelimit: 482 callbacks suppressed')).toEqual({ n: 482, limiter: 'net_ratelimit' });
    expect(ratelimitSummary('[1564292.095620] __ratelimit: 37822 callbacks suppressed')).toEqual({ n: 37822, limiter: '__ratelimit' });
    expect(ratelimitSummary('printk: 64315 messages suppressed.')).toEqual({ n: 64315, limiter: 'printk' });
    expect(ratelimitSummary('net_ratelimit: 7 callbacks suppressed  ')).toEqual({ n: 7, limiter: 'net_ratelimit' });
    // per-call-site limiters (printk_ratelimited and friends): the owner's function name
    expect(ratelimitSummary('[   59.799581] kauditd_printk_skb: 19 callbacks suppressed')).toBeNull();
    expect(ratelimitSummary('nf_conntrack_tuple_taken: 3 callbacks suppressed')).toBeNull();
    expect(ratelimitSummary('___ratelimit: 3 callbacks suppressed')).toBeNull();
    // user space writing to /dev/kmsg (domain.md §1.3 rule 5)
    expect(ratelimitSummary('printk: systemd: 5 output lines suppressed due to ratelimiting')).toBeNull();
  });

  it('reads the repeat summaries of sysklogd, busybox and rsyslog', () => {
    expect(repeatSummary('last message repeated 20 times')).toEqual({ n: 20, text: null });
    expect(repeatSummary('last message repeated 1 time')).toEqual({ n: 1, text: null });
    expect(repeatSummary('message repeated 20 times: [ TCP: time wait bucket table overflow]'))
      .toEqual({ n: 20, text: 'TCP: time wait bucket table overflow' });
    expect(repeatSummary('message repeated 2 times: [ vdb2: Process \'bcache-register /dev/vdb2\' failed [x] with exit code 1.]'))
      .toEqual({ n: 2, text: 'vdb2: Process \'bcache-register /dev/vdb2\' failed [x] with exit code 1.' });
    expect(repeatSummary('Last message repeated 3 times')).toBeNull();
    expect(repeatSummary('the last message repeated 3 times')).toBeNull();
    expect(repeatSummary('message repeated 2 times')).toBeNull();
    expect(repeatSummary('Start request repeated too quickly.')).toBeNull();
  });

  it('has one catalogue entry per variant', () => {
    expect(new Set(SIGNATURES.map((s) => s.variant)).size).toBe(SIGNATURES.length);
  });
});

function ev(line_no: number, ts: number | null, message: string, ident: string | null = 'kernel', host = 'web01'): LogEventRow {
  return { host, ts, ts_quality: 'exact', boot_id: null, mono_us: null, ident, pid: null, unit: null, priority: null, facility: null, transport: null, message, line_no };
}
/** A syslog line without a tag, as sysklogd writes its repeat summary. */
const untagged = (line_no: number, ts: number, message: string, host = 'web01'): LogEventRow => ({ ...ev(line_no, ts, message, null, host), transport: 'syslog' });
const s = 1_000_000;
const rows = (out: OverflowEventRow[]) => out.map((o) => [o.line_no, o.host, o.kind, o.count, o.suppressed, o.repeated, o.variant]);

describe('overflow classifier', () => {
  it('attributes a ratelimit summary to the overflow printed before it, and only kernel lines count', () => {
    const out = new OverflowClassifier().classify([
      ev(1, 0, 'net_ratelimit: 7 callbacks suppressed'),
      ev(2, 10 * s, 'TCP: time wait bucket table overflow'),
      ev(3, 16 * s, 'net_ratelimit: 482 callbacks suppressed'),
      ev(4, 17 * s, 'TCP: time wait bucket table overflow', 'myapp'),
      ev(5, 20 * 60 * s, 'net_ratelimit: 9 callbacks suppressed'),
    ]);
    expect(out.map((o) => [o.line_no, o.kind, o.count, o.suppressed])).toEqual([
      [1, 'unattributed', 7, true],
      [2, 'tcp_timewait_overflow', 1, false],
      [3, 'tcp_timewait_overflow', 482, true],
      [5, 'unattributed', 9, true], // 20 minutes later: not the same storm
    ]);
  });

  it('counts `__ratelimit:` (2.6.28 – 2.6.3x) like net_ratelimit after a net_ratelimit signature, and not at all otherwise', () => {
    const out = new OverflowClassifier().classify([
      ev(1, 0, '__ratelimit: 12 callbacks suppressed'), // printk_ratelimit()'s, as likely: nothing
      ev(2, 1 * s, 'TCP: time wait bucket table overflow (CT0)'),
      ev(3, 7 * s, '__ratelimit: 37822 callbacks suppressed'),
      ev(4, 7 * s, 'nf_conntrack: table full, dropping packet.'),
      ev(5, 9 * s, 'kauditd_printk_skb: 19 callbacks suppressed'),
      ev(6, 30 * 60 * s, '__ratelimit: 5 callbacks suppressed'), // half an hour later
      ev(7, 31 * 60 * s, 'printk: 64315 messages suppressed.'),
    ]);
    expect(rows(out)).toEqual([
      [2, 'web01', 'tcp_timewait_overflow', 1, false, false, 'tw-bucket'],
      [3, 'web01', 'tcp_timewait_overflow', 37822, true, false, 'ratelimit-summary'],
      [4, 'web01', 'conntrack_table_full', 1, false, false, 'nf_conntrack'],
      [7, 'web01', 'unattributed', 64315, true, false, 'ratelimit-summary'],
    ]);
  });

  it('expands a syslogd repeat summary into the line before it of the same host, and rsyslog\'s into the message it quotes', () => {
    const out = new OverflowClassifier().classify([
      ev(1, 0, 'TCP: time wait bucket table overflow'),
      ev(2, 1 * s, 'IPv4: Neighbour table overflow', 'kernel', 'web02'),
      untagged(3, 30 * s, 'last message repeated 20 times'), // web01's line 1, not web02's line 2
      untagged(4, 31 * s, 'last message repeated 4 times', 'web02'),
      untagged(5, 90 * s, 'last message repeated 9 times'), // sysklogd's next flush: still line 1
      ev(6, 91 * s, 'net_ratelimit: 300 callbacks suppressed'),
      untagged(7, 92 * s, 'last message repeated 2 times'), // two more identical summaries
      ev(8, 93 * s, 'Accepted publickey for admin', 'sshd'),
      untagged(9, 94 * s, 'last message repeated 3 times'), // sshd's: nothing
      ev(10, 95 * s, 'message repeated 7 times: [ TCP: time wait bucket table overflow]'),
      ev(11, 96 * s, 'message repeated 2 times: [ TCP: time wait bucket table overflow]', 'ovs-appctl'), // not a kernel line
      ev(12, 97 * s, 'message repeated 3 times: [ net_ratelimit: 40 callbacks suppressed]'),
      untagged(13, 98 * s, 'last message repeated 6 times', 'db01'), // nothing before it
    ]);
    expect(rows(out)).toEqual([
      [1, 'web01', 'tcp_timewait_overflow', 1, false, false, 'tw-bucket'],
      [2, 'web02', 'neighbour_table_overflow', 1, false, false, 'neighbour-route'],
      [3, 'web01', 'tcp_timewait_overflow', 20, false, true, 'tw-bucket'],
      [4, 'web02', 'neighbour_table_overflow', 4, false, true, 'neighbour-route'],
      [5, 'web01', 'tcp_timewait_overflow', 9, false, true, 'tw-bucket'],
      [6, 'web01', 'tcp_timewait_overflow', 300, true, false, 'ratelimit-summary'],
      [7, 'web01', 'tcp_timewait_overflow', 600, true, true, 'ratelimit-summary'],
      [10, 'web01', 'tcp_timewait_overflow', 7, false, true, 'tw-bucket'],
      [12, 'web01', 'tcp_timewait_overflow', 120, true, true, 'ratelimit-summary'],
    ]);
    expect(out.find((o) => o.line_no === 4)!.detail).toBe('arp_cache');
  });

  it('shown only the candidates (the SQL paths), counts a repeat only when the row before it of its host was one of them', () => {
    const c = new OverflowClassifier();
    const out = c.classify([
      ev(1, 0, 'TCP: time wait bucket table overflow'),
      { ...untagged(2, 30 * s, 'last message repeated 20 times'), prev_line_no: 1 },
      // (line 3, an sshd line of web01, not shown)
      { ...untagged(4, 40 * s, 'last message repeated 5 times'), prev_line_no: 3 },
      ev(5, 50 * s, 'TCP: time wait bucket table overflow'),
      // (line 6, web02's: another host)
      { ...untagged(7, 60 * s, 'last message repeated 2 times'), prev_line_no: 5 },
    ]);
    expect(rows(out)).toEqual([
      [1, 'web01', 'tcp_timewait_overflow', 1, false, false, 'tw-bucket'],
      [2, 'web01', 'tcp_timewait_overflow', 20, false, true, 'tw-bucket'],
      [5, 'web01', 'tcp_timewait_overflow', 1, false, false, 'tw-bucket'],
      [7, 'web01', 'tcp_timewait_overflow', 2, false, true, 'tw-bucket'],
    ]);
  });
});
