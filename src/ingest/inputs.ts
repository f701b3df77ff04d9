/**
 * The inputs of a run: folders walked into their files (never leading outside themselves), files
 * that are not evidence set aside, the first bytes of each file (after decompression), and the
 * order they are read in — bundles first.
 */
import { closeSync, createReadStream, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { InputError, SafetyError } from '../errors.js';
import { shown } from '../validate.js';
import { autoDecompress, sniffCompression } from '../io/decompress.js';
import { isBundleFolder } from '../bundle/registry.js';

const HEAD_BYTES = 64 * 1024;

/**
 * Paths found by walking a folder given on the command line, and those of them skipped with a
 * notice (links not followed, devices): `ingest --jobs` passes both on to the run of side files.
 */
export class Walked extends Set<string> {
  readonly skips = new Map<string, string>();
}

/** The leaf inputs of a run split into bundles and side files, in run order. */
export async function partitionInputs(paths: string[]): Promise<{ bundles: string[]; others: string[]; walked: Walked }> {
  const walked = new Walked();
  const leaves = expandInputs(paths, walked);
  const bundles: string[] = [];
  const others: string[] = [];
  for (const p of leaves) (!walked.skips.has(p) && (await looksLikeBundle(p)) ? bundles : others).push(p);
  return { bundles, others, walked };
}

/**
 * Directories that are not bundles expand into their files (sorted, hidden ones skipped).
 * A folder never leads outside itself (issue 17): it is walked with lstat, so only regular files
 * and folders found without following a link are read. A link is then looked at once: one to a
 * file inside the folder that the walk did not reach (under a hidden folder) is read by its path
 * inside; every other one — leaving the folder, dangling, to a folder (a loop such as `a -> .`,
 * or files read where they are), to a file read already — is skipped with a notice, as are
 * devices, FIFOs and sockets. A path named on the command line is the user's choice and followed.
 */
function expandInputs(paths: string[], walked: Walked): string[] {
  const out: string[] = [];
  const skip = (p: string, why: string) => {
    walked.add(p);
    walked.skips.set(p, why);
    out.push(p);
  };
  const walkFolder = (root: string) => {
    let rootReal: string;
    try {
      rootReal = realpathSync(root);
    } catch {
      out.push(root);
      return;
    }
    const reached = new Set<string>();
    const bundleDirs: string[] = [];
    const links: string[] = [];
    // (an explicit stack, in sorted order: a folder thousands of levels deep does not overflow)
    const stack: string[] = [''];
    while (stack.length) {
      const rel = stack.pop()!;
      const p = rel ? join(root, rel) : root;
      if (rel) {
        let st;
        try {
          st = lstatSync(p);
        } catch {
          continue; // gone since it was listed
        }
        if (st.isSymbolicLink()) {
          links.push(rel);
          continue;
        }
        if (st.isFile()) {
          walked.add(p);
          out.push(p);
          reached.add(join(rootReal, rel));
          continue;
        }
        if (!st.isDirectory()) {
          skip(p, 'a device, FIFO or socket, not a file: not read');
          continue;
        }
        if (isBundleFolder(p)) {
          walked.add(p);
          out.push(p);
          bundleDirs.push(join(rootReal, rel));
          continue;
        }
      }
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch {
        out.push(p);
        continue;
      }
      for (const n of names.reverse()) if (!n.startsWith('.')) stack.push(rel ? join(rel, n) : n);
    }
    const within = (real: string, dir: string) => real === dir || real.startsWith(dir + sep);
    for (const rel of links) {
      const p = join(root, rel);
      let target = '?';
      try {
        target = shown(readlinkSync(p));
      } catch {
        /* shown as ? */
      }
      let real: string;
      try {
        real = realpathSync(p);
      } catch {
        skip(p, `a symbolic link to nothing (-> ${target}): not followed`);
        continue;
      }
      if (!within(real, rootReal)) {
        skip(p, `a symbolic link leaving the folder (-> ${target}): not followed`);
        continue;
      }
      let st;
      try {
        st = statSync(real);
      } catch {
        skip(p, `a symbolic link to nothing (-> ${target}): not followed`);
        continue;
      }
      const inside = relative(rootReal, real) || '.';
      if (st.isDirectory()) {
        skip(p, within(join(rootReal, dirname(rel)), real) ? `a symbolic link to a folder above it (-> ${target}), a loop: not followed`
          : `a symbolic link to the folder ${shown(inside)} (-> ${target}): not followed, its files are read where they are`);
      } else if (!st.isFile()) {
        skip(p, `a symbolic link to a device, FIFO or socket (-> ${target}): not read`);
      } else if (reached.has(real) || bundleDirs.some((d) => within(real, d))) {
        skip(p, `a symbolic link to ${shown(inside)} (-> ${target}), which is read where it is: not read twice`);
      } else {
        const q = join(root, inside);
        reached.add(real);
        walked.add(q);
        out.push(q);
      }
    }
  };
  for (const p of paths) {
    if (walked.skips.has(p)) {
      out.push(p); // skipped by the walk that found it (ingest --jobs passes it on)
      continue;
    }
    let st;
    try {
      st = walked.has(p) ? lstatSync(p) : statSync(p);
    } catch {
      out.push(p); // reported as not found by ingestPath
      continue;
    }
    if (st.isDirectory() && !walked.has(p) && !isBundleFolder(p)) walkFolder(p);
    else out.push(p);
  }
  return out;
}

/**
 * Files a case folder holds beside the evidence: bundlescope's own database and report, checksum
 * and signature files, documents and notes. Found while walking a folder they are skipped with a
 * notice (named on the command line, they are read like any input).
 */
const NOT_EVIDENCE: [RegExp, string][] = [
  [/\.duckdb(?:\.wal)?$|\.wal$/i, "a DuckDB database (bundlescope's own)"],
  [/(?:^|\/)report\.html$/i, "bundlescope's report"],
  [/\.(?:md5|sha1|sha256|sha512|sig)$|(?:^|\/)(?:md5|sha\d*)sums?(?:\.txt)?$/i, 'a checksum or signature file'],
  [/\.(?:pdf|docx?|odt|rtf|xlsx?|ods|pptx?|png|jpe?g|gif|svg|html?|ipynb|eml|msg)$/i, 'a document or picture'],
  [/\.(?:md|rst)$|(?:^|\/)(?:README|NOTES?|TODO)(?:\.\w+)?$|(?:^|\/)truth\.json$/i, 'a note'],
];

export function notEvidence(path: string): string | null {
  for (const [re, what] of NOT_EVIDENCE) if (re.test(path)) return what;
  return null;
}

/** Cheap look: a tar archive (after decompression) or a folder that is a bundle (bundle/registry.ts). */
export async function looksLikeBundle(path: string, heads?: Map<string, Buffer>, maxZstdWindow?: number): Promise<boolean> {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return isBundleFolder(path);
    if (!st.isFile()) return false;
    const head = await readHead(path, maxZstdWindow);
    heads?.set(path, head);
    return isTar(head);
  } catch {
    return false;
  }
}


