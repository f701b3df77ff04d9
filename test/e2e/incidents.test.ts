import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeIncidents } from '../../src/samples/incidents.js';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca, type RcaReport } from '../../src/rca/findings.js';
import { runSql } from '../../src/report/catalogue.js';
import { tempDir } from '../helpers.js';
import { expectAccounted } from '../rca/accounting.js';

type Files = Awaited<ReturnType<typeof writeIncidents>>['files'];

describe('multi-source incidents on one timeline', () => {
  const t = tempDir();
  let files: Files;
  let truth: Awaited<ReturnType<typeof writeIncidents>>['truth'];
  let store: Store;
  let rca: RcaReport;

  beforeAll(async () => {
    ({ files, truth } = await writeIncidents(join(t.dir, 'case-4711')));
    store = await openStore(join(t.dir, 'a.duckdb'));
    const res = await ingestPaths(store, [files.legacyBundle, files.modernBundle, files.central, files.slabLog, files.sar, files.journalJson, files.nstat, files.ss]);
    expect(res.map((r) => [r.kind, r.status, r.host])).toEqual([
      ['sosreport', 'loaded', 'legacy1'], ['sosreport', 'loaded', 'modern7'], ['syslog', 'loaded', null],
      ['slabinfo', 'loaded', 'legacy1'], ['sar', 'loaded', 'legacy1'], ['journal-json', 'loaded', 'modern7'],
      ['nstat', 'loaded', 'modern7'], ['ss', 'loaded', 'modern7'],
    ]);
    expect(res.flatMap((r) => r.issues.filter((i) => i.code !== 'note').map((i) => `${r.path}:${i.line} ${i.code}`))).toEqual([]);
    rca = await buildRca(store);
  });
  afterAll(() => {
    store?.close();
    t.cleanup();
  });

  it('older kernel: the true end from the central copy, each line counted once across messages, dmesg and the copy', () => {
    const f = rca.findings.find((x) => x.host === 'legacy1' && x.kind === 'tcp_timewait_overflow')!;
    const tr = truth.legacy1;
    expect([f.start, f.end]).toEqual([tr.start, tr.end]);
    expect([f.events.logged, f.events.suppressed]).toEqual([tr.logged, tr.suppressed]);
    expect({ name: f.limit.name, value: f.limit.value, peak: f.limit.peak }).toEqual(tr.limit);
    expect(f.risks.map((r) => r.id)).toEqual(['tcp-tw-recycle-set']);
    expect(f.recommendations.map((r) => r.id)).not.toContain('tcp-tw-recycle');
  });

  it('the slabinfo log and sar land on the same UTC instants as the logs', async () => {
    const { rows } = await runSql(store, `
      SELECT origin, max(value) AS peak, min(ts)::VARCHAR AS first_at_peak FROM population_samples
      WHERE host = 'legacy1' AND value >= 65536 AND origin IN ('slabinfo', 'sar') GROUP BY origin ORDER BY origin`);
    // the slab log plateaus at the limit from the first overflow minute (10:01 is the first dump after 10:00:05); sar's first 10-minute end at the plateau is 10:10:01Z
    expect(rows).toEqual([
      { origin: 'sar', peak: 65536, first_at_peak: '2026-02-10 10:10:01+00' },
      { origin: 'slabinfo', peak: 65536, first_at_peak: '2026-02-10 10:01:00+00' },
    ]);
  });

  it('modern kernel: the overflow is found from TCPTimeWaitOverflow deltas, with nothing logged', () => {
    const f = rca.findings.find((x) => x.host === 'modern7' && x.kind === 'tcp_timewait_overflow')!;
    const tr = truth.modern7;
    expect([f.start, f.end, f.events.logged, f.events.counter_delta]).toEqual([tr.start, tr.end, 0, tr.counter_delta]);
    expect({ name: f.limit.name, value: f.limit.value }).toEqual(tr.limit);
    expect({ peer: f.top_peers[0]!.peer, share: f.top_peers[0]!.share }).toEqual(tr.top_peer);
  });

  it('every counter increase and every logged line is in exactly one finding', async () => {
    const checked = await expectAccounted(store, rca);
    expect(checked.counters).toBeGreaterThanOrEqual(3);
  });

  it('the journal export and the bundle journalctl text give the SYN-flood line once', () => {
    const f = rca.findings.filter((x) => x.host === 'modern7' && x.kind === 'tcp_listen_overflow');
    expect(f.map((x) => x.events.logged)).toEqual([1]);
  });

  it('journal JSON and export format give identical tables', async () => {
    const b = await openStore(join(t.dir, 'b.duckdb'));
    try {
      await ingestPaths(b, [files.journalExport]);
      const cols = `l.host, l.ts, l.ts_quality, l.boot_id, l.mono_us, l.ident, l.pid, l.unit, l.priority, l.facility, l.transport, l.message`;
      const fromJson = await runSql(store, `SELECT ${cols} FROM log_events l JOIN sources s USING (source_id) WHERE s.kind = 'journal-json' ORDER BY l.ts`);
      const fromExport = await runSql(b, `SELECT ${cols} FROM log_events l ORDER BY l.ts`);
      expect(fromExport.rows).toEqual(fromJson.rows);
      expect(fromJson.rows.length).toBe(3);
    } finally {
      b.close();
    }
  });

  it('gives the same answer whatever order the inputs come in', async () => {
    const c = await openStore(join(t.dir, 'c.duckdb'));
    try {
      await ingestPaths(c, [files.ss, files.nstat, files.journalJson, files.central, files.modernBundle, files.legacyBundle, files.sar, files.slabLog]);
      const again = await buildRca(c);
      const key = (r: RcaReport) => r.findings.map((f) => [f.host, f.kind, f.start, f.end, f.events.logged, f.events.suppressed, f.events.counter_delta]);
      expect(key(again)).toEqual(key(rca));
    } finally {
      c.close();
    }
  });

  it('hosts seen only in side files are listed (bare host rows)', async () => {
    const d = await openStore(join(t.dir, 'd.duckdb'));
    try {
      await ingestPaths(d, [files.central]);
      const { rows } = await runSql(d, `SELECT host, kernel, timezone FROM hosts ORDER BY host`);
      expect(rows).toEqual([{ host: 'legacy1', kernel: null, timezone: null }, { host: 'other9', kernel: null, timezone: null }]);
      expect((await buildRca(d)).hosts.map((h) => h.host)).toEqual(['legacy1', 'other9']);
    } finally {
      d.close();
    }
  });
});
