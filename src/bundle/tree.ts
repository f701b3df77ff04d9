/*
 * (Over 400 lines, on purpose: the Tree and its two builders — an extracted folder, a streamed
 * archive — share one set of rules for links (chroot semantics), limits and the byte budget, and
 * are reviewed together; tar.ts holds the tar format itself.)
 */
import { createReadStream, createWriteStream, lstatSync, readdirSync, readFileSync, readlinkSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { readTar, TarFormatError, DEFAULT_TAR_LIMITS, type EntrySink, type TarEntry } from './tar.js';
import { autoDecompress, DEFAULT_ZSTD_WINDOW } from '../io/decompress.js';
import { SafetyError } from '../errors.js';
import { issue } from '../formats/kit/lines.js';
import type { Issue } from '../model.js';

/**
 * A bundle's file tree, from an extracted directory or streamed from an archive, with its
 * links kept as links. Paths are '/'-separated, relative to the archive (or directory) root.
 * Links resolve inside the tree only ("chroot" semantics): a target that climbs above the
 * root is refused, an absolute target is read relative to the root. Nothing on the real
 * filesystem outside the input is ever touched.
 */
export type Entry =
  | { type: 'file'; size: number; data?: Buffer; diskPath?: string; /** archive members: modification time, ms since the epoch */ mtimeMs?: number }
  | { type: 'link'; target: string }
  | { type: 'dir' };

export interface Limits {
  /** Cap on the total uncompressed bytes read from an archive. */
  maxTotalBytes: number;
  /** Cap on one member's size (members above it are skipped with an issue). */
  maxMemberBytes: number;
  /** Cap on the number of members. */
  maxMembers: number;
  /** Largest zstd window a frame may ask for (decompress.ts ZstdFrameGuard). */
  maxZstdWindow: number;
}

/** Caps on member names and link targets in archives (an `unsafe-path` / `unsafe-link` issue beyond). */
export const TAR_LIMITS = DEFAULT_TAR_LIMITS;

export const DEFAULT_LIMITS: Limits = {
  maxTotalBytes: 16 * 1024 ** 3,
  maxMemberBytes: 1024 ** 3,
  maxMembers: 2_000_000,
  maxZstdWindow: DEFAULT_ZSTD_WINDOW,
};

/** Files of an extracted bundle from this size on are streamed, never read whole (readFileSync stops at 2 GiB); tests lower it. */
export const folderStream = { minBytes: 2 ** 31 - 1 };

/**
 * Bundle members from this size on stay on disk: an archive's are written to the process's
 * temporary folder as it is read (readTree in ingest/bundle.ts), an extracted folder's are its
 * own files; the plan hands them over by path (plan.ts PlanItem.diskPath) and they are read from
 * there — by their format's SQL loader (DuckDB reads the file) or streamed through the line
 * parser —, never held whole. (A 450 MB sosreport held all its logs: 743 MiB of a 1.76 GB peak.)
 * Tests lower it.
 */
export const memberOnDisk = { minBytes: 8 * 1024 * 1024 };

export class Tree {
  readonly entries = new Map<string, Entry>();
  readonly children = new Map<string, Set<string>>();
  readonly issues: Issue[] = [];
  /** The archive ended early or was damaged; what was read before is kept. */
  truncated = false;
  /** sha256 of the uncompressed archive stream (archives only). */
  sha256: string | null = null;
  /** Bytes the input took from the budget (--max-total-bytes): the whole decompressed tar, or a folder's wanted files. */
  bytesRead = 0;
  /** What dispose() does: remove the members an archive's reader wrote to disk (readTree). */
  readonly disposers: (() => void)[] = [];

  constructor(readonly label: string) {
    this.entries.set('', { type: 'dir' });
  }

  add(path: string, entry: Entry): void {
    if (path === '') return;
    this.entries.set(path, entry);
    // Parent directories appear implicitly (archives may omit directory members).
    let p = path;
    while (p !== '') {
      const i = p.lastIndexOf('/');
      const parent = i < 0 ? '' : p.slice(0, i);
      const name = i < 0 ? p : p.slice(i + 1);
      let set = this.children.get(parent);
      if (!set) this.children.set(parent, (set = new Set()));
      if (set.has(name)) break;
      set.add(name);
      if (!this.entries.has(parent)) this.entries.set(parent, { type: 'dir' });
      p = parent;
    }
  }

  /**
   * Follow links through every component of `path` (relative to `base`, default the root).
   * Returns the real path, or null when it does not exist, loops, or would leave the tree.
   */
  resolve(path: string, base = ''): string | null {
    let hops = 0;
    // Components still to walk, last first: a link's target is pushed in reverse, never spread
    // into a call (a 300k-component target overflowed the stack), and no array is shifted.
    const todo = splitPath(path).reverse();
    const cur: string[] = base ? base.split('/') : [];
    while (todo.length) {
      const c = todo.pop()!;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        if (cur.length === 0) return null; // climbing above the root: refused
        cur.pop();
        continue;
      }
      const next = cur.length ? cur.join('/') + '/' + c : c;
      const e = this.entries.get(next);
      if (!e) return null;
      if (e.type === 'link') {
        if (++hops > 40) return null;
        const t = e.target;
        if (t.startsWith('/')) cur.length = 0;
        const parts = splitPath(t);
        for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]!);
        continue;
      }
      cur.push(c);
    }
    return cur.join('/');
  }

  /** The entry at a logical path (links followed), with its real path. */
  get(path: string, base = ''): { real: string; entry: Entry } | null {
    const real = this.resolve(path, base);
    if (real == null) return null;
    const entry = this.entries.get(real);
    return entry ? { real, entry } : null;
  }

  /** Names in a logical directory (links followed for the directory itself). */
  list(dir: string, base = ''): string[] {
    const real = this.resolve(dir, base);
    if (real == null) return [];
    return [...(this.children.get(real) ?? [])].sort();
  }

  read(path: string, base = ''): { real: string; data: Buffer } | null {
    const g = this.get(path, base);
    if (!g || g.entry.type !== 'file') return null;
    const e = g.entry;
    if (e.data) return { real: g.real, data: e.data };
    if (e.diskPath && e.size >= folderStream.minBytes) return null; // streamed by its plan item, never held
    if (e.diskPath) return { real: g.real, data: readFileSync(e.diskPath) };
    return null;
  }

  /** A file with bytes to read (held, or on disk), found without reading it. */
  has(path: string, base = ''): boolean {
    const e = this.get(path, base)?.entry;
    return e?.type === 'file' && (e.data != null || e.diskPath != null);
  }

  /** Done with the tree: what its reader wrote to disk goes. Idempotent. */
  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
  }

  /** Real paths of all regular files under a logical directory, recursively (links not followed below it). */
  walkFiles(dir: string, base = ''): string[] {
    const real = this.resolve(dir, base);
    if (real == null) return [];
    const out: string[] = [];
    const stack = [real];
    while (stack.length) {
      const d = stack.pop()!;
      for (const name of this.children.get(d) ?? []) {
        const p = d ? d + '/' + name : name;
        const e = this.entries.get(p);
        if (e?.type === 'file') out.push(p);
        else if (e?.type === 'dir') stack.push(p);
      }
    }
    return out.sort();
  }
}

