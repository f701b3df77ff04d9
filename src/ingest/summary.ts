/**
 * What an ingest tells about each input (InputSummary: the line `ingest` prints, the value the
 * library returns), and the few rules that shape it: a failure, a skip with a notice, row counts,
 * overlaps told on the input they are about.
 */
import type { Issue } from '../model.js';
import { BundlescopeError } from '../errors.js';
import type { TableName } from '../store/load.js';
import type { FastResult } from '../formats/format.js';
import { overlapLine, type OverlapNotice, type SourceRef } from '../store/overlap.js';

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
  /** One line per overlap of this input with another (store/overlap.ts): `overlap   KIND PATH host H: …`. */
  overlaps?: string[];
  /** Overlaps found while loading this input (moved to the summary of the input they are about when it is of this run). */
  overlapNotices?: OverlapNotice[];
  /** Sources of this input loaded by their format's SQL loader (absent: none); a declined one has a fast-path-declined note. */
  sqlLoaded?: number;
}

export function emptySummary(path: string, kind: string): InputSummary {
  return { path, kind, status: 'loaded', host: null, rows: {}, skipped: 0, issues: [], error: null, sources: 0 };
}

export function failed(path: string, kind: string, e: unknown): InputSummary {
  const s = emptySummary(path, kind);
  s.status = 'failed';
  s.error = e instanceof Error ? e : new Error(String(e));
  return s;
}

export function skipped(path: string, notice: string): InputSummary {
  const s = emptySummary(path, 'none');
  s.status = 'skipped';
  s.notice = notice;
  return s;
}

export function unchangedSummary(path: string, kind: string, host: string | null): InputSummary {
  const u = emptySummary(path, kind);
  u.status = 'unchanged';
  u.host = host;
  return u;
}

/**
 * A file found in a folder that is text of no format bundlescope reads (a note, a script, a
 * document) is skipped with a notice rather than failed: a case folder holds such files.
 * Binary data, damaged archives and refused formats (sa files) stay errors.
 */
export function asNotice(s: InputSummary): InputSummary {
  const e = s.error;
  if (s.status !== 'failed' || !(e instanceof BundlescopeError)) return s;
  if (e.code === 'unknown-format' && /^not a format bundlescope knows/.test(e.message)) return skipped(s.path, 'text of no format bundlescope reads (a note or a document?); --as KIND reads it as one');
  if (e.code === 'empty-file') return skipped(s.path, 'an empty file');
  return s;
}

export function countRows(sum: InputSummary, table: TableName, n: number) {
  sum.rows[table] = (sum.rows[table] ?? 0) + n;
}

/** Rows a SQL load path stored, counted as the line parsers count them (a file with no rows — journalctl separators only — counts none). */
export function countFastRows(sum: InputSummary, r: FastResult) {
  if (r.logEvents === 0) return;
  countRows(sum, 'overflow_events', r.overflowEvents);
  countRows(sum, 'log_events', r.logEvents);
}

function takeOff(sum: InputSummary, n: OverlapNotice): void {
  for (const [t, k] of Object.entries(n.removed) as [TableName, number][]) {
    const left = (sum.rows[t] ?? 0) - k;
    if (left > 0) sum.rows[t] = left;
    else delete sum.rows[t];
  }
  if (n.dropped === 'all' && n.about.bundle == null && Object.keys(sum.rows).length === 0) sum.status = 'overlap';
  (sum.overlaps ??= []).push(overlapLine(n));
}

/**
 * The overlaps found while loading input `sum`: those about it (or one of its members) change
 * its counts and lines now; those about an earlier input wait for placeOverlaps.
 */
export function noteOverlaps(sum: InputSummary, notices: OverlapNotice[], own: (s: SourceRef) => boolean): void {
  for (const n of notices) {
    if (own(n.about)) takeOff(sum, n);
    else (sum.overlapNotices ??= []).push(n);
  }
}

/**
 * An overlap that removed the rows of an earlier input is told on that input's line when it was
 * loaded in the same run (its row counts corrected), else on the line of the input that found it.
 */
export function placeOverlaps(out: InputSummary[]): void {
  for (const s of out) {
    for (const n of s.overlapNotices ?? []) {
      const target = out.find((x) => x !== s && x.path === (n.about.bundle ?? n.about.path) && (x.status === 'loaded' || x.status === 'overlap'));
      if (target) takeOff(target, n);
      else (s.overlaps ??= []).push(overlapLine(n));
    }
    delete s.overlapNotices;
  }
}
