import { describe, expect, it } from 'vitest';
import { detectFormat, FORMAT_BY_KIND, looksLikeKernelFragment } from '../../src/formats/registry.js';
import { parseText } from '../../src/formats/kit/lines.js';
import type { LineParser, ParseContext, SocketRow } from '../../src/model.js';

const ctx = (file: string) => ({ file, host: 'h1', tz: 'UTC', snapshotTs: 1_770_000_000_000_000 });

describe('format detection', () => {
  it.each([
    ['Mar  9 14:02:11 web01 kernel: TCP: time wait bucket table overflow\nMar  9 14:02:11 web01 kernel: TCP: time wait bucket table overflow\n', 'syslog'],
    ['[ 8123.456789] TCP: time wait bucket table overflow\n[ 8123.456790] TCP: time wait bucket table overflow\n', 'dmesg'],
    ['{"__REALTIME_TIMESTAMP":"1773061331204511","_HOSTNAME":"web01","MESSAGE":"x"}\n', 'journal-json'],
    ['#kernel\nTcpActiveOpens                  8841230            0.0\nTcpExtTCPTimeWaitOverflow       51877              0.0\n', 'nstat'],
    ['slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\ntw_sock_TCP        31840  31984    256   16    1 : tunables    0    0    0 : slabdata   1999   1999      0\n', 'slabinfo'],
    // a ticket excerpt: kernel lines whose date was cut off still count
    ['kern.info kernel: [31617.809376] TCP: request_sock_TCP: Possible SYN flooding on port 5000. Sending cookies.  Check SNMP counters.\n', 'dmesg'],
  ])('%#: %s…', (head, kind) => {
    expect(detectFormat(head)?.kind).toBe(kind);
  });

  it('does not take prose or binary for kernel fragments', () => {
    expect(looksLikeKernelFragment('Apache License\nVersion 2.0, January 2004\n')).toBe(false);
    expect(looksLikeKernelFragment('\x00\x01\x02TCP: time wait bucket table overflow')).toBe(false);
    expect(detectFormat('Apache License\nVersion 2.0, January 2004\n')).toBeNull();
    // a how-to that quotes the message on a line of its own
    const howto = [
      '# The ARP cache on large flat networks', '',
      'When the table is full the kernel logs a line like this one, many times a second:', '',
      'IPv4: Neighbour table overflow', '',
      'The neighbour table is what most people call the ARP table. Raise the limits:', '',
      '    sysctl -w net.ipv4.neigh.default.gc_thresh3=8192',
      'and make them persistent in /etc/sysctl.d/ so that they survive a reboot.',
    ].join('\n') + '\n';
    expect(looksLikeKernelFragment(howto)).toBe(false);
    expect(detectFormat(howto)).toBeNull();
    // binary with an overflow text in it
    expect(detectFormat('\x7fELF\x02\x01\x01\x00\nNeighbour table overflow.\n')).toBeNull();
  });

  it.each([
    ['bare 2.6 neighbour lines', 'Neighbour table overflow.\nNeighbour table overflow.\nNeighbour table overflow\n'],
    ['3.x route cache lines only', 'IPv4: Neighbour table overflow\nIPv4: Neighbour table overflow\nIPv6: Neighbour table overflow\n'],
    ['one 2.6.3x line', 'ipv4: Neighbour table overflow.\n'],
    ['bare TIME_WAIT lines and their summary', 'TCP: time wait bucket table overflow\nTCP: time wait bucket table overflow (CT101)\nnet_ratelimit: 12 callbacks suppressed\n'],
    ['RHEL 6 __ratelimit summary', 'nf_conntrack: table full, dropping packet.\n__ratelimit: 37822 callbacks suppressed\nnf_conntrack: table full, dropping packet.\n'],
    ['pasted dmesg of a kernel without printk stamps', [
      'usbcore: registered new driver usb-storage', 'USB Mass Storage support registered.', 'eth0: Media Link On 100mbps full-duplex',
      'hub 4-0:1.0: 6 ports detected', 'Attached scsi removable disk sda at scsi1, channel 0, id 0, lun 0',
      'Neighbour table overflow.', 'Neighbour table overflow.', 'PPP generic driver version 2.4.2', 'Neighbour table overflow.',
      'usb usb3: string descriptor 0 read error: -113', 'printk: 64315 messages suppressed.',
    ].join('\n') + '\n'],
  ])('takes kernel lines without any header for a dmesg fragment: %s', (_, head) => {
    expect(detectFormat(head)?.kind).toBe('dmesg');
  });

  it('an ss log named for time-wait (ss -tan state time-wait prints no State column) holds TIME_WAIT sockets', () => {
    const text = 'Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n0 0 10.0.0.1:40000 192.0.2.5:443\n';
    const fmt = FORMAT_BY_KIND.get('ss')!;
    const tw = parseText((fmt.parser as { lines: (c: ParseContext) => LineParser<SocketRow> }).lines(ctx('case/web01/ss-timewait.log')), text);
    expect(tw.rows.map((r) => [r.state, r.peer_addr, r.peer_port])).toEqual([['TIME_WAIT', '192.0.2.5', 443]]);
    const plain = parseText((fmt.parser as { lines: (c: ParseContext) => LineParser<SocketRow> }).lines(ctx('case/web01/ss.log')), text);
    expect(plain.rows.map((r) => r.state)).toEqual(['UNKNOWN']);
  });
});
