import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJournalExportParser, looksLikeJournalExport } from '../../src/formats/journal-export/parser.js';
import { createJournalJsonParser } from '../../src/formats/journal-json/parser.js';
import { parseBytes, parseText } from '../../src/formats/kit/lines.js';
import type { LogEventRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD as REAL, describeRealworld } from '../helpers.js';

const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({ file: 'journal.export', host: null, tz: 'UTC', ...over });
const parse = (buf: Uint8Array, over: Partial<ParseContext> = {}) => parseBytes(createJournalExportParser(ctx(over)), buf);
/** Feed the bytes in slices of `size` (chunks may split a length or a field anywhere). */
const parseChunked = (buf: Uint8Array, size: number, over: Partial<ParseContext> = {}) => {
  const p = createJournalExportParser(ctx(over));
  for (let i = 0; i < buf.length; i += size) p.chunk(buf.subarray(i, i + size));
  p.end();
  return { rows: p.drain(), issues: p.issues, linesRead: p.linesRead, linesSkipped: p.linesSkipped };
};
const brief = (r: LogEventRow) => ({ ...r, ts: isoUtc(r.ts) });
const BOOT = '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b';

const enc = new TextEncoder();
function le64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}
function bytes(...parts: (string | Uint8Array)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}
const BAD_BYTE = bytes('bad byte ', new Uint8Array([0xff]), ' here');

