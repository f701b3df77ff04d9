/**
 * Small hand-written SVG time-series charts for the HTML root-cause page. Every chart of one
 * finding is drawn on the same time window with the same plot geometry, so the x axes line up.
 * All text that may come from data is escaped here; callers pass plain strings.
 */

/** Escape text for HTML/SVG content and double- or single-quoted attribute values. */
export function esc(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Time window in epoch milliseconds. */
export interface Window {
  t0: number;
  t1: number;
}

export interface LineSeries {
  label: string;
  /** [epoch ms, value] or [interval end, value, interval start] for rates; any order. */
  points: Pt[];
  /** Draw each value as a level over its interval (rates measured between snapshots). */
  step?: boolean;
}

export type Pt = [number, number] | [number, number, number | null];

export interface BarSeries {
  label: string;
  /** A bar spans [t0, t1) with height v; title is the hover text. */
  bars: { t0: number; t1: number; v: number; title: string }[];
  /** 'wide' bars fill their span; 'narrow' bars are drawn inside it (a part of a wide bar). */
  style: 'wide' | 'narrow';
  color: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  yUnit: string;
  window: Window | null;
  lines?: LineSeries[];
  bars?: BarSeries[];
  hlines?: { y: number; label: string }[];
  bands?: { t0: number; t1: number; label: string }[];
  vlines?: { t: number; label: string }[];
  noData: string;
}

export const CHART = { width: 960, height: 230, left: 74, right: 28, top: 40, bottom: 40 };
const PLOT_W = CHART.width - CHART.left - CHART.right;
const PLOT_H = CHART.height - CHART.top - CHART.bottom;
const PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#4b5563'];

const pad2 = (n: number) => String(n).padStart(2, '0');
export const utcDate = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
};
export const utcHm = (t: number) => {
  const d = new Date(t);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
};
export const utcHms = (t: number) => `${utcHm(t)}:${pad2(new Date(t).getUTCSeconds())}`;

/** Numbers as people read them: 65,536; 2,150.4; 0.055. */
export function fmtNum(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(v) ? 0 : digits });
}

/** Axis labels: 40k, 1.5M, 0.5. */
function fmtTick(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

const MIN = 60_000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MIN);

/** Tick instants for a time window: round UTC minutes / hours / days, at most about 9. */
export function timeTicks(w: Window): { step: number; ticks: number[] } {
  const span = w.t1 - w.t0;
  const step = TIME_STEPS.find((s) => span / s <= 9) ?? Math.ceil(span / 9 / (1440 * MIN)) * 1440 * MIN;
  const ticks: number[] = [];
  for (let t = Math.ceil(w.t0 / step) * step; t <= w.t1; t += step) ticks.push(t);
  return { step, ticks };
}