/** First bytes of a file after decompression. */
export async function readHead(path: string, maxZstdWindow?: number): Promise<Buffer> {
  const fd = openSync(path, 'r');
  const raw = Buffer.alloc(HEAD_BYTES);
  let n: number;
  try {
    n = readSync(fd, raw, 0, HEAD_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const first = raw.subarray(0, n);
  if (sniffCompression(first) === 'none') return first;
  // (The head only: decompressed on this thread, no xz process for a few kB.)
  const { stream, damage, compression } = await autoDecompress(createReadStream(path, { highWaterMark: 64 * 1024 }), { synchronous: true, maxZstdWindow });
  const chunks: Buffer[] = [];
  let got = 0;
  try {
    for await (const c of stream) {
      chunks.push(c as Buffer);
      got += (c as Buffer).length;
      if (got >= HEAD_BYTES) break;
    }
  } catch (e) {
    // A refusal (a zstd window over the limit) fails the input; a damaged stream: what we have is the head.
    if (e instanceof SafetyError) throw new SafetyError(e.code, e.message, path);
  }
  stream.destroy();
  if (got === 0 && damage.error) {
    throw new InputError('corrupt-compressed', `${compression} data damaged before its first bytes: ${damage.error.message}`, path);
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}

export function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}


/**
 * The leaf inputs of a run in the order they are read: bundles first (their host facts — time
 * zone, collection and boot time — are what side files need, so the answer does not depend on
 * the order the inputs were given in), each group in the given order. The database being written
 * (and its WAL) is left out when a walk found it; a path the walk skipped, or a file of a folder
 * that is not evidence, becomes a summary through `skip`. The heads read on the way are kept in `heads`.
 */
export async function orderInputs(
  paths: string[], walked: Walked, own: string[], heads: Map<string, Buffer>, maxZstdWindow: number | undefined,
  skip: (path: string, notice: string) => void,
): Promise<string[]> {
  const leaves = expandInputs(paths, walked).filter((p) => !(walked.has(p) && own.includes(resolve(p)))).filter((p) => {
    const link = walked.skips.get(p);
    if (link) skip(p, link);
    if (link) return false;
    const what = walked.has(p) ? notEvidence(p) : null;
    if (what) skip(p, `${what}, not evidence`);
    return !what;
  });
  const rank = await Promise.all(leaves.map(async (p) => ((await looksLikeBundle(p, heads, maxZstdWindow)) ? 0 : 1)));
  return leaves.map((p, i) => ({ p, r: rank[i]!, i })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.p);
}
