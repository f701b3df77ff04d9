/** The `journal-binary` format: systemd's journal files themselves (see parser.ts). */
import type { Format } from '../format.js';
import { journalHost } from '../journal-json/index.js';
import { createJournalBinaryParser, looksLikeJournalFile } from './parser.js';

export const journalBinary: Format<'log_events'> = {
  kind: 'journal-binary',
  table: 'log_events',
  example: 'cp /var/log/journal/*/system.journal* . (binary journal files, as sos report --all-logs copies them)',
  needsHost: false,
  detect: looksLikeJournalFile,
  parser: { bytes: createJournalBinaryParser },
  hostFromHead: journalHost,
  sos: [{ example: 'var/log/journal/0123456789abcdef0123456789abcdef/system.journal', step: 60, dir: 'var/log/journal', nested: true, name: /\.journal~?$/ }],
  samples: [],
};
