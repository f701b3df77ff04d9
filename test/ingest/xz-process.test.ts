/**
 * xz archives over 256 kB are decompressed by the xz program in a child process (another core,
 * and a faster liblzma than lzma-native's); smaller ones, and every archive when
 * BUNDLESCOPE_XZ=none or no xz is installed, by lzma-native on this thread. Both must store the
 * same tables, keep the same members of a cut archive and say so, and stop at the size limit.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { autoDecompress, xzProgram, xzStats } from '../../src/ingest/decompress.js';
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
async function bigBundle(): Promise<Buffer> {
  const entries = sosreportEntries(web01().spec, NAME);
  entries.push({ path: `${NAME}/sos_commands/junk/blob.bin`, content: noise(600_000) });
  return makeTarball(entries, 'xz');
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

let dbs = 0;
/** Ingest `file` into a fresh database, with the xz process or (none) lzma-native. */
async function ingestWith(file: string, xz: 'process' | 'none') {
  if (xz === 'none') process.env.BUNDLESCOPE_XZ = 'none';
  else delete process.env.BUNDLESCOPE_XZ;
  const started = xzStats.started;
  const store = await openStore(join(t.dir, `db${++dbs}.duckdb`));
  try {
    const sums = await ingestPaths(store, [file]);
    const partial = (await store.conn.runAndReadAll('SELECT partial FROM sources WHERE parent_id IS NULL')).getRows().map(([p]) => p);
    return { sums, tables: await dump(store), processes: xzStats.started - started, partial };
  } finally {
    store.close();
  }
}

describe('xz archives through the xz program', () => {
  it('is installed here (CI installs xz-utils) and can be turned off', () => {
    expect(xzProgram()).toMatch(/\/xz$/);
    process.env.BUNDLESCOPE_XZ = 'none';
    expect(xzProgram()).toBeNull();
    process.env.BUNDLESCOPE_XZ = join(t.dir, 'no-such-xz');
    expect(xzProgram()).toBeNull();
    // Only XZ Utils 5.2 or newer (the options bundlescope passes): not BusyBox's xz, not 5.0.
    for (const [name, version] of [['busybox-xz', 'BusyBox v1.36.1 (2024-06-10) multi-call binary.'], ['old-xz', 'xz (XZ Utils) 5.0.4'], ['new-xz', 'xz (XZ Utils) 5.6.2']]) {
      const fake = join(t.dir, name);
      writeFileSync(fake, `#!/bin/sh\necho '${version}'\n`, { mode: 0o755 });
      process.env.BUNDLESCOPE_XZ = fake;
      expect(xzProgram()).toBe(name === 'new-xz' ? fake : null);
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

  it('stops the xz process at the size limit (a bomb never fills memory)', async () => {
    const lzma = require('lzma-native') as { compress: (b: Buffer, o: unknown, cb: (r: Buffer) => void) => void };
    const zeros = await new Promise<Buffer>((resolve) => lzma.compress(Buffer.alloc(64 << 20), { preset: 1 }, (r) => resolve(Buffer.from(r))));
    const { stream } = await autoDecompress(Readable.from([zeros], { objectMode: false }), { maxBytes: 1 << 20, limitName: '--max-total-bytes' });
    let got = 0;
    const read = (async () => {
      for await (const c of stream) got += (c as Buffer).length;
    })();
    await expect(read).rejects.toThrow(SafetyError);
    await expect(read).rejects.toThrow('xz data expands to more than 1048576 bytes (limit --max-total-bytes)');
    expect(got).toBeLessThanOrEqual(1 << 20);
    for (let i = 0; i < 50 && xzStats.running > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(xzStats.running).toBe(0);
  });
});