describe('journal export format', () => {
  it('reads text and binary fields; a spliced non-field line is an issue', () => {
    const buf = bytes(
      '__CURSOR=s=739a;i=15c\n',
      '__REALTIME_TIMESTAMP=1773061331204511\n',
      `_BOOT_ID=${BOOT}\n`,
      '_TRANSPORT=kernel\n',
      'PRIORITY=4\n',
      'SYSLOG_IDENTIFIER=kernel\n',
      '_SOURCE_MONOTONIC_TIMESTAMP=8123456789\n',
      '__MONOTONIC_TIMESTAMP=8123457012\n',
      'MESSAGE=TCP: time wait bucket table overflow\n',
      '\n',
      '__REALTIME_TIMESTAMP=1773061332000000\n',
      'MESSAGE\n', le64(15), BAD_BYTE, '\n',
      '_PID=812\n',
      '\n',
      'Sep 17 11:26:36 Debian12 kernel: spliced short line\n',
      'MESSAGE=no timestamp entry\n',
      '\n',
    );
    const r = parse(buf, { host: 'web01' });
    const none = { boot_id: null, mono_us: null, ident: null, pid: null, unit: null, priority: null, facility: null, transport: null };
    expect(r.rows.map(brief)).toEqual([
      { host: 'web01', ts: '2026-03-09T13:02:11.204511Z', ts_quality: 'exact', boot_id: BOOT, mono_us: 8123456789, ident: 'kernel',
        pid: null, unit: null, priority: 4, facility: null, transport: 'kernel', message: 'TCP: time wait bucket table overflow', line_no: 1 },
      { ...none, host: 'web01', ts: '2026-03-09T13:02:12Z', ts_quality: 'exact', pid: 812, message: 'bad byte \uFFFD here', line_no: 11 },
      { ...none, host: 'web01', ts: null, ts_quality: null, message: 'no timestamp entry', line_no: 17 },
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['bad-field', 16]]);
    expect([r.linesRead, r.linesSkipped]).toEqual([3, 0]);
    // Any chunking gives the same result, even one byte at a time (splitting the length).
    for (const size of [1, 3, 8, 13]) expect(parseChunked(buf, size, { host: 'web01' }), `chunks of ${size}`).toEqual(parse(buf, { host: 'web01' }));
  });

  it('keeps the entries before a binary field that runs past the end', () => {
    const buf = bytes('MESSAGE=first\n\n', '__REALTIME_TIMESTAMP=1773061331000000\nMESSAGE\n', le64(100), 'only ten b');
    const r = parse(buf);
    expect(r.rows.map((x) => [x.message, x.line_no])).toEqual([['first', 1]]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['truncated-field', 4]]);
    expect([r.linesRead, r.linesSkipped]).toEqual([2, 1]);
    // The length itself cut short.
    const cut = parse(bytes('MESSAGE=first\n\nMESSAGE\n', le64(100).subarray(0, 3)));
    expect(cut.issues.map((i) => [i.code, i.line])).toEqual([['truncated-field', 3]]);
  });

  it('drops an entry whose binary field claims more than 64 MiB and resyncs at the next empty line', () => {
    const buf = bytes(
      'MESSAGE=before\n\n',
      '__REALTIME_TIMESTAMP=1773061331000000\nCOREDUMP\n', le64(2 ** 40), 'garbage\nmore garbage\n\n',
      'MESSAGE=after\n\n',
    );
    const r = parse(buf);
    expect(r.rows.map((x) => [x.message, x.line_no])).toEqual([['before', 1], ['after', 8]]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['field-too-large', 4]]);
    expect(parseChunked(buf, 5)).toEqual(r);
  });

  it('gives the same rows as journalctl -o json for the same entries', () => {
    type Entry = [string, string | Uint8Array][];
    const entries: Entry[] = [
      [['__CURSOR', 's=1'], ['__REALTIME_TIMESTAMP', '1773061331204511'], ['__MONOTONIC_TIMESTAMP', '8123457012'], ['_BOOT_ID', BOOT],
        ['_HOSTNAME', 'web01'], ['_TRANSPORT', 'kernel'], ['SYSLOG_FACILITY', '0'], ['SYSLOG_IDENTIFIER', 'kernel'], ['PRIORITY', '4'],
        ['_SOURCE_MONOTONIC_TIMESTAMP', '8123456789'], ['MESSAGE', 'TCP: time wait bucket table overflow']],
      [['__REALTIME_TIMESTAMP', '1773061332000000'], ['_HOSTNAME', 'web01'], ['_TRANSPORT', 'stdout'], ['_COMM', 'app'], ['_PID', '812'],
        ['_SYSTEMD_UNIT', 'app.service'], ['PRIORITY', '6'], ['MESSAGE', BAD_BYTE]],
      [['__REALTIME_TIMESTAMP', '1773061333000000'], ['_TRANSPORT', 'syslog'], ['SYSLOG_IDENTIFIER', 'sshd'], ['SYSLOG_PID', '900'],
        ['MESSAGE', 'first'], ['MESSAGE', 'second']],
      [['__REALTIME_TIMESTAMP', '1773061334000000'], ['_TRANSPORT', 'journal'], ['MESSAGE', 'Traceback:\n  line 1\n  line 2']],
      [['__REALTIME_TIMESTAMP', '1773061335000000'], ['COREDUMP_SIGNAL', '11']],
    ];
    const isUtf8 = (b: Uint8Array) => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const exportBytes = bytes(...entries.flatMap((e) => [
      ...e.flatMap(([k, v]) => (typeof v === 'string' && !v.includes('\n')
        ? [`${k}=${v}\n`]
        : [`${k}\n`, le64(typeof v === 'string' ? enc.encode(v).length : v.length), v, '\n'])),
      '\n',
    ]));
    const json = entries.map((e) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of e) {
        const value = typeof v === 'string' ? v : isUtf8(v) ? new TextDecoder().decode(v) : [...v];
        o[k] = k in o ? [...(Array.isArray(o[k]) && typeof (o[k] as unknown[])[0] !== 'number' ? (o[k] as unknown[]) : [o[k]]), value] : value;
      }
      return JSON.stringify(o);
    }).join('\n');
    const fromExport = parse(exportBytes);
    const fromJson = parseText(createJournalJsonParser(ctx()), json);
    const noLine = (r: LogEventRow) => ({ ...r, line_no: 0 });
    expect(fromExport.rows.map(noLine)).toEqual(fromJson.rows.map(noLine));
    expect(fromExport.rows.map((x) => x.message)).toEqual([
      'TCP: time wait bucket table overflow', 'bad byte \uFFFD here', 'first', 'Traceback:\n  line 1\n  line 2',
    ]);
    expect(fromExport.issues.map((i) => i.code)).toEqual(['no-message']);
    expect(fromJson.issues.map((i) => [i.code, i.line])).toEqual([['no-message', 5]]);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary bytes built from export fragments, whatever the chunking', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      fc.constantFrom('MESSAGE\n', 'MESSAGE=x\n', '__REALTIME_TIMESTAMP=1\n', '\n', '\n\n', 'bad key=1\n').map((t) => enc.encode(t)),
      fc.nat({ max: 40 }).map(le64),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), (parts, size) => {
      const buf = bytes(...parts);
      expect(parseChunked(buf, size)).toEqual(parse(buf));
    }), { numRuns: 300 });
  });
});

