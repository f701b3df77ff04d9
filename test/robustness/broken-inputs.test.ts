import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ingestInto, issueKeys, rows, runCli, SAMPLES, tempDir } from './helpers.js';
import { parseText, parseBytes } from '../../src/formats/kit/lines.js';
import { createSlabinfoParser } from '../../src/formats/slabinfo/parser.js';
import { createSarParser } from '../../src/formats/sar/parser.js';
import { createSyslogParser } from '../../src/formats/syslog/parser.js';
import { createJournalExportParser } from '../../src/formats/journal-export/parser.js';
import type { ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';

const t = tempDir();
afterAll(() => t.cleanup());
let n = 0;
/** A fresh database path per test. */
const freshDb = () => join(t.dir, `db${++n}.duckdb`);
const put = (name: string, data: string | Buffer) => {
  const p = join(t.dir, name);
  writeFileSync(p, data);
  return p;
};

/** `count` distinct syslog lines from web01 (line i carries its number). */
const syslogLines = (count: number) =>
  Array.from({ length: count }, (_, i) => `Mar 12 14:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} web01 kernel: TCP: time wait bucket table overflow #${i + 1}`);
const GOOD = syslogLines(3).join('\n') + '\n';

describe('truncated and corrupt compressed inputs', () => {
  it('a .tar.xz bundle cut in half keeps the members before the damage, is partial, and says so', async () => {
    const sos = readFileSync(join(SAMPLES, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz'));
    const cut = put('sosreport-web01-2026-03-12-kqwzmab.tar.xz', sos.subarray(0, Math.floor(sos.length / 2)));
    const good = put('good.log', GOOD);
    const db = freshDb();
    const r = await runCli(['ingest', '--db', db, '--verbose', cut, good]);
    expect(r.code).toBe(0); // the bundle loaded (partly), the log loaded
    expect(r.err).toContain(`  error[truncated-archive] ${cut}: No progress is possible (expected a complete compressed stream; kept the `);
    const { store } = await ingestInto(db, []);
    try {
      expect(await rows(store, "SELECT kind, partial FROM sources WHERE parent_id IS NULL ORDER BY source_id")).toEqual([['sosreport', true], ['syslog', false]]);
      expect(await rows(store, "SELECT code, severity, line FROM ingest_issues WHERE code = 'truncated-archive'")).toEqual([['truncated-archive', 'error', null]]);
      // members read before the damage are all there; the complete bundle has more
      const ALL = "SELECT (SELECT count(*) FROM log_events WHERE message NOT LIKE '%#%') + (SELECT count(*) FROM counter_samples) + (SELECT count(*) FROM sockets) + (SELECT count(*) FROM slab_samples) + (SELECT count(*) FROM sysctls) AS n";
      const [[partialRows]] = await rows(store, ALL) as [[number]];
      expect(partialRows).toBeGreaterThan(500);
      expect(await rows(store, "SELECT count(*) FROM log_events WHERE message LIKE '%#%'")).toEqual([[3]]);
      // the whole bundle (other database) has more rows than the cut one
      const full = freshDb();
      await runCli(['ingest', '--db', full, join(SAMPLES, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz')]);
      const c = await runCli(['query', ALL, '--db', full, '--format', 'csv']);
      expect(Number(c.out.split('\n')[1])).toBeGreaterThan(partialRows);
    } finally {
      store.close();
    }
  });

  const lines = syslogLines(4000);
  const text = lines.join('\n') + '\n';
  const gz = gzipSync(Buffer.from(text));
  const truncatedGz = gz.subarray(0, Math.floor(gz.length / 2));
  const corruptGz = Buffer.from(gz);
  for (let i = Math.floor(gz.length * 0.6); i < Math.floor(gz.length * 0.6) + 16; i++) corruptGz[i] = 0xa5;
  const xzPath = put('plain.log', text);
  execFileSync('xz', ['-kf', xzPath]);
  const xz = readFileSync(xzPath + '.xz');
  const truncatedXz = xz.subarray(0, Math.floor(xz.length / 2));
  // bzip2 -1: 100 kB blocks, so that half the file holds whole blocks (decoded by the bzip2 program)
  const bz2 = execFileSync('bzip2', ['-1', '-c'], { input: text });
  const truncatedBz2 = bz2.subarray(0, Math.floor(bz2.length / 2));

  for (const [name, data, what] of [
    ['cut.log.gz', truncatedGz, 'gzip'],
    ['cut.log.xz', truncatedXz, 'xz'],
    ['cut.log.bz2', truncatedBz2, 'bzip2'],
  ] as const) {
    it(`${name}: the lines before the damage are kept, the source is partial, one error names the file`, async () => {
      const path = put(name, data);
      const good = put(`good-${name}.log`, GOOD.replace(/web01/g, 'web02'));
      const { store, sums } = await ingestInto(freshDb(), [path, good]);
      try {
        expect(sums.map((s) => [s.status, s.kind])).toEqual([['loaded', 'syslog'], ['loaded', 'syslog']]);
        const damaged = sums[0]!;
        // (a gzip'd file also has the note of the SQL path, which left the damaged file to the line parser; xz and bzip2 never try it)
        expect(issueKeys(damaged)).toEqual([['truncated-input', null, 'error'], ...(what === 'gzip' ? [['fast-path-declined', null, 'note']] : [])]);
        expect(damaged.issues[0]!.file).toBe(path);
        expect(damaged.issues[0]!.expected).toMatch(new RegExp(`^complete ${what} data; kept the \\d+ bytes decompressed before the damage$`));
        const got = await rows(store, 'SELECT line_no, message FROM log_events WHERE host = $1 ORDER BY line_no', ['web01']) as [number, string][];
        // a prefix of the file, in order, each line whole except perhaps the last (cut mid-line)
        expect(got.length).toBeGreaterThan(100);
        expect(got.length).toBeLessThan(4000);
        expect(got.map(([l]) => l)).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
        for (const [l, m] of got.slice(0, -1)) expect(m).toBe(`TCP: time wait bucket table overflow #${l}`);
        expect(`TCP: time wait bucket table overflow #${got.length}`.startsWith(got.at(-1)![1])).toBe(true);
        expect(await rows(store, 'SELECT kind, partial FROM sources ORDER BY source_id')).toEqual([['syslog', true], ['syslog', false]]);
        expect(await rows(store, "SELECT count(*) FROM log_events WHERE host = 'web02'")).toEqual([[3]]);
      } finally {
        store.close();
      }
    });
  }

  it('cut.log.bz2 without the bzip2 program (unbzip2-stream): one error naming the file, no crash, the other input loads', async () => {
    process.env.BUNDLESCOPE_BZIP2 = 'none';
    try {
      const path = put('cut-lib.log.bz2', truncatedBz2);
      const good = put('good-lib.log', GOOD.replace(/web01/g, 'web02'));
      const { store, sums } = await ingestInto(freshDb(), [path, good]);
      try {
        expect(sums[1]!.status).toBe('loaded');
        const errors = sums[0]!.status === 'failed' ? [sums[0]!.error?.message] : sums[0]!.issues.filter((i) => i.severity === 'error').map((i) => i.text);
        expect(errors).toEqual([expect.stringContaining('bzip2 data ends unexpectedly or a block is damaged')]);
        expect(await rows(store, "SELECT count(*) FROM log_events WHERE host = 'web02'")).toEqual([[3]]);
      } finally {
        store.close();
      }
    } finally {
      delete process.env.BUNDLESCOPE_BZIP2;
    }
  });

  it('corrupt.log.gz: deflate decodes garbage until the CRC check; the intact head is kept, the source partial', async () => {
    const path = put('corrupt.log.gz', corruptGz);
    const { store, sums } = await ingestInto(freshDb(), [path]);
    try {
      expect(sums[0]!.status).toBe('loaded');
      expect(sums[0]!.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.file, i.line])).toEqual([['truncated-input', path, null]]);
      const got = await rows(store, 'SELECT line_no, message FROM log_events ORDER BY line_no') as [number, string][];
      // the lines before the damaged bytes (at 60 % of the compressed size) are intact and in order
      const intact = got.findIndex(([l, m], i) => l !== i + 1 || m !== `TCP: time wait bucket table overflow #${l}`);
      expect(intact).toBeGreaterThan(1000);
      expect(await rows(store, 'SELECT partial FROM sources')).toEqual([[true]]);
    } finally {
      store.close();
    }
  });

  it('a gzip file damaged before its first line fails with one line; the other inputs load', async () => {
    const path = put('dead.log.gz', gz.subarray(0, 20));
    const good = put('good-dead.log', GOOD);
    const r = await runCli(['ingest', '--db', freshDb(), path, good]);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`error[corrupt-compressed] ${path}: gzip data damaged before its first bytes: unexpected end of file\n`);
    expect(r.err).toMatch(/^total: 2 inputs, 1 ok, 1 failed; 3 rows; 0 lines skipped$/m);
  });
});

describe('junk, empty and odd bytes', () => {
  it('binary junk under a log name and an empty file fail with one line each; the good file loads (exit 3)', async () => {
    const junk = put('messages', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256)));
    const empty = put('syslog.1', '');
    const good = put('kern.log', GOOD);
    const db = freshDb();
    const r = await runCli(['ingest', '--db', db, junk, empty, good]);
    expect(r.code).toBe(3);
    expect(r.err.split('\n').filter((l) => l.startsWith('error['))).toEqual([
      `error[unknown-format] ${junk}: binary data of no known format (a sosreport must be a tar archive; --as KIND forces a format)`,
      `error[empty-file] ${empty}: empty file (after decompression): nothing to ingest`,
    ]);
    expect(r.err).toMatch(/^total: 3 inputs, 1 ok, 2 failed; 3 rows; 0 lines skipped$/m);
    const q = await runCli(['query', 'SELECT count(*) AS sources FROM sources', '--db', db, '--format', 'csv']);
    expect(q.out).toBe('sources\n1\n'); // nothing recorded for the failed inputs
  });

  it('a GPG-encrypted sosreport (sos --encrypt-pass) fails with one line saying how to decrypt it; the good file loads', async () => {
    // An OpenPGP symmetric-key session packet (tag 3) first, as gpg --symmetric writes, then noise.
    const gpg = put('sosreport-web01-2026-03-12-kqwzmab.tar.xz.gpg',
      Buffer.concat([Buffer.from([0x8c, 0x0d, 0x04, 0x09, 0x03, 0x02]), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256))]));
    const armoured = put('case.tar.xz.asc', '-----BEGIN PGP MESSAGE-----\n\njA0ECQMC\n-----END PGP MESSAGE-----\n');
    const good = put('kern-gpg.log', GOOD);
    const r = await runCli(['ingest', '--db', freshDb(), gpg, armoured, good]);
    expect(r.code).toBe(3);
    expect(r.err.split('\n').filter((l) => l.startsWith('error['))).toEqual([
      `error[encrypted] ${gpg}: a GPG-encrypted file (sos --encrypt-key / --encrypt-pass): decrypt it first, e.g. gpg --output 'sosreport-web01-2026-03-12-kqwzmab.tar.xz' --decrypt 'sosreport-web01-2026-03-12-kqwzmab.tar.xz.gpg', and ingest that`,
      `error[encrypted] ${armoured}: a GPG-encrypted file (sos --encrypt-key / --encrypt-pass): decrypt it first, e.g. gpg --output 'case.tar.xz' --decrypt 'case.tar.xz.asc', and ingest that`,
    ]);
    expect(r.err).toMatch(/^total: 3 inputs, 1 ok, 2 failed; 3 rows; 0 lines skipped$/m);
  });

  it('binary junk forced with --as syslog: every junk line is an issue with its line number, nothing stored', async () => {
    const junk = put('junk-as.log', Buffer.from('\x01\x02\x03 not a log\n\xff\xfe\xfd\n', 'latin1'));
    const { store, sums } = await ingestInto(freshDb(), [junk], { as: 'syslog', host: 'web01' });
    try {
      expect(sums[0]!.status).toBe('loaded');
      expect(issueKeys(sums[0]!)).toEqual([['bad-line', 1, 'warning'], ['bad-line', 2, 'warning'], ['fast-path-declined', null, 'note']]);
      expect(sums[0]!.skipped).toBe(2);
      expect(await rows(store, 'SELECT count(*) FROM log_events')).toEqual([[0]]);
    } finally {
      store.close();
    }
  });

  it('CRLF line ends, NUL bytes and invalid UTF-8 keep every line, cleaned', async () => {
    const crlf = put('crlf.log', GOOD.replace(/\n/g, '\r\n'));
    const nul = put('nul.log', GOOD.replace(/web01/g, 'web02').replace('kernel', 'ker\0nel').replace('#1', '#1\0'));
    const badUtf8 = put('utf8.log', Buffer.concat([
      Buffer.from('Mar 12 14:00:00 web03 kernel: bad \xff\xfe bytes\n', 'latin1'),
      Buffer.from('Mar 12 14:00:01 web03 kernel: cut \xe2\x82\n', 'latin1'), // a 3-byte sequence cut short
      Buffer.from('Mar 12 14:00:02 web03 kernel: fine \u20ac\n'),
    ]));
    const { store, sums } = await ingestInto(freshDb(), [crlf, nul, badUtf8], { tz: 'UTC' });
    try {
      // (each with the note of the SQL path, which leaves CR, NUL and invalid UTF-8 to the line parser)
      expect(sums.map((s) => [s.status, s.rows.log_events, s.issues.map((i) => i.code)])).toEqual([['loaded', 3, ['fast-path-declined']], ['loaded', 3, ['fast-path-declined']], ['loaded', 3, ['fast-path-declined']]]);
      expect(await rows(store, 'SELECT host, line_no, ident, message FROM log_events ORDER BY host, line_no')).toEqual([
        ['web01', 1, 'kernel', 'TCP: time wait bucket table overflow #1'],
        ['web01', 2, 'kernel', 'TCP: time wait bucket table overflow #2'],
        ['web01', 3, 'kernel', 'TCP: time wait bucket table overflow #3'],
        ['web02', 1, 'kernel', 'TCP: time wait bucket table overflow #1'],
        ['web02', 2, 'kernel', 'TCP: time wait bucket table overflow #2'],
        ['web02', 3, 'kernel', 'TCP: time wait bucket table overflow #3'],
        ['web03', 1, 'kernel', 'bad \ufffd\ufffd bytes'],
        ['web03', 2, 'kernel', 'cut \ufffd'],
        ['web03', 3, 'kernel', 'fine \u20ac'],
      ]);
    } finally {
      store.close();
    }
  });
});

