/**
 * Consecutive small archive bundles go in groups of one transaction each (BundleBatch); this
 * module decides the groups and redoes a failed group one bundle at a time.
 */
import { statSync } from 'node:fs';
import type { Store } from '../store/db.js';
import { forgetKnownInputs, Load } from '../store/load.js';
import { BUNDLE_KINDS } from '../bundle/registry.js';
import { isTar } from './inputs.js';
import type { IngestOptions } from './options.js';
import type { InputSummary } from './summary.js';

/**
 * Small bundles share one transaction (a fleet's per-transaction cost — BEGIN, COMMIT, the
 * appenders' set-up and flush — was ~30 % of each small bundle's time). The group is all or
 * nothing like a single input: when one of its bundles fails while loading, the group is rolled
 * back and its bundles are loaded again one transaction each, so the failure stays the failing
 * bundle's own.
 */
export interface BundleBatch {
  load: Load;
  /** sha256 of the bundles loaded in this group so far (a copy further on is unchanged). */
  shas: Set<string>;
}

export class BatchAbort extends Error {
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

/** The archive bytes of an input that may join a group (a small tar archive read as a bundle), or -1. */
function groupable(p: string, heads: Map<string, Buffer>, opts: IngestOptions): number {
  const head = heads.get(p);
  if (!head || !isTar(head) || (opts.as && !BUNDLE_KINDS.includes(opts.as))) return -1;
  try {
    const st = statSync(p);
    return st.isFile() && st.size <= BATCH_MAX_BUNDLE_BYTES ? st.size : -1;
  } catch {
    return -1;
  }
}

/** The group of inputs starting at `ordered[i]` (fewer than two: read it alone). */
export function nextGroup(ordered: string[], i: number, heads: Map<string, Buffer>, opts: IngestOptions): string[] {
  const group: string[] = [];
  let bytes = 0;
  for (let j = i; j < ordered.length && group.length < BATCH_MAX_BUNDLES; j++) {
    const size = groupable(ordered[j]!, heads, opts);
    if (size < 0 || bytes + size > BATCH_MAX_BYTES) break;
    group.push(ordered[j]!);
    bytes += size;
  }
  return group;
}

/** A group of small bundles in one transaction; on any failure, each again in its own. */
export async function ingestGroup(
  store: Store, group: string[], heads: Map<string, Buffer>,
  /** Reads one input (ingest.ts ingestPath), in the group's transaction when `batch` is given. */
  ingestPath: (path: string, batch?: BundleBatch) => Promise<InputSummary[]>,
): Promise<InputSummary[]> {
  const load = new Load(store.conn);
  const batch: BundleBatch = { load, shas: new Set() };
  const sums: InputSummary[] = [];
  const kept = new Map(group.map((p) => [p, heads.get(p)!] as const));
  await load.begin();
  try {
    for (const p of group) sums.push(...(await ingestPath(p, batch)));
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
      again.push(...(await ingestPath(p)));
    }
    return again;
  }
}
