/** The `journal-export` format: `journalctl -o export` (see parser.ts). */
import type { Format } from '../format.js';
import { journalHost } from '../journal-json/index.js';
import { createJournalExportParser, looksLikeJournalExport } from './parser.js';
import { journalExportSqlLoader } from './sql-loader.js';

export const journalExport: Format<'log_events'> = {
  kind: 'journal-export',
  table: 'log_events',
  example: 'journalctl -o export > journal.export',
  needsHost: false,
  detect: looksLikeJournalExport,
  parser: { bytes: (ctx) => createJournalExportParser(ctx) },
  sqlLoader: journalExportSqlLoader,
  hostFromHead: journalHost,
  samples: [],
};
