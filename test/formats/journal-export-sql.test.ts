/**
 * The staged SQL path for `journalctl -o export` files (src/formats/journal-export/sql-loader.ts,
 * stage.ts), plain or gzip'd, must give the same tables, issues and totals as the parser alone,
 * which an xz'd copy of the same file goes through: on hand-made odd entries, under the three host rules, on random
 * files (property), on parts small enough that one file makes several INSERTs, and on the real
 * export files of the corpus.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import lzma from 'lzma-native';
import { openStore } from '../../src/store/db.js';
import { ingestPaths, type IngestOptions } from '../../src/ingest/ingest.js';
import { ExportStage } from '../../src/formats/journal-export/stage.js';
import { EXPORT_STAGE, journalExportSqlLoader } from '../../src/formats/journal-export/sql-loader.js';
import { createJournalExportParser } from '../../src/formats/journal-export/parser.js';
import { REALWORLD as REAL, describeRealworld, sqlPaths, storedTables, tempDir, withoutLoadPath } from '../helpers.js';

const t = tempDir('bundlescope-xfast-');
afterAll(() => t.cleanup());
let n = 0;

const BOOT = '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b';
const T0 = 1773061331000000;
const enc = new TextEncoder();
const le64 = (k: number) => {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(k, 0);
  return b;
};
/** One field: text (`KEY=value`) unless the value is bytes (a binary field). */
const field = (k: string, v: string | Uint8Array): Buffer =>
  typeof v === 'string' ? Buffer.from(`${k}=${v}\n`, 'utf8') : Buffer.concat([Buffer.from(`${k}\n`), le64(v.length), v, Buffer.from('\n')]);
type Fields = [string, string | Uint8Array][];
const entry = (fields: Fields): Buffer => Buffer.concat([...fields.map(([k, v]) => field(k, v)), Buffer.from('\n')]);
const base = (i: number): Fields => [['__CURSOR', `s=1;i=${i}`], ['__REALTIME_TIMESTAMP', String(T0 + i * 1_000_000)],
  ['__MONOTONIC_TIMESTAMP', String(8_000_000 + i)], ['_BOOT_ID', BOOT]];
const kernel = (i: number, msg: string | Uint8Array, extra: Fields = []): Buffer => entry([...base(i), ['_TRANSPORT', 'kernel'],
  ['SYSLOG_IDENTIFIER', 'kernel'], ['PRIORITY', '4'], ['SYSLOG_FACILITY', '0'], ['_SOURCE_MONOTONIC_TIMESTAMP', String(7_000_000 + i)], ...extra, ['MESSAGE', msg]]);
const app = (i: number, msg: string | Uint8Array, extra: Fields = []): Buffer => entry([...base(i), ['_TRANSPORT', 'stdout'],
  ['SYSLOG_IDENTIFIER', 'app'], ['_PID', '812'], ['_COMM', 'app-bin'], ['_SYSTEMD_UNIT', 'app.service'], ['PRIORITY', '6'], ...extra, ['MESSAGE', msg]]);
const b = (s: string) => Buffer.from(s, 'utf8');

