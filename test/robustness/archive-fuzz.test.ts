/**
 * Property test: random and mutated tar / zip / zstd / xz / bzip2 / gzip archives and random member
 * names fed to the archive reader (treeFromArchive, as ingest uses it). Whatever the bytes, it
 * returns a tree (issues at most) or fails with a BundlescopeError naming the file — never
 * another exception, never longer than a few seconds, never more than a bounded amount of memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { treeFromArchive, DEFAULT_LIMITS } from '../../src/bundle/tree.js';
import { wantedMember } from '../../src/bundle/sosreport.js';
import { BundlescopeError } from '../../src/errors.js';
import { BOMB_LINE, pad512, smallSosTar, tarHeader, tarMember, zstdFrame } from './archive-inputs.js';
import { tempDir } from './helpers.js';

const R = 'sosreport-web01-2026-03-12-abcdefg';
const PER_CASE_MS = 3000;
/** Growth of RSS over the whole run (fzstd may take an 8 MiB window per case; the GC returns it). */
const RSS_GROWTH_MB = 300;
const LIMITS = { ...DEFAULT_LIMITS, maxTotalBytes: 64 << 20, maxMemberBytes: 8 << 20, maxZstdWindow: 8 << 20 };

const t = tempDir();
let seeds: Record<string, Buffer>;

/** A minimal zip (one stored member): not a format bundlescope reads; it must be refused cleanly. */
function zip(): Buffer {
  const name = Buffer.from(`${R}/sos_commands/host/hostname`);
  const data = Buffer.from('web01\n');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(10, 4);
  h.writeUInt32LE(data.length, 18);
  h.writeUInt32LE(data.length, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name, data]);
}

beforeAll(() => {
  const tar = smallSosTar(R, 20);
  const pax = (() => {
    const rec = Buffer.from(`${44 + R.length} path=${R}/var/log/${'m'.repeat(19)}x\n`);
    return Buffer.concat([tarHeader({ name: 'PaxHeaders/1', size: rec.length, type: 'x' }), rec, pad512(rec.length), tar]);
  })();
  const prog = (cmd: string, args: string[], input: Buffer) => {
    try {
      return execFileSync(cmd, args, { input });
    } catch {
      return gzipSync(input); // (program missing: another gzip seed)
    }
  };
  seeds = {
    tar, pax,
    gzip: gzipSync(tar),
    zstd: prog('zstd', ['-q', '-c'], tar),
    zstdRaw: zstdFrame([{ raw: tar }]),
    xz: prog('xz', ['-c'], tar),
    bzip2: prog('bzip2', ['-c'], tar),
    zip: zip(),
  };
});
afterAll(() => t.cleanup());

let n = 0;
const outcomes = { trees: 0, refusals: 0, unsafe: 0 };
/** Read `bytes` as an archive: a tree, or a BundlescopeError; anything else fails the property. */
async function readCase(bytes: Uint8Array): Promise<void> {
  const f = join(t.dir, `case-${n++ % 8}.tar`);
  writeFileSync(f, bytes);
  const started = Date.now();
  try {
    const tree = await treeFromArchive(f, wantedMember, LIMITS, { small: true, inlineXz: true });
    for (const i of tree.issues) expect(i.text.length).toBeLessThanOrEqual(201);
    outcomes.trees++;
    if (tree.issues.some((i) => i.code.startsWith('unsafe'))) outcomes.unsafe++;
  } catch (e) {
    if (!(e instanceof BundlescopeError)) throw new Error(`not a BundlescopeError: ${(e as Error).stack}`);
    outcomes.refusals++;
    expect(e.file).toBe(f);
  }
  expect(Date.now() - started).toBeLessThan(PER_CASE_MS);
}

/** A mutation of a seed: bytes overwritten (mostly in the headers), cut, or bytes inserted. */
const mutated = (kind: string) => fc.tuple(
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
  fc.option(fc.nat(), { nil: undefined }),
  fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
).map(([edits, cut, insert]) => {
  const b = Buffer.from(seeds[kind]!);
  for (const [at, v, head] of edits) b[head ? at % Math.min(b.length, 1024) : at % b.length] = v;
  let out: Buffer = cut != null ? b.subarray(0, cut % (b.length + 1)) : b;
  if (insert) {
    const at = (cut ?? 0) % (out.length + 1);
    out = Buffer.concat([out.subarray(0, at), Buffer.from(insert), out.subarray(at)]);
  }
  return out;
});

describe('archive readers survive random and mutated archives', () => {
  const rss0 = process.memoryUsage().rss;

  for (const kind of ['tar', 'pax', 'gzip', 'zstd', 'zstdRaw', 'xz', 'bzip2', 'zip']) {
    it(`mutated ${kind}`, async () => {
      await fc.assert(fc.asyncProperty(mutated(kind), readCase), { numRuns: 60, seed: 17, endOnFailure: true });
    });
  }

  it('random bytes, and random numeric header fields (sizes, checksums, zstd window descriptors)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), readCase), { numRuns: 60, seed: 17 });
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.integer({ min: 0, max: 255 }), async (size, wd) => {
      const tar = Buffer.from(seeds.tar!);
      Buffer.from(size).copy(tar, 124); // size field: octal, base-256 or junk; the checksum then fails or not
      await readCase(tar);
      await readCase(zstdFrame([{ raw: seeds.tar! }], wd));
    }), { numRuns: 60, seed: 17 });
  });

  it('random member and link names: unsafe ones are issues, the others are read', async () => {
    const name = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.constantFrom('a', '..', '.', '', '/', 'sos_commands', '\\', 'C:', '\u00e9', '\0'), { maxLength: 400 }).map((p) => p.join('/')),
    );
    await fc.assert(fc.asyncProperty(name, name, async (member, link) => {
      const rec = Buffer.from(`path=${member}\n`);
      const lrec = Buffer.from(`linkpath=${link}\n`);
      const len = (r: Buffer) => { let l = r.length + 2; while (String(l).length + 1 + r.length !== l) l++; return l; };
      const body = Buffer.concat([Buffer.from(`${len(rec)} `), rec, Buffer.from(`${len(lrec)} `), lrec]);
      const tar = Buffer.concat([
        tarHeader({ name: 'PaxHeaders/x', size: body.length, type: 'x' }), body, pad512(body.length),
        tarHeader({ name: 'x', type: '2', linkname: 'x' }),
        tarMember(`${R}/var/log/messages`, BOMB_LINE(1)),
        Buffer.alloc(1024),
      ]);
      await readCase(tar);
    }), { numRuns: 150, seed: 17 });
  });

  it('memory stayed bounded over all the cases (and the cases were not all of one outcome)', () => {
    expect(outcomes.trees).toBeGreaterThan(100);
    expect(outcomes.refusals).toBeGreaterThan(100);
    expect(outcomes.unsafe).toBeGreaterThan(20);
    expect((process.memoryUsage().rss - rss0) / 1048576).toBeLessThan(RSS_GROWTH_MB);
  });
});
