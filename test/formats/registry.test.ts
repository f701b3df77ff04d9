/**
 * The registry's contract (src/formats/registry.ts, issue 19): every format's samples are detected
 * as that format in registry order and parse with no issue; every sos entry names a member the
 * bundle reader keeps; every SQL loader stores its parser's rows on its samples; the README's
 * table of kinds is the registry.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, FORMATS } from '../../src/formats/registry.js';
import { wantedMember } from '../../src/bundle/sosreport.js';
import { parseBytes, parseText } from '../../src/formats/kit/lines.js';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import type { ParseContext } from '../../src/model.js';
import { REPO, sqlPaths, storedTables, tempDir } from '../helpers.js';

const ctx = (file: string): ParseContext => ({
  file, host: 'web01', tz: 'UTC', referenceTimeMs: Date.UTC(2026, 2, 12), bootTimeMs: Date.UTC(2026, 2, 1),
  snapshotTs: Date.UTC(2026, 2, 12) * 1000, snapshotQuality: 'collection-time', netns: null,
});

describe('format registry', () => {
  for (const f of FORMATS) {
    for (const [i, sample] of f.samples.entries()) {
      it(`${f.kind}: sample ${i + 1} is detected as ${f.kind} and parses with no issue`, () => {
        // (a format with no detect is only taken from a bundle path or --as)
        if (f.detect) expect(detectFormat(sample)?.kind).toBe(f.kind);
        const r = 'lines' in f.parser ? parseText(f.parser.lines(ctx('sample')), sample) : parseBytes(f.parser.bytes(ctx('sample')), Buffer.from(sample));
        expect(r.issues).toEqual([]);
        expect(r.rows.length).toBeGreaterThan(0);
      });
    }
  }

  it('formats still without a checked sample (the list only shrinks)', () => {
    expect(FORMATS.filter((f) => f.samples.length === 0).map((f) => f.kind)).toEqual(['journal-binary', 'journal-export']);
  });

  it('every sos entry names a member the bundle reader keeps', () => {
    const entries = FORMATS.flatMap((f) => (f.sos ?? []).map((e) => [f.kind, e.example] as const));
    expect(entries.length).toBe(37);
    // (formats sos does not write: side files only)
    expect(FORMATS.filter((f) => !f.sos?.length).map((f) => f.kind)).toEqual(['journal-export', 'journal-json', 'sadf']);
    for (const [kind, path] of entries) {
      expect([kind, path, wantedMember(`sosreport-web01-2026-03-12-abc/${path}`)]).toEqual([kind, path, true]);
    }
  });

  describe('SQL loaders', () => {
    const t = tempDir('bundlescope-registry-');
    afterAll(() => t.cleanup());
    // (their property tests, generated files against the line parser: test/formats/syslog-sql.test.ts
    // test/formats/journal-json-sql.test.ts and test/formats/journal-export-sql.test.ts; here each loader on its format's own samples)
    it('are those of syslog, journal-json and journal-export', () => {
      expect(FORMATS.filter((f) => f.sqlLoader).map((f) => f.kind)).toEqual(['journal-export', 'journal-json', 'syslog']);
    });
    for (const f of FORMATS.filter((x) => x.sqlLoader)) {
      it(`${f.kind}: the SQL loader stores what the line parser stores for each sample`, async () => {
        for (const [i, sample] of f.samples.entries()) {
          // A name with a glob character is never handed to DuckDB's readers: the line parser reads it.
          const sql = join(t.dir, `${f.kind}-${i}.log`);
          const lines = join(t.dir, `${f.kind}-${i}[js].log`);
          writeFileSync(sql, sample);
          writeFileSync(lines, sample);
          const a = await openStore(join(t.dir, `${f.kind}-${i}-sql.duckdb`));
          const b = await openStore(join(t.dir, `${f.kind}-${i}-js.duckdb`));
          try {
            const [sa, sb] = [await ingestPaths(a, [sql], { tz: 'UTC' }), await ingestPaths(b, [lines], { tz: 'UTC' })];
            expect([sqlPaths(sa).loaded, sqlPaths(sb).loaded]).toEqual([1, 0]);
            expect(sa.map((s) => s.rows)).toEqual(sb.map((s) => s.rows));
            expect(await storedTables(a, true)).toEqual(await storedTables(b, true));
          } finally {
            a.close();
            b.close();
          }
        }
      });
    }
  });

  it('is the README\'s table of kinds, row by row (kind, table, needs --host)', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| kind | fills | needs `--host` | produce it with |'));
    const rows = [...table.matchAll(/^\| `([\w-]+)` \| (\w+) \| (yes|no) \|/gm)].map((m) => [m[1], m[2], m[3] === 'yes']);
    expect(rows).toEqual(FORMATS.map((f) => [f.kind, f.table, f.needsHost]));
  });
});
