import { createReadStream, openSync, readSync, closeSync, statSync, lstatSync, existsSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import type { Issue, LogEventRow, ParseContext, TimeBasis } from '../model.js';
import { BundlescopeError, InputError, SafetyError } from '../errors.js';
import type { Store } from '../store/db.js';
import { forgetKnownHosts, forgetKnownInputs, knownInputs, Load, type TableName } from '../store/load.js';
import { calibrateBootTimes, maxSourceId, type SourceTimes } from '../store/timebasis.js';
import { autoDecompress, fileCompression, sniffCompression, type Compression } from '../io/decompress.js';
import { DEFAULT_LIMITS, treeFromArchive, treeFromDirectory, type Limits, type Tree } from '../bundle/tree.js';
import { findSosRoot, forceHost, itemContext, planBundle, sha256, shortHost, wantedMember, type PlanItem } from '../bundle/sosreport.js';
import { detectFormat, FORMAT_BY_KIND, type Format } from '../formats/registry.js';
import { findSupportconfigRoot, isSupportconfigDir, planSupportconfig, wantedSupportconfigMember, type SectionItem } from '../bundle/supportconfig.js';
import { declinedIssue, isDeclined, type Declined, type Prepared, type SqlLoader } from '../formats/format.js';
import type { FastResult } from './fast-common.js';
import { parseInto } from './parse-rows.js';
import { issue } from './lines.js';
import { isValidZone } from '../time.js';
import { shown } from '../validate.js';
import { unifyNamespaceViews } from '../bundle/netns.js';
import { rebuildLogCopies } from '../store/timeline.js';
import { sweepStaleTempFolders } from '../io/tempdir.js';
import { noteOverlaps, placeOverlaps, resolveOverlaps, type OverlapNotice } from '../store/overlap.js';
import { ingestArchiveLogs, reviveSosRoot, type ArchiveHooks } from '../bundle/archive-logs.js';
import { isZip } from '../bundle/zip.js';

export interface IngestOptions {
  host?: string | null;
  /** Network namespace of the side files (captured with `ip netns exec NAME …`); '' or absent = the host's own. */
  netns?: string | null;
  tz?: string | null;
  as?: string | null;
  limits?: Partial<Limits>;
  /** Files found by walking a folder already (ingest --jobs passes its side files on): treated as such. */
  walked?: Set<string>;
  /** Called with a short progress text (the CLI shows it on a terminal). */
  progress?: (text: string) => void;
  /** A member of an archive read from a temporary file (archive-logs.ts): the path it is shown as, whose folders can name its host. */
  shownAs?: string;
  /**
   * Bundle members at least this large try their format's SQL loader (default: the loader's own
   * memberMinBytes); tests set 0 or Infinity to compare both paths on one bundle.
   */
  sqlMemberMinBytes?: number;
}

export interface InputSummary {
  path: string;
  kind: string;
  /**
   * skipped: a file of a folder that is not evidence (the tool's own database, a checksum, a note): one notice, not an error.
   * overlap: every row of it was stored already from another input (the same data in another format or copy): see `overlaps`.
   */
  status: 'loaded' | 'unchanged' | 'failed' | 'skipped' | 'overlap';
  /** Why it was skipped, or how its host was chosen when the data did not say. */
  notice?: string;
  host: string | null;
  rows: Partial<Record<TableName, number>>;
  skipped: number;
  issues: Issue[];
  error: BundlescopeError | Error | null;
  sources: number;
  /** One line per overlap of this input with another (ingest/overlap.ts): `overlap   KIND PATH host H: …`. */
  overlaps?: string[];
  /** Overlaps found while loading this input (moved to the summary of the input they are about when it is of this run). */
  overlapNotices?: OverlapNotice[];
  /** Sources of this input loaded by their format's SQL loader (absent: none); a declined one has a fast-path-declined note. */
  sqlLoaded?: number;
}

const HEAD_BYTES = 64 * 1024;
/** Side files up to this size are hashed before they are read (a rerun is then a quick no-op). */
const HASH_FIRST_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Ingest every input path; a failing input never stops the others. Afterwards the boot instant
 * of the hosts these inputs concern is calibrated from anchors, and their dmesg rows re-dated
 * (calibrateBootTimes).
 */
export async function ingestPaths(store: Store, paths: string[], opts: IngestOptions = {}): Promise<InputSummary[]> {
  if (opts.tz && !isValidZone(opts.tz)) throw new InputError('bad-tz', `unknown time zone '${opts.tz}' (use an IANA name such as America/Chicago)`);
  if (opts.as && !FORMAT_BY_KIND.has(opts.as) && !BUNDLE_KINDS.includes(opts.as)) {
    throw new InputError('bad-kind', `unknown input kind '${opts.as}' (one of: sosreport, supportconfig, ${[...FORMAT_BY_KIND.keys()].join(', ')})`);
  }
  sweepStaleTempFolders(); // (what a kill -9 of an earlier run left)
  // Bundles first: their host facts (time zone, collection and boot time) are what side files
  // need, so the answer does not depend on the order the inputs were given in.
  const walked = new Walked(opts.walked ?? []);
  if (opts.walked instanceof Walked) for (const [p, why] of opts.walked.skips) walked.skips.set(p, why);
  const out: InputSummary[] = [];
  // The database being written (and its WAL) is not an input, and not worth a notice.
  const own = store.path && !store.path.startsWith(':memory:') ? [resolve(store.path), resolve(store.path) + '.wal'] : [];
  const leaves = expandInputs(paths, walked).filter((p) => !(walked.has(p) && own.includes(resolve(p)))).filter((p) => {
    const link = walked.skips.get(p);
    if (link) out.push(skipped(p, link));
    if (link) return false;
    const what = walked.has(p) ? notEvidence(p) : null;
    if (what) out.push(skipped(p, `${what}, not evidence`));
    return !what;
  });
  const heads = new Map<string, Buffer>();
  const rank = await Promise.all(leaves.map(async (p) => ((await looksLikeBundle(p, heads, opts.limits?.maxZstdWindow)) ? 0 : 1)));
  const ordered = leaves.map((p, i) => ({ p, r: rank[i]!, i })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.p);
  const before = await maxSourceId(store.conn);
  const restore = await boundMemory(store);
  const restoreVacuum = await deferVacuum(store);
  // Consecutive small archive bundles go in groups (see BundleBatch).
  const small = (p: string) => {
    const head = heads.get(p);
    if (!head || !isTar(head) || (opts.as && !BUNDLE_KINDS.includes(opts.as))) return -1;
    try {
      const st = statSync(p);
      return st.isFile() && st.size <= BATCH_MAX_BUNDLE_BYTES ? st.size : -1;
    } catch {
      return -1;
    }
  };
  try {
    for (let i = 0; i < ordered.length;) {
      const group: string[] = [];
      let bytes = 0;
      for (let j = i; j < ordered.length && group.length < BATCH_MAX_BUNDLES; j++) {
        const size = small(ordered[j]!);
        if (size < 0 || bytes + size > BATCH_MAX_BYTES) break;
        group.push(ordered[j]!);
        bytes += size;
      }
      if (group.length < 2) {
        for (const s of await ingestPath(store, ordered[i]!, opts, heads)) out.push(walked.has(ordered[i]!) ? asNotice(s) : s);
        i++;
        continue;
      }
      for (const s of await ingestGroup(store, group, opts, heads)) out.push(s);
      i += group.length;
    }
    placeOverlaps(out);
    await calibrateBootTimes(store.conn, { since: before });
    // (after the calibration: re-dated dmesg lines match their copies in time)
    const copies = await rebuildLogCopies(store.conn, { since: before });
    for (const f of copies.failed) {
      // the lines are stored; only which of them are copies of one another is unknown
      const sum = out.find((x) => x.host === f.host && x.status === 'loaded') ?? out.find((x) => x.status === 'loaded');
      sum?.issues.push(issue('copies-unmatched', sum.path, null, `${f.host}: ${f.error}`,
        'its log lines matched across copies (log_timeline lists every copy of this host until the next ingest that touches it)', 'warning'));
    }
  } finally {
    await restoreVacuum();
    await restore();
  }
  return out;
}

/** A group of small bundles in one transaction; on any failure, each again in its own. */
async function ingestGroup(store: Store, group: string[], opts: IngestOptions, heads: Map<string, Buffer>): Promise<InputSummary[]> {
  const load = new Load(store.conn);
  const batch: BundleBatch = { load, shas: new Set() };
  const sums: InputSummary[] = [];
  const kept = new Map(group.map((p) => [p, heads.get(p)!] as const));
  await load.begin();
  try {
    for (const p of group) sums.push(...(await ingestPath(store, p, opts, heads, batch)));
    await load.commit();
    return sums;
  } catch (e) {
    await load.rollback();
    if (!(e instanceof Error)) throw e; // (BatchAbort or a failed COMMIT: redo one by one)
    // One transaction each: the bundle that failed fails alone, the others load. What is cached
    // of the database (hashes, hosts) is read again first, in case it was the cause.
    forgetKnownInputs(store.conn);
    const again: InputSummary[] = [];
    for (const p of group) {
      heads.set(p, kept.get(p)!);
      again.push(...(await ingestPath(store, p, opts, heads)));
    }
    return again;
  }
}

/**
 * DuckDB's memory limit while ingesting into a database file. One input is one transaction, and
 * the row groups a large input has already written to the file stay cached until COMMIT unless
 * the buffer pool must make room: with the default limit (80 % of RAM) the process grew with
 * the input (~27 MB per million syslog lines); under this limit they are evicted (they are on
 * disk already) and DuckDB's share of RSS stays under the limit. 128 MiB kept RSS lower still
 * (642 against 751 MiB at 10M syslog lines) but made the journal read_json INSERT 1.5× slower.
 * In-memory databases keep their default (nothing to evict to). The previous limit is restored
 * afterwards.
 */
export const INGEST_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * No row-group vacuum while ingesting into a database file, and a checkpoint at the end without
 * one. Every input is its own transaction, and each leaves a partial row group at the end of the
 * tables it appended to; a checkpoint (DuckDB's at COMMIT past 16 MiB of WAL, at close, or ours)
 * then "vacuums": it merges neighbouring partial row groups by reading them back, recompressing
 * and rewriting them, and leaves the old blocks as free space in the file. Eight sosreports of
 * 300,000 log lines: that checkpoint took 1.7–2.7 s of a 14.6 s ingest (the main thread waiting) and
 * left a 101 MB file; without it 0.05 s and 57 MB, the same rows. The row groups stay as the inputs
 * wrote them (one partial group per input and table, a few per file), which scans as fast. The
 * setting (max_vacuum_tasks, DuckDB's own) is put back afterwards; a failed checkpoint (another
 * connection in a transaction) leaves it to DuckDB's next one.
 */
/** An in-memory store: nothing to evict to, nothing to checkpoint. */
function inMemory(store: Store): boolean {
  return !store.path || store.path.startsWith(':memory:');
}

export async function deferVacuum(store: Store): Promise<() => Promise<void>> {
  const none = async () => {};
  if (inMemory(store)) return none;
  try {
    const prev = String((await store.conn.runAndReadAll("SELECT current_setting('max_vacuum_tasks')")).getRows()[0]![0]);
    if (!/^\d+$/.test(prev) || prev === '0') return none;
    await store.conn.run('SET max_vacuum_tasks = 0');
    return async () => {
      try {
        await store.conn.run('CHECKPOINT').catch(() => {});
        await store.conn.run(`SET max_vacuum_tasks = ${prev}`);
      } catch {
        /* the store may be closed or broken by now */
      }
    };
  } catch {
    return none;
  }
}

async function boundMemory(store: Store): Promise<() => Promise<void>> {
  const none = async () => {};
  if (inMemory(store)) return none;
  try {
    const setting = async () => String((await store.conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]![0]);
    const prev = await setting();
    const m = /^([\d.]+)\s*([KMGT]i?B|bytes)$/i.exec(prev);
    const unit: Record<string, number> = { BYTES: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };
    const bytes = m ? Number(m[1]) * (unit[m[2]!.toUpperCase()] ?? NaN) : NaN;
    if (!(bytes > INGEST_MEMORY_LIMIT_BYTES)) return none;
    await store.conn.run(`SET memory_limit = '${INGEST_MEMORY_LIMIT_BYTES / 1024 / 1024}MiB'`);
    return async () => {
      try {
        // RESET gives back the default exactly (a printed limit such as '18.8 GiB' is rounded).
        await store.conn.run('RESET memory_limit');
        if ((await setting()) !== prev) await store.conn.run(`SET memory_limit = '${prev.replace(/'/g, "''")}'`);
      } catch {
        /* the store may be closed or broken by now; the limit dies with it */
      }
    };
  } catch {
    return none;
  }
}

/**
 * Paths found by walking a folder given on the command line, and those of them skipped with a
 * notice (links not followed, devices): `ingest --jobs` passes both on to the run of side files.
 */
export class Walked extends Set<string> {
  readonly skips = new Map<string, string>();
}

/** The leaf inputs of a run split into bundles (sosreports) and side files, in run order. */
export async function partitionInputs(paths: string[]): Promise<{ bundles: string[]; others: string[]; walked: Walked }> {
  const walked = new Walked();
  const leaves = expandInputs(paths, walked);
  const bundles: string[] = [];
  const others: string[] = [];
  for (const p of leaves) (!walked.skips.has(p) && (await looksLikeBundle(p)) ? bundles : others).push(p);
  return { bundles, others, walked };
}

/**
 * Directories that are not sosreports expand into their files (sorted, hidden ones skipped).
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
        if (isSosDir(p)) {
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
    if (st.isDirectory() && !walked.has(p) && !isSosDir(p)) walkFolder(p);
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

/**
 * A file found in a folder that is text of no format bundlescope reads (a note, a script, a
 * document) is skipped with a notice rather than failed: a case folder holds such files.
 * Binary data, damaged archives and refused formats (sa files) stay errors.
 */
function asNotice(s: InputSummary): InputSummary {
  const e = s.error;
  if (s.status !== 'failed' || !(e instanceof BundlescopeError)) return s;
  if (e.code === 'unknown-format' && /^not a format bundlescope knows/.test(e.message)) return skipped(s.path, 'text of no format bundlescope reads (a note or a document?); --as KIND reads it as one');
  if (e.code === 'empty-file') return skipped(s.path, 'an empty file');
  return s;
}

function skipped(path: string, notice: string): InputSummary {
  const s = emptySummary(path, 'none');
  s.status = 'skipped';
  s.notice = notice;
  return s;
}

function isSosDir(path: string): boolean {
  if (isSupportconfigDir(path)) return true;
  if (existsSync(join(path, 'sos_commands')) || existsSync(join(path, 'insights_commands'))) return true;
  try {
    return readdirSync(path).some((d) => existsSync(join(path, d, 'sos_commands')));
  } catch {
    return false;
  }
}

/** Cheap look: a tar archive (after decompression) or a directory with sos_commands/ near its top. */
async function looksLikeBundle(path: string, heads?: Map<string, Buffer>, maxZstdWindow?: number): Promise<boolean> {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return isSosDir(path);
    if (!st.isFile()) return false;
    const head = await readHead(path, maxZstdWindow);
    heads?.set(path, head);
    return isTar(head);
  } catch {
    return false;
  }
}

function emptySummary(path: string, kind: string): InputSummary {
  return { path, kind, status: 'loaded', host: null, rows: {}, skipped: 0, issues: [], error: null, sources: 0 };
}

function failed(path: string, kind: string, e: unknown): InputSummary {
  const s = emptySummary(path, kind);
  s.status = 'failed';
  s.error = e instanceof Error ? e : new Error(String(e));
  return s;
}

/** An archive's tree of wanted members (a sosreport's or a supportconfig's). */
function readTree(path: string, size: number, opts: IngestOptions): Promise<Tree> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  return treeFromArchive(path, wantedBundleMember, limits, treeFlags(size));
}

