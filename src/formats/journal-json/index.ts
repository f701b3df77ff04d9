/** The `journal-json` format: `journalctl -o json`, one object per line (see parser.ts; its SQL loader: sql-loader.ts). */
import type { Format } from '../format.js';
import { shortHost } from '../kit/host.js';
import { createJournalJsonParser, looksLikeJournalJson } from './parser.js';
import { journalJsonSqlLoader } from './sql-loader.js';

/** A journal names its host in every entry (_HOSTNAME): the first one in the head (the three journal formats). */
export function journalHost(head: string): string | null {
  const m = /"?_HOSTNAME"?\s*[=:]\s*"?([\w.-]+)/.exec(head);
  return m ? shortHost(m[1]!) : null;
}

export const journalJson: Format<'log_events'> = {
  kind: 'journal-json',
  table: 'log_events',
  example: 'journalctl -o json > journal.json',
  needsHost: false,
  detect: looksLikeJournalJson,
  parser: { lines: createJournalJsonParser },
  hostFromHead: journalHost,
  sqlLoader: journalJsonSqlLoader,
  samples: [
    // two entries as journalctl -o json writes them (one object per line)
    '{"__REALTIME_TIMESTAMP":"1773061331204511","_HOSTNAME":"web01","_TRANSPORT":"kernel","PRIORITY":"4","MESSAGE":"TCP: time wait bucket table overflow"}\n'
    + '{"__REALTIME_TIMESTAMP":"1773061332000000","_HOSTNAME":"web01","_TRANSPORT":"syslog","PRIORITY":"6","_PID":"812","SYSLOG_IDENTIFIER":"sshd","MESSAGE":"Accepted publickey for root"}\n',
  ],
};
