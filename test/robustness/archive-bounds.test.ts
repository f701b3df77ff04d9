import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { autoDecompress, ZstdFrameGuard } from '../../src/io/decompress.js';
import { folderStream, Tree, treeFromArchive } from '../../src/bundle/tree.js';
import { findSosRoot, wantedMember } from '../../src/bundle/sosreport.js';
import { SafetyError } from '../../src/errors.js';
import { DEFAULT_TAR_LIMITS, nameProblem } from '../../src/bundle/tar.js';
import { Readable } from 'node:stream';
import {
  BOMB_LINE, HUGE_WINDOW, runChild, tarMember, writeDeepPathTar, writePaxNameBomb, writeTarZstBomb, writeZstdLogBomb, zstdFrame,
} from './archive-inputs.js';
import { ingestInto, REPO, rows, runCli, tempDir } from './helpers.js';

const R = 'sosreport-web01-2026-03-12-abcdefg';
/** Peak RSS allowed to a child ingesting one of these inputs (node + DuckDB alone take ~120 MB). */
const RSS_BOUND_MB = 400;

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist/cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
}, 120_000);

describe('zstd frames claiming huge windows are refused before any allocation', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('the 3 kB .log.zst and the 16 kB .tar.zst (1.9 GB windows) fail with one line each; the good file loads; the child stays under 400 MB', async () => {
    const logBomb = join(t.dir, 'kern.log.zst');
    const tarBomb = join(t.dir, `${R}.tar.zst`);
    const good = join(t.dir, 'good.log');
    writeZstdLogBomb(logBomb);
    writeTarZstBomb(tarBomb, R);
    writeFileSync(good, BOMB_LINE(7));
    const r = await runChild(REPO, ['ingest', '--db', join(t.dir, 'z.duckdb'), logBomb, tarBomb, good]);
    const line = (f: string) => `error[zstd-window] ${f}: zstd frame at byte 0 asks for a 1920 MiB window (${HUGE_WINDOW} bytes); at most 128 MiB is allowed (limit --max-zstd-window)`;
    expect(r.err.split('\n').filter((l) => l.includes('error['))).toEqual([line(logBomb), line(tarBomb)]);
    expect(r.err).toMatch(/^total: 3 inputs, 1 ok, 2 failed; 2 rows; 0 lines skipped$/m);
    expect(r.code).toBe(3);
    expect(r.maxRssMB).toBeLessThan(RSS_BOUND_MB);
    const q = await runCli(['query', 'SELECT path FROM sources ORDER BY ALL', '--db', join(t.dir, 'z.duckdb'), '--format', 'csv']);
    expect(q.out).toBe(`path\n${good}\n`);
  });

  it('a lower --max-zstd-window refuses a 256 KiB window; the size must be a size (usage error, exit 2)', async () => {
    const f = join(t.dir, 'w.log.zst');
    writeFileSync(f, zstdFrame([{ raw: Buffer.from(BOMB_LINE(1)) }], 0x40 /* 2^18 */));
    const ok = await runCli(['ingest', '--db', join(t.dir, 'w1.duckdb'), f]);
    expect(ok.code).toBe(0);
    const refused = await runCli(['ingest', '--db', join(t.dir, 'w2.duckdb'), '--max-zstd-window', '128k', f]);
    expect(refused.err).toContain(`error[zstd-window] ${f}: zstd frame at byte 0 asks for a 0.3 MiB window (262144 bytes); at most 0.1 MiB is allowed (limit --max-zstd-window)\n`);
    expect(refused.code).toBe(2);
    const bad = await runCli(['ingest', '--db', join(t.dir, 'w3.duckdb'), '--max-zstd-window', 'abc', f]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("error[bad-size] --max-zstd-window wants a size, got 'abc'; valid forms: bytes (1048576) or a number and a unit: 10k, 512M, 1.5G, 2T (k M G T and KiB MiB GiB TiB count in 1024s, kB MB GB TB in 1000s)\n");
  });

  it('guard: single-segment frames are judged by their content size, skippable frames pass, later frames are checked too', () => {
    const single = (fcs: number) => {
      // FHD: FCS flag 3 (8 bytes), single segment → the window is the content size
      const h = Buffer.alloc(14);
      h.writeUInt32LE(0xfd2fb528, 0);
      h[4] = 0xe0;
      h.writeBigUInt64LE(BigInt(fcs), 5);
      return h;
    };
    expect(() => new ZstdFrameGuard(1 << 20).push(single(1 << 20))).not.toThrow();
    expect(() => new ZstdFrameGuard(1 << 20).push(single((1 << 20) + 1))).toThrow('asks for a 1.0 MiB window (1048577 bytes)');
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9])]);
    const ok = zstdFrame([{ raw: Buffer.from('x') }]);
    const huge = zstdFrame([{ raw: Buffer.from('y') }], 0xa7);
    const g = new ZstdFrameGuard();
    g.push(Buffer.concat([skippable, ok]));
    // split anywhere: the header of the third frame arrives byte by byte
    const rest = Buffer.concat([ok, huge]);
    let err: unknown = null;
    try {
      for (const b of rest) g.push(Buffer.from([b]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SafetyError);
    expect((err as Error).message).toBe(`zstd frame at byte ${skippable.length + 2 * ok.length} asks for a 1920 MiB window (${HUGE_WINDOW} bytes); at most 128 MiB is allowed (limit --max-zstd-window)`);
  });

  it('real zstd output decodes as before (fzstd on this thread and the zstd program)', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => BOMB_LINE(i)).join('');
    let z: Buffer;
    try {
      z = execFileSync('zstd', ['-q', '-c', '-19'], { input: text });
    } catch {
      return expect.fail('the zstd program is missing: scripts/ci-deps.sh installs it');
    }
    for (const synchronous of [true, false]) {
      const { stream } = await autoDecompress(Readable.from([z], { objectMode: false }), { synchronous });
      const parts: Buffer[] = [];
      for await (const c of stream) parts.push(c as Buffer);
      expect(Buffer.concat(parts).toString()).toBe(text);
    }
  });
});

