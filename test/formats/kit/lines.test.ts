/**
 * Tests read files through parseText, production through LineFeeder (streams in chunks of any
 * size): both split with the one LineSplitter, so a parser sees the same lines, numbered the same,
 * whatever the chunking — NULs removed, \r\n taken as \n, a line over the cap passed once, cut.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Issue, LineParser } from '../../../src/model.js';
import { BaseLineParser, MAX_LINE, parseText } from '../../../src/formats/kit/lines.js';
import { LineFeeder } from '../../../src/formats/kit/feed.js';

/** Records every line it is given; skips over-long ones the way every text parser does. */
class Recorder extends BaseLineParser<[number, string]> implements LineParser<[number, string]> {
  line(text: string, lineNo: number): void {
    this.linesRead++;
    if (this.tooLong(text, lineNo)) return;
    this.rows.push([lineNo, text]);
  }
}

async function fed(text: string, cuts: number[]): Promise<{ rows: [number, string][]; issues: Issue[] }> {
  const p = new Recorder('f');
  const rows: [number, string][] = [];
  const f = new LineFeeder(p, async (r) => {
    rows.push(...r);
  });
  let at = 0;
  for (const c of [...cuts.filter((c) => c < text.length)].sort((a, b) => a - b)) {
    await f.text(text.slice(at, c));
    at = c;
  }
  await f.text(text.slice(at));
  await f.end();
  return { rows, issues: p.issues };
}

describe('one line driver for tests and production', () => {
  it('gives the same lines and line numbers for any text cut into any chunks', async () => {
    const piece = fc.constantFrom('a', 'kernel: TCP', ' ', '\n', '\r\n', '\r', '\0', 'é', '\n\n');
    await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 60 }).map((a) => a.join('')), fc.array(fc.nat(400), { maxLength: 8 }), async (text, cuts) => {
      const whole = parseText(new Recorder('f'), text);
      const streamed = await fed(text, cuts);
      expect(streamed.rows).toEqual(whole.rows);
      for (const [, l] of whole.rows) expect(l).not.toMatch(/\0/);
    }), { numRuns: 300 });
  });

  it('passes a line over the cap once, cut, and its parser skips it as line-too-long; the next line keeps its number', async () => {
    const text = `first\n${'x'.repeat(MAX_LINE + 5000)}\nthird\n`;
    const expected = [[1, 'first'], [3, 'third']];
    const whole = parseText(new Recorder('f'), text);
    expect(whole.rows).toEqual(expected);
    expect(whole.issues.map((i) => [i.code, i.line, i.expected])).toEqual([['line-too-long', 2, `a line shorter than ${MAX_LINE} characters`]]);
    const streamed = await fed(text, [3, 70_000, 700_000, MAX_LINE + 10]);
    expect(streamed.rows).toEqual(expected);
    expect(streamed.issues.map((i) => [i.code, i.line])).toEqual([['line-too-long', 2]]);
  });
});
