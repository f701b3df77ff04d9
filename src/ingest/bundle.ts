/**
 * One bundle (bundle/registry.ts: a sosreport, a supportconfig, …) into the store, in one
 * transaction (or its group's: batch.ts): its host facts, then every member of its plan through
 * the member's format — the format's SQL loader for large members that it takes (prepared before
 * the transaction), else its parser —, then the rows its reader made itself (plan.ready), then
 * the checks that need all of it (a root view that is a namespace's, overlaps with earlier inputs).
 */
import { createReadStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TimeBasis } from '../model.js';
import type { Store } from '../store/db.js';
import { Load, type TableName } from '../store/load.js';
import { resolveOverlaps, type OverlapNotice } from '../store/overlap.js';
import { outOfMemory } from '../store/tuning.js';
import { autoDecompress, fileCompression } from '../io/decompress.js';
import { sha256, sha256File } from '../io/hash.js';
import { acquireTempFolder, releaseTempFolder } from '../io/tempdir.js';
import { DEFAULT_LIMITS, folderStream, memberOnDisk, treeFromArchive, type Tree } from '../bundle/tree.js';
import { forceHost, itemContext, type BundlePlan, type PlanItem, type ReadySource } from '../bundle/plan.js';
import { bundleOf, DEFAULT_BUNDLE, wantedBundleMember } from '../bundle/registry.js';
import { unifyNamespaceViews } from '../bundle/netns.js';
import { FORMAT_BY_KIND } from '../formats/registry.js';
import { declinedIssue, isDeclined, type Declined, type FastResult, type Format, type Prepared, type SqlInput, type SqlLoader } from '../formats/format.js';
import { parseInto } from '../formats/kit/parse-rows.js';
import { issue } from '../formats/kit/lines.js';
import type { IngestOptions } from './options.js';
import { countFastRows, countRows, emptySummary, failed, noteOverlaps, type InputSummary } from './summary.js';
import { alreadyIngested } from './side-file.js';
import { bootBasis } from './host.js';
import { BatchAbort, type BundleBatch } from './batch.js';

/** Archives up to this size are read whole (see treeFromArchive). */
const SMALL_ARCHIVE_BYTES = 4 * 1024 * 1024;
/**
 * xz and bzip2 archives up to this size are decompressed on this thread (lzma-native,
 * unbzip2-stream); larger ones by the xz / bzip2 program beside it (decompress.ts
 * decompressProgram), whose start (~5 ms) is more than a small bundle's decompression takes.
 */
const INLINE_XZ_BYTES = 256 * 1024;

let spilled = 0;

/**
 * An archive's tree of the members some bundle may read; those of memberOnDisk.minBytes and more
 * are written to the process's temporary folder as they are read (under our names, never the
 * member's), removed by the tree's dispose().
 */
export async function readTree(path: string, size: number, opts: IngestOptions): Promise<Tree> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const files: string[] = [];
  let tmp: string | null = null;
  const release = () => {
    for (const f of files.splice(0)) rmSync(f, { force: true });
    if (tmp) releaseTempFolder(tmp);
    tmp = null;
  };
  const spill = (_member: string, bytes: number) => {
    if (bytes < memberOnDisk.minBytes) return null;
    tmp ??= acquireTempFolder();
    const f = join(tmp, `bundle-member-${spilled++}`);
    files.push(f);
    return f;
  };
  try {
    const tree = await treeFromArchive(path, wantedBundleMember, limits, { small: size <= SMALL_ARCHIVE_BYTES, inlineXz: size <= INLINE_XZ_BYTES, spill });
    tree.disposers.push(release);
    return tree;
  } catch (e) {
    release();
    throw e;
  }
}

