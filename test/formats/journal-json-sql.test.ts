/**
 * The read_json fast path for `journalctl -o json` files (src/formats/journal-json/sql-loader.ts) must give
 * the same tables as the JavaScript parser, which a gzip'd copy of the same file goes through.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openStore } from '../../src/store/db.js';
import { ingestPaths, type IngestOptions } from '../../src/ingest/ingest.js';
import { scanJournalJson } from '../../src/formats/journal-json/sql-loader.js';
import { sqlPaths, storedTables, tempDir, withoutLoadPath } from '../helpers.js';

const t = tempDir('bundlescope-jfast-');
afterAll(() => t.cleanup());
let n = 0;

const BOOT = '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b';
const T0 = 1773061331000000;
const e = (i: number, f: Record<string, unknown>) => JSON.stringify({
  __CURSOR: `s=1;i=${i}`, __REALTIME_TIMESTAMP: String(T0 + i * 1_000_000), __MONOTONIC_TIMESTAMP: String(8_000_000 + i), _BOOT_ID: BOOT, ...f,
});
const kernel = (i: number, msg: unknown, extra: Record<string, unknown> = {}) =>
  e(i, { _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', PRIORITY: '4', SYSLOG_FACILITY: '0', _PID: '1', _SOURCE_MONOTONIC_TIMESTAMP: String(7_000_000 + i), MESSAGE: msg, ...extra });
const app = (i: number, msg: unknown, extra: Record<string, unknown> = {}) =>
  e(i, { _TRANSPORT: 'stdout', SYSLOG_IDENTIFIER: 'app', _PID: '812', _COMM: 'app-bin', _SYSTEMD_UNIT: 'app.service', PRIORITY: '6', MESSAGE: msg, ...extra });
const bytes = (s: string) => [...Buffer.from(s, 'utf8')];

/** Odd entries among ordinary ones; `hosts` adds per-entry _HOSTNAME values. */
function oddJournal(hosts: (i: number) => string | undefined): string {
  const lines: string[] = [];
  const h = (i: number) => (hosts(i) === undefined ? {} : { _HOSTNAME: hosts(i) });
  let i = 0;
  const push = (l: string) => lines.push(l);
  push(kernel(++i, 'TCP: time wait bucket table overflow', h(i)));
  push(app(++i, 'plain', h(i)));
  push(app(++i, [98, 97, 100, 32, 255], h(i))); // bytes, not UTF-8
  push(kernel(++i, bytes('TCP: time wait bucket table overflow'), h(i))); // a signature as bytes
  push(kernel(++i, 'net_ratelimit: 3 callbacks suppressed', h(i))); // attributed to the byte-array line before
  push(app(++i, ['first', 'second'], h(i))); // repeated MESSAGE
  push(app(++i, 'repeated ident', { ...h(i), SYSLOG_IDENTIFIER: ['one', 'two'] }));
  push(e(++i, { ...h(i), _TRANSPORT: 'syslog', SYSLOG_IDENTIFIER: 'sshd' })); // no MESSAGE
  push(e(++i, { ...h(i), MESSAGE: null }));
  const cut = app(++i, 'cut in half', h(i));
  push(cut.slice(0, Math.floor(cut.length / 2))); // bad line
  push(app(++i, 'trailing comma', h(i)).replace(/}$/, ',}'));
  push(app(++i, 'NaN value', h(i)).replace('"PRIORITY":"6"', '"PRIORITY":NaN'));
  push(app(++i, 'a NaN in the text is fine', h(i)));
  push(e(++i, { ...h(i), __REALTIME_TIMESTAMP: 'soon', MESSAGE: 'bad time' }));
  push(e(++i, { ...h(i), __REALTIME_TIMESTAMP: '99999999999999999', MESSAGE: 'too big for a safe integer' }));
  push(app(++i, 'x\u0000y', h(i))); // NUL in the message
  push(app(++i, 'numeric priority', { ...h(i), PRIORITY: 4 }));
  push(app(++i, 'empty strings', { ...h(i), SYSLOG_IDENTIFIER: '', _SYSTEMD_UNIT: '' }));
  push(app(++i, 'pid fallbacks', { ...h(i), _PID: 'x', SYSLOG_PID: '4242' }));
  push(kernel(++i, 'kernel has no pid even with _PID', h(i)));
  push(e(++i, { ...h(i), MESSAGE: 'no ident, comm only', _COMM: 'cron' }));
  push(app(++i, 'ünïcödé ✓ and "quotes" and \\ backslash', h(i)));
  push(app(++i, 'priority out of range', { ...h(i), PRIORITY: '9', SYSLOG_FACILITY: '300' }));
  push(kernel(++i, 'nf_conntrack: table full, dropping packet', h(i)));
  push(kernel(++i, 'net_ratelimit: 12 callbacks suppressed', h(i)));
  push(e(++i, { ...h(i), MESSAGE: 'TCP: too many orphaned sockets' })); // no ident, no transport: a kernel line
  push(e(++i, { ...h(i), _SOURCE_MONOTONIC_TIMESTAMP: 'x', MESSAGE: 'bad source monotonic' }));
  // Odd entries whose row the parser makes from DuckDB's reading of their kept fields (no re-read):
  // numbers as DuckDB writes them back (1e2 → 100.0, a uint64 beyond 2^53, -0), escapes, more bytes.
  push(app(++i, bytes('\x1b[1mbold\x1b[0m'), { ...h(i), SYSLOG_IDENTIFIER: 1e2, _SYSTEMD_UNIT: 1.5, PRIORITY: 3 })
    .replace('"SYSLOG_IDENTIFIER":100', '"SYSLOG_IDENTIFIER":1e2'));
  push(app(++i, [0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98], { ...h(i), _PID: 7 }).replace('"_PID":7', '"_PID":12345678901234567890'));
  push(app(++i, bytes('caf\u00e9 -0'), { ...h(i), SYSLOG_FACILITY: 0 }).replace('"SYSLOG_FACILITY":0', '"SYSLOG_FACILITY":-0')
    .replace('"_SYSTEMD_UNIT":"app.service"', '"_SYSTEMD_UNIT":"caf\\u00e9\\ud83d\\ude00.service"'));
  push(kernel(++i, [...bytes('TCP: too many orphaned sockets'), 0], { ...h(i), SYSLOG_IDENTIFIER: ['kernel', 'k2'] })); // a NUL byte
  push(app(++i, [0xef, 0xbb, 0xbf, ...bytes('BOM first')], h(i))); // valid bytes, but TextDecoder drops the BOM
  push(app(++i, bytes('caf\u00e9 \u{1F600} \x07 bell'), h(i))); // valid UTF-8 with a control character: decoded in SQL
  push(app(++i, bytes('huge timestamp'), h(i)).replace(/"__REALTIME_TIMESTAMP":"\d+"/, '"__REALTIME_TIMESTAMP":1e400'));
  return lines.join('\n') + '\n';
}


