/**
 * xz and bzip2 archives over 256 kB (and xz / bzip2 side files) are decompressed by the xz and
 * bzip2 programs in a child process (another core, and faster than the libraries); smaller
 * archives, and everything when BUNDLESCOPE_XZ / BUNDLESCOPE_BZIP2 is 'none' or no program is
 * installed, by lzma-native / unbzip2-stream on this thread. Both must store the same tables, keep
 * what can be read of a cut archive and say so, and stop at the size limit.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { autoDecompress, decompressProgram } from '../../src/io/decompress.js';
import { web01 } from '../../src/samples/generate.js';
import { sosreportEntries } from '../../src/samples/sos.js';
import { makeTarball } from '../../src/samples/tarball.js';
import { SafetyError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

const require = createRequire(import.meta.url);
const t = tempDir('bundlescope-xz-');
afterAll(() => t.cleanup());
afterEach(() => {
  delete process.env.BUNDLESCOPE_XZ;
  delete process.env.BUNDLESCOPE_BZIP2;
});

/** Bytes that do not compress (xorshift, seeded): makes the archive large enough for the xz process. */
function noise(bytes: number, seed = 2026): Buffer {
  const b = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const NAME = 'sosreport-web01-2026-03-12-xzproc1';

/** web01's sosreport with 600 kB of noise in a member nobody reads, after the members that are read. */
async function bigBundle(compression: 'xz' | 'bzip2' = 'xz'): Promise<Buffer> {
  const entries = sosreportEntries(web01().spec, NAME);
  entries.push({ path: `${NAME}/sos_commands/junk/blob.bin`, content: noise(600_000) });
  if (compression === 'xz') return makeTarball(entries, 'xz');
  // bzip2 -1: 100 kB blocks, so that a cut keeps whole blocks before it
  return execFileSync('bzip2', ['-1', '-c'], { input: await makeTarball(entries, 'none'), maxBuffer: 1 << 26 });
}

const TABLES = ['sources', 'hosts', 'log_events', 'overflow_events', 'slab_samples', 'counter_samples', 'sysctls', 'sockets', 'ingest_issues'];

async function dump(store: Store): Promise<Record<string, unknown[][]>> {
  const out: Record<string, unknown[][]> = {};
  for (const tbl of TABLES) {
    const r = await store.conn.runAndReadAll(`SELECT * EXCLUDE (ingested_at) FROM ${tbl} ORDER BY ALL`).catch(async () =>
      store.conn.runAndReadAll(`SELECT * FROM ${tbl} ORDER BY ALL`));
    out[tbl] = r.getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v == null ? null : String(v))));
  }
  return out;
}

/**
 * The real xz and bzip2 behind a script that writes its process id to a log first (and then
 * becomes the program: exec keeps the id), so a test sees which programs ran and whether they
 * ended without counters in the code. (`--version`, how decompressProgram checks it, is not logged.)
 */