describe('a 10 MB line', () => {
  const huge = 'Mar 12 14:00:01 web01 kernel: ' + 'A'.repeat(10 * 1024 * 1024);
  for (const [name, compress] of [['huge.log', false], ['huge.log.gz', true]] as const) {
    it(`${name}: is not stored, is one 'line-too-long' issue at its line, and the lines after it parse`, async () => {
      const text = [syslogLines(1)[0], huge, ...syslogLines(3).slice(1)].join('\n') + '\n';
      const path = put(name, compress ? gzipSync(text) : text);
      const { store, sums } = await ingestInto(freshDb(), [path], { tz: 'UTC' });
      try {
        expect(issueKeys(sums[0]!)).toEqual([['line-too-long', 2, 'warning'], ['fast-path-declined', null, 'note']]);
        expect(sums[0]!.issues[0]!.text.length).toBeLessThanOrEqual(201);
        expect(sums[0]!.skipped).toBe(1);
        expect(await rows(store, 'SELECT line_no, max(length(message)) FROM log_events GROUP BY ALL ORDER BY 1')).toEqual([
          [1, 39], [3, 39], [4, 39],
        ]);
        expect(await rows(store, 'SELECT max(length(text)) FROM ingest_issues')).toEqual([[201]]);
      } finally {
        store.close();
      }
    });
  }

  it('a 10 MB line with no newline at all (the whole file) is one issue, bounded', async () => {
    const path = put('one-huge.log', huge);
    const { store, sums } = await ingestInto(freshDb(), [path], { tz: 'UTC' });
    try {
      expect(sums[0]!.status).toBe('loaded');
      expect(issueKeys(sums[0]!)).toEqual([['line-too-long', 1, 'warning'], ['fast-path-declined', null, 'note']]);
      expect(await rows(store, 'SELECT count(*) FROM log_events')).toEqual([[0]]);
    } finally {
      store.close();
    }
  });
});

