import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fzstd from 'fzstd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundlescopeError, ParseError } from '../../src/errors.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { createJournalBinaryParser, printableForExport, readJournalBuffer } from '../../src/formats/journal-binary/parser.js';
import { lz4Payload, xzPayload, zstdPayload } from '../../src/formats/journal-binary/payload.js';
import { createJournalExportParser } from '../../src/formats/journal-export/parser.js';
import type { LogEventRow, ParseContext } from '../../src/model.js';
import { openStore } from '../../src/store/db.js';
import { REALWORLD, describeRealworld, runCli, tempDir } from '../helpers.js';

const ctx = (file = 'system.journal'): ParseContext => ({ file, host: null, tz: 'UTC' });

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const JOURNALCTL = has('journalctl', ['--version']);
const REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p)) ?? null;
const XZ = has('xz', ['--version']);
const ZSTD = has('zstd', ['--version']);
const TOOLS = JOURNALCTL && REMOTE != null && XZ;
const NO_TOOLS = 'skipped: needs journalctl (Debian package systemd), systemd-journal-remote (systemd-journal-remote) and xz (xz-utils); scripts/ci-deps.sh installs them';

/** Rows of the export parser on `journalctl --file F -o export`, fed in 64 KiB chunks as from a pipe. */
function exportRows(file: string): LogEventRow[] {
  const r = spawnSync('journalctl', ['--file', file, '-o', 'export'], { maxBuffer: 1 << 30 });
  expect(r.status).toBe(0);
  const p = createJournalExportParser(ctx());
  const out = r.stdout as Buffer;
  for (let i = 0; i < out.length; i += 65536) p.chunk(out.subarray(i, i + 65536));
  p.end();
  return p.drain();
}

/** Rows of the native reader through its chunk-parser face, fed like a stream (spilled to a file past 64 MiB). */
function nativeRows(buf: Buffer, chunk = 1 << 20, spillBytes?: number) {
  const p = createJournalBinaryParser(ctx(), { spillBytes });
  for (let i = 0; i < buf.length; i += chunk) p.chunk(buf.subarray(i, i + chunk));
  p.end();
  const rows: LogEventRow[] = [];
  for (let b = p.drain(); b.length; b = p.drain()) rows.push(...b);
  return { rows, issues: p.issues, linesRead: p.linesRead, linesSkipped: p.linesSkipped };
}

// ---- journals made for the tests ----

const BOOT = '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b';
/** The export line where the last of the 300 test entries starts (journalctl 252 layout). */
const LAST_LINE = 3531;

function le64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/**
 * An export stream of `n` entries: kernel and service lines, a 3000-byte field (journald
 * compresses fields above 512 bytes), a field given twice, binary values with newlines and NULs,
 * non-ASCII text.
 */
