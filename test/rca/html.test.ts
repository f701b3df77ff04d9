import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca, type Finding, type RcaReport } from '../../src/rca/findings.js';
import { renderHtml } from '../../src/rca/html.js';
import { gatherCharts } from '../../src/rca/charts.js';
import { runSql } from '../../src/report/catalogue.js';
import { REPO, SAMPLES, tempDir } from '../helpers.js';

const truth = JSON.parse(readFileSync(join(SAMPLES, 'truth.json'), 'utf8'));
const files = ['web01', 'app02', 'db01'].map((k) => join(SAMPLES, truth[k].file));
const CASE = join(SAMPLES, 'incidents', 'case-4711');
const caseFiles = [
  'sosreport-legacy1-2026-02-10-lgcyabc.tar.xz', 'sosreport-modern7-2026-02-10-mdrnxyz.tar.xz', 'central/messages-20260211.gz',
  'legacy1/slab.log', 'legacy1/sar10.txt', 'modern7/journal.json', 'modern7/nstat.log', 'modern7/ss.log',
].map((f) => join(CASE, f));

const ARTIFACTS = join(REPO, 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';
const SKIP_BROWSER = process.env.BUNDLESCOPE_SKIP_BROWSER === '1';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_ATTR = '"><img src=x onerror=alert(2)>';

/** The HTML of one finding's section. */
function section(html: string, host: string): string {
  const parts = html.split('<section class="finding"').slice(1);
  const s = parts.find((p) => p.includes(`data-host="${host}"`));
  if (!s) throw new Error(`no finding section for ${host}`);
  return s.split('</section>')[0]!;
}

const text = (h: string) => h.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();

/** The facts table of a section, label → plain text. */
function facts(sec: string): Record<string, string> {
  return Object.fromEntries([...sec.matchAll(/<tr><th scope="row">(.*?)<\/th><td>(.*?)<\/td><\/tr>/g)].map((m) => [text(m[1]!), text(m[2]!)]));
}

/** The opening tag of a chart in a section. */
function chartTag(sec: string, id: string): string {
  const m = new RegExp(`<svg [^>]*data-chart="${id}"[^>]*>`).exec(sec);
  if (!m) throw new Error(`no ${id} chart`);
  return m[0];
}
const points = (tag: string) => Number(/data-points="(\d+)"/.exec(tag)![1]);

describe('rca HTML page', () => {
  const t = tempDir();
  let store: Store;
  let caseStore: Store;
  let report: RcaReport;
  let html: string;
  let caseHtml: string;

  beforeAll(async () => {
    store = await openStore(join(t.dir, 'samples.duckdb'));
    const res = await ingestPaths(store, files);
    expect(res.map((r) => r.status)).toEqual(['loaded', 'loaded', 'loaded']);
    report = await buildRca(store, { charts: true });
    html = renderHtml(report);
    caseStore = await openStore(join(t.dir, 'case.duckdb'));
    await ingestPaths(caseStore, caseFiles);
    caseHtml = renderHtml(await buildRca(caseStore, { charts: true }));
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'rca.html'), html);
    writeFileSync(join(ARTIFACTS, 'rca-incidents.html'), caseHtml);
  });
  afterAll(() => {
    store?.close();
    caseStore?.close();
    t.cleanup();
  });

  it('is one self-contained page: no scripts, no external resources, a CSP that forbids fetching', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=|href="(?!#)/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('lists the hosts with their facts', () => {
    const hosts = html.split('<section class="hosts">')[1]!.split('</section>')[0]!;
    const rows = [...hosts.matchAll(/<tr class="(\w+)">(.*?)<\/tr>/g)].map((m) => [m[1], ...[...m[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => text(c[1]!))]);
    expect(rows.map((r) => [r[0], r[1], r[3], r[4], r[6]])).toEqual([
      ['sick', 'app02', 'UTC (timedatectl)', '2026-03-12T16:45:00Z', '1'],
      ['ok', 'db01', 'Europe/Berlin (timedatectl)', '2026-03-12T10:00:00Z', '0'],
      ['sick', 'web01', 'America/Chicago (timedatectl)', '2026-03-12T19:20:02Z', '1'],
    ]);
    expect(rows[2]![2]).toBe('2.6.32-754.35.1.el6.x86_64Red Hat Enterprise Linux Server release 6.10 (Santiago)');
    expect(html).toContain('No overflow found on: db01.');
  });

  it('opens with every finding ranked by estimated total, each linking to its section', () => {
    const ranked = html.split('<table class="grid ranked">')[1]!.split('</table>')[0]!;
    const rows = [...ranked.matchAll(/<tr><td class="r"><a href="#(finding-\d+)">(\d+)<\/a><\/td>(.*?)<\/tr>/g)];
    expect(rows.map((m) => [m[2], text(m[3]!.match(/<td>(.*?)<\/td>/)![1]!)])).toEqual([['1', 'app02'], ['2', 'web01']]);
    for (const m of rows) expect(html).toContain(`<section class="finding" id="${m[1]}"`);
    expect(html.indexOf('<table class="grid ranked">')).toBeLessThan(html.indexOf('<section class="finding"'));
  });

  it('states the web01 episode exactly', () => {
    const w = section(html, 'web01');
    const f = facts(w);
    const tw = truth.web01;
    expect(f['Episode start (UTC)']).toBe(tw.start);
    expect(f['Episode end (UTC)']).toBe(tw.end);
    expect(f['Duration']).toBe('7 min 45 s');
    expect(f['Logged lines']).toBe('320');
    expect(f["Suppressed by the kernel's ratelimit"]).toBe('6,572 (upper bound)');
    expect(f['Estimated total']).toBe('6,892');
    expect(f['Counter delta']).toBe('—');
    expect(f['Limit']).toBe('net.ipv4.tcp_max_tw_buckets = 65,536');
    const web01 = report.findings.find((x) => x.host === 'web01')!;
    expect(f['Peak population']).toMatch(/^41,234 \(\S+ at \S+, 63% of the limit\)$/);
    expect(f['Trigger']).toBe(web01.trigger_note);
    expect(f['Trigger']).toMatch(/^no connection-rate data for this host/);
    expect(w).toContain(`<time datetime="${tw.start}">${tw.start}</time>`);
    expect(w).toContain('<td>192.0.2.17:5432 (client): ');
    expect(w).toContain('88%');
    const rec = report.findings.find((x) => x.host === 'web01')!.recommendations;
    for (const r of rec) expect(w).toContain(`<code class="id">${r.id}</code>`);
    expect(w).toContain('sosreport-web01-2026-03-12-kqwzmab.tar.xz/var/log/messages');
  });

  it('draws three charts per finding on one shared time window', () => {
    const w = section(html, 'web01');
    for (const id of ['population', 'rates', 'events']) {
      const tag = chartTag(w, id);
      expect(tag).toMatch(/aria-label="[^"]+"/);
      expect(w).toMatch(new RegExp(`data-chart="${id}"[^>]*><title>[^<]+</title>`));
    }
    // population: sockstat, slab and socket-list samples at 19:20:02 (inside the episode + 30 min)
    expect(points(chartTag(w, 'population'))).toBe(3);
    // events: 8 minutes with overflow lines, a logged and an estimated bar each
    expect(points(chartTag(w, 'events'))).toBe(16);
    // no connection-rate data for web01 in the samples: a framed chart that says so
    expect(points(chartTag(w, 'rates'))).toBe(0);
    expect(w.split('data-chart="rates"')[1]!.split('</svg>')[0]).toContain('No data');
    expect(w).toContain('2026-03-12 18:32 → 2026-03-12 19:39 UTC');
    // the x ticks are the same in all three charts
    const ticks = ['population', 'rates', 'events'].map((id) => [...w.split(`data-chart="${id}"`)[1]!.split('</svg>')[0]!.matchAll(/<text class="xt" x="([\d.]+)"[^>]*>(\d\d:\d\d)</g)].map((m) => `${m[1]}@${m[2]}`));
    expect(ticks[0]!.map((x) => x.split('@')[1])).toEqual(['18:40', '18:50', '19:00', '19:10', '19:20', '19:30']);
    expect(ticks[1]).toEqual(ticks[0]);
    expect(ticks[2]).toEqual(ticks[0]);
  });

  it('charts an undated counter-only finding over the data range, with a clear no-data frame for events', () => {
    const a = section(html, 'app02');
    expect(facts(a)['When (UTC)']).toMatch(/^unknown/);
    expect(facts(a)['Counter delta']).toBe('51,877 (TcpExtTCPTimeWaitOverflow; one proc snapshot (stamped with the collection time) in sosreport-app02-2026-03-12-pxtrnoe.tar.xz/proc/net/netstat)');
    expect(points(chartTag(a, 'population'))).toBe(3);
    expect(points(chartTag(a, 'events'))).toBe(0);
    expect(a).toContain('The kernel logged nothing and TcpExtTCPTimeWaitOverflow has no dated increase');
  });

  it('charts rates and population lines when the inputs have them (case-4711)', () => {
    const l = section(caseHtml, 'legacy1');
    expect(points(chartTag(l, 'rates'))).toBeGreaterThan(10);
    expect(points(chartTag(l, 'population'))).toBeGreaterThan(10);
    expect(points(chartTag(l, 'events'))).toBe(2 * 41);
    expect(l).toContain('TcpActiveOpens per second (sar)');
    const m = section(caseHtml, 'modern7');
    expect(points(chartTag(m, 'rates'))).toBeGreaterThan(10);
    expect(m).toContain('TcpExtTCPTimeWaitOverflow increase per minute');
  });

  it('escapes hostile strings from data everywhere', async () => {
    const h = await openStore(join(t.dir, 'hostile.duckdb'));
    try {
      await runSql(h, `INSERT INTO sources (source_id, path, kind, host, sha256, bytes, rows, skipped, ingested_at)
                       VALUES (999, $p, 'sysctl', $h, 'x', 0, 0, 0, now())`, { p: `/tmp/${HOSTILE}`, h: HOSTILE });
      await runSql(h, `INSERT INTO hosts (host, kernel, release, timezone) VALUES ($h, $k, $r, $z)`, { h: HOSTILE, k: HOSTILE_ATTR, r: HOSTILE, z: HOSTILE_ATTR });
      await runSql(h, `INSERT INTO counter_samples (host, ts, ts_quality, origin, name, value, semantics, source_id)
                       VALUES ($h, TIMESTAMPTZ '2026-03-12 19:05:00+00', 'exact', $o, 'sockstat.TCP.tw', 1000, 'gauge', 999),
                              ($h, TIMESTAMPTZ '2026-03-12 19:06:00+00', 'exact', $o, 'sockstat.TCP.tw', 2000, 'gauge', 999)`, { h: HOSTILE, o: HOSTILE_ATTR });
      const hostile = await buildRca(h);
      expect(hostile.hosts.map((x) => x.host)).toEqual([HOSTILE]);
      const f: Finding = {
        host: HOSTILE, kind: 'tcp_timewait_overflow', netns: HOSTILE_ATTR, start: '2026-03-12T19:02:11Z', end: '2026-03-12T19:09:56Z',
        events: { logged: 1, suppressed: 0, estimated_total: 1, counter_delta: 5, counter: HOSTILE },
        limit: { name: HOSTILE, value: 65536, peak: 2000, peak_at: HOSTILE_ATTR, peak_metric: HOSTILE, ratio: 0.03 },
        trigger: { metric: HOSTILE, baseline: 1, peak: 2, start: HOSTILE_ATTR, lead_seconds: 3, note: HOSTILE },
        top_peers: [{ peer: HOSTILE, share: 1, sockets: 2, side: HOSTILE_ATTR, local_port: null }],
        evidence: [{ source: `/var/log/${HOSTILE}`, detail: HOSTILE_ATTR }],
        recommendations: [{ id: HOSTILE_ATTR, text: HOSTILE }], risks: [{ id: HOSTILE, text: HOSTILE_ATTR }],
        summary: `${HOSTILE} summary`,
      };
      // the finding in the host's own namespace too, so the population query finds the hostile origin
      const findings = [f, { ...f, netns: null }];
      const charts = [await gatherCharts(h, findings[0]!), await gatherCharts(h, findings[1]!)];
      const page = renderHtml({ ...hostile, generated_by: HOSTILE, findings, charts }, { title: HOSTILE_ATTR });
      expect(page).not.toContain(HOSTILE);
      expect(page).not.toContain(HOSTILE_ATTR);
      expect(page).not.toMatch(/<script|<img/i);
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
      const second = page.split('<section class="finding"')[2]!;
      expect(points(chartTag(second, 'population'))).toBe(2);
      expect(second).toContain('sockstat.TCP.tw (&quot;&gt;&lt;img src=x onerror=alert(2)&gt;)');
      writeFileSync(join(ARTIFACTS, 'rca-hostile.html'), page);
    } finally {
      h.close();
    }
  });

  describe('in headless Chromium', () => {
    let ctx: BrowserContext | undefined;
    const profile = tempDir('bundlescope-chromium-');

    beforeAll(async () => {
      if (SKIP_BROWSER) return;
      if (!existsSync(CHROMIUM)) {
        throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/ci-deps.sh to install it (or set BUNDLESCOPE_SKIP_BROWSER=1 to skip the browser check)`);
      }
      ctx = await chromium.launchPersistentContext(profile.dir, {
        executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1200, height: 900 },
      });
    });
    afterAll(async () => {
      await ctx?.close();
      profile.cleanup();
    });

    async function open(file: string) {
      const page = await ctx!.newPage();
      const problems: string[] = [];
      const url = pathToFileURL(join(ARTIFACTS, file)).href;
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
      page.on('request', (r) => { if (r.url() !== url) problems.push(`request: ${r.url()}`); });
      await page.goto(url, { waitUntil: 'load' });
      return { page, problems };
    }

    it.skipIf(SKIP_BROWSER)('renders the samples page with no errors, every chart drawn, and a screenshot', async () => {
      const { page, problems } = await open('rca.html');
      const charts = await page.$$eval('svg[data-chart]', (els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        return { chart: e.getAttribute('data-chart'), host: e.closest('section')!.getAttribute('data-host'), w: r.width, h: r.height,
          plotted: e.querySelectorAll('.series > *').length, title: e.querySelector('title')?.textContent ?? '', aria: e.getAttribute('aria-label') };
      }));
      expect(charts.map((c) => `${c.host}/${c.chart}`)).toEqual([
        'app02/population', 'app02/rates', 'app02/events', 'web01/population', 'web01/rates', 'web01/events']);
      for (const c of charts) {
        expect(c.w).toBeGreaterThan(600);
        expect(c.h).toBeGreaterThan(100);
        expect(c.title.length).toBeGreaterThan(10);
        expect(c.aria).toBeTruthy();
      }
      const web = Object.fromEntries(charts.filter((c) => c.host === 'web01').map((c) => [c.chart, c.plotted]));
      expect(web.population).toBeGreaterThan(0);
      expect(web.events).toBeGreaterThan(0);
      expect(web.rates).toBe(0);
      // the shared time axis: the plot frames line up
      const frames = await page.$$eval('section[data-host="web01"] svg[data-chart] rect.plot', (els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.width)];
      }));
      expect(new Set(frames.map((f) => f.join())).size).toBe(1);
      expect(await page.locator('section[data-host="web01"] table.facts').innerText()).toContain('2026-03-12T19:02:11Z');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'rca.png'), fullPage: true });
      expect(problems).toEqual([]);
    });

    it.skipIf(SKIP_BROWSER)('renders the case-4711 page with rate and population lines', async () => {
      const { page, problems } = await open('rca-incidents.html');
      const n = await page.$$eval('section[data-host="legacy1"] svg[data-chart="rates"] .series path', (els) => els.length);
      expect(n).toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, 'rca-incidents.png'), fullPage: true });
      expect(problems).toEqual([]);
    });

    it.skipIf(SKIP_BROWSER)('runs nothing from hostile strings', async () => {
      const { page, problems } = await open('rca-hostile.html');
      expect(await page.$$eval('script, img, iframe', (els) => els.length)).toBe(0);
      expect(await page.title()).toBe(HOSTILE_ATTR);
      const body = await page.locator('body').innerText();
      expect(body).toContain(HOSTILE);
      expect(body).toContain(HOSTILE_ATTR);
      expect(problems).toEqual([]);
    });
  });
});
