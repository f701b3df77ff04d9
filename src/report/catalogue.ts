import { readdirSync, readFileSync } from 'node:fs';
import { SQL_DIR, settleCopies, type Store } from '../store/db.js';
import { readsCopies } from '../store/timeline.js';
import { InputError } from '../errors.js';
import { runSql } from '../store/sql.js';

export interface ReportParam {
  name: string;
  type: string;
  default: string | null;
}

export interface ReportDef {
  name: string;
  question: string;
  params: ReportParam[];
  reads: string;
  returns: string;
  sql: string;
}

/** Parse the header comment of a report file (style.md). */
export function parseReport(file: string, text: string): ReportDef {
  // (blanks, not \s: an empty `-- params:` must not take the next line for its value)
  const head = (key: string) => new RegExp(`^--[ \\t]*${key}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const name = head('name') || file.replace(/\.sql$/, '');
  const params = head('params')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^\$(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/.exec(p);
      if (!m) throw new Error(`bad params header in ${file}: ${p}`);
      return { name: m[1]!, type: m[2]!, default: m[3]?.trim() ?? null };
    });
  return { name, question: head('question'), params, reads: head('reads'), returns: head('returns'), sql: text };
}

export function loadCatalogue(): ReportDef[] {
  const dir = SQL_DIR + 'reports';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseReport(f, readFileSync(`${dir}/${f}`, 'utf8')));
}

export function findReport(name: string): ReportDef {
  const r = loadCatalogue().find((d) => d.name === name);
  if (!r) throw new InputError('unknown-report', `no report named '${name}' (see: bundlescope reports)`);
  return r;
}

/** Values for the report's declared parameters: given ones, else their defaults, else NULL. All bound, never spliced. */
export function bindValues(def: ReportDef, given: Record<string, string | null | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const used = new Set([...def.sql.matchAll(/\$(\w+)/g)].map((m) => m[1]!));
  for (const p of def.params) {
    if (!used.has(p.name)) continue;
    const v = given[p.name] ?? (p.default != null && p.default.toUpperCase() !== 'NULL' ? p.default : null);
    out[p.name] = v == null ? null : /INT/i.test(p.type) ? Number(v) : /DOUBLE|FLOAT|DECIMAL/i.test(p.type) ? Number(v) : String(v);
  }
  return out;
}

/** (runSql lives in store/sql.ts; re-exported here for the library API and older imports.) */
export { runSql };

/**
 * Run a canned report. One that reads log_timeline on a writable store matches the log copies
 * still due first (a read-only store cannot: its rows of hosts not matched say copies NULL).
 */
export async function runReport(store: Store, name: string, given: Record<string, string | null | undefined>) {
  const def = findReport(name);
  if (!store.readOnly && readsCopies(def.sql)) await settleCopies(store);
  return { def, ...(await runSql(store, def.sql, bindValues(def, given))) };
}
