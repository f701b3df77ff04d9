/**
 * Zip archives (a customer's `zip -r logs.zip /var/log`, Windows' "Send to compressed folder"):
 * every regular member written, one after the other, to a file of OUR naming in the private
 * temporary folder, never to a path made from its name. Read with yauzl (random access from an
 * fd: the central directory first, then each member's local header and data), with its own
 * checks off so that one bad member is refused alone rather than ending the whole archive, and
 * ours on instead:
 *
 * - names: absolute, drive letters, `..` components (safeMemberPath) → `unsafe-path`;
 * - the same name twice (after normalising) → `duplicate-member`, the first one is read;
 * - two entries over the same bytes of the file (the overlap zip bomb, or one local entry
 *   listed twice) → `overlapping-member`, the first one (by offset) is read;
 * - a central directory that lies: sizes or names that disagree with the local header, a stored
 *   member whose two sizes differ, an offset where no local header is, more data than declared
 *   when inflating, a CRC-32 that does not match → `zip-mismatch`, the member refused;
 * - an entry count beyond the end of the central directory → `zip-truncated`, the entries
 *   before it kept;
 * - encrypted members, compression methods other than stored and deflate → `unsupported-member`.
 *
 * Memory stays bounded: members are streamed to disk, the declared sizes are checked against
 * --max-member-bytes and --max-total-bytes before a byte is inflated, and inflating stops at the
 * declared size (a member that claims 10 bytes cannot write 10 GB).
 */
import { createWriteStream, utimesSync, rmSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry as ZipEntry, ZipFile } from 'yauzl';
import { SafetyError } from '../errors.js';
import type { Issue } from '../model.js';
import { issue } from '../formats/kit/lines.js';
import { safeMemberPath, type Limits } from './tree.js';

export interface SpilledMember {
  /** The member's normalised path inside the archive. */
  name: string;
  /** Where its bytes are (a file of our naming in the temporary folder). */
  diskPath: string;
  /** Its modification time, ms since the epoch (null when the zip does not say). */
  mtimeMs: number | null;
}

export interface SpilledArchive {
  members: SpilledMember[];
  /** Members refused or cut short, naming `<archive>/<member>` or the archive. */
  issues: Issue[];
  /** The archive ended early or its central directory is damaged; what was read before is kept. */
  truncated: boolean;
}

/** The first bytes of a zip archive: a local file header, or the end record of an empty one. */
export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b
    && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

const open = (file: string) => new Promise<ZipFile>((resolve, reject) => {
  yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, autoClose: false }, (err, zf) => (err ? reject(err) : resolve(zf!)));
});

/**
 * The central directory one entry at a time (null at its end): only the entry being read is
 * held, whatever count the archive claims. A damaged directory rejects.
 */
function entryReader(zf: ZipFile): () => Promise<ZipEntry | null> {
  let pending: { resolve: (e: ZipEntry | null) => void; reject: (err: Error) => void } | null = null;
  zf.on('entry', (e: ZipEntry) => pending?.resolve(e));
  zf.on('end', () => pending?.resolve(null));
  zf.on('error', (err: Error) => pending?.reject(err));
  return () => new Promise((resolve, reject) => {
    pending = { resolve, reject };
    zf.readEntry();
  });
}

interface LocalHeader {
  fileDataStart: number;
  generalPurposeBitFlag: number;
  compressedSize: number;
  uncompressedSize: number;
  fileName: Buffer;
}

const localHeader = (zf: ZipFile, e: ZipEntry) => new Promise<LocalHeader>((resolve, reject) => {
  zf.readLocalFileHeader(e, {}, (err, h) => (err ? reject(err) : resolve(h as unknown as LocalHeader)));
});

const dataStream = (zf: ZipFile, start: number, e: ZipEntry) => new Promise<NodeJS.ReadableStream>((resolve, reject) => {
  zf.openReadStreamLowLevel(start, e.compressedSize, 0, e.compressedSize, e.compressionMethod === 8, e.uncompressedSize,
    (err, s) => (err ? reject(err) : resolve(s!)));
});

/** Why a member cannot be kept (an issue's text), or null when it was written whole. */
async function writeMember(zf: ZipFile, start: number, e: ZipEntry, dest: string, budget: { left: number }): Promise<string | null> {
  const src = await dataStream(zf, start, e);
  const out = createWriteStream(dest);
  let n = 0;
  let crc = 0;
  let why: string | null = null;
  try {
    for await (const c of src as AsyncIterable<Buffer>) {
      n += c.length;
      if (n > e.uncompressedSize) {
        why = `more data than the ${e.uncompressedSize} bytes its central directory entry declares`;
        break;
      }
      budget.left -= c.length;
      crc = zlibCrc32(c, crc);
      if (!out.write(c)) await new Promise<void>((r) => { out.once('drain', r); out.once('error', () => r()); });
    }
  } catch (err) {
    why = `damaged data: ${(err as Error).message}`;
  } finally {
    (src as unknown as { destroy?: () => void }).destroy?.();
    await new Promise<void>((r) => out.end(() => r()));
  }
  if (!why && n !== e.uncompressedSize) why = `${n} bytes of data where its central directory entry declares ${e.uncompressedSize}`;
  if (!why && (crc >>> 0) !== e.crc32) why = `CRC-32 ${(crc >>> 0).toString(16)} where its central directory entry declares ${e.crc32.toString(16)}`;
  return why;
}

/**
 * Write every regular member of a zip to `dest()` files; `shown` is how the archive is named in
 * issues. Throws a SafetyError for what refuses the whole archive (more members than
 * --max-members, declared sizes over --max-total-bytes) and when it is no readable zip at all.
 */
