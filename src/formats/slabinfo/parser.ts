/**
 * `/proc/slabinfo` (versions 1.1, 2.0, 2.1; SLAB and SLUB), cgroup-v1 `memory.kmem.slabinfo`,
 * `slabtop -o`, and snapshot logs of any of them (each dump preceded by a stamp line):
 *
 *   slabinfo - version: 1.1 (SMP)
 *   tcp_tw_bucket         60     60    128    2    2    1 :  252  126
 *   slabinfo - version: 2.1
 *   # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
 *   tw_sock_TCP         1120   1120    248   16    1 : tunables    0    0    0 : slabdata     70     70      0
 *    31984  31840  99%    0.25K   1999       16      7996K tw_sock_TCP          (slabtop -o)
 */
import type { ParseContext, LineParser, SlabSampleRow } from '../../model.js';
import { SnapshotLineParser } from '../kit/stamps.js';
import { KINDS } from '../../signatures.js';

/** Caches holding TIME_WAIT minisocks: `tcp_tw_bucket` up to ~2.6.13, `tw_sock_TCP[v6]` since (the catalogue's, signatures.ts KINDS). */
export const TIMEWAIT_CACHES: readonly string[] = KINDS.tcp_timewait_overflow.slabCaches;

const VERSION = /^slabinfo - version:\s*(\d+)\.(\d+)/;
const SLABTOP_HEADER = /^\s*OBJS\s+ACTIVE\s+USE\s+OBJ SIZE\s+SLABS/;
const SLABTOP_SUMMARY = /^\s*(?:Active \/ Total|Minimum \/ Average \/ Maximum)\b/;
// procps-ng slabtop: "%6u %6u %3u%% %7.2fK %6u %8u %9luK %-23s"; the decimal mark follows the locale.
const SLABTOP_ROW = /^\s*(\d+)\s+(\d+)\s+(\d+)%\s+(\d+(?:[.,]\d+)?)K\s+(\d+)\s+(\d+)\s+(\d+)K\s+(\S.*)$/;
const INT = /^\d+$/;

type Layout = 'v1' | 'v2';

class SlabinfoParser extends SnapshotLineParser<SlabSampleRow> {
  /** From the `slabinfo - version:` line; null until one is seen (then guessed per line). */
  private layout: Layout | null = null;
  private slabtop = false;

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const trimmed = text.trim();
    if (trimmed === '') return;
    const v = VERSION.exec(trimmed);
    if (v) {
      // 2.0 prints the same columns as 2.1 (only its tunables labels are swapped).
      this.layout = Number(v[1]) >= 2 ? 'v2' : 'v1';
      this.slabtop = false;
      return;
    }
    if (trimmed.startsWith('# name')) return;
    if (SLABTOP_HEADER.test(text)) {
      this.slabtop = true;
      return;
    }
    if (SLABTOP_SUMMARY.test(text)) {
      this.slabtop = true;
      return;
    }
    // The `%` and `K` columns make a slabtop row unmistakable, so decide per line.
    const row = SLABTOP_ROW.test(text) || this.slabtop ? this.slabtopRow(text) : this.procRow(trimmed);
    if (typeof row === 'string') {
      // No stamp form reads as a cache row, so stamps need only be looked for here.
      if (this.takeStamp(text)) return;
      this.skip('slabinfo-bad-line', lineNo, text, row);
      return;
    }
    const stamp = this.stampFor(lineNo, text);
    if (!stamp) return;
    this.rows.push({ host: this.ctx.host, ts: stamp.us, ts_quality: stamp.quality, ...row });
  }

  /** A /proc/slabinfo data line → fields, or what was expected. */
  private procRow(trimmed: string): Omit<SlabSampleRow, 'host' | 'ts' | 'ts_quality'> | string {
    const tokens = trimmed.split(/\s+/);
    const first = tokens.findIndex((t) => INT.test(t));
    if (first < 1) return 'a cache name followed by numeric columns';
    const colon = tokens.indexOf(':', first);
    const nums = tokens.slice(first, colon < 0 ? undefined : colon);
    if (!nums.every((t) => INT.test(t))) return 'numeric columns up to the first ":"';
    const name = tokens.slice(0, first).join(' ');
    const n = nums.map(Number);
    const layout = this.layout ?? (nums.length === 6 && !tokens.includes('slabdata') ? 'v1' : 'v2');
    if (layout === 'v1') {
      if (n.length !== 6) return 'slabinfo 1.1: name active_objs num_objs objsize active_slabs num_slabs pagesperslab';
      return {
        cache: name, active_objs: n[0]!, num_objs: n[1]!, objsize: n[2]!,
        objperslab: null, pagesperslab: n[5]!, active_slabs: n[3]!, num_slabs: n[4]!,
      };
    }
    if (n.length !== 5) return 'slabinfo 2.x: name active_objs num_objs objsize objperslab pagesperslab : tunables … : slabdata …';
    const sd = tokens.indexOf('slabdata', first);
    let activeSlabs: number | null = null;
    let numSlabs: number | null = null;
    if (sd >= 0) {
      const a = tokens[sd + 1];
      const b = tokens[sd + 2];
      if (a === undefined || b === undefined || !INT.test(a) || !INT.test(b)) return '": slabdata <active_slabs> <num_slabs> <sharedavail>"';
      activeSlabs = Number(a);
      numSlabs = Number(b);
    }
    return {
      cache: name, active_objs: n[0]!, num_objs: n[1]!, objsize: n[2]!,
      objperslab: n[3]!, pagesperslab: n[4]!, active_slabs: activeSlabs, num_slabs: numSlabs,
    };
  }

  private slabtopRow(text: string): Omit<SlabSampleRow, 'host' | 'ts' | 'ts_quality'> | string {
    const m = SLABTOP_ROW.exec(text);
    if (!m) return 'slabtop row: OBJS ACTIVE USE% OBJ-SIZE(K) SLABS OBJ/SLAB CACHE-SIZE(K) NAME';
    return {
      cache: m[8]!.trimEnd(), active_objs: Number(m[2]), num_objs: Number(m[1]),
      // slabtop rounds to 1/100 KiB, so this is the size to within ~5 bytes.
      objsize: Math.round(Number(m[4]!.replace(',', '.')) * 1024),
      objperslab: Number(m[6]), pagesperslab: null, active_slabs: null, num_slabs: Number(m[5]),
    };
  }
}

export function createSlabinfoParser(ctx: ParseContext): LineParser<SlabSampleRow> {
  return new SlabinfoParser(ctx);
}

/** /proc/slabinfo or slabtop output (possibly as a snapshot log), judged by the first ~64 KiB. */
export function looksLikeSlabinfo(head: string): boolean {
  if (/^slabinfo - version: \d+\.\d+/m.test(head)) return true;
  if (/^\s*OBJS\s+ACTIVE\s+USE\s+OBJ SIZE\s+SLABS\s+OBJ\/SLAB\s+CACHE SIZE\s+NAME/m.test(head)) return true;
  // A dump with its header cut off: several 2.x data lines.
  const rows = head.match(/^\S+(?:\s+\d+){5}\s+: tunables(?:\s+\d+){3}\s+: slabdata(?:\s+\d+){3}/gm);
  return rows !== null && rows.length >= 3;
}