function treeFlags(size: number): { small: boolean; inlineXz: boolean } {
  return { small: size <= SMALL_ARCHIVE_BYTES, inlineXz: size <= INLINE_XZ_BYTES };
}

async function ingestPath(
  store: Store, path: string, opts: IngestOptions, heads?: Map<string, Buffer>, batch?: BundleBatch,
  /** A member of an archive (archive-logs.ts) written to `path`: shown as `display`, one level down. */
  inside?: { display: string },
): Promise<InputSummary[]> {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [failed(path, 'unknown', new InputError('not-found', 'no such file or directory', path))];
  }
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (st.isDirectory()) {
    let tree: Tree;
    try {
      tree = treeFromDirectory(path, wantedBundleMember, limits);
    } catch (e) {
      return [failed(path, 'directory', e)];
    }
    reviveSosRoot(tree, path);
    if ((findSosRoot(tree) != null || findSupportconfigRoot(tree) != null) && (!opts.as || BUNDLE_KINDS.includes(opts.as))) {
      return [await ingestBundle(store, path, tree, null, opts)];
    }
    // Folders of side files were expanded into their files by expandInputs.
    return [failed(path, 'directory', new InputError('not-a-sosreport', 'no sos_commands/ directory: not a sosreport', path))];
  }
  if (!st.isFile()) return [failed(path, 'unknown', new InputError('not-a-file', 'not a regular file or directory', path))];
  let head: Buffer;
  try {
    head = heads?.get(path) ?? (await readHead(path, limits.maxZstdWindow));
    heads?.delete(path);
  } catch (e) {
    return [failed(path, 'unknown', e instanceof BundlescopeError ? e : new InputError('unreadable', `cannot read: ${(e as Error).message}`, path))];
  }
  if ((opts.as && BUNDLE_KINDS.includes(opts.as)) || (!opts.as && isTar(head))) {
    try {
      const tree = await readTree(path, st.size, opts);
      // a collected sosreport's issues name its member in the collect archive, never the temporary file
      if (inside) for (const i of tree.issues) if (i.file === path) i.file = inside.display;
      reviveSosRoot(tree, inside?.display ?? path);
      if (findSosRoot(tree) == null && findSupportconfigRoot(tree) == null && !opts.as) {
        // No bundle: an archive of logs, a case tarball, a `sos collect` archive (archive-logs.ts).
        // Its side files take transactions of their own: a group of bundles is redone one by one.
        if (batch) throw new BatchAbort(new Error('an archive of logs in a group of bundles'));
        return await ingestArchiveLogs(store, path, inside?.display ?? path, 'tar', limits, inside ? 1 : 0, archiveHooks(store, opts));
      }
      return [await ingestBundle(store, inside?.display ?? path, tree, st.size, opts, batch)];
    } catch (e) {
      if (e instanceof BatchAbort) throw e;
      if (inside && e instanceof BundlescopeError && e.file === path) (e as { file: string | null }).file = inside.display;
      return [failed(inside?.display ?? path, 'sosreport', e)];
    }
  }
  if (!opts.as && isZip(head)) return ingestArchiveLogs(store, path, inside?.display ?? path, 'zip', limits, inside ? 1 : 0, archiveHooks(store, opts));
  if (inside) {
    return [failed(inside.display, 'sosreport', new InputError('not-a-sosreport', 'named like a sosreport archive but not a tar archive', inside.display))];
  }
  return [await ingestSideFile(store, path, head, opts)];
}

