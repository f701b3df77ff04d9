import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { pack, type Headers } from 'tar-stream';
import { treeFromArchive } from '../../src/bundle/tree.js';
import { autoDecompress } from '../../src/io/decompress.js';
import { wantedMember, planBundle } from '../../src/bundle/sosreport.js';
import { SafetyError } from '../../src/errors.js';
import { ingestInto, rows, runCli, tempDir } from './helpers.js';

const R = 'sosreport-web01-2026-03-12-abcdefg';
const MSG = 'Mar 12 14:02:11 web01 kernel: TCP: time wait bucket table overflow\n';

type Raw = { header: Headers; body?: Buffer };
const file = (name: string, body: string | Buffer): Raw => ({ header: { name, type: 'file', mode: 0o644 }, body: Buffer.from(body) });

/** A tar with any member types (devices, fifos, hard links) that makeTarball does not write. */
async function rawTar(entries: Raw[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: Buffer) => chunks.push(c));
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const e of entries) p.entry({ mtime: new Date('2026-03-12T19:20:00Z'), uid: 0, gid: 0, ...e.header }, e.body);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** `n` bytes of zeros, gzip-compressed as a stream (never held in memory). */
async function gzipZeros(path: string, n: number, prefix = Buffer.alloc(0), suffix = Buffer.alloc(0)): Promise<void> {
  const chunk = Buffer.alloc(1 << 20);
  async function* gen() {
    yield prefix;
    for (let left = n; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    yield suffix;
  }
  await pipeline(Readable.from(gen()), createGzip({ level: 1 }), createWriteStream(path));
}

describe('archive members never escape the bundle', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('skips absolute and .. paths, links out of the bundle, devices and fifos; writes nothing', async () => {
    const tar = await rawTar([
      { header: { name: `${R}/`, type: 'directory', mode: 0o755 } },
      file(`${R}/sos_commands/host/hostname`, 'web01\n'),
      file(`${R}/sos_strings/messages.real`, MSG),
      file('/tmp/bundlescope-owned', 'x'),
      file(`${R}/../../escape.txt`, 'x'),
      file(`C:/windows/evil`, 'x'),
      { header: { name: `${R}/var/log/messages`, type: 'link', linkname: `${R}/sos_strings/messages.real` } }, // inside: kept
      { header: { name: `${R}/var/log/syslog`, type: 'link', linkname: '../../etc/shadow' } }, // hard link out
      { header: { name: `${R}/var/log/kern.log`, type: 'symlink', linkname: '/etc/passwd' } }, // absolute: read inside the bundle
      { header: { name: `${R}/proc/net/sockstat`, type: 'symlink', linkname: '../../../../../../proc/net/sockstat' } }, // climbs out
      { header: { name: `${R}/sos_commands/kernel/dmesg`, type: 'character-device', devmajor: 1, devminor: 3 } },
      { header: { name: `${R}/proc/slabinfo`, type: 'fifo' } },
      { header: { name: `${R}/proc/net/netstat`, type: 'block-device', devmajor: 8, devminor: 0 } },
    ]);
    const path = join(t.dir, `${R}.tar.gz`);
    writeFileSync(path, gzipSync(tar));
    const before = readdirSync(t.dir).sort();
    const tree = await treeFromArchive(path, wantedMember);
    expect(tree.issues.map((i) => [i.code, i.text])).toEqual([
      ['unsafe-path', '/tmp/bundlescope-owned'],
      ['unsafe-path', `${R}/../../escape.txt`],
      ['unsafe-path', 'C:/windows/evil'],
      ['unsafe-link', `${R}/var/log/syslog -> ../../etc/shadow`],
      ['unsafe-link', `${R}/proc/net/sockstat -> ../../../../../../proc/net/sockstat`],
    ]);
    // devices and fifos are not in the tree at all; links out resolve to nothing
    for (const p of ['sos_commands/kernel/dmesg', 'proc/slabinfo', 'proc/net/netstat', 'var/log/syslog']) expect(tree.entries.has(`${R}/${p}`), p).toBe(false);
    expect(tree.resolve(`${R}/proc/net/sockstat`)).toBeNull();
    expect(tree.read(`${R}/var/log/kern.log`)).toBeNull();
    expect(tree.read(`${R}/var/log/messages`)?.data?.toString()).toBe(MSG);
    const plan = await planBundle(tree, `${R}.tar.gz`, {});
    expect(plan.items.map((i) => [i.path, i.kind])).toEqual([['var/log/messages', 'syslog']]);

    const { store, sums } = await ingestInto(join(t.dir, 'a.duckdb'), [path]);
    try {
      expect(sums.map((s) => [s.status, s.rows.log_events])).toEqual([['loaded', 1]]);
      expect(await rows(store, "SELECT code, severity FROM ingest_issues WHERE code LIKE 'unsafe%' ORDER BY ALL")).toEqual([
        ['unsafe-link', 'warning'], ['unsafe-link', 'warning'], ['unsafe-path', 'warning'], ['unsafe-path', 'warning'], ['unsafe-path', 'warning'],
      ]);
    } finally {
      store.close();
    }
    expect(existsSync('/tmp/bundlescope-owned')).toBe(false);
    expect(readdirSync(t.dir).sort()).toEqual([...before, 'a.duckdb'].sort());
  });
});