describe('structured formats cut short', () => {
  it('journal JSON lines cut in half: each cut line is an issue at its line, the whole ones load', async () => {
    const entry = (i: number) => JSON.stringify({ __REALTIME_TIMESTAMP: String(1773061331000000 + i * 1000000), _HOSTNAME: 'web01', _TRANSPORT: 'kernel', PRIORITY: '4', MESSAGE: `TCP: time wait bucket table overflow #${i}` });
    const cutLine = (s: string) => s.slice(0, Math.floor(s.length / 2));
    const path = put('journal.json', [entry(1), cutLine(entry(2)), entry(3), cutLine(entry(4))].join('\n'));
    const { store, sums } = await ingestInto(freshDb(), [path]);
    try {
      expect(sums[0]!.kind).toBe('journal-json');
      expect(issueKeys(sums[0]!).map(([c, l]) => [c, l])).toEqual([['bad-json', 2], ['bad-json', 4]]);
      expect(await rows(store, 'SELECT line_no, message FROM log_events ORDER BY 1')).toEqual([
        [1, 'TCP: time wait bucket table overflow #1'], [3, 'TCP: time wait bucket table overflow #3'],
      ]);
    } finally {
      store.close();
    }
  });

  const ctx: ParseContext = { file: 'journal.export', host: 'web01', tz: 'UTC' };
  const le64 = (lo: number, hi = 0) => {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(lo, 0);
    b.writeUInt32LE(hi, 4);
    return b;
  };
  const ENTRY1 = '__REALTIME_TIMESTAMP=1773061331000000\nMESSAGE=first\n\n';

  it('export format: a binary field whose length runs past the end keeps the entries before it', () => {
    const buf = Buffer.concat([Buffer.from(ENTRY1 + '__REALTIME_TIMESTAMP=1773061332000000\nMESSAGE\n'), le64(1000), Buffer.from('only ten b')]);
    const rss0 = process.memoryUsage().rss;
    const r = parseBytes(createJournalExportParser(ctx), buf);
    expect(r.rows.map((x) => [x.line_no, x.message])).toEqual([[1, 'first']]);
    expect(r.issues.map((i) => [i.code, i.line, i.expected])).toEqual([
      ['truncated-field', 5, '1000 bytes of binary field MESSAGE before the end of input'],
    ]);
    expect([r.linesRead, r.linesSkipped]).toEqual([2, 1]);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(32 * 1024 * 1024);
  });

  it('export format: lengths of 2^31, 2^40 and 2^64-1 bytes are never allocated; parsing resumes at the next entry', () => {
    const field = (len: Buffer) => Buffer.concat([Buffer.from('__REALTIME_TIMESTAMP=1773061332000000\nMESSAGE\n'), len, Buffer.from('xx\n\n')]);
    const buf = Buffer.concat([Buffer.from(ENTRY1), field(le64(2 ** 31)), field(le64(0, 256)), field(le64(0xffffffff, 0xffffffff)),
      Buffer.from('__REALTIME_TIMESTAMP=1773061339000000\nMESSAGE=last\n\n')]);
    const rss0 = process.memoryUsage().rss;
    const r = parseBytes(createJournalExportParser(ctx), buf);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(32 * 1024 * 1024);
    expect(r.rows.map((x) => x.message)).toEqual(['first', 'last']);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['field-too-large', 5], ['field-too-large', 9], ['field-too-large', 13]]);
    expect(r.issues[2]!.expected).toBe(`a binary field of at most ${64 * 1024 * 1024} bytes (MESSAGE declares ${0xffffffff * 2 ** 32 + 0xffffffff}); entry dropped`);
    expect([r.linesRead, r.linesSkipped]).toEqual([5, 3]);
  });
});

