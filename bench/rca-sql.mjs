// Where `rca` time goes: run the library's buildRca on a database with every SQL statement timed.
// Usage: node bench/rca-sql.mjs DB [top]
// Prints the statements by total time (count of calls, total and mean ms, first line of SQL).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const db = process.argv[2];
const top = Number(process.argv[3] ?? 15);
if (!db || !existsSync(db)) {
  console.error('usage: node bench/rca-sql.mjs DB [top]');
  process.exit(2);
}
const { openStore } = await import(join(ROOT, 'dist', 'store', 'db.js'));
const { buildRca } = await import(join(ROOT, 'dist', 'rca', 'findings.js'));
const store = await openStore(db, { readOnly: true });
const stats = new Map();
const conn = store.conn;
const orig = conn.runAndReadAll.bind(conn);
conn.runAndReadAll = async (sql, ...rest) => {
  const t0 = performance.now();
  try {
    return await orig(sql, ...rest);
  } finally {
    const key = sql.replace(/\s+/g, ' ').trim();
    const s = stats.get(key) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += performance.now() - t0;
    stats.set(key, s);
  }
};
const t0 = performance.now();
const report = await buildRca(store);
const total = performance.now() - t0;
store.close();
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
const sum = rows.reduce((a, [, s]) => a + s.ms, 0);
console.log(`buildRca: ${(total / 1000).toFixed(2)} s, ${report.findings?.length ?? '?'} findings, ${rows.reduce((a, [, s]) => a + s.calls, 0)} statements (${(sum / 1000).toFixed(2)} s in SQL)\n`);
console.log('| % of rca | calls | total ms | mean ms | statement |');
console.log('|--:|--:|--:|--:|---|');
for (const [sql, s] of rows.slice(0, top)) {
  const from = /\bFROM\s+([a-z_]+)/i.exec(sql)?.[1] ?? '';
  console.log(`| ${((100 * s.ms) / total).toFixed(1)} | ${s.calls} | ${s.ms.toFixed(0)} | ${(s.ms / s.calls).toFixed(1)} | \`${sql.slice(0, 110).replace(/\|/g, '\\|')}…\` (from ${from}) |`);
}
