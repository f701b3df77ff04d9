/**
 * A journal JSON line nested absurdly deep is an issue for that line; the file's other entries are
 * kept (issue 17 point 6: one line of 400,000 nested arrays overflowed the stack and lost all 22
 * good entries of its file).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createJournalJsonParser, jsonDeeperThan, MAX_JSON_DEPTH } from '../../src/formats/journal-json/parser.js';
import { parseText } from '../../src/formats/kit/lines.js';
import { runCli, sqlPaths, tempDir } from '../helpers.js';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';

const good = (i: number) => JSON.stringify({ __REALTIME_TIMESTAMP: String(1773061331000000 + i * 1_000_000), _HOSTNAME: 'web01', SYSLOG_IDENTIFIER: 'app', PRIORITY: '6', MESSAGE: `entry ${i}` });
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** 22 good entries; line 12 is the pathological one. */
const journal = (bad: string) => [...Array.from({ length: 11 }, (_, i) => good(i)), bad, ...Array.from({ length: 11 }, (_, i) => good(i + 11))].join('\n') + '\n';
const DEEP = `{"__REALTIME_TIMESTAMP":"1773061342000000","MESSAGE":${nested(400_000)}}`;
const EXPECTED = `a journal entry nested at most ${MAX_JSON_DEPTH} levels deep (journalctl writes 2)`;

describe('JSON nesting depth', () => {
  it('is measured in one pass: brackets inside strings and escaped quotes do not count', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(jsonDeeperThan(nested(64))).toBe(false);
    expect(jsonDeeperThan(nested(65))).toBe(true);
    expect(jsonDeeperThan(`{"a":${nested(63)}}`)).toBe(false);
    expect(jsonDeeperThan(`{"a":${nested(64)}}`)).toBe(true);
    expect(jsonDeeperThan('{"a":{"a":'.repeat(40) + '1' + '}}'.repeat(40))).toBe(true);
    expect(jsonDeeperThan(`{"MESSAGE":"${'['.repeat(500)}"}`)).toBe(false);
    expect(jsonDeeperThan(`{"MESSAGE":"\\"${'['.repeat(500)}\\\\"}`)).toBe(false);
    expect(jsonDeeperThan(`{"MESSAGE":"\\\\",${'['.repeat(65)}`)).toBe(true);
    expect(jsonDeeperThan(DEEP)).toBe(true);
  });

  it('a line nested 400,000 arrays deep is json-too-deep at its line; the 22 entries around it are kept', () => {
    const r = parseText(createJournalJsonParser({ file: 'journal.json', host: null, tz: 'UTC' }), journal(DEEP));
    expect(r.rows.map((x) => [x.line_no, x.message])).toEqual([
      ...Array.from({ length: 11 }, (_, i) => [i + 1, `entry ${i}`]),
      ...Array.from({ length: 11 }, (_, i) => [i + 13, `entry ${i + 11}`]),
    ]);
    expect(r.issues.map((i) => [i.code, i.line, i.expected, i.text.length])).toEqual([['json-too-deep', 12, EXPECTED, 201]]);
    expect([r.linesRead, r.linesSkipped]).toEqual([23, 1]);
    // the same as a json-pretty entry, reported at its opening line
    const pretty = parseText(createJournalJsonParser({ file: 'journal.json', host: null, tz: 'UTC' }),
      ['{', '"__REALTIME_TIMESTAMP" : "1773061331000000",', `"MESSAGE" : ${nested(100)}`, '}', '{', '"MESSAGE" : "kept"', '}'].join('\n'));
    expect(pretty.rows.map((x) => [x.line_no, x.message])).toEqual([[5, 'kept']]);
    expect(pretty.issues.map((i) => [i.code, i.line])).toEqual([['json-too-deep', 1]]);
  });

  it('a repeated field nested below the cap still gives its first value', () => {
    const r = parseText(createJournalJsonParser({ file: 'journal.json', host: null, tz: 'UTC' }),
      `{"MESSAGE":${'['.repeat(60)}"first","second"${']'.repeat(60)}}\n{"MESSAGE":${'['.repeat(60)}[104,105]${']'.repeat(60)}}`);
    expect(r.rows.map((x) => x.message)).toEqual(['first', 'hi']);
    expect(r.issues).toEqual([]);
  });

  const t = tempDir();
  afterAll(() => t.cleanup());

  it('ingest keeps the 22 entries through read_json (plain file) and the JavaScript parser (gzip) alike', async () => {
    const plain = join(t.dir, 'deep.json');
    writeFileSync(plain, journal(DEEP));
    writeFileSync(join(t.dir, 'deep.json.gz'), gzipSync(Buffer.from(journal(DEEP))));
    for (const [file, fast] of [['deep.json', 1], ['deep.json.gz', 0]] as const) {
      const db = join(t.dir, `${file}.duckdb`);
      // Which path it takes: the library's summary says (the CLI's output is the same for both).
      const probe = await openStore(join(t.dir, `${file}-probe.duckdb`));
      try {
        expect(sqlPaths(await ingestPaths(probe, [join(t.dir, file)])), file).toEqual({ loaded: fast, declined: 0, reasons: [] });
      } finally {
        probe.close();
      }
      const r = await runCli(['ingest', '--db', db, join(t.dir, file), '--verbose']);
      expect(r.code, r.err).toBe(0);
      expect(r.err.split('\n').slice(0, 2)).toEqual([
        `loaded    journal-json   ${join(t.dir, file)} host web01: 22 rows (log_events 22), 1 lines skipped [json-too-deep]`,
        `  warning[json-too-deep] ${join(t.dir, file)}:12: {"__REALTIME_TIMESTAMP":"1773061342000000","MESSAGE":${'['.repeat(147)}… (expected ${EXPECTED})`,
      ]);
      const q = await runCli(['query', "SELECT count(*) AS n, min(line_no) AS lo, max(line_no) AS hi, count(*) FILTER (WHERE line_no = 12) AS at12 FROM log_events", '--db', db, '--format', 'csv']);
      expect(q.out).toBe('n,lo,hi,at12\n22,1,23,0\n');
    }
  }, 120_000);
});