describe('looksLikeJournalExport', () => {
  it('accepts export text and binary starts, rejects KEY=value config files', () => {
    expect(looksLikeJournalExport('__CURSOR=s=1\n__REALTIME_TIMESTAMP=1\nMESSAGE=x\n\n')).toBe(true);
    expect(looksLikeJournalExport('MESSAGE\n\x0f\0\0\0\0\0\0\0bad byte \xff here\n')).toBe(true);
    expect(looksLikeJournalExport('NAME="Ubuntu"\nVERSION="20.04.3 LTS (Focal Fossa)"\nID=ubuntu\n')).toBe(false);
    expect(looksLikeJournalExport('ZONE="Europe/Berlin"\n')).toBe(false);
    expect(looksLikeJournalExport('Mar  9 14:02:11 web01 kernel: MESSAGE=x\n')).toBe(false);
  });
});

describeRealworld('real-world export files', () => {
  const run = (rel: string) => parse(readFileSync(REAL + rel), { file: rel });

  it('reads the elastic-beats exports, including the one with spliced short-format lines', () => {
    const j1 = run('systemd/elastic-beats/journal1.export');
    expect([j1.rows.length, j1.issues.length, j1.linesRead]).toEqual([10, 0, 10]);
    expect(brief(j1.rows[0]!)).toEqual({
      host: 'archlinux', ts: '2025-09-17T19:24:16.706827Z', ts_quality: 'exact', boot_id: '39d613e5dd9e4cc28164e818d4f49565',
      mono_us: 659637460, ident: 'journald-test-1', pid: 7136, unit: null, priority: 6, facility: null, transport: 'stdout',
      message: '[ 1] log entry', line_no: 1,
    });
    expect(j1.rows[1]!.line_no).toBe(19);
    const mb = run('systemd/elastic-beats/multiple-boots.export');
    expect(mb.rows.length).toBe(6);
    expect(mb.issues.map((i) => [i.code, i.line])).toEqual([['bad-field', 29], ['bad-field', 30]]);
    expect(brief(mb.rows[0]!)).toMatchObject({ host: 'Debian12', ts: '2024-09-17T15:09:15.77673Z', mono_us: 0, priority: 5, facility: 0, transport: 'kernel' });
    expect(new Set(mb.rows.map((x) => x.boot_id)).size).toBe(3);
    expect(looksLikeJournalExport(readFileSync(REAL + 'systemd/elastic-beats/journal1.export', 'latin1'))).toBe(true);
  });

  it('reads the systemd test entries with binary fields', () => {
    const j1 = run('systemd/test/journal-data/journal-1.txt');
    expect([j1.rows.length, j1.linesRead, j1.issues.map((i) => [i.code, i.line])]).toEqual([0, 1, [['no-message', 1]]]);
    const j2 = run('systemd/test/journal-data/journal-2.txt');
    expect(j2.rows.length).toBe(1);
    expect(j2.rows[0]!.message.startsWith('Process 23353 (systemd_coredump_exception_handler.py) of user zbyszek failed')).toBe(true);
    expect(j2.rows[0]!.message.endsWith('  a=3')).toBe(true);
    expect(looksLikeJournalExport(readFileSync(REAL + 'systemd/test/journal-data/journal-2.txt', 'latin1'))).toBe(true);
  });

  it('survives every fuzz case, the same in any chunking', () => {
    const dir = 'systemd/test/fuzz/fuzz-journal-remote/';
    for (const f of readdirSync(REAL + dir)) {
      const buf = readFileSync(REAL + dir + f);
      const whole = parse(buf, { file: f });
      expect(parseChunked(buf, 7, { file: f }), f).toEqual(whole);
      expect(whole.linesRead, f).toBeGreaterThanOrEqual(whole.rows.length);
    }
    const sample = run(dir + 'sample.txt');
    expect([sample.rows.length, sample.issues.length]).toEqual([10, 0]);
    expect(brief(sample.rows[0]!)).toMatchObject({ ts: '2014-06-30T04:05:01.501873Z', ident: '/USR/SBIN/CRON', pid: 25721, priority: 3, facility: 6 });
  });
});
