/**
 * `/proc/net/stat/<table>` (nf_conntrack, arp_cache, ndisc_cache, ...) and `conntrack -S`,
 * also as snapshot logs (each dump preceded by a stamp line):
 *
 *   entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
 *   0000a3f1  00000000 00000000 00000000 0000001c 00000000 00000000 00000000 00000000 00000000 0000031a 00000000 00000000  00000000 00000000 00000000 00000000
 *   0000a3f1  00000000 00000000 00000000 00000002 00000000 00000000 00000000 00000000 00000000 00000010 00000000 00000000  00000000 00000000 00000000 00000000
 *
 *   cpu=0   	found=0 invalid=28 insert=0 insert_failed=0 drop=794 early_drop=0 error=0 search_restart=0   (conntrack -S)
 */
import type { CounterSampleRow, CounterSemantics, LineParser, ParseContext } from '../../model.js';
import { SnapshotLineParser, type Stamp } from '../kit/stamps.js';

const HEX = /^[0-9a-fA-F]+$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Per-CPU rows of one dump, summed per column until the dump ends. */
abstract class PerCpuSumParser extends SnapshotLineParser<CounterSampleRow> {
  private sums = new Map<string, number>();
  private dumpStamp: Stamp | null = null;

  constructor(ctx: ParseContext, private readonly origin: string, private readonly prefix: string) {
    super(ctx);
  }

  /** Adds one CPU row; `entries` is a global count repeated on every row, so keep the first. */
  protected addRow(stamp: Stamp, values: [string, number][]): void {
    this.dumpStamp = stamp;
    for (const [k, v] of values) {
      const had = this.sums.get(k);
      if (had === undefined) this.sums.set(k, v);
      else if (k !== 'entries') this.sums.set(k, had + v);
    }
  }

  protected flush(): void {
    const stamp = this.dumpStamp;
    if (stamp) {
      for (const [k, v] of this.sums) {
        const semantics: CounterSemantics = k === 'entries' ? 'gauge' : 'cumulative';
        this.rows.push({
          host: this.ctx.host, ts: stamp.us, ts_quality: stamp.quality, origin: this.origin,
          name: `${this.prefix}.${k}`, value: v, semantics, device: null, netns: this.ctx.netns ?? null,
        });
      }
    }
    this.sums = new Map();
    this.dumpStamp = null;
  }

  protected override onStamp(): void {
    this.flush();
  }

  override end(): void {
    this.flush();
    super.end();
  }
}

class ProcNetStatParser extends PerCpuSumParser {
  private header: string[] | null = null;

  constructor(ctx: ParseContext, table: string) {
    super(ctx, 'proc', table);
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const t = text.trim();
    if (t === '') return;
    const tokens = t.split(/\s+/);
    const hex = tokens.every((x) => HEX.test(x));
    if (hex && this.header && tokens.length === this.header.length) {
      const stamp = this.stampFor(lineNo, text);
      if (!stamp) return;
      const header = this.header;
      this.addRow(stamp, header.map((h, i) => [h, parseInt(tokens[i]!, 16)]));
      return;
    }
    if (!hex && tokens.every((x) => NAME.test(x))) {
      // Each dump starts with its header; column sets differ by kernel, so map by name.
      this.flush();
      this.header = tokens;
      return;
    }
    if (this.takeStamp(text)) return;
    if (hex && !this.header) {
      this.skip('procstat-no-header', lineNo, text, 'a header row of column names before the per-CPU rows');
    } else if (hex) {
      this.skip('procstat-bad-line', lineNo, text, `${this.header!.length} hex columns as in the header`);
    } else {
      this.skip('procstat-bad-line', lineNo, text, 'a header row of names or a row of hex values');
    }
  }
}

/**
 * Parser for `/proc/net/stat/<table>`: hex per-CPU rows summed per column (`entries` taken
 * once), emitted as `<table>.<column>` with origin 'proc'.
 */
export function createProcNetStatParser(ctx: ParseContext, table: string): LineParser<CounterSampleRow> {
  return new ProcNetStatParser(ctx, table);
}

/** conntrack -S spells three counters differently from /proc/net/stat/nf_conntrack (same kernel fields). */
const CONNTRACK_ALIASES: Record<string, string> = {
  error: 'icmp_error', clash_resolve: 'clashres', chaintoolong: 'chainlength',
};

class ConntrackStatsParser extends PerCpuSumParser {
  private lastCpu = -1;

  constructor(ctx: ParseContext) {
    super(ctx, 'conntrack', 'nf_conntrack');
  }

  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    const t = text.trim();
    if (t === '') return;
    const pairs = t.split(/\s+/).map((p) => /^([A-Za-z_]+)=(\d+)$/.exec(p));
    if (!pairs.every((p) => p !== null) || pairs[0]![1] !== 'cpu') {
      if (this.takeStamp(text)) return;
      this.skip('conntrack-bad-line', lineNo, text, 'cpu=N key=value …');
      return;
    }
    const cpu = Number(pairs[0]![2]);
    // The CPU numbers restart when the next dump of a log begins.
    if (cpu <= this.lastCpu) this.flush();
    this.lastCpu = cpu;
    const stamp = this.stampFor(lineNo, text);
    if (!stamp) return;
    this.addRow(stamp, pairs.slice(1).map((p) => [CONNTRACK_ALIASES[p![1]!] ?? p![1]!, Number(p![2])]));
  }

  protected override flush(): void {
    super.flush();
    this.lastCpu = -1;
  }
}

/** Parser for `conntrack -S`: per-CPU decimal counters summed, as `nf_conntrack.<key>`, origin 'conntrack'. */
export function createConntrackStatsParser(ctx: ParseContext): LineParser<CounterSampleRow> {
  return new ConntrackStatsParser(ctx);
}

/** A /proc/net/stat/* table: a header of names, then rows of 8-digit hex of the same width. */
export function looksLikeProcNetStat(head: string): boolean {
  const lines = head.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const h = lines.findIndex((l) => /^entries\s+[a-z_]+(?:\s+[a-z_]+)+$/.test(l));
  if (h < 0 || h + 1 >= lines.length) return false;
  const width = lines[h]!.split(/\s+/).length;
  const row = lines[h + 1]!.split(/\s+/);
  return row.length === width && row.every((x) => /^[0-9a-f]{8,16}$/.test(x));
}

/** `conntrack -S` output. */
export function looksLikeConntrackStats(head: string): boolean {
  return /^cpu=\d+\s+(?:[a-z_]+=\d+\s+){3,}/m.test(head);
}
