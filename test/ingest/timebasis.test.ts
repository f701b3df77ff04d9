/**
 * How stored times are derived and how far off they may be (sources.time_basis /
 * time_uncertainty_s, hosts.boot_time_basis / boot_time_uncertainty_s), and the calibration of
 * a coarse boot instant from anchors (store/timebasis.ts). The host booted at 18:49:27.400 UTC
 * (13:49:27 CDT); sos ran at 19:20:02 UTC, so `uptime` says `up 30 min`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { web01 } from '../../src/samples/generate.js';
import { sosreportEntries } from '../../src/samples/sos.js';
import { makeTarball } from '../../src/samples/tarball.js';
import { bootFromDmesgT } from '../../src/formats/dmesg/parser.js';
import { tempDir } from '../helpers.js';

const t = tempDir('bundlescope-timebasis-');
afterAll(() => t.cleanup());

const BOOT_US = Date.UTC(2026, 2, 12, 18, 49, 27, 400) * 1000;

const DMESG = [
  '[    0.000000] Linux version 4.18.0-513.el8.x86_64 (mockbuild@x86-vm-07.build.eng.bos.redhat.com)',
  '[  912.345678] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx',
  '[ 1500.250000] TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.',
];
// The same two lines as syslogd stamped them (whole seconds, CDT): 18:49:27.400 + 912.345678 s
// = 19:04:39.745678 UTC, + 1500.25 s = 19:14:27.650 UTC.
const MESSAGES = [
  'Mar 12 14:04:39 web01 kernel: e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx',
  'Mar 12 14:14:27 web01 kernel: TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.',
  'Mar 12 14:15:00 web01 sshd[2211]: Accepted publickey for admin from 10.0.0.99 port 51022 ssh2',
];
const UPTIME = ' 14:20:02 up 30 min,  1 user,  load average: 0.42, 0.37, 0.30\n';

async function bundle(name: string, opts: { proc?: boolean; messages?: string[]; extra?: Record<string, string> } = {}): Promise<string> {
  const { spec } = web01();
  spec.bootUtcMs = BOOT_US / 1000;
  spec.procBootFiles = opts.proc ?? false;
  spec.uptime = UPTIME;
  spec.dmesg = DMESG;
  spec.messages = opts.messages ?? MESSAGES.slice(2);
  spec.extraFiles = opts.extra;
  const file = join(t.dir, `${name}.tar.xz`);
  writeFileSync(file, await makeTarball(sosreportEntries(spec, name), 'xz'));
  return file;
}

/** journalctl -o export of kernel entries: [_SOURCE_MONOTONIC_TIMESTAMP µs, delay until journald stored it µs, _BOOT_ID]. */
function journalExport(entries: [number, number, string][]): string {
  return entries.map(([mono, delay, boot], i) => [
    `__CURSOR=s=0;i=${i + 1}`, `__REALTIME_TIMESTAMP=${BOOT_US + mono + delay}`, `__MONOTONIC_TIMESTAMP=${mono + delay}`,
    `_BOOT_ID=${boot}`, '_TRANSPORT=kernel', '_HOSTNAME=web01', 'SYSLOG_IDENTIFIER=kernel', 'PRIORITY=6',
    `_SOURCE_MONOTONIC_TIMESTAMP=${mono}`, `MESSAGE=kernel line ${i + 1}`,
  ].join('\n') + '\n\n').join('');
}
const THIS_BOOT = '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b'; // proc/sys/kernel/random/boot_id of the sample bundles, without dashes
const JOURNAL = journalExport([
  [2_100_000, 7_700_000, THIS_BOOT], // replayed by journald at its start, 7.7 s late: not an anchor
  [912_345_678, 140, THIS_BOOT],
  [1_500_250_000, 95, THIS_BOOT],
  [1_700_000_001, 410, THIS_BOOT],
  [1_800_000_000, 3_000_000, 'a1b2c3d4e5f60718293a4b5c6d7e8f90'], // another boot: not an anchor, however close
]);

