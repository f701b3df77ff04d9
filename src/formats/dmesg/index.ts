/** The `dmesg` format: the kernel ring buffer as dmesg prints it (see parser.ts). */
import type { Format } from '../format.js';
import { createDmesgParser, looksLikeDmesg } from './parser.js';

export const dmesg: Format<'log_events'> = {
  kind: 'dmesg',
  table: 'log_events',
  example: 'dmesg > dmesg.txt (or dmesg -T, dmesg --time-format iso)',
  needsHost: true,
  detect: looksLikeDmesg,
  parser: { lines: createDmesgParser },
  sos: [
    { example: 'sos_commands/kernel/dmesg', step: 40, path: 'sos_commands/kernel/dmesg', choice: 'dmesg' },
    { example: 'sos_commands/kernel/dmesg_-T', step: 41, path: 'sos_commands/kernel/dmesg_-T', choice: 'dmesg' },
    { example: 'var/log/dmesg', step: 42, path: 'var/log/dmesg' },
  ],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/kernel/dmesg
    '[    0.000000] Linux version 5.14.0-362.8.1.el9_3.x86_64\n',
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    '[ 8123.456789] TCP: time wait bucket table overflow\n               second line of the same record\n[827347.418168] net_ratelimit: 280 callbacks suppressed\n[Mon Mar  9 14:02:11 2026] TCP: time wait bucket table overflow\n2026-03-09T14:02:11,456789+01:00 TCP: time wait bucket table overflow\nkern  :warn  : [ 8123.456789] TCP: time wait bucket table overflow\n',
  ],
};