function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c !== '');
}

/** Normalise an archive member name; null when it is unsafe (absolute, `..`, empty). */
export function safeMemberPath(name: string): string | null {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return null;
  const parts = name.replace(/\\/g, '/').split('/').filter((c) => c !== '' && c !== '.');
  if (parts.length === 0 || parts.some((c) => c === '..')) return null;
  return parts.join('/');
}

/**
 * A relative link target that climbs above the bundle's root from the link's folder (`../../x`
 * from `etc/a`). An absolute target is read inside the bundle (chroot semantics) and does not
 * leave; a climb through another link is refused by resolve() all the same, without this notice.
 */
export function linkLeaves(path: string, target: string): boolean {
  if (target.startsWith('/')) return false;
  let depth = path.split('/').length - 1;
  for (const c of target.split('/')) {
    if (c === '..') {
      if (--depth < 0) return true;
    } else if (c !== '' && c !== '.') depth++;
  }
  return false;
}

/** Load a directory tree: lstat + readlink only; file contents are read on demand. */
export function treeFromDirectory(root: string, wanted: (path: string) => boolean, limits = DEFAULT_LIMITS): Tree {
  const tree = new Tree(root);
  let count = 0;
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(join(root, rel));
    } catch (e) {
      tree.issues.push(issue('unreadable', join(root, rel), null, (e as Error).message, 'a readable directory'));
      continue;
    }
    for (const name of names) {
      const p = rel ? rel + '/' + name : name;
      if (++count > limits.maxMembers) throw new SafetyError('too-many-members', `more than ${limits.maxMembers} entries`, root);
      let st;
      try {
        st = lstatSync(join(root, p));
      } catch {
        continue;
      }
      if (st.isSymbolicLink()) {
        const target = readlinkSync(join(root, p));
        // (kept: resolve() refuses it, so it reads as absent; the issue says why)
        if (linkLeaves(p, target)) tree.issues.push(issue('unsafe-link', join(root, p), null, `${p} -> ${target}`, 'a link that stays inside the bundle; read as absent', 'warning'));
        tree.add(p, { type: 'link', target });
      } else if (st.isDirectory()) {
        tree.add(p, { type: 'dir' });
        stack.push(p);
      } else if (st.isFile()) {
        let keep = wanted(p);
        if (keep && st.size > limits.maxMemberBytes) {
          tree.issues.push(issue('member-too-large', join(root, p), null, `${st.size} bytes`, `at most ${limits.maxMemberBytes} bytes (limit --max-member-bytes)`, 'warning'));
          keep = false;
        }
        if (keep) tree.bytesRead += st.size;
        tree.add(p, { type: 'file', size: st.size, diskPath: keep ? join(root, p) : undefined });
      } // devices, fifos, sockets: ignored
    }
  }
  return tree;
}

