import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { makeTarball } from '../../src/samples/tarball.js';
import { sosreportEntries } from '../../src/samples/sos.js';
import { legacyIncident, modernIncident, writeIncidents } from '../../src/samples/incidents.js';
import { openStore } from '../../src/store/db.js';
import { ingestPaths, type InputSummary } from '../../src/ingest/ingest.js';
import { buildRca } from '../../src/rca/findings.js';
import { renderJson } from '../../src/rca/render.js';
import { runReport, runSql } from '../../src/report/catalogue.js';
import { REALWORLD, hasRealworld, tempDir } from '../helpers.js';

/**
 * Overlapping sources of the same data (issue 18, point 1): the same sa file as sar text and as
 * sadf CSV, the same journal as json and as export, a snapshot log in two copies. Each is loaded
 * once, with one notice, and the answer is the one given without the duplicate, whatever the order.
 */
describe('overlapping sources of the same data', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  /** Each run's inputs into a new database; what every question asked of it answers. */
  async function answers(db: string, runs: string[][]) {
    const store = await openStore(join(t.dir, db));
    try {
      const sums: InputSummary[][] = [];
      for (const paths of runs) sums.push(await ingestPaths(store, paths));
      // A counter series is named by its first source's id (`nstat/timed/29`), which the inputs
      // loaded before it decide: named here by that source's path, so the same series compares equal.
      const paths = new Map((await runSql(store, 'SELECT source_id, path FROM sources')).rows.map((r) => [String(r.source_id), String(r.path)]));
      const named = (text: string) => text.replace(/\b([a-z-]+\/(?:timed|collection-time|file-mtime))\/(\d+)\b/g, (_m, s: string, id: string) => `${s}/${paths.get(id)}`);
      const report = async (name: string, given: Record<string, string>) => named(JSON.stringify((await runReport(store, name, given)).rows));
      const count = async (sql: string) => Number((await runSql(store, sql)).rows[0]!.n);
      return {
        sums,
        lines: sums.flat().flatMap((s) => s.overlaps ?? []).sort(),
        rca: named(renderJson(await buildRca(store))),
        reports: [
          await report('connection_rates', { host: 'legacy1' }),
          await report('counters_summary', { host: 'legacy1' }),
          await report('episodes', {}),
          await report('log_search', { host: 'modern7', copies: 'all' }),
        ],
        legacyCounters: await count("SELECT count(*) AS n FROM counter_samples WHERE host = 'legacy1'"),
        modernLines: await count("SELECT count(*) AS n FROM log_events WHERE host = 'modern7'"),
        modernOverflows: await count("SELECT count(*) AS n FROM overflow_events WHERE host = 'modern7'"),
        dropped: (await runSql(store, "SELECT s.kind, s.rows, i.code FROM sources s JOIN ingest_issues i USING (source_id) WHERE i.code = 'overlap' ORDER BY s.kind")).rows,
      };
    } finally {
      store.close();
    }
  }

  describe('the case folder with sar text beside sadf CSV, and the journal as json beside export', () => {
    let f: Awaited<ReturnType<typeof writeIncidents>>['files'];
    let sadf: string;
    let base: Awaited<ReturnType<typeof answers>>;
    let kept: string[];

    beforeAll(async () => {
      ({ files: f } = await writeIncidents(join(t.dir, 'case')));
      sadf = join(t.dir, 'case', 'legacy1', 'sa10.csv');
      writeFileSync(sadf, legacyIncident().files.sadf);
      kept = [f.central, f.slabLog, sadf, f.journalExport, f.nstat, f.ss];
      base = await answers('base.duckdb', [[f.legacyBundle, f.modernBundle, ...kept]]);
    });

    const lines = () => [
      `overlap   journal-json   ${f.journalJson} host modern7: the same 3 entries as journal-export ${f.journalExport} (loaded once, from journal-export: the export format is journald's own, every field kept)`,
      `overlap   sar            ${f.sar} host legacy1: the same 1,430 counter samples as sadf ${sadf} (loaded once, from sadf: sadf writes UTC times)`,
    ];

    it('without the duplicates: the base answer', () => {
      expect(base.lines).toEqual([]);
      // 42 counters of the bundle + (4 TCP + 6 SOCK columns) × 143 ten-minute samples of the day
      expect([base.legacyCounters, base.modernLines, base.modernOverflows]).toEqual([42 + 1430, 4 + 3, 1 + 1]);
      expect(JSON.parse(base.rca).findings.map((x: { host: string; kind: string }) => `${x.host} ${x.kind}`)).toEqual([
        'legacy1 tcp_timewait_overflow', 'modern7 tcp_timewait_overflow', 'modern7 tcp_listen_overflow',
      ]);
    });

    const variants: [string, (f: Awaited<ReturnType<typeof writeIncidents>>['files']) => string[][]][] = [
      ['duplicates given last, one run', (f) => [[f.legacyBundle, f.modernBundle, ...kept, f.sar, f.journalJson]]],
      ['duplicates given first, one run', (f) => [[f.sar, f.journalJson, f.legacyBundle, f.modernBundle, ...kept]]],
      ['duplicates in an earlier run', (f) => [[f.legacyBundle, f.modernBundle, f.sar, f.journalJson], kept]],
      ['duplicates in a later run', (f) => [[f.legacyBundle, f.modernBundle, ...kept], [f.sar, f.journalJson]]],
    ];
    for (const [name, runs] of variants) {
      it(`${name}: one notice per overlap, the same findings JSON, reports and row counts as without them`, async () => {
        const a = await answers(`${name.replace(/\W+/g, '-')}.duckdb`, runs(f));
        expect(a.lines).toEqual(lines());
        expect(a.rca).toEqual(base.rca);
        expect(a.reports).toEqual(base.reports);
        expect([a.legacyCounters, a.modernLines, a.modernOverflows]).toEqual([base.legacyCounters, base.modernLines, base.modernOverflows]);
        // the duplicate keeps its sources row (a re-run knows it) with no rows, and says where they are
        expect(a.dropped).toEqual([{ kind: 'journal-json', rows: 0, code: 'overlap' }, { kind: 'sar', rows: 0, code: 'overlap' }]);
        // within one run the duplicate's own line is the notice; its rows are not counted
        const last = a.sums.at(-1)!;
        const sar = last.find((s) => s.path === f.sar);
        if (sar) expect([sar.status, sar.rows, sar.overlaps]).toEqual(['overlap', {}, [lines()[1]]]);
      });
    }

    it('a duplicate given again is known: unchanged', async () => {
      const store = await openStore(join(t.dir, 'duplicates-in-a-later-run.duckdb'));
      try {
        const again = await ingestPaths(store, [f.sar, f.journalJson]);
        expect(again.map((s) => s.status)).toEqual(['unchanged', 'unchanged']);
      } finally {
        store.close();
      }
    });
  });

  describe('one input holding another, partial overlaps, copies of a snapshot log', () => {
    const M = modernIncident();
    const jsonLines = M.files.json.trimEnd().split('\n');
    const blocks = M.files.nstat.split('\n\n');
    const dir = join(t.dir, 'side');
    const p = (n: string) => join(dir, n);

    beforeAll(() => {
      mkdirSync(dir);
      writeFileSync(p('journal.export'), M.files.export);
      writeFileSync(p('first-two.json'), jsonLines.slice(0, 2).join('\n') + '\n');
      writeFileSync(p('nstat.log'), M.files.nstat);
      writeFileSync(p('nstat-copy.log.gz'), gzipSync(M.files.nstat));
      writeFileSync(p('ss.log'), M.files.ss);
      writeFileSync(p('ss-tan.txt'), M.files.ss.replace(/\n/g, '\r\n'));
      writeFileSync(p('nstat-a.log'), blocks.slice(0, 60).join('\n\n') + '\n');
      writeFileSync(p('nstat-b.log'), blocks.slice(30).join('\n\n'));
    });

    it('a journal that holds all of another: loaded from the richer one, in either order', async () => {
      const line = `overlap   journal-json   ${p('first-two.json')} host modern7: its 2 entries are all in journal-export ${p('journal.export')}, which has 1 more (loaded once, from journal-export)`;
      for (const order of [[p('first-two.json'), p('journal.export')], [p('journal.export'), p('first-two.json')]]) {
        const a = await answers(`sub-${order[0]!.endsWith('json') ? 1 : 2}.duckdb`, [order]);
        expect(a.lines).toEqual([line]);
        expect([a.modernLines, a.modernOverflows]).toEqual([3, 1]);
        expect(a.sums[0]!.map((s) => [s.kind, s.status])).toEqual(order.map((x) => x.endsWith('json') ? ['journal-json', 'overlap'] : ['journal-export', 'loaded']));
      }
    });

    it('two snapshot logs that share 30 snapshots: each sample stored once, the counter delta that of the whole log', async () => {
      const store = await openStore(join(t.dir, 'partial.duckdb'));
      try {
        const sums = await ingestPaths(store, [p('nstat-a.log'), p('nstat-b.log')], { host: 'modern7' });
        expect(sums.flatMap((s) => s.overlaps ?? [])).toEqual([
          `overlap   nstat          ${p('nstat-b.log')} host modern7: 120 of its 244 counter samples are also in nstat ${p('nstat-a.log')}, snapshot for snapshot: those loaded once, from nstat; its other 124 loaded from this file`,
        ]);
        expect(sums.map((s) => [s.status, s.rows.counter_samples])).toEqual([['loaded', 240], ['loaded', 124]]);
        const n = await runSql(store, "SELECT count(*) AS n, count(DISTINCT (ts, name)) AS d FROM counter_samples");
        expect(n.rows[0]).toEqual({ n: 364, d: 364 });
        const d = await runSql(store, "SELECT increase FROM counter_deltas WHERE name = 'TcpExtTCPTimeWaitOverflow'");
        expect(d.rows).toEqual([{ increase: M.truth.counter_delta }]);
      } finally {
        store.close();
      }
    });

    it("a sosreport's own sar file and a sadf CSV of it beside: loaded once, from the sosreport, in either order", async () => {
      const L = legacyIncident();
      const name = 'sosreport-legacy1-2026-02-10-withsar';
      const bundle = p(`${name}.tar.xz`);
      writeFileSync(bundle, await makeTarball(sosreportEntries({ ...L.spec, extraFiles: { 'var/log/sa/sar10': L.files.sar } }, name), 'xz'));
      writeFileSync(p('sa10.csv'), L.files.sadf);
      const line = `overlap   sadf           ${p('sa10.csv')} host legacy1: the same 1,430 counter samples as sar ${name}.tar.xz/var/log/sa/sar10 (loaded once, from sar: the sosreport's own copy)`;
      const results = [];
      for (const runs of [[[bundle], [p('sa10.csv')]], [[p('sa10.csv')], [bundle]]]) {
        const a = await answers(`own-${results.length}.duckdb`, runs);
        expect(a.lines).toEqual([line]);
        expect(a.legacyCounters).toEqual(42 + 1430);
        expect(a.dropped).toEqual([{ kind: 'sadf', rows: 0, code: 'overlap' }]);
        results.push(a);
      }
      // (the sadf file loaded before the bundle takes the zone from nothing: UTC stamps need none)
      expect(results[1]!.rca).toEqual(results[0]!.rca);
      expect(results[1]!.reports).toEqual(results[0]!.reports);
    });

    it('an ss log and a copy of it with CRLF line ends: the same socket rows, loaded once', async () => {
      const store = await openStore(join(t.dir, 'ss.duckdb'));
      try {
        const sums = await ingestPaths(store, [p('ss.log'), p('ss-tan.txt')], { host: 'modern7' });
        // (ss-tan.txt sorts first: it is kept, and ss.log, loaded before it, gives its rows up)
        expect(sums.map((s) => [s.status, s.rows.sockets])).toEqual([['overlap', undefined], ['loaded', 2939]]);
        expect(sums[0]!.overlaps).toEqual([
          `overlap   ss             ${p('ss.log')} host modern7: the same 2,939 socket rows as ss ${p('ss-tan.txt')} (loaded once, from ss: the first by name)`,
        ]);
        expect((await runSql(store, 'SELECT count(*) AS n FROM sockets')).rows).toEqual([{ n: 2939 }]);
      } finally {
        store.close();
      }
    });

    it.skipIf(!hasRealworld)('real sysstat output: sadf -d of a file whose sar -A text holds more is loaded once, from the sar text (the realworld corpus; skipped without ../shared)', async () => {
      const dirRw = join(REALWORLD, 'sysstat', 'text');
      const store = await openStore(join(t.dir, 'sysstat.duckdb'));
      try {
        const sums = await ingestPaths(store, [join(dirRw, 'expected.data-11.6.5-sadf-d'), join(dirRw, 'expected.data-11.6.5')], { tz: 'UTC' });
        expect(sums.map((s) => [s.kind, s.status, s.rows.counter_samples])).toEqual([['sadf', 'overlap', undefined], ['sar', 'loaded', 1087]]);
        expect(sums[0]!.overlaps).toEqual([
          `overlap   sadf           ${join(dirRw, 'expected.data-11.6.5-sadf-d')} host linux: its 35 counter samples are all in sar ${join(dirRw, 'expected.data-11.6.5')}, which has 1,052 more (loaded once, from sar)`,
        ]);
      } finally {
        store.close();
      }
    });

    it('the same log twice, once compressed (another sha256): loaded once, from the first by name', async () => {
      for (const order of [[p('nstat.log'), p('nstat-copy.log.gz')], [p('nstat-copy.log.gz'), p('nstat.log')]]) {
        const store = await openStore(join(t.dir, `copy-${order[0]!.endsWith('gz') ? 1 : 2}.duckdb`));
        try {
          const sums = await ingestPaths(store, order, { host: 'modern7' });
          expect(sums.flatMap((s) => s.overlaps ?? [])).toEqual([
            `overlap   nstat          ${p('nstat.log')} host modern7: the same 364 counter samples as nstat ${p('nstat-copy.log.gz')} (loaded once, from nstat: the first by name)`,
          ]);
          const kept = await runSql(store, 'SELECT s.path, count(*) AS n FROM counter_samples JOIN sources s USING (source_id) GROUP BY ALL');
          expect(kept.rows).toEqual([{ path: p('nstat-copy.log.gz'), n: 364 }]);
        } finally {
          store.close();
        }
      }
    });
  });
});
