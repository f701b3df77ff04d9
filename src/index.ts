/** bundlescope's library surface: what tests, notebooks and other tools import. */
export { openStore, type Store } from './store/db.js';
export { ingestPaths, type IngestOptions, type InputSummary } from './ingest/ingest.js';
export { buildRca, type Finding, type RcaReport } from './rca/findings.js';
export { renderJson, renderMarkdown } from './rca/render.js';
export { renderHtml } from './rca/html.js';
export { loadCatalogue, runReport, runSql } from './report/catalogue.js';
export { exportStore } from './report/export.js';
export { SIGNATURES, KINDS, classifyMessage } from './signatures.js';
export { FORMATS, detectFormat } from './formats/registry.js';
export * from './errors.js';
export type * from './model.js';
export { openNotebook, table, markdown, Display, Notebook, DEMO_DB, type NotebookSettings } from './notebook.js';
