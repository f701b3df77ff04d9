import { describe, expect, it } from 'vitest';
import { classifyMessage, suppressedCount, SIGNATURES } from '../../src/signatures.js';
import { OverflowClassifier } from '../../src/ingest/overflow.js';
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
  ])('%s', (msg, kind, variant, detail) => {
    expect(classifyMessage(msg)).toEqual({ kind, variant, detail, netRatelimited: kind !== 'tcp_listen_overflow' });
  });

  it('ignores look-alikes', () => {
    expect(classifyMessage('MPTCP: out of memory: force closing socket')).toBeNull();
    expect(classifyMessage('kauditd_printk_skb: 5 callbacks suppressed')).toBeNull();
    expect(classifyMessage('user said TCP: time wait bucket table overflow is bad')).toBeNull();
    expect(suppressedCount('kauditd_printk_skb: 5 callbacks suppressed')).toBeNull();
    expect(suppressedCount('net_ratelimit: 482 callbacks suppressed')).toBe(482);
    expect(suppressedCount('printk: 42 messages suppressed.')).toBe(42);
  });

  it('has one catalogue entry per variant', () => {
    expect(new Set(SIGNATURES.map((s) => s.variant)).size).toBe(SIGNATURES.length);
  });
});

function ev(line_no: number, ts: number | null, message: string, ident: string | null = 'kernel'): LogEventRow {
  return { host: 'web01', ts, ts_quality: 'exact', boot_id: null, mono_us: null, ident, pid: null, unit: null, priority: null, facility: null, transport: null, message, line_no };
}

describe('overflow classifier', () => {
  it('attributes a ratelimit summary to the overflow printed before it, and only kernel lines count', () => {
    const s = 1_000_000;
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
});