describe('member names, pax records and link targets are capped', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('1,100 members with 1.1 MiB pax names: each an unsafe-path warning, the bundle loads, the child stays under 400 MB', async () => {
    const f = join(t.dir, `${R}.tar.zst`);
    writePaxNameBomb(f, R, 1100, 1_100_000);
    const db = join(t.dir, 'pax.duckdb');
    const r = await runChild(REPO, ['ingest', '--db', db, f]);
    expect(r.err).toMatch(/^total: 1 inputs, 1 ok, 0 failed; 2 rows; 0 lines skipped$/m);
    expect(r.code).toBe(0);
    expect(r.maxRssMB).toBeLessThan(RSS_BOUND_MB);
    const q = await runCli(['query', "SELECT code, count(*) AS n, min(text) AS text, max(text) AS last, min(expected) AS expected FROM ingest_issues WHERE code LIKE 'unsafe%' GROUP BY code", '--db', db, '--format', 'csv']);
    // (the ustar name of each member: its pax record of `${R}/var/log/` + 1,100,000 × 'a', 1,100,057 bytes, was not held)
    expect(q.out).toBe(`code,n,text,last,expected\nunsafe-path,1100,${R}/var/log/m0,${R}/var/log/m999,a member name of at most 4096 bytes and 256 components; found a pax record of 1100057 bytes (at most 1048576)\n`);
  }, 120_000);

  it('a member path of 1M components is one unsafe-path warning, found at once; a 300k-component symlink target is one unsafe-link warning', async () => {
    const deep = join(t.dir, `deep-${R}.tar.zst`);
    const link = join(t.dir, `link-${R}.tar.zst`);
    writeDeepPathTar(deep, R, 1_000_000);
    writeDeepPathTar(link, R, 3, 300_000);
    const started = Date.now();
    const a = await treeFromArchive(deep, wantedMember);
    const b = await treeFromArchive(link, wantedMember);
    expect(Date.now() - started).toBeLessThan(20_000);
    // the pax record `LEN path=${R}/` + 'a/' × 1M + 'x\n' is 2,000,050 bytes: over the 1 MiB a record may take, never held
    expect(a.issues.map((i) => [i.code, i.text, i.expected])).toEqual([
      ['unsafe-path', `${R}/var/log/deep`, 'a member name of at most 4096 bytes and 256 components; found a pax record of 2000050 bytes (at most 1048576)'],
    ]);
    expect(b.issues.map((i) => [i.code, i.text, i.expected])).toEqual([
      ['unsafe-link', `${R}/a/a/a/x -> ${R}/${'a/'.repeat(300_000)}`.slice(0, 200) + '…', 'a link target of at most 4096 bytes and 256 components; found a link target of 600036 bytes (at most 4096)'],
    ]);
    expect(nameProblem(`${'a/'.repeat(300)}x`, DEFAULT_TAR_LIMITS)).toBe('name of 301 path components (at most 256)');
    expect(findSosRoot(a)).toBe(R);
    expect(a.read(`${R}/var/log/messages`)?.data.toString()).toBe(BOMB_LINE(1));
  });

  it('link resolution walks a 1M-component target with a stack (no recursion, no spread), and a 1M-deep tree finds its sos root in linear time', () => {
    const tree = new Tree('x');
    tree.add('d/f', { type: 'file', size: 1, data: Buffer.from('1') });
    tree.add('l', { type: 'link', target: './'.repeat(1_000_000) + 'd/f' });
    expect(tree.resolve('l')).toBe('d/f');
    const deepTree = new Tree('y');
    const deepPath = 'a/'.repeat(200_000) + 'sos_commands/kernel/uname';
    deepTree.add(deepPath, { type: 'file', size: 0 });
    deepTree.add('top/sos_commands/x', { type: 'file', size: 0 });
    const started = Date.now();
    expect(findSosRoot(deepTree)).toBe('top');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('one budget per input: nested .gz members count against --max-total-bytes', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('a rotated messages-1.gz of 3 MB in a bundle capped at 1 MB keeps what fits, partial, with a note naming the limit', async () => {
    const L = BOMB_LINE(0).length;
    const lines = Array.from({ length: 40_000 }, (_, i) => BOMB_LINE(i));
    const gz = gzipSync(lines.join(''));
    const tar = Buffer.concat([tarMember(`${R}/sos_commands/host/hostname`, 'web01\n'), tarMember(`${R}/var/log/messages-1.gz`, gz), Buffer.alloc(1024)]);
    const f = join(t.dir, `${R}.tar`);
    writeFileSync(f, tar);
    // the tar's own bytes come first; 1,000 lines' worth of the budget is left for the .gz inside
    const left = 1000 * L;
    const { store, sums } = await ingestInto(join(t.dir, 'b.duckdb'), [f], { limits: { maxTotalBytes: tar.length + left } });
    try {
      const notes = sums[0]!.issues.filter((i) => i.code === 'note').map((i) => i.text);
      expect(notes).toContain(`var/log/messages-1.gz: decompressed size exceeds ${left} bytes (limit --max-total-bytes); kept the ${left} bytes before it`);
      expect(await rows(store, "SELECT count(*), bool_and(partial) FROM log_events JOIN sources USING (source_id) WHERE sources.path LIKE '%messages-1.gz'")).toEqual([[1000, true]]);
    } finally {
      store.close();
    }
  });
});

describe('GNU and pax sparse members are read', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());
  const hasTar = (() => {
    try {
      return /GNU tar/.test(execFileSync('tar', ['--version']).toString());
    } catch {
      return false;
    }
  })();

  for (const [label, flags] of [
    ['GNU (type S)', ['--format=gnu']],
    ['pax 0.0', ['--format=posix', '--sparse-version=0.0']],
    ['pax 0.1', ['--format=posix', '--sparse-version=0.1']],
    ['pax 1.0', ['--format=posix', '--sparse-version=1.0']],
  ] as const) {
    it.skipIf(!hasTar)(`${label}: the member reads back byte for byte, holes as zeros${hasTar ? '' : ' (skipped: GNU tar is missing)'}`, async () => {
      const dir = join(t.dir, label.replace(/\W/g, ''));
      const root = join(dir, R);
      mkdirSync(join(root, 'var/log'), { recursive: true });
      mkdirSync(join(root, 'sos_commands/host'), { recursive: true });
      writeFileSync(join(root, 'sos_commands/host/hostname'), 'web01\n');
      // two lines with a 1 MiB hole between them, and a hole at the end
      const msg = join(root, 'var/log/messages');
      writeFileSync(msg, BOMB_LINE(1));
      execFileSync('truncate', ['-s', String(2 << 20), msg]);
      const fd = (await import('node:fs')).openSync(msg, 'r+');
      (await import('node:fs')).writeSync(fd, Buffer.from(BOMB_LINE(2)), 0, BOMB_LINE(2).length, 1 << 20);
      (await import('node:fs')).closeSync(fd);
      const archive = join(dir, `${R}.tar`);
      execFileSync('tar', ['--sparse', ...flags, '-cf', archive, '-C', dir, R]);
      const tree = await treeFromArchive(archive, wantedMember);
      expect(tree.issues).toEqual([]);
      const got = tree.read(`${R}/var/log/messages`)!.data;
      expect(got.equals((await import('node:fs')).readFileSync(msg))).toBe(true);
      const { store, sums } = await ingestInto(join(dir, 's.duckdb'), [archive]);
      try {
        expect(sums.map((s) => [s.status, s.rows.log_events])).toEqual([['loaded', 2]]);
      } finally {
        store.close();
      }
    });
  }
});

