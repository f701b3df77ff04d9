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
  samples: [],
};
