import { writeFileSync } from 'node:fs';
import { tableFromArrays, tableToIPC, type Table } from 'apache-arrow';

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

export function toTable(columns: string[], rows: Row[]): string {
  if (rows.length === 0) return `(no rows)\n`;
  const data = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...data.map((d) => d[i]!.length))));
  const fmt = (vals: string[]) => vals.map((v, i) => (v.length > widths[i]! ? v.slice(0, widths[i]! - 1) + '…' : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...data.map(fmt)].join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: string[], rows: Row[]): string {
  return [columns.map(csvField).join(','), ...rows.map((r) => columns.map((c) => csvField(cell(r[c]))).join(','))].join('\n') + '\n';
}

export function toMarkdown(columns: string[], rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${columns.map(esc).join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${columns.map((c) => esc(cell(r[c]))).join(' | ')} |`)].join('\n') + '\n';
}

export function toJson(rows: Row[]): string {
  return JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]))), null, 2) + '\n';
}

/** Arrow IPC (file format) of the rows, typed from the values. */
export function toArrow(columns: string[], rows: Row[]): Uint8Array {
  const arrays: Record<string, unknown> = {};
  for (const c of columns) {
    const vals = rows.map((r) => plain(r[c]));
    const allNum = vals.every((v) => v == null || typeof v === 'number');
    const allBool = vals.every((v) => v == null || typeof v === 'boolean');
    arrays[c] = allNum ? Float64Array.from(vals.map((v) => (v == null ? NaN : (v as number))))
      : allBool ? vals.map((v) => (v == null ? null : v))
      : vals.map((v) => (v == null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)));
  }
  const table = tableFromArrays(arrays as never) as unknown as Table;
  return tableToIPC(table, 'file');
}

export function writeOut(out: string | undefined, data: string | Uint8Array): void {
  if (out) writeFileSync(out, data);
  else process.stdout.write(data);
}
