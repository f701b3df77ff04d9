// Where an ingest's time goes statement by statement (issue 21's profiles): DuckDB works on its own
// threads, so a JavaScript CPU profile shows it as "(idle)". This runs the CLI in this process with
// DuckDBConnection.run / stream wrapped: each statement's wall time and the process's CPU-seconds
// (user + sys, every thread: DuckDB's included) while it ran, summed per statement shape (numbers
// and quoted strings folded). Usage: node bench/sql-steps.mjs ingest FILE --db DB [--top N]
// Prints a Markdown table to stderr after the CLI's own output. CPU outside the statements (the
// JavaScript scan, appenders, start-up) is the "outside statements" row.
// For A/B figures without touching src/: SQLSTEPS_MEMORY_LIMIT=2GiB replaces the value of every
// `SET memory_limit = …` the ingest runs (ingest caps DuckDB at 256 MiB). SQLSTEPS_TIMELINE=1 prints
// each statement's start and end (seconds since the process started); SQLSTEPS_DUMP=FILE appends
// every statement's text to FILE (to replay one in an A/B).
import { DuckDBConnection } from '@duckdb/node-api';
import { appendFileSync } from 'node:fs';
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
    if (process.env.SQLSTEPS_MEMORY_LIMIT && /^\s*SET memory_limit\s*=/i.test(sql)) sql = `SET memory_limit = '${process.env.SQLSTEPS_MEMORY_LIMIT}'`;
    if (process.env.SQLSTEPS_DUMP) appendFileSync(process.env.SQLSTEPS_DUMP, `${sql};\n-- ----\n`);
    depth++;
    const c0 = cpu();
    const m0 = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    if (process.env.SQLSTEPS_TIMELINE) process.stderr.write(`[${(t0 / 1000).toFixed(2)}] start ${shape(sql).slice(0, 70)}\n`);
    try {
      return await orig.call(this, sql, ...rest);
    } catch (e) {
      process.stderr.write(`statement failed (${String(e?.message ?? e).split('\n')[0]}): ${shape(sql)}\n`);
      throw e;
    } finally {
      depth--;
      const k = shape(sql);
      const s = stats.get(k) ?? { n: 0, wall: 0, cpu: 0, rss: 0 };
      s.n++;
      s.rss += (process.resourceUsage().maxRSS - m0) / 1024; // the peak RSS this statement raised (MiB)
      s.wall += (performance.now() - t0) / 1000;
      s.cpu += cpu() - c0;
      stats.set(k, s);
      if (process.env.SQLSTEPS_TIMELINE) process.stderr.write(`[${(performance.now() / 1000).toFixed(2)}] end   ${k.slice(0, 70)}\n`);
    }
  };
}
const t0 = performance.now();
process.on('exit', () => {
  const total = cpu();
  const wall = (performance.now() - t0) / 1000;
  const rows = [...stats.entries()].sort((a, b) => b[1].cpu - a[1].cpu);
  const inStmts = rows.reduce((a, [, s]) => a + s.cpu, 0);
  const peak = process.resourceUsage().maxRSS / 1024;
  const L = [`\n${wall.toFixed(2)} s wall, ${total.toFixed(2)} CPU-s in all (process, every thread); ${inStmts.toFixed(2)} CPU-s inside ${rows.reduce((a, [, s]) => a + s.n, 0)} statements; peak RSS ${peak.toFixed(0)} MiB\n`,
    '| CPU s | wall s | runs | peak RSS raised, MiB | statement |', '|--:|--:|--:|--:|---|'];
  for (const [k, s] of rows.slice(0, TOP)) L.push(`| ${s.cpu.toFixed(2)} | ${s.wall.toFixed(2)} | ${s.n} | ${s.rss.toFixed(0)} | \`${k.replace(/\|/g, '\\|')}\` |`);
  L.push(`| ${(total - inStmts).toFixed(2)} | | | ${(peak - rows.reduce((a, [, s]) => a + s.rss, 0)).toFixed(0)} | outside statements (start-up, JavaScript scan and parse, appenders) |`);
  process.stderr.write(L.join('\n') + '\n');
});
process.argv = [process.argv[0], join(ROOT, process.env.SQLSTEPS_DIST ?? 'dist', 'cli.js'), ...args];
await import(join(ROOT, process.env.SQLSTEPS_DIST ?? 'dist', 'cli.js'));