/** A member name or link target for an issue (which shows 200 characters): never the whole of a huge one. */
function shown(name: string): string {
  return name.slice(0, 201);
}

/** A sparse member's bytes: its stored segments at their offsets in a file of realSize zeros. */
export function expandSparse(stored: Buffer, sparse: { realSize: number; map: [number, number][] }): Buffer | string {
  const out = Buffer.alloc(sparse.realSize);
  let at = 0;
  for (const [offset, length] of sparse.map) {
    if (offset < 0 || length < 0 || offset + length > sparse.realSize || at + length > stored.length) {
      return `a sparse map segment (${offset}, ${length}) outside the ${sparse.realSize}-byte file or the ${stored.length} stored bytes`;
    }
    stored.copy(out, offset, at, at + length);
    at += length;
  }
  return out;
}

/**
 * Stream an archive (.tar, .tar.gz/.xz/.bz2/.zst by magic) into a Tree, keeping the bytes of
 * members `wanted` selects and only the metadata of the rest. Nothing is written to disk but what
 * `opts.spill` asks for, to files it names. Memory is bounded whatever the headers claim: names
 * and pax records are capped (readTar), every byte of the decompressed tar — headers, names,
 * padding, data — counts against --max-total-bytes, and a member is kept only up to
 * --max-member-bytes.
 */
