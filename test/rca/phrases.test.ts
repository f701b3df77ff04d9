import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { buildRca, type RcaReport } from '../../src/rca/findings.js';
import { renderHtml } from '../../src/rca/html.js';
import { renderJson, renderMarkdown } from '../../src/rca/render.js';
import { mdUnescape } from '../../src/report/safe.js';
import { writeNetnsIncidents } from '../../src/samples/netns-incidents.js';
import { SAMPLES, tempDir } from '../helpers.js';

const truth = JSON.parse(readFileSync(join(SAMPLES, 'truth.json'), 'utf8'));
const CASE = join(SAMPLES, 'incidents', 'case-4711');

/** What a reader of the HTML sees: tags dropped, entities decoded. */
const htmlText = (h: string) => h.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/**
 * Issue 18 point 3: one wording of each fact. Four databases of different shapes — the three
 * sample bundles (logged episodes, a counter-only overflow, a healthy host), case-4711 (rates,
 * spikes, slab and socket lists from side files), and the two namespace incidents (a TIME_WAIT
 * overflow in netns web, a listen flood with its listener and clients).
 */
describe('the JSON, Markdown and HTML of a finding say each fact in the same words', () => {
  const t = tempDir();
  const reports: Record<string, { rca: RcaReport; md: string; html: string; json: RcaReport }> = {};

  async function load(name: string, groups: { paths: string[]; netns?: string }[]): Promise<void> {
    const s: Store = await openStore(join(t.dir, `${name}.duckdb`));
    try {
      for (const g of groups) {
        const res = await ingestPaths(s, g.paths, g.netns ? { netns: g.netns } : {});
        expect(res.filter((r) => r.status === 'failed').map((r) => r.path), name).toEqual([]);
      }
      const rca = await buildRca(s, { charts: true });
      reports[name] = { rca, md: renderMarkdown(rca), html: renderHtml(rca), json: JSON.parse(renderJson(rca)) as RcaReport };
    } finally {
      s.close();
    }
  }

  beforeAll(async () => {
    await load('samples', [{ paths: ['web01', 'app02', 'db01'].map((k) => join(SAMPLES, truth[k].file)) }]);
    await load('case-4711', [{ paths: [
      'sosreport-legacy1-2026-02-10-lgcyabc.tar.xz', 'sosreport-modern7-2026-02-10-mdrnxyz.tar.xz', 'central/messages-20260211.gz',
      'legacy1/slab.log', 'legacy1/sar10.txt', 'modern7/journal.json', 'modern7/nstat.log', 'modern7/ss.log',
    ].map((f) => join(CASE, f)) }]);
    const w = await writeNetnsIncidents(join(t.dir, 'netns'));
    const f = w.files;
    await load('netns-tw', [{ paths: [f.twBundle] }, { paths: [f.twNetstat, f.twSockstat, f.twSs], netns: 'web' }]);
    await load('netns-listen', [{ paths: [f.lqBundle] }, { paths: [f.lqNstat, f.lqSsL, f.lqSs], netns: 'lq' }]);
  }, 300_000);
  afterAll(() => t.cleanup());

  it('the databases hold findings of every shape the reports phrase', () => {
    const all = Object.values(reports).flatMap((r) => r.rca.findings);
    expect(Object.fromEntries(Object.entries(reports).map(([k, r]) => [k, r.rca.findings.length]))).toEqual({ samples: 2, 'case-4711': 3, 'netns-tw': 2, 'netns-listen': 1 });
    // a spike, a rate without one or no rate data, a listener, peers, a dated and an undated finding
    expect(all.some((f) => f.trigger?.spiked)).toBe(true);
    expect(all.some((f) => !f.trigger)).toBe(true);
    expect(all.some((f) => f.listener)).toBe(true);
    expect(all.some((f) => f.top_peers.length > 0)).toBe(true);
    expect(all.some((f) => f.start == null)).toBe(true);
    expect(all.some((f) => f.netns === 'web')).toBe(true);
  });

  it('every sentence of every JSON finding appears verbatim in the Markdown and in the HTML', () => {
    let checked = 0;
    for (const [name, r] of Object.entries(reports)) {
      const md = mdUnescape(r.md);
      const html = htmlText(r.html);
      for (const [i, f] of r.json.findings.entries()) {
        const s = f.sentences!;
        expect(s, `${name} #${i + 1}`).toEqual(r.rca.findings[i]!.sentences);
        const all = [s.when, s.counter, s.limit, s.peak, s.trigger, ...(s.listener ? [s.listener] : []), ...s.peers, ...s.risks, ...s.advice];
        for (const sentence of all) {
          expect(md, `${name} #${i + 1} md`).toContain(sentence);
          expect(html, `${name} #${i + 1} html`).toContain(sentence);
          checked++;
        }
        expect(md).toContain(`| Trigger | ${s.trigger} |`);
        expect(md).toContain(`| Limit | ${s.limit} |`);
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('a spike is never called missing: the HTML says what the Markdown says beside its chart', () => {
    const spiked = Object.values(reports).flatMap((r) => r.rca.findings.map((f) => ({ f, html: htmlText(r.html) }))).filter((x) => x.f.trigger?.spiked);
    expect(spiked.length).toBeGreaterThan(0);
    for (const { f, html } of spiked) {
      expect(f.sentences!.trigger).toMatch(new RegExp(`^${f.trigger!.metric} rose from [\\d,.]+/s to [\\d,.]+/s from ${f.trigger!.start}`));
      expect(html).not.toContain('not identified (no connection-rate spike');
    }
  });
});
