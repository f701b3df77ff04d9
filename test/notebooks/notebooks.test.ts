import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { writeIncidents } from '../../src/samples/incidents.js';
import { REPO, SAMPLES, tempDir } from '../helpers.js';

/**
 * Every notebook executes headless (jupyter nbconvert --execute, Deno kernel) against a real
 * database, and its saved outputs hold the charts. Needs Jupyter and the Deno kernel
 * (scripts/ci-deps.sh installs both) and a built dist/ (npm ci builds it).
 */
const skip = process.env.BUNDLESCOPE_SKIP_NOTEBOOKS === '1';

type Output = { output_type: string; data?: Record<string, any>; ename?: string; evalue?: string };

function execute(nb: string, outFile: string, env: Record<string, string>): { cells: { outputs?: Output[] }[] } {
  execFileSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=180', nb, '--output', outFile], {
    cwd: join(REPO, 'notebooks'), env: { ...process.env, ...env }, stdio: 'pipe',
  });
  return JSON.parse(readFileSync(outFile, 'utf8'));
}

const outputs = (nb: { cells: { outputs?: Output[] }[] }) => nb.cells.flatMap((c) => c.outputs ?? []);
const charts = (nb: { cells: { outputs?: Output[] }[] }) => outputs(nb).map((o) => o.data?.['application/vnd.vegalite.v5+json']).filter(Boolean);

describe.skipIf(skip)('notebooks', () => {
  const t = tempDir();
  const db = join(t.dir, 'nb.duckdb');
  beforeAll(async () => {
    const missing = ['jupyter'].filter((c) => { try { execFileSync('which', [c]); return false; } catch { return true; } });
    if (missing.length) throw new Error(`${missing.join(', ')} not installed: run scripts/ci-deps.sh (or set BUNDLESCOPE_SKIP_NOTEBOOKS=1)`);
    if (!existsSync(join(REPO, 'dist', 'index.js'))) throw new Error('dist/ is not built: run npm run build (npm ci does it)');
    const { files } = await writeIncidents(join(t.dir, 'case'));
    const store = await openStore(db);
    const res = await ingestPaths(store, [SAMPLES + '/sosreport-web01-2026-03-12-kqwzmab.tar.xz', SAMPLES + '/sosreport-db01-2026-03-12-hvcedsa.tar.gz', ...Object.values(files)]);
    store.close();
    // (the case's journal.json is journal.export again: loaded once, status overlap)
    expect(res.filter((r) => r.status !== 'loaded' && r.status !== 'overlap').map((r) => `${r.path}: ${r.status} ${r.error?.message ?? ''}`)).toEqual([]);
  }, 180_000);
  afterAll(() => t.cleanup());

  it('incident.ipynb runs without a cell error and draws population, events and rates on one time axis', () => {
    const nb = execute('incident.ipynb', join(t.dir, 'incident.out.ipynb'), { BUNDLESCOPE_DB: db, BUNDLESCOPE_HOST: 'legacy1' });
    expect(outputs(nb).filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`)).toEqual([]);
    const [chart] = charts(nb);
    expect(chart.title).toBe('legacy1: tcp_timewait_overflow');
    expect(chart.resolve).toEqual({ scale: { x: 'shared' } });
    const [pop, events, rates] = chart.vconcat;
    expect(pop.layer[0].data.values.length).toBeGreaterThan(10);
    expect(pop.layer[1].data.values).toEqual([{ limit: 65536 }]);
    expect(events.data.values.length).toBe(41); // 10:00 … 10:40
    expect(rates.data.values.length).toBeGreaterThan(5);
    const text = JSON.stringify(outputs(nb));
    expect(text).toContain('tcp_tw_recycle');
  }, 240_000);

  it('fleet.ipynb runs and charts every host against its limits and in time', () => {
    const nb = execute('fleet.ipynb', join(t.dir, 'fleet.out.ipynb'), { BUNDLESCOPE_DB: db });
    expect(outputs(nb).filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`)).toEqual([]);
    expect(charts(nb).length).toBe(2);
    const [ratio, timeline] = charts(nb);
    const hosts = ratio.data.values.map((v: { host: string }) => v.host);
    expect(new Set(hosts)).toEqual(new Set(['web01', 'db01', 'legacy1', 'modern7']));
    expect(timeline.data.values.map((v: { host: string }) => v.host).sort()).toEqual(['legacy1', 'modern7', 'modern7', 'web01']);
  }, 240_000);
});
