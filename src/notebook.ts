/**
 * What the notebooks (notebooks/*.ipynb, Deno Jupyter kernel) import, so that their first cell is a
 * few settings: open a bundlescope database read-only, show rows as an HTML table, and draw charts
 * as the same inline SVG as the HTML report, so that they show in nbconvert's HTML, on GitHub and
 * in any Jupyter front end without a live kernel and offline.
 *
 * Everything that shows returns a `Display` (text/html, image/svg+xml for charts, text/plain), and a
 * cell shows it with `await show(d)`: the cell's own value stays undefined, so no stray
 * `Promise { <pending> }` or `undefined` is printed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from './store/db.js';
import { ingestPaths } from './ingest/ingest.js';
import { buildRca, type Finding, type RcaReport } from './rca/findings.js';
import { CHART_HEADINGS } from './rca/html.js';
import { chartSpecs, gatherCharts } from './rca/charts.js';
import { CHART, CHART_CSS, esc, fmtNum, renderChart, timeTicks, utcDate, utcHm, type Window } from './rca/svg.js';
import { runSql } from './store/sql.js';
import { KINDS } from './signatures.js';
import { InputError } from './errors.js';

const REPO_DIR = fileURLToPath(new URL('../', import.meta.url));
/** The database `npm start` writes, in the checkout this module belongs to. */
export const DEMO_DB = join(REPO_DIR, 'demo.duckdb');

/** What a notebook cell shows: a Jupyter MIME bundle (the Deno kernel reads this symbol). */
const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never;
export class Display {
  constructor(readonly bundle: Record<string, string>) {}
  [JUPYTER_DISPLAY](): Record<string, string> {
    return this.bundle;
  }
  get html(): string {
    return this.bundle['text/html'] ?? '';
  }
  toString(): string {
    return this.bundle['text/plain'] ?? '';
  }
}

interface DenoJupyter {
  jupyter?: { display(bundle: Record<string, string>, opts: { raw: boolean }): Promise<void> };
}

/**
 * Send displays as the cell's outputs (display_data). The cell then waits a moment, longer for a
 * larger output: the Deno kernel can report the cell idle before its output has gone out, and a
 * headless run (nbconvert --execute) stops listening at idle and loses it. (A Display returned as
 * the cell's value races the same way, so the notebooks call show.)
 */
export async function show(...displays: Display[]): Promise<void> {
  const jupyter = (globalThis as { Deno?: DenoJupyter }).Deno?.jupyter;
  if (!jupyter) throw new Error('show() needs the Deno Jupyter kernel (Deno.jupyter); outside a notebook, read Display.bundle');
  for (const d of displays) {
    await jupyter.display(d.bundle, { raw: true });
    const size = Object.values(d.bundle).reduce((n, v) => n + v.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.min(1500, size / 200)));
  }
}

export interface NotebookSettings {
  /**
   * The database: a path relative to the notebook's folder (the kernel's working directory) or
   * absolute, or a case folder holding bundlescope.duckdb. null/undefined: $BUNDLESCOPE_DB, whose
   * relative path is taken from the folder jupyter was started in ($PWD), else the demo database
   * of this checkout, built from samples/ as `npm start` does when it is not there yet.
   */
  db?: string | null;
  /** The host to look at (null: the host of the finding with the largest estimated total). */
  host?: string | null;
  /** Only this network namespace ('' = the host's own; null: every namespace). */
  netns?: string | null;
}

interface Resolved {
  path: string;
  said: string;
  demo: boolean;
}

