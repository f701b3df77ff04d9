/**
 * Property tests: every parser in FORMATS, fed arbitrary text and mutated real-looking lines,
 * never throws (a ParseError is the one documented error), finishes quickly, and keeps its
 * counters consistent. The journal export chunk parser gives the same answer however its
 * input is split into chunks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FORMATS } from '../../src/formats/registry.js';
import { createJournalExportParser } from '../../src/formats/journal-export/parser.js';
import { ParseError } from '../../src/errors.js';
import type { ChunkParser, Issue, LineParser, ParseContext } from '../../src/model.js';

const FILE = 'fuzz.input';
const ctx = (): ParseContext => ({
  file: FILE, host: 'web01', tz: 'Europe/Berlin', referenceTimeMs: Date.UTC(2026, 2, 12, 19, 20),
  bootTimeMs: Date.UTC(2026, 2, 1), snapshotTs: Date.UTC(2026, 2, 12, 19, 20) * 1000, netns: null,
});

/**
 * Lines each format's parser must also survive beyond its checked samples (src/formats/<kind>/index.ts
 * `samples`, whose lines are the seeds): shapes a clean sample cannot hold, because they are
 * issues by design or a SQL loader would not take them (the registry test loads every sample of
 * a format with a SQL loader through it).
 */
const EXTRA_SEEDS: Record<string, string[]> = {
  'journal-json': [
    '{"__REALTIME_TIMESTAMP":"1773061332000000","MESSAGE":[84,67,80],"_PID":"812","SYSLOG_IDENTIFIER":"sshd"}',
    '{', '"MESSAGE" : "pretty",', '}',
  ],
  'netstat-s': ['    312 times the listen queue of a socket overflowed'],
  syslog: [
    'Mar  9 14:02:11 web01 kernel: [ 8123.456789] TCP: time wait bucket table overflow',
    '<4>Mar  9 14:02:11 web01 kernel: TCP: time wait bucket table overflow',
    '2026-03-09T14:02:11.204511+01:00 web01 kernel: TCP: time wait bucket table overflow',
    '<6>1 2026-03-09T14:02:11.204511+01:00 web01 kernel - - - TCP: time wait bucket table overflow',
    '-- Boot 6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b --',
    'Dec 31 23:59:59 web01 kernel: net_ratelimit: 12 callbacks suppressed',
  ],
  sysctl: ['sysctl: reading key "net.ipv6.conf.all.stable_secret"'],
};

/** The inputs the mutations start from: the lines of the format's samples, then its extra shapes. */
const seedsOf = (f: (typeof FORMATS)[number]): string[] =>
  [...f.samples.flatMap((s) => s.split('\n')).filter((l) => l !== ''), ...(EXTRA_SEEDS[f.kind] ?? [])];

/** A mutation of a real line: cut, inserted bytes, swapped or duplicated fields, deleted chars. */
function mutatedLine(seeds: string[]): fc.Arbitrary<string> {
  const seed = fc.constantFrom(...seeds);
  const junk = fc.string({ unit: 'binary', maxLength: 12 });
  return fc.oneof(
    seed,
    fc.tuple(seed, fc.nat()).map(([s, i]) => s.slice(0, i % (s.length + 1))),
    fc.tuple(seed, fc.nat(), junk).map(([s, i, j]) => { const k = i % (s.length + 1); return s.slice(0, k) + j + s.slice(k); }),
    fc.tuple(seed, fc.nat(), fc.nat()).map(([s, a, b]) => {
      const f = s.split(/(\s+|;|:|=)/);
      const i = a % f.length, j = b % f.length;
      [f[i], f[j]] = [f[j]!, f[i]!];
      return f.join('');
    }),
    fc.tuple(seed, fc.nat(), fc.nat({ max: 8 })).map(([s, i, n]) => { const k = i % (s.length + 1); return s.slice(0, k) + s.slice(k + n); }),
    fc.tuple(seed, fc.nat()).map(([s, i]) => { const f = s.split(/\s+/); const k = i % f.length; f.splice(k, 0, f[k]!); return f.join(' '); }),
    fc.tuple(seed, fc.constantFrom('-1', '99999999999999999999', 'NaN', '1e309', '0x1f', '', '\u00a0', '\ufffd', '\0')).map(([s, v]) => s.replace(/\d+/, v)),
  );
}

