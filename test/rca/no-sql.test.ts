import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO } from '../helpers.js';

/**
 * design.md: everything analytical is SQL in sql/. The rule for src/rca/ (issue 19), precisely:
 * no string literal or template literal of any src/rca/**\/*.ts file (a template's text parts
 * joined, each ${…} read as a blank) is SQL, where SQL means
 *   - `SELECT` followed anywhere later in the same literal by FROM, JOIN, GROUP BY or OVER
 *     (any letter case: a query computing from a table, an aggregate or a window), or
 *   - a literal whose first word (after blanks or an opening parenthesis) is an upper-case
 *     statement: CREATE, INSERT, UPDATE, DELETE, DROP, ALTER, COPY, ATTACH, PRAGMA or WITH.
 * Comments are not literals and may name SQL. The queries live in sql/rca/*.sql and are run by
 * name (src/rca/queries.ts rcaRecords).
 */
const ANALYTIC = /\bSELECT\b[\s\S]*\b(FROM|JOIN|GROUP\s+BY|OVER)\b/i;
const STATEMENT = /^[\s(]*(CREATE|INSERT|UPDATE|DELETE|DROP|ALTER|COPY|ATTACH|PRAGMA|WITH)\b/;

/** Every string and template literal of a TypeScript source, with its line. */
function literals(file: string, text: string): { line: number; text: string }[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { line: number; text: string }[] = [];
  const visit = (n: ts.Node): void => {
    let t: string | null = null;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) t = n.text;
    else if (ts.isTemplateExpression(n)) t = [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ');
    if (t != null) out.push({ line: src.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: t });
    if (!ts.isTemplateExpression(n)) ts.forEachChild(n, visit);
    else for (const s of n.templateSpans) visit(s.expression);
  };
  visit(src);
  return out;
}

const isSql = (t: string) => ANALYTIC.test(t) || STATEMENT.test(t);

function sqlIn(file: string, text: string): string[] {
  return literals(file, text).filter((l) => isSql(l.text)).map((l) => `${file}:${l.line}: ${l.text.slice(0, 80)}`);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

describe('no SQL in src/rca (the analysis is in sql/rca)', () => {
  it('finds the SQL it must, and not the English of the reports', () => {
    const fixture = [
      "const a = 'SELECT host, count(*) FROM overflow_events GROUP BY host';",
      'const b = `SELECT w.id, ${cols} FROM rca_win w JOIN sockets s ON s.host = w.host`;',
      "const c = 'select max(v) over (partition by host) AS m';",
      "const d = '  CREATE OR REPLACE TEMP TABLE rca_win AS SELECT 1';",
      "const e = 'DROP TABLE IF EXISTS rca_win';",
      "const f = 'WITH s AS (SELECT 1) SELECT * FROM s';",
      '// SELECT host FROM hosts in a comment is not a literal',
      "const g = 'Select the listener from the snapshots';",
      "const h = 'Set net.ipv4.tcp_tw_reuse = 1 (now 0)';",
      "const i = 'with 10.0.0.1:5432 from the snapshot';",
    ].join('\n');
    expect(sqlIn('fixture.ts', fixture)).toEqual([
      'fixture.ts:1: SELECT host, count(*) FROM overflow_events GROUP BY host',
      'fixture.ts:2: SELECT w.id,   FROM rca_win w JOIN sockets s ON s.host = w.host',
      'fixture.ts:3: select max(v) over (partition by host) AS m',
      'fixture.ts:4:   CREATE OR REPLACE TEMP TABLE rca_win AS SELECT 1',
      'fixture.ts:5: DROP TABLE IF EXISTS rca_win',
      'fixture.ts:6: WITH s AS (SELECT 1) SELECT * FROM s',
      // English that happens to say "select … from": the case-insensitive rule is strict on purpose
      'fixture.ts:8: Select the listener from the snapshots',
    ]);
  });

  it('src/rca/**/*.ts holds none', () => {
    const dir = join(REPO, 'src', 'rca');
    const files = tsFiles(dir);
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => sqlIn(f.slice(REPO.length), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the renderers take a report, never a store: they import nothing from src/store and name no Store', () => {
    // render.ts (Markdown, JSON), html.ts, phrases.ts, svg.ts; report/format.ts and safe.ts (tables, CSV, Markdown of rows)
    const renderers = ['src/rca/render.ts', 'src/rca/html.ts', 'src/rca/phrases.ts', 'src/rca/svg.ts', 'src/report/format.ts', 'src/report/safe.ts'];
    const bad = renderers.filter((f) => {
      const text = readFileSync(join(REPO, f), 'utf8');
      return /from '\.\.?\/(\.\.\/)?store\//.test(text) || /\bStore\b|DuckDBConnection/.test(text);
    });
    expect(bad).toEqual([]);
  });
});