async function both(text: string, opts: IngestOptions = {}, unordered = false) {
  const plain = join(t.dir, `j${++n}.json`);
  const gz = join(t.dir, `j${n}.json.gz`);
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(Buffer.from(text)));
  const a = await openStore(join(t.dir, `fast${n}.duckdb`));
  const b = await openStore(join(t.dir, `js${n}.duckdb`));
  try {
    // (insertion order not kept: the entries are numbered WITH ORDINALITY instead of by row id)
    if (unordered) await a.conn.run('SET preserve_insertion_order = false');
    const sa = await ingestPaths(a, [plain], opts);
    expect(sqlPaths(sa)).toEqual({ loaded: 1, declined: 0, reasons: [] }); // the plain file went through read_json
    const sb = await ingestPaths(b, [gz], opts);
    expect(sqlPaths(sb)).toEqual({ loaded: 0, declined: 0, reasons: [] }); // the gzip'd one did not try
    const strip = (s: typeof sa) => s.map(withoutLoadPath).map((x) => ({ ...x, path: '', issues: x.issues.map((i) => ({ ...i, file: '' })) }));
    expect(strip(sa)).toEqual(strip(sb));
    const [ta, tb] = [await storedTables(a), await storedTables(b)];
    expect(ta).toEqual(tb);
    // A rerun of the same file is a no-op.
    expect((await ingestPaths(a, [plain], opts)).map((s) => s.status)).toEqual(['unchanged']);
    return { ta, sa };
  } finally {
    a.close();
    b.close();
  }
}