/** Odd entries among ordinary ones; `hosts` gives per-entry _HOSTNAME values. */
function oddExport(hosts: (i: number) => string | undefined): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  const h = (k: number): Fields => (hosts(k) === undefined ? [] : [['_HOSTNAME', hosts(k)!]]);
  const push = (x: Buffer | string) => out.push(typeof x === 'string' ? Buffer.from(x, 'latin1') : x); // (strings: bytes as latin1)
  push(kernel(++i, 'TCP: time wait bucket table overflow', h(i)));
  push(app(++i, 'plain', h(i)));
  push(app(++i, Buffer.from([98, 97, 100, 32, 255]), h(i))); // bytes, not UTF-8
  push(kernel(++i, b('TCP: time wait bucket table overflow'), h(i))); // a signature as a binary field
  push(kernel(++i, 'net_ratelimit: 3 callbacks suppressed', h(i)));
  push(app(++i, 'first', [...h(i), ['MESSAGE', 'again']])); // repeated MESSAGE (the first counts)
  push(app(++i, 'repeated ident', [...h(i), ['SYSLOG_IDENTIFIER', 'two']]));
  push(entry([...base(++i), ...h(i), ['_TRANSPORT', 'syslog'], ['SYSLOG_IDENTIFIER', 'sshd']])); // no MESSAGE
  push(entry([...base(++i), ...h(i), ['MESSAGE', 'bad time'], ['__REALTIME_TIMESTAMP', 'x']]).toString('latin1').replace(/__REALTIME_TIMESTAMP=\d+\n/, '__REALTIME_TIMESTAMP=soon\n'));
  push(entry([['__REALTIME_TIMESTAMP', '99999999999999999'], ...h(++i), ['MESSAGE', 'too big for a safe integer']]));
  push(entry([['__REALTIME_TIMESTAMP', '9100000000000000'], ...h(++i), ['MESSAGE', 'a safe integer the stage sends back']]));
  push(entry([['__REALTIME_TIMESTAMP', '0001773061331000000'], ...h(++i), ['MESSAGE', 'leading zeros, 19 digits']]));
  push(entry([['__REALTIME_TIMESTAMP', '00017730613310000'], ...h(++i), ['MESSAGE', 'leading zeros, 17 digits']]));
  push(app(++i, Buffer.from('x\0y'), h(i))); // NUL in the message (binary)
  push(app(++i, 'x\0y text', h(i))); // NUL in a text line
  push(app(++i, 'numeric priority', [...h(i), ['PRIORITY', '04']]));
  push(app(++i, 'empty strings', [...h(i), ['SYSLOG_IDENTIFIER', ''], ['_SYSTEMD_UNIT', '']]).toString('latin1')
    .replace('SYSLOG_IDENTIFIER=app\n', '').replace('_SYSTEMD_UNIT=app.service\n', ''));
  push(app(++i, '', h(i))); // an empty MESSAGE
  push(app(++i, 'pid fallbacks', [...h(i), ['SYSLOG_PID', '4242']]).toString('latin1').replace('_PID=812\n', '_PID=x\n'));
  push(kernel(++i, 'kernel has no pid even with _PID', [...h(i), ['_PID', '1']]));
  push(entry([...base(++i), ...h(i), ['MESSAGE', 'no ident, comm only'], ['_COMM', 'cron']]));
  push(app(++i, 'ünïcödé ✓ and "quotes" and \\ backslash and\ttab', h(i)));
  push(app(++i, '\uFEFFa BOM first', h(i)));
  push(app(++i, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b('BOM first, binary')]), h(i)));
  push(app(++i, Buffer.from('latin1 caf\xe9 in a text line', 'latin1'), h(i)).toString('latin1').replace(/\nMESSAGE\n[^]{8}/, '\nMESSAGE='));
  push(app(++i, b('\x1b[1mbold\x1b[0m ANSI'), h(i))); // valid UTF-8 bytes: staged
  push(app(++i, b('two\nlines'), h(i))); // a newline in a binary field
  push(app(++i, b('carriage\rreturn'), h(i)));
  push(app(++i, 'unit \x1f separator', h(i)));
  push(app(++i, 'a unit that is read_csv\'s NULL', [...h(i), ['_SYSTEMD_UNIT', '\x02']]).toString('latin1').replace('_SYSTEMD_UNIT=app.service\n', ''));
  push(entry([...base(++i), ...h(i), ['_SOURCE_MONOTONIC_TIMESTAMP', '9007199254740991'], ['MESSAGE', 'largest safe monotonic']]));
  push(entry([...base(++i), ...h(i), ['_SOURCE_MONOTONIC_TIMESTAMP', '9007199254740993'], ['MESSAGE', 'monotonic past 2^53: the other one']]));
  push(entry([...base(++i), ...h(i), ['_SOURCE_MONOTONIC_TIMESTAMP', '00009007199254740'], ['_PID', '2147483648'], ['SYSLOG_PID', '2147483647'], ['MESSAGE', '17 digits, a pid past the limit']]));
  push(app(++i, 'priority out of range', [...h(i), ['SYSLOG_FACILITY', '300']]).toString('latin1').replace('PRIORITY=6', 'PRIORITY=9'));
  push(kernel(++i, 'nf_conntrack: table full, dropping packet', h(i)));
  push(kernel(++i, 'net_ratelimit: 12 callbacks suppressed', h(i)));
  push(entry([...base(++i), ...h(i), ['MESSAGE', 'TCP: too many orphaned sockets']])); // no ident, no transport: a kernel line
  push(entry([...base(++i), ...h(i), ['_SOURCE_MONOTONIC_TIMESTAMP', 'x'], ['MESSAGE', 'bad source monotonic']]));
  push(app(++i, 'a host in binary', [['_HOSTNAME', b('bin01')]]));
  push('bad key=spliced line\n'); // a bad-field line between entries
  push(app(++i, 'after a bad line', h(i)));
  push(Buffer.concat([b('__REALTIME_TIMESTAMP=1773061399000000\nMESSAGE\n'), le64(2 ** 30), b('never there\n\n')])); // too large: dropped, resync
  push(app(++i, 'after the resync', h(i)));
  return Buffer.concat(out);
}

