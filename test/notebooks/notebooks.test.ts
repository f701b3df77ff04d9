import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca, type Finding } from '../../src/rca/findings.js';
import { writeIncidents } from '../../src/samples/incidents.js';
import { writeNetnsIncidents } from '../../src/samples/netns-incidents.js';
import { REPO, SAMPLES, tempDir } from '../helpers.js';

/**
 * Every notebook executes headless (jupyter nbconvert --execute, Deno kernel) against two
 * differently shaped databases, its outputs are checked (no stray output, every finding of the host
 * charted), and its nbconvert HTML export is opened in headless Chromium: the charts are drawn.
 * Needs Jupyter, the Deno kernel and Chromium (scripts/ci-deps.sh installs them) and a built dist/.
 */
const skip = process.env.BUNDLESCOPE_SKIP_NOTEBOOKS === '1';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

type Output = { output_type: string; data?: Record<string, string | string[]>; text?: string | string[]; ename?: string; evalue?: string };
type Nb = { cells: { cell_type: string; outputs?: Output[] }[] };

const NB_DIR = join(REPO, 'notebooks');
const joined = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('') : v ?? '');

function execute(nb: string, outFile: string, env: Record<string, string>): Nb {
  execFileSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=180', nb, '--output', outFile], {
    cwd: NB_DIR, env: { ...process.env, ...env }, stdio: 'pipe',
  });
  return JSON.parse(readFileSync(outFile, 'utf8'));
}

/** nbconvert's HTML export of an executed notebook (what a user attaches or opens without a kernel). */
function exportHtml(executed: string): string {
  execFileSync('jupyter', ['nbconvert', '--to', 'html', executed], { stdio: 'pipe' });
  return executed.replace(/\.ipynb$/, '.html');
}

const outputs = (nb: Nb) => nb.cells.flatMap((c) => c.outputs ?? []);
const html = (nb: Nb) => outputs(nb).map((o) => joined(o.data?.['text/html'])).join('\n');
const svgTags = (h: string) => [...h.matchAll(/<svg class="chart"[^>]*>/g)].map((m) => m[0]);
const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];
/** The chart sections of the incident notebook: finding key → chart id → plotted points. */
function chartSections(h: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const m of h.matchAll(/<section data-finding="([^"]*)">([\s\S]*?)<\/section>/g)) {
    out[m[1]!.replace(/&#39;/g, "'")] = Object.fromEntries(svgTags(m[2]!).map((t) => [attr(t, 'data-chart')!, Number(attr(t, 'data-points'))]));
  }
  return out;
}
const key = (f: Finding) => `${f.host}/${f.netns ?? ''}/${f.kind}/${f.start ?? ''}`;