/** Inputs read as bundles of files (--as): a sosreport, or a SUSE supportconfig (supportconfig.ts). */
const BUNDLE_KINDS = ['sosreport', 'supportconfig'];

/** Members kept from a bundle's archive or folder: a sosreport's or a supportconfig's. */
function wantedBundleMember(path: string): boolean {
  return wantedMember(path) || wantedSupportconfigMember(path);
}

/** What archive-logs.ts needs of this module to read an archive's members as inputs. */
function archiveHooks(store: Store, opts: IngestOptions): ArchiveHooks {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  return {
    head: (disk) => readHead(disk, limits.maxZstdWindow),
    isTar,
    nested: (disk, display) => ingestPath(store, disk, opts, undefined, undefined, { display }),
    // (a member is a file found in a folder: text of no known format is a notice, not an error)
    side: async (disk, display, head) => asNotice(await ingestSideFile(store, disk, head, { ...opts, shownAs: display })),
    skipped,
    failed,
    notEvidence,
  };
}

/** First bytes of a file after decompression. */
async function readHead(path: string, maxZstdWindow?: number): Promise<Buffer> {
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

function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

async function alreadyIngested(store: Store, sha: string): Promise<boolean> {
  return (await knownInputs(store.conn)).shas.has(sha);
}

async function sameSizeLoaded(store: Store, bytes: number): Promise<boolean> {
  return (await knownInputs(store.conn)).sizes.has(bytes);
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

function countRows(sum: InputSummary, table: TableName, n: number) {
  sum.rows[table] = (sum.rows[table] ?? 0) + n;
}

/** Rows a SQL load path stored, counted as the line parsers count them (a file with no rows — journalctl separators only — counts none). */
function countFastRows(sum: InputSummary, r: FastResult) {
  if (r.logEvents === 0) return;
  countRows(sum, 'overflow_events', r.overflowEvents);
  countRows(sum, 'log_events', r.logEvents);
}

/**
 * Small sosreports share one transaction (a fleet's per-transaction cost — BEGIN, COMMIT, the
 * appenders' set-up and flush — was ~30 % of each small bundle's time). The group is all or
 * nothing like a single input: when one of its bundles fails while loading, the group is rolled
 * back and its bundles are loaded again one transaction each, so the failure stays the failing
 * bundle's own.
 */
interface BundleBatch {
  load: Load;
  /** sha256 of the bundles loaded in this group so far (a copy further on is unchanged). */
  shas: Set<string>;
}

class BatchAbort extends Error {
  constructor(cause: unknown) {
    super('a bundle of the group failed', { cause });
  }
}

/**
 * Bundles in one group: at most this many, and this many archive bytes together. Each COMMIT
 * costs ~40 ms however little it writes (the WAL is synced), and the checkpoint at close grows
 * with the number of commits: 200 small bundles in 13 groups spent 0.9 s committing and closing,
 * in one group 0.3 s. A failing bundle is rare (a damaged archive fails before its rows are added
 * and does not undo its group).
 */
const BATCH_MAX_BUNDLES = 256;
const BATCH_MAX_BYTES = 16 * 1024 * 1024;
/** A larger archive is loaded alone (it can hold large logs, which take the SQL path outside a group). */
const BATCH_MAX_BUNDLE_BYTES = 1024 * 1024;
/** Archives up to this size are read whole (see treeFromArchive). */
const SMALL_ARCHIVE_BYTES = 4 * 1024 * 1024;
/**
 * xz and bzip2 archives up to this size are decompressed on this thread (lzma-native,
 * unbzip2-stream); larger ones by the xz / bzip2 program beside it (decompress.ts
 * decompressProgram), whose start (~5 ms) is more than a small bundle's decompression takes.
 */
const INLINE_XZ_BYTES = 256 * 1024;

async function ingestBundle(
  store: Store, path: string, tree: Tree, archiveBytes: number | null, opts: IngestOptions, batch?: BundleBatch,
): Promise<InputSummary> {
  // A supportconfig's plan names each section as `<file>#<command>` and says where it starts.
  const bundleKind = findSosRoot(tree) == null && findSupportconfigRoot(tree) != null ? 'supportconfig' : 'sosreport';
  const sum = emptySummary(path, bundleKind);
  const name = basename(path);
  let plan;
  try {
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    plan = bundleKind === 'supportconfig'
      ? planSupportconfig(tree, name, opts)
      : await planBundle(tree, name, { ...opts, maxMemberBytes: limits.maxMemberBytes, maxTotalBytes: limits.maxTotalBytes });
  } catch (e) {
    return failed(path, bundleKind, e);
  }
  const lineShift = (it: PlanItem) => ((it as Partial<SectionItem>).firstLine ?? 1) - 1;
  sum.host = plan.facts.host;
  const sha = archiveBytes != null
    ? tree.sha256 ?? await sha256File(path)
    : sha256(Buffer.from(plan.items.map((i) => i.path + ':' + (i.diskPath ? `${i.diskBytes} bytes` : sha256(i.data))).join('\n') + plan.procSysctls.map((s) => `${s.path}=${s.value}`).join('\n')));
  if ((await alreadyIngested(store, sha)) || batch?.shas.has(sha)) {
    sum.status = 'unchanged';
    return sum;
  }
  const load = batch?.load ?? new Load(store.conn);
  // Large members whose format has a SQL loader (syslog) are prepared for it now, before the
  // transaction (format.ts SqlLoader; a bundle in a group has one open already and takes the line
  // parser: grouped bundles are small). A member the loader turns down keeps the reason for its note.
  const sqlMembers = new Map<PlanItem, { loader: SqlLoader; prepared: Prepared }>();
  const declinedMembers = new Map<PlanItem, Declined>();
  try {
    if (!batch) {
      for (const it of plan.items) {
        const loader = FORMAT_BY_KIND.get(it.kind)!.sqlLoader;
        const min = opts.sqlMemberMinBytes ?? loader?.memberMinBytes;
        if (!loader || min == null || it.diskPath || it.data.length < min || lineShift(it) !== 0) continue;
        const prepared = await loader.prepare(store.conn, { data: it.data, name: it.path }, itemContext(plan, it, `${name}/${it.path}`));
        if (isDeclined(prepared)) declinedMembers.set(it, prepared);
        else sqlMembers.set(it, { loader, prepared });
      }
      await load.begin();
    }
  } catch (e) {
    await disposeMembers(store, sqlMembers);
    return failed(path, bundleKind, e);
  }
  try {
    const bundleId = await load.newSource({
      parent_id: null, host: plan.facts.host, kind: bundleKind, path, sha256: sha, bytes: archiveBytes, partial: tree.truncated,
      times: { self: plan.collection },
    });
    const boot = bootBasis(plan.facts.boot_time, plan.facts.boot_time_basis, plan.facts.boot_time_uncertainty_s);
    sum.sources++;
    await load.upsertHost(plan.facts, bundleId);
    const bundleIssues = [...tree.issues, ...plan.notes.map((n) => issue('note', path, null, n, '', 'warning'))];
    let done = 0;
    for (const it of plan.items) {
      opts.progress?.(`${name}: ${++done}/${plan.items.length} ${it.path}`);
      const fmt = FORMAT_BY_KIND.get(it.kind)!;
      const display = `${name}/${it.path}`;
      if (it.diskPath) {
        await streamItem(load, sum, plan, it, display, fmt, boot, bundleId, opts);
        continue;
      }
      const srcId = await load.newSource({
        parent_id: bundleId, host: plan.facts.host, kind: it.kind, path: display, sha256: sha256(it.data),
        bytes: it.data.length, partial: it.partial, netns: it.netns, times: { boot, snapshot: it.snapshotBasis },
      });
      sum.sources++;
      const ctx = itemContext(plan, it, display);
      const member = sqlMembers.get(it);
      const fast = member
        ? await member.loader.load(load, srcId, member.prepared, ctx, { forced: true, fallback: plan.facts.host }, (rows) => forceHost(rows, plan.facts.host))
        : declinedMembers.get(it) ?? null;
      if (fast && !isDeclined(fast)) {
        countFastRows(sum, fast);
        sum.sqlLoaded = (sum.sqlLoaded ?? 0) + 1;
        continue;
      }
      const shift = lineShift(it);
      const r = await parseInto(load, (t, n) => countRows(sum, t, n), fmt, ctx, srcId, it.data, (rows) => {
        forceHost(rows, plan.facts.host);
        if (shift) for (const row of rows) if (row.line_no != null) row.line_no += shift;
      });
      if (shift) for (const i of r.issues) if (i.line != null) i.line += shift;
      if (fast) r.issues.push(declinedIssue(display, fast));
      load.addIssues(srcId, r.issues, r.skipped);
      sum.issues.push(...r.issues);
      sum.skipped += r.skipped;
      // Parsed: its bytes are not needed again (the tree's copy goes too).
      const held = tree.entries.get(it.real);
      if (held?.type === 'file') held.data = undefined;
      it.data = EMPTY;
    }
    if (plan.procSysctls.length) {
      const srcId = await load.newSource({
        parent_id: bundleId, host: plan.facts.host, kind: 'proc-sys', path: bundleKind === 'supportconfig' ? `${name}/proc.txt#/proc/sys` : `${name}/proc/sys`, sha256: null, bytes: null,
        times: { snapshot: plan.collection && { basis: 'collection-time', uncertainty_s: plan.collection.uncertainty_s } },
      });
      sum.sources++;
      const rows = plan.procSysctls.map((s) => ({ host: plan.facts.host, name: s.name, value: s.value, origin: 'proc-sys', netns: null }));
      await load.add('sysctls', srcId, rows);
      countRows(sum, 'sysctls', rows.length);
      const count = plan.procSysctls.find((s) => s.name === 'net.netfilter.nf_conntrack_count');
      if (count && plan.facts.collected_at != null && /^\d+$/.test(count.value)) {
        const c = [{ host: plan.facts.host, ts: plan.facts.collected_at, ts_quality: 'collection-time' as const, origin: 'sysctl', name: 'nf_conntrack_count', value: Number(count.value), semantics: 'gauge' as const, device: null, netns: null }];
        await load.add('counter_samples', srcId, c);
        countRows(sum, 'counter_samples', 1);
      }
    }
    const view = await unifyNamespaceViews(load, bundleId);
    if (view) {
      bundleIssues.push(issue('note', path, null,
        `the root view of this sosreport is network namespace ${view.netns}: ${view.counters} cumulative counters equal those of its \`ip netns exec ${view.netns}\` outputs (sos ran inside it), so its counters, settings and sockets are that namespace's`, '', 'warning'));
    }
    // The same data as an input stored before (a side file of this host loaded in an earlier run).
    if (Number((await store.conn.runAndReadAll('SELECT count(*) FROM sources WHERE host = $1 AND rows > 0', [plan.facts.host])).getRows()[0]![0]) > 0) {
      const notices: OverlapNotice[] = [];
      for (const m of load.membersOf(bundleId)) {
        const table = FORMAT_BY_KIND.get(m.kind)?.table;
        if (table) notices.push(...await resolveOverlaps(load, { id: m.id, kind: m.kind, path: m.path, bundle: path }, table, { host: plan.facts.host, netns: m.netns }));
      }
      noteOverlaps(sum, notices, (a) => a.bundle === path);
    }
    load.addIssues(bundleId, bundleIssues, 0);
    sum.issues.push(...bundleIssues);
    if (batch) batch.shas.add(sha);
    else await load.commit();
  } catch (e) {
    if (batch) throw new BatchAbort(e);
    await load.rollback();
    return failed(path, bundleKind, e);
  } finally {
    await disposeMembers(store, sqlMembers);
  }
  return sum;
}

const EMPTY = Buffer.alloc(0);

/**
 * A file of an extracted bundle too large to hold (sosreport.ts folderStream): parsed as it is
 * read from disk, hashed on the way (the source's sha256 is set after), its decompressed bytes
 * capped by --max-total-bytes like a side file.
 */
async function streamItem(
  load: Load, sum: InputSummary, plan: Awaited<ReturnType<typeof planBundle>>, it: PlanItem, display: string, fmt: Format,
  boot: TimeBasis | null, bundleId: number, opts: IngestOptions,
): Promise<void> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const srcId = await load.newSource({
    parent_id: bundleId, host: plan.facts.host, kind: it.kind, path: display, sha256: null,
    bytes: it.diskBytes ?? null, partial: it.partial, netns: it.netns, times: { boot, snapshot: it.snapshotBasis },
  });
  sum.sources++;
  const hash = createHash('sha256');
  const raw = createReadStream(it.diskPath!, { highWaterMark: 1 << 20 }).pipe(new Transform({
    transform(c: Buffer, _enc, cb) {
      hash.update(c);
      cb(null, c);
    },
  }));
  const { stream, damage, compression } = await autoDecompress(raw, { maxBytes: limits.maxTotalBytes, limitName: '--max-total-bytes', maxZstdWindow: limits.maxZstdWindow });
  const r = await parseInto(load, (t, n) => countRows(sum, t, n), fmt, itemContext(plan, it, display), srcId, stream, (rows) => forceHost(rows, plan.facts.host));
  await load.setSha(srcId, hash.digest('hex'));
  const issues = [...r.issues];
  if (damage.error) {
    issues.push(issue('truncated-input', display, null, damage.error.message, `complete ${compression} data; kept the ${r.bytes} bytes decompressed before the damage`, 'error'));
    await load.markPartial(srcId);
  }
  load.addIssues(srcId, issues, r.skipped);
  sum.issues.push(...issues);
  sum.skipped += r.skipped;
}

async function disposeMembers(store: Store, prepared: Map<PlanItem, { loader: SqlLoader; prepared: Prepared }>): Promise<void> {
  for (const { loader, prepared: p } of prepared.values()) await loader.dispose(store.conn, p);
}

/** Rows' host as a side file sets it: --host wins, else the row's own (short), else the file's. */
function hostFixer(opts: IngestOptions, fallbackHost: string | null): { fix: (rows: LogEventRow[]) => void; noHost: number } {
  // Host names repeat on every line: normalise each distinct one once.
  const short = new Map<string, string>();
  const out = {
    noHost: 0,
    fix(rows: LogEventRow[]) {
      for (const r of rows) {
        if (opts.host) r.host = fallbackHost;
        else if (r.host == null) r.host = fallbackHost;
        else {
          let h = short.get(r.host);
          if (h === undefined) {
            h = shortHost(r.host);
            if (short.size < 10_000) short.set(r.host, h);
          }
          r.host = h;
        }
        if (r.host == null) out.noHost++;
      }
    },
  };
  return out;
}

/**
 * A side file through its format's SQL loader (format.ts SqlLoader: prepare outside the
 * transaction, load inside it, dispose after), hashed and checked by the loader's own read.
 * 'unchanged' when the sha256 was already loaded; `declined` (with the sha256 when the loader read
 * it) when the loader turned the file down and the caller must use the line parser — nothing of the
 * attempt is left behind (rolled back). A real fault (DuckDB failing) is thrown: the input fails.
 */
async function ingestFast(
  store: Store, fmt: Format, loader: SqlLoader, path: string, bytes: number, ctx: ParseContext, sum: InputSummary,
  opts: IngestOptions, fallbackHost: string | null, knownSha: string | null, compression: 'none' | 'gzip' | 'zstd', times: SourceTimes,
): Promise<'unchanged' | { done: true; sha: string } | { done: false; declined: Declined; sha: string }> {
  let shown = 0;
  const onBytes = opts.progress
    ? (seen: number) => {
      if (seen - shown < 16 << 20) return;
      shown = seen;
      opts.progress!(`${basename(path)}: ${(seen / 1e6).toFixed(0)} MB of ${(bytes / 1e6).toFixed(0)} MB read`);
    }
    : undefined;
  // A gzip or zstd file is hashed before (knownSha, of its compressed bytes); the loader's scan then
  // checks its lines, under the same limit as the line parser puts on decompressed side files.
  const maxBytes = { ...DEFAULT_LIMITS, ...opts.limits }.maxTotalBytes;
  const declined = async (d: Declined) => ({ done: false as const, declined: d, sha: knownSha ?? d.sha256 ?? await sha256File(path) });
  const prepared = await loader.prepare(store.conn, { path, bytes, compression, maxBytes, onBytes }, ctx);
  if (isDeclined(prepared)) return declined(prepared);
  const hosts = hostFixer(opts, fallbackHost);
  const load = new Load(store.conn);
  try {
    await load.begin();
    const srcId = await load.newSource({ parent_id: null, host: sum.host, kind: fmt.kind, path, sha256: knownSha, bytes, times });
    const result = await loader.load(load, srcId, prepared, ctx, { forced: opts.host != null && opts.host !== '', fallback: fallbackHost }, hosts.fix);
    if (isDeclined(result)) {
      await load.rollback();
      return declined({ ...result, sha256: prepared.sha256 });
    }
    const sha = knownSha ?? prepared.sha256!;
    if (knownSha == null) {
      if (await alreadyIngested(store, sha)) {
        await load.rollback();
        return 'unchanged';
      }
      await load.setSha(srcId, sha);
    }
    const issues = [...result.issues];
    const noHost = result.noHost + hosts.noHost;
    if (noHost) issues.push(issue('no-host', path, null, `${noHost} entries`, 'a host name in each line, or --host', 'warning'));
    load.addIssues(srcId, issues, result.skipped);
    const overlaps = await resolveOverlaps(load, { id: srcId, kind: fmt.kind, path, bundle: null }, fmt.table, { host: sum.host, netns: null });
    await addBareHosts(load, fmt.table, srcId);
    await load.commit();
    sum.sources++;
    sum.sqlLoaded = (sum.sqlLoaded ?? 0) + 1;
    countFastRows(sum, result);
    noteOverlaps(sum, overlaps, (a) => a.id === srcId);
    sum.issues.push(...issues);
    sum.skipped += result.skipped;
    return { done: true, sha };
  } catch (e) {
    await load.rollback();
    throw e;
  } finally {
    await loader.dispose(store.conn, prepared);
  }
}

/** Which known host a side file belongs to: --host, else a known host named in its path. */
async function hostFromPath(store: Store, path: string): Promise<string | null> {
  const r = await store.conn.runAndReadAll('SELECT host FROM hosts ORDER BY length(host) DESC');
  const parts = path.split(/[/\\]/);
  for (const [h] of r.getRows() as [string][]) {
    if (parts.some((p) => p === h || p.startsWith(h + '.') || p.startsWith(h + '-') || p.startsWith(h + '_'))) return h;
  }
  return null;
}

interface HostInfo {
  tz: string | null;
  collected: number | null;
  boot: number | null;
  /** How boot was found (what a side file's dmesg stamps are dated with). */
  bootBasis: TimeBasis | null;
}

async function hostInfo(store: Store, host: string | null): Promise<HostInfo> {
  const none: HostInfo = { tz: null, collected: null, boot: null, bootBasis: null };
  if (!host) return none;
  const r = await store.conn.runAndReadAll(
    'SELECT timezone, epoch_us(collected_at), epoch_us(boot_time), boot_time_basis, boot_time_uncertainty_s FROM hosts WHERE host = $1', [host]);
  const row = r.getRows()[0];
  if (!row) return none;
  const boot = row[2] != null ? Number(row[2]) : null;
  return {
    tz: (row[0] as string) ?? null, collected: row[1] != null ? Number(row[1]) : null, boot,
    bootBasis: bootBasis(boot, row[3] as string | null, row[4] != null ? Number(row[4]) : null),
  };
}

/** The basis of stamps dated from a boot time (null when there is none). */
function bootBasis(boot: number | null, basis: string | null, uncertainty: number | null): TimeBasis | null {
  return boot == null ? null : { basis: basis ?? 'not recorded', uncertainty_s: uncertainty };
}

/**
 * Hosts a side file names (journal _HOSTNAME, syslog lines of a central copy, sar headers) get
 * a bare `hosts` row, so a fleet seen only through side files is listed host by host.
 */
async function addBareHosts(load: Load, table: TableName, srcId: number): Promise<void> {
  await load.flushAll();
  forgetKnownHosts(load.conn);
  await load.conn.run(
    `INSERT INTO hosts (host, source_id) SELECT DISTINCT host, $1::BIGINT FROM ${table} WHERE source_id = $1::BIGINT AND host IS NOT NULL AND host <> ''
     ON CONFLICT (host) DO NOTHING`, [srcId]);
}

const UNPACK: Record<Exclude<Compression, 'none'>, { tool: string; ext: RegExp }> = {
  gzip: { tool: 'gzip', ext: /\.gz$/i }, xz: { tool: 'xz', ext: /\.xz$/i }, bzip2: { tool: 'bzip2', ext: /\.bz2$/i }, zstd: { tool: 'zstd', ext: /\.zst$/i },
};

/**
 * For a message that says what to run on a file: its name once decompressed, and the command that
 * decompresses it first (`zstd -dc 'system.journal.zst' > 'system.journal'`, then ) when it is
 * compressed; for a plain file its own name and nothing first.
 */
function unpackAdvice(path: string): { first: string; name: string } {
  const file = basename(path);
  let c: Compression = 'none';
  try {
    c = fileCompression(path);
  } catch {
    /* unreadable now: advise as for a plain file */
  }
  if (c === 'none') return { first: '', name: file };
  const u = UNPACK[c];
  const name = u.ext.test(file) ? file.replace(u.ext, '') : `${file}.out`;
  return { first: `decompress it (\`${u.tool} -dc ${shq(file)} > ${shq(name)}\`), then `, name };
}

/** A file name as one shell word, in single quotes (a quote inside closed, escaped, reopened). */
function shq(name: string): string {
  return `'${name.replace(/'/g, "'\\''")}'`;
}

/**
 * A binary sa file (sysstat's sadc: `/var/log/sa/saDD`, `/var/log/sysstat/saDD`): SYSSTAT_MAGIC
 * 0xd596 and a format magic 0x2170–0x217f in the machine's byte order, then the version of the
 * sysstat that wrote it (major, minor, patch bytes). Seen in sysstat 9.1 to 12.7 files, x86 and ppc.
 */
export function sysstatBinary(head: Buffer): { version: string; bigEndian: boolean } | null {
  if (head.length < 8) return null;
  const le = head[0] === 0x96 && head[1] === 0xd5 && head[3] === 0x21 && (head[2]! & 0xf0) === 0x70;
  const be = head[0] === 0xd5 && head[1] === 0x96 && head[2] === 0x21 && (head[3]! & 0xf0) === 0x70;
  if (!le && !be) return null;
  return { version: `${head[4]}.${head[5]}.${head[6]}`, bigEndian: be };
}

async function ingestSideFile(store: Store, path: string, headBuf: Buffer, opts: IngestOptions): Promise<InputSummary> {
  const head = headBuf.toString('utf8');
  if (headBuf.length === 0 && !opts.as) {
    return failed(path, 'unknown', new InputError('empty-file', 'empty file (after decompression): nothing to ingest', path));
  }
  let fmt: Format | null;
  if (opts.as) fmt = FORMAT_BY_KIND.get(opts.as) ?? null;
  else fmt = detectFormat(head);
  if (!fmt) {
    const bin = /[\x00-\x08\x0e-\x1a]/.test(head.slice(0, 4096));
    // OpenPGP: an encrypted session key packet first (tag 1 or 3, old or new format), or armour.
    // (sos --encrypt-key / --encrypt-pass writes `<archive>.gpg`)
    const gpg = (/\.(?:gpg|pgp|asc)$/i.test(path) && [0x84, 0x85, 0x8c, 0xc1, 0xc3].includes(headBuf[0] ?? 0))
      || head.startsWith('-----BEGIN PGP MESSAGE-----');
    const sa = sysstatBinary(headBuf);
    if (sa) {
      const { first, name } = unpackAdvice(path);
      return failed(path, 'unknown', new InputError('unknown-format',
        `a binary sysstat file (saDD; its header names sysstat ${sa.version}${sa.bigEndian ? ', big-endian' : ''}), whose layout depends on the version: `
        + `${first}export it with \`sadf -d ${shq(name)} -- -A > ${shq(name + '.csv')}\` using that sysstat (a newer one may first need \`sadf -c ${shq(name)} > ${shq(name + '.new')}\`) and ingest the .csv`, path));
    }
    if (gpg) {
      return failed(path, 'unknown', new InputError('encrypted',
        `a GPG-encrypted file (sos --encrypt-key / --encrypt-pass): decrypt it first, e.g. gpg --output ${shq(basename(path).replace(/\.(?:gpg|pgp|asc)$/i, ''))} --decrypt ${shq(basename(path))}, and ingest that`, path));
    }
    return failed(path, 'unknown', new InputError('unknown-format',
      bin ? 'binary data of no known format (a sosreport must be a tar archive; --as KIND forces a format)'
        : 'not a format bundlescope knows (--as KIND forces one; README lists the kinds)', path));
  }
  const sum = emptySummary(path, fmt.kind);
  const dataHost = fmt.hostFromHead?.(head) ?? null; // (a sar header, a journal's _HOSTNAME)
  let fallbackHost = opts.host ? shortHost(opts.host) : (await hostFromPath(store, opts.shownAs ?? path)) ?? (fmt.needsHost ? null : dataHost);
  let onlyHost: string | null = null;
  if (fmt.needsHost && !fallbackHost) {
    // The only host of the database (a case of one machine: its sosreport, then its side files).
    const known = (await store.conn.runAndReadAll('SELECT host FROM hosts ORDER BY host LIMIT 2')).getRows().map((r) => String(r[0]));
    if (known.length !== 1) {
      return failed(path, fmt.kind, new InputError('no-host', `a ${fmt.kind} file does not say which host it is from; pass --host${known.length ? ` (hosts in the database: ${(await store.conn.runAndReadAll('SELECT string_agg(host, \', \' ORDER BY host) FROM hosts')).getRows()[0]![0]})` : ''}`, path));
    }
    onlyHost = known[0]!;
    fallbackHost = onlyHost;
    sum.notice = `host ${onlyHost}: the only host in the database (the file does not name one; --host says otherwise)`;
  }
  const info = await hostInfo(store, fallbackHost ?? dataHost);
  const tz = opts.tz ?? info.tz ?? 'UTC';
  const st = statSync(path);
  const unchanged = () => {
    const u = emptySummary(path, sum.kind);
    u.status = 'unchanged';
    u.host = fallbackHost;
    return u;
  };
  // The sha256 that makes a rerun a no-op: a large uncompressed file is hashed in the same read
  // as the parse (and the load rolled back when the hash was already there); small or compressed
  // files are hashed first, which is cheap next to decompressing them.
  // (A file of the same size as one already loaded is hashed first: most likely a rerun.)
  const comp = fileCompression(path);
  let hashInRead = st.size > HASH_FIRST_MAX_BYTES && comp === 'none' && !(await sameSizeLoaded(store, st.size));
  let sha: string | null = null;
  if (!hashInRead) {
    sha = await sha256File(path);
    if (await alreadyIngested(store, sha)) return unchanged();
  }
  const ctx: ParseContext = {
    file: path,
    host: fallbackHost,
    tz,
    tzAssumed: !opts.tz && !info.tz,
    // Year of RFC 3164 stamps: the host's collection date, else the file's modification time.
    referenceTimeMs: info.collected != null ? Math.floor(info.collected / 1000) : st.mtimeMs,
    bootTimeMs: info.boot != null ? info.boot / 1000 : null,
    // A snapshot with no stamp line of its own: the host's collection time when it is known,
    // else the file's modification time (marked so; a customer's copy may have touched it).
    snapshotTs: info.collected ?? Math.round(st.mtimeMs * 1000),
    snapshotQuality: info.collected != null ? 'collection-time' : 'file-mtime',
    netns: opts.netns || null,
  };
  sum.host = fallbackHost ?? dataHost;
  // (A snapshot dated with the host's collection time has no known distance from it.)
  const times: SourceTimes = { boot: info.bootBasis };
  // DuckDB's readers take a path as a glob pattern: a name with glob characters is read line by line.
  // (A gzip'd or zstd'd file too when the loader says so: DuckDB reads both itself; xz and bzip2 take the line parser.)
  const loader = fmt.sqlLoader;
  const sqlComp = comp === 'none' || comp === 'gzip' || comp === 'zstd' ? comp : null;
  let declined: Declined | null = null;
  if (loader && sqlComp != null && loader.takesFile(sqlComp) && !/[*?[\]{}]/.test(path)) {
    let fast;
    try {
      fast = await ingestFast(store, fmt, loader, path, st.size, ctx, sum, opts, fallbackHost, sha, sqlComp, times);
    } catch (e) {
      return failed(path, fmt.kind, e instanceof BundlescopeError ? e : new InputError('read-failed', (e as Error).message, path));
    }
    if (fast === 'unchanged') return unchanged();
    if (fast.done) return sum;
    // The loader turned it down: the line parser, with the sha256 already known, and a note saying so.
    declined = fast.declined;
    sha = fast.sha;
    if (await alreadyIngested(store, sha)) return unchanged();
    hashInRead = false;
  }
  const load = new Load(store.conn);
  await load.begin();
  try {
    const srcId = await load.newSource({ parent_id: null, host: sum.host, kind: fmt.kind, path, sha256: sha, bytes: st.size, netns: opts.netns || null, times });
    sum.sources++;
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    // A compressed side file is capped like an archive: a small .gz must not expand without end.
    const hash = hashInRead ? createHash('sha256') : null;
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    const { stream, damage, compression } = hash
      ? { stream: raw, damage: { error: null as Error | null }, compression: 'none' }
      : await autoDecompress(raw, { maxBytes: limits.maxTotalBytes, limitName: '--max-total-bytes', maxZstdWindow: limits.maxZstdWindow });
    const hosts = hostFixer(opts, fallbackHost);
    const fixHost = hosts.fix;
    // Progress on a terminal: megabytes read (of the file's size when it is not compressed).
    let seen = 0;
    let shown = 0;
    const progress = opts.progress;
    const tap = hash || progress
      ? (c: Buffer) => {
        hash?.update(c);
        seen += c.length;
        if (progress && seen - shown >= 16 << 20) {
          shown = seen;
          progress(`${basename(path)}: ${(seen / 1e6).toFixed(0)} MB${compression === 'none' ? ` of ${(st.size / 1e6).toFixed(0)} MB` : ' (uncompressed)'}`);
        }
      }
      : undefined;
    const r = await parseInto(load, (t, n) => countRows(sum, t, n), fmt, ctx, srcId, stream, fixHost, tap);
    if (hash) {
      // (a parser that left part of the file unread would make a hash of a prefix: hash the file itself then)
      sha = seen === st.size ? hash.digest('hex') : await sha256File(path);
      if (await alreadyIngested(store, sha)) {
        await load.rollback();
        return unchanged();
      }
      await load.setSha(srcId, sha);
    }
    noteOverlaps(sum, await resolveOverlaps(load, { id: srcId, kind: fmt.kind, path, bundle: null }, fmt.table, { host: sum.host, netns: opts.netns || null }),
      (a) => a.id === srcId);
    const issues = [...r.issues];
    if (hosts.noHost) issues.push(issue('no-host', path, null, `${hosts.noHost} entries`, 'a host name in each line, or --host', 'warning'));
    if (damage.error) {
      // Cut short or corrupt: keep what came before the damage, and say so.
      issues.push(issue('truncated-input', path, null, damage.error.message,
        `complete ${compression} data; kept the ${r.bytes} bytes decompressed before the damage`, 'error'));
      await load.markPartial(srcId);
    }
    // (last: the issues above are about the data, this one about how it was read)
    if (declined) issues.push(declinedIssue(path, declined));
    load.addIssues(srcId, issues, r.skipped);
    sum.issues.push(...issues);
    sum.skipped += r.skipped;
    await addBareHosts(load, fmt.table, srcId);
    await load.commit();
  } catch (e) {
    await load.rollback();
    return failed(path, fmt.kind, e instanceof BundlescopeError ? (e.file ? e : new SafetyError(e.code, e.message, path))
      : new InputError('read-failed', (e as Error).message, path));
  }
  return sum;
}

