/**
 * Issue 16 (part 1): overflow lines of real kernels and syslog daemons counted end to end — the
 * 2.6.28 – 2.6.3x `__ratelimit:` summary, syslogd/rsyslog repeat summaries, the route cache's
 * `IPv4: Neighbour table overflow` — in overflow_events, the log views and the rca, through the
 * read_csv fast path and the line parser alike; kernel lines without any header as a dmesg
 * fragment. Lines are written from the kernel's and the daemons' formats (signatures.ts cites the
 * sources); the real files of ../shared/realworld where they apply.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { linkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca } from '../../src/rca/findings.js';
import { runSql } from '../../src/report/catalogue.js';
import { REALWORLD, sqlPaths, storedTables, tempDir, describeRealworld } from '../helpers.js';
import { expectAccounted } from '../rca/accounting.js';

const t = tempDir('bundlescope-catalogue-');
afterAll(() => t.cleanup());
const MTIME = new Date('2026-01-05T18:00:00Z');

/** Three hosts of a central syslog file, one era each. */
const MESSAGES = [
  // web01, RHEL 5 (2.6.18): sysklogd compresses the repeats; printk_ratelimit's summary.
  'Jan  5 10:00:00 web01 kernel: TCP: time wait bucket table overflow',
  'Jan  5 10:00:00 web01 kernel: TCP: time wait bucket table overflow',
  'Jan  5 10:00:30 web01 last message repeated 20 times',
  'Jan  5 10:00:31 web01 kernel: printk: 312 messages suppressed.',
  'Jan  5 10:00:31 web01 kernel: TCP: time wait bucket table overflow',
  'Jan  5 10:01:01 web01 last message repeated 9 times',
  'Jan  5 10:01:02 web01 sshd[812]: Accepted publickey for admin from 10.0.9.17 port 51544 ssh2',
  'Jan  5 10:01:03 web01 last message repeated 2 times', // sshd's: not counted
  // web02, 3.5-era kernel, rsyslog's $RepeatedMsgReduction quoting the message.
  'Jan  5 09:00:00 web02 kernel: IPv4: Neighbour table overflow',
  'Jan  5 09:00:04 web02 kernel: message repeated 20 times: [ IPv4: Neighbour table overflow]',
  'Jan  5 09:00:05 web02 kernel: net_ratelimit: 150 callbacks suppressed',
  'Jan  5 09:00:05 web02 ovs-appctl: message repeated 2 times: [ ovs|00001|daemon_unix|WARN|open: No such file or directory]',
  // web03, RHEL 6 / CloudLinux 2.6.32: `__ratelimit:`, and per-call-site summaries that are not networking.
  ...Array.from({ length: 10 }, (_, i) => `Jan  5 11:00:0${Math.floor(i / 4)} web03 kernel: [1564286.${String(100000 + i)}] nf_conntrack: table full, dropping packet.`),
  'Jan  5 11:00:06 web03 kernel: [1564292.095620] __ratelimit: 37822 callbacks suppressed',
  'Jan  5 11:00:06 web03 kernel: [1564292.095623] nf_conntrack: table full, dropping packet.',
  'Jan  5 11:00:07 web03 kernel: [1564293.000001] kauditd_printk_skb: 19 callbacks suppressed',
  'Jan  5 11:30:00 web03 kernel: [1566086.000001] __ratelimit: 5 callbacks suppressed', // half an hour on: printk_ratelimit's as likely
].join('\n') + '\n';

/** The same text as a plain file (read_csv fast path) and under a name with glob characters (line parser). */
function copies(name: string, text: string): { fast: string; js: string } {
  const fast = join(t.dir, name);
  const js = join(t.dir, name.replace(/(\.\w+)?$/, '[js]$1'));
  writeFileSync(fast, text);
  linkSync(fast, js);
  utimesSync(fast, MTIME, MTIME);
  return { fast, js };
}

async function withStore<T>(name: string, f: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(join(t.dir, name));
  try {
    return await f(s);
  } finally {
    s.close();
  }
}

