/**
 * src/ingest/ only dispatches (issue 19): it reads inputs through the format registry
 * (formats/registry.ts FORMATS) and the bundle registry (bundle/registry.ts BUNDLES) and names
 * none of their kinds, so a new format or bundle never needs an edit there.
 *
 * The rule, on the TypeScript tokens of each file (comments are documentation and not checked):
 *  - a string literal, template text or regular expression names a kind when the kind occurs in
 *    it as a whole word: not next to a letter, digit or `_` (so `'not-a-sosreport'` and
 *    `'ss -tan'` name one, `'sysctls'` — a table — does not);
 *  - an identifier names a kind when the kind's words (split at `-` and `_`) are consecutive
 *    words of the identifier (split at camelCase humps and `_`): `planSupportconfig`,
 *    `journalJsonSqlLoader`, `sarNotes` name one, `findSosRoot` does not.
 * The kinds: every FORMATS kind, every BUNDLES kind, and the sources a bundle reader makes itself
 * (proc-sys).
 *
 * The parsers live in src/formats/<kind>/: no module of src/ingest/ is format code (imported,
 * directly or through others, by the format registry), and every one of them is checked.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { FORMATS } from '../../src/formats/registry.js';
import { BUNDLES } from '../../src/bundle/registry.js';
import { PROC_SYS_KIND } from '../../src/bundle/proc-sys.js';
import { REPO } from '../helpers.js';

const KINDS = [...FORMATS.map((f) => f.kind), ...BUNDLES.map((b) => b.kind), PROC_SYS_KIND];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const words = (id: string) => id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase().split(/_+/).filter(Boolean);

/** The kinds a piece of source names, each as `kind (token)`. */
function namedKinds(source: string, file = 'x.ts'): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteralLike(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n) || ts.isRegularExpressionLiteral(n)) {
      for (const k of KINDS) if (new RegExp(`(?<![A-Za-z0-9_])${escape(k)}(?![A-Za-z0-9_])`).test(n.text)) out.push(`${k} (${n.getText(sf)})`);
    } else if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) {
      const w = words(n.text).join(' ');
      for (const k of KINDS) {
        const kw = k.toLowerCase().split(/[-_]+/).join(' ');
        if (` ${w} `.includes(` ${kw} `)) out.push(`${k} (${n.text})`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The src/ files the format registry imports, directly or through others. */
function formatCode(): Set<string> {
  const seen = new Set<string>();
  const stack = [join(REPO, 'src/formats/registry.ts')];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, false);
    for (const s of sf.statements) {
      if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
        const spec = s.moduleSpecifier.text;
        if (spec.startsWith('.')) stack.push(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
      }
    }
  }
  return seen;
}

const INGEST = join(REPO, 'src/ingest');
const DISPATCH = ['ingest.ts', 'inputs.ts', 'side-file.ts', 'bundle.ts', 'batch.ts', 'host.ts', 'summary.ts', 'refuse.ts', 'options.ts', 'jobs.ts'];

describe('src/ingest/ dispatches and names no format', () => {
  it('the rule catches a kind in a string, an error code, a regex and an identifier, and nothing in comments or table names', () => {
    expect(namedKinds(`const a = FORMAT_BY_KIND.get('syslog');`)).toEqual(["syslog ('syslog')"]);
    expect(namedKinds(`throw new InputError('not-a-sosreport', 'x');`)).toEqual(["sosreport ('not-a-sosreport')"]);
    expect(namedKinds('const t = `${name}/proc.txt#/proc/sys`; const k = `${x} proc-sys`;')).toEqual(['proc-sys (} proc-sys`)']);
    expect(namedKinds('const re = /^ss -tan/;')).toEqual(['ss (/^ss -tan/)']);
    expect(namedKinds('plan = planSupportconfig(tree); journalJsonSqlLoader(); findSosRoot(t);')).toEqual([
      'supportconfig (planSupportconfig)', 'journal-json (journalJsonSqlLoader)']);
    expect(namedKinds(`// a sar header, a syslog line\n/* dmesg */ load.add('sysctls', id, rows);`)).toEqual([]);
  });

  const files = readdirSync(INGEST).filter((f) => f.endsWith('.ts')).sort();

  it('no module of src/ingest/ is format code', () => {
    const code = formatCode();
    expect(files.filter((f) => code.has(join(INGEST, f)))).toEqual([]);
  });

  for (const f of files) {
    it(`${f} names no format or bundle kind`, () => {
      expect(namedKinds(readFileSync(join(INGEST, f), 'utf8'), f)).toEqual([]);
    });
  }

  it('src/ingest/ holds the dispatch modules and nothing else', () => {
    expect(files).toEqual([...DISPATCH].sort());
  });
});