const anyLines = (seeds: string[]) => fc.array(fc.oneof(
  { weight: 3, arbitrary: mutatedLine(seeds) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/\n/g, ' ')) },
  { weight: 1, arbitrary: fc.constant('') },
), { maxLength: 30 });

function checkIssues(issues: readonly Issue[], maxLine: number): void {
  for (const i of issues) {
    expect(i.file).toBe(FILE);
    expect(i.code).toMatch(/^[a-z0-9-]+$/);
    expect(['warning', 'error']).toContain(i.severity);
    if (i.line != null) {
      expect(Number.isInteger(i.line)).toBe(true);
      expect(i.line).toBeGreaterThanOrEqual(1);
      expect(i.line).toBeLessThanOrEqual(maxLine);
    }
    expect(i.text.length).toBeLessThanOrEqual(201);
  }
}

function checkRows(rows: unknown[], maxLine: number): void {
  for (const r of rows as Record<string, unknown>[]) {
    for (const k of ['ts', 'value', 'active_objs', 'num_objs', 'objsize']) {
      if (typeof r[k] === 'number') expect(Number.isFinite(r[k] as number), `${k}=${String(r[k])}`).toBe(true);
    }
    if (r.line_no != null) {
      expect(r.line_no).toBeGreaterThanOrEqual(1);
      expect(r.line_no).toBeLessThanOrEqual(maxLine);
    }
  }
}

