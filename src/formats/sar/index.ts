/** The `sar` format: sar's text reports (see parser.ts). */
import type { Issue, ParseContext } from '../../model.js';
import type { Format } from '../format.js';
import { shortHost } from '../kit/host.js';
import { issue } from '../kit/lines.js';
import { createSarParser, looksLikeSar, parseSarHeader } from './parser.js';
import { refuseSysstatBinary } from './sysstat-binary.js';

/** sar's header line (`Linux 5.14.0 (web01.example.com) 03/09/2026 _x86_64_ (2 CPU)`). */
function sarHost(head: string): string | null {
  for (const l of head.split('\n', 5)) {
    const h = parseSarHeader(l);
    if (h?.host) return shortHost(h.host);
  }
  return null;
}

/**
 * sar, sadf and sadf -x files: record which activities were there, so "no TCP data" is not read
 * as zero. (Their parsers all keep the activities they saw.)
 */
export function sarNotes(parser: unknown, ctx: ParseContext): Issue[] {
  const activities = (parser as { activities: Set<string> }).activities; // (the parser this format created)
  if (activities.size === 0 || activities.has('TCP')) return [];
  return [issue('no-tcp-activity', ctx.file, null, `activities: ${[...activities].sort().join(', ')}`,
    'TCP/ETCP activity (sadc runs without -S SNMP by default): no connection rates from this file', 'warning')];
}

export const sar: Format<'counter_samples'> = {
  kind: 'sar',
  table: 'counter_samples',
  example: 'sar -n TCP,ETCP,SOCK -f /var/log/sa/sa09 > sar09.txt',
  needsHost: false,
  detect: looksLikeSar,
  parser: { lines: createSarParser },
  hostFromHead: sarHost,
  notes: sarNotes,
  refuses: refuseSysstatBinary,
  sos: [
    { example: 'var/log/sa/sar09', step: 170, dir: 'var/log/sa', name: /^sar\d+$/ },
    { example: 'var/log/sysstat/sar09', step: 171, dir: 'var/log/sysstat', name: /^sar\d+$/ },
    { example: 'sos_commands/sar/sar09', step: 172, dir: 'sos_commands/sar', name: /^sar\d+$/, newNamesOnly: true },
  ],
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'Linux 4.18.0-513.el8.x86_64 (web01) \t03/09/2026 \t_x86_64_\t(16 CPU)\n12:00:01 AM    totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw\n12:10:01 AM      1840       312         9         0         0     27950\n02:11:37 AM  LINUX RESTART\t(16 CPU)\n12:00:01 AM  active/s passive/s    iseg/s    oseg/s\nAverage:         1846       315         9         0         0     28026\n',
  ],
};