export async function treeFromArchive(
  file: string, wanted: (path: string) => boolean, limits = DEFAULT_LIMITS,
  opts: {
    small?: boolean; inlineXz?: boolean;
    /**
     * A file to write a wanted member of `size` bytes to instead of keeping it in memory (its
     * entry then has diskPath), or null to keep it: every member of an archive of logs, a
     * bundle's large members (memberOnDisk).
     */
    spill?: (path: string, size: number) => string | null;
  } = {},
): Promise<Tree> {
  const tree = new Tree(file);
  // `small`: an archive of at most a few MB, read whole; `inlineXz`: its xz (or bzip2)
  // decompressed on this thread: a stream bounces every chunk through the file system's and
  // lzma's thread pools (or starts a program), which cost more than the work itself for a bundle
  // of a few kB (200 of them: 4.3 → 3.2 s with the rest of session 4's changes).
  const src = opts.small ? Readable.from([readFileSync(file)], { objectMode: false }) : createReadStream(file);
  // The tar reader counts every byte against the limit itself (its message names the archive);
  // the decompressor's cap is a backstop just above it.
  const { stream, damage } = await autoDecompress(src, {
    maxBytes: limits.maxTotalBytes + (1 << 20), limitName: '--max-total-bytes', synchronous: opts.inlineXz,
    maxZstdWindow: limits.maxZstdWindow,
  });
  // The content hash is of the uncompressed tar: the same bundle recompressed is the same input.
  const hash = createHash('sha256');
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const c of stream) {
      hash.update(c as Buffer);
      yield c as Buffer;
    }
  }
  let count = 0;
  const tooLarge = () => new SafetyError('too-large', `archive expands to more than ${limits.maxTotalBytes} bytes (limit --max-total-bytes)`, file);
  let consumed = 0;
  const writers = new Set<WriteStream>(); // spilled members being written
  const onEntry = async (h: TarEntry): Promise<EntrySink | null> => {
    if (++count > limits.maxMembers) throw new SafetyError('too-many-members', `archive has more than ${limits.maxMembers} members`, file);
    if (h.unsafe) {
      const link = h.unsafe.startsWith('link target');
      tree.issues.push(link
        ? issue('unsafe-link', file, null, `${shown(h.name)} -> ${shown(h.linkname)}`, `a link target of at most ${TAR_LIMITS.maxNameBytes} bytes and ${TAR_LIMITS.maxComponents} components; found a ${h.unsafe}`, 'warning')
        : issue('unsafe-path', file, null, shown(h.name), `a member name of at most ${TAR_LIMITS.maxNameBytes} bytes and ${TAR_LIMITS.maxComponents} components; found a ${h.unsafe}`, 'warning'));
      return null;
    }
    // `tar cf x.tar -C dir .` stores the root itself as `./`: nothing to refuse
    if (h.type === 'directory' && /^(?:\.\/?)+$/.test(h.name)) return null;
    const path = safeMemberPath(h.name);
    if (path == null) {
      tree.issues.push(issue('unsafe-path', file, null, h.name, 'a relative member path inside the bundle', 'warning'));
      return null;
    }
    if (h.type === 'symlink') {
      // read as absent if it climbs out; said once, here (issue 17)
      if (linkLeaves(path, h.linkname)) tree.issues.push(issue('unsafe-link', file, null, `${shown(path)} -> ${shown(h.linkname)}`, 'a link that stays inside the bundle; read as absent', 'warning'));
      tree.add(path, { type: 'link', target: h.linkname });
      return null;
    }
    if (h.type === 'link') {
      // A hard link names another member by its archive path (root-relative).
      const target = safeMemberPath(h.linkname);
      if (target == null) {
        tree.issues.push(issue('unsafe-link', file, null, `${h.name} -> ${h.linkname}`, 'a hard link to a member inside the bundle', 'warning'));
      } else {
        tree.add(path, { type: 'link', target: '/' + target });
      }
      return null;
    }
    if (h.type === 'directory') {
      tree.add(path, { type: 'dir' });
      return null;
    }
    if (h.type !== 'file') return null; // devices, fifos, volume labels: never materialised
    // Refused at its header when what it claims cannot fit (a bomb is not read to find out).
    if (consumed + h.size > limits.maxTotalBytes) throw tooLarge();
    const size = h.sparse ? h.sparse.realSize : h.size;
    if (!wanted(path)) {
      tree.add(path, { type: 'file', size });
      return null;
    }
    if (size > limits.maxMemberBytes) {
      tree.issues.push(issue('member-too-large', `${file}:${path}`, null, `${size} bytes${h.sparse ? ' (sparse)' : ''}`, `at most ${limits.maxMemberBytes} bytes (limit --max-member-bytes)`, 'warning'));
      tree.add(path, { type: 'file', size });
      return null;
    }
    const dest = h.sparse ? null : opts.spill?.(path, size) ?? null;
    if (dest != null) {
      // (listed at once: a member the archive cuts short is seen, without its file)
      tree.add(path, { type: 'file', size });
      const w = createWriteStream(dest);
      writers.add(w);
      let failure: Error | null = null;
      w.on('error', (e) => { failure = e; });
      // (a full or unwritable temporary folder is said as such: the archive itself is not damaged)
      const failed = (e: Error) => new SafetyError('temp-write-failed',
        `cannot write the member ${shown(path)} to the temporary folder (${e.message}); give TMPDIR a folder with room for the archive's large members`, file);
      return {
        async data(chunk) {
          if (failure) throw failed(failure);
          if (!w.write(chunk)) {
            // (both listeners go once either fires: a large member waits for many drains)
            await new Promise<void>((resolve) => {
              const done = () => {
                w.off('drain', done);
                w.off('error', done);
                resolve();
              };
              w.once('drain', done);
              w.once('error', done);
            });
          }
        },
        async end() {
          await new Promise<void>((resolve) => w.end(() => resolve()));
          if (failure) throw failed(failure);
          writers.delete(w);
          tree.add(path, { type: 'file', size, diskPath: dest, mtimeMs: h.mtime * 1000 });
        },
      };
    }
    const chunks: Buffer[] = [];
    return {
      data(chunk) {
        chunks.push(Buffer.from(chunk)); // (a copy: the reader's chunk is reused by nobody, but may be a view of a larger one)
      },
      end() {
        let data: Buffer = Buffer.concat(chunks);
        chunks.length = 0;
        if (h.sparse) {
          const full = expandSparse(data, h.sparse);
          if (typeof full === 'string') {
            tree.issues.push(issue('bad-sparse-member', `${file}:${path}`, null, full, 'a sparse map inside the member', 'warning'));
            tree.add(path, { type: 'file', size });
            return;
          }
          data = full;
        }
        tree.add(path, { type: 'file', size, data });
      },
    };
  };
  try {
    await readTar(hashed(), onEntry, TAR_LIMITS, (n) => {
      consumed = n;
      if (n > limits.maxTotalBytes) throw tooLarge();
    });
    if (damage.error) throw damage.error; // cut exactly between members
    tree.sha256 = hash.digest('hex');
    tree.bytesRead = consumed;
  } catch (err) {
    let e = err as Error;
    for (const w of writers) w.destroy(); // (a member cut short is not kept)
    stream.destroy();
    if (e instanceof SafetyError) throw e.file ? e : new SafetyError(e.code, e.message, file);
    // A damaged compressed stream ends cleanly; the tar reader then sees the cut.
    let what = e instanceof TarFormatError ? 'tar archive' : 'compressed stream';
    if (damage.error) {
      e = damage.error;
      what = 'compressed stream';
    }
    // A bundle cut short (interrupted download) keeps the members read before the damage.
    if (count > 0) {
      tree.truncated = true;
      tree.bytesRead = consumed;
      tree.issues.push(issue('truncated-archive', file, null, e.message, `a complete ${what}; kept the ${count} members read before the damage`, 'error'));
      return tree;
    }
    throw new SafetyError('corrupt-archive', `not a readable ${what}: ${e.message}`, file);
  }
  return tree;
}
