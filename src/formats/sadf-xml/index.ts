/** The `sadf-xml` format: sysstat's `sadf -x` XML (see parser.ts). */
import type { Format } from '../format.js';
import { shortHost } from '../../store/hosts.js';
import { createSadfXmlParser, looksLikeSadfXml, sadfXmlHost } from './parser.js';
import { SAMPLES } from './samples.js';

export const sadfXml: Format<'counter_samples'> = {
  kind: 'sadf-xml',
  table: 'counter_samples',
  example: 'sadf -x /var/log/sa/sa09 -- -n TCP,ETCP,SOCK > sa09.xml (sos writes sos_commands/sar/sa09.xml)',
  needsHost: false,
  detect: looksLikeSadfXml,
  parser: { lines: createSadfXmlParser },
  hostFromHead: (head) => {
    const h = sadfXmlHost(head);
    return h ? shortHost(h) : null;
  },
  notes: (parser, ctx) => {
    // (as sar and sadf: a file without the TCP activity has no connection rates, which is not zero)
    const activities = (parser as ReturnType<typeof createSadfXmlParser>).activities;
    if (activities.size === 0 || activities.has('TCP')) return [];
    return [{ code: 'no-tcp-activity', file: ctx.file, line: null, text: `activities: ${[...activities].sort().join(', ')}`,
      expected: 'TCP/ETCP activity (sadc runs without -S SNMP by default): no connection rates from this file', severity: 'warning' }];
  },
  sos: [{ example: 'sos_commands/sar/sa09.xml' }],
  samples: SAMPLES,
};
