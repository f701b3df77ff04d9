/**
 * The read_csv fast path for plain syslog files (src/formats/syslog/sql-loader.ts) must give the same
 * tables as the JavaScript parser, which a gzip'd copy of the same file goes through; files it
 * does not cover must fall back to that parser with nothing left behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import lzma from 'lzma-native';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths, type IngestOptions } from '../../src/ingest/ingest.js';
import { scanSyslog } from '../../src/formats/syslog/scan.js';
import { zoneOffsetSql } from '../../src/formats/syslog/select.sql.js';
import { REALWORLD, sqlPaths, storedTables, tempDir, itRealworld, withoutLoadPath } from '../helpers.js';
import { ODD_3164, syslogLine as line } from './syslog-shapes.js';

const t = tempDir('bundlescope-sfast-');
afterAll(() => t.cleanup());
let n = 0;


/** mtime dates RFC 3164 lines: the same for both copies. */
const MTIME = new Date('2026-01-05T12:00:00Z');

/**
 * The same text as a plain file and a gzip'd one (both may take the fast path: DuckDB reads gzip)
 * and an xz'd one (always the line parser), all with the same mtime.
 */
async function writeCopies(text: string | Buffer): Promise<{ plain: string; gz: string; xz: string }> {
  const plain = join(t.dir, `s${++n}.log`);
  const gz = join(t.dir, `s${n}.log.gz`);
  const xz = join(t.dir, `s${n}.log.xz`);
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(Buffer.from(text)));
  writeFileSync(xz, await lzma.compress(Buffer.from(text), { preset: 1 }));
  for (const f of [plain, gz, xz]) utimesSync(f, MTIME, MTIME);
  return { plain, gz, xz };
}

const strip = (s: Awaited<ReturnType<typeof ingestPaths>>) => s.map(withoutLoadPath).map((x) => ({ ...x, path: '', issues: x.issues.map((i) => ({ ...i, file: '' })) }));

/**
 * A compressed file cut short: the scan fails, the line parser keeps what it could read and says
 * so (one fallback, no fast load, the source partial); `check` looks further at the store.
 */
async function expectCutKept(cut: string, db: string, check: (s: Store) => Promise<void>): Promise<void> {
  const s = await openStore(join(t.dir, db));
  try {
    const [sum] = await ingestPaths(s, [cut]);
    expect([sum!.status, sum!.issues.map((i) => i.code).filter((c) => c !== 'no-host')]).toEqual(['loaded', ['truncated-input', 'fast-path-declined']]);
    expect([sqlPaths([sum!]).loaded, sqlPaths([sum!]).declined]).toEqual([0, 1]);
    await check(s);
  } finally {
    s.close();
  }
}

/** A compressed file over --max-total-bytes once decompressed fails as its xz'd copy does (nothing loaded fast). */
async function expectLimitLikeXz(file: string, xz: string, label: string): Promise<void> {
  const f = await openStore(join(t.dir, `limit-${label}.duckdb`));
  const x = await openStore(join(t.dir, `limit-${label}-xz.duckdb`));
  try {
    const opts = { limits: { maxTotalBytes: 1000 } };
    const [sf, sx] = [await ingestPaths(f, [file], opts), await ingestPaths(x, [xz], opts)];
    expect(sqlPaths(sf).loaded).toBe(0);
    const outcome = (r: typeof sf) => r.map((y) => [y.status, (y.error as { code?: string } | null)?.code ?? null, y.error?.message.replace(/^\w+ data/, '')]);
    expect(outcome(sf)).toEqual(outcome(sx));
    expect(outcome(sf)).toEqual([['failed', 'too-large', ' expands to more than 1000 bytes (limit --max-total-bytes)']]);
    expect(await storedTables(f, true)).toEqual(await storedTables(x, true));
  } finally {
    f.close();
    x.close();
  }
}

/**
 * Ingests the three copies and compares everything stored; `fast`: whether the plain and the
 * gzip'd copies must take the fast path (null: either).
 */