const f1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** Keep at most first/min/max/last per pixel column, so long series stay small and keep their peaks. */
function thin(points: Pt[], x: (t: number) => number): Pt[] {
  if (points.length <= PLOT_W * 2) return points;
  const out: Pt[] = [];
  let col = NaN;
  let bucket: Pt[] = [];
  const flush = () => {
    if (bucket.length === 0) return;
    let lo = bucket[0]!;
    let hi = bucket[0]!;
    for (const p of bucket) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    const keep = new Set([bucket[0]!, lo, hi, bucket[bucket.length - 1]!]);
    out.push(...[...keep].sort((a, b) => a[0] - b[0]));
    bucket = [];
  };
  for (const p of points) {
    const c = Math.floor(x(p[0]));
    if (c !== col) {
      flush();
      col = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}

/** One chart: frame, shared UTC time axis, y axis, episode band, series or a "no data" text. */
export function renderChart(spec: ChartSpec): string {
  const { width: W, height: H, left: L, top: T } = CHART;
  const w = spec.window;
  const x = (t: number) => (w ? L + ((t - w.t0) / (w.t1 - w.t0 || 1)) * PLOT_W : L);
  const inWin = (t: number) => !!w && t >= w.t0 && t <= w.t1;

  const lines = (spec.lines ?? [])
    .map((s) => ({ ...s, points: s.points.filter((p) => inWin(p[0]) && Number.isFinite(p[1])).sort((a, b) => a[0] - b[0]) }))
    .filter((s) => s.points.length > 0);
  const bars = (spec.bars ?? [])
    .map((s) => ({ ...s, bars: s.bars.filter((b) => w && b.t1 > w.t0 && b.t0 < w.t1 && Number.isFinite(b.v)) }))
    .filter((s) => s.bars.length > 0);
  const hasData = lines.length > 0 || bars.length > 0;

  // y scale from 0 to a round number above the data and any horizontal reference line
  const hl = hasData ? (spec.hlines ?? []).filter((h) => Number.isFinite(h.y)) : [];
  const yData = Math.max(0, ...lines.flatMap((s) => s.points.map((p) => p[1])), ...bars.flatMap((s) => s.bars.map((b) => b.v)), ...hl.map((h) => h.y));
  const yStep = niceStep((yData * 1.06) / 5 || 0.2);
  const yMax = Math.max(yStep, Math.ceil((yData * 1.06) / yStep) * yStep);
  const y = (v: number) => T + PLOT_H - (v / yMax) * PLOT_H;

  const out: string[] = [];
  let plotted = 0;
  const legend: { label: string; color: string; dash?: boolean; kind: 'line' | 'bar' }[] = [];

  // frame, bands and grid
  out.push(`<rect class="plot" x="${L}" y="${T}" width="${PLOT_W}" height="${PLOT_H}"/>`);
  for (const b of spec.bands ?? []) {
    if (!w || b.t1 < w.t0 || b.t0 > w.t1) continue;
    const x0 = x(Math.max(b.t0, w.t0));
    const x1 = x(Math.min(b.t1, w.t1));
    out.push(`<rect class="band" x="${f1(x0)}" y="${T}" width="${f1(Math.max(1.5, x1 - x0))}" height="${PLOT_H}"><title>${esc(b.label)}</title></rect>`);
    out.push(`<text class="band-label" x="${f1(x0 + 3)}" y="${T + 11}">${esc(b.label)}</text>`);
  }
  if (w) {
    const { step, ticks } = timeTicks(w);
    let lastDate = '';
    ticks.forEach((t, i) => {
      const tx = f1(x(t));
      out.push(`<line class="grid" x1="${tx}" x2="${tx}" y1="${T}" y2="${T + PLOT_H}"/>`);
      out.push(`<line class="tick" x1="${tx}" x2="${tx}" y1="${T + PLOT_H}" y2="${T + PLOT_H + 4}"/>`);
      const date = utcDate(t);
      const label = step >= 1440 * MIN ? date.slice(5) : utcHm(t);
      out.push(`<text class="xt" x="${tx}" y="${T + PLOT_H + 16}">${label}</text>`);
      if (step < 1440 * MIN && (i === 0 || date !== lastDate)) out.push(`<text class="xd" x="${tx}" y="${T + PLOT_H + 29}">${date}</text>`);
      lastDate = date;
    });
    if (ticks.length === 0) out.push(`<text class="xd" x="${L}" y="${T + PLOT_H + 29}">${utcDate(w.t0)} ${utcHm(w.t0)}</text>`);
  }
  out.push(`<text class="xt axis-unit" x="${L + PLOT_W}" y="${T + PLOT_H + 29}" text-anchor="end">UTC</text>`);
  if (hasData) {
    for (let v = 0; v <= yMax + yStep / 1000; v += yStep) {
      const ty = f1(y(v));
      if (v > 0) out.push(`<line class="grid" x1="${L}" x2="${L + PLOT_W}" y1="${ty}" y2="${ty}"/>`);
      out.push(`<text class="yt" x="${L - 7}" y="${ty}" dy="0.32em">${fmtTick(v)}</text>`);
    }
  }
  out.push(`<text class="yunit" transform="translate(14 ${T + PLOT_H / 2}) rotate(-90)">${esc(spec.yUnit)}</text>`);

  if (!hasData) {
    out.push(`<text class="nodata" x="${L + PLOT_W / 2}" y="${T + PLOT_H / 2 - 4}">No data</text>`);
    out.push(`<text class="nodata-why" x="${L + PLOT_W / 2}" y="${T + PLOT_H / 2 + 16}">${esc(spec.noData)}</text>`);
  } else {
    // bars (wide first so narrow ones sit on top)
    for (const s of [...bars].sort((a, b) => (a.style === b.style ? 0 : a.style === 'wide' ? -1 : 1))) {
      const g: string[] = [];
      for (const b of s.bars) {
        const x0 = x(Math.max(b.t0, w!.t0));
        const x1 = x(Math.min(b.t1, w!.t1));
        let bw = Math.max(1.5, x1 - x0 - (x1 - x0 > 4 ? 1 : 0));
        let bx = x0;
        if (s.style === 'narrow') {
          const nw = Math.max(1.5, bw * 0.5);
          bx = x0 + (bw - nw) / 2;
          bw = nw;
        }
        const by = y(b.v);
        g.push(`<rect x="${f1(bx)}" y="${f1(by)}" width="${f1(bw)}" height="${f1(Math.max(b.v > 0 ? 1 : 0, T + PLOT_H - by))}" fill="${s.color}"><title>${esc(b.title)}</title></rect>`);
        plotted++;
      }
      out.push(`<g class="series bars" data-series="${esc(s.label)}">${g.join('')}</g>`);
      legend.push({ label: s.label, color: s.color, kind: 'bar' });
    }
    // lines with a marker per point (markers only while they stay readable)
    lines.forEach((s, i) => {
      const color = PALETTE[i % PALETTE.length]!;
      const pts = thin(s.points, x);
      const dts = pts.slice(1).map((p, k) => p[0] - pts[k]![0]).sort((a, b) => a - b);
      const typical = dts.length ? dts[Math.floor(dts.length / 2)]! : 0;
      let d = '';
      pts.forEach((p, k) => {
        const prev = k > 0 ? pts[k - 1]![0] : null;
        const gap = prev == null || (typical > 0 && p[0] - prev > typical * 5);
        if (s.step) {
          // the value held over [interval start, interval end]: the snapshot before, else one typical interval
          const from = Math.max(w!.t0, p[2] ?? (gap ? p[0] - typical : prev!));
          const joined = !gap && prev != null && Math.abs(from - prev) < 1000;
          d += `${joined ? 'L' : 'M'}${f1(x(from))} ${f1(y(p[1]))}L${f1(x(p[0]))} ${f1(y(p[1]))}`;
        } else {
          d += `${gap ? 'M' : 'L'}${f1(x(p[0]))} ${f1(y(p[1]))}`;
        }
      });
      const g: string[] = [];
      if (pts.length > 1 || s.step) g.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round"/>`);
      const markers = pts.length <= 150;
      // sparse samples get big markers, earlier series bigger, so samples at the same spot show as rings
      const r = pts.length <= 3 ? 4 + (lines.length - 1 - i) * 1.8 : 2.6;
      for (const p of pts) {
        if (markers || pts.length === 1) {
          g.push(`<circle cx="${f1(x(p[0]))}" cy="${f1(y(p[1]))}" r="${r}" fill="${color}" stroke="#fff" stroke-width="0.8"><title>${esc(`${utcDate(p[0])} ${utcHms(p[0])} UTC — ${s.label}: ${fmtNum(p[1])}`)}</title></circle>`);
        }
        plotted++;
      }
      out.push(`<g class="series line" data-series="${esc(s.label)}" data-count="${pts.length}">${g.join('')}</g>`);
      legend.push({ label: s.label, color, kind: 'line' });
    });
    for (const h of hl) {
      const hy = f1(y(h.y));
      out.push(`<line class="limit" x1="${L}" x2="${L + PLOT_W}" y1="${hy}" y2="${hy}"><title>${esc(h.label)}</title></line>`);
      out.push(`<text class="limit-label" x="${L + PLOT_W - 4}" y="${hy}" dy="-0.4em">${esc(h.label)}</text>`);
    }
  }
  for (const v of spec.vlines ?? []) {
    if (!inWin(v.t)) continue;
    const vx = f1(x(v.t));
    out.push(`<line class="marker" x1="${vx}" x2="${vx}" y1="${T}" y2="${T + PLOT_H}"><title>${esc(v.label)}</title></line>`);
    out.push(`<text class="marker-label" x="${vx}" y="${T - 3}">${esc(v.label)}</text>`);
  }

  // legend along the top
  let lx = L;
  for (const item of legend) {
    const swatch = item.kind === 'bar'
      ? `<rect x="${lx}" y="12" width="12" height="10" fill="${item.color}"/>`
      : `<line x1="${lx}" x2="${lx + 14}" y1="17" y2="17" stroke="${item.color}" stroke-width="2.5"/><circle cx="${lx + 7}" cy="17" r="2.8" fill="${item.color}"/>`;
    out.push(`<g class="legend">${swatch}<text x="${lx + 19}" y="21">${esc(item.label)}</text></g>`);
    lx += 19 + Math.min(360, item.label.length * 6.6) + 18;
  }
  if (hl.length) {
    out.push(`<g class="legend"><line x1="${lx}" x2="${lx + 14}" y1="17" y2="17" class="limit"/><text x="${lx + 19}" y="21">limit</text></g>`);
  }

  const aria = hasData ? `${spec.title}: ${plotted} plotted point${plotted === 1 ? '' : 's'}` : `${spec.title}: no data. ${spec.noData}`;
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(aria)}" data-chart="${esc(spec.id)}" data-points="${plotted}" preserveAspectRatio="xMidYMid meet">`
    + `<title>${esc(spec.title)}</title>${out.join('')}</svg>`;
}

/** CSS for the charts (inline in the page's one style element). */
export const CHART_CSS = `
svg.chart { display: block; width: 100%; height: auto; font: 11px system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
svg.chart .plot { fill: #fff; stroke: #cbd5e1; }
svg.chart .grid { stroke: #eef2f7; }
svg.chart .tick { stroke: #94a3b8; }
svg.chart .xt { fill: #475569; text-anchor: middle; }
svg.chart .xd { fill: #94a3b8; text-anchor: middle; font-size: 10px; }
svg.chart .yt { fill: #475569; text-anchor: end; }
svg.chart .yunit { fill: #64748b; text-anchor: middle; font-size: 11px; }
svg.chart .band { fill: #fee2e2; fill-opacity: 0.7; }
svg.chart .band-label { fill: #b91c1c; font-size: 10px; }
svg.chart .limit { stroke: #dc2626; stroke-width: 1.6; stroke-dasharray: 6 4; }
svg.chart .limit-label { fill: #b91c1c; text-anchor: end; font-weight: 600; }
svg.chart .marker { stroke: #7c3aed; stroke-width: 1.3; stroke-dasharray: 3 3; }
svg.chart .marker-label { fill: #6d28d9; text-anchor: middle; font-size: 10px; }
svg.chart .legend text { fill: #334155; }
svg.chart .nodata { fill: #64748b; text-anchor: middle; font-size: 15px; font-weight: 600; }
svg.chart .nodata-why { fill: #94a3b8; text-anchor: middle; font-size: 12px; }
`;
