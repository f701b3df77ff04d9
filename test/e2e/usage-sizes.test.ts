/**
 * Issue 17 point 7: usage errors are usage errors. One size parser (plain bytes; k M G T and
 * KiB MiB GiB TiB in 1024s, kB MB GB TB in 1000s) that refuses what it cannot read and 0; whole
 * numbers for --jobs; export writes only into a new or empty folder or its own earlier export;
 * another program's DuckDB file is error[not-bundlescope-db], exit 4; a 1 MB host name exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseSize } from '../../src/validate.js';
import { openStore } from '../../src/store/db.js';
import { runCli as run, SAMPLES, tempDir } from '../helpers.js';

const t = tempDir('bundlescope-usage-sizes-');
afterAll(() => t.cleanup());
const WEB = join(SAMPLES, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz');
const FORMS = 'valid forms: bytes (1048576) or a number and a unit: 10k, 512M, 1.5G, 2T (k M G T and KiB MiB GiB TiB count in 1024s, kB MB GB TB in 1000s)';

describe('sizes', () => {
  it('reads bytes and units as coreutils does', () => {
    const cases: [string, number][] = [
      ['1048576', 1048576], ['10k', 10240], ['10K', 10240], ['512M', 536870912], ['1.5G', 1610612736], ['2T', 2199023255552],
      ['10KiB', 10240], ['1GiB', 1073741824], ['1kB', 1000], ['1GB', 1e9], [' 7 ', 7], ['1b', 1],
    ];
    expect(cases.map(([v]) => parseSize('--max-total-bytes', v))).toEqual(cases.map(([, n]) => n));
    for (const bad of ['abc', '1X', '10 k', '1.5', '-1', '', '0', '0k', '1e3', '99999999999T']) {
      expect(() => parseSize('--max-total-bytes', bad), bad).toThrow(/^--max-total-bytes wants /);
    }
  });

  it('an unreadable size or 0 is a usage error naming the option and the value; nothing is read', async () => {
    const db = join(t.dir, 'sizes.duckdb');
    const abc = await run(['ingest', '--db', db, '--max-total-bytes', 'abc', WEB]);
    expect([abc.code, abc.err]).toEqual([2, `error[bad-size] --max-total-bytes wants a size, got 'abc'; ${FORMS}\n`]);
    const zero = await run(['ingest', '--db', db, '--max-member-bytes', '0', WEB]);
    expect([zero.code, zero.err]).toEqual([2, `error[bad-size] --max-member-bytes wants at least 1 byte (a cap of 0 would refuse everything), got '0'; ${FORMS}\n`]);
    expect(existsSync(db)).toBe(false);
  });

  it('10k and 1k are caps that hold (they were silently 16 GiB and 1 GiB)', async () => {
    const member = await run(['ingest', '--db', join(t.dir, 'member.duckdb'), '--max-member-bytes', '1k', '--verbose', WEB]);
    expect(member.code).toBe(0);
    expect(member.err.split('\n').filter((l) => l.includes('member-too-large')).map((l) => l.replace(/^.*kqwzmab\//, ''))).toEqual([
      'sos_commands/kernel/dmesg: 7166 bytes (expected at most 1024 bytes (limit --max-member-bytes))',
      'var/log/messages: 23941 bytes (expected at most 1024 bytes (limit --max-member-bytes))',
      'sos_commands/networking/ss_-peaonmi: 36477 bytes (expected at most 1024 bytes (limit --max-member-bytes))',
    ]);
    const total = await run(['ingest', '--db', join(t.dir, 'total.duckdb'), '--max-total-bytes', '10k', WEB]);
    expect(total.code).toBe(2);
    expect(total.err).toMatch(/^error\[too-large\] .*kqwzmab\.tar\.xz: .* \(limit --max-total-bytes\)\n/);
  });

  it('--jobs wants a whole number from 1 (ingest and case)', async () => {
    for (const [cmd, v] of [['ingest', 'abc'], ['ingest', '0'], ['case', '1.5'], ['case', '-2']] as const) {
      const r = await run([cmd, '--jobs', v, '--db', join(t.dir, 'jobs.duckdb'), WEB]);
      expect([r.code, r.err], `${cmd} --jobs ${v}`).toEqual([2, `error[bad-number] --jobs wants a whole number from 1, got '${v}'\n`]);
    }
    expect(existsSync(join(t.dir, 'jobs.duckdb'))).toBe(false);
  });
});

describe('databases and exports', () => {
  const db = join(t.dir, 'web.duckdb');
  beforeAll(async () => {
    expect((await run(['ingest', '--db', db, WEB])).code).toBe(0);
  });

  it('--param limit=abc and commander\'s own errors exit 2', async () => {
    const r = await run(['report', 'log_search', '--db', db, '--param', 'limit=abc']);
    expect([r.code, r.err]).toEqual([2, "error[bad-param] --param limit wants an integer, got 'abc'\n"]);
    expect((await run(['ingest', '--bogus', WEB])).code).toBe(2);
    expect((await run(['nosuch'])).code).toBe(2);
    expect((await run(['export'])).code).toBe(2);
  });

  it('another program\'s DuckDB file is error[not-bundlescope-db], exit 4, and stays as it was', async () => {
    const other = join(t.dir, 'shop.duckdb');
    const inst = await DuckDBInstance.create(other);
    const c = await inst.connect();
    await c.run('CREATE TABLE orders (id INTEGER, total DECIMAL(9,2))');
    await c.run('INSERT INTO orders VALUES (1, 9.99)');
    c.closeSync();
    inst.closeSync();
    const line = `error[not-bundlescope-db] ${other}: a DuckDB database of another program (it holds one table or view, orders; no bundlescope_meta table): bundlescope neither reads nor adds to it; give another --db\n`;
    for (const args of [['ingest', '--db', other, WEB], ['rca', '--db', other], ['query', 'SELECT 1', '--db', other], ['export', join(t.dir, 'shop-out'), '--db', other]]) {
      const r = await run(args);
      expect([r.code, r.err], args[0]).toEqual([4, line]);
    }
    expect(existsSync(join(t.dir, 'shop-out'))).toBe(false);
    const again = await DuckDBInstance.create(other, { access_mode: 'READ_ONLY' });
    const c2 = await again.connect();
    expect((await c2.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()")).getRows()).toEqual([['orders']]);
    c2.closeSync();
    again.closeSync();
    // An empty DuckDB file is bundlescope's to fill.
    const empty = join(t.dir, 'empty.duckdb');
    (await DuckDBInstance.create(empty)).closeSync();
    expect((await run(['ingest', '--db', empty, WEB])).code).toBe(0);
  });

  it('export refuses a regular file and a folder of the user\'s, touching nothing', async () => {
    const file = join(t.dir, 'notes.txt');
    writeFileSync(file, 'mine\n');
    const f = await run(['export', file, '--db', db]);
    expect([f.code, f.err]).toEqual([2, `error[export-not-folder] ${file}: exists and is not a folder: export writes a folder of files; give a new or empty folder\n`]);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    const mine = join(t.dir, 'mine');
    mkdirSync(join(mine, 'hosts'), { recursive: true });
    writeFileSync(join(mine, 'hosts', 'plan.txt'), 'keep\n');
    const d = await run(['export', mine, '--db', db]);
    expect([d.code, d.err]).toEqual([2, `error[export-not-empty] ${mine}: holds files that are not a bundlescope export (hosts): export writes only into a new or empty folder or its own earlier export\n`]);
    expect(readdirSync(mine, { recursive: true }).sort()).toEqual(['hosts', 'hosts/plan.txt']);
  });

  it('export writes into its own earlier export, replacing only the files it wrote', async () => {
    const out = join(t.dir, 'out');
    expect((await run(['export', out, '--db', db])).code).toBe(0);
    const marker = JSON.parse(readFileSync(join(out, '.bundlescope-export'), 'utf8'));
    expect([marker.tool, marker.writing, marker.files.includes('hosts/host=web01/data_0.parquet')]).toEqual(['bundlescope', null, true]);
    writeFileSync(join(out, 'README.txt'), 'my notes\n'); // beside the export: kept
    expect((await run(['export', out, '--db', db])).code).toBe(0);
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toBe('my notes\n');
    writeFileSync(join(out, 'hosts', 'mine.txt'), 'x\n'); // where the export writes: refused, nothing removed
    const r = await run(['export', out, '--db', db]);
    expect([r.code, r.err]).toEqual([2, `error[export-not-empty] ${out}: hosts/mine.txt is not a file of the earlier export and stands where this one writes: move it away or export elsewhere\n`]);
    expect(readdirSync(join(out, 'hosts')).sort()).toEqual(['host=web01', 'mine.txt']);
    rmSync(join(out, 'hosts', 'mine.txt'));
    expect((await run(['export', out, '--db', db])).code).toBe(0);
  });

  it('a 1 MB host name exports, under a shortened partition folder, and says so', async () => {
    const big = join(t.dir, 'big.duckdb');
    const host = 'h'.repeat(1 << 20);
    const s = await openStore(big);
    await s.conn.run('INSERT INTO hosts (host) VALUES ($1)', [host]);
    s.close();
    const out = join(t.dir, 'big-out');
    const r = await run(['export', out, '--db', big]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('note: 1 host name too long for a folder name: exported under host=<first 20 characters>~<sha256 prefix> (the database keeps it whole)\n');
    expect(readdirSync(join(out, 'hosts'))).toEqual([`host=${'h'.repeat(20)}~${createHash('sha256').update(host).digest('hex').slice(0, 16)}`]);
  });
});
