/**
 * The ingest entry point: every input path of a run read into the store, a failing input never
 * stopping the others. This module only dispatches — a folder or archive that is a bundle goes to
 * bundle.ts (bundle/registry.ts says which bundles there are), an archive of logs to
 * bundle/archive-logs.ts, every other file to side-file.ts (formats/registry.ts says which formats
 * there are) — and it names no format or bundle (test/ingest/dispatch.test.ts checks that).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BundlescopeError, InputError } from '../errors.js';
import type { Store } from '../store/db.js';
import { calibrateBootTimes, maxSourceId } from '../store/timebasis.js';
import { markCopiesDue } from '../store/timeline.js';
import { boundMemory, deferVacuum, moreMemory, oomText, outOfMemory } from '../store/tuning.js';
import { sweepStaleTempFolders } from '../io/tempdir.js';
import { DEFAULT_LIMITS, treeFromDirectory, type Tree } from '../bundle/tree.js';
import { BUNDLE_KINDS, bundleOf, DEFAULT_BUNDLE, noBundleRoot, notABundleArchive, reviveBundle, wantedBundleMember } from '../bundle/registry.js';
import { ingestArchiveLogs, type ArchiveHooks } from '../bundle/archive-logs.js';
import { isZip } from '../bundle/zip.js';
import { FORMAT_BY_KIND } from '../formats/registry.js';
import { isValidZone } from '../time.js';
import { issue } from '../formats/kit/lines.js';
import type { IngestOptions } from './options.js';
import { asNotice, failed, placeOverlaps, skipped, type InputSummary } from './summary.js';
import { isTar, notEvidence, orderInputs, readHead, Walked } from './inputs.js';
import { ingestGroup, nextGroup, BatchAbort, type BundleBatch } from './batch.js';
import { ingestBundle, readTree } from './bundle.js';
import { ingestSideFile } from './side-file.js';

export type { IngestOptions } from './options.js';
export type { InputSummary } from './summary.js';
export { partitionInputs, Walked, notEvidence } from './inputs.js';
export { deferVacuum, INGEST_MEMORY_LIMIT_BYTES } from '../store/tuning.js';

/**
 * Ingest every input path; a failing input never stops the others. Bundles are read first (their
 * host facts date the side files: inputs.ts orderInputs). Afterwards the boot instant of the hosts
 * these inputs concern is calibrated from anchors, and their kernel-ring rows re-dated
 * (calibrateBootTimes).
 */
export async function ingestPaths(store: Store, paths: string[], opts: IngestOptions = {}): Promise<InputSummary[]> {
  if (opts.tz && !isValidZone(opts.tz)) throw new InputError('bad-tz', `unknown time zone '${opts.tz}' (use an IANA name such as America/Chicago)`);
  if (opts.as && !FORMAT_BY_KIND.has(opts.as) && !BUNDLE_KINDS.includes(opts.as)) {
    throw new InputError('bad-kind', `unknown input kind '${opts.as}' (one of: ${BUNDLE_KINDS.join(', ')}, ${[...FORMAT_BY_KIND.keys()].join(', ')})`);
  }
  sweepStaleTempFolders(); // (what a kill -9 of an earlier run left)
  const walked = new Walked(opts.walked ?? []);
  if (opts.walked instanceof Walked) for (const [p, why] of opts.walked.skips) walked.skips.set(p, why);
  const out: InputSummary[] = [];
  // The database being written (and its WAL) is not an input, and not worth a notice.
  const own = store.path && !store.path.startsWith(':memory:') ? [resolve(store.path), resolve(store.path) + '.wal'] : [];
  const heads = new Map<string, Buffer>();
  const ordered = await orderInputs(paths, walked, own, heads, opts.limits?.maxZstdWindow, (p, why) => out.push(skipped(p, why)));
  const before = await maxSourceId(store.conn);
  const restore = await boundMemory(store);
  const restoreVacuum = await deferVacuum(store);
  try {
    for (let i = 0; i < ordered.length;) {
      // Consecutive small archive bundles go in groups (batch.ts).
      const group = nextGroup(ordered, i, heads, opts);
      if (group.length < 2) {
        for (const s of await ingestPath(store, ordered[i]!, opts, heads)) out.push(walked.has(ordered[i]!) ? asNotice(s) : s);
        i++;
        continue;
      }
      for (const s of await ingestGroup(store, group, heads, (p, batch) => ingestPath(store, p, opts, heads, batch))) out.push(s);
      i += group.length;
    }
    placeOverlaps(out);
    // Which lines are copies of one event is worked out by the first reader of log_timeline
    // (settleLogCopies), not here: the verdict never reads it (a 1.5 GB sosreport: 14.8 s of 58).
    // Marked first, so that a stop in the calibration below leaves nothing unmarked.
    await markCopiesDue(store.conn, { since: before });
    try {
      await calibrateBootTimes(store.conn, { since: before });
    } catch (e) {
      // (rolled back: the rows keep the bundles' boot estimates; anything else is a fault of ours)
      const oom = oomText(e);
      if (oom == null) throw e;
      const sum = out.find((x) => x.status === 'loaded');
      sum?.issues.push(issue('calibration-failed', sum.path, null, `DuckDB ran out of memory calibrating boot times (${oom}); ${moreMemory()}`,
        'boot times calibrated from the kernel lines (kernel-ring rows keep the bundle\'s boot estimate)', 'warning'));
    }
  } finally {
    await restoreVacuum();
    await restore();
  }
  return out;
}

/** One input: a bundle (folder or archive), an archive of logs, or a side file. */
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
    reviveBundle(tree, path);
    if (bundleOf(tree) != null && (!opts.as || BUNDLE_KINDS.includes(opts.as))) {
      return [await ingestBundle(store, path, tree, null, opts)];
    }
    // Folders of side files were expanded into their files by expandInputs.
    return [failed(path, 'directory', noBundleRoot(path))];
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
    let tree: Tree | null = null;
    try {
      tree = await readTree(path, st.size, opts);
      // a bundle inside an archive: its issues name its member in that archive, never the temporary file
      if (inside) for (const i of tree.issues) if (i.file === path) i.file = inside.display;
      reviveBundle(tree, inside?.display ?? path);
      if (bundleOf(tree) == null && !opts.as) {
        // No bundle: an archive of logs, a case tarball, a `sos collect` archive (archive-logs.ts).
        // Its side files take transactions of their own: a group of bundles is redone one by one.
        if (batch) throw new BatchAbort(new Error('an archive of logs in a group of bundles'));
        tree.dispose(); // (read again as an archive of logs)
        return await ingestArchiveLogs(store, path, inside?.display ?? path, 'tar', limits, inside ? 1 : 0, archiveHooks(store, opts));
      }
      return [await ingestBundle(store, inside?.display ?? path, tree, st.size, opts, batch)];
    } catch (e) {
      if (e instanceof BatchAbort) throw e;
      if (inside && e instanceof BundlescopeError && e.file === path) (e as { file: string | null }).file = inside.display;
      return [failed(inside?.display ?? path, DEFAULT_BUNDLE.kind, outOfMemory(e, inside?.display ?? path) ?? e)];
    } finally {
      tree?.dispose(); // (its members written to disk go)
    }
  }
  if (!opts.as && isZip(head)) return ingestArchiveLogs(store, path, inside?.display ?? path, 'zip', limits, inside ? 1 : 0, archiveHooks(store, opts));
  if (inside) {
    return [failed(inside.display, DEFAULT_BUNDLE.kind, notABundleArchive(inside.display))];
  }
  return [await ingestSideFile(store, path, head, opts)];
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