describe('journal JSON through read_json', () => {
  it('gives the JavaScript parser\'s tables on odd entries (host from the first _HOSTNAME)', async () => {
    const { ta, sa } = await both(oddJournal((i) => (i % 3 ? 'web01.example.com' : undefined)));
    expect(ta.log_events!.length).toBeGreaterThan(15);
    expect(ta.overflow_events!.map((r) => [r[3], r[4], r[5]])).toEqual([
      ['tcp_timewait_overflow', 1, false], ['tcp_timewait_overflow', 1, false], ['tcp_timewait_overflow', 3, true],
      ['conntrack_table_full', 1, false], ['conntrack_table_full', 12, true], ['tcp_orphan_overflow', 1, false],
      ['tcp_orphan_overflow', 1, false], // (bytes with a NUL)
    ]);
    expect(sa[0]!.issues.map((i) => [i.code, i.line])).toEqual([
      ['no-message', 8], ['no-message', 9], ['bad-json', 10], ['bad-json', 11], ['bad-json', 12], ['bad-timestamp', 14], ['bad-timestamp', 15], ['bad-timestamp', 34],
    ]);
  });

  it('the same when DuckDB does not keep insertion order (entries numbered WITH ORDINALITY)', async () => {
    await both(oddJournal((i) => (i % 3 ? 'web01.example.com' : undefined)), {}, true);
  });

  it('the same with --host', async () => {
    await both(oddJournal((i) => (i % 2 ? 'db01' : 'db02.example.com')), { host: 'Web07.example.com' });
  });

  it('the same with per-entry hosts (no _HOSTNAME in the first 64 KiB)', async () => {
    const pad = Array.from({ length: 500 }, (_, i) => app(100_000 + i, `padding ${'.'.repeat(100)}`)).join('\n');
    await both(pad + '\n' + oddJournal((i) => [undefined, 'db01.example.com', '10.0.0.1', 'fe80::1', '.lead'][i % 5]));
  });

  // The parser's rows replace the placeholders in place (no DELETE unless a line gives no row):
  // here every odd entry gives a row, more than one data chunk of them.
  it('the same when every odd entry gives a row (3,000 byte-array MESSAGEs among 9,000 entries)', async () => {
    const lines = Array.from({ length: 9000 }, (_, i) => (i % 3 === 1
      ? (i % 300 === 1 ? kernel(i + 1, bytes('TCP: time wait bucket table overflow'), { _HOSTNAME: 'web01' }) : app(i + 1, bytes(`bytes ${i}`), { _HOSTNAME: 'web01' }))
      : i % 300 === 2 ? kernel(i + 1, 'net_ratelimit: 4 callbacks suppressed', { _HOSTNAME: 'web01' }) : app(i + 1, `text ${i}`, { _HOSTNAME: 'web01' })));
    const { ta } = await both(lines.join('\n') + '\n');
    expect(ta.log_events!.length).toBe(9000);
    expect(ta.overflow_events!.length).toBe(60); // 30 overflow lines in bytes, each with its suppressed callbacks
  });

  it('falls back to the JavaScript parser for blank lines and json-seq', async () => {
    const text = oddJournal(() => 'web01');
    for (const odd of [text.replace('\n', '\n\n'), text.split('\n').map((l) => (l ? '\x1e' + l : l)).join('\n')]) {
      const p = join(t.dir, `fb${++n}.json`);
      writeFileSync(p, odd);
      expect((await scanJournalJson(p)).fits).toBe(false);
    }
    const scan = await scanJournalJson(join(t.dir, 'j1.json'));
    expect([scan.fits, scan.suspects]).toEqual([true, [10, 11]]);
  });
});