const LOG = join(t.dir, 'programs.log');
function logged(name: 'xz' | 'bzip2'): string {
  const real = decompressProgram(name)!;
  const path = join(t.dir, `logged-${name}`);
  writeFileSync(path, `#!/bin/sh\ncase "$1" in --version) exec '${real}' "$@";; esac\necho $$ >> '${LOG}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  return path;
}
const XZ = logged('xz');
const BZIP2 = logged('bzip2');
/** Process ids of the programs started so far. */
const started = (): number[] => (existsSync(LOG) ? readFileSync(LOG, 'utf8').split('\n').filter(Boolean).map(Number) : []);
const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let dbs = 0;
/** Ingest `file` into a fresh database, with the xz / bzip2 processes or (none) the libraries. */
async function ingestWith(file: string, xz: 'process' | 'none') {
  if (xz === 'none') {
    process.env.BUNDLESCOPE_XZ = 'none';
    process.env.BUNDLESCOPE_BZIP2 = 'none';
  } else {
    process.env.BUNDLESCOPE_XZ = XZ;
    process.env.BUNDLESCOPE_BZIP2 = BZIP2;
  }
  const before = started().length;
  const store = await openStore(join(t.dir, `db${++dbs}.duckdb`));
  try {
    const sums = await ingestPaths(store, [file]);
    const partial = (await store.conn.runAndReadAll('SELECT partial FROM sources WHERE parent_id IS NULL')).getRows().map(([p]) => p);
    return { sums, tables: await dump(store), processes: started().length - before, partial };
  } finally {
    store.close();
  }
}

describe('xz and bzip2 archives through their programs', () => {
  it('is installed here (CI installs xz-utils) and can be turned off', () => {
    expect(decompressProgram('xz')).toMatch(/\/xz$/);
    process.env.BUNDLESCOPE_XZ = 'none';
    expect(decompressProgram('xz')).toBeNull();
    process.env.BUNDLESCOPE_XZ = join(t.dir, 'no-such-xz');
    expect(decompressProgram('xz')).toBeNull();
    // Only XZ Utils 5.2 or newer (the options bundlescope passes): not BusyBox's xz, not 5.0.
    for (const [name, version] of [['busybox-xz', 'BusyBox v1.36.1 (2024-06-10) multi-call binary.'], ['old-xz', 'xz (XZ Utils) 5.0.4'], ['new-xz', 'xz (XZ Utils) 5.6.2']]) {
      const fake = join(t.dir, name);
      writeFileSync(fake, `#!/bin/sh\necho '${version}'\n`, { mode: 0o755 });
      process.env.BUNDLESCOPE_XZ = fake;
      expect(decompressProgram('xz')).toBe(name === 'new-xz' ? fake : null);
    }
  });

  it('stores the same tables as lzma-native for a bundle over 256 kB', async () => {
    const data = await bigBundle();
    expect(data.length).toBeGreaterThan(256 * 1024);
    const file = join(t.dir, `${NAME}.tar.xz`);
    writeFileSync(file, data);
    const a = await ingestWith(file, 'process');
    const b = await ingestWith(file, 'none');
    expect(a.processes).toBe(1);
    expect(b.processes).toBe(0);
    expect(a.sums.map((s) => [s.status, s.host])).toEqual([['loaded', 'web01']]);
    expect(a.tables.log_events!.length).toBeGreaterThan(50);
    expect(a.tables.overflow_events!.length).toBeGreaterThan(0);
    expect(a.tables).toEqual(b.tables);
  });

  it('keeps the same members of a cut archive as lzma-native, marks it partial and says what xz said', async () => {
    const data = await bigBundle();
    const file = join(t.dir, `${NAME}-cut.tar.xz`);
    writeFileSync(file, data.subarray(0, Math.floor(data.length * 0.8))); // cut inside the noise
    const a = await ingestWith(file, 'process');
    const b = await ingestWith(file, 'none');
    expect(a.processes).toBe(1);
    const issueOf = (r: typeof a) => r.sums[0]!.issues.filter((i) => i.code === 'truncated-archive').map((i) => [i.severity, i.text]);
    expect(issueOf(a)).toEqual([['error', 'Unexpected end of input']]);
    expect(issueOf(b)).toEqual([['error', 'No progress is possible']]);
    expect([a.partial, b.partial]).toEqual([[true], [true]]);
    const withoutIssueText = (x: Record<string, unknown[][]>) => ({ ...x, ingest_issues: x.ingest_issues!.length });
    expect(withoutIssueText(a.tables)).toEqual(withoutIssueText(b.tables));
    expect(a.tables.log_events!.length).toBeGreaterThan(50);
  });

  it('bzip2: the program is found, is checked, and can be turned off', () => {
    expect(decompressProgram('bzip2')).toMatch(/\/bzip2$/);
    process.env.BUNDLESCOPE_BZIP2 = 'none';
    expect(decompressProgram('bzip2')).toBeNull();
    const fake = join(t.dir, 'busybox-bzip2');
    writeFileSync(fake, `#!/bin/sh\necho 'BusyBox v1.36.1 multi-call binary.' >&2\n`, { mode: 0o755 });
    process.env.BUNDLESCOPE_BZIP2 = fake;
    expect(decompressProgram('bzip2')).toBeNull();
  });

  it('bzip2: the same tables as unbzip2-stream for a whole bundle; of a cut one, the program keeps at least as much', async () => {
    const data = await bigBundle('bzip2');
    expect(data.length).toBeGreaterThan(256 * 1024);
    const file = join(t.dir, `${NAME}.tar.bz2`);
    writeFileSync(file, data);
    const a = await ingestWith(file, 'process');
    const b = await ingestWith(file, 'none');
    expect([a.processes, b.processes]).toEqual([1, 0]);
    expect(a.sums.map((s) => [s.status, s.host])).toEqual([['loaded', 'web01']]);
    expect(a.tables).toEqual(b.tables);
    const cutFile = join(t.dir, `${NAME}-cut.tar.bz2`);
    writeFileSync(cutFile, data.subarray(0, Math.floor(data.length * 0.8))); // inside the noise, after the members read
    const c = await ingestWith(cutFile, 'process');
    const d = await ingestWith(cutFile, 'none');
    const issueOf = (r: typeof a) => r.sums[0]!.issues.filter((i) => i.code === 'truncated-archive').map((i) => [i.severity, i.text]);
    expect(issueOf(c)).toEqual([['error', 'Compressed file ends unexpectedly']]);
    // (unbzip2-stream fails with whatever its reader hit: said plainly instead)
    expect(issueOf(d)).toEqual([['error', 'bzip2 data ends unexpectedly or a block is damaged']]);
    expect([c.partial, d.partial]).toEqual([[true], [true]]);
    expect(c.tables.log_events).toEqual(a.tables.log_events);
    expect(d.tables.log_events!.length).toBeLessThanOrEqual(c.tables.log_events!.length);
  });

  it('stops the xz process at the size limit (a bomb never fills memory)', async () => {
    const lzma = require('lzma-native') as { compress: (b: Buffer, o: unknown, cb: (r: Buffer) => void) => void };
    const zeros = await new Promise<Buffer>((resolve) => lzma.compress(Buffer.alloc(64 << 20), { preset: 1 }, (r) => resolve(Buffer.from(r))));
    process.env.BUNDLESCOPE_XZ = XZ;
    const before = started().length;
    const { stream } = await autoDecompress(Readable.from([zeros], { objectMode: false }), { maxBytes: 1 << 20, limitName: '--max-total-bytes' });
    let got = 0;
    const read = (async () => {
      for await (const c of stream) got += (c as Buffer).length;
    })();
    await expect(read).rejects.toThrow(SafetyError);
    await expect(read).rejects.toThrow('xz data expands to more than 1048576 bytes (limit --max-total-bytes)');
    expect(got).toBeLessThanOrEqual(1 << 20);
    const pids = started().slice(before);
    expect(pids.length).toBe(1);
    for (let i = 0; i < 50 && pids.some(running); i++) await new Promise((r) => setTimeout(r, 20));
    expect(pids.filter(running)).toEqual([]);
  });
});