/**
 * The plain file and a gzip'd copy through the staged path, an xz'd copy through the parser alone:
 * the same stored tables, summaries and issues.
 */
async function both(data: Buffer, opts: IngestOptions = {}, partBytes?: number) {
  const plain = join(t.dir, `x${++n}.export`);
  const gz = join(t.dir, `x${n}.export.gz`);
  const xz = join(t.dir, `x${n}.export.xz`);
  writeFileSync(plain, data);
  writeFileSync(gz, gzipSync(data));
  writeFileSync(xz, await lzma.compress(data, { preset: 1 }));
  const a = await openStore(join(t.dir, `fast${n}.duckdb`));
  const g = await openStore(join(t.dir, `gz${n}.duckdb`));
  const c = await openStore(join(t.dir, `js${n}.duckdb`));
  const old = EXPORT_STAGE.partBytes;
  try {
    if (partBytes) EXPORT_STAGE.partBytes = partBytes;
    const opt = { ...opts, as: 'journal-export' };
    const sa = await ingestPaths(a, [plain], opt);
    expect(sqlPaths(sa)).toEqual({ loaded: 1, declined: 0, reasons: [] });
    const sg = await ingestPaths(g, [gz], opt);
    expect(sqlPaths(sg)).toEqual({ loaded: 1, declined: 0, reasons: [] });
    const sb = await ingestPaths(c, [xz], opt);
    expect(sqlPaths(sb)).toEqual({ loaded: 0, declined: 0, reasons: [] }); // the xz'd one took the parser alone
    const strip = (s: typeof sa) => s.map(withoutLoadPath).map((x) => ({ ...x, path: '', issues: x.issues.map((i) => ({ ...i, file: '' })) }));
    expect(strip(sa)).toEqual(strip(sb));
    expect(strip(sg)).toEqual(strip(sb));
    const [ta, tg, tb] = [await storedTables(a), await storedTables(g), await storedTables(c)];
    expect(ta).toEqual(tb);
    expect(tg).toEqual(tb);
    expect((await ingestPaths(a, [plain], opt)).map((s) => s.status)).toEqual(['unchanged']);
    expect((await ingestPaths(g, [gz], opt)).map((s) => s.status)).toEqual(['unchanged']);
    return { ta, sa };
  } finally {
    EXPORT_STAGE.partBytes = old;
    a.close();
    g.close();
    c.close();
  }
}

