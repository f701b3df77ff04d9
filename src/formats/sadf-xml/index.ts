/** The `sadf-xml` format: sysstat's `sadf -x` XML (see parser.ts). */
import type { Format } from '../format.js';
import { shortHost } from '../kit/host.js';
import { sarNotes } from '../sar/index.js';
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
  notes: sarNotes,
  sos: [{ example: 'sos_commands/sar/sa09.xml' }],
  samples: SAMPLES,
};
