/** The `proc-netstat` format: /proc/net/netstat, snmp and snmp6 snapshots (see parser.ts). */
import type { Format } from '../format.js';
import { createProcNetstatParser, looksLikeProcNetstat } from './parser.js';

export const procNetstat: Format<'counter_samples'> = {
  kind: 'proc-netstat',
  table: 'counter_samples',
  example: 'while sleep 10; do date -u; cat /proc/net/netstat /proc/net/snmp; done > netstat.log',
  needsHost: true,
  detect: looksLikeProcNetstat,
  parser: { lines: createProcNetstatParser },
  sos: [
    { example: 'proc/net/netstat', step: 90, path: 'proc/net/netstat' },
    { example: 'proc/net/snmp', step: 91, path: 'proc/net/snmp' },
    { example: 'proc/net/snmp6', step: 92, path: 'proc/net/snmp6' },
  ],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/proc/net/netstat
    'TcpExt: TW TWRecycled ListenOverflows ListenDrops TCPTimeWaitOverflow TCPAbortOnMemory\nTcpExt: 99120443 0 0 0 51877 0\nIpExt: InNoRoutes InOctets OutOctets\nIpExt: 0 123456789 98765432\n',
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    '2026-03-12T14:00:00Z\nTcpExt: SyncookiesSent TW ListenOverflows TCPTimeWaitOverflow\nTcpExt: 0 8790001 312 51877\nTcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens CurrEstab\nTcp: 1 200 120000 -1 8841230 310\n',
  ],
};