describe('decompression bombs', () => {
  const t = tempDir();
  const CAP = 8 * 1024 * 1024;
  const BOMB = 200 * 1024 * 1024;
  const sideBomb = join(t.dir, 'messages-bomb.gz');
  const tarBomb = join(t.dir, `${R}.tar.gz`);
  const good = join(t.dir, 'messages-good');
  beforeAll(async () => {
    // side file: two real lines, then 200 MB of zeros (~200 KB compressed)
    await gzipZeros(sideBomb, BOMB, Buffer.from(MSG + MSG));
    // bundle: a hostname, then a 200 MB member of zeros (the tar header says so)
    const head = await rawTar([file(`${R}/sos_commands/host/hostname`, 'web01\n')]);
    // tar-stream will not pack a body it does not hold: write the header block by hand
    const hdr = (await rawTar([file(`${R}/var/log/messages`, Buffer.alloc(1))])).subarray(0, 512);
    const h = Buffer.from(hdr);
    h.write(BOMB.toString(8).padStart(11, '0') + '\0', 124, 12, 'latin1');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
    await gzipZeros(tarBomb, BOMB, Buffer.concat([head.subarray(0, head.length - 1024), h]), Buffer.alloc(1024));
    writeFileSync(good, MSG);
  }, 60_000);
  afterAll(() => t.cleanup());

  it('caps the bytes read from a gzip bomb, names the limit and keeps memory bounded', async () => {
    const { stream } = await autoDecompress(createReadStream(sideBomb), { maxBytes: CAP, limitName: '--max-total-bytes' });
    let got = 0;
    let err: unknown = null;
    const rss0 = process.memoryUsage().rss;
    try {
      for await (const c of stream) got += (c as Buffer).length;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SafetyError);
    expect((err as SafetyError).code).toBe('too-large');
    expect((err as Error).message).toBe(`gzip data expands to more than ${CAP} bytes (limit --max-total-bytes)`);
    expect(got).toBeLessThanOrEqual(CAP);
    expect(got).toBeGreaterThan(CAP - (1 << 20));
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 * 1024 * 1024);
  });

  it('ingest: the bomb side file fails with one line naming the limit; the other input loads', async () => {
    const db = join(t.dir, 'side.duckdb');
    const started = Date.now();
    const r = await runCli(['ingest', '--db', db, '--max-total-bytes', String(CAP), sideBomb, good]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`error[too-large] ${sideBomb}: gzip data expands to more than ${CAP} bytes (limit --max-total-bytes)\n`);
    expect(r.err).toMatch(/^total: 2 inputs, 1 ok, 1 failed; 2 rows; 0 lines skipped$/m);
    const q = await runCli(['query', 'SELECT path FROM sources ORDER BY ALL', '--db', db, '--format', 'csv']);
    expect(q.out).toBe(`path\n${good}\n`); // nothing of the bomb was kept
  });

  it('ingest: a bundle whose member claims 200 MB is refused at its header', async () => {
    const rss0 = process.memoryUsage().rss;
    const r = await runCli(['ingest', '--db', join(t.dir, 'tar.duckdb'), '--max-total-bytes', String(CAP), tarBomb]);
    expect(r.code).toBe(2); // the only input failed
    expect(r.err).toContain(`error[too-large] ${tarBomb}: archive expands to more than ${CAP} bytes (limit --max-total-bytes)\n`);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 * 1024 * 1024);
  });

  it('ingest: a member above --max-member-bytes is skipped with a warning, the rest of the bundle loads', async () => {
    const path = join(t.dir, `sosreport-web02-2026-03-12-abcdefg.tar.gz`);
    const R2 = 'sosreport-web02-2026-03-12-abcdefg';
    writeFileSync(path, gzipSync(await rawTar([
      file(`${R2}/sos_commands/host/hostname`, 'web02\n'),
      file(`${R2}/var/log/messages`, MSG.replace(/web01/g, 'web02').repeat(1000)),
      file(`${R2}/proc/net/sockstat`, 'sockets: used 10\nTCP: inuse 1 orphan 0 tw 5 alloc 2 mem 1\n'),
    ])));
    const db = join(t.dir, 'member.duckdb');
    const r = await runCli(['ingest', '--db', db, '--max-member-bytes', '10000', '--verbose', path]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`  warning[member-too-large] ${path}:${R2}/var/log/messages: ${MSG.length * 1000} bytes (expected at most 10000 bytes (limit --max-member-bytes))\n`);
    const q = await runCli(['query', "SELECT (SELECT count(*) FROM log_events) AS logs, (SELECT count(*) FROM counter_samples WHERE name LIKE 'sockstat.%') AS gauges", '--db', db, '--format', 'csv']);
    expect(q.out).toBe('logs,gauges\n0,6\n');
  });
});
