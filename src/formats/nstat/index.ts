/** The `nstat` format: `nstat -az` snapshots (see parser.ts). */
import type { Format } from '../format.js';
import { createNstatParser, looksLikeNstat } from './parser.js';

export const nstat: Format<'counter_samples'> = {
  kind: 'nstat',
  table: 'counter_samples',
  example: 'while sleep 10; do date -u; nstat -az; done > nstat.log',
  needsHost: true,
  detect: looksLikeNstat,
  parser: { lines: createNstatParser },
  sos: [
    { example: 'sos_commands/networking/nstat_-zas', step: 120, dir: 'sos_commands/networking', name: /^nstat_-\w+$/, first: true },
    { example: 'sos_commands/networking/ip_netns_exec_blue_nstat_-az', netns: /^nstat_-[a-z]+$/ },
  ],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/networking/nstat_-zas
    '#kernel\nTcpActiveOpens                  99812001           0.0\nTcpPassiveOpens                 2011               0.0\nTcpAttemptFails                 0                  0.0\nTcpEstabResets                  0                  0.0\nTcpInSegs                       0                  0.0\nTcpOutSegs                      0                  0.0\nTcpRetransSegs                  0                  0.0\n',
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    '#kernel\nTcpActiveOpens                  8841230            0.0\nTcpExtTCPTimeWaitOverflow       51877              12.5\n==== 2026-03-09 14:20:02 ====\n1773062412\n',
  ],
};
