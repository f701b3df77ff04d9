import type { Store } from '../store/db.js';
import type { RcaReport } from './findings.js';
import { renderMarkdown } from './render.js';

/** Placeholder-free minimal page until the charted page lands: the Markdown report, escaped, in a self-contained page. */
export async function renderHtml(_store: Store, r: RcaReport): Promise<string> {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!doctype html><html><head><meta charset="utf-8"><title>bundlescope root-cause report</title></head><body><pre>${esc(renderMarkdown(r))}</pre></body></html>\n`;
}
