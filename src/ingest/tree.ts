import { createReadStream, createWriteStream, lstatSync, readdirSync, readFileSync, readlinkSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { autoDecompress } from './decompress.js';
import { SafetyError } from '../errors.js';
import { issue } from './lines.js';
import type { Issue } from '../model.js';

/**
 * A bundle's file tree, from an extracted directory or streamed from an archive, with its
 * links kept as links. Paths are '/'-separated, relative to the archive (or directory) root.
 * Links resolve inside the tree only ("chroot" semantics): a target that climbs above the
 * root is refused, an absolute target is read relative to the root. Nothing on the real
 * filesystem outside the input is ever touched.
 */
export type Entry =
  | { type: 'file'; size: number; data?: Buffer; diskPath?: string }
  | { type: 'link'; target: string }
  | { type: 'dir' };

export interface Limits {
  /** Cap on the total uncompressed bytes read from an archive. */
  maxTotalBytes: number;
  /** Cap on one member's size (members above it are skipped with an issue). */
  maxMemberBytes: number;
  /** Cap on the number of members. */
  maxMembers: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxTotalBytes: 16 * 1024 ** 3,
  maxMemberBytes: 1024 ** 3,
  maxMembers: 2_000_000,
};

export class Tree {
  readonly entries = new Map<string, Entry>();
  readonly children = new Map<string, Set<string>>();
  readonly issues: Issue[] = [];
  /** The archive ended early or was damaged; what was read before is kept. */
  truncated = false;
  /** sha256 of the uncompressed archive stream (archives only). */
  sha256: string | null = null;

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
    const todo = splitPath(path);
    let cur: string[] = base ? base.split('/') : [];
    while (todo.length) {
      const c = todo.shift()!;
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
        if (t.startsWith('/')) cur = [];
        todo.unshift(...splitPath(t));
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
    if (e.diskPath) return { real: g.real, data: readFileSync(e.diskPath) };
    return null;
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
        tree.add(p, { type: 'file', size: st.size, diskPath: wanted(p) ? join(root, p) : undefined });
      } // devices, fifos, sockets: ignored
    }
  }
  return tree;
}

/**
 * Stream an archive (.tar, .tar.gz/.xz/.bz2/.zst by magic) into a Tree, keeping the bytes of
 * members `wanted` selects and only the metadata of the rest. Nothing is written to disk but what
 * `opts.spill` asks for, to files it names.
 */
