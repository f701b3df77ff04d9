/** The `sadf` format: `sadf -d` / `-p` / `-j` output (see parser.ts). */
import type { Format } from '../format.js';
import { shortHost } from '../kit/host.js';
import { sarNotes } from '../sar/index.js';
import { createSadfParser, looksLikeSadf } from './parser.js';

/** sadf -d / -p rows start with the host name (`web01;600;2026-03-09 14:00:00 UTC;…`). */
function sadfHost(head: string): string | null {
  const m = /^(?!#)([A-Za-z0-9][\w.-]*)[;\t]-?\d+[;\t]/m.exec(head);
  return m ? shortHost(m[1]!) : null;
}

export const sadf: Format<'counter_samples'> = {
  kind: 'sadf',
  table: 'counter_samples',
  example: 'sadf -d /var/log/sa/sa09 -- -n TCP,ETCP,SOCK > sa09.csv',
  needsHost: false,
  detect: looksLikeSadf,
  parser: { lines: createSadfParser },
  hostFromHead: sadfHost,
  notes: sarNotes,
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    '# hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw\nweb01;600;2026-03-08 23:10:01 UTC;1840;312;9;0;0;27950\nweb01;-1;2026-03-09 01:11:37 UTC;LINUX-RESTART\t(16 CPU)\n# hostname;interval;timestamp;active/s;passive/s;iseg/s;oseg/s\nweb01;600;2026-03-09 01:30:01 UTC;465.20;12.03;40211.55;39870.02\n',
  ],
};