function exportStream(n: number): Buffer {
  const parts: Buffer[] = [];
  const f = (k: string, v: string | Buffer) => {
    if (typeof v === 'string' && !v.includes('\n')) parts.push(Buffer.from(`${k}=${v}\n`));
    else {
      const b = typeof v === 'string' ? Buffer.from(v) : v;
      parts.push(Buffer.from(`${k}\n`), le64(b.length), b, Buffer.from('\n'));
    }
  };
  for (let i = 0; i < n; i++) {
    f('__CURSOR', `s=0;i=${i.toString(16)}`);
    f('__REALTIME_TIMESTAMP', String(1700000000000000 + i * 1000));
    f('__MONOTONIC_TIMESTAMP', String(5000000 + i * 1000));
    f('_BOOT_ID', BOOT);
    f('_HOSTNAME', 'web01');
    f('_TRANSPORT', i % 3 === 0 ? 'kernel' : 'stdout');
    f('PRIORITY', String(i % 8));
    f('SYSLOG_IDENTIFIER', i % 3 === 0 ? 'kernel' : 'app');
    if (i % 3) f('_PID', String(100 + (i % 50)));
    if (i % 3 === 0) f('_SOURCE_MONOTONIC_TIMESTAMP', String(4000000 + i * 1000));
    f('MESSAGE', i % 5 === 0 ? 'TCP: time wait bucket table overflow' : i % 19 === 0 ? `multi\nline ${i}` : `message ${i}`);
    if (i % 7 === 0) f('BIG', 'x'.repeat(3000) + i);
    if (i % 11 === 0) f('MESSAGE', 'second message');
    if (i % 13 === 0) f('BIN', Buffer.from([0x61, 10, 0x62, 0, 10, 10, i % 256]));
    if (i % 17 === 0) f('NOTE', 'café — ok');
    if (i % 23 === 0) f('_SYSTEMD_UNIT', `long-${'u'.repeat(600)}.service`);
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** A journal file made by systemd-journal-remote from an export stream (its own layout choices). */
function makeJournal(dir: string, name: string, n: number, env: Record<string, string>): string {
  const src = join(dir, `${name}.export`);
  writeFileSync(src, exportStream(n));
  const out = join(dir, `${name}.journal`);
  const r = spawnSync(REMOTE!, ['-o', out, src], { env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

interface Obj {
  off: number;
  type: number;
  flags: number;
  size: number;
}

/** The objects of a journal file in file order (an independent walk for the tests). */
function objects(b: Buffer): Obj[] {
  const out: Obj[] = [];
  let pos = Number(b.readBigUInt64LE(88));
  while (pos + 16 <= b.length) {
    const type = b[pos]!;
    const size = Number(b.readBigUInt64LE(pos + 8));
    if (type === 0 || size < 16) break;
    out.push({ off: pos, type, flags: b[pos + 1]!, size });
    pos += Math.ceil(size / 8) * 8;
  }
  return out;
}

/** A greedy LZ4 block compressor (to make lz4 DATA objects; journald 252 here writes zstd only). */
function lz4Block(src: Buffer): Buffer {
  const out: number[] = [];
  const len = (n: number) => {
    for (; n >= 255; n -= 255) out.push(255);
    out.push(n);
  };
  const seq = (lit: Buffer, off: number, ml: number) => {
    out.push((Math.min(lit.length, 15) << 4) | (ml ? Math.min(ml - 4, 15) : 0));
    if (lit.length >= 15) len(lit.length - 15);
    out.push(...lit);
    if (!ml) return;
    out.push(off & 255, off >> 8);
    if (ml - 4 >= 15) len(ml - 4 - 15);
  };
  const table = new Map<number, number>();
  let anchor = 0;
  let i = 0;
  while (i + 12 < src.length) {
    const key = src.readUInt32LE(i);
    const cand = table.get(key);
    table.set(key, i);
    if (cand !== undefined && i - cand <= 65535) {
      let ml = 4;
      while (i + ml < src.length - 5 && src[cand + ml] === src[i + ml]) ml++;
      seq(src.subarray(anchor, i), i - cand, ml);
      i += ml;
      anchor = i;
    } else i++;
  }
  seq(src.subarray(anchor), 0, 0);
  return Buffer.concat([le64(src.length), Buffer.from(out)]);
}

const xz = (b: Buffer) => spawnSync('xz', ['-c', '--check=none'], { input: b, maxBuffer: 1 << 28 }).stdout as Buffer;

/**
 * The same journal with its zstd DATA objects recompressed with lz4 or xz: each new object is
 * written in the file's free space after the last object and the entries' items point to it
 * (journalctl reads such a file like any other).
 */
function recompress(file: string, kind: 'lz4' | 'xz'): string {
  const b = Buffer.from(readFileSync(file));
  const compact = (b.readUInt32LE(12) & 16) !== 0;
  const head = compact ? 72 : 64;
  const objs = objects(b);
  let free = objs.at(-1)!.off + Math.ceil(objs.at(-1)!.size / 8) * 8;
  const moved = new Map<number, number>();
  let last = 0;
  for (const o of objs) {
    if (o.type !== 1 || o.flags !== 4) continue;
    const plain = Buffer.from(fzstd.decompress(b.subarray(o.off + head, o.off + o.size)));
    const packed = kind === 'lz4' ? lz4Block(plain) : xz(plain);
    b.set(b.subarray(o.off, o.off + head), free);
    b[free + 1] = kind === 'lz4' ? 2 : 1;
    b.writeBigUInt64LE(BigInt(head + packed.length), free + 8);
    packed.copy(b, free + head);
    moved.set(o.off, free);
    last = free;
    free += Math.ceil((head + packed.length) / 8) * 8;
  }
  for (const o of objs) {
    if (o.type !== 3) continue;
    const n = compact ? (o.size - 64) / 4 : (o.size - 64) / 16;
    for (let i = 0; i < n; i++) {
      const at = o.off + 64 + i * (compact ? 4 : 16);
      const p = compact ? b.readUInt32LE(at) : Number(b.readBigUInt64LE(at));
      const to = moved.get(p);
      if (to === undefined) continue;
      if (compact) b.writeUInt32LE(to, at);
      else b.writeBigUInt64LE(BigInt(to), at);
    }
  }
  b.writeUInt32LE(b.readUInt32LE(12) | (kind === 'lz4' ? 2 : 1), 12);
  b.writeBigUInt64LE(BigInt(last), 136);
  b.writeBigUInt64LE(b.readBigUInt64LE(144) + BigInt(moved.size), 144);
  const out = file.replace(/\.journal$/, `-${kind}.journal`);
  writeFileSync(out, b);
  return out;
}

describe('journal-binary: payload decoders', () => {
  it('decodes an LZ4 block with literals and an overlapping match (systemd: 8-byte size first)', () => {
    // 'abc', then a match 3 back of 9 bytes (overlapping), then literal 'X'
    const block = Buffer.concat([le64(13), Buffer.from([0x35]), Buffer.from('abc'), Buffer.from([3, 0]), Buffer.from([0x10]), Buffer.from('X')]);
    expect(lz4Payload(block)).toEqual({ bytes: Buffer.from('abcabcabcabcX') });
    const big = Buffer.from(`MESSAGE=${'0123456789'.repeat(5000)} tail`);
    expect(lz4Payload(lz4Block(big))).toEqual({ bytes: big });
  });

  it('refuses a bad LZ4 block, and a size above the cap before allocating it', () => {
    expect(lz4Payload(Buffer.concat([le64(13), Buffer.from([0x35]), Buffer.from('abc'), Buffer.from([0, 0]), Buffer.from([0x10]), Buffer.from('X')])))
      .toEqual({ error: 'corrupt lz4 data (match offset at byte 14)' });
    expect(lz4Payload(Buffer.concat([le64(20), Buffer.from([0x10]), Buffer.from('X')]))).toEqual({ error: 'corrupt lz4 data (1 bytes of 20)' });
    expect(lz4Payload(Buffer.concat([le64(2 ** 40), Buffer.from([0x10, 0x41])]))).toEqual({ tooLarge: true });
    expect(lz4Payload(lz4Block(Buffer.alloc(5000, 0x61)), 4096)).toEqual({ tooLarge: true });
  });

  it.skipIf(!XZ || !ZSTD)(`decodes xz and zstd, and stops a payload that expands past the cap${XZ && ZSTD ? '' : ' — skipped: needs xz and zstd'}`, () => {
    const text = Buffer.from(`MESSAGE=${'zero '.repeat(20000)}`);
    expect(xzPayload(xz(text))).toEqual({ bytes: text });
    const zst = spawnSync('zstd', ['-c', '-q'], { input: text }).stdout as Buffer;
    expect(zstdPayload(zst)).toEqual({ bytes: text });
    const bomb = Buffer.alloc(3 << 20);
    expect(xzPayload(xz(bomb), 1 << 20)).toEqual({ tooLarge: true });
    expect(zstdPayload(spawnSync('zstd', ['-c', '-q'], { input: bomb, maxBuffer: 1 << 26 }).stdout as Buffer, 1 << 20)).toEqual({ tooLarge: true });
    expect(xzPayload(xz(text).subarray(0, 40))).toEqual({ error: 'corrupt xz data (No progress is possible)' });
    expect('error' in zstdPayload(zst.subarray(0, zst.length - 9))).toBe(true);
  });

  it('decides text or binary as journalctl -o export does (utf8_is_printable_newline)', () => {
    const cases: [string | number[], boolean][] = [
      ['MESSAGE=hello', true], ['MESSAGE=a\tb', true], ['MESSAGE=café — ok', true], ['MESSAGE=a\nb', false],
      ['MESSAGE=a\rb', false], ['MESSAGE=\x7f', false], [[0x41, 0x3d, 0xc2, 0x85], false] /* C1 NEL */,
      [[0x41, 0x3d, 0xef, 0xbf, 0xbe], false] /* U+FFFE */, [[0x41, 0x3d, 0xef, 0xb7, 0x90], false] /* U+FDD0 */,
      [[0x41, 0x3d, 0xc0, 0xaf], false] /* overlong '/' */, [[0x41, 0x3d, 0xff], false], [[0x41, 0x3d, 0xed, 0xa0, 0x80], false] /* surrogate */,
      [[0x41, 0x3d, 0xf0, 0x9f, 0x98, 0x80], true] /* emoji */, [[0x41, 0x3d, 0], false],
    ];
    for (const [c, want] of cases) expect([c, printableForExport(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c))]).toEqual([c, want]);
  });
});

describe.skipIf(!TOOLS)(TOOLS ? 'journal-binary: journals made by systemd-journal-remote' : `journal-binary: journals made by systemd-journal-remote — ${NO_TOOLS}`, () => {
  const t = tempDir();
  afterAll(t.cleanup);
  const files: Record<string, string> = {};
  beforeAll(() => {
    files.regular = makeJournal(t.dir, 'regular', 300, { SYSTEMD_JOURNAL_COMPACT: '0', SYSTEMD_JOURNAL_KEYED_HASH: '0' });
    files.compact = makeJournal(t.dir, 'compact', 300, { SYSTEMD_JOURNAL_COMPACT: '1', SYSTEMD_JOURNAL_KEYED_HASH: '1' });
    files['regular-lz4'] = recompress(files.regular, 'lz4');
    files['compact-lz4'] = recompress(files.compact, 'lz4');
    files['regular-xz'] = recompress(files.regular, 'xz');
    files['compact-xz'] = recompress(files.compact, 'xz');
  }, 60_000);

  const FLAGS: Record<string, string> = {
    regular: 'COMPRESSED-ZSTD', compact: 'COMPRESSED-ZSTD KEYED-HASH COMPACT',
    'regular-lz4': 'COMPRESSED-LZ4 COMPRESSED-ZSTD', 'compact-lz4': 'COMPRESSED-LZ4 COMPRESSED-ZSTD KEYED-HASH COMPACT',
    'regular-xz': 'COMPRESSED-XZ COMPRESSED-ZSTD', 'compact-xz': 'COMPRESSED-XZ COMPRESSED-ZSTD KEYED-HASH COMPACT',
  };
  for (const shape of Object.keys(FLAGS)) {
    it(`${shape}: every row equals the export parser's on journalctl -o export`, () => {
      const buf = readFileSync(files[shape]!);
      const header = spawnSync('journalctl', ['--file', files[shape]!, '--header'], { encoding: 'utf8' }).stdout;
      expect(/Incompatible flags: (.*)/.exec(header)![1]).toBe(FLAGS[shape]);
      const datas = objects(buf).filter((o) => o.type === 1);
      const compressed = { 'COMPRESSED-ZSTD': 4, 'COMPRESSED-LZ4': 2, 'COMPRESSED-XZ': 1 }[FLAGS[shape]!.split(' ')[0]!]!;
      expect(datas.filter((o) => o.flags === compressed).length).toBe(44); // BIG ×43 + the one long _SYSTEMD_UNIT value
      const want = exportRows(files[shape]!);
      const got = nativeRows(buf);
      expect(got.rows).toEqual(want);
      expect(got.issues).toEqual([]);
      expect([got.linesRead, got.linesSkipped, got.rows.length]).toEqual([300, 0, 300]);
      // A few values that matter, exactly.
      expect(got.rows[0]).toEqual({
        host: 'web01', ts: 1700000000000000, ts_quality: 'exact', boot_id: BOOT, mono_us: 4000000, ident: 'kernel', pid: null,
        unit: `long-${'u'.repeat(600)}.service`, priority: 0, facility: null, transport: 'kernel',
        message: 'TCP: time wait bucket table overflow', line_no: 1,
      });
      expect(got.rows[19]!.message).toBe('multi\nline 19');
      expect(got.rows[17]!.pid).toBe(117);
      expect(got.rows.at(-1)!.line_no).toBe(LAST_LINE);
    });
  }

  it('a stream larger than the in-memory limit is read from an unlinked temporary file, with the same rows', () => {
    const buf = readFileSync(files['compact-lz4']!);
    const inMemory = nativeRows(buf);
    // 8 MiB through 1 MiB blocks; chunks of 300 001 bytes put objects across chunk and block borders
    const spilled = nativeRows(buf, 300_001, 1 << 20);
    expect(spilled.rows.length).toBe(300);
    expect(spilled.rows).toEqual(inMemory.rows);
    expect(spilled.issues).toEqual([]);
    expect(nativeRows(buf, 4096).rows).toEqual(inMemory.rows);
  });

  it('bundlescope ingest takes a journal file as a side file (detected by its signature), xz-compressed too', async () => {
    const file = join(t.dir, 'side', 'system@0001.journal~');
    mkdirSync(join(t.dir, 'side'), { recursive: true });
    writeFileSync(file, readFileSync(files['compact-xz']!));
    writeFileSync(`${file}.xz`, xz(readFileSync(files['regular-lz4']!)));
    for (const [db, f] of [['side1.duckdb', file], ['side2.duckdb', `${file}.xz`]] as const) {
      const r = await runCli(['ingest', '--db', join(t.dir, db), f]);
      expect(r.code).toBe(0);
      expect((r.out + r.err).split('\n').filter((l) => l.startsWith('loaded'))).toEqual([`loaded    journal-binary ${f}: 320 rows (overflow_events 20, log_events 300)`]);
    }
    // both in one database: the same entries in two layouts are stored once (overlap, issue 18)
    const r = await runCli(['ingest', '--db', join(t.dir, 'side.duckdb'), file, `${file}.xz`]);
    expect(r.code).toBe(0);
    expect((r.out + r.err).split('\n').filter((l) => /^(loaded|overlap)/.test(l)).map((l) => l.replace(/:.*/, ''))).toEqual([
      `loaded    journal-binary ${file}`,
      `overlap   journal-binary ${file}.xz host web01`,
    ]);
  });

  it('a sosreport with var/log/journal/<machine-id>/system.journal (sos --all-logs) loads its rows under the bundle host', async () => {
    const root = join(t.dir, 'sos', 'sosreport-db7-2026-03-12-abcdefg');
    mkdirSync(join(root, 'sos_commands/host'), { recursive: true });
    mkdirSync(join(root, 'var/log/journal/46eff2c0526d485fa8103457ae6f7146'), { recursive: true });
    writeFileSync(join(root, 'sos_commands/host/hostname'), 'db7\n');
    writeFileSync(join(root, 'var/log/journal/46eff2c0526d485fa8103457ae6f7146/system.journal'), readFileSync(files.compact!));
    writeFileSync(join(root, 'var/log/journal/46eff2c0526d485fa8103457ae6f7146/user-1000.journal~'), readFileSync(files['regular-lz4']!));
    const store = await openStore(join(t.dir, 'sos.duckdb'));
    try {
      const [r] = await ingestPaths(store, [root]);
      expect([r!.status, r!.rows.log_events, r!.rows.overflow_events]).toEqual(['loaded', 600, 40]);
      const q = await store.conn.runAndReadAll(`SELECT s.path, s.kind, count(*), min(e.host), max(e.host)
        FROM log_events e JOIN sources s USING (source_id) GROUP BY ALL ORDER BY 1`);
      expect(q.getRows()).toEqual([
        ['sosreport-db7-2026-03-12-abcdefg/var/log/journal/46eff2c0526d485fa8103457ae6f7146/system.journal', 'journal-binary', 300n, 'db7', 'db7'],
        ['sosreport-db7-2026-03-12-abcdefg/var/log/journal/46eff2c0526d485fa8103457ae6f7146/user-1000.journal~', 'journal-binary', 300n, 'db7', 'db7'],
      ]);
    } finally {
      store.close();
    }
  });

  it('a file cut at any of several offsets keeps every whole entry before the cut and says where it stopped', () => {
    const full = readFileSync(files.regular!);
    const all = nativeRows(full).rows;
    const objs = objects(full);
    const entries = objs.filter((o) => o.type === 3);
    const end = objs.at(-1)!.off + objs.at(-1)!.size;
    const cuts = [entries[0]!.off + 8, entries[100]!.off + entries[100]!.size, entries[150]!.off + 30, entries[299]!.off + 40, end - 3];
    for (const cut of cuts) {
      const got = nativeRows(full.subarray(0, cut));
      const whole = entries.filter((e) => e.off + e.size <= cut).length;
      expect([cut, got.rows.length]).toEqual([cut, whole]);
      expect(got.rows).toEqual(all.slice(0, whole));
      const codes = got.issues.map((i) => i.code);
      expect(codes[0]).toBe('truncated-journal');
      expect(got.issues[0]!.text).toBe(`file of ${cut} bytes, its header says ${full.length}`);
      expect(codes).toContain('journal-stopped');
      const stopped = got.issues.find((i) => i.code === 'journal-stopped')!;
      expect(stopped.severity).toBe('error');
      expect(stopped.text).toMatch(/^offset \d+: /);
    }
  });

  it('an ONLINE file whose last entry was not linked yet keeps it, and says journalctl would not show it', () => {
    const b = Buffer.from(readFileSync(files.regular!));
    b[16] = 1; // state ONLINE
    // Unlink the last entry: zero its slot in the global entry array chain.
    const lastEntry = objects(b).filter((o) => o.type === 3).at(-1)!.off;
    let arr = Number(b.readBigUInt64LE(176));
    let slot = -1;
    while (arr !== 0 && slot < 0) {
      const size = Number(b.readBigUInt64LE(arr + 8));
      for (let i = 0; i < (size - 24) / 8; i++) if (Number(b.readBigUInt64LE(arr + 24 + i * 8)) === lastEntry) slot = arr + 24 + i * 8;
      arr = Number(b.readBigUInt64LE(arr + 16));
    }
    b.writeBigUInt64LE(0n, slot);
    const file = join(t.dir, 'online.journal');
    writeFileSync(file, b);
    const want = exportRows(file);
    expect(want.length).toBe(299);
    const got = nativeRows(b);
    expect(got.rows.slice(0, 299)).toEqual(want);
    expect(got.rows).toEqual(nativeRows(readFileSync(files.regular!)).rows);
    expect(got.issues.map((i) => [i.code, i.text])).toEqual([
      ['journal-online', 'state ONLINE'],
      ['unlinked-entries', `1 entries from line ${LAST_LINE}`],
    ]);
  });

  it('a damaged DATA object shared by every entry leaves that field out of each row, with issues (listed up to 1000, the rest counted)', () => {
    const b = Buffer.from(readFileSync(files.regular!));
    let damaged = 0;
    for (const o of objects(b)) {
      if (o.type !== 1 || o.flags !== 0) continue;
      const payload = b.toString('latin1', o.off + 64, o.off + o.size);
      if (/^(?:_HOSTNAME|_TRANSPORT|PRIORITY|SYSLOG_IDENTIFIER)=/.test(payload)) {
        b[o.off] = 9; // no longer a DATA object
        damaged++;
      }
    }
    expect(damaged).toBe(1 + 2 + 8 + 2);
    const got = nativeRows(b);
    expect(got.rows.length).toBe(300);
    expect(got.rows.slice(0, 2).map((r) => [r.host, r.transport, r.priority, r.ident, r.message, r.line_no])).toEqual([
      [null, null, null, null, 'TCP: time wait bucket table overflow', 1],
      [null, null, null, null, 'message 1', 17], // 4 header lines, 7 text items, BIN (2 + its 3 newlines), the empty line
    ]);
    expect(got.issues.length).toBe(1001);
    // The first entry's first damaged item, found by reading its items (regular layout: offset, hash).
    const first = objects(b).find((o) => o.type === 3)!;
    const items = Array.from({ length: (first.size - 64) / 16 }, (_, i) => Number(b.readBigUInt64LE(first.off + 64 + i * 16)));
    const bad = items.findIndex((p) => b[p] === 9);
    expect(got.issues[0]).toEqual({
      code: 'bad-data-object', file: 'system.journal', line: null, text: `entry at line 1 (offset ${first.off}), item ${bad}`,
      expected: `a DATA object (object at offset ${items[bad]} has type 9, not 1); the field is left out`, severity: 'warning',
    });
    expect(got.issues.at(-1)!.text).toBe('200 more: bad-data-object ×200');
  });

  it('random byte corruption never crashes or hangs: rows, issues, or a ParseError (seeded, 200 files)', () => {
    const base = readFileSync(files.compact!);
    const objs = objects(base);
    const start = objs.find((o) => o.type === 1)!.off; // past the hash tables
    const end = objs.at(-1)!.off + objs.at(-1)!.size;
    let seed = 20;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const t0 = Date.now();
    let parsed = 0;
    let refused = 0;
    for (let k = 0; k < 200; k++) {
      const b = Buffer.from(base.subarray(0, end));
      const flips = 1 + Math.floor(rand() * 20);
      for (let i = 0; i < flips; i++) {
        const at = rand() < 0.1 ? Math.floor(rand() * 272) : start + Math.floor(rand() * (end - start));
        b[at] = Math.floor(rand() * 256);
      }
      try {
        const r = readJournalBuffer(b, ctx());
        expect(r.rows.length).toBeLessThanOrEqual(300 + 300);
        parsed++;
      } catch (e) {
        expect(e, String((e as Error).stack)).toBeInstanceOf(ParseError);
        refused++;
      }
    }
    expect(parsed + refused).toBe(200);
    expect(parsed).toBeGreaterThan(150);
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 60_000);
});

describe('journal-binary: refusals', () => {
  it('a file without the signature, a header cut short, unknown incompatible flags: ParseError naming the file', () => {
    const err = (b: Buffer) => {
      try {
        readJournalBuffer(b, ctx('x.journal'));
      } catch (e) {
        return (e as BundlescopeError).format();
      }
      return 'no error';
    };
    expect(err(Buffer.from('LPKSHHRX'.padEnd(300, '\0')))).toBe('error[not-a-journal] x.journal: not a systemd journal file (no LPKSHHRH signature)');
    expect(err(Buffer.from('LPKSHHRH'.padEnd(100, '\0')))).toBe('error[truncated-journal] x.journal: a systemd journal file cut short inside its header (100 bytes of at least 208)');
    const h = Buffer.alloc(272);
    h.write('LPKSHHRH');
    h.writeBigUInt64LE(272n, 88);
    h.writeUInt32LE(1 << 5 | 8, 12);
    expect(err(h)).toBe('error[unsupported-journal] x.journal: a systemd journal file with incompatible flags 0x20 this reader does not know (it knows xz, lz4, zstd, keyed-hash, compact): read it with a newer journalctl (journalctl --file F -o export)');
    h.writeUInt32LE(8, 12);
    expect(readJournalBuffer(h, ctx())).toEqual({ rows: [], issues: [], entriesRead: 0, entriesSkipped: 0 });
  });
});

describeRealworld('journal-binary: systemd test journals', () => {
  const dir = join(REALWORLD, 'systemd/test/test-journals');
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const unzst = (p: string) => Buffer.from(fzstd.decompress(readFileSync(join(dir, p))));

  it.skipIf(!JOURNALCTL)(`no-rtc/system.journal (ONLINE, zstd, keyed hash): rows equal journalctl -o export's${JOURNALCTL ? '' : ' — skipped: journalctl missing'}`, () => {
    const buf = unzst('no-rtc/system.journal.zst');
    const file = join(tmp.dir, 'system.journal');
    writeFileSync(file, buf);
    const want = exportRows(file);
    const got = nativeRows(buf);
    expect(got.rows.length).toBe(1922);
    expect(got.rows).toEqual(want);
    expect(got.issues.map((i) => i.code)).toEqual(['journal-online']);
  });

  it('the corrupted ones (journalctl aborts on two of them) give rows or issues, never a crash', () => {
    const said: Record<string, unknown> = {};
    for (const f of ['afl-id000000-sig06-src000711-MOpt_havoc', 'afl-id000000-src000031-havoc', 'zstd-truncated-frame']) {
      const r = readJournalBuffer(unzst(`corrupted/${f}.journal.zst`), ctx());
      said[f] = [r.rows.length, r.entriesRead, r.issues.map((i) => [i.code, i.text, i.expected])];
    }
    expect(said).toEqual({
      // journalctl: "Assertion 'last_index <= right' failed … Aborting."
      'afl-id000000-sig06-src000711-MOpt_havoc': [0, 0, [['journal-stopped',
        'offset 696320: entry: offset 696320 is past the end of the readable file (65520 bytes)',
        'a readable entry array chain; read 0 entries, then whole entries by scanning objects up to offset 256']]],
      // journalctl prints one entry of garbage with no MESSAGE (no row either way)
      'afl-id000000-src000031-havoc': [0, 0, [['journal-stopped',
        'offset 3816: entry: object at offset 3816 (12336 bytes) runs past the end of the readable file (12640 bytes)',
        'a readable entry array chain; read 0 entries, then whole entries by scanning objects up to offset 304']]],
      // journalctl: "Assertion 'output.pos >= size' failed … decompress_blob_zstd(). Aborting."
      'zstd-truncated-frame': [0, 1, [
        ['bad-data-object', 'entry at line 1 (offset 344), item 0', 'a readable DATA object at offset 272 (corrupt zstd data (unexpected EOF)); the field is left out'],
        ['no-message', 'entry at line 1 (offset 344)', 'a journal entry with a MESSAGE field'],
      ]],
    });
  });
});