async function rows(store: Store, sql: string): Promise<unknown[][]> {
  return (await store.conn.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}
const HOST = `SELECT epoch_us(boot_time), boot_time_basis, boot_time_uncertainty_s, epoch_us(bundle_boot_time), bundle_boot_basis, bundle_boot_uncertainty_s FROM hosts WHERE host = 'web01'`;
const DMESG_ROWS = `SELECT line_no, epoch_us(l.ts), l.mono_us FROM log_events l JOIN sources s USING (source_id) WHERE s.kind = 'dmesg' ORDER BY s.source_id, line_no`;
const DMESG_SOURCE = `SELECT time_basis, time_uncertainty_s FROM sources WHERE kind = 'dmesg'`;

async function withStore<T>(name: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(join(t.dir, `${name}.duckdb`));
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

describe('time basis and boot calibration', () => {
  it('uptime only: the centre of the minute it leaves open, ±31 s, on the host and on dmesg', async () => {
    const file = await bundle('sosreport-web01-2026-03-12-uponlya');
    await withStore('a', async (s) => {
      await ingestPaths(s, [file]);
      // up 30 min at 19:20:02: booted in (18:49:02, 18:50:02]; the centre 18:49:32 (4.6 s late; the
      // old collection − uptime said 18:50:02, 34.6 s late).
      const boot = Date.UTC(2026, 2, 12, 18, 49, 32) * 1000;
      expect(await rows(s, HOST)).toEqual([[boot, 'uptime (minutes)', 31, boot, 'uptime (minutes)', 31]]);
      expect(await rows(s, DMESG_SOURCE)).toEqual([['boot: uptime (minutes)', 31]]);
      expect(await rows(s, DMESG_ROWS)).toEqual([[1, boot, 0], [2, boot + 912_345_678, 912_345_678], [3, boot + 1_500_250_000, 1_500_250_000]]);
      // Other sources say what their times rest on.
      expect(await rows(s, `SELECT kind, time_basis, time_uncertainty_s FROM sources
        WHERE kind IN ('sosreport', 'syslog', 'slabinfo', 'sysctl') ORDER BY source_id`)).toEqual([
        ['sosreport', 'collection: date --utc', null], // (sos 3.x: no manifest, so no run time)
        ['sysctl', null, null],
        ['syslog', 'syslog-year-inferred', 1],
        ['slabinfo', 'collection-time', null],
      ]);
    });
  });

  it('snapshots: ± the sos run (manifest start and end), a command output ± its own run time', async () => {
    const manifest = {
      version: '4.5.6', start_time: '2026-03-12 14:16:23.219311', end_time: '2026-03-12 14:20:02.001998',
      components: { report: { plugins: { networking: { commands: [
        { filepath: 'sos_commands/networking/netstat_-s', start_time: 1773343180.25, end_time: 1773343180.33 },
      ] } } } },
    };
    const file = await bundle('sosreport-web01-2026-03-12-manifst', { extra: { 'sos_reports/manifest.json': JSON.stringify(manifest) } });
    await withStore('m', async (s) => {
      await ingestPaths(s, [file]);
      expect(await rows(s, `SELECT kind, time_basis, time_uncertainty_s FROM sources
        WHERE kind IN ('sosreport', 'slabinfo', 'netstat-s') ORDER BY source_id`)).toEqual([
        ['sosreport', 'collection: date --utc', 218.782687],
        ['slabinfo', 'collection-time', 218.782687],
        ['netstat-s', 'sos command time', 0.08],
      ]);
    });
  });

  it('the same kernel lines in dmesg and var/log/messages pin the boot to the second, and dmesg rows are re-dated', async () => {
    const file = await bundle('sosreport-web01-2026-03-12-matched', { messages: MESSAGES });
    await withStore('b', async (s) => {
      await ingestPaths(s, [file]);
      // Each line: syslog stamp − printk time + 0.5 s (the stamp cut the second): 18:49:27.154322
      // and 18:49:27.250; their median 18:49:27.202161 (0.198 s early), ± √(1² + 0.047839²).
      const boot = BOOT_US - 197_839;
      const basis = 'kernel lines matched in sosreport-web01-2026-03-12-matched.tar.xz/var/log/messages';
      const raw = Date.UTC(2026, 2, 12, 18, 49, 32) * 1000;
      expect(await rows(s, HOST)).toEqual([[boot, basis, 1.001144, raw, 'uptime (minutes)', 31]]);
      expect(await rows(s, DMESG_SOURCE)).toEqual([[`boot: ${basis}`, 1.001144]]);
      expect(await rows(s, DMESG_ROWS)).toEqual([[1, boot, 0], [2, boot + 912_345_678, 912_345_678], [3, boot + 1_500_250_000, 1_500_250_000]]);
      // The SYN flood line of dmesg now sits within a second of syslog's copy (it was 4.6 s late).
      expect(await rows(s, `SELECT s.kind, o.ts::VARCHAR FROM overflow_events o JOIN sources s USING (source_id) ORDER BY s.kind`)).toEqual([
        ['dmesg', '2026-03-12 19:14:27.452161+00'],
        ['syslog', '2026-03-12 19:14:27+00'],
      ]);
      expect(await rows(s, `SELECT first_ts::VARCHAR, last_ts::VARCHAR FROM sources WHERE kind = 'dmesg'`)).toEqual([
        ['2026-03-12 18:49:27.202161+00', '2026-03-12 19:14:27.452161+00'],
      ]);
      // Syslog rows came from a wall clock: untouched.
      expect(await rows(s, `SELECT ts::VARCHAR FROM log_events l JOIN sources s USING (source_id) WHERE s.kind = 'syslog' ORDER BY line_no`)).toEqual([
        ['2026-03-12 19:04:39+00'], ['2026-03-12 19:14:27+00'], ['2026-03-12 19:15:00+00'],
      ]);
    });
  });

  it('journal kernel entries of the same boot give the boot to the microsecond, and a dmesg side file takes it', async () => {
    const file = await bundle('sosreport-web01-2026-03-12-journal', { messages: MESSAGES });
    const journal = join(t.dir, 'journal.export');
    writeFileSync(journal, JOURNAL);
    const side = join(t.dir, 'web01-dmesg.txt');
    writeFileSync(side, [...DMESG, '[ 1900.000001] e1000e: eth0 NIC Link is Down'].join('\n') + '\n');
    await withStore('c', async (s) => {
      await ingestPaths(s, [file, journal]);
      // realtime − _SOURCE_MONOTONIC_TIMESTAMP = boot + 140, 95, 410 µs: the 5 % quantile boot + 99.5 µs
      // (rounded to 100), ± its distance to the median (40.5 µs). The replayed entry (2.1 s after boot)
      // and the other boot's are left out.
      const boot = BOOT_US + 100;
      expect(await rows(s, HOST)).toEqual([[boot, 'journal anchor', 0.000041, Date.UTC(2026, 2, 12, 18, 49, 32) * 1000, 'uptime (minutes)', 31]]);
      expect(await rows(s, DMESG_ROWS)).toEqual([[1, boot, 0], [2, boot + 912_345_678, 912_345_678], [3, boot + 1_500_250_000, 1_500_250_000]]);
      // Journal rows are wall-clock rows: as stored.
      expect(await rows(s, `SELECT count(*) FILTER (WHERE epoch_us(ts) = ${BOOT_US} + mono_us + 140) FROM log_events WHERE mono_us = 912345678 AND ts_quality = 'exact'`)).toEqual([[1]]);
      // A dmesg side file ingested later is dated with the calibrated boot and says so.
      await ingestPaths(s, [side]);
      expect(await rows(s, `SELECT path, time_basis, time_uncertainty_s FROM sources WHERE kind = 'dmesg' ORDER BY source_id`)).toEqual([
        ['sosreport-web01-2026-03-12-journal.tar.xz/sos_commands/kernel/dmesg', 'boot: journal anchor', 0.000041],
        [side, 'boot: journal anchor', 0.000041],
      ]);
      expect((await rows(s, DMESG_ROWS)).slice(3)).toEqual([
        [1, boot, 0], [2, boot + 912_345_678, 912_345_678], [3, boot + 1_500_250_000, 1_500_250_000], [4, boot + 1_900_000_001, 1_900_000_001],
      ]);
      expect(await rows(s, `SELECT time_basis, time_uncertainty_s FROM sources WHERE kind = 'journal-export'`)).toEqual([['exact', 0.000001]]);
    });
  });

  it('journalctl -o json (read by DuckDB\'s read_json) keeps the printk time in mono_us: the same anchor', async () => {
    const file = await bundle('sosreport-web01-2026-03-12-jsonjrn', { messages: MESSAGES });
    const json = join(t.dir, 'journal.json');
    writeFileSync(json, JOURNAL.trim().split('\n\n').map((e) => JSON.stringify(Object.fromEntries(e.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])))).join('\n') + '\n');
    await withStore('cj', async (s) => {
      await ingestPaths(s, [file, json]);
      expect((await rows(s, HOST))[0]!.slice(0, 3)).toEqual([BOOT_US + 100, 'journal anchor', 0.000041]);
    });
  });

  it('proc/stat btime: ±1 s, and anchors no more precise than that re-date nothing', async () => {
    const file = await bundle('sosreport-web01-2026-03-12-btimeaa', { proc: true, messages: MESSAGES });
    await withStore('d', async (s) => {
      await ingestPaths(s, [file]);
      const boot = Date.UTC(2026, 2, 12, 18, 49, 27) * 1000; // btime 1773341367 (whole seconds)
      expect(await rows(s, HOST)).toEqual([[boot, 'proc/stat btime', 1, boot, 'proc/stat btime', 1]]);
      expect(await rows(s, DMESG_SOURCE)).toEqual([['boot: proc/stat btime', 1]]);
      expect(await rows(s, DMESG_ROWS)).toEqual([[1, boot, 0], [2, boot + 912_345_678, 912_345_678], [3, boot + 1_500_250_000, 1_500_250_000]]);
    });
  });

  it('dmesg -T beside dmesg in the bundle: the boot second, ±1 s', async () => {
    const withT = [
      '[Thu Mar 12 13:49:27 2026] Linux version 4.18.0-513.el8.x86_64 (mockbuild@x86-vm-07.build.eng.bos.redhat.com)',
      '[Thu Mar 12 14:04:39 2026] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx',
      '[Thu Mar 12 14:14:27 2026] TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.',
    ].join('\n');
    // util-linux prints ⌊boot⌋ + ⌊stamp⌋: wall − stamp rounds up to 18:49:27 for every line.
    expect(bootFromDmesgT(DMESG.join('\n'), withT, { file: 'dmesg', host: 'web01', tz: 'America/Chicago' }))
      .toEqual({ boot_us: Date.UTC(2026, 2, 12, 18, 49, 27, 500) * 1000, uncertainty_s: 1, lines: 3 });
    const file = await bundle('sosreport-web01-2026-03-12-dmesgtt', { extra: { 'sos_commands/kernel/dmesg_-T': withT + '\n' } });
    await withStore('dt', async (s) => {
      await ingestPaths(s, [file]);
      const boot = Date.UTC(2026, 2, 12, 18, 49, 27, 500) * 1000;
      expect(await rows(s, HOST)).toEqual([[boot, 'dmesg -T match', 1, boot, 'dmesg -T match', 1]]);
      expect(await rows(s, DMESG_ROWS)).toEqual([[1, boot, 0], [2, boot + 912_345_678, 912_345_678], [3, boot + 1_500_250_000, 1_500_250_000]]);
    });
  });

  it('leaves the dmesg of an earlier boot where its own bundle dated it', async () => {
    const early = await (async () => {
      const { spec } = web01();
      spec.bootUtcMs = Date.UTC(2026, 2, 9, 8, 0, 0); // btime of an earlier boot, seen by a collection on 2026-03-10
      spec.collectedUtcMs = Date.UTC(2026, 2, 10, 12, 0, 0);
      spec.dmesg = DMESG;
      spec.messages = MESSAGES.slice(2);
      const file = join(t.dir, 'sosreport-web01-2026-03-10-earlyaa.tar.xz');
      writeFileSync(file, await makeTarball(sosreportEntries(spec, 'sosreport-web01-2026-03-10-earlyaa'), 'xz'));
      return file;
    })();
    const late = await bundle('sosreport-web01-2026-03-12-lateaaa', { messages: MESSAGES });
    await withStore('boots', async (s) => {
      await ingestPaths(s, [early, late]);
      const b1 = Date.UTC(2026, 2, 9, 8, 0, 0) * 1000;
      const b2 = BOOT_US - 197_839;
      expect((await rows(s, HOST))[0]!.slice(0, 2)).toEqual([b2, 'kernel lines matched in sosreport-web01-2026-03-12-lateaaa.tar.xz/var/log/messages']);
      expect(await rows(s, DMESG_ROWS)).toEqual([
        [1, b1, 0], [2, b1 + 912_345_678, 912_345_678], [3, b1 + 1_500_250_000, 1_500_250_000],
        [1, b2, 0], [2, b2 + 912_345_678, 912_345_678], [3, b2 + 1_500_250_000, 1_500_250_000],
      ]);
      expect(await rows(s, `SELECT time_basis FROM sources WHERE kind = 'dmesg' ORDER BY source_id`)).toEqual([
        ['boot: proc/stat btime'], ['boot: kernel lines matched in sosreport-web01-2026-03-12-lateaaa.tar.xz/var/log/messages'],
      ]);
    });
  });

  it('gives the same tables whatever the order of inputs and runs, and a second run changes nothing', async () => {
    const file = await bundle('sosreport-web01-2026-03-12-ordered', { messages: MESSAGES });
    const journal = join(t.dir, 'ordered-journal.export');
    writeFileSync(journal, JOURNAL);
    const side = join(t.dir, 'web01-dmesg-ordered.txt');
    writeFileSync(side, [...DMESG, '[ 1900.000001] e1000e: eth0 NIC Link is Down'].join('\n') + '\n');
    const messages = join(t.dir, 'web01-messages.log');
    writeFileSync(messages, MESSAGES.join('\n') + '\n');
    const tables = async (s: Store) => ({
      hosts: await rows(s, `SELECT host, epoch_us(boot_time), boot_time_basis, boot_time_uncertainty_s, epoch_us(bundle_boot_time), bundle_boot_basis,
        bundle_boot_uncertainty_s, boot_id, epoch_us(collected_at), timezone FROM hosts ORDER BY host`),
      sources: await rows(s, 'SELECT path, kind, rows, first_ts::VARCHAR, last_ts::VARCHAR, time_basis, time_uncertainty_s FROM sources ORDER BY path'),
      log_events: await rows(s, 'SELECT s.path, l.* EXCLUDE (source_id) REPLACE (l.ts::VARCHAR AS ts) FROM log_events l JOIN sources s USING (source_id) ORDER BY s.path, line_no'),
      overflow_events: await rows(s, 'SELECT s.path, o.* EXCLUDE (source_id) REPLACE (o.ts::VARCHAR AS ts) FROM overflow_events o JOIN sources s USING (source_id) ORDER BY s.path, line_no'),
    });
    const runs: [string, string[][]][] = [
      ['o1', [[file, journal, side, messages]]],
      ['o2', [[messages, side, journal, file]]],
      ['o3', [[file], [side], [messages], [journal]]],
      ['o4', [[file, messages], [journal], [side]]],
    ];
    const got: Record<string, unknown>[] = [];
    for (const [name, calls] of runs) {
      await withStore(name, async (s) => {
        for (const c of calls) await ingestPaths(s, c);
        const first = await tables(s);
        got.push(first);
        const again = await ingestPaths(s, [journal, messages, file, side]);
        expect(again.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
        expect(await tables(s)).toEqual(first);
      });
    }
    for (const g of got.slice(1)) expect(g).toEqual(got[0]);
    expect((got[0]!.hosts as unknown[][])[0]!.slice(0, 4)).toEqual(['web01', BOOT_US + 100, 'journal anchor', 0.000041]);
  });

  it('opens a database made before time bases were recorded, and fills them in', async () => {
    const path = join(t.dir, 'old.duckdb');
    const inst = await DuckDBInstance.create(path);
    const c = await inst.connect();
    // sources and hosts as the schema had them, one dmesg source dated from a boot time.
    await c.run(`
      CREATE TABLE sources (source_id BIGINT PRIMARY KEY, parent_id BIGINT, host VARCHAR, kind VARCHAR NOT NULL, path VARCHAR NOT NULL,
        sha256 VARCHAR, bytes BIGINT, rows BIGINT NOT NULL DEFAULT 0, skipped BIGINT NOT NULL DEFAULT 0, partial BOOLEAN NOT NULL DEFAULT false,
        netns VARCHAR NOT NULL DEFAULT '', first_ts TIMESTAMPTZ, last_ts TIMESTAMPTZ, ingested_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE hosts (host VARCHAR PRIMARY KEY, kernel VARCHAR, release VARCHAR, timezone VARCHAR, timezone_origin VARCHAR,
        boot_time TIMESTAMPTZ, collected_at TIMESTAMPTZ, boot_id VARCHAR, source_id BIGINT);
      INSERT INTO sources VALUES (1, NULL, 'old01', 'dmesg', '/case/dmesg.txt', 'ab', 30, 1, 0, false, '', '2026-03-01 10:01:40+00', '2026-03-01 10:01:40+00', '2026-03-02 00:00:00+00');
      INSERT INTO hosts VALUES ('old01', NULL, NULL, 'UTC', 'timedatectl', '2026-03-01 10:00:00+00', '2026-03-01 12:00:00+00', NULL, 1);`);
    c.closeSync();
    inst.closeSync();
    const s = await openStore(path);
    try {
      await s.conn.run(`INSERT INTO log_events (host, ts, ts_quality, mono_us, ident, transport, message, source_id, line_no)
        VALUES ('old01', '2026-03-01 10:01:40+00', 'monotonic+boot', 100000000, 'kernel', 'kernel', 'e1000e: eth0 NIC Link is Up', 1, 1)`);
      expect(await ingestPaths(s, [])).toEqual([]);
      expect(await rows(s, `SELECT host, boot_time::VARCHAR, boot_time_basis, bundle_boot_time::VARCHAR, bundle_boot_basis FROM hosts`)).toEqual([
        ['old01', '2026-03-01 10:00:00+00', 'not recorded', '2026-03-01 10:00:00+00', 'not recorded'],
      ]);
      expect(await rows(s, 'SELECT time_basis, time_uncertainty_s FROM sources')).toEqual([['boot: not recorded', null]]);
      // …and takes new inputs as any other.
      const file = await bundle('sosreport-web01-2026-03-12-olddbaa', { messages: MESSAGES });
      await ingestPaths(s, [file]);
      expect((await rows(s, HOST))[0]!.slice(1, 3)).toEqual(['kernel lines matched in sosreport-web01-2026-03-12-olddbaa.tar.xz/var/log/messages', 1.001144]);
    } finally {
      s.close();
    }
  });
});