/** No stray output: every output is a display the library made (html or markdown + text), none is an error, a stream or a bare value. */
function expectOnlyDisplays(nb: Nb): void {
  expect(outputs(nb).filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`)).toEqual([]);
  const stray = outputs(nb).filter((o) => o.output_type !== 'display_data' || !(o.data?.['text/html'] || o.data?.['text/markdown']));
  expect(stray).toEqual([]);
  const plain = outputs(nb).map((o) => joined(o.data?.['text/plain'])).join('\n');
  expect(plain).not.toMatch(/Promise \{|^undefined$/m);
}

describe.skipIf(skip)('notebooks', () => {
  const t = tempDir();
  const samplesDb = join(t.dir, 'nb.duckdb');
  const netnsDb = join(t.dir, 'netns', 'bundlescope.duckdb');
  const expected: Record<string, Finding[]> = {};
  const executed: Record<string, string> = {};

  beforeAll(async () => {
    const missing = ['jupyter'].filter((c) => { try { execFileSync('which', [c]); return false; } catch { return true; } });
    if (missing.length) throw new Error(`${missing.join(', ')} not installed: run scripts/ci-deps.sh (or set BUNDLESCOPE_SKIP_NOTEBOOKS=1)`);
    if (!existsSync(join(REPO, 'dist', 'notebook.js'))) throw new Error('dist/ is not built: run npm run build (npm ci does it)');
    // 1. the sample bundles and the case-4711 incidents (legacy1 logs its overflows)
    const { files } = await writeIncidents(join(t.dir, 'case'));
    let store = await openStore(samplesDb);
    let res = await ingestPaths(store, [SAMPLES + '/sosreport-web01-2026-03-12-kqwzmab.tar.xz', SAMPLES + '/sosreport-db01-2026-03-12-hvcedsa.tar.gz', ...Object.values(files)]);
    expected.legacy1 = (await buildRca(store, { host: 'legacy1' })).findings;
    store.close();
    // (the case's journal.json is journal.export again: loaded once, status overlap)
    expect(res.filter((r) => r.status !== 'loaded' && r.status !== 'overlap').map((r) => `${r.path}: ${r.status} ${r.error?.message ?? ''}`)).toEqual([]);
    // 2. the namespace incidents: tw618 overflows once logged, once only counted, and in netns web
    const ns = await writeNetnsIncidents(join(t.dir, 'netns'));
    const { lqUptimeBundle: _variant, ...nsFiles } = ns.files;
    store = await openStore(netnsDb);
    res = await ingestPaths(store, Object.values(nsFiles));
    expected.tw618 = (await buildRca(store, { host: 'tw618' })).findings;
    store.close();
    expect(res.filter((r) => r.status !== 'loaded' && r.status !== 'overlap').map((r) => `${r.path}: ${r.status} ${r.error?.message ?? ''}`)).toEqual([]);
  }, 240_000);
  afterAll(() => t.cleanup());

  it('incident.ipynb on the samples: legacy1 charted on one time axis, no stray output', () => {
    const out = join(t.dir, 'incident-samples.ipynb');
    const nb = execute('incident.ipynb', out, { BUNDLESCOPE_DB: samplesDb, BUNDLESCOPE_HOST: 'legacy1' });
    executed['incident-samples'] = out;
    expectOnlyDisplays(nb);
    expect(joined(outputs(nb)[0]!.data!['text/plain'])).toContain(`Opened ${samplesDb} (BUNDLESCOPE_DB=${samplesDb})`);
    expect(expected.legacy1!.map(key)).toEqual(['legacy1//tcp_timewait_overflow/2026-02-10T10:00:05Z']);
    const sections = chartSections(html(nb));
    expect(Object.keys(sections)).toEqual(expected.legacy1!.map(key));
    const c = sections['legacy1//tcp_timewait_overflow/2026-02-10T10:00:05Z']!;
    expect(Object.keys(c)).toEqual(['population', 'rates', 'events']);
    expect(c.population).toBeGreaterThan(10);
    expect(c.rates).toBeGreaterThan(5);
    expect(c.events).toBe(82); // 41 minutes (10:00 … 10:40), an estimated-total bar and a logged-lines bar each
    // the same charts as one SVG image for front ends that take no HTML
    const svg = outputs(nb).map((o) => joined(o.data?.['image/svg+xml'])).find(Boolean)!;
    expect(svgTags(svg).map((s) => attr(s, 'data-chart'))).toEqual(['population', 'rates', 'events']);
    expect(JSON.stringify(outputs(nb))).toContain('tcp_tw_recycle');
  }, 240_000);

  it('incident.ipynb on the namespace incidents: every finding of tw618 charted, counter-only and netns ones too', () => {
    const out = join(t.dir, 'incident-netns.ipynb');
    // a relative BUNDLESCOPE_DB is taken from where jupyter was started ($PWD), and a case folder stands for its database
    const nb = execute('incident.ipynb', out, { BUNDLESCOPE_DB: 'netns', PWD: t.dir, BUNDLESCOPE_HOST: 'tw618' });
    executed['incident-netns'] = out;
    expectOnlyDisplays(nb);
    expect(joined(outputs(nb)[0]!.data!['text/plain'])).toContain(`Opened ${netnsDb} (BUNDLESCOPE_DB=netns, relative to ${t.dir} where jupyter was started)`);
    const f = expected.tw618!;
    expect(f.map((x) => `${x.netns ?? ''}/${x.dated_by}`).sort()).toEqual(['/counter', '/log', 'web/null']);
    const sections = chartSections(html(nb));
    expect(Object.keys(sections).sort()).toEqual(f.map(key).sort());
    for (const k of Object.keys(sections)) expect(Object.keys(sections[k]!)).toEqual(['population', 'rates', 'events']);
    // the counter-only episode: the kernel's counter increases are its events
    const counterOnly = f.find((x) => x.dated_by === 'counter')!;
    expect(sections[key(counterOnly)]!.events).toBeGreaterThan(0);
    expect(html(nb)).toContain('dated by counter snapshots');
    // the namespace finding: its own population and counter
    const web = f.find((x) => x.netns === 'web')!;
    expect(html(nb)).toContain('tw618 netns web: ');
    expect(sections[key(web)]!.population).toBeGreaterThan(0);
  }, 240_000);

  it.each([['samples', () => samplesDb, ['db01', 'legacy1', 'modern7', 'web01']], ['netns', () => netnsDb, ['lq618', 'tw618']]] as const)(
    'fleet.ipynb on the %s database charts every host against its limits and in time', (name, db, hosts) => {
      const out = join(t.dir, `fleet-${name}.ipynb`);
      const nb = execute('fleet.ipynb', out, { BUNDLESCOPE_DB: db() });
      executed[`fleet-${name}`] = out;
      expectOnlyDisplays(nb);
      const tags = svgTags(html(nb));
      expect(tags.map((s) => attr(s, 'data-chart'))).toEqual(['fleet-limits', 'fleet-episodes']);
      const limits = html(nb).split('data-chart="fleet-limits"')[1]!.split('</svg>')[0]!;
      const labelled = new Set([...limits.matchAll(/<text class="yt"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.split(' ')[0]));
      expect([...labelled].sort()).toEqual(hosts.filter((h) => h !== 'other9'));
    }, 240_000);

  it('a mistyped BUNDLESCOPE_DB stops the notebook naming the path, and builds nothing', () => {
    const typo = join(t.dir, 'nb.dukcdb');
    const r = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', 'incident.ipynb', '--output', join(t.dir, 'typo.ipynb')], {
      cwd: NB_DIR, env: { ...process.env, BUNDLESCOPE_DB: typo }, encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`InputError: no bundlescope database at ${typo} (BUNDLESCOPE_DB=${typo}); run \`npm start\` or \`bundlescope case DIR\` first`);
    expect(existsSync(typo)).toBe(false);
  }, 240_000);

  describe('nbconvert HTML export in headless Chromium', () => {
    let ctx: BrowserContext | undefined;
    const profile = tempDir('bundlescope-chromium-');
    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/ci-deps.sh (or set BUNDLESCOPE_SKIP_NOTEBOOKS=1)`);
      ctx = await chromium.launchPersistentContext(profile.dir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1200, height: 900 } });
    });
    afterAll(async () => {
      await ctx?.close();
      profile.cleanup();
    });

    // exported notebook → charts, charts with drawn marks, what the charts without any say
    const NETNS_NO_EVENTS = 'TCP TIME_WAIT bucket table overflow events per minute on tw618: no data. The kernel logged nothing and TcpExtTCPTimeWaitOverflow has no dated increase in the data for this host (37,555 counted since boot)';
    it.each([['incident-samples', 3, 3, []], ['incident-netns', 9, 8, [NETNS_NO_EVENTS]], ['fleet-samples', 2, 2, []], ['fleet-netns', 2, 2, []]] as const)(
      '%s shows its charts drawn, offline, with no console error', async (name, charts, drawn, undrawn) => {
        expect(executed[name], `${name} was not executed by the tests above`).toBeTruthy();
        const file = exportHtml(executed[name]!);
        const page = await ctx!.newPage();
        const problems: string[] = [];
        page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network: ${r.url()}`); });
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const seen = await page.$$eval('svg.chart', (els) => els.map((e) => {
          const r = e.getBoundingClientRect();
          const marks = [...e.querySelectorAll('.series rect, .series path, .series circle')].filter((m) => {
            const b = m.getBoundingClientRect();
            return b.width > 0 || b.height > 0;
          }).length;
          return { chart: e.getAttribute('data-chart'), w: r.width, h: r.height, marks, aria: e.getAttribute('aria-label') };
        }));
        expect(seen.length).toBe(charts);
        for (const c of seen) {
          expect(c.w).toBeGreaterThan(600);
          expect(c.h).toBeGreaterThan(60);
        }
        expect(seen.filter((c) => c.marks > 0).length).toBe(drawn);
        // a chart with nothing to draw says why (the netns web counter was read once: counted since boot, undated)
        expect(seen.filter((c) => c.marks === 0).map((c) => c.aria)).toEqual(undrawn);
        await page.close();
        expect(problems).toEqual([]);
      }, 120_000);
  });
});
