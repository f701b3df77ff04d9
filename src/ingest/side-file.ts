/**
 * One side file (a file given alone, found in a folder, or a member of an archive of logs): its
 * format detected from its first bytes (or --as), its host chosen (host.ts), and its rows loaded
 * in one transaction — through the format's SQL loader when it has one that takes the file
 * (format.ts SqlLoader; a decline leaves a note and the line parser reads it), else its parser.
 * A rerun of the same bytes (sha256) is a no-op.
 */
import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ParseContext } from '../model.js';
import { BundlescopeError, InputError, SafetyError } from '../errors.js';
import type { Store } from '../store/db.js';
import { knownInputs, Load } from '../store/load.js';
import type { SourceTimes } from '../store/timebasis.js';
import { resolveOverlaps } from '../store/overlap.js';
import { outOfMemory } from '../store/tuning.js';
import { autoDecompress, fileCompression } from '../io/decompress.js';
import { sha256File } from '../io/hash.js';
import { DEFAULT_LIMITS } from '../bundle/tree.js';
import { detectFormat, FORMAT_BY_KIND } from '../formats/registry.js';
import { declinedIssue, isDeclined, type Declined, type Format, type SqlLoader } from '../formats/format.js';
import { parseInto } from '../formats/kit/parse-rows.js';
import { issue } from '../formats/kit/lines.js';
import type { IngestOptions } from './options.js';
import { countFastRows, countRows, emptySummary, failed, noteOverlaps, unchangedSummary, type InputSummary } from './summary.js';
import { addBareHosts, hostFixer, hostInfo, sideFileHost } from './host.js';
import { refuseUnknown } from './refuse.js';

/** Side files up to this size are hashed before they are read (a rerun is then a quick no-op). */
const HASH_FIRST_MAX_BYTES = 16 * 1024 * 1024;

export async function alreadyIngested(store: Store, sha: string): Promise<boolean> {
  return (await knownInputs(store.conn)).shas.has(sha);
}

async function sameSizeLoaded(store: Store, bytes: number): Promise<boolean> {
  return (await knownInputs(store.conn)).sizes.has(bytes);
}

export async function ingestSideFile(store: Store, path: string, headBuf: Buffer, opts: IngestOptions): Promise<InputSummary> {
  const head = headBuf.toString('utf8');
  if (headBuf.length === 0 && !opts.as) {
    return failed(path, 'unknown', new InputError('empty-file', 'empty file (after decompression): nothing to ingest', path));
  }
  let fmt: Format | null;
  if (opts.as) fmt = FORMAT_BY_KIND.get(opts.as) ?? null;
  else fmt = detectFormat(head);
  if (!fmt) return failed(path, 'unknown', refuseUnknown(path, headBuf));
  const sum = emptySummary(path, fmt.kind);
  const who = await sideFileHost(store, path, fmt, head, opts);
  if (who instanceof InputError) return failed(path, fmt.kind, who);
  const { fallback: fallbackHost, data: dataHost } = who;
  if (who.notice) sum.notice = who.notice;
  const info = await hostInfo(store, fallbackHost ?? dataHost);
  const tz = opts.tz ?? info.tz ?? 'UTC';
  const st = statSync(path);
  const unchanged = () => unchangedSummary(path, sum.kind, fallbackHost);
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
      return failed(path, fmt.kind, e instanceof BundlescopeError ? e : outOfMemory(e, path) ?? new InputError('read-failed', (e as Error).message, path));
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
      : outOfMemory(e, path) ?? new InputError('read-failed', (e as Error).message, path));
  }
  return sum;
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