describe('snapshot tables with missing or extra columns', () => {
  const sctx: ParseContext = { file: 'slab.log', host: 'web01', tz: 'UTC' };
  it('slabinfo: a row with a column missing or one too many is an issue at its line; the others load', () => {
    const r = parseText(createSlabinfoParser(sctx), [
      '2026-03-12T14:00:00Z',
      'slabinfo - version: 2.1',
      '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
      'tw_sock_TCP         1120   1120    248   16    1 : tunables    0    0    0 : slabdata     70     70      0',
      'TCP                  300    300   2432   13    8 : tunables    0    0    0 : slabdata     23     23      0',
      'request_sock_TCP     104    104         16    1 : tunables    0    0    0 : slabdata      4      4      0',
      'skbuff_head_cache   2048   2048    256   16    1   7 : tunables    0    0    0 : slabdata    128    128      0',
      'kmalloc-64         20000  20000     64   64    1 : tunables    0    0    0 : slabdata',
      'dentry             51261  51261    192   21    1 : tunables    0    0    0 : slabdata    2441   2441      0',
    ].join('\n'));
    expect(r.rows.map((x) => [isoUtc(x.ts), x.cache, x.active_objs, x.num_objs, x.objsize, x.num_slabs])).toEqual([
      ['2026-03-12T14:00:00Z', 'tw_sock_TCP', 1120, 1120, 248, 70],
      ['2026-03-12T14:00:00Z', 'TCP', 300, 300, 2432, 23],
      ['2026-03-12T14:00:00Z', 'dentry', 51261, 51261, 192, 2441],
    ]);
    expect(r.issues.map((i) => [i.code, i.line, i.severity])).toEqual([
      ['slabinfo-bad-line', 6, 'warning'], ['slabinfo-bad-line', 7, 'warning'], ['slabinfo-bad-line', 8, 'warning'],
    ]);
    expect([r.linesRead, r.linesSkipped]).toEqual([9, 3]);
  });

  it('sar: rows with a column missing or extra are issues at their lines; the others load', () => {
    const r = parseText(createSarParser({ file: 'sar12', host: null, tz: 'UTC' }), [
      'Linux 4.18.0-513.el8.x86_64 (web01) \t03/12/2026 \t_x86_64_\t(16 CPU)',
      '',
      '14:00:01    totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
      '14:10:01      1840       312         9         0         0     27950',
      '14:20:01      1851       318         9         0         0',
      '14:30:01      1851       318         9         0         0     28000     77',
      '14:40:01      1860       320         9         0         0     28100',
    ].join('\n'));
    const tw = r.rows.filter((x) => x.name === 'sockstat.TCP.tw').map((x) => [isoUtc(x.ts), x.value]);
    expect(tw).toEqual([['2026-03-12T14:10:01Z', 27950], ['2026-03-12T14:40:01Z', 28100]]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['column-count', 5], ['column-count', 6]]);
    expect(r.linesSkipped).toBe(2);
  });
});

