// DuckDB's own readers as the native reference, run as a child process so that its wall time and
// peak RSS are measured exactly like `bundlescope ingest`.
//   node bench/native.mjs json FILE DB   CREATE TABLE t AS SELECT * FROM read_json(FILE, format='newline_delimited')
//   node bench/native.mjs csv  FILE DB   CREATE TABLE t AS SELECT * FROM read_csv(FILE) as one VARCHAR column per line
//   node bench/native.mjs lines DB FILE…  the same over several files (a .gz one decompressed by DuckDB): the raw log
//                                        lines of a sosreport (issue 21)
// Prints one JSON line: {"rows": N, "sql": "..."}.
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'node:fs';

const args = process.argv.slice(2);
const mode = args[0];
// json|csv FILE DB, or lines DB FILE...
const [files, db] = mode === 'lines' ? [args.slice(2), args[1]] : [[args[1]], args[2]];
if (!mode || !files.length || files.some((f) => !f) || !db) {
  console.error('usage: node bench/native.mjs json|csv FILE DB | lines DB FILE...');
  process.exit(2);
}
const lit = (s) => `'${s.replace(/'/g, "''")}'`;
const file = files[0];
let sql;
if (mode === 'json') {
  sql = `CREATE TABLE t AS SELECT * FROM read_json(${lit(file)}, format='newline_delimited')`;
} else if (mode === 'csv' || mode === 'lines') {
  // One VARCHAR column per line: no header, no quoting or escaping, a delimiter (US, 0x1f) that
  // never occurs in the file.
  sql = `CREATE TABLE t AS SELECT * FROM read_csv(${mode === 'lines' ? `[${files.map(lit).join(', ')}]` : lit(file)}, columns={'line': 'VARCHAR'}, header=false, quote='', escape='', delim='\x1f', auto_detect=false, strict_mode=false, null_padding=false)`;
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
for (const f of [db, db + '.wal']) rmSync(f, { force: true });
const instance = await DuckDBInstance.create(db);
const conn = await instance.connect();
await conn.run(sql);
const r = await conn.runAndReadAll('SELECT count(*) FROM t');
const rows = Number(r.getRows()[0][0]);
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify({ rows, sql: sql.replace('\x1f', '\\x1f') }) + '\n');