async function both(text: string | Buffer, opts: IngestOptions = {}, fast: boolean | null = true, label = '') {
  const { plain, gz, xz } = await writeCopies(text);
  const a = await openStore(join(t.dir, `fast${n}.duckdb`));
  const g = await openStore(join(t.dir, `gz${n}.duckdb`));
  const b = await openStore(join(t.dir, `js${n}.duckdb`));
  try {
    const took: number[] = [];
    const sums = [];
    for (const [store, file] of [[a, plain], [g, gz]] as const) {
      const sum = await ingestPaths(store, [file], opts);
      sums.push(sum);
      const reason = sqlPaths(sum).reasons.join('; ');
      took.push(sqlPaths(sum).loaded);
      if (fast !== null) {
        expect({ label, file: file.slice(-3), fast: took.at(-1), why: fast ? reason : reason !== '' || 'no reason' })
          .toEqual({ label, file: file.slice(-3), fast: fast ? 1 : 0, why: fast ? '' : true });
      }
    }
    const [sa, sg] = sums as [Awaited<ReturnType<typeof ingestPaths>>, Awaited<ReturnType<typeof ingestPaths>>];
    const sb = await ingestPaths(b, [xz], opts);
    expect(sqlPaths(sb)).toEqual({ loaded: 0, declined: 0, reasons: [] }); // the xz'd one never tries
    expect(strip(sa)).toEqual(strip(sb));
    expect(strip(sg)).toEqual(strip(sb));
    const [ta, tg, tb] = [await storedTables(a, true), await storedTables(g, true), await storedTables(b, true)];
    expect(ta).toEqual(tb);
    expect(tg).toEqual(tb);
    if (sa.every((x) => x.status === 'loaded')) {
      // A fast-path attempt that was rolled back leaves no gap in the source ids.
      expect((await a.conn.runAndReadAll('SELECT source_id FROM sources')).getRows()).toEqual([[1n]]);
      // A rerun of the same file is a no-op.
      expect((await ingestPaths(a, [plain], opts)).map((s) => s.status)).toEqual(['unchanged']);
      expect((await ingestPaths(g, [gz], opts)).map((s) => s.status)).toEqual(['unchanged']);
    }
    return { ta, sa, loaded: took[0]! + took[1]!, declined: sqlPaths(sa).declined + sqlPaths(sg).declined };
  } finally {
    a.close();
    g.close();
    b.close();
  }
}