/** Where the database is, and how the user named it (said back in the notebook). */
export function resolveDatabase(db: string | null | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Resolved {
  let r: Resolved;
  if (db != null && db !== '') {
    r = { path: resolve(cwd, db), said: isAbsolute(db) ? `DB = "${db}"` : `DB = "${db}", relative to the notebook's folder ${cwd}`, demo: false };
  } else if (env.BUNDLESCOPE_DB) {
    const base = env.PWD && isAbsolute(env.PWD) ? env.PWD : cwd;
    const v = env.BUNDLESCOPE_DB;
    r = { path: resolve(base, v), said: isAbsolute(v) ? `BUNDLESCOPE_DB=${v}` : `BUNDLESCOPE_DB=${v}, relative to ${base} where jupyter was started`, demo: false };
  } else {
    return { path: DEMO_DB, said: 'the demo database (no DB setting and no BUNDLESCOPE_DB)', demo: true };
  }
  // a case folder stands for the database `bundlescope case DIR` writes in it
  if (existsSync(r.path) && statSync(r.path).isDirectory()) r = { ...r, path: join(r.path, 'bundlescope.duckdb') };
  return r;
}

/** The inputs of `npm start` (bundlescope demo): the sample bundles and the case-4711 folder. */
async function buildDemo(path: string): Promise<void> {
  const samples = join(REPO_DIR, 'samples');
  const list = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? list(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
  const bundles = readdirSync(samples).filter((f) => /^sosreport-.*\.tar\.(xz|gz|bz2|zst)$/.test(f)).sort().map((f) => join(samples, f));
  const caseDir = join(samples, 'incidents', 'case-4711');
  const caseFiles = existsSync(caseDir) ? list(caseDir).filter((f) => !/truth\.json$|README/.test(f)) : [];
  const store = await openStore(path);
  try {
    await ingestPaths(store, [...bundles, ...caseFiles]);
  } finally {
    store.close();
  }
}

/** Open a notebook's database read-only and pick its host; throws InputError naming the path when there is none. */
export async function openNotebook(settings: NotebookSettings = {}): Promise<Notebook> {
  const where = resolveDatabase(settings.db);
  let built = false;
  if (!existsSync(where.path)) {
    if (!where.demo) {
      throw new InputError('no-database', `no bundlescope database at ${where.path} (${where.said}); run \`npm start\` or \`bundlescope case DIR\` first`, where.path);
    }
    await buildDemo(where.path);
    built = true;
  }
  // (a notebook's own cells may read log_timeline: the copies still due are matched first, once;
  // only a failure to do so is said, as a cell's warning)
  const store = await openStore(where.path, { readOnly: true, copies: true, say: (line) => { if (line.startsWith('warning')) console.warn(line); } });
  try {
    const tables = (await runSql(store, `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name IN ('hosts', 'sources')`)).rows[0];
    if (Number(tables?.n) < 2) throw new InputError('no-database', `${where.path} is a DuckDB file but not a bundlescope database (no hosts and sources tables); run \`npm start\` or \`bundlescope case DIR\` first`, where.path);
    const report = await buildRca(store);
    const hosts = [...new Set([...report.hosts.map((h) => h.host), ...report.findings.map((f) => f.host)])].sort();
    const byTotal = [...report.findings].sort((a, b) => (b.events.estimated_total ?? 0) - (a.events.estimated_total ?? 0));
    const host = settings.host ?? byTotal[0]?.host ?? hosts[0] ?? null;
    if (host != null && !hosts.includes(host)) throw new InputError('usage', `no host '${host}' in ${where.path}; hosts: ${hosts.join(', ') || '(none)'}`);
    const namespaces = host == null ? [] : (await runSql(store, `SELECT DISTINCT coalesce(netns, '') AS netns FROM sources WHERE host = $host ORDER BY 1`, { host })).rows.map((r) => String(r.netns));
    const netns = settings.netns ?? null;
    if (netns != null && !namespaces.includes(netns)) {
      throw new InputError('usage', `no network namespace '${netns}' on ${host}; namespaces: ${namespaces.map((n) => (n === '' ? "'' (the host's own)" : n)).join(', ')}`);
    }
    return new Notebook(store, where.path, where.said, built, report, host, netns);
  } catch (e) {
    store.close();
    throw e;
  }
}

type Row = Record<string, unknown>;

const cell = (v: unknown): string => (v == null ? '' : typeof v === 'number' ? fmtNum(v) : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) : String(v));

/** Rows as an HTML table (text/html) and tab-separated text (text/plain). */
export function table(rows: Row[], caption?: string): Display {
  const cap = caption ? `<p><b>${esc(caption)}</b></p>` : '';
  if (rows.length === 0) return new Display({ 'text/html': `${cap}<p><i>no rows</i></p>`, 'text/plain': `${caption ? caption + '\n' : ''}no rows` });
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const html = `${cap}<table class="bundlescope"><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>`
    + rows.map((r) => `<tr>${cols.map((c) => `<td>${esc(cell(r[c]))}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
  const text = [cols.join('\t'), ...rows.map((r) => cols.map((c) => cell(r[c])).join('\t'))].join('\n');
  return new Display({ 'text/html': html, 'text/plain': `${caption ? caption + '\n' : ''}${text}` });
}

/** Markdown text (shown as such; text/plain is the same text). */
export const markdown = (text: string): Display => new Display({ 'text/markdown': text, 'text/plain': text });

/** Extra CSS for chart groups in a notebook output (the page CSS of the report is not there). */
const NOTEBOOK_CSS = `${CHART_CSS}
.bundlescope-charts { max-width: 980px; }
.bundlescope-charts h4 { margin: 14px 0 2px; font: 600 14px system-ui, sans-serif; }
.bundlescope-charts figure { margin: 0 0 4px; }
.bundlescope-charts figcaption { font: 600 12px system-ui, sans-serif; color: #334155; }
.bundlescope-charts .muted { color: #64748b; font-weight: normal; }
`;

/** One titled group of charts, as one SVG image: the same charts stacked, with their headings. */
function stackedSvg(groups: { heading: string; charts: string[] }[], width = CHART.width): string {
  const parts: string[] = [];
  let y = 0;
  for (const g of groups) {
    parts.push(`<text class="group" x="4" y="${y + 18}">${esc(g.heading)}</text>`);
    y += 26;
    for (const svg of g.charts) {
      const h = Number(/viewBox="0 0 \d+ (\d+)"/.exec(svg)?.[1] ?? CHART.height);
      parts.push(svg.replace('<svg class="chart"', `<svg class="chart" x="0" y="${y}" width="${width}" height="${h}"`));
      y += h + 6;
    }
  }
  return `<svg class="charts" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${y}" width="${width}" height="${y}">`
    + `<style>${CHART_CSS} svg.charts svg.chart { display: inline; width: auto; height: auto; } svg.charts .group { font: 600 14px system-ui, sans-serif; fill: #0f172a; }</style>`
    + `<rect width="${width}" height="${y}" fill="#fff"/>${parts.join('')}</svg>`;
}

/** Groups of SVG charts as one display: HTML figures, the same as one SVG image, and a text summary. */
function chartDisplay(groups: { heading: string; sub?: string; key: string; charts: { id: string; svg: string }[] }[], plain: string): Display {
  const html = `<div class="bundlescope-charts"><style>${NOTEBOOK_CSS}</style>`
    + groups.map((g) => `<section data-finding="${esc(g.key)}"><h4>${esc(g.heading)}${g.sub ? ` <span class="muted">${esc(g.sub)}</span>` : ''}</h4>`
      + `${g.charts.map((c) => `<figure>${CHART_HEADINGS[c.id] ? `<figcaption>${esc(CHART_HEADINGS[c.id])}</figcaption>` : ''}${c.svg}</figure>`).join('')}</section>`).join('')
    + '</div>';
  const svg = stackedSvg(groups.map((g) => ({ heading: g.sub ? `${g.heading} (${g.sub})` : g.heading, charts: g.charts.map((c) => c.svg) })));
  return new Display({ 'text/html': html, 'image/svg+xml': svg, 'text/plain': plain });
}

const findingName = (f: Finding) => `${f.host}${f.netns ? ` netns ${f.netns}` : ''}: ${KINDS[f.kind].title} (${f.kind})`;
const findingWhen = (f: Finding) => (f.start
  ? `${f.start} → ${f.end ?? f.start}, dated by ${f.dated_by === 'counter' ? 'counter snapshots' : f.dated_by === 'log+counter' ? 'log lines and counter snapshots' : 'log lines'}`
  : f.events.logged > 0 ? 'time unknown: the logged lines carry no usable time' : 'time unknown: counted since boot, the kernel logged nothing');

/** A rgb colour per overflow kind, stable across charts. */
const KIND_COLORS = ['#dc2626', '#2563eb', '#d97706', '#7c3aed', '#059669', '#db2777'];
const kindColor = (kind: string) => KIND_COLORS[Math.max(0, Object.keys(KINDS).indexOf(kind)) % KIND_COLORS.length]!;

/** One open database, the rca report of it, and the host (and namespace) the notebook looks at. */
export class Notebook {
  constructor(
    readonly store: Store,
    /** The absolute path of the database. */
    readonly path: string,
    /** How the user named it. */
    readonly said: string,
    /** True when this run built the demo database from samples/. */
    readonly built: boolean,
    /** The rca report of every host. */
    readonly report: RcaReport,
    /** The host the notebook looks at (null: the database has no host). */
    readonly host: string | null,
    /** The namespace setting (null: every namespace). */
    readonly netns: string | null,
  ) {}

  /** Which database is open, from which setting, and what it holds. */
  opened(): Display {
    const hosts = this.report.hosts.map((h) => h.host);
    const text = `Opened ${this.path} (${this.said})${this.built ? ', built just now from samples/ as `npm start` does' : ''}: `
      + `${hosts.length} host${hosts.length === 1 ? '' : 's'} (${hosts.join(', ')}), ${this.report.findings.length} finding${this.report.findings.length === 1 ? '' : 's'}. `
      + `Looking at host ${this.host ?? '(none)'}${this.netns == null ? ', every network namespace' : this.netns === '' ? ", its own network namespace only" : `, network namespace ${this.netns} only`}.`;
    return new Display({ 'text/markdown': text.replace(/^Opened (\S+)/, 'Opened `$1`'), 'text/plain': text });
  }

  /** Rows of a SQL query with bound $parameters. */
  async q(sql: string, params?: Record<string, unknown>): Promise<Row[]> {
    return (await runSql(this.store, sql, params)).rows;
  }

  /** The findings of the notebook's host (every namespace unless a netns was set). */
  findings(): Finding[] {
    return this.report.findings.filter((f) => f.host === this.host && (this.netns == null || (f.netns ?? '') === this.netns));
  }

  /**
   * Every given finding on its own time axis: population vs limit, connection rates, overflow
   * events per minute (logged lines, or the kernel counter's increases for a counter-only finding),
   * drawn exactly as in the HTML report.
   */
  async charts(findings: Finding[] = this.findings(), marginMinutes = 30): Promise<Display> {
    if (findings.length === 0) return markdown(`_No finding on ${this.host ?? 'any host'}${this.netns != null ? ` in namespace '${this.netns}'` : ''}: nothing to chart._`);
    const groups = [];
    const plain: string[] = [];
    for (const f of findings) {
      const data = await gatherCharts(this.store, f, marginMinutes);
      const { window, undated } = data;
      const specs = chartSpecs(f, data);
      const range = window ? `${utcDate(window.t0)} ${utcHm(window.t0)} → ${utcDate(window.t1)} ${utcHm(window.t1)} UTC` : 'no dated data';
      groups.push({ heading: findingName(f), key: `${f.host}/${f.netns ?? ''}/${f.kind}/${f.start ?? ''}`, sub: `${findingWhen(f)}; charts ${range}${undated ? ', all data of the host' : ''}`, charts: specs.map((s) => ({ id: s.id, svg: renderChart(s) })) });
      plain.push(`${findingName(f)}: ${specs.map((s) => `${s.id} ${(renderChart(s).match(/data-points="(\d+)"/) ?? [])[1]} points`).join(', ')}`);
    }
    return chartDisplay(groups, plain.join('\n'));
  }

  /** Peak population over its limit for every host, namespace and kind, as horizontal bars. */
  async limitsChart(): Promise<{ rows: Row[]; display: Display }> {
    const rows = await this.q(`
      WITH peak AS (SELECT host, coalesce(netns, '') AS netns, kind, max(value) AS peak, arg_max(ts, value)::VARCHAR AS at
                    FROM population_samples GROUP BY ALL)
      SELECT p.host, p.netns, p.kind, p.peak, l.limit_value, p.peak / l.limit_value AS ratio, p.at
      FROM peak p JOIN overflow_limits l ON l.host = p.host AND coalesce(l.netns, '') = p.netns AND l.kind = p.kind
      WHERE l.limit_value > 0 ORDER BY ratio DESC, host, netns, kind`);
    const label = (r: Row) => `${r.host}${r.netns ? ` netns ${r.netns}` : ''} · ${r.kind}`;
    const rowH = 24;
    const L = 300;
    const R = 60;
    const top = 34;
    const W = CHART.width;
    const H = top + rowH * Math.max(1, rows.length) + 34;
    const xMax = Math.max(1.05, ...rows.map((r) => Number(r.ratio) * 1.05));
    const x = (v: number) => L + (v / xMax) * (W - L - R);
    const o: string[] = [`<rect class="plot" x="${L}" y="${top}" width="${W - L - R}" height="${H - top - 34}"/>`];
    for (let v = 0; v <= xMax + 1e-9; v += 0.25) {
      o.push(`<line class="grid" x1="${x(v)}" x2="${x(v)}" y1="${top}" y2="${H - 34}"/><text class="xt" x="${x(v)}" y="${H - 20}">${Math.round(v * 100)}%</text>`);
    }
    const bars = rows.map((r, i) => {
      const y = top + i * rowH;
      const v = Number(r.ratio);
      const tip = `${label(r)}: peak ${fmtNum(Number(r.peak))} at ${r.at} UTC, limit ${fmtNum(Number(r.limit_value))} (${Math.round(v * 100)}%)${v > 1 ? '; above 100%: the population counts more than the limit does (slab objects include free slack)' : ''}`;
      o.push(`<text class="yt" x="${L - 8}" y="${y + rowH / 2}" dy="0.32em">${esc(label(r))}</text>`);
      o.push(`<text class="xt" x="${Math.min(W - R + 30, x(v) + 24)}" y="${y + rowH / 2}" dy="0.32em">${Math.round(v * 100)}%</text>`);
      return `<rect x="${L}" y="${y + 4}" width="${Math.max(1, x(v) - L).toFixed(1)}" height="${rowH - 8}" fill="${kindColor(String(r.kind))}"><title>${esc(tip)}</title></rect>`;
    });
    o.push(`<g class="series bars" data-series="peak / limit">${bars.join('')}</g>`);
    o.push(`<line class="limit" x1="${x(1)}" x2="${x(1)}" y1="${top - 6}" y2="${H - 34}"><title>the limit</title></line><text class="limit-label" x="${x(1)}" y="${top - 10}">limit</text>`);
    if (rows.length === 0) o.push(`<text class="nodata" x="${(L + W - R) / 2}" y="${top + 16}">No population with a known limit</text>`);
    const svg = `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="peak population / limit: ${rows.length} bars" data-chart="fleet-limits" data-points="${rows.length}"><title>Peak population / limit</title>${o.join('')}</svg>`;
    const plain = rows.map((r) => `${label(r)}: ${Math.round(Number(r.ratio) * 100)}% of ${fmtNum(Number(r.limit_value))}`).join('\n') || 'no population with a known limit';
    return { rows, display: chartDisplay([{ heading: 'Peak population / limit, per host, namespace and kind', key: 'fleet-limits', charts: [{ id: 'fleet-limits', svg }] }], plain) };
  }

  /** Every dated finding of every host as a bar on one UTC time axis, a row per host and namespace. */
  episodesChart(): Display {
    const dated = this.report.findings.filter((f) => f.start);
    const undated = this.report.findings.filter((f) => !f.start);
    const rowsOf = [...new Set(this.report.findings.map((f) => `${f.host}${f.netns ? ` netns ${f.netns}` : ''}`))].sort();
    const t0s = dated.map((f) => Date.parse(f.start!));
    const t1s = dated.map((f) => Date.parse(f.end ?? f.start!));
    const pad = 30 * 60_000;
    const w: Window | null = dated.length ? { t0: Math.min(...t0s) - pad, t1: Math.max(...t1s) + pad } : null;
    const rowH = 26;
    const { left: L, right: R } = CHART;
    const top = 30;
    const W = CHART.width;
    const H = top + rowH * Math.max(1, rowsOf.length) + 44;
    const x = (t: number) => (w ? L + 90 + ((t - w.t0) / (w.t1 - w.t0)) * (W - L - 90 - R) : L + 90);
    const o: string[] = [`<rect class="plot" x="${L + 90}" y="${top}" width="${W - L - 90 - R}" height="${H - top - 44}"/>`];
    if (w) {
      for (const t of timeTicks(w).ticks) o.push(`<line class="grid" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top}" y2="${H - 44}"/><text class="xt" x="${x(t).toFixed(1)}" y="${H - 30}">${utcHm(t)}</text><text class="xd" x="${x(t).toFixed(1)}" y="${H - 17}">${utcDate(t)}</text>`);
    }
    o.push(`<text class="xt" x="${W - R}" y="${H - 4}" text-anchor="end">UTC</text>`);
    rowsOf.forEach((r, i) => o.push(`<text class="yt" x="${L + 82}" y="${top + i * rowH + rowH / 2}" dy="0.32em">${esc(r)}</text>`));
    const bars = dated.map((f) => {
      const i = rowsOf.indexOf(`${f.host}${f.netns ? ` netns ${f.netns}` : ''}`);
      const a = x(Date.parse(f.start!));
      const b = x(Date.parse(f.end ?? f.start!));
      return `<rect x="${(a - 1.5).toFixed(1)}" y="${top + i * rowH + 4}" width="${Math.max(3, b - a).toFixed(1)}" height="${rowH - 8}" fill="${kindColor(f.kind)}"><title>${esc(`${findingName(f)}: ${findingWhen(f)}; estimated total ${fmtNum(f.events.estimated_total)}`)}</title></rect>`;
    });
    o.push(`<g class="series bars" data-series="episodes">${bars.join('')}</g>`);
    const kinds = [...new Set(this.report.findings.map((f) => f.kind))];
    let lx = L + 90;
    for (const k of kinds) {
      o.push(`<g class="legend"><rect x="${lx}" y="10" width="12" height="10" fill="${kindColor(k)}"/><text x="${lx + 17}" y="19">${esc(k)}</text></g>`);
      lx += 30 + k.length * 6.6;
    }
    if (!w) o.push(`<text class="nodata" x="${W / 2}" y="${top + 16}">No dated overflow episode</text>`);
    const svg = `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="overflow episodes: ${dated.length} bars" data-chart="fleet-episodes" data-points="${dated.length}"><title>Overflow episodes (UTC)</title>${o.join('')}</svg>`;
    const note = undated.length ? `not on the time axis (time unknown): ${undated.map(findingName).join('; ')}` : '';
    const plain = [...dated.map((f) => `${findingName(f)}: ${findingWhen(f)}`), note].filter(Boolean).join('\n');
    return chartDisplay([{ heading: 'Overflow episodes per host and namespace (UTC)', key: 'fleet-episodes', sub: note || undefined, charts: [{ id: 'fleet-episodes', svg }] }], plain);
  }

  close(): void {
    this.store.close();
  }
}