describe('extracted-folder bundles: --max-member-bytes, and files from 2 GiB streamed', () => {
  const t = tempDir();
  afterAll(() => {
    folderStream.minBytes = 2 ** 31 - 1;
    t.cleanup();
  });
  const lines = Array.from({ length: 3000 }, (_, i) => BOMB_LINE(i)).join('');
  const folder = (sub: string) => {
    const root = join(t.dir, sub, R); // (the bundle's name dates it)
    mkdirSync(join(root, 'var/log'), { recursive: true });
    mkdirSync(join(root, 'sos_commands/host'), { recursive: true });
    writeFileSync(join(root, 'sos_commands/host/hostname'), 'web01\n');
    writeFileSync(join(root, 'var/log/messages'), lines);
    return root;
  };

  it('a file over --max-member-bytes is a member-too-large warning; a 3 GiB sparse messages file (no disk used) does not fail the bundle', async () => {
    const root = folder('cap');
    execFileSync('truncate', ['-s', '3G', join(root, 'var/log/syslog')]);
    const { store, sums } = await ingestInto(join(t.dir, 'cap.duckdb'), [root], { limits: { maxMemberBytes: 100_000 } });
    try {
      expect(sums.map((s) => s.status)).toEqual(['loaded']);
      expect(sums[0]!.issues.filter((i) => i.code === 'member-too-large').map((i) => [i.file, i.text, i.expected])).toEqual([
        [join(root, 'var/log/messages'), `${lines.length} bytes`, 'at most 100000 bytes (limit --max-member-bytes)'],
        [join(root, 'var/log/syslog'), `${3 * 2 ** 30} bytes`, 'at most 100000 bytes (limit --max-member-bytes)'],
      ]);
      expect(await rows(store, 'SELECT count(*) FROM log_events')).toEqual([[0]]);
    } finally {
      store.close();
    }
  });

  it('a file at or over the streaming size is parsed as it is read: the same rows as read whole, its sha256 that of the file', async () => {
    const root = folder('stream');
    const whole = await ingestInto(join(t.dir, 'whole.duckdb'), [root]);
    const q = 'SELECT host, ts, message, line_no FROM log_events ORDER BY line_no';
    let expected: unknown[][];
    try {
      expected = await rows(whole.store, q);
      expect(expected.length).toBe(3000);
    } finally {
      whole.store.close();
    }
    folderStream.minBytes = 1000; // the messages file (225 kB) is now "too large to hold"
    const streamed = await ingestInto(join(t.dir, 'streamed.duckdb'), [root]);
    try {
      expect(streamed.sums.map((s) => [s.status, s.rows.log_events])).toEqual([['loaded', 3000]]);
      expect(await rows(streamed.store, q)).toEqual(expected);
      const sha = createHash('sha256').update(lines).digest('hex');
      expect(await rows(streamed.store, "SELECT sha256, bytes FROM sources WHERE path LIKE '%/var/log/messages'")).toEqual([[sha, lines.length]]);
    } finally {
      streamed.store.close();
      folderStream.minBytes = 2 ** 31 - 1;
    }
  });
});
