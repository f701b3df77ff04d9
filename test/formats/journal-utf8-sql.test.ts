/**
 * Byte-array values decoded in SQL (src/formats/journal-json/utf8-sql.ts) against TextDecoder, which
 * the JavaScript journal parser applies to them: the same text for every sequence SQL takes, and
 * SQL takes exactly the valid UTF-8 ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { jsonBytesSql, jsonUtf8Sql } from '../../src/formats/journal-json/utf8-sql.js';

let inst: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  inst = await DuckDBInstance.create(':memory:');
  conn = await inst.connect();
});
afterAll(() => {
  conn.closeSync();
  inst.closeSync();
});

const td = new TextDecoder('utf-8');

/** The SQL decoding of each byte list (given as its JSON array), in one query; null where SQL declines. */
async function decodeAll(lists: number[][]): Promise<(string | null)[]> {
  const values = lists.map((l, i) => `(${i}, '[${l.join(',')}]'::JSON)`).join(', ');
  // ('|' first: @duckdb/node-api drops a BOM that begins a value it reads back)
  const r = await conn.runAndReadAll(`SELECT '|' || ${jsonUtf8Sql('j')} FROM (VALUES ${values}) t(id, j) ORDER BY id`);
  return r.getRows().map((row) => (row[0] == null ? null : String(row[0]).slice(1)));
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const valid = (b: number[]) => {
  try {
    fatal.decode(Uint8Array.from(b));
    return true;
  } catch {
    return false;
  }
};

// Byte sequences near UTF-8's edges: lead bytes with too few, too many or out-of-range
// continuations, overlongs, surrogates, code points past U+10FFFF, BOMs, plain text around them.
const edgy = fc.constantFrom(
  [0xc0, 0x80], [0xc1, 0xbf], [0xc2], [0xc2, 0x80], [0xdf, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0xa0, 0x80], [0xe0, 0xa0],
  [0xed, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xef, 0xbb, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf], [0xf0, 0x90, 0x80, 0x80],
  [0xf0, 0x90, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80], [0xff], [0xfe], [0x80], [0xbf, 0xbf],
  [0xe2, 0x82, 0x41], [0x1b, 0x5b, 0x33, 0x32, 0x6d], [0x0a], [0x7f],
);
const piece = fc.oneof(
  edgy,
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }).map((s) => [...Buffer.from(s, 'utf8')]),
  fc.array(fc.integer({ min: 0x80, max: 0xbf }), { minLength: 1, maxLength: 4 }),
);
const bytes = fc.array(piece, { minLength: 1, maxLength: 8 }).map((ps) => ps.flat()).filter((b) => b.length > 0);

describe('UTF-8 decoding in SQL', () => {
  it('gives TextDecoder\'s text for every valid sequence and declines every other (2,000 random, each edge case alone, after a BOM, doubled)', async () => {
    const cases = fc.sample(bytes, { numRuns: 2000, seed: 13 });
    const edges = fc.sample(edgy, { numRuns: 200, seed: 1 });
    for (const e of edges) cases.push(e, [0xef, 0xbb, 0xbf, ...e], [0x41, ...e, 0x42], [...e, ...e]);
    const got = await decodeAll(cases);
    const want = cases.map((c) => (valid(c) ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(c)) : null));
    const bad = cases.map((c, i) => ({ c, got: got[i], want: want[i] })).filter((x) => x.got !== x.want);
    expect(bad.slice(0, 5)).toEqual([]);
    // (both kinds well represented)
    expect(want.filter((w) => w != null).length).toBeGreaterThan(500);
    expect(want.filter((w) => w == null).length).toBeGreaterThan(500);
    // where it begins with no BOM (the loader's other condition), TextDecoder's own default text
    cases.forEach((c, i) => {
      if (got[i] != null && !got[i]!.startsWith('\uFEFF')) expect(got[i]).toBe(td.decode(Uint8Array.from(c)));
    });
  });

  it('keeps a BOM where it is (the loader sends a leading one to the JavaScript parser)', async () => {
    expect(await decodeAll([[0xef, 0xbb, 0xbf, 0x41], [0x41, 0xef, 0xbb, 0xbf]])).toEqual(['\uFEFFA', 'A\uFEFF']);
  });

  it('reads only arrays of byte numbers 0–255 as bytes', async () => {
    const json = ['[1,2,255]', '[0]', '[256]', '[-1]', '[1.5]', '["1",2]', '[]', '[[1,2]]', '"text"', '[ 1, 2 ]', '7'];
    const r = await conn.runAndReadAll(`SELECT ${jsonBytesSql('j')} FROM (VALUES ${json.map((j, i) => `(${i}, '${j}'::JSON)`).join(', ')}) t(id, j) ORDER BY id`);
    const lists = r.getRows().map((row) => (row[0] == null ? null : (row[0] as { items: number[] }).items));
    expect(lists).toEqual([[1, 2, 255], [0], null, null, null, null, null, null, null, [1, 2], null]);
  });
});
