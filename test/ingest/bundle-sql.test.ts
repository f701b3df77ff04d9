/**
 * Large syslog members of a sosreport go through the SQL of the syslog fast path
 * (prepareSyslogMember / loadSyslogMember): the bundle must give exactly the tables the line parser
 * gives, and a member with a line the SQL does not read falls back to the line parser inside the
 * same bundle transaction with nothing of the attempt left.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { memberOnDisk, treeFromArchive } from '../../src/bundle/tree.js';
import { SafetyError } from '../../src/errors.js';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { prepareSyslogMember } from '../../src/formats/syslog/sql-loader.js';
import { app02, db01, web01 } from '../../src/samples/generate.js';
import { sosreportEntries } from '../../src/samples/sos.js';
import { makeTarball } from '../../src/samples/tarball.js';
import { sqlPaths, storedTables, tempDir, withoutLoadPath } from '../helpers.js';
import { ODD_3164, syslogLine } from '../formats/syslog-shapes.js';

const t = tempDir('bundlescope-bsql-');
afterAll(() => t.cleanup());
let n = 0;

async function bundle(make: typeof web01, extra: string[]): Promise<string> {
  const { spec } = make();
  spec.messages = [...extra, ...spec.messages];
  const name = `sosreport-${spec.host}-2026-03-12-bsql${String(++n).padStart(3, '0')}`;
  const file = join(t.dir, `${name}.tar.xz`);
  writeFileSync(file, await makeTarball(sosreportEntries(spec, name), 'xz'));
  return file;
}

/**
 * Ingests the bundle with every syslog member through SQL and with none; compares everything
 * stored. `took`: members loaded through SQL and members that fell back, the first time.
 */