describe('overflow lines of real kernels and syslog daemons, end to end', () => {
  it('counts repeat summaries as logged, __ratelimit as suppressed, and nothing for other limiters, on both syslog paths and in the rca', async () => {
    const { fast, js } = copies('messages', MESSAGES);
    const results: unknown[] = [];
    for (const [file, path] of [[fast, 'fast'], [js, 'js']] as const) {
      await withStore(`messages-${path}.duckdb`, async (store) => {
        const sums = await ingestPaths(store, [file], { tz: 'UTC' });
        expect(sums.map((r) => r.status)).toEqual(['loaded']);
        expect(sqlPaths(sums).loaded).toBe(path === 'fast' ? 1 : 0);
        const events = await runSql(store, `SELECT host, kind, sum(count) FILTER (WHERE NOT suppressed) AS logged,
            coalesce(sum(count) FILTER (WHERE suppressed), 0) AS suppressed, coalesce(sum(count) FILTER (WHERE repeated), 0) AS repeated,
            count(*) AS rows
          FROM overflow_events GROUP BY ALL ORDER BY host, kind`);
        expect(events.rows).toEqual([
          { host: 'web01', kind: 'tcp_timewait_overflow', logged: 32, suppressed: 312, repeated: 29, rows: 6 },
          { host: 'web02', kind: 'neighbour_table_overflow', logged: 21, suppressed: 150, repeated: 20, rows: 3 },
          { host: 'web03', kind: 'conntrack_table_full', logged: 11, suppressed: 37822, repeated: 0, rows: 12 },
        ]);
        // bursts: 2 lines; 20 repeats + the summary and a line a second later; 9 repeats
        const islands = await runSql(store, `SELECT host, kind, start_ts::VARCHAR AS start_ts, logged, suppressed, repeated
          FROM overflow_islands ORDER BY host, start_ts`);
        expect(islands.rows).toEqual([
          { host: 'web01', kind: 'tcp_timewait_overflow', start_ts: '2026-01-05 10:00:00+00', logged: 2, suppressed: 0, repeated: 0 },
          { host: 'web01', kind: 'tcp_timewait_overflow', start_ts: '2026-01-05 10:00:30+00', logged: 21, suppressed: 312, repeated: 20 },
          { host: 'web01', kind: 'tcp_timewait_overflow', start_ts: '2026-01-05 10:01:01+00', logged: 9, suppressed: 0, repeated: 9 },
          { host: 'web02', kind: 'neighbour_table_overflow', start_ts: '2026-01-05 09:00:00+00', logged: 1, suppressed: 0, repeated: 0 },
          { host: 'web02', kind: 'neighbour_table_overflow', start_ts: '2026-01-05 09:00:04+00', logged: 20, suppressed: 150, repeated: 20 },
          { host: 'web03', kind: 'conntrack_table_full', start_ts: '2026-01-05 11:00:00+00', logged: 10, suppressed: 0, repeated: 0 },
          { host: 'web03', kind: 'conntrack_table_full', start_ts: '2026-01-05 11:00:06+00', logged: 1, suppressed: 37822, repeated: 0 },
        ]);
        const minutes = await runSql(store, `SELECT host, minute::VARCHAR AS minute, logged, suppressed, estimated_total, repeated
          FROM overflow_minutes WHERE host = 'web01' ORDER BY minute`);
        expect(minutes.rows).toEqual([
          { host: 'web01', minute: '2026-01-05 10:00:00+00', logged: 23, suppressed: 312, estimated_total: 335, repeated: 20 },
          { host: 'web01', minute: '2026-01-05 10:01:00+00', logged: 9, suppressed: 0, estimated_total: 9, repeated: 9 },
        ]);
        const episodes = await runSql(store, `SELECT host, kind, logged, suppressed, estimated_total, repeated, bursts FROM overflow_episodes ORDER BY host`);
        expect(episodes.rows).toEqual([
          { host: 'web01', kind: 'tcp_timewait_overflow', logged: 32, suppressed: 312, estimated_total: 344, repeated: 29, bursts: 3 },
          { host: 'web02', kind: 'neighbour_table_overflow', logged: 21, suppressed: 150, estimated_total: 171, repeated: 20, bursts: 2 },
          { host: 'web03', kind: 'conntrack_table_full', logged: 11, suppressed: 37822, estimated_total: 37833, repeated: 0, bursts: 2 },
        ]);
        const rca = await buildRca(store);
        expect(rca.findings.map((f) => [f.host, f.kind, f.events.logged, f.events.suppressed, f.events.repeated, f.events.estimated_total])).toEqual([
          ['web01', 'tcp_timewait_overflow', 32, 312, 29, 344],
          ['web02', 'neighbour_table_overflow', 21, 150, 20, 171],
          ['web03', 'conntrack_table_full', 11, 37822, 0, 37833],
        ]);
        expect(rca.findings[0]!.evidence[0]!.detail).toMatch(/^32 'TCP TIME_WAIT bucket table overflow' lines \(29 of them from the syslog daemon's "last message repeated" summaries\), 312 suppressed by the kernel's ratelimit from /);
        expect((await expectAccounted(store, rca)).kinds).toBe(3);
        results.push(await storedTables(store, true));
      });
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('counts an island once across copies: the copy with most lines, and of equal ones the one that shows them one by one', async () => {
    // web01's 21 overflows: syslogd wrote 1 line and `last message repeated 20 times`, `dmesg -T`
    // shows all 21 (and only 15 of a later burst, the ring buffer having moved on)
    const syslog = join(t.dir, 'messages-copies');
    writeFileSync(syslog, [
      'Jan  5 10:00:00 web01 kernel: TCP: time wait bucket table overflow',
      'Jan  5 10:00:01 web01 last message repeated 20 times',
      'Jan  5 10:30:00 web01 kernel: TCP: time wait bucket table overflow',
      'Jan  5 10:30:01 web01 last message repeated 20 times',
    ].join('\n') + '\n');
    utimesSync(syslog, MTIME, MTIME);
    const dmesg = join(t.dir, 'dmesg-T');
    writeFileSync(dmesg, [
      ...Array.from({ length: 21 }, () => '[Mon Jan  5 10:00:00 2026] TCP: time wait bucket table overflow'),
      ...Array.from({ length: 15 }, () => '[Mon Jan  5 10:30:01 2026] TCP: time wait bucket table overflow'),
    ].join('\n') + '\n');
    await withStore('copies.duckdb', async (store) => {
      expect((await ingestPaths(store, [syslog, dmesg], { tz: 'UTC', host: 'web01' })).map((r) => [r.status, r.kind]))
        .toEqual([['loaded', 'syslog'], ['loaded', 'dmesg']]);
      const islands = await runSql(store, `SELECT start_ts::VARCHAR AS start_ts, logged, repeated, n_sources FROM overflow_islands ORDER BY start_ts`);
      expect(islands.rows).toEqual([
        { start_ts: '2026-01-05 10:00:00+00', logged: 21, repeated: 0, n_sources: 2 },
        { start_ts: '2026-01-05 10:30:00+00', logged: 21, repeated: 20, n_sources: 2 },
      ]);
      // (two episodes: half an hour apart)
      const ep = await runSql(store, 'SELECT logged, suppressed, repeated FROM overflow_episodes ORDER BY start_ts');
      expect(ep.rows).toEqual([{ logged: 21, suppressed: 0, repeated: 0 }, { logged: 21, suppressed: 0, repeated: 20 }]);
    });
  });

  it('takes a file of kernel lines without any header as a dmesg fragment (host from --host, no time), and still refuses prose', async () => {
    // the route cache's 3.x lines alone (refused whole as unknown-format before), with a
    // pasted 2.6 excerpt's bare lines and its printk summary
    const bare = join(t.dir, 'ticket-excerpt.txt');
    writeFileSync(bare, [
      'IPv4: Neighbour table overflow', 'IPv4: Neighbour table overflow', 'IPv6: Neighbour table overflow',
      'Neighbour table overflow.', 'printk: 64315 messages suppressed.', 'Neighbour table overflow',
    ].join('\n') + '\n');
    const prose = join(t.dir, 'howto.md');
    writeFileSync(prose, [
      '# The ARP cache on large flat networks', '',
      'When the table is full the kernel logs a line like this one, many times a second:', '',
      'IPv4: Neighbour table overflow', '',
      'The neighbour table is what most people call the ARP table. Raise the limits',
      'and make them persistent in /etc/sysctl.d/ so that they survive a reboot.',
    ].join('\n') + '\n');
    await withStore('fragment.duckdb', async (store) => {
      const res = await ingestPaths(store, [bare, prose], { host: 'db01.example.com' });
      expect(res.map((r) => [r.status, r.kind, (r.error as { code?: string } | null)?.code ?? null]))
        .toEqual([['loaded', 'dmesg', null], ['failed', 'unknown', 'unknown-format']]);
      const rows = await runSql(store, `SELECT host, ts, kind, count, suppressed, repeated, variant, detail, line_no FROM overflow_events ORDER BY line_no`);
      expect(rows.rows).toEqual([
        { host: 'db01', ts: null, kind: 'neighbour_table_overflow', count: 1, suppressed: false, repeated: false, variant: 'neighbour-route', detail: 'arp_cache', line_no: 1 },
        { host: 'db01', ts: null, kind: 'neighbour_table_overflow', count: 1, suppressed: false, repeated: false, variant: 'neighbour-route', detail: 'arp_cache', line_no: 2 },
        { host: 'db01', ts: null, kind: 'neighbour_table_overflow', count: 1, suppressed: false, repeated: false, variant: 'neighbour-route', detail: 'ndisc_cache', line_no: 3 },
        { host: 'db01', ts: null, kind: 'neighbour_table_overflow', count: 1, suppressed: false, repeated: false, variant: 'neighbour-old', detail: null, line_no: 4 },
        { host: 'db01', ts: null, kind: 'neighbour_table_overflow', count: 64315, suppressed: true, repeated: false, variant: 'ratelimit-summary', detail: null, line_no: 5 },
        { host: 'db01', ts: null, kind: 'neighbour_table_overflow', count: 1, suppressed: false, repeated: false, variant: 'neighbour-old', detail: null, line_no: 6 },
      ]);
      // undated: a finding all the same, that says its time is unknown
      const rca = await buildRca(store);
      expect(rca.findings.map((f) => [f.host, f.kind, f.start, f.events.logged, f.events.suppressed])).toEqual([
        ['db01', 'neighbour_table_overflow', null, 5, 64315],
      ]);
      await expectAccounted(store, rca);
    });
  });
});

describeRealworld('the real logs of the corpus', () => {
  it('counts neither kauditd\'s callbacks-suppressed summaries nor rsyslog\'s repeats of other programs', async () => {
    await withStore('hotsos-logs.duckdb', async (store) => {
      const files = ['hotsos/openstack/var/log/kern.log', 'hotsos/openstack/var/log/syslog', 'hotsos/kubernetes/var/log/kern.log',
        'hotsos/openstack/sos_commands/logs/journalctl_--no-pager.excerpt'].map((f) => join(REALWORLD, f));
      const res = await ingestPaths(store, files, { tz: 'UTC' });
      expect(res.map((r) => r.status)).toEqual(['loaded', 'loaded', 'loaded', 'loaded']);
      // they are read (kauditd 15 + 5 + 10 lines, rsyslog 3 repeats of ovs-appctl and systemd-udevd) …
      const read = await runSql(store, `SELECT count(*) FILTER (WHERE message LIKE 'kauditd_printk_skb: % callbacks suppressed') AS kauditd,
        count(*) FILTER (WHERE message LIKE 'message repeated % times: [%') AS repeats FROM log_events`);
      expect(read.rows).toEqual([{ kauditd: 30, repeats: 3 }]);
      // … and none is an overflow
      expect((await runSql(store, 'SELECT count(*) AS n FROM overflow_events')).rows).toEqual([{ n: 0 }]);
    });
  });

  it('keeps the counts of the real excerpts (asuswrt: 10 lines and 482 suppressed after them)', async () => {
    await withStore('asuswrt.duckdb', async (store) => {
      const file = join(REALWORLD, 'logs/issues/asuswrt-merlin.ng-136_tw_bucket_overflow.log');
      expect((await ingestPaths(store, [file], { host: 'rt-ac68u', tz: 'UTC' })).map((r) => r.status)).toEqual(['loaded']);
      const ep = await runSql(store, 'SELECT host, kind, logged, suppressed, repeated FROM overflow_episodes');
      expect(ep.rows).toEqual([{ host: 'rt-ac68u', kind: 'tcp_timewait_overflow', logged: 10, suppressed: 482, repeated: 0 }]);
    });
  });
});
