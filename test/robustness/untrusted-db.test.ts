import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { runCli, tempDir } from './helpers.js';

/**
 * A database file received from someone else is data, never code (issue 17 point 3): its views and
 * macros may call read_text or COPY. The commands that read a database run with local files and
 * extensions off and use bundlescope's own views; a file whose objects would stand in for
 * bundlescope's tables or DuckDB's built-ins is refused.
 */
describe('an untrusted database', () => {
  const t = tempDir();
  const SECRET = 'S3CRET-7f1c9e-do-not-leak';
  const secret = join(t.dir, 'secret.txt');
  const clean = join(t.dir, 'clean.duckdb');
  const readSecret = `read_text('${secret}')`;

  /** A copy of the clean database, changed by the attacker's SQL. */
  async function hostile(name: string, sql: string[]): Promise<string> {
    const db = join(t.dir, name);
    copyFileSync(clean, db);
    const inst = await DuckDBInstance.create(db);
    const c = await inst.connect();
    try {
      for (const s of sql) await c.run(s);
    } finally {
      c.closeSync();
      inst.closeSync();
    }
    return db;
  }

  /** The attacker's copy of every view and macro bundlescope defines, each reading the secret. */
  let shadowed: string;
  let ourViews: string[];

  beforeAll(async () => {
    writeFileSync(secret, SECRET + '\n');
    const log = join(t.dir, 'messages');
    writeFileSync(log, [
      'Mar 12 19:00:00 web01 systemd[1]: Started app.service.',
      ...Array.from({ length: 6 }, (_, i) => `Mar 12 19:0${i + 1}:10 web01 kernel: [ ${1000 + i * 60}.000000] TCP: time wait bucket table overflow`),
      'Mar 12 19:09:00 web01 systemd[1]: Stopping app.service...',
    ].join('\n') + '\n');
    const r = await runCli(['ingest', '--db', clean, '--host', 'web01', log]);
    expect(r.code, r.err).toBe(0);
    const inst = await DuckDBInstance.create(clean, { access_mode: 'READ_ONLY' });
    const c = await inst.connect();
    ourViews = (await c.runAndReadAll(`SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database() ORDER BY 1`)).getRows().map((x) => String(x[0]));
    c.closeSync();
    inst.closeSync();
    shadowed = await hostile('shadowed.duckdb', [
      ...ourViews.map((v) => `CREATE OR REPLACE VIEW ${v} AS SELECT content AS host, content AS kind, content AS message FROM ${readSecret}`),
      `CREATE OR REPLACE MACRO us_to_ts(us) AS (SELECT content FROM ${readSecret})`,
      `CREATE OR REPLACE MACRO overflow_episodes_gap(gap) AS TABLE SELECT content AS host FROM ${readSecret}`,
      `CREATE VIEW case_notes AS SELECT content FROM ${readSecret}`,
      `CREATE MACRO notes() AS (SELECT content FROM ${readSecret})`,
    ]);
  });
  afterAll(() => t.cleanup());

  const noSecret = (r: { out: string; err: string }) => {
    expect(r.out).not.toContain(SECRET);
    expect(r.err).not.toContain(SECRET);
  };
  /** A run's outcome with the database's path made neutral, for comparing two databases. */
  const outcome = async (db: string, args: string[]) => {
    const r = await runCli([...args, '--db', db]);
    noSecret(r);
    return { code: r.code, out: r.out.split(db).join('DB'), err: r.err.split(db).join('DB') };
  };

  it('rca, the reports and query on the stored view names give exactly what the clean database gives', async () => {
    expect(ourViews.length).toBe(20);
    for (const format of ['md', 'json']) {
      const want = await outcome(clean, ['rca', '--format', format]);
      expect(want.code).toBe(0);
      expect(await outcome(shadowed, ['rca', '--format', format]), format).toEqual(want);
    }
    expect(JSON.parse((await outcome(shadowed, ['rca', '--format', 'json'])).out).findings.map((f: { host: string; kind: string; events: { logged: number } }) => [f.host, f.kind, f.events.logged]))
      .toEqual([['web01', 'tcp_timewait_overflow', 6]]);
    for (const name of ['episodes', 'overflow_timeline', 'fleet_summary']) {
      const want = await outcome(clean, ['report', name, '--format', 'json']);
      expect(want.code).toBe(0);
      expect(await outcome(shadowed, ['report', name, '--format', 'json']), name).toEqual(want);
    }
    // every view bundlescope defines, in one query: its rows and a digest of their text
    const digest = ourViews.map((v) => `SELECT '${v}' AS name, count(*) AS n, md5(coalesce(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR)), '')) AS digest FROM ${v} t`).join(' UNION ALL ') + ' ORDER BY name';
    const want = await outcome(clean, ['query', digest, '--format', 'csv']);
    expect(want.code, want.err).toBe(0);
    expect(want.out).toContain('\noverflow_episodes,1,');
    expect(await outcome(shadowed, ['query', digest, '--format', 'csv'])).toEqual(want);
    const ts = await outcome(shadowed, ['query', 'SELECT us_to_ts(0) AS t', '--format', 'csv']);
    expect(ts).toEqual({ code: 0, out: 't\n1970-01-01T00:00:00.000Z\n', err: '' });
  }, 240_000);

  it('export writes the same Parquet and Arrow files from it, and only into the export folder', async () => {
    const before = readdirSync(t.dir).sort();
    for (const format of ['parquet', 'arrow']) {
      const a = join(t.dir, `export-clean-${format}`);
      const b = join(t.dir, `export-shadowed-${format}`);
      const ra = await runCli(['export', a, '--db', clean, '--format', format]);
      const rb = await runCli(['export', b, '--db', shadowed, '--format', format]);
      expect([ra.code, rb.code], rb.err).toEqual([0, 0]);
      noSecret(rb);
      expect(rb.err.split(b).join('DIR')).toBe(ra.err.split(a).join('DIR'));
      expect(rb.err).toMatch(/view  overflow_episodes +1 rows/);
      // (the export's own marker, .bundlescope-export, lists what it wrote: not data)
      const files = (d: string) => readdirSync(d, { recursive: true }).map(String).filter((f) => f !== '.bundlescope-export').sort();
      expect(files(b)).toEqual(files(a));
      if (format === 'arrow') {
        // the same rows (a view's row order is DuckDB's to choose)
        const rowsOf = (p: string) => tableFromIPC(readFileSync(p)).toArray().map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
        for (const f of files(a)) expect(rowsOf(join(b, f)), f).toEqual(rowsOf(join(a, f)));
        expect(rowsOf(join(b, 'overflow_episodes.arrow')).length).toBe(1);
      }
    }
    expect(readdirSync(t.dir).sort()).toEqual([...before, 'export-clean-arrow', 'export-clean-parquet', 'export-shadowed-arrow', 'export-shadowed-parquet'].sort());
    // what the Parquet holds, read back: the clean episode, not the secret
    const back = await runCli(['query', `SELECT host, kind, logged FROM read_parquet('${join(t.dir, 'export-shadowed-parquet', 'overflow_episodes')}/**/*.parquet', hive_partitioning = true)`,
      '--db', clean, '--format', 'csv', '--allow-files']);
    expect(back).toEqual({ code: 0, out: 'host,kind,logged\nweb01,tcp_timewait_overflow,6\n', err: '' });
  }, 120_000);

  it('report --format parquet writes its --out file and nothing else', async () => {
    const out = join(t.dir, 'episodes.parquet');
    const r = await runCli(['report', 'episodes', '--db', shadowed, '--format', 'parquet', '--out', out]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(existsSync(out)).toBe(true);
    const back = await runCli(['query', `SELECT host, kind FROM read_parquet('${out}')`, '--db', clean, '--format', 'csv', '--allow-files']);
    expect(back.out).toBe('host,kind\nweb01,tcp_timewait_overflow\n');
  });

  it("query refuses local files (read_text, COPY … TO, the file's own views and macros that read them) unless --allow-files", async () => {
    const refused = (what: string) => `error[files-off] Cannot access file "${what}" - file system operations are disabled by configuration: commands that read a database run with local files and extensions off (a database from elsewhere can carry views that read them); query --allow-files opts in\n`;
    for (const sql of [`SELECT * FROM ${readSecret}`, 'SELECT * FROM case_notes', 'SELECT notes() AS n']) {
      expect(await runCli(['query', sql, '--db', shadowed]), sql).toEqual({ code: 2, out: '', err: refused(secret) });
    }
    const copy = join(t.dir, 'copied.csv');
    expect(await runCli(['query', `COPY sources TO '${copy}'`, '--db', clean])).toEqual({ code: 2, out: '', err: refused(copy) });
    expect(await runCli(['query', `COPY sources TO '${copy}'`, '--db', clean, '--write'])).toEqual({ code: 2, out: '', err: refused(copy) });
    expect(existsSync(copy)).toBe(false);
    // nor can the SQL turn it back on, or load an extension
    const on = await runCli(['query', 'SET enable_external_access = true', '--db', clean]);
    expect([on.code, on.err.split('\n')[0]]).toEqual([2, 'error[sql] Invalid Input Error: Cannot change configuration option "enable_external_access" - the configuration has been locked']);
    const load = await runCli(['query', 'LOAD httpfs', '--db', clean]);
    expect([load.code, load.err.split(':')[0]]).toEqual([2, 'error[files-off] Loading external extensions is disabled through configuration']);

    // --allow-files opts in (which shows the refusals above were about the files, not the SQL)
    expect(await runCli(['query', `SELECT content FROM ${readSecret}`, '--db', clean, '--format', 'csv', '--allow-files']))
      .toEqual({ code: 0, out: `content\n"${SECRET}\n"\n`, err: '' });
    const ok = await runCli(['query', `COPY (SELECT host, kind FROM sources) TO '${copy}'`, '--db', clean, '--allow-files']);
    expect(ok.code, ok.err).toBe(0);
    expect(readFileSync(copy, 'utf8')).toBe('host,kind\nweb01,syslog\n');
  });

  it('a file with a view where bundlescope keeps a table, or a macro named like a built-in, is refused by every command (exit 4)', async () => {
    const cols = 'host, ts, netns, state, local_addr, local_port, peer_addr, peer_port, process, source_id';
    const asTable = await hostile('as-table.duckdb', [
      'DROP TABLE sockets',
      `CREATE VIEW sockets AS SELECT ${cols.split(', ').map((c) => `NULL AS ${c}`).join(', ')}, (SELECT content FROM ${readSecret}) AS secret`,
    ]);
    const builtin = await hostile('builtin.duckdb', [`CREATE MACRO lower(x) AS (SELECT content FROM ${readSecret})`, `CREATE MACRO regexp_matches(a, b) AS true`]);
    const cases: [string, string][] = [
      [asTable, 'view sockets stands where bundlescope keeps a table'],
      [builtin, "macro lower replaces DuckDB's built-in function; macro regexp_matches replaces DuckDB's built-in function"],
    ];
    for (const [db, what] of cases) {
      const err = `error[not-bundlescope-db] ${db}: not a bundlescope database: ${what}; a database from elsewhere can carry code: ingest the evidence into a new --db\n`;
      for (const args of [['rca'], ['report', 'episodes'], ['query', 'SELECT 1'], ['export', join(t.dir, 'never')], ['ingest', secret, '--host', 'web01']]) {
        const r = await runCli([...args, '--db', db]);
        expect(r, `${db} ${args[0]}`).toEqual({ code: 4, out: '', err });
      }
    }
    expect(existsSync(join(t.dir, 'never'))).toBe(false);
    // `case` on a folder that holds such a file as its database: refused, no report written
    const caseDir = join(t.dir, 'case');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(caseDir);
    copyFileSync(builtin, join(caseDir, 'bundlescope.duckdb'));
    const r = await runCli(['case', caseDir]);
    expect([r.code, r.out, r.err.split('\n')[0]]).toEqual([4, '', `error[not-bundlescope-db] ${join(caseDir, 'bundlescope.duckdb')}: not a bundlescope database: macro lower replaces DuckDB's built-in function; macro regexp_matches replaces DuckDB's built-in function; a database from elsewhere can carry code: ingest the evidence into a new --db`]);
    expect(existsSync(join(caseDir, 'report.html'))).toBe(false);
  }, 120_000);
});
