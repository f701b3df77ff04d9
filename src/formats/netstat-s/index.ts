/** The `netstat-s` format: `netstat -s` snapshots (see parser.ts). */
import type { Format } from '../format.js';
import { createNetstatSParser, looksLikeNetstatS } from './parser.js';

export const netstatS: Format<'counter_samples'> = {
  kind: 'netstat-s',
  table: 'counter_samples',
  example: 'while sleep 10; do date -u; netstat -s; done > netstat-s.log',
  needsHost: true,
  detect: looksLikeNetstatS,
  parser: { lines: createNetstatSParser },
  sos: [
    { example: 'sos_commands/networking/netstat_-s', step: 110, path: 'sos_commands/networking/netstat_-s' },
    { example: 'sos_commands/networking/ip_netns_exec_blue_netstat_-s', netns: /^netstat_-s$/ },
  ],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/networking/netstat_-s
    'Tcp:\n    99812001 active connection openings\n    2011 passive connection openings\n    0 failed connection attempts\n    0 connection resets received\n    118 connections established\nTcpExt:\n    99120443 TCP sockets finished time wait in fast timer\n',
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'Tcp:\n    8841230 active connection openings\nTcpExt:\n    TCPTimeWaitOverflow: 51877\n    ICMP input histogram:\n',
  ],
};
