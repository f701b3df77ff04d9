// Per-table hashes of the databases bundlescope builds from a fixed set of inputs, to show a
// refactoring changed no row (issue 19: "every table of every sample, scenario and bench file is
// identical before and after"). `node scripts/table-hashes.mjs INPUTS_DIR [--make]`: --make writes
// the inputs (sample sosreports, incident/netns/scenario generators, the bench's quick files) with
// the current dist/ once; without it, each case folder of INPUTS_DIR is ingested into a fresh
// database with dist/cli.js and every table's rows are hashed (sorted, the two clock columns —
// sources.ingested_at, ingest_issues.logged_at — left out). Prints `case table rows hash` lines.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? '/tmp/table-hashes');
const CLOCK = new Set(['ingested_at', 'logged_at']);

async function make() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const lib = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
  cpSync(join(ROOT, 'samples'), join(dir, 'samples'), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'samples')).filter((n) => n.startsWith('sosreport-'))) {
    mkdirSync(join(dir, `one-${f.split('-')[1]}`));
    cpSync(join(ROOT, 'samples', f), join(dir, `one-${f.split('-')[1]}`, f));
  }
  await (await lib('samples/incidents.js')).writeIncidents(join(dir, 'incidents'));
  await (await lib('samples/netns-incidents.js')).writeNetnsIncidents(join(dir, 'netns'));
  await (await lib('samples/scenarios.js')).writeScenarios(join(dir, 'scenarios'));
  const gen = await import(pathToFileURL(join(ROOT, 'bench/gen.mjs')).href);
  mkdirSync(join(dir, 'bench'));
  gen.genSyslog(join(dir, 'bench', 'messages'), 20_000);
  gen.genJournalJson(join(dir, 'bench', 'journal.json'), 2_000_000);
  gen.genSlabLog(join(dir, 'bench', 'slabinfo.log'), 50);
  const rw = resolve(ROOT, '../shared/realworld');
  if (existsSync(rw)) cpSync(rw, join(dir, 'realworld'), { recursive: true });
}

function sql(db, q) {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'query', '--db', db, '--format', 'json', q], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function hashes() {
  const work = join(dir, '..', `${dir.split('/').pop()}-db`);
  mkdirSync(work, { recursive: true });
  for (const c of readdirSync(dir).sort()) {
    const db = join(work, `${c}.duckdb`);
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'ingest', '--db', db, join(dir, c)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    console.log(`${c} exit ${r.status}`);
    const tables = sql(db, "SELECT table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").map((x) => x.t);
    for (const t of tables) {
      const cols = sql(db, `SELECT column_name AS c FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`).map((x) => x.c).filter((x) => !CLOCK.has(x));
      const list = cols.map((x) => `"${x}"`).join(', ');
      const [h] = sql(db, `SELECT count(*)::BIGINT AS n, md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) AS h FROM (SELECT CAST(ROW(${list}) AS VARCHAR) AS r FROM "${t}")`);
      console.log(`${c} ${t} ${h.n} ${h.h}`);
    }
  }
}

if (process.argv.includes('--make')) await make();
else hashes();