export async function ingestBundle(
  store: Store, path: string, tree: Tree, archiveBytes: number | null, opts: IngestOptions, batch?: BundleBatch,
): Promise<InputSummary> {
  // (a tree of no bundle root read with --as: the default bundle's plan says what is missing)
  const bundle = bundleOf(tree) ?? DEFAULT_BUNDLE;
  const bundleKind = bundle.kind;
  const sum = emptySummary(path, bundleKind);
  const name = basename(path);
  let plan;
  try {
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    plan = await bundle.plan(tree, name, { ...opts, maxMemberBytes: limits.maxMemberBytes, maxTotalBytes: limits.maxTotalBytes });
  } catch (e) {
    return failed(path, bundleKind, e);
  }
  // A member that is a part of a file (a section of a topic file) gives its file's line numbers.
  const lineShift = (it: PlanItem) => (it.firstLine ?? 1) - 1;
  sum.host = plan.facts.host;
  // (a folder's: of its members, those on disk hashed there — kept for their sources rows —; from
  // 2 GiB on, their sizes)
  const diskShas = new Map<PlanItem, string>();
  const memberSha = async (i: PlanItem) => {
    if (!i.diskPath) return sha256(i.data);
    if ((i.diskBytes ?? 0) >= folderStream.minBytes) return `${i.diskBytes} bytes`;
    const h = await sha256File(i.diskPath);
    diskShas.set(i, h);
    return h;
  };
  const sha = archiveBytes != null
    ? tree.sha256 ?? await sha256File(path)
    : sha256(Buffer.from((await Promise.all(plan.items.map(async (i) => i.path + ':' + await memberSha(i)))).join('\n') + plan.ready.map((r) => r.digest).join('')));
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
  // A prepared member's lines are in DuckDB (which spills them to disk past its cap): its bytes
  // leave memory, to a temporary file the line parser reads should the loader decline after all.
  // (A 450 MB sosreport held all of them to the end: 743 MiB of its 1.76 GB peak.)
  const released = new Map<PlanItem, { sha: string; bytes: number; file: string }>();
  let tmp: string | null = null;
  try {
    if (!batch) {
      const limits = { ...DEFAULT_LIMITS, ...opts.limits };
      // On disk: DuckDB reads a member by path, as a side file (a gzip'd or zstd'd one
      // decompressed by DuckDB, capped by --max-member-bytes); a name with glob characters,
      // another compression, or a loader that declines: streamed through the line parser.
      const onDisk: { it: PlanItem; loader: SqlLoader; input: SqlInput }[] = [];
      for (const it of plan.items) {
        const loader = FORMAT_BY_KIND.get(it.kind)!.sqlLoader;
        const min = opts.sqlMemberMinBytes ?? loader?.memberMinBytes;
        if (!loader || min == null || lineShift(it) !== 0 || !it.diskPath) continue;
        if ((it.diskBytes ?? 0) < min || /[*?[\]{}]/.test(it.diskPath)) continue;
        const comp = fileCompression(it.diskPath);
        if ((comp !== 'none' && comp !== 'gzip' && comp !== 'zstd') || !loader.takesFile(comp)) continue;
        onDisk.push({ it, loader, input: { path: it.diskPath, bytes: it.diskBytes ?? 0, compression: comp, maxBytes: limits.maxMemberBytes, member: true } });
      }
      const diskIndex = new Map(onDisk.map((d, i) => [d.it, i]));
      for (const it of plan.items) {
        const loader = FORMAT_BY_KIND.get(it.kind)!.sqlLoader;
        const min = opts.sqlMemberMinBytes ?? loader?.memberMinBytes;
        if (!loader || min == null || lineShift(it) !== 0) continue;
        if (it.diskPath) {
          const i = diskIndex.get(it);
          if (i === undefined) continue;
          // (the next member's check starts while DuckDB reads this one: a compressed member is
          // checked whole before DuckDB gets it, so without this the two took turns)
          const next = onDisk[i + 1];
          if (next) next.loader.prefetch?.(next.input);
          const prepared = await loader.prepare(store.conn, onDisk[i]!.input, itemContext(plan, it, `${name}/${it.path}`));
          if (isDeclined(prepared)) declinedMembers.set(it, prepared);
          else sqlMembers.set(it, { loader, prepared });
          continue;
        }
        if (it.data.length < min) continue;
        const prepared = await loader.prepare(store.conn, { data: it.data, name: it.path }, itemContext(plan, it, `${name}/${it.path}`));
        if (isDeclined(prepared)) {
          declinedMembers.set(it, prepared);
          continue;
        }
        sqlMembers.set(it, { loader, prepared });
        tmp ??= acquireTempFolder();
        const file = join(tmp, `member-${released.size}`);
        writeFileSync(file, it.data);
        released.set(it, { sha: sha256(it.data), bytes: it.data.length, file });
        const held = tree.entries.get(it.real);
        if (held?.type === 'file') held.data = undefined;
        it.data = EMPTY;
        collectGarbage(); // (each time: the next member's lines take DuckDB's share meanwhile)
      }
      await load.begin();
    }
  } catch (e) {
    await disposeMembers(store, sqlMembers);
    if (tmp) releaseTempFolder(tmp);
    return failed(path, bundleKind, outOfMemory(e, path) ?? e);
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
        await diskItem(load, sum, plan, it, display, fmt, boot, bundleId, opts, sqlMembers.get(it), declinedMembers.get(it), diskShas.get(it));
        continue;
      }
      const rel = released.get(it);
      const srcId = await load.newSource({
        parent_id: bundleId, host: plan.facts.host, kind: it.kind, path: display, sha256: rel?.sha ?? sha256(it.data),
        bytes: rel?.bytes ?? it.data.length, partial: it.partial, netns: it.netns, times: { boot, snapshot: it.snapshotBasis },
      });
      sum.sources++;
      const ctx = itemContext(plan, it, display);
      const member = sqlMembers.get(it);
      const fast = member
        ? await member.loader.load(load, srcId, member.prepared, ctx, { forced: true, fallback: plan.facts.host }, (rows) => forceHost(rows, plan.facts.host))
        : declinedMembers.get(it) ?? null;
      if (fast && !isDeclined(fast)) {
        tookSqlPath(load, sum, srcId, fast);
        continue;
      }
      if (rel) it.data = readFileSync(rel.file); // (declined while loading: the line parser reads it)
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
    for (const r of plan.ready) await loadReady(load, sum, r, plan.facts.host, bundleId);
    const view = await unifyNamespaceViews(load, bundleId, path);
    if (view) bundleIssues.push(view);
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
    // (DuckDB out of memory: one error line saying what to do; nothing of the bundle was kept)
    return failed(path, bundleKind, outOfMemory(e, path) ?? e);
  } finally {
    await disposeMembers(store, sqlMembers);
    if (tmp) releaseTempFolder(tmp);
  }
  return sum;
}

