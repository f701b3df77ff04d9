/**
 * A syslog line that starts like a stamp but whose stamp is rejected is an issue on its own line,
 * never glued onto the message before it (issue 17 point 6: eight overflow lines with bad stamps
 * became one event).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSyslogParser } from '../../src/formats/syslog/parser.js';
import { parseText } from '../../src/formats/kit/lines.js';
import type { ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { runCli, tempDir } from '../helpers.js';

const OVERFLOW = 'kernel: TCP: time wait bucket table overflow';
const LINES = [
  `Mar 12 19:00:00 web01 ${OVERFLOW}`,
  `Mar 12 25:00:01 web01 ${OVERFLOW}`, // hour 25
  `Mar 32 19:00:02 web01 ${OVERFLOW}`, // day 32
  `Mar 12 19:61:03 web01 ${OVERFLOW}`, // minute 61
  `Mar 12 19:00:99 web01 ${OVERFLOW}`, // second 99
  `2026-13-12T19:00:04+01:00 web01 ${OVERFLOW}`, // month 13
  `2026-03-12T24:00:05Z web01 ${OVERFLOW}`, // hour 24
  `1969-03-12T19:00:06Z web01 ${OVERFLOW}`, // before 1970
  `<999>Mar 12 19:00:07 web01 ${OVERFLOW}`, // PRI over 191
  'Mar 12 19:00:08 web01 kernel: nf_conntrack:',
  '    table full,', // continuations of line 10 (indented, and a hard-wrapped paste): glued, as before
  'dropping packet',
  `Mar 12 19:00:09 web01 ${OVERFLOW}`,
];
const ctx: ParseContext = { file: 'messages', host: null, tz: 'UTC', referenceTimeMs: Date.UTC(2026, 2, 13) };
const EXPECTED_ISSUES = [
  ['bad-timestamp', 2, 'a valid date and time'], ['bad-timestamp', 3, 'a valid date and time'],
  ['bad-timestamp', 4, 'a valid date and time'], ['bad-timestamp', 5, 'a valid date and time'],
  ['bad-timestamp', 6, 'a valid date and time'], ['bad-timestamp', 7, 'a valid date and time'],
  ['bad-timestamp', 8, 'a valid date and time'], ['bad-line', 9, 'a <PRI> from 0 to 191 before the stamp'],
];

describe('syslog lines whose stamp is rejected', () => {
  it('are issues on their own lines; the rows around them keep their own messages', () => {
    const r = parseText(createSyslogParser(ctx), LINES.join('\n'));
    expect(r.rows.map((x) => [x.line_no, isoUtc(x.ts), x.message])).toEqual([
      [1, '2026-03-12T19:00:00Z', 'TCP: time wait bucket table overflow'],
      [10, '2026-03-12T19:00:08Z', 'nf_conntrack: table full, dropping packet'],
      [13, '2026-03-12T19:00:09Z', 'TCP: time wait bucket table overflow'],
    ]);
    expect(r.issues.map((i) => [i.code, i.line, i.expected])).toEqual(EXPECTED_ISSUES);
    expect(r.issues[0]!.text).toBe(LINES[1]);
    expect([r.linesRead, r.linesSkipped]).toEqual([13, 8]);
  });

  it('a continuation after a rejected line is an issue too (it has no row to join)', () => {
    const r = parseText(createSyslogParser(ctx), [`Mar 12 19:00:00 web01 ${OVERFLOW}`, `Mar 12 25:00:01 web01 ${OVERFLOW}`, '    its wrapped tail'].join('\n'));
    expect(r.rows.map((x) => [x.line_no, x.message])).toEqual([[1, 'TCP: time wait bucket table overflow']]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['bad-timestamp', 2], ['bad-line', 3]]);
  });

  const t = tempDir();
  afterAll(() => t.cleanup());

  it('ingest counts three overflow events, not one, and stores the eight issues', async () => {
    const file = join(t.dir, 'messages');
    writeFileSync(file, LINES.join('\n') + '\n');
    const db = join(t.dir, 'db.duckdb');
    const r = await runCli(['ingest', '--db', db, '--host', 'web01', file]);
    expect(r.code, r.err).toBe(0);
    expect(r.err.split('\n')[0]).toBe(`loaded    syslog         ${file} host web01: 6 rows (overflow_events 3, log_events 3), 8 lines skipped [bad-timestamp, bad-line]`);
    const q = async (sql: string) => (await runCli(['query', sql, '--db', db, '--format', 'csv'])).out;
    expect(await q('SELECT line_no, kind, count FROM overflow_events ORDER BY line_no'))
      .toBe('line_no,kind,count\n1,tcp_timewait_overflow,1\n10,conntrack_table_full,1\n13,tcp_timewait_overflow,1\n');
    // (and the note of the SQL path, which left the file to the line parser for its rejected lines)
    expect(await q('SELECT code, line FROM ingest_issues ORDER BY line')).toBe('code,line\n' + EXPECTED_ISSUES.map(([c, l]) => `${c},${l}\n`).join('') + 'fast-path-declined,\n');
  }, 60_000);
});