export async function treeFromArchive(
  file: string, wanted: (path: string) => boolean, limits = DEFAULT_LIMITS,
  opts: {
    small?: boolean; inlineXz?: boolean;
    /**
     * A file to write a wanted member to instead of keeping it in memory (its entry then has
     * diskPath), or null to keep it: the sosreports inside a `sos collect` archive.
     */
    spill?: (path: string) => string | null;
  } = {},
): Promise<Tree> {
  const tree = new Tree(file);
  // `small`: an archive of at most a few MB, read whole; `inlineXz`: its xz (or bzip2)
  // decompressed on this thread: a stream bounces every chunk through the file system's and
  // lzma's thread pools (or starts a program), which cost more than the work itself for a bundle
  // of a few kB (200 of them: 4.3 → 3.2 s with the rest of session 4's changes).
  const src = opts.small ? Readable.from([readFileSync(file)], { objectMode: false }) : createReadStream(file);
  // The decompressed stream carries the tar headers and padding besides the members' bytes.
  const { stream, damage } = await autoDecompress(src, {
    maxBytes: limits.maxTotalBytes + Math.min(limits.maxTotalBytes, 1 << 30), limitName: '--max-total-bytes', synchronous: opts.inlineXz,
  });
  // The content hash is of the uncompressed tar: the same bundle recompressed is the same input.
  const hash = createHash('sha256');
  stream.on('data', (c: Buffer) => hash.update(c));
  const ex = extract();
  let total = 0;
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const writers = new Set<WriteStream>(); // spilled members being written
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of writers) w.destroy();
      stream.unpipe(ex);
      stream.destroy();
      ex.destroy();
      reject(e);
    };
    // A bundle cut short (interrupted download) keeps the members read before the damage.
    const broken = (what: string) => (e: Error) => {
      if (e instanceof SafetyError) {
        fail(new SafetyError(e.code, e.message, file));
        return;
      }
      // A damaged compressed stream ends cleanly; the tar reader then sees the cut.
      if (damage.error) {
        e = damage.error;
        what = 'compressed stream';
      }
      if (count > 0 && !failed) {
        failed = true;
        for (const w of writers) w.destroy(); // (a member cut short is not kept)
        tree.truncated = true;
        tree.issues.push(issue('truncated-archive', file, null, e.message, `a complete ${what}; kept the ${count} members read before the damage`, 'error'));
        stream.unpipe(ex);
        stream.destroy();
        ex.destroy();
        resolve();
        return;
      }
      fail(new SafetyError('corrupt-archive', `not a readable ${what}: ${e.message}`, file));
    };
    stream.on('error', broken('compressed stream'));
    ex.on('error', broken('tar archive'));
    ex.on('entry', (header, body, next) => {
      // A member cut short errors its body stream too; the extractor's error (above) reports it.
      body.on('error', () => {});
      if (++count > limits.maxMembers) {
        fail(new SafetyError('too-many-members', `archive has more than ${limits.maxMembers} members`, file));
        return;
      }
      const path = safeMemberPath(header.name);
      const drain = () => {
        body.on('end', next);
        body.resume();
      };
      if (path == null) {
        tree.issues.push(issue('unsafe-path', file, null, header.name, 'a relative member path inside the bundle', 'warning'));
        drain();
        return;
      }
      if (header.type === 'symlink') {
        tree.add(path, { type: 'link', target: header.linkname ?? '' });
        drain();
        return;
      }
      if (header.type === 'link') {
        // A hard link names another member by its archive path (root-relative).
        const target = safeMemberPath(header.linkname ?? '');
        if (target == null) {
          tree.issues.push(issue('unsafe-link', file, null, `${header.name} -> ${header.linkname}`, 'a hard link to a member inside the bundle', 'warning'));
        } else {
          tree.add(path, { type: 'link', target: '/' + target });
        }
        drain();
        return;
      }
      if (header.type === 'directory') {
        tree.add(path, { type: 'dir' });
        drain();
        return;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        drain(); // devices, fifos, pax headers: never materialised
        return;
      }
      const size = header.size ?? 0;
      total += size;
      if (total > limits.maxTotalBytes) {
        fail(new SafetyError('too-large', `archive expands to more than ${limits.maxTotalBytes} bytes (limit --max-total-bytes)`, file));
        return;
      }
      if (!wanted(path)) {
        tree.add(path, { type: 'file', size });
        drain();
        return;
      }
      if (size > limits.maxMemberBytes) {
        tree.issues.push(issue('member-too-large', `${file}:${path}`, null, `${size} bytes`, `at most ${limits.maxMemberBytes} bytes (limit --max-member-bytes)`, 'warning'));
        tree.add(path, { type: 'file', size });
        drain();
        return;
      }
      const dest = opts.spill?.(path) ?? null;
      if (dest != null) {
        // (listed at once: a member the archive cuts short is seen, without its file)
        tree.add(path, { type: 'file', size });
        const w = createWriteStream(dest);
        writers.add(w);
        w.on('error', (e) => fail(e));
        body.on('data', (chunk: unknown) => {
          if (!w.write(chunk as Buffer)) {
            body.pause();
            w.once('drain', () => body.resume());
          }
        });
        body.on('end', () => w.end(() => {
          writers.delete(w);
          tree.add(path, { type: 'file', size, diskPath: dest });
          next();
        }));
        return;
      }
      const chunks: Buffer[] = [];
      let got = 0;
      body.on('data', (chunk: unknown) => {
        const c = chunk as Buffer;
        got += c.length;
        if (got <= limits.maxMemberBytes) chunks.push(c);
      });
      body.on('end', () => {
        tree.add(path, { type: 'file', size, data: Buffer.concat(chunks) });
        next();
      });
    });
    ex.on('finish', () => {
      if (!failed && damage.error) {
        broken('compressed stream')(damage.error); // cut exactly between members
        return;
      }
      if (!failed) {
        tree.sha256 = hash.digest('hex');
        resolve();
      }
    });
    stream.pipe(ex);
  });
  return tree;
}
