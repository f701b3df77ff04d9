/** The `syslog` format: syslog files and journalctl's text output (see parser.ts; its SQL loader: sql-loader.ts). */
import type { Format } from '../format.js';
import { createSyslogParser, looksLikeSyslog } from './parser.js';
import { syslogSqlLoader } from './sql-loader.js';

/**
 * Where sos puts syslog text: /var/log files (rotated ones too, not those compressed by xz, bzip2
 * or zstd, which the bundle reader decompresses on its own), and journalctl's text output — the
 * whole journal, or else only its --boot outputs (never --disk-usage, --list-boots, verbose or
 * another --output).
 */
const JOURNAL_TEXT = String.raw`^journalctl_(?!.*(?:disk-usage|list-boots|verbose|--output|_-o_))`;

export const syslog: Format<'log_events'> = {
  kind: 'syslog',
  table: 'log_events',
  example: 'cp /var/log/messages* . (also journalctl -o short-iso > journal.txt, central rsyslog files)',
  needsHost: false,
  detect: looksLikeSyslog,
  parser: { lines: createSyslogParser },
  sqlLoader: syslogSqlLoader,
  sos: [
    { example: 'var/log/messages', step: 30, dir: 'var/log', name: /^(?:messages|syslog|kern\.log)(?:[.-][\w.-]*)?$(?<!\.(?:xz|bz2|zst))/ },
    { example: 'sos_commands/logs/journalctl_--no-pager', step: 50, dir: 'sos_commands/logs', name: new RegExp(JOURNAL_TEXT + '(?!.*(?:--boot|--this-boot))'), choice: 'journal' },
    { example: 'sos_commands/logs/journalctl_--no-pager_--boot', step: 51, dir: 'sos_commands/logs', name: new RegExp(JOURNAL_TEXT + '(?=.*(?:--boot|--this-boot))'), choice: 'journal' },
  ],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/var/log/messages
    'Mar 12 16:30:01 app02 CROND[9911]: (root) CMD (/usr/lib64/sa/sa1 1 1)\nMar 12 16:44:58 app02 systemd[1]: Started Session 42 of user admin.\n',
  ],
};