describe('syslog years across New Year', () => {
  const lines = [
    'Dec 31 23:59:58 web01 kernel: TCP: time wait bucket table overflow',
    'Dec 31 23:59:59 web01 kernel: TCP: time wait bucket table overflow',
    'Jan  1 00:00:00 web01 kernel: TCP: time wait bucket table overflow',
    'Jan  1 00:00:01 web01 kernel: TCP: time wait bucket table overflow',
  ].join('\n') + '\n';
  const expected = [
    ['2025-12-31T23:59:58Z', 'syslog-year-inferred'], ['2025-12-31T23:59:59Z', 'syslog-year-inferred'],
    ['2026-01-01T00:00:00Z', 'syslog-year-inferred'], ['2026-01-01T00:00:01Z', 'syslog-year-inferred'],
  ];

  it('parser: December goes to the previous year when the reference time is in January', () => {
    const r = parseText(createSyslogParser({ file: 'messages', host: null, tz: 'UTC', referenceTimeMs: Date.UTC(2026, 0, 2, 8) }), lines);
    expect(r.rows.map((x) => [isoUtc(x.ts), x.ts_quality])).toEqual(expected);
    expect(r.issues).toEqual([]);
  });

  it('ingest: a side file dated by its modification time in January', async () => {
    const path = put('messages-newyear', lines);
    utimesSync(path, new Date('2026-01-01T12:00:00Z'), new Date('2026-01-01T12:00:00Z'));
    const { store } = await ingestInto(freshDb(), [path], { tz: 'UTC' });
    try {
      const got = await rows(store, "SELECT strftime(ts, '%Y-%m-%dT%H:%M:%SZ'), ts_quality FROM log_events ORDER BY line_no");
      expect(got).toEqual(expected);
    } finally {
      store.close();
    }
  });
});