describe('journal export through staged read_csv', () => {
  it('gives the parser\'s tables on odd entries (host from the first _HOSTNAME)', async () => {
    const { ta, sa } = await both(oddExport((i) => (i % 3 ? 'web01.example.com' : undefined)));
    expect(ta.log_events!.length).toBe(40);
    expect(ta.overflow_events!.map((r) => [r[3], r[4], r[5]])).toEqual([
      ['tcp_timewait_overflow', 1, false], ['tcp_timewait_overflow', 1, false], ['tcp_timewait_overflow', 3, true],
      ['conntrack_table_full', 1, false], ['conntrack_table_full', 12, true], ['tcp_orphan_overflow', 1, false],
    ]);
    // ('soon', 17 digits over 2^53, 9.1·10^15 over 2^53, 19 digits; 17 digits with leading zeros is a time)
    expect(sa[0]!.issues.map((i) => [i.code, i.line])).toEqual([['no-message', 91], ['bad-timestamp', 99], ['bad-timestamp', 106],
      ['bad-timestamp', 110], ['bad-timestamp', 114], ['bad-field', 430], ['field-too-large', 445]]);
    expect(sa[0]!.skipped).toBe(2);
  });

  it('the same with --host', async () => {
    await both(oddExport((i) => (i % 2 ? 'db01' : 'db02.example.com')), { host: 'Web07.example.com' });
  });

  // (a _HOSTNAME in the first 64 KiB is the file's host, which every entry then takes: the
  // padding leaves the host to each entry)
  it('the same with per-entry hosts, some that need care, and none at all', async () => {
    const pad = Buffer.concat(Array.from({ length: 300 }, (_, i) => app(100_000 + i, `padding ${'.'.repeat(200)}`)));
    const { ta } = await both(Buffer.concat([pad, oddExport((i) => [undefined, 'db01.example.com', '10.0.0.1', 'fe80::1', '.lead', '..', 'a/b', '%x', '', 'é.x', '...', 'x\\y'][i % 12])]));
    expect(new Set(ta.log_events!.map((r) => r[0]))).toEqual(new Set([null, 'db01', '10.0.0.1', 'fe80::1', '.lead', '%2E%2E', 'a%2Fb', '%25x', '', 'é', '...', 'x%5Cy', 'bin01']));
    await both(oddExport(() => undefined));
  });

  it('the same when one file makes many parts (an INSERT each, while the parser reads on)', async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 3000; i++) {
      parts.push(i % 500 === 7 ? kernel(i + 1, 'TCP: time wait bucket table overflow', [['_HOSTNAME', 'web01']])
        : i % 97 === 3 ? app(i + 1, b(`bytes ${i}\nsecond line`), [['_HOSTNAME', 'web01']])
          : app(i + 1, `text ${i} ${'x'.repeat(i % 50)}`, [['_HOSTNAME', `web0${i % 3}`]]));
    }
    const { ta } = await both(Buffer.concat(parts), {}, 4096);
    expect(ta.log_events!.length).toBe(3000);
    expect(ta.overflow_events!.length).toBe(6);
  });

  it('property: random files of fields, binary fields, bad lines and cut ends give the parser\'s tables', async () => {
    const value = fc.oneof(
      fc.constantFrom('x', '', 'TCP: time wait bucket table overflow', 'ünï', '\uFEFFbom', 'a\tb', 'web01.example.com', '12', '1773061331000000', '0', '..', 'a/b'),
      fc.string({ maxLength: 12 }),
    );
    const key = fc.constantFrom('MESSAGE', '__REALTIME_TIMESTAMP', '_HOSTNAME', 'PRIORITY', '_PID', 'SYSLOG_IDENTIFIER', '_TRANSPORT', '_BOOT_ID', '__CURSOR', 'OTHER_FIELD');
    const piece = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(key, value).map(([k, v]) => Buffer.from(`${k}=${v.replace(/\n/g, ' ')}\n`, 'utf8')) },
      { weight: 2, arbitrary: fc.tuple(key, fc.uint8Array({ maxLength: 10 })).map(([k, v]) => Buffer.concat([b(`${k}\n`), le64(v.length), Buffer.from(v), b('\n')])) },
      { weight: 3, arbitrary: fc.constant(b('\n')) },
      { weight: 1, arbitrary: fc.constantFrom(b('bad key=1\n'), b('MESSAGE\n\x05\0\0'), b('MESSAGE=\xff\xfe\n'), b('\r\n')) },
    );
    const files: Buffer[] = [];
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 40 }), (ps) => {
      files.push(Buffer.concat(ps));
    }), { numRuns: 25, seed: 21 });
    for (const f of files) await both(f);
  }, 60_000);

  it('declines, leaving nothing behind, when the staged parts cannot be written: the parser reads the file', async () => {
    const data = oddExport(() => 'web01');
    const file = join(t.dir, `decl${++n}.export`);
    writeFileSync(file, data);
    const prepare = journalExportSqlLoader.prepare;
    const a = await openStore(join(t.dir, `decl${n}.duckdb`));
    const c = await openStore(join(t.dir, `declref${n}.duckdb`));
    try {
      journalExportSqlLoader.prepare = async (conn, input, ctx) => {
        const p = await prepare(conn, input, ctx);
        return 'dir' in p ? { ...p, dir: join(t.dir, 'no', 'such', 'folder') } : p;
      };
      const sa = await ingestPaths(a, [file], { as: 'journal-export' });
      expect(sqlPaths(sa)).toMatchObject({ loaded: 0, declined: 1 });
      expect(sa[0]!.issues.at(-1)).toMatchObject({ code: 'fast-path-declined' });
      expect(sa[0]!.issues.at(-1)!.text).toMatch(/^the staged entries could not be written/);
      journalExportSqlLoader.prepare = prepare;
      const xz = join(t.dir, `decl${n}.export.xz`);
      writeFileSync(xz, await lzma.compress(data, { preset: 1 }));
      await ingestPaths(c, [xz], { as: 'journal-export' });
      expect(await storedTables(a)).toEqual(await storedTables(c));
    } finally {
      journalExportSqlLoader.prepare = prepare;
      a.close();
      c.close();
    }
  });

  it('declines a gzip\'d file cut short: the parser keeps what it could read and says so', async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 4000; i++) parts.push(app(i + 1, `text ${i} ${'x'.repeat(i % 80)}`, [['_HOSTNAME', 'web01']]));
    const gz = gzipSync(Buffer.concat(parts));
    const file = join(t.dir, `cut${++n}.export.gz`);
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const a = await openStore(join(t.dir, `cut${n}.duckdb`));
    try {
      const sa = await ingestPaths(a, [file], { as: 'journal-export' });
      expect(sqlPaths(sa)).toMatchObject({ loaded: 0, declined: 1 });
      // (the entry the cut falls in has no MESSAGE yet: the parser's issue)
      expect(sa[0]!.issues.map((i) => i.code)).toEqual(['no-message', 'truncated-input', 'fast-path-declined']);
      expect(sa[0]!.issues.at(-1)!.text).toMatch(/^damaged gzip data/);
      const [rows, partial] = (await a.conn.runAndReadAll('SELECT (SELECT count(*) FROM log_events), (SELECT bool_and(partial) FROM sources)')).getRows()[0]!;
      expect(Number(rows)).toBeGreaterThan(1000);
      expect(Number(rows)).toBeLessThan(4000);
      expect(partial).toBe(true);
    } finally {
      a.close();
    }
  });

  it('the stage writes an entry only when all its kept fields fit (unit)', () => {
    const stage = new ExportStage(true, null);
    const p = createJournalExportParser({ file: 'x', host: null, tz: 'UTC', tzAssumed: false, referenceTimeMs: 0, bootTimeMs: null, snapshotTs: null, snapshotQuality: 'collection-time', netns: null } as never, stage);
    p.chunk(Buffer.concat([app(1, 'fine', [['_HOSTNAME', 'web01']]), app(2, b('two\nlines'), [['_HOSTNAME', 'web01']])]));
    p.end();
    expect(p.drain().map((r) => r.message)).toEqual(['two\nlines']);
    expect(stage.rows).toBe(1);
    const line = stage.take().toString('utf8').split('\x1f');
    expect(line[0]).toBe('1');
    expect(line).toContain('fine');
  });
});

describeRealworld('real export files through the staged path', () => {
  it('give the parser\'s tables', async () => {
    const files = ['systemd/elastic-beats/journal1.export', 'systemd/elastic-beats/multiple-boots.export',
      'systemd/test/journal-data/journal-1.txt', 'systemd/test/journal-data/journal-2.txt',
      ...readdirSync(REAL + 'systemd/test/fuzz/fuzz-journal-remote/').map((f) => 'systemd/test/fuzz/fuzz-journal-remote/' + f)];
    for (const f of files) await both(readFileSync(REAL + f));
  }, 120_000);
});