/** Run a line parser; a ParseError (not this format at all) is the one allowed throw. */
function runLines(create: (c: ParseContext) => LineParser<unknown>, lines: string[]) {
  const p = create(ctx());
  const rows: unknown[] = [];
  try {
    lines.forEach((l, i) => {
      p.line(l, i + 1);
      if (i % 7 === 6) rows.push(...p.drain());
    });
    p.end();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
  rows.push(...p.drain());
  return { p, rows };
}

const RUNS = 120;
const LINE_FORMATS = FORMATS.filter((f) => 'lines' in f.parser);
const linesOf = (f: (typeof FORMATS)[number]) => (f.parser as { lines: (c: ParseContext) => LineParser<unknown> }).lines;

describe('every line parser survives arbitrary and mutated input', () => {
  it('has seeds for every line format, from its checked samples', () => {
    // (binary journal files are fuzzed by corrupting real ones: test/formats/journal-binary.test.ts;
    // the export format below)
    expect(LINE_FORMATS.filter((f) => f.samples.length === 0).map((f) => f.kind)).toEqual([]);
    expect(Object.keys(EXTRA_SEEDS).filter((k) => !LINE_FORMATS.some((f) => f.kind === k))).toEqual([]);
  });

  for (const f of LINE_FORMATS) {
    it(f.kind, () => {
      fc.assert(fc.property(anyLines(seedsOf(f)), (lines) => {
        const started = performance.now();
        const { p, rows } = runLines(linesOf(f), lines);
        expect(performance.now() - started).toBeLessThan(250);
        expect(p.linesRead).toBe(lines.length);
        expect(p.linesSkipped).toBeGreaterThanOrEqual(0);
        expect(p.linesSkipped).toBeLessThanOrEqual(p.linesRead);
        checkIssues(p.issues, lines.length);
        checkRows(rows, lines.length);
      }), { numRuns: RUNS, seed: 7 });
    });
  }

  it('a 2 MB line is one line-too-long issue at its line in every line parser', () => {
    const huge = '9'.repeat(2 * 1024 * 1024);
    for (const f of LINE_FORMATS) {
      const seeds = seedsOf(f);
      const { p } = runLines(linesOf(f), [seeds[0]!, huge, seeds[0]!]);
      expect(p.issues.filter((i) => i.code === 'line-too-long').map((i) => i.line), f.kind).toEqual([2]);
    }
  });
});

describe('journal export chunk parser', () => {
  const le64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const textField = fc.tuple(fc.constantFrom('MESSAGE', 'PRIORITY', '_PID', '_HOSTNAME', 'SYSLOG_IDENTIFIER', '_TRANSPORT', 'X_OTHER'),
    fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, ' ')))
    .map(([k, v]) => Buffer.from(`${k}=${v}\n`));
  const binField = fc.tuple(fc.constantFrom('MESSAGE', 'X_BLOB'), fc.uint8Array({ maxLength: 64 }))
    .map(([k, v]) => Buffer.concat([Buffer.from(`${k}\n`), le64(v.length), Buffer.from(v), Buffer.from('\n')]));
  const entry = fc.tuple(fc.integer({ min: 1_600_000_000_000_000, max: 1_900_000_000_000_000 }), fc.array(fc.oneof(textField, binField), { maxLength: 6 }))
    .map(([ts, fields]) => Buffer.concat([Buffer.from(`__REALTIME_TIMESTAMP=${ts}\nMESSAGE=entry\n`), ...fields, Buffer.from('\n')]));
  const stream = fc.array(entry, { minLength: 1, maxLength: 8 }).map((es) => Buffer.concat(es));

  /** Damage: cut, inserted bytes, a byte overwritten (lengths included). */
  const damaged = fc.tuple(stream, fc.array(fc.tuple(fc.constantFrom('cut', 'insert', 'set'), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 9 })), { maxLength: 3 }))
    .map(([buf, muts]) => {
      let b = buf;
      for (const [kind, at, bytes] of muts) {
        const k = at % (b.length + 1);
        if (kind === 'cut') b = b.subarray(0, k);
        else if (kind === 'insert') b = Buffer.concat([b.subarray(0, k), bytes, b.subarray(k)]);
        else { b = Buffer.from(b); b.set(bytes.subarray(0, Math.max(0, b.length - k)), k); }
      }
      return b;
    });
  const splits = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 });

  function parse(buf: Buffer, sizes: number[] | null) {
    const p: ChunkParser<unknown> = createJournalExportParser(ctx());
    if (sizes == null) p.chunk(buf);
    else {
      let i = 0;
      for (let s = 0; i < buf.length; s++) {
        const n = sizes[s % sizes.length]!;
        p.chunk(buf.subarray(i, i + n));
        i += n;
      }
    }
    p.end();
    return { rows: p.drain(), issues: p.issues, linesRead: p.linesRead, linesSkipped: p.linesSkipped };
  }

  it('well-formed streams: one row per entry, no issues, the same however the bytes are split', () => {
    fc.assert(fc.property(stream, splits, (buf, sizes) => {
      const whole = parse(buf, null);
      expect(whole.issues).toEqual([]);
      expect(whole.rows.length).toBe(whole.linesRead);
      expect(parse(buf, sizes)).toEqual(whole);
    }), { numRuns: 200, seed: 11 });
  });

  it('damaged streams never throw, stay fast, count consistently and do not depend on the split', () => {
    fc.assert(fc.property(damaged, splits, (buf, sizes) => {
      const started = performance.now();
      const whole = parse(buf, null);
      const split = parse(buf, sizes);
      expect(performance.now() - started).toBeLessThan(250);
      expect(split).toEqual(whole);
      expect(whole.linesSkipped).toBeLessThanOrEqual(whole.linesRead);
      expect(whole.rows.length).toBeLessThanOrEqual(whole.linesRead - whole.linesSkipped);
      const physicalLines = buf.toString('latin1').split('\n').length;
      checkIssues(whole.issues, physicalLines);
      checkRows(whole.rows, physicalLines);
    }), { numRuns: 300, seed: 13 });
  });
});