describe('exit codes (README "Exit codes")', () => {
  it('0 when everything loaded; 2 when every input failed or on a usage error; 3 when some failed; 4 when the database is unopenable', async () => {
    const good = put('exit-good.log', GOOD);
    const db = freshDb();
    expect((await runCli(['ingest', '--db', db, good])).code).toBe(0);
    expect((await runCli(['ingest', '--db', db, good])).code).toBe(0); // unchanged is not a failure
    expect((await runCli(['ingest', '--db', db, join(t.dir, 'nope.log')])).code).toBe(2);
    expect((await runCli(['ingest', '--db', db, join(t.dir, 'nope.log'), good])).code).toBe(3);
    expect((await runCli(['ingest', '--db', db, '--no-such-option', good])).code).toBe(2);
    expect((await runCli(['ingest', '--db', db, '--tz', 'Mars/Olympus', good])).code).toBe(2);
    expect((await runCli(['report', 'no_such_report', '--db', db])).code).toBe(2);
    const notDb = put('not-a-db.duckdb', 'this is not a DuckDB file\n'.repeat(200));
    const r = await runCli(['ingest', '--db', notDb, good]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(new RegExp(`^error\\[db-open\\] ${notDb.replace(/[.]/g, '\\.')}: cannot open database: .+\\n$`));
  });
});