export async function spillZip(file: string, shown: string, limits: Limits, dest: () => string): Promise<SpilledArchive> {
  let zf: ZipFile;
  try {
    zf = await open(file);
  } catch (e) {
    throw new SafetyError('corrupt-archive', `not a readable zip archive: ${(e as Error).message}`, shown);
  }
  const out: SpilledArchive = { members: [], issues: [], truncated: false };
  const refuse = (code: string, name: string, text: string, expected: string) =>
    out.issues.push(issue(code, `${shown}/${name}`, null, text, expected, 'error'));
  try {
    const seen = new Set<string>();
    // Byte ranges [local header, end of data) of the members read, sorted by start: a new one
    // that meets any of them shares bytes with it.
    const ranges: [number, number][] = [];
    const overlaps = (a: number, b: number) => {
      let lo = 0;
      let hi = ranges.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ranges[mid]![0] < b) lo = mid + 1;
        else hi = mid;
      }
      // (the ranges kept never meet, so their ends are sorted too: only the last one starting
      // before b can reach past a)
      return lo > 0 && ranges[lo - 1]![1] > a;
    };
    const budget = { left: limits.maxTotalBytes };
    const next = entryReader(zf);
    let count = 0;
    for (;;) {
      let e: ZipEntry | null;
      try {
        e = await next();
      } catch (err) {
        out.truncated = true;
        out.issues.push(issue('zip-truncated', shown, null, (err as Error).message.slice(0, 200),
          `a complete central directory of ${zf.entryCount} entries; kept the ${count} entries read before the damage`, 'error'));
        break;
      }
      if (e == null) break;
      if (++count > limits.maxMembers) throw new SafetyError('too-many-members', `archive has more than ${limits.maxMembers} members`, shown);
      const raw = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, e.fileName as unknown as Buffer, e.extraFields, false);
      const label = raw.slice(0, 200);
      if (raw.endsWith('/') || raw.endsWith('\\')) continue; // a folder
      const name = safeMemberPath(raw);
      if (name == null || raw.startsWith('/') || raw.startsWith('\\')) {
        refuse('unsafe-path', label, label, 'a relative member path inside the archive (no leading /, no drive letter, no ..); not read');
        continue;
      }
      if (seen.has(name)) {
        refuse('duplicate-member', name, label, 'each member name once; the first member of this name was read, this one is not');
        continue;
      }
      seen.add(name);
      if (e.isEncrypted() || (e.compressionMethod !== 0 && e.compressionMethod !== 8)) {
        refuse('unsupported-member', name, e.isEncrypted() ? 'encrypted' : `compression method ${e.compressionMethod}`, 'a member stored or deflated, not encrypted (unzip it and give the folder)');
        continue;
      }
      if (e.compressionMethod === 0 && e.compressedSize !== e.uncompressedSize) {
        refuse('zip-mismatch', name, `stored member of ${e.compressedSize} bytes that its central directory says expand to ${e.uncompressedSize}`, 'the same size twice for a stored member; not read');
        continue;
      }
      if (e.uncompressedSize > limits.maxMemberBytes) {
        refuse('member-too-large', name, `${e.uncompressedSize} bytes`, `at most ${limits.maxMemberBytes} bytes (limit --max-member-bytes); not read`);
        continue;
      }
      if (e.uncompressedSize > budget.left) {
        throw new SafetyError('too-large', `archive expands to more than ${limits.maxTotalBytes} bytes (limit --max-total-bytes)`, shown);
      }
      let h: LocalHeader;
      try {
        h = await localHeader(zf, e);
      } catch (err) {
        refuse('zip-mismatch', name, `${(err as Error).message} (central directory offset ${e.relativeOffsetOfLocalHeader})`, 'a local header where the central directory points; not read');
        continue;
      }
      const range: [number, number] = [e.relativeOffsetOfLocalHeader, h.fileDataStart + e.compressedSize];
      if (overlaps(range[0], range[1])) {
        refuse('overlapping-member', name, `bytes ${range[0]}–${range[1]} of the archive, which another member holds already`,
          'members that do not share bytes (an overlap is how a zip bomb multiplies its data); not read');
        continue;
      }
      // (the name's bytes: a Unicode path extra field may decode the central one differently)
      const sameName = h.fileName.equals(e.fileName as unknown as Buffer);
      // Sizes in the local header are 0 with a data descriptor (bit 3) and 0xffffffff with zip64.
      const sizesKnown = (h.generalPurposeBitFlag & 8) === 0;
      const differ = (local: number, central: number) => sizesKnown && local !== 0xffffffff && local !== central;
      if (!sameName || differ(h.compressedSize, e.compressedSize) || differ(h.uncompressedSize, e.uncompressedSize)) {
        refuse('zip-mismatch', name,
          `central directory: ${label}, ${e.compressedSize}→${e.uncompressedSize} bytes; local header: ${h.fileName.toString('latin1').slice(0, 200)}, ${h.compressedSize}→${h.uncompressedSize} bytes`,
          'a central directory entry that agrees with its local header; not read');
        continue;
      }
      let at = ranges.length;
      while (at > 0 && ranges[at - 1]![0] > range[0]) at--;
      ranges.splice(at, 0, range);
      const disk = dest();
      const why = await writeMember(zf, h.fileDataStart, e, disk, budget);
      if (why) {
        rmSync(disk, { force: true });
        refuse('zip-mismatch', name, why, 'data that agrees with its central directory entry; not read');
        continue;
      }
      let mtime: number | null = e.getLastModDate().getTime();
      if (!Number.isFinite(mtime)) mtime = null;
      else utimesSync(disk, mtime / 1000, mtime / 1000);
      out.members.push({ name, diskPath: disk, mtimeMs: mtime });
    }
  } finally {
    zf.close();
  }
  return out;
}
