import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca } from '../../src/rca/findings.js';
import { runSql } from '../../src/report/catalogue.js';
import { SAMPLES, tempDir } from '../helpers.js';
import { expectAccounted } from '../rca/accounting.js';

const truth = JSON.parse(readFileSync(join(SAMPLES, 'truth.json'), 'utf8'));
const files = ['web01', 'app02', 'db01'].map((k) => join(SAMPLES, truth[k].file));

describe('samples end to end', () => {
  const t = tempDir();
  const db = join(t.dir, 'e2e.duckdb');
  let store: Store;

  beforeAll(async () => {
    const code = await main(['ingest', '--db', db, ...files], { exitOverride: true });
    expect(code).toBe(0);
    store = await openStore(db);
  });
  afterAll(() => {
    store?.close();
    t.cleanup();
  });

  it('stores exact row counts per table', async () => {
    const { rows } = await runSql(store, `
      SELECT (SELECT count(*) FROM sources WHERE parent_id IS NULL) AS bundles,
             (SELECT count(*) FROM hosts) AS hosts,
             (SELECT count(*) FROM overflow_events WHERE host = 'web01') AS overflow_rows,
             (SELECT count(*) FROM overflow_events WHERE host = 'web01' AND NOT suppressed) AS overflow_lines,
             (SELECT count(*) FROM sockets WHERE host = 'web01' AND state = 'TIME_WAIT') AS tw_sockets,
             (SELECT count(*) FROM ingest_issues WHERE severity = 'warning' AND code <> 'note') AS warnings`);
    // messages: 320 lines + 31 summaries; dmesg: the last 12 bursts again = 120 lines + 12 summaries
    expect(rows[0]).toEqual({ bundles: 3, hosts: 3, overflow_rows: 483, overflow_lines: 440, tw_sockets: 300, warnings: 0 });
  });

  it('counts each kernel line once across dmesg and messages', async () => {
    const { rows } = await runSql(store, `SELECT sum(logged) AS logged, sum(suppressed) AS suppressed FROM overflow_islands WHERE host = 'web01' AND kind = 'tcp_timewait_overflow'`);
    expect(rows[0]).toEqual({ logged: 320, suppressed: 6572 });
  });

  it('rca JSON matches the generator truth exactly', async () => {
    const r = await buildRca(store);
    expect(r.findings.map((f) => `${f.host}/${f.kind}`)).toEqual(['app02/tcp_timewait_overflow', 'web01/tcp_timewait_overflow']);
    const w = r.findings.find((f) => f.host === 'web01')!;
    const tw = truth.web01;
    expect([w.start, w.end]).toEqual([tw.start, tw.end]);
    expect(w.events).toEqual({ logged: tw.logged, suppressed: tw.suppressed, repeated: 0, estimated_total: tw.estimated_total, counter_delta: null, counter: null, counter_series: null });
    expect({ name: w.limit.name, value: w.limit.value, peak: w.limit.peak }).toEqual(tw.limit);
    expect({ peer: w.top_peers[0]!.peer, share: w.top_peers[0]!.share }).toEqual(tw.top_peer);
    expect(w.recommendations.map((x) => x.id)).toEqual(['connection-reuse', 'tcp-tw-reuse', 'raise-limit']);
    expect(w.evidence.map((e) => e.source)).toContain('sosreport-web01-2026-03-12-kqwzmab.tar.xz/var/log/messages');

    const a = r.findings.find((f) => f.host === 'app02')!;
    const ta = truth.app02;
    expect([a.start, a.end, a.events.logged, a.events.counter_delta]).toEqual([null, null, 0, ta.counter_delta]);
    expect({ name: a.limit.name, value: a.limit.value, peak: a.limit.peak }).toEqual(ta.limit);
    expect({ peer: a.top_peers[0]!.peer, share: a.top_peers[0]!.share }).toEqual(ta.top_peer);
    expect(await expectAccounted(store, r)).toEqual({ counters: 7, kinds: 1 });
    expect(r.hosts.map((h) => [h.host, h.timezone, h.collected_at])).toEqual([
      ['app02', 'UTC', '2026-03-12T16:45:00Z'],
      ['db01', 'Europe/Berlin', '2026-03-12T10:00:00Z'],
      ['web01', 'America/Chicago', '2026-03-12T19:20:02Z'],
    ]);
  });

  it('re-ingesting identical content is a no-op', async () => {
    store.close();
    const before = await counts(db);
    const code = await main(['ingest', '--db', db, ...files], { exitOverride: true });
    expect(code).toBe(0);
    expect(await counts(db)).toEqual(before);
    store = await openStore(db);
  });

  it('narrows rca by host and time window', async () => {
    expect((await buildRca(store, { host: 'db01' })).findings).toEqual([]);
    const win = await buildRca(store, { from: '2026-03-12T19:00:00Z', to: '2026-03-12T19:30:00Z' });
    expect(win.findings.map((f) => f.host)).toEqual(['web01']);
  });
});

async function counts(db: string) {
  const s = await openStore(db);
  try {
    const { rows } = await runSql(s, `SELECT (SELECT count(*) FROM sources) s, (SELECT count(*) FROM log_events) l, (SELECT count(*) FROM overflow_events) o,
      (SELECT count(*) FROM counter_samples) c, (SELECT count(*) FROM sockets) k, (SELECT count(*) FROM sysctls) y, (SELECT count(*) FROM slab_samples) b`);
    return rows[0];
  } finally {
    s.close();
  }
}

describe('time zones', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('America/Chicago: syslog local time, dmesg monotonic + btime and date --utc land on the same UTC instants (week after DST)', async () => {
    const store = await openStore(join(t.dir, 'tz.duckdb'));
    try {
      await ingestPaths(store, [join(SAMPLES, truth.web01.file)]);
      const { rows } = await runSql(store, `
        SELECT s.kind, l.ts::VARCHAR AS ts, l.ts_quality
        FROM log_events l JOIN sources s USING (source_id)
        WHERE l.message = 'net_ratelimit: 240 callbacks suppressed' ORDER BY s.kind`);
      // burst 20 at 14:07:11 CDT (UTC−5) = 19:07:11Z in both sources
      expect(rows).toEqual([
        { kind: 'dmesg', ts: '2026-03-12 19:07:11+00', ts_quality: 'monotonic+boot' },
        { kind: 'syslog', ts: '2026-03-12 19:07:11+00', ts_quality: 'syslog-year-inferred' },
      ]);
      const before = await runSql(store, `SELECT ts::VARCHAR AS ts FROM log_events WHERE message LIKE '%port 50001 ssh2'`);
      // Mar 7 23:00:00 CST (UTC−6, before the 2026-03-08 change) in the same file
      expect(before.rows).toEqual([{ ts: '2026-03-08 05:00:00+00' }]);
      const h = await runSql(store, `SELECT collected_at::VARCHAR AS c, boot_time::VARCHAR AS b, timezone FROM hosts`);
      expect(h.rows).toEqual([{ c: '2026-03-12 19:20:02+00', b: '2026-03-01 14:00:00+00', timezone: 'America/Chicago' }]);
    } finally {
      store.close();
    }
  });
});