async function both(file: string) {
  const a = await openStore(join(t.dir, `sql${n}.duckdb`));
  const b = await openStore(join(t.dir, `js${n}.duckdb`));
  try {
    const sa = await ingestPaths(a, [file], { sqlMemberMinBytes: 0 });
    const took = [sqlPaths(sa).loaded, sqlPaths(sa).declined];
    const sb = await ingestPaths(b, [file], { sqlMemberMinBytes: Infinity });
    expect(sqlPaths(sb)).toEqual({ loaded: 0, declined: 0, reasons: [] });
    expect(sa.map(withoutLoadPath)).toEqual(sb);
    const [ta, tb] = [await storedTables(a, true), await storedTables(b, true)];
    expect(ta).toEqual(tb);
    // No temporary table is left behind.
    expect((await a.conn.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE temporary")).getRows()).toEqual([[0n]]);
    return { ta, sa, took };
  } finally {
    a.close();
    b.close();
  }
}

describe('large syslog members of a bundle through SQL', () => {
  const shapes = ODD_3164.filter((l) => !l.includes('kern.info'));

  it('give the line parser\'s tables: the three sample bundles, with every RFC 3164 header shape', async () => {
    // var/log/messages; and the journalctl text of the sos 4.x bundles (app02's starts with a
    // "-- Logs begin at … --" line).
    for (const [make, members] of [[web01, 1], [app02, 2], [db01, 2]] as const) {
      const { ta, sa, took } = await both(await bundle(make, shapes));
      expect(took).toEqual([members, 0]);
      expect(sa[0]!.status).toBe('loaded');
      expect(ta.log_events!.length).toBeGreaterThan(shapes.length);
      // The overflow lines of the shapes and of the sample itself are classified.
      expect(ta.overflow_events!.length).toBeGreaterThan(4);
    }
  });

  it('take wrapped lines, blank lines and journalctl separators', async () => {
    const extra = [...shapes.slice(0, 6), '  wrapped onto the next line', '', '-- Boot 0123456789abcdef0123456789abcdef --', '\tand a tab one',
      ...shapes.slice(6), '-- Reboot --', ...shapes.slice(0, 3)];
    const { ta, took } = await both(await bundle(web01, extra));
    expect(took).toEqual([1, 0]);
    expect(ta.log_events!.find((r) => String(r[11]).endsWith('wrapped onto the next line and a tab one'))?.[3]).toBeNull();
    expect(ta.log_events!.filter((r) => r[3] === '0123456789abcdef0123456789abcdef').length).toBe(shapes.length - 6);
  });

  it('fall back to the line parser, inside the bundle, when a line is not read by the SQL', async () => {
    // An OpenWrt facility.level token and a local time the zone skips (web01: America/Chicago).
    const { spec } = web01();
    expect(spec.tz).toBe('America/Chicago');
    for (const odd of ['Jan  1 00:00:13 kern.warn kernel: facility.level token', 'Mar  8 02:30:00 web01 app: in the DST gap']) {
      const { ta, took } = await both(await bundle(web01, [...shapes, odd]));
      expect(took).toEqual([0, 1]);
      expect(ta.log_events!.some((r) => String(r[11]).includes(odd.slice(-12)))).toBe(true);
    }
  });

  it('give the line parser\'s tables on generated messages, in the bundle\'s own zone (property)', async () => {
    // web01 is in America/Chicago, app02 and db01 in other zones: local times across DST, the
    // RFC 3164 year from the bundle's collection date, the bundle's host on every row.
    let members = 0;
    await fc.assert(fc.asyncProperty(fc.array(syslogLine, { minLength: 1, maxLength: 20 }), fc.constantFrom(web01, app02, db01),
      async (lines, make) => {
        const { took } = await both(await bundle(make, lines));
        members += took[0]!;
      }), { numRuns: 12, seed: 2026 });
    expect(members).toBeGreaterThan(0); // (some runs fall back: that the fallback gives the same tables is checked too)
  }, 120_000);

  it('leave small members and grouped bundles to the line parser', async () => {
    const files = [await bundle(web01, shapes), await bundle(app02, shapes)];
    const s = await openStore(join(t.dir, 'group.duckdb'));
    try {
      // Default threshold (2 MiB): the sample members are far smaller.
      const first = await ingestPaths(s, [files[0]!]);
      expect(first.map((x) => x.status)).toEqual(['loaded']);
      expect(sqlPaths(first)).toEqual({ loaded: 0, declined: 0, reasons: [] });
      // Two small archives share one transaction: no SQL member (its table would be read on one core).
      const again = [await bundle(db01, shapes), await bundle(web01, [])];
      const grouped = await ingestPaths(s, again, { sqlMemberMinBytes: 0 });
      expect(grouped.map((x) => x.status)).toEqual(['loaded', 'loaded']);
      expect(sqlPaths(grouped)).toEqual({ loaded: 0, declined: 0, reasons: [] });
    } finally {
      s.close();
    }
  });

  it('are handed to DuckDB in pieces cut at line ends, numbered in order', async () => {
    const s = await openStore(join(t.dir, 'pieces.duckdb'));
    try {
      const ctx = { file: 'x', host: 'web01', tz: 'UTC', referenceTimeMs: Date.UTC(2026, 2, 12) };
      const lines = shapes.map((l, i) => `${l} #${i}`);
      for (const [text, pieceBytes] of [[lines.join('\n') + '\n', 100], [lines.join('\n'), 37], [lines.join('\n'), 1], [lines[0]!, 5]] as const) {
        const scan = await prepareSyslogMember(s.conn, 'pieces_test', Buffer.from(text), ctx, pieceBytes);
        const want = text.replace(/\n$/, '').split('\n');
        expect(scan).toEqual({ fits: true, lines: want.length, digitStarts: 0, dashStarts: 0, contStarts: 0, repeatSummaries: false });
        const got = (await s.conn.runAndReadAll('SELECT n, line FROM temp.pieces_test ORDER BY n')).getRows();
        expect(got).toEqual(want.map((l, i) => [BigInt(i + 1), l]));
      }
      // Bytes that do not fit prepare nothing, and say why.
      expect(await prepareSyslogMember(s.conn, 'pieces_bad', Buffer.from('Jan  1 00:00:00 a b: c\n<4>a PRI\n'), ctx))
        .toEqual({ declined: 'not only plain RFC 3164 / RFC 3339 lines (a PRI prefix, NUL, CR, \\x1f or invalid UTF-8)' });
      expect(await prepareSyslogMember(s.conn, 'pieces_bad', Buffer.from('Jan  1 00:00:00 a b: c\n'), { ...ctx, referenceTimeMs: null }))
        .toEqual({ declined: 'no reference time for the RFC 3164 year' });
    } finally {
      s.close();
    }
  });
});

/** Members the archive reader wrote to this process's temporary folder and did not remove. */
function leftOnDisk(): string[] {
  const mine = readdirSync(tmpdir()).filter((d) => d.startsWith(`bundlescope-${process.pid}-`));
  return mine.flatMap((d) => readdirSync(join(tmpdir(), d)).filter((f) => f.startsWith('bundle-member-')));
}

describe('large members stay on disk (memberOnDisk): read by path, never held whole', () => {
  const shapes = ODD_3164.filter((l) => !l.includes('kern.info'));
  afterAll(() => {
    memberOnDisk.minBytes = 8 * 1024 * 1024;
  });

  /** The bundle with a gzip'd rotated messages file beside the current one. */
  async function withRotated(make: typeof web01, extra: string[]): Promise<{ file: string; entries: { path: string; content?: string | Buffer }[] }> {
    const { spec } = make();
    spec.messages = [...extra, ...spec.messages];
    const name = `sosreport-${spec.host}-2026-03-12-disk${String(++n).padStart(3, '0')}`;
    const entries = sosreportEntries(spec, name);
    const rotated = spec.messages.slice(0, 8).map((l) => l.replace(/^Mar/, 'Feb')).join('\n') + '\n';
    entries.push({ path: `${name}/var/log/messages-20260301.gz`, content: gzipSync(rotated) });
    const file = join(t.dir, `${name}.tar.xz`);
    writeFileSync(file, await makeTarball(entries, 'xz'));
    return { file, entries };
  }

  async function ingestWith(file: string, onDisk: number, sqlMin: number) {
    memberOnDisk.minBytes = onDisk;
    const s = await openStore(join(t.dir, `disk${++n}.duckdb`));
    try {
      const sums = await ingestPaths(s, [file], { sqlMemberMinBytes: sqlMin });
      return { sums, tables: await storedTables(s, true), sources: (await s.conn.runAndReadAll("SELECT path, bytes FROM sources WHERE path LIKE '%/var/log/%' ORDER BY path")).getRows() };
    } finally {
      memberOnDisk.minBytes = 8 * 1024 * 1024;
      s.close();
    }
  }

  it('an archive\'s members on disk through SQL, on disk through the line parser, and in memory give the same tables (three bundles, a gzip\'d rotated file)', async () => {
    for (const make of [web01, app02, db01]) {
      const { file } = await withRotated(make, shapes);
      const held = await ingestWith(file, Infinity, 0); // in memory, through SQL (today's path for 2 MiB+ members)
      const diskSql = await ingestWith(file, 0, 0);
      const diskJs = await ingestWith(file, 0, Infinity);
      expect(diskSql.tables).toEqual(held.tables);
      expect(diskJs.tables).toEqual(held.tables);
      expect(diskSql.sums.map(withoutLoadPath)).toEqual(diskJs.sums.map(withoutLoadPath));
      // Every syslog member (messages, the rotated .gz, journalctl text) went through SQL from disk, none declined.
      const members = held.tables.sources!.filter((r) => r[1] === 'syslog').length;
      expect(members).toBeGreaterThanOrEqual(2);
      expect(sqlPaths(diskSql.sums)).toEqual({ loaded: members, declined: 0, reasons: [] });
      expect(sqlPaths(diskJs.sums)).toEqual({ loaded: 0, declined: 0, reasons: [] });
      // bytes: the member as stored (the .gz one compressed) when on disk
      const gz = diskSql.sources.find((r) => String(r[0]).endsWith('.gz'))!;
      expect(Number(gz[1])).toBeLessThan(Number(held.sources.find((r) => String(r[0]).endsWith('.gz'))![1]));
      expect(leftOnDisk()).toEqual([]);
    }
  });

  it('a member that cannot be written to the temporary folder fails the archive with temp-write-failed, not as a damaged archive', async () => {
    const { file } = await withRotated(web01, shapes);
    const err = await treeFromArchive(file, () => true, undefined, { spill: () => join(t.dir, 'no-such-folder', 'member') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetyError);
    expect([(err as SafetyError).code, (err as SafetyError).file]).toEqual(['temp-write-failed', file]);
    expect((err as Error).message).toMatch(/^cannot write the member .+ to the temporary folder \(ENOENT.*\); give TMPDIR a folder with room/);
  });

  it('a member the SQL does not read falls back to the line parser from disk, with a note; an extracted folder\'s large files are read by path too', async () => {
    const odd = 'Mar  8 02:30:00 web01 app: in the DST gap'; // web01: America/Chicago
    const { file, entries } = await withRotated(web01, [...shapes, odd]);
    const held = await ingestWith(file, Infinity, 0);
    const disk = await ingestWith(file, 0, 0);
    expect(disk.tables).toEqual(held.tables);
    expect(sqlPaths(disk.sums).declined).toBe(1);
    expect(sqlPaths(disk.sums).reasons[0]).toMatch(/lines the SQL path does not read/);
    expect(disk.tables.log_events!.some((r) => String(r[11]).includes('in the DST gap'))).toBe(true);
    expect(leftOnDisk()).toEqual([]);
    // The same bundle extracted: its files are read where they are (SQL by path).
    const dir = join(t.dir, `extracted${++n}`);
    mkdirSync(dir);
    execFileSync('tar', ['-xJf', file, '-C', dir]);
    const root = join(dir, entries[0]!.path.split('/')[0]!);
    const folder = await ingestWith(root, 0, 0);
    expect(folder.tables).toEqual(held.tables);
    expect(sqlPaths(folder.sums).loaded).toBe(sqlPaths(disk.sums).loaded);
    // A rerun of the unchanged folder is a no-op (its sha256 covers the files read by path); a changed one is not.
    memberOnDisk.minBytes = 0;
    const s = await openStore(join(t.dir, `rerun${n}.duckdb`));
    try {
      expect((await ingestPaths(s, [root])).map((x) => x.status)).toEqual(['loaded']);
      expect((await ingestPaths(s, [root])).map((x) => x.status)).toEqual(['unchanged']);
      const copy = join(t.dir, `changed${n}`);
      cpSync(root, copy, { recursive: true });
      writeFileSync(join(copy, 'var/log/messages-20260301.gz'), gzipSync('Feb 28 10:00:00 web01 app: another line\n'));
      expect((await ingestPaths(s, [copy])).map((x) => x.status)).not.toEqual(['unchanged']);
    } finally {
      memberOnDisk.minBytes = 8 * 1024 * 1024;
      s.close();
    }
  });
});
