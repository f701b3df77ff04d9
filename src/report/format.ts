import { writeFileSync } from 'node:fs';
import { csvNeutral, mdText, termSafe } from './safe.js';

export type Row = Record<string, unknown>;

/** JSON-safe value: bigint → number (or string past 2^53), Date → ISO. */
export function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function cell(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  if (Array.isArray(v)) return v.map(cell).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Widest a table cell is drawn (unless wide): about half a terminal, so two or three columns fit. */
export const CELL_WIDTH = 60;

/** A file path or path-like name (a slash, no white space): its end, the file name, is what matters. */
const pathLike = (s: string) => /^[^\s]*\/[^\s]*$/.test(s);

/**
 * A cell cut to `width` characters: a path loses its beginning at a folder boundary
 * (`…/var/log/messages`), other text its end (`Which slab caches grew…`).
 */
export function fitCell(v: string, width: number): string {
  if (v.length <= width) return v;
  if (pathLike(v)) {
    const tail = v.slice(v.length - (width - 1));
    const slash = tail.indexOf('/');
    return '…' + (slash > 0 && slash < tail.length - 1 ? tail.slice(slash) : tail);
  }
  return v.slice(0, width - 1) + '…';
}

export interface TableOptions {
  /** Cut nothing (--wide). */
  wide?: boolean;
}

/** A text table for a terminal: controls in data shown as `\xHH`, long cells cut (fitCell) unless wide. */
export function toTable(columns: string[], rows: Row[], opts: TableOptions = {}): string {
  if (rows.length === 0) return `(no rows)\n`;
  const max = opts.wide ? Infinity : CELL_WIDTH;
  const head = columns.map((c) => termSafe(c));
  const data = rows.map((r) => columns.map((c) => termSafe(cell(r[c]))));
  const widths = head.map((c, i) => Math.min(max, Math.max(c.length, ...data.map((d) => d[i]!.length))));
  const fmt = (vals: string[]) => vals.map((v, i) => fitCell(v, widths[i]!).padEnd(widths[i]!)).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...data.map(fmt)].join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvOptions {
  /** Write cells as they are, formulas included (--raw-csv). */
  raw?: boolean;
}

/**
 * CSV (RFC 4180). Unless raw: text cells a spreadsheet would run as a formula get a leading `'`,
 * and controls but tab and newline (which quoting keeps inside a cell) are shown as `\xHH`, so the
 * CSV is as safe on a terminal as a table.
 */
export function toCsv(columns: string[], rows: Row[], opts: CsvOptions = {}): string {
  const text = (v: unknown, s: string) => (opts.raw || typeof v === 'number' || typeof v === 'bigint' ? s : termSafe(csvNeutral(s), true));
  return [columns.map((c) => csvField(text(c, c))).join(','),
    ...rows.map((r) => columns.map((c) => csvField(text(r[c], cell(r[c])))).join(','))].join('\n') + '\n';
}

/** A GitHub-flavoured Markdown table; data escaped (mdText): no link, HTML, code span or extra cell from it. */
export function toMarkdown(columns: string[], rows: Row[]): string {
  return [`| ${columns.map(mdText).join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${columns.map((c) => mdText(cell(r[c]))).join(' | ')} |`)].join('\n') + '\n';
}

/** JSON escapes C0 controls itself; DEL and C1 (U+0080–U+009F, which some terminals obey as CSI …) too here. */
export function jsonSafe(text: string): string {
  return text.replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function toJson(rows: Row[]): string {
  return jsonSafe(JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]))), null, 2)) + '\n';
}

export function writeOut(out: string | undefined, data: string | Uint8Array): void {
  if (out) writeFileSync(out, data);
  else process.stdout.write(data);
}