describe('plain syslog through read_csv', () => {
  it('gives the JavaScript parser\'s tables on every RFC 3164 header shape (UTC, year from the mtime)', async () => {
    const { ta } = await both(ODD_3164.join('\n') + '\n');
    expect(ta.log_events!.length).toBe(ODD_3164.length);
    // Spot checks of what both paths agree on.
    const row = (line: number) => ta.log_events!.find((r) => r[12] === line)!;
    expect(row(1).slice(0, 2)).toEqual(['web01', '2025-12-31 23:59:59+00']);
    expect(row(2).slice(0, 2)).toEqual(['web01', '2026-01-01 00:00:00+00']);
    expect(row(6).slice(4, 7)).toEqual([8123456789, 'kernel', null]);
    expect(row(11)[6]).toBe(null); // 9999999999 does not fit an INTEGER
    expect(ta.overflow_events!.map((r) => [r[3], r[4], r[5]])).toEqual([
      ['tcp_timewait_overflow', 1, false], ['tcp_timewait_overflow', 1, false], ['tcp_timewait_overflow', 1, false],
      ['tcp_timewait_overflow', 17, true], ['conntrack_table_full', 1, false],
    ]);
  });

  it('the same with --host, and without a trailing newline', async () => {
    await both(ODD_3164.join('\n'), { host: 'db01.example.com' });
  });

  it('reads local times in the zone of --tz, across a DST change, and RFC 3339 lines in the same file', async () => {
    const text = [
      'Mar 30 01:59:59 web01 app: before the change (UTC+1; 2025, as the reference is January 2026)',
      'Mar 30 03:00:00 web01 app: after the change (UTC+2)',
      '2026-03-29T01:30:00.123456789+02:00 web01 app: RFC 3339 with nanoseconds',
      '2026-03-29T01:30:00Z web01 kernel: [ 5.5] TCP: time wait bucket table overflow',
      '2026-03-29T01:30:00-0530 web01 app[7]: offset without a colon',
      'Oct 26 01:59:00 web01 app: last minute before the repeated hour',
      'Oct 26 03:00:00 web01 app: after it',
      'Dec 31 23:00:00 web01 app: last year',
    ].join('\n') + '\n';
    const { ta } = await both(text, { tz: 'Europe/Berlin' });
    expect(ta.log_events!.map((r) => r[1])).toEqual([
      '2025-03-30 00:59:59+00', '2025-03-30 01:00:00+00', '2026-03-28 23:30:00.123456+00', '2026-03-29 01:30:00+00',
      '2026-03-29 07:00:00+00', '2025-10-25 23:59:00+00', '2025-10-26 02:00:00+00', '2025-12-31 22:00:00+00',
    ]);
  });

  it('reads a file of RFC 3339 lines only (the RFC 3164 part of the SQL left out)', async () => {
    const { ta } = await both([
      '2026-03-09T14:02:11.204511+01:00 web01 kernel: [ 8123.456789] TCP: time wait bucket table overflow',
      '2026-03-09T14:02:12+01:00 web01.example.com kernel: net_ratelimit: 5 callbacks suppressed',
      '2026-03-09T13:02:13Z db01 sshd[77]: Accepted',
    ].join('\n') + '\n');
    expect(ta.log_events!.map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['web01', '2026-03-09 13:02:11.204511+00', 'exact', 8123456789], ['web01', '2026-03-09 13:02:12+00', 'exact', null],
      ['db01', '2026-03-09 13:02:13+00', 'exact', null],
    ]);
    expect(ta.overflow_events!.map((r) => [r[3], r[4], r[5]])).toEqual([['tcp_timewait_overflow', 1, false], ['tcp_timewait_overflow', 5, true]]);
  });

  // read_csv's delimiter was once the four characters `\x1f` (a SQL literal does not unescape
  // them): a line holding that text was cut there, the rest of the message lost (session 14).
  it('keeps a line holding the text \\x1f (or \\t, or quotes) whole', async () => {
    const { ta } = await both([
      'Mar  2 00:00:00 web01 kernel: before \\x1f after',
      'Mar  2 00:00:01 web01 app[3]: "quoted" \'single\' a\ttab \\x1f\\x1f end',
    ].join('\n') + '\n', { tz: 'UTC' });
    expect(ta.log_events!.map((r) => r[11])).toEqual(['before \\x1f after', '"quoted" \'single\' a\ttab \\x1f\\x1f end']);
  });

  it('expands syslogd and rsyslog repeat summaries and reads every era\'s catalogue lines, as the line parser does', async () => {
    const text = [
      'Jan  5 10:00:00 web01 kernel: TCP: time wait bucket table overflow',
      'Jan  5 10:00:00 web02 kernel: [ 8123.456789] IPv4: Neighbour table overflow',
      'Jan  5 10:00:30 web01 last message repeated 20 times',
      'Jan  5 10:00:31 web01 sshd[812]: Accepted publickey for admin',
      'Jan  5 10:00:32 web01 last message repeated 3 times', // sshd's line: nothing
      'Jan  5 10:00:33 web02 last message repeated 4 times', // web02's line two lines up
      'Jan  5 10:00:40 web01 kernel: message repeated 7 times: [ TCP: time wait bucket table overflow]',
      'Jan  5 10:00:41 web01 ovs-appctl: message repeated 2 times: [ TCP: time wait bucket table overflow]', // not the kernel's
      'Jan  5 10:00:45 web03 kernel: [1557411.243821] TCP: time wait bucket table overflow (CT0)',
      'Jan  5 10:00:50 web03 kernel: [1557416.095620] __ratelimit: 37822 callbacks suppressed',
      'Jan  5 10:00:50 web03 kernel: [1557416.095623] nf_conntrack: table full, dropping packet.',
      'Jan  5 10:00:51 web04 kernel: __ratelimit: 12 callbacks suppressed', // no net_ratelimit line before it: not networking
      'Jan  5 10:00:52 web04 kernel: [   59.799581] kauditd_printk_skb: 19 callbacks suppressed',
      'Jan  5 10:00:53 web04 kernel: last message repeated 2 times', // rsyslog's legacy form (tag kept): kauditd's
      '2026-01-05T10:00:54+00:00 web05 kernel: IPv6: Neighbour table overflow',
      '2026-01-05T10:00:55+00:00 web05 kernel: last message repeated 11 times',
    ].join('\n') + '\n';
    const { ta } = await both(text, { tz: 'UTC' }, true);
    // host, kind, count, suppressed, variant, detail, line, repeated
    expect(ta.overflow_events!.map((r) => [r[0], r[3], r[4], r[5], r[6], r[7], r[11], r[12]])).toEqual([
      ['web01', 'tcp_timewait_overflow', 1, false, 'tw-bucket', null, 1, false],
      ['web02', 'neighbour_table_overflow', 1, false, 'neighbour-route', 'arp_cache', 2, false],
      ['web01', 'tcp_timewait_overflow', 20, false, 'tw-bucket', null, 3, true],
      ['web02', 'neighbour_table_overflow', 4, false, 'neighbour-route', 'arp_cache', 6, true],
      ['web01', 'tcp_timewait_overflow', 7, false, 'tw-bucket', null, 7, true],
      ['web03', 'tcp_timewait_overflow', 1, false, 'tw-bucket', '0', 9, false],
      ['web03', 'tcp_timewait_overflow', 37822, true, 'ratelimit-summary', null, 10, false],
      ['web03', 'conntrack_table_full', 1, false, 'nf_conntrack', null, 11, false],
      ['web05', 'neighbour_table_overflow', 1, false, 'neighbour-route', 'ndisc_cache', 15, false],
      ['web05', 'neighbour_table_overflow', 11, false, 'neighbour-route', 'ndisc_cache', 16, true],
    ]);
    // The row before a repeat summary of the same host far back in a busy central file (the SQL
    // path looks near first, then further), or nowhere (a summary first in a rotated file).
    const filler = (k: number, from: number) => Array.from({ length: k }, (_, i) => `Jan  5 11:00:${String((from + i) % 60).padStart(2, '0')} db01 app[7]: request ${from + i}`);
    const far = [
      'Jan  5 10:59:00 web06 last message repeated 3 times', // nothing before it
      'Jan  5 10:59:59 web01 kernel: TCP: time wait bucket table overflow',
      ...filler(100, 0),
      'Jan  5 11:01:00 web01 last message repeated 30 times', // 101 lines back: counted
      'Jan  5 11:01:01 web02 kernel: TCP: too many orphaned sockets',
      ...filler(70, 100),
      'Jan  5 11:01:02 web02 sshd[9]: Accepted publickey for admin',
      ...filler(80, 200),
      'Jan  5 11:01:03 web02 last message repeated 5 times', // sshd's line 81 lines back: not counted
    ].join('\n') + '\n';
    const { ta: tf } = await both(far, { tz: 'UTC' }, true);
    expect(tf.overflow_events!.map((r) => [r[0], r[3], r[4], r[11], r[12]])).toEqual([
      ['web01', 'tcp_timewait_overflow', 1, 2, false],
      ['web01', 'tcp_timewait_overflow', 30, 103, true],
      ['web02', 'tcp_orphan_overflow', 1, 104, false],
    ]);
  });

  it('falls back to the JavaScript parser for what it does not cover, leaving nothing behind', async () => {
    const base = ODD_3164.slice(0, 8);
    for (const [why, lines] of [
      ['wrapped line first', ['  continued from nothing', ...base]],
      ['wrapped line ending in a tab', [...base, '  continued\t']],
      ['wrapped line ending in a no-break space', [...base, '  continued\u00a0']],
      ['wrapped line with a vertical tab', [...base, '\u000b continued']],
      ['blank line of a no-break space', [...base, '\u00a0', 'Jan  1 00:00:20 web01 app: after it']],
      ['PRI prefix', [...base, '<4>Jan  1 00:00:20 web01 kernel: with a PRI']],
      ['unpadded day', [...base, 'Jan 1 00:00:20 web01 app: single-digit day without padding']],
      ['fraction', [...base, 'Jan  1 00:00:20.123 web01 app: fraction']],
      ['bad time', [...base, 'Jan  1 25:00:00 web01 app: hour 25']],
      ['OpenWrt', [...base, 'Jan  1 00:00:20 kern.warn kernel: facility.level token']],
      ['not a journal separator', ['-- Logs begin at Mon 2026-01-01', ...base]],
      ['unix stamp', [...base, '1773061331.204511 web01 app: unix']],
      ['CRLF', base.map((l) => l + '\r')],
      ['NUL', [...base, 'Jan  1 00:00:20 web01 app: a\u0000b']],
    ] as const) {
      const { declined } = await both(lines.join('\n') + '\n', {}, false, why);
      expect([why, declined]).toEqual([why, 2]); // the plain and the gzip'd copy
    }
    // A local time that happens twice (autumn) or never (spring) in the zone: the JavaScript clock.
    for (const line of ['Oct 26 02:30:00 web01 app: repeated hour', 'Mar 30 02:30:00 web01 app: in the gap']) {
      await both([...base, line].join('\n') + '\n', { tz: 'Europe/Berlin' }, false, line);
    }
    // DuckDB would read a name with glob characters as a pattern (here: also s*.log's neighbours).
    const globbed = join(t.dir, 's*.log');
    writeFileSync(globbed, base.join('\n') + '\n');
    const g = await openStore(join(t.dir, 'glob.duckdb'));
    try {
      const sg = await ingestPaths(g, [globbed]);
      expect(sg.map((x) => [x.status, x.rows.log_events])).toEqual([['loaded', base.length]]);
      expect(sqlPaths(sg)).toEqual({ loaded: 0, declined: 0, reasons: [] });
    } finally {
      g.close();
    }
    // Invalid UTF-8 is replaced by the JavaScript decoder, not by read_csv.
    const bad = Buffer.concat([Buffer.from(base.join('\n') + '\nJan  1 00:00:20 web01 app: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    await both(bad, {}, false);
  }, 120_000); // (30 s alone; 22 files three ways, slower when the machine is shared)

  it('appends wrapped (indented) lines to the row before them and skips blank lines, as the line parser does', async () => {
    const base = ODD_3164.slice(0, 8);
    const text = [...base.slice(0, 5), '  continued on the next line', '\tand a tab one', '', '    ', 'Jan  1 00:00:20 web01 app: after blank lines',
      '-- Boot 0123456789abcdef0123456789abcdef --', '  after a separator: still the row before', ...base.slice(5), ' x', '   a ünïcödé ✓ inside is fine ✓ x',
      'Jan  1 00:00:21 web01 kernel: TCP: time wait bucket', '  table overflow'].join('\n') + '\n';
    const { ta } = await both(text, {}, true);
    // The overflow whose words are split over a wrapped line is found (the candidates read the appended text too).
    expect(ta.overflow_events!.at(-1)!.slice(10, 13)).toEqual(['TCP: time wait bucket table overflow', 18, false]);
    const messages = ta.log_events!.map((r) => r[11]);
    expect(messages[4]).toBe('TCP: time wait bucket table overflow continued on the next line and a tab one');
    expect(messages[5]).toBe('after blank lines after a separator: still the row before');
    expect(messages.at(-2)).toMatch(/ x a ünïcödé ✓ inside is fine ✓ x$/);
    expect(ta.log_events!.length).toBe(base.length + 2);
    // Bundle members (no read_csv) take the SQL path with them: bundle-sql.test.ts.
  });

  it('reads journalctl text: separators give no row, `-- Boot <id> --` sets the boot of the rows after it', async () => {
    const boot1 = '0123456789abcdef0123456789abcdef';
    const boot2 = 'fedcba9876543210fedcba9876543210';
    const base = ODD_3164.slice(0, 8);
    const text = ['-- Logs begin at Fri 2022-02-04 09:34:04 UTC, end at Thu 2022-02-10 16:19:19 UTC. --', ...base,
      `-- Boot ${boot1} --`, ...base, '-- Reboot --', ...base, `-- Boot ${boot2} --`, '-- No entries --', ...base].join('\n') + '\n';
    const { ta } = await both(text, {}, true);
    expect(ta.log_events!.map((r) => r[3])).toEqual([...base.map(() => null), ...base.map(() => boot1), ...base.map(() => null), ...base.map(() => boot2)]);
    const four = (b: string | null) => [b, b, b, b];
    expect(ta.overflow_events!.map((r) => r[9])).toEqual([...four(null), ...four(boot1), ...four(null), ...four(boot2)]);
    // Separators only: no row, and the summary counts none, as the line parser's.
    await both('-- Logs begin at Fri 2022-02-04 09:34:04 UTC, end at Thu 2022-02-10 16:19:19 UTC. --\n', { as: 'syslog' }, true);
    // Any other line starting with '-' is not read by the SQL: the line parser reads the file.
    await both(text + '- a dash line\n', {}, false);
    await both(text.replace('-- Reboot --', '-- Reboot --\n-- ' + 'x'.repeat(1100000) + ' --'), {}, false);
  });

  itRealworld('gives the JavaScript parser\'s tables on the real files it takes, and falls back on the others', async () => {
    for (const [file, fast, rows] of [
      ['hotsos/kubernetes/var/log/kern.log', true, 757],
      ['hotsos/openstack/var/log/kern.log', true, 2831],
      ['hotsos/openstack/var/log/syslog', true, 1406],
      ['hotsos/openstack/sos_commands/logs/journalctl_--no-pager.excerpt', true, 2999],
      ['logs/issues/asuswrt-merlin.ng-136_tw_bucket_overflow.log', true, 11],
      ['logs/issues/lede-10770_orphaned_sockets_openwrt_logread.log', false, 10],
      ['logs/loghub/Linux_2k.log', false, 2000],
    ] as const) {
      const { ta } = await both(readFileSync(join(REALWORLD, file)), {}, fast, file);
      expect([file, ta.log_events!.length]).toEqual([file, rows]);
    }
  });

  it('stores what the line parser stores for generated files of both stamp forms (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 25 }), fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York'),
      async (lines, tz) => {
        // both() compares every stored table of the plain file (fast path, or its fallback) with the gzip'd one.
        const { loaded, declined } = await both(lines.join('\n') + '\n', { tz, as: 'syslog' }, null);
        expect(loaded + declined).toBe(2); // plain and gzip'd: each through SQL, or declined with a note
      }), { numRuns: 25, seed: 4711 });
  }, 120_000);

  it('counts repeat summaries as the line parser does, however far back the row they repeat (property)', async () => {
    const host = fc.constantFrom('web01', 'web02');
    const said = fc.oneof(fc.constantFrom('kernel: TCP: time wait bucket table overflow', 'kernel: IPv4: Neighbour table overflow',
      'kernel: net_ratelimit: 17 callbacks suppressed', 'kernel: __ratelimit: 9 callbacks suppressed',
      'kernel: message repeated 2 times: [ TCP: time wait bucket table overflow]', 'kernel: kauditd_printk_skb: 4 callbacks suppressed'),
    fc.constant('sshd[1]: Accepted publickey'));
    const repeat = fc.constantFrom('last message repeated 3 times', 'kernel: last message repeated 2 times');
    // each line of web01 / web02 after 0, a few, or more lines of another host than the SQL path looks at first
    const entry = fc.tuple(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 60, max: 150 })), host, fc.oneof(said, repeat));
    await fc.assert(fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 30 }), async (entries) => {
      const lines: string[] = [];
      const stamp = () => `Jan  5 1${Math.floor(lines.length / 3600) % 10}:${String(Math.floor(lines.length / 60) % 60).padStart(2, '0')}:${String(lines.length % 60).padStart(2, '0')}`;
      for (const [k, h, what] of entries) {
        for (let i = 0; i < k; i++) lines.push(`${stamp()} lb01 app[2]: filler`);
        lines.push(`${stamp()} ${h} ${what}`);
      }
      await both(lines.join('\n') + '\n', { tz: 'UTC' }, true);
    }), { numRuns: 25, seed: 1616 });
  }, 180_000);

  it('takes gzip files, but not a damaged one, nor one larger than --max-total-bytes once decompressed', async () => {
    const text = ODD_3164.slice(0, 8).join('\n') + '\n';
    // Cut short: the scan fails, the line parser keeps what it could read and says so.
    const cut = join(t.dir, 'cut.log.gz');
    const whole = gzipSync(Buffer.from(text.repeat(50)));
    writeFileSync(cut, whole.subarray(0, whole.length - 40));
    await expectCutKept(cut, 'cut.duckdb', async (s) => {
      expect((await s.conn.runAndReadAll('SELECT partial FROM sources')).getRows()).toEqual([[true]]);
    });
    // Over the limit once decompressed: the same outcome as the xz'd copy through the line parser
    // (plain files have no such limit).
    const { gz, xz } = await writeCopies(text.repeat(20));
    await expectLimitLikeXz(gz, xz, 'gz');
  });

  it('takes zstd files as it takes gzip ones: the same tables as the line parser, damage and the size limit alike', async () => {
    // Wrapped lines, a journalctl separator and an overflow burst, so the SQL does more than the plain header.
    const text = [
      '-- Logs begin at Mon 2026-01-05 10:00:00 UTC, end at Mon 2026-01-05 12:00:00 UTC. --',
      ...ODD_3164.slice(0, 12),
      'Jan  5 11:00:00 web01 kernel: [ 100.000001] TCP: time wait bucket table overflow',
      '    (continued text)',
      'Jan  5 11:00:01 web01 kernel: net_ratelimit: 12 callbacks suppressed',
    ].join('\n') + '\n';
    // 400 copies: ~0.5 MB, several zstd blocks (a cut inside the first one leaves nothing to keep).
    const { plain, xz } = await writeCopies(text.repeat(400));
    const zst = plain + '.zst';
    execFileSync('zstd', ['-q', '-f', plain, '-o', zst]);
    utimesSync(zst, MTIME, MTIME);
    const z = await openStore(join(t.dir, 'zst.duckdb'));
    const x = await openStore(join(t.dir, 'zst-ref.duckdb'));
    try {
      const [sz, sx] = [await ingestPaths(z, [zst]), await ingestPaths(x, [xz])];
      expect([sqlPaths(sz).loaded, sqlPaths(sx).loaded]).toEqual([1, 0]); // the zstd file; the xz one takes the line parser
      expect(strip(sz)).toEqual(strip(sx));
      expect(sz[0]!.rows).toMatchObject({ log_events: 14 * 400 });
      expect(await storedTables(z, true)).toEqual(await storedTables(x, true));
      // The same file again is unchanged (its sha256 is of the compressed bytes, like gzip's).
      expect((await ingestPaths(z, [zst])).map((r) => r.status)).toEqual(['unchanged']);
    } finally {
      z.close();
      x.close();
    }
    // Cut short: the scan fails, the line parser keeps what it could read and says so. (Two frames,
    // the second cut: a cut that leaves no whole block to decompress fails before any parser.)
    const frame = (part: string) => {
      const f = join(t.dir, 'frame.log');
      writeFileSync(f, part);
      execFileSync('zstd', ['-q', '-f', f, '-o', f + '.zst']);
      return readFileSync(f + '.zst');
    };
    const second = frame(text.repeat(100));
    const cut = join(t.dir, 'cut.log.zst');
    writeFileSync(cut, Buffer.concat([frame(text.repeat(100)), second.subarray(0, Math.floor(second.length / 2))]));
    utimesSync(cut, MTIME, MTIME);
    await expectCutKept(cut, 'cut-zst.duckdb', async (c) => {
      // At least the whole first frame, not all of the second (how much of it depends on the zstd's blocks).
      expect((await c.conn.runAndReadAll(`SELECT partial, rows BETWEEN ${14 * 100} AND ${14 * 200 - 1} FROM sources`)).getRows()).toEqual([[true, true]]);
    });
    // Over the limit once decompressed: the same outcome as the xz'd copy.
    await expectLimitLikeXz(zst, xz, 'zst');
  });

  it('scans: counts lines, with and without a final newline, and checks every line start', async () => {
    const p = join(t.dir, 'scan.log');
    writeFileSync(p, 'Jan  1 00:00:00 a b: c\nJan  1 00:00:01 a b: d');
    expect(await scanSyslog(p)).toMatchObject({ fits: true, lines: 2 });
    writeFileSync(p, 'Jan  1 00:00:00 a b: c\n');
    expect(await scanSyslog(p)).toMatchObject({ fits: true, lines: 1 });
    writeFileSync(p, '');
    expect(await scanSyslog(p)).toMatchObject({ fits: false, lines: 0 });
    // A multi-byte character cut by the 1 MiB read boundary is still valid UTF-8.
    const long = 'Jan  1 00:00:00 a b: ' + 'é'.repeat(600_000) + '\n';
    writeFileSync(p, long + long);
    expect(await scanSyslog(p)).toMatchObject({ fits: true, lines: 2, repeatSummaries: false });
    // sysklogd's repeat summary anywhere, also across the 1 MiB read boundary (its text starts 18
    // bytes into the line and is 22 long: at 5, 21 or 1 bytes before the boundary)
    const rep = 'Jan  1 00:00:01 a last message repeated 3 times\n';
    for (const at of [0, (1 << 20) - 23, (1 << 20) - 39, (1 << 20) - 19]) {
      const pad = 'Jan  1 00:00:00 a b: ' + 'x'.repeat(Math.max(0, at - 22)) + '\n';
      writeFileSync(p, (at ? pad : '') + rep);
      expect([at, await scanSyslog(p)]).toMatchObject([at, { fits: true, repeatSummaries: true }]);
    }
  });

  it('finds the zone transitions of the two years around the reference', () => {
    expect(zoneOffsetSql('UTC', 2026, 'x')).toBe('0');
    expect(zoneOffsetSql('Asia/Kolkata', 2026, 'x')).toBe('330');
    const berlin = zoneOffsetSql('Europe/Berlin', 2026, 'x');
    // 2025-03-30, 2025-10-26, 2026-03-29, 2026-10-25: four changes, each with its gap/overlap window.
    expect(berlin.match(/THEN NULL/g)!.length).toBe(4);
    expect(berlin).toContain(`WHEN x < ${Date.UTC(2026, 2, 29, 2) * 1000} THEN 60 WHEN x < ${Date.UTC(2026, 2, 29, 3) * 1000} THEN NULL`);
  });
});
