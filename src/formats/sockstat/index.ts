/** The `sockstat` and `ss-summary` formats: /proc/net/sockstat and `ss -s` snapshots (see parser.ts). */
import type { Format } from '../format.js';
import { createSockstatParser, createSsSummaryParser, looksLikeSockstat, looksLikeSsSummary } from './parser.js';

export const ssSummary: Format<'counter_samples'> = {
  kind: 'ss-summary',
  table: 'counter_samples',
  example: 'while sleep 10; do date -u; ss -s; done > ss-s.log',
  needsHost: true,
  detect: looksLikeSsSummary,
  parser: { lines: createSsSummaryParser },
  sos: [
    { example: 'sos_commands/networking/ss_-s', step: 130, path: 'sos_commands/networking/ss_-s' },
    { example: 'sos_commands/networking/ip_netns_exec_blue_ss_-s', netns: /^ss_-s$/ },
  ],
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'Total: 1663 (kernel 1689)\nTCP:   1655 (estab 1556, closed 39, orphaned 40, synrecv 0, timewait 39/0), ports 0\nTransport Total     IP        IPv6\nTCP       1616      1612      4\n',
  ],
};

export const sockstat: Format<'counter_samples'> = {
  kind: 'sockstat',
  table: 'counter_samples',
  example: 'while sleep 10; do date -u; cat /proc/net/sockstat; done > sockstat.log',
  needsHost: true,
  detect: looksLikeSockstat,
  parser: { lines: createSockstatParser },
  sos: [
    { example: 'proc/net/sockstat', step: 80, path: 'proc/net/sockstat' },
    { example: 'proc/net/sockstat6', step: 81, path: 'proc/net/sockstat6' },
  ],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/proc/net/sockstat
    'sockets: used 520\nTCP: inuse 120 orphan 0 tw 131072 alloc 140 mem 300\nUDP: inuse 9 mem 6\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n',
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'sockets: used 1840\nTCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196\n2025-03-02T08:41:10+01:00\nFRAG: inuse 0 memory 0\n',
  ],
};
