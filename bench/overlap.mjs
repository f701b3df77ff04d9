// What the overlap check (src/store/overlap.ts, issue 18 point 1) costs on a large input:
// the same journal as `journalctl -o json` (bench/gen.mjs genJournalJson) and as `-o export`
// (converted here, field for field), each ingested with the check on and off, alone and after
// the other. Needs `npm run build`. Usage: node bench/overlap.mjs [MB=200] [dir=/tmp/bundlescope-bench-overlap]
//
// 300 MB (325,650 entries), 2 cores shared with other jobs (load 9–15, so wall times vary ±30 %):
// the check itself took 0.01–0.05 s when nothing overlaps; 0.78 s to find the json a duplicate of
// the stored export and drop it; 2.13 s to find the export holds the stored json and replace it.
// The whole second ingest was shorter with the check (12.5 / 13.0 s) than without (16.1 / 16.7 s,
// 651,300 rows stored and every line then matched as a copy by the log_copies rebuild).
import { createReadStream, existsSync, mkdirSync, rmSync, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { genJournalJson } from './gen.mjs';

const mb = Number(process.argv[2] ?? 200);
const dir = process.argv[3] ?? '/tmp/bundlescope-bench-overlap';
mkdirSync(dir, { recursive: true });
const json = join(dir, `journal-${mb}.json`);
const exp = join(dir, `journal-${mb}.export`);

if (!existsSync(json)) genJournalJson(json, mb * 1e6);
if (!existsSync(exp)) {
  // journalctl -o export: FIELD=value lines, an empty line after each entry (all values here are text)
  const out = createWriteStream(exp);
  for await (const line of createInterface({ input: createReadStream(json), crlfDelay: Infinity })) {
    if (!line) continue;
    const e = JSON.parse(line);
    let s = '';
    for (const [k, v] of Object.entries(e)) s += `${k}=${v}\n`;
    if (!out.write(s + '\n')) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

const { openStore } = await import('../dist/store/db.js');
const { ingestPaths } = await import('../dist/ingest/ingest.js');
const { overlapCheck } = await import('../dist/store/overlap.js');

async function run(name, steps) {
  const db = join(dir, `${name}.duckdb`);
  rmSync(db, { force: true });
  rmSync(db + '.wal', { force: true });
  const store = await openStore(db);
  const times = [];
  try {
    for (const { path, check } of steps) {
      overlapCheck.enabled = check;
      overlapCheck.ms = 0;
      const t0 = performance.now();
      const sums = await ingestPaths(store, [path]);
      times.push(`${((performance.now() - t0) / 1000).toFixed(2)} s${check ? ` (check ${(overlapCheck.ms / 1000).toFixed(2)} s)` : ''}`);
      for (const s of sums) for (const l of s.overlaps ?? []) console.log('   ', l.replace(dir + '/', ''));
    }
    const rows = (await store.conn.runAndReadAll('SELECT count(*) FROM log_events')).getRows()[0][0];
    console.log(`${name.padEnd(34)} ${times.join(' then ')}; log_events ${rows}`);
  } finally {
    overlapCheck.enabled = true;
    store.close();
    rmSync(db, { force: true });
    rmSync(db + '.wal', { force: true });
  }
}

console.log(`journal of ${mb} MB as json and as export (${dir})`);
for (const check of [false, true]) await run(`json alone, check ${check ? 'on' : 'off'}`, [{ path: json, check }]);
for (const check of [false, true]) await run(`export then json, check ${check ? 'on' : 'off'}`, [{ path: exp, check: true }, { path: json, check }]);
for (const check of [false, true]) await run(`json then export, check ${check ? 'on' : 'off'}`, [{ path: json, check: true }, { path: exp, check }]);
