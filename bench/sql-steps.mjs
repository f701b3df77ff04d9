// Where an ingest's time goes statement by statement (issue 21's profiles): DuckDB works on its own
// threads, so a JavaScript CPU profile shows it as "(idle)". This runs the CLI in this process with
// DuckDBConnection.run / stream wrapped: each statement's wall time and the process's CPU-seconds
// (user + sys, every thread: DuckDB's included) while it ran, summed per statement shape (numbers
// and quoted strings folded). Usage: node bench/sql-steps.mjs ingest FILE --db DB [--top N]
// Prints a Markdown table to stderr after the CLI's own output. CPU outside the statements (the
// JavaScript scan, appenders, start-up) is the "outside statements" row.
import { DuckDBConnection } from '@duckdb/node-api';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const ti = args.indexOf('--top');
const TOP = ti >= 0 ? Number(args.splice(ti, 2)[1]) : 15;
const stats = new Map();
let depth = 0;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const shape = (sql) => sql.replace(/'(?:[^']|'')*'/g, "'…'").replace(/\b\d+\b/g, 'N').replace(/\s+/g, ' ').trim().slice(0, 140);
for (const m of ['run', 'stream']) {
  const orig = DuckDBConnection.prototype[m];
  DuckDBConnection.prototype[m] = async function (sql, ...rest) {
    if (depth > 0) return orig.call(this, sql, ...rest);
    depth++;
    const c0 = cpu();
    const t0 = performance.now();
    try {
      return await orig.call(this, sql, ...rest);
    } finally {
      depth--;
      const k = shape(sql);
      const s = stats.get(k) ?? { n: 0, wall: 0, cpu: 0 };
      s.n++;
      s.wall += (performance.now() - t0) / 1000;
      s.cpu += cpu() - c0;
      stats.set(k, s);
    }
  };
}
const t0 = performance.now();
process.on('exit', () => {
  const total = cpu();
  const wall = (performance.now() - t0) / 1000;
  const rows = [...stats.entries()].sort((a, b) => b[1].cpu - a[1].cpu);
  const inStmts = rows.reduce((a, [, s]) => a + s.cpu, 0);
  const L = [`\n${wall.toFixed(2)} s wall, ${total.toFixed(2)} CPU-s in all (process, every thread); ${inStmts.toFixed(2)} CPU-s inside ${rows.reduce((a, [, s]) => a + s.n, 0)} statements\n`,
    '| CPU s | wall s | runs | statement |', '|--:|--:|--:|---|'];
  for (const [k, s] of rows.slice(0, TOP)) L.push(`| ${s.cpu.toFixed(2)} | ${s.wall.toFixed(2)} | ${s.n} | \`${k.replace(/\|/g, '\\|')}\` |`);
  L.push(`| ${(total - inStmts).toFixed(2)} | | | outside statements (start-up, JavaScript scan and parse, appenders) |`);
  process.stderr.write(L.join('\n') + '\n');
});
process.argv = [process.argv[0], join(ROOT, 'dist', 'cli.js'), ...args];
await import(join(ROOT, 'dist', 'cli.js'));
