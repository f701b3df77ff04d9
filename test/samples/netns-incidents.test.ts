import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNetnsIncidents } from '../../src/samples/netns-incidents.js';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths, type InputSummary } from '../../src/ingest/ingest.js';
import { runSql } from '../../src/report/catalogue.js';
import { tempDir } from '../helpers.js';

type Written = Awaited<ReturnType<typeof writeNetnsIncidents>>;

/** µs since the epoch of an ISO UTC instant with up to 6 fraction digits. */
function us(iso: string): number {
  const m = /^(.*?)(?:\.(\d{1,6}))?Z$/.exec(iso)!;
  return Date.parse(m[1]! + 'Z') * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

const problems = (res: InputSummary[]) =>
  res.flatMap((r) => [...r.issues.filter((i) => i.code !== 'note').map((i) => `${r.path}:${i.line} ${i.code}`), ...(r.error ? [`${r.path}: ${r.error.message}`] : [])]);

/** Values a `Prefix: v1 v2 …` / `Name value rate` / `key value` dump holds, counted from the text. */
const pairValues = (text: string) => text.split('\n').filter((l) => /^[A-Za-z]+: -?\d/.test(l)).reduce((n, l) => n + l.split(/\s+/).length - 1, 0);
const nstatValues = (text: string) => text.split('\n').filter((l) => /^[A-Za-z0-9]+\s+\d+\s+\d+\.\d$/.test(l)).length;
const sockstatValues = (text: string) => text.split('\n').filter((l) => /^[A-Z]+: [a-z]/i.test(l)).reduce((n, l) => n + (l.split(/\s+/).length - 1) / 2, 0);
const socketLines = (text: string) => text.split('\n').filter((l) => /^(?:LISTEN|ESTAB|TIME-WAIT|SYN-RECV) /.test(l)).length;

describe('netns incidents (6.18, evidence inside a network namespace)', () => {
  const t = tempDir();
  let w: Written;
  let tw: Store;
  let lq: Store;
  let lqUptime: Store;
  const one = async (s: Store, sql: string, ...params: unknown[]) => (await runSql(s, sql, params)).rows;

  beforeAll(async () => {
    w = await writeNetnsIncidents(join(t.dir, 'case'));
    tw = await openStore(join(t.dir, 'tw.duckdb'));
    lq = await openStore(join(t.dir, 'lq.duckdb'));
    lqUptime = await openStore(join(t.dir, 'lqu.duckdb'));
    const f = w.files;
    const a = [...await ingestPaths(tw, [f.twBundle]), ...await ingestPaths(tw, [f.twNetstat, f.twSockstat, f.twSs], { host: 'tw618' })];
    const b = [...await ingestPaths(lq, [f.lqBundle]), ...await ingestPaths(lq, [f.lqNstat, f.lqSsL, f.lqSs], { host: 'lq618' })];
    const u = await ingestPaths(lqUptime, [f.lqUptimeBundle]);
    expect(a.map((r) => [r.kind, r.status, r.host])).toEqual([
      ['sosreport', 'loaded', 'tw618'], ['proc-netstat', 'loaded', 'tw618'], ['sockstat', 'loaded', 'tw618'], ['ss', 'loaded', 'tw618'],
    ]);
    expect(b.map((r) => [r.kind, r.status, r.host])).toEqual([
      ['sosreport', 'loaded', 'lq618'], ['nstat', 'loaded', 'lq618'], ['ss', 'loaded', 'lq618'], ['ss', 'loaded', 'lq618'],
    ]);
    expect(u.map((r) => [r.kind, r.status, r.host])).toEqual([['sosreport', 'loaded', 'lq618']]);
    expect([...problems(a), ...problems(b), ...problems(u)]).toEqual([]);
    expect([...a, ...b, ...u].map((r) => r.skipped)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  }, 120_000);
  afterAll(() => {
    tw?.close();
    lq?.close();
    lqUptime?.close();
    t.cleanup();
  });

  describe('A: TIME_WAIT overflow in netns web (tw618)', () => {
    const sideRows = async (kind: string) => (await one(tw, `SELECT rows FROM sources WHERE kind = $1 AND parent_id IS NULL`, kind))[0]!.rows;
    const at = async (name: string, iso: string, kind = 'proc-netstat') => (await one(tw, `
      SELECT c.value FROM counter_samples c JOIN sources s USING (source_id)
      WHERE s.kind = $1 AND s.parent_id IS NULL AND c.name = $2 AND c.ts = $3::TIMESTAMPTZ`, kind, name, iso)).map((r) => r.value);

    it('stores every value of every snapshot log', async () => {
      const text = (p: string) => readFileSync(p, 'utf8');
      expect(pairValues(text(w.files.twNetstat))).toBe(w.truth.tw618.files.snapshots * w.truth.tw618.files.values_per_netstat_snapshot);
      expect(await sideRows('proc-netstat')).toBe(pairValues(text(w.files.twNetstat)));
      expect(await sideRows('proc-netstat')).toBe(360 * 307);
      expect(await sideRows('sockstat')).toBe(sockstatValues(text(w.files.twSockstat)));
      expect(await sideRows('sockstat')).toBe(360 * 12);
      expect(await sideRows('ss')).toBe(socketLines(text(w.files.twSs)));
      expect(await sideRows('ss')).toBe(w.truth.tw618.files.ss_rows);
    });

    it('the counter samples are the truth: 0 before, the exact rise, the sampled values', async () => {
      const tr = w.truth.tw618;
      const oc = tr.overflow_counter;
      expect(await at('TcpExtTCPTimeWaitOverflow', oc.at_first_snapshot.ts)).toEqual([0]);
      for (const s of tr.samples) expect(await at(s.name, s.ts)).toEqual([s.value]);
      const before = (await at('TcpExtTCPTimeWaitOverflow', oc.first_rise.from))[0]!;
      const after = (await at('TcpExtTCPTimeWaitOverflow', oc.last_rise.to))[0]!;
      expect([before, after - before]).toEqual([0, oc.total]);
      expect(oc.per_second.increases.reduce((x, y) => x + y, 0)).toBe(oc.total);
      expect(oc.total).toBeGreaterThan(36_000);
      expect(oc.total).toBeLessThan(39_000);
      // rises only while saturated: flat before the first rise and after the last
      const flat = await one(tw, `
        SELECT count(DISTINCT c.value) AS n FROM counter_samples c JOIN sources s USING (source_id)
        WHERE s.kind = 'proc-netstat' AND s.parent_id IS NULL AND c.name = 'TcpExtTCPTimeWaitOverflow'
          AND (c.ts <= $1::TIMESTAMPTZ OR c.ts >= $2::TIMESTAMPTZ)`, oc.first_rise.from, oc.last_rise.to);
      expect(flat).toEqual([{ n: 2 }]);
    });

    it('sockstat tw plateaus at exactly the limit, and ss lists that many TIME-WAIT sockets', async () => {
      const tr = w.truth.tw618;
      const tw618 = await one(tw, `
        SELECT max(value) AS peak, epoch_us(min(ts) FILTER (WHERE value = 512)) AS first_us FROM counter_samples c JOIN sources s USING (source_id)
        WHERE s.kind = 'sockstat' AND s.parent_id IS NULL AND c.name = 'sockstat.TCP.tw'`);
      expect(tw618).toEqual([{ peak: tr.limit.value, first_us: us(tr.timewait_population.first_at_peak) }]);
      const peers = await one(tw, `
        SELECT count(*) AS n, count(*) FILTER (WHERE peer_addr = '10.200.0.2' AND peer_port = 8080) AS app
        FROM sockets k JOIN sources s USING (source_id)
        WHERE s.kind = 'ss' AND s.parent_id IS NULL AND k.state = 'TIME_WAIT' AND k.ts = $1::TIMESTAMPTZ`, tr.top_peer.snapshot);
      expect(peers).toEqual([{ n: tr.top_peer.timewait_sockets, app: tr.top_peer.peer_sockets }]);
      expect(tr.top_peer.peer_sockets / tr.top_peer.timewait_sockets).toBe(tr.top_peer.share);
      expect(tr.top_peer.share).toBeGreaterThan(0.9);
    });

    it('the bundle is the namespace seen from inside: root view and ip netns exec outputs, at their real read times', async () => {
      const tr = w.truth.tw618;
      const hosts = await one(tw, `SELECT host, kernel, timezone, epoch_us(boot_time) AS boot, epoch_us(collected_at) AS collected FROM hosts`);
      expect(hosts).toEqual([{ host: 'tw618', kernel: '6.18.0-1.el10.x86_64', timezone: 'Europe/Berlin', boot: tr.boot.btime * 1e6, collected: us(tr.collection.date_printed) }]);
      const counters = await one(tw, `
        SELECT s.kind, c.netns, epoch_us(c.ts) AS ts, c.value FROM counter_samples c JOIN sources s USING (source_id)
        WHERE s.parent_id IS NOT NULL AND c.name = 'TcpActiveOpens' ORDER BY c.ts, c.netns`);
      const ct = tr.collection_trap;
      expect(counters).toEqual([
        // the root view is the namespace's (sos ran inside it): ingest labels it so (src/bundle/netns.ts)
        { kind: 'proc-netstat', netns: 'web', ts: us(tr.collection.date_printed), value: ct.bundle_proc_net.TcpActiveOpens },
        { kind: 'netstat-s', netns: 'web', ts: us(tr.collection.commands['netstat -s']), value: ct.netstat_s.TcpActiveOpens },
        { kind: 'nstat', netns: 'web', ts: us(tr.collection.commands['nstat -zas']), value: ct.nstat.TcpActiveOpens },
        { kind: 'netstat-s', netns: 'web', ts: us(tr.collection.commands['ip netns exec web netstat -s']), value: ct.netns_netstat_s.TcpActiveOpens },
        { kind: 'nstat', netns: 'web', ts: us(tr.collection.commands['ip netns exec web nstat -zas']), value: ct.netns_nstat.TcpActiveOpens },
      ]);
      // the trap: proc/net is stamped with `date` but read ≈40 s later; the log 0.4 s after `date` is lower
      expect(await at('TcpActiveOpens', ct.log_sample.ts)).toEqual([ct.log_sample.TcpActiveOpens]);
      expect(ct.log_sample.TcpActiveOpens).toBeLessThan(ct.bundle_proc_net.TcpActiveOpens);
      expect(us(ct.log_sample.ts) - us(tr.collection.instant)).toBe(400_000);
      const overflow = await one(tw, `
        SELECT DISTINCT c.value FROM counter_samples c JOIN sources s USING (source_id)
        WHERE s.parent_id IS NOT NULL AND c.name = 'TcpExtTCPTimeWaitOverflow'`);
      expect(overflow).toEqual([{ value: tr.overflow_counter.total }]);
      const limit = await one(tw, `SELECT origin, netns, value FROM sysctls WHERE name = 'net.ipv4.tcp_max_tw_buckets' ORDER BY origin, netns`);
      expect(limit).toEqual([
        { origin: 'proc-sys', netns: 'web', value: '512' }, { origin: 'sysctl-a', netns: 'web', value: '512' }, { origin: 'sysctl-a', netns: 'web', value: '512' },
      ]);
    });

    it('dmesg holds only the earlier, unrelated overflow line and its ratelimit summary', async () => {
      const tr = w.truth.tw618.earlier_logged_line;
      const ev = await one(tw, `
        SELECT o.kind, o.count, o.suppressed, epoch_us(o.ts) AS ts FROM overflow_events o JOIN sources s USING (source_id)
        WHERE s.kind = 'dmesg' ORDER BY o.ts`);
      expect(ev).toEqual([
        { kind: 'tcp_timewait_overflow', count: 1, suppressed: false, ts: us(tr.dmesg_from_btime) },
        { kind: 'tcp_timewait_overflow', count: tr.suppressed, suppressed: true, ts: us(tr.dmesg_from_btime) + us(tr.suppressed_line_at) - us(tr.at) },
      ]);
      expect(us(tr.at) - us(tr.dmesg_from_btime)).toBe(372_000); // btime is the boot second, the boot was 0.372 s later
    });
  });

  describe('B: listen-queue flood in netns lq (lq618)', () => {
    const sideRows = async (kind: string, file: string) => (await one(lq, `SELECT rows FROM sources WHERE kind = $1 AND path LIKE '%' || $2`, kind, file))[0]!.rows;
    const at = async (name: string, iso: string) => (await one(lq, `
      SELECT c.value FROM counter_samples c JOIN sources s USING (source_id)
      WHERE s.kind = 'nstat' AND s.parent_id IS NULL AND c.name = $1 AND c.ts = $2::TIMESTAMPTZ`, name, iso)).map((r) => r.value);

    it('stores every value of every snapshot log (nstat stamps are local IST)', async () => {
      const text = (p: string) => readFileSync(p, 'utf8');
      expect(await sideRows('nstat', 'nstat.log')).toBe(nstatValues(text(w.files.lqNstat)));
      expect(await sideRows('nstat', 'nstat.log')).toBe(240 * w.truth.lq618.files.values_per_nstat_snapshot);
      expect(await sideRows('ss', 'ss-l.log')).toBe(socketLines(text(w.files.lqSsL)));
      expect(await sideRows('ss', 'ss-l.log')).toBe(480);
      expect(await sideRows('ss', '/ss.log')).toBe(socketLines(text(w.files.lqSs)));
      expect(await sideRows('ss', '/ss.log')).toBe(w.truth.lq618.files.ss_rows);
      expect(readFileSync(w.files.lqNstat, 'utf8').split('\n')[0]).toBe('Tue May 19 14:10:00 IST 2026');
      const first = await one(lq, `SELECT epoch_us(first_ts) AS f FROM sources WHERE kind = 'nstat' AND parent_id IS NULL`);
      expect(first).toEqual([{ f: us(w.truth.lq618.samples[0]!.ts) }]);
    });

    it('ListenOverflows rises ≈1,180/s during the flood only; ListenDrops a handful more; PassiveOpens at the worker rate', async () => {
      const tr = w.truth.lq618;
      for (const s of tr.samples) expect(await at(s.name, s.ts)).toEqual([s.value]);
      const lo = tr.listen_overflows;
      const from = (await at('TcpExtListenOverflows', lo.first_rise.from))[0]!;
      const to = (await at('TcpExtListenOverflows', lo.last_rise.to))[0]!;
      expect([from, to - from]).toEqual([0, lo.total]);
      expect(lo.total).toBeGreaterThan(69_000);
      expect(lo.total).toBeLessThan(73_000);
      const drops = (await at('TcpExtListenDrops', lo.last_rise.to))[0]!;
      expect(drops - to).toBe(tr.listen_drops.total - lo.total);
      expect(tr.listen_drops.total - lo.total).toBeGreaterThan(0);
      expect(tr.listen_drops.total - lo.total).toBeLessThan(10);
      const passive = (await at('TcpPassiveOpens', tr.flood.end))[0]! - (await at('TcpPassiveOpens', tr.flood.start))[0]!;
      expect(passive / 60).toBeCloseTo(tr.rates.passive_opens_per_s.during, 1);
      const cookies = await one(lq, `
        SELECT c.name, max(c.value) - min(c.value) AS rise FROM counter_samples c JOIN sources s USING (source_id)
        WHERE s.kind = 'nstat' AND s.parent_id IS NULL AND c.name IN ('TcpExtTCPReqQFullDoCookies', 'TcpExtSyncookiesSent')
          AND c.ts BETWEEN $1::TIMESTAMPTZ AND $2::TIMESTAMPTZ GROUP BY ALL ORDER BY c.name`, tr.flood.start, tr.flood.end);
      expect(cookies.map((r) => r.name)).toEqual(['TcpExtSyncookiesSent', 'TcpExtTCPReqQFullDoCookies']);
      expect(cookies.every((r) => (r.rise as number) > 1000)).toBe(true);
    });

    it('ss: the listener in every snapshot, client shares as designed, slowsrv owning it in the bundle', async () => {
      const tr = w.truth.lq618;
      const listeners = await one(lq, `
        SELECT count(*) AS n FROM sockets k JOIN sources s USING (source_id)
        WHERE s.path LIKE '%ss-l.log' AND k.state = 'LISTEN' AND k.local_addr = '10.201.0.1' AND k.local_port = 8080`);
      expect(listeners).toEqual([{ n: 240 }]);
      const byClient = await one(lq, `
        SELECT peer_addr, count(*) AS n FROM sockets k JOIN sources s USING (source_id)
        WHERE s.path LIKE '%/ss.log' AND k.local_port = 8080 AND k.state IN ('ESTABLISHED', 'SYN_RECV') AND k.ts = $1::TIMESTAMPTZ
        GROUP BY ALL ORDER BY peer_addr`, tr.clients.snapshot);
      const total = byClient.reduce((n, r) => n + (r.n as number), 0);
      expect(total).toBe(tr.clients.sockets);
      expect(Object.fromEntries(byClient.map((r) => [r.peer_addr, (r.n as number) / total]))).toEqual(tr.clients.shares_in_fullest_ss_snapshot);
      const owner = await one(lq, `
        SELECT k.state, k.process, epoch_us(k.ts) AS ts FROM sockets k JOIN sources s USING (source_id)
        WHERE s.parent_id IS NOT NULL AND k.local_port = 8080 AND k.state = 'LISTEN'`);
      expect(owner).toEqual([{ state: 'LISTEN', process: 'slowsrv/4242', ts: us(tr.collection.instant) + 39_900_000 }]);
      const somaxconn = await one(lq, `SELECT origin, netns, value FROM sysctls WHERE name = 'net.core.somaxconn' ORDER BY origin, netns`);
      expect(somaxconn).toEqual([
        { origin: 'proc-sys', netns: 'lq', value: '64' }, { origin: 'sysctl-a', netns: 'lq', value: '64' }, { origin: 'sysctl-a', netns: 'lq', value: '64' },
      ]);
      const nsValues = await one(lq, `
        SELECT c.netns, c.value FROM counter_samples c JOIN sources s USING (source_id)
        WHERE s.parent_id IS NOT NULL AND s.kind = 'nstat' AND c.name = 'TcpExtListenOverflows' ORDER BY c.netns`);
      expect(nsValues.map((r) => r.value).sort()).toEqual([tr.bundle_values.proc_net.TcpExtListenOverflows, tr.bundle_values.netns_nstat.TcpExtListenOverflows].sort());
      expect(nsValues.map((r) => r.netns)).toEqual(['lq', 'lq']);
    });

    it('boot time: exact from btime; from a truncated uptime, calibrated by the messages copy of a kernel line (55 s late without it)', async () => {
      const tr = w.truth.lq618;
      const line = `SELECT epoch_us(o.ts) AS ts, o.kind, o.count FROM overflow_events o JOIN sources s USING (source_id) WHERE s.kind = 'dmesg'`;
      const boot = `SELECT epoch_us(boot_time) AS boot FROM hosts`;
      expect(await one(lq, boot)).toEqual([{ boot: us(tr.boot_variants.btime.true_utc) }]);
      expect(await one(lq, line)).toEqual([{ ts: us(tr.syn_flood_line.at), kind: 'tcp_listen_overflow', count: 1 }]);
      // `up 31 min` alone would date the boot (and every dmesg line) 55 s late; ingest calibrates it
      // from the SYN-flood line's copy in var/log/messages (src/store/timebasis.ts)
      const [u] = await one(lqUptime, `SELECT epoch_us(boot_time) AS boot, boot_time_basis AS basis, boot_time_uncertainty_s AS unc FROM hosts`);
      expect(u!.basis).toMatch(/^kernel lines matched in .*var\/log\/messages$/);
      expect(Math.abs((u!.boot as number) - us(tr.boot_variants.btime.true_utc))).toBeLessThan(1_100_000);
      expect(u!.unc as number).toBeLessThan(1.1);
      const [l] = await one(lqUptime, line);
      expect(Math.abs((l!.ts as number) - us(tr.syn_flood_line.at))).toBeLessThan(1_100_000);
      expect(us(tr.boot_variants.uptime.naive_from_uptime_utc) - us(tr.boot_variants.btime.true_utc)).toBe(55_000_000);
      expect(tr.boot_variants.uptime.uptime_text).toMatch(/ up 31 min, /);
      expect(tr.boot_variants.uptime.naive_error_s).toBe(55);
    });
  });
});