const EMPTY = Buffer.alloc(0);

let gc: (() => void) | null | undefined;
/**
 * A full garbage collection, once the prepared members' bytes are let go: V8 frees a Buffer only
 * in a full collection, which nothing triggers while the JavaScript heap stays small (~20 MB)
 * however many hundreds of MB of Buffers it drops. Measured on the 450 MB sosreport: without it
 * the members' 525 MB stayed to the end of the bundle's load (RSS ~1 GB throughout); once after
 * the last member, ~570 MiB while loading but still 1,020 MiB at the peak (all members held while
 * DuckDB filled its 256 MiB); after each member (six full collections of a ~20 MB heap): 939 MiB
 * at the peak (reading the archive), ~500–570 MiB while loading, no more CPU.
 */
function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/**
 * A member that stays on disk (tree.ts memberOnDisk): through its format's SQL loader when one
 * prepared it (DuckDB read the file), else — or when the loader declines while loading, its rows
 * deleted again — parsed as it is read from disk, hashed on the way (the source's sha256 is set
 * after), its decompressed bytes capped by --max-total-bytes like a side file. The source's sha256
 * and bytes are those of the member as stored.
 */
async function diskItem(
  load: Load, sum: InputSummary, plan: BundlePlan, it: PlanItem, display: string, fmt: Format,
  boot: TimeBasis | null, bundleId: number, opts: IngestOptions,
  member: { loader: SqlLoader; prepared: Prepared } | undefined, declined: Declined | undefined,
  /** sha256 of the member as stored, when the bundle's own hash read it already (a folder's). */
  knownSha: string | undefined,
): Promise<void> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const srcId = await load.newSource({
    parent_id: bundleId, host: plan.facts.host, kind: it.kind, path: display, sha256: null,
    bytes: it.diskBytes ?? null, partial: it.partial, netns: it.netns, times: { boot, snapshot: it.snapshotBasis },
  });
  sum.sources++;
  const ctx = itemContext(plan, it, display);
  if (member) {
    const fast = await member.loader.load(load, srcId, member.prepared, ctx, { forced: true, fallback: plan.facts.host }, (rows) => forceHost(rows, plan.facts.host));
    if (!isDeclined(fast)) {
      // (the loader's scan hashed the bytes it checked: a compressed member's decompressed ones)
      const stored = knownSha ?? (fileCompression(it.diskPath!) === 'none' && member.prepared.sha256 ? member.prepared.sha256 : await sha256File(it.diskPath!));
      await load.setSha(srcId, stored);
      tookSqlPath(load, sum, srcId, fast);
      return;
    }
    declined = fast;
  }
  const hash = createHash('sha256');
  const raw = createReadStream(it.diskPath!, { highWaterMark: 1 << 20 }).pipe(new Transform({
    transform(c: Buffer, _enc, cb) {
      hash.update(c);
      cb(null, c);
    },
  }));
  const { stream, damage, compression } = await autoDecompress(raw, { maxBytes: limits.maxTotalBytes, limitName: '--max-total-bytes', maxZstdWindow: limits.maxZstdWindow });
  const r = await parseInto(load, (t, n) => countRows(sum, t, n), fmt, ctx, srcId, stream, (rows) => forceHost(rows, plan.facts.host));
  await load.setSha(srcId, hash.digest('hex'));
  const issues = [...r.issues];
  if (declined) issues.push(declinedIssue(display, declined));
  if (damage.error) {
    issues.push(issue('truncated-input', display, null, damage.error.message, `complete ${compression} data; kept the ${r.bytes} bytes decompressed before the damage`, 'error'));
    await load.markPartial(srcId);
  }
  load.addIssues(srcId, issues, r.skipped);
  sum.issues.push(...issues);
  sum.skipped += r.skipped;
}

/** A member its format's SQL loader stored: its rows counted, its issues kept. */
function tookSqlPath(load: Load, sum: InputSummary, srcId: number, fast: FastResult): void {
  countFastRows(sum, fast);
  sum.sqlLoaded = (sum.sqlLoaded ?? 0) + 1;
  load.addIssues(srcId, fast.issues, fast.skipped);
  sum.issues.push(...fast.issues);
  sum.skipped += fast.skipped;
}

async function disposeMembers(store: Store, prepared: Map<PlanItem, { loader: SqlLoader; prepared: Prepared }>): Promise<void> {
  for (const { loader, prepared: p } of prepared.values()) await loader.dispose(store.conn, p);
}

/** Rows the bundle reader made itself (bundle/plan.ts ReadySource): one source under the bundle. */
async function loadReady(load: Load, sum: InputSummary, r: ReadySource, host: string, bundleId: number): Promise<void> {
  const srcId = await load.newSource({ parent_id: bundleId, host, kind: r.kind, path: r.path, sha256: null, bytes: null, times: r.times });
  sum.sources++;
  for (const [table, rows] of Object.entries(r.rows) as [TableName, never[]][]) {
    await load.add(table, srcId, rows);
    countRows(sum, table, rows.length);
  }
}
