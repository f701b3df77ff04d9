/**
 * One input loaded in one transaction (Load). Its parts are files of their own: the table columns
 * a load appends (columns.ts), the columnar chunk writer (chunk-writer.ts), the hosts table and its
 * merge policy (hosts.ts), the stored inputs' hashes (known-inputs.ts), per-cell writes (cells.ts).
 * Their names that ingest/, formats/ and report/ import are re-exported here, so importers keep
 * importing from store/load.js.
 */
import { DuckDBTimestampTZValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { HostFacts, Issue, TimeBasis } from '../model.js';
import { characterizeSources, sourceTimeBasis, type SourceTimes } from './timebasis.js';
import { big, dbl, str, tsz } from './cells.js';
import { ChunkWriter } from './chunk-writer.js';
import type { Appendable, TableName } from './columns.js';
import { appendHosts, knownHosts, rememberHosts, upsertHostRow } from './hosts.js';
import { rememberInputs } from './known-inputs.js';

export { SOURCE_TABLES, type Appendable, type TableName } from './columns.js';
export { HOST_UPSERT, forgetKnownHosts } from './hosts.js';
export { forgetKnownInputs, knownInputs, type KnownInputs } from './known-inputs.js';

export interface SourceMeta {
  parent_id: number | null;
  host: string | null;
  kind: string;
  path: string;
  sha256: string | null;
  bytes: number | null;
  partial?: boolean;
  netns?: string | null;
  /** What the loader cannot tell from the rows about their times (sources.time_basis). */
  times?: SourceTimes;
}

export interface SourceTotals {
  rows: number;
  skipped: number;
  first_ts: number | null;
  last_ts: number | null;
}

/**
 * One input loaded in one transaction: sources, rows appended in columnar batches through
 * DuckDB appenders, issues; commit makes all of it visible at once, rollback leaves nothing.
 */
export class Load {
  private appenders = new Map<TableName, DuckDBAppender>();
  private writers = new Map<TableName, ChunkWriter>();
  private issues: { src: number | null; issue: Issue }[] = [];
  private totals = new Map<number, SourceTotals>();
  /** Sources of this load, appended with their totals at commit (a statement per source cost ~3 ms). */
  private pending = new Map<number, SourceMeta & { partial: boolean }>();
  /** Hosts new to the database in this load: appended by writeNewHosts (cached once committed). */
  private newHosts = new Map<string, { facts: HostFacts; src: number }>();
  private newHostsWritten = 0;
  private nextId = 0;
  private open = false;

  constructor(readonly conn: DuckDBConnection) {}

  async begin(): Promise<void> {
    await this.conn.run('BEGIN TRANSACTION');
    this.open = true;
    // Source ids follow the largest one stored (one writer at a time holds the database).
    const r = await this.conn.runAndReadAll('SELECT coalesce(max(source_id), 0) FROM sources');
    this.nextId = Number(r.getRows()[0]![0]) + 1;
  }

  async newSource(meta: SourceMeta): Promise<number> {
    if (!this.open) throw new Error('Load.newSource outside a transaction');
    const id = this.nextId++;
    this.pending.set(id, { ...meta, partial: meta.partial ?? false, netns: meta.netns ?? '' });
    this.totals.set(id, { rows: 0, skipped: 0, first_ts: null, last_ts: null });
    return id;
  }

  /** The sha256 of an input hashed while it was read. */
  async setSha(src: number, sha: string): Promise<void> {
    const p = this.pending.get(src);
    if (p) p.sha256 = sha;
    else await this.conn.run('UPDATE sources SET sha256 = $2 WHERE source_id = $1', [src, sha]);
  }

  /** The input turned out to be cut short or damaged while it was read. */
  async markPartial(src: number): Promise<void> {
    const p = this.pending.get(src);
    if (p) p.partial = true;
    else await this.conn.run('UPDATE sources SET partial = true WHERE source_id = $1', [src]);
  }

  private total(src: number): SourceTotals {
    let t = this.totals.get(src);
    if (!t) this.totals.set(src, (t = { rows: 0, skipped: 0, first_ts: null, last_ts: null }));
    return t;
  }

  async add<K extends TableName>(table: K, src: number, rows: Appendable[K][]): Promise<void> {
    if (rows.length === 0) return;
    this.countRows(table, src, rows);
    (await this.writer(table)).write(rows, src);
  }

  /** Counts rows of `src` into its totals (rows, first and last time) without writing them: add() writes them, a caller that stores them itself (by UPDATE) counts them here. */
  countRows<K extends TableName>(table: K, src: number, rows: readonly Appendable[K][]): void {
    const t = this.total(src);
    t.rows += rows.length;
    let first = t.first_ts;
    let last = t.last_ts;
    if (table !== 'sysctls') {
      for (let i = 0; i < rows.length; i++) {
        const ts = (rows[i] as { ts?: number | null }).ts;
        if (ts != null && Number.isFinite(ts)) {
          if (first == null || ts < first) first = ts;
          if (last == null || ts > last) last = ts;
        }
      }
    }
    t.first_ts = first;
    t.last_ts = last;
  }

  /** Rows of `src` inserted by SQL rather than through add(). */
  addTotals(src: number, rows: number, first: number | null, last: number | null): void {
    const t = this.total(src);
    t.rows += rows;
    if (first != null && (t.first_ts == null || first < t.first_ts)) t.first_ts = first;
    if (last != null && (t.last_ts == null || last > t.last_ts)) t.last_ts = last;
  }

  addIssues(src: number | null, issues: Issue[], skipped?: number): void {
    for (const issue of issues) this.issues.push({ src, issue });
    if (src != null) this.total(src).skipped += skipped ?? issues.filter((i) => i.severity === 'warning').length;
  }

  /** Rows of a source of this load deleted again (stored twice, see ingest/overlap.ts); false when `src` is not of this load. */
  dropRows(src: number, rows: number): boolean {
    if (!this.pending.has(src)) return false;
    this.total(src).rows -= rows;
    return true;
  }

  totalsOf(src: number): SourceTotals {
    return this.total(src);
  }

  private async writer(table: TableName): Promise<ChunkWriter> {
    let w = this.writers.get(table);
    if (!w) {
      const app = await this.conn.createAppender(table);
      this.appenders.set(table, app);
      this.writers.set(table, (w = new ChunkWriter(table, app)));
    }
    return w;
  }

  async upsertHost(facts: HostFacts, src: number): Promise<void> {
    const known = await knownHosts(this.conn);
    if (!known.has(facts.host) && !this.newHosts.has(facts.host)) {
      // A host not stored yet (each bundle of a fleet): a row appended at commit (or before the
      // next statement about it), as the statement below would insert it — planning that upsert
      // costs ~5 ms an input.
      this.newHosts.set(facts.host, { facts, src });
      return;
    }
    await this.writeNewHosts();
    // Another collection of the same host (HOST_UPSERT).
    await this.flushAll();
    await upsertHostRow(this.conn, facts, src);
  }

  /** Appends the new hosts not written yet (one appender for all of them). */
  private async writeNewHosts(): Promise<void> {
    if (this.newHostsWritten === this.newHosts.size) return;
    await appendHosts(this.conn, [...this.newHosts.values()].slice(this.newHostsWritten));
    this.newHostsWritten = this.newHosts.size;
  }

  /** The sources of this load that belong to bundle `parentId`, with their namespace. */
  membersOf(parentId: number): { id: number; netns: string; kind: string; path: string }[] {
    return [...this.pending].filter(([, m]) => m.parent_id === parentId).map(([id, m]) => ({ id, netns: m.netns ?? '', kind: m.kind, path: m.path }));
  }

  /**
   * The rows of these sources that were stored as the host's own namespace ('') belong to
   * namespace `netns` (a sosreport taken inside it): relabel the sources and their rows.
   */
  async relabelNetns(ids: number[], netns: string): Promise<void> {
    if (ids.length === 0) return;
    await this.flushAll();
    for (const id of ids) {
      const m = this.pending.get(id);
      if (m && (m.netns ?? '') === '') m.netns = netns;
    }
    const list = ids.map((i) => Number(i)).filter(Number.isInteger).join(', ');
    for (const table of ['counter_samples', 'sysctls', 'sockets']) {
      await this.conn.run(`UPDATE ${table} SET netns = $1 WHERE netns = '' AND source_id IN (${list})`, [netns]);
    }
  }

  /** Makes the rows appended so far (and the new hosts) visible to SQL in this transaction. */
  async flushAll(): Promise<void> {
    await this.writeNewHosts();
    for (const w of this.writers.values()) w.flush();
    for (const app of this.appenders.values()) app.flushSync();
  }

  async commit(): Promise<void> {
    await this.flushAll();
    for (const app of this.appenders.values()) app.closeSync();
    this.appenders.clear();
    this.writers.clear();
    if (this.pending.size) {
      // What the stamps of each new source rest on, from the qualities of its rows.
      const dated = [...this.pending.keys()].filter((id) => this.total(id).first_ts != null);
      const found = dated.length ? await characterizeSources(this.conn, Math.min(...dated), Math.max(...dated)) : new Map();
      // Column order of sql/schema/01_sources.sql.
      const app = await this.conn.createAppender('sources');
      const now = new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n);
      for (const [id, m] of this.pending) {
        const t = this.total(id);
        const f = found.get(id);
        const time: TimeBasis | null = f ? sourceTimeBasis(f, m.times ?? {}) : m.times?.self ?? null;
        big(app, id); big(app, m.parent_id); str(app, m.host); app.appendVarchar(m.kind); app.appendVarchar(m.path); str(app, m.sha256);
        big(app, m.bytes); big(app, t.rows); big(app, t.skipped); app.appendBoolean(m.partial); app.appendVarchar(m.netns ?? '');
        tsz(app, t.first_ts); tsz(app, t.last_ts); app.appendTimestampTZ(now);
        str(app, time?.basis); dbl(app, time?.uncertainty_s);
        app.endRow();
      }
      app.closeSync();
    }
    for (const [id, t] of this.totals) {
      if (this.pending.has(id)) continue;
      await this.conn.run(
        `UPDATE sources SET rows = $2, skipped = $3, first_ts = us_to_ts($4), last_ts = us_to_ts($5) WHERE source_id = $1`,
        [id, t.rows, t.skipped, t.first_ts, t.last_ts],
      );
    }
    if (this.issues.length) {
      const app = await this.conn.createAppender('ingest_issues');
      const now = new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n);
      for (const { src, issue } of this.issues) {
        big(app, src); app.appendVarchar(issue.file); big(app, issue.line); app.appendVarchar(issue.code);
        app.appendVarchar(issue.severity); str(app, issue.text); str(app, issue.expected); app.appendTimestampTZ(now);
        app.endRow();
      }
      app.closeSync();
    }
    await this.writeNewHosts();
    const committed = [...this.pending.values()].filter((m) => m.parent_id == null);
    this.pending.clear();
    await this.conn.run('COMMIT');
    this.open = false;
    rememberHosts(this.conn, this.newHosts.keys());
    this.newHosts.clear();
    this.newHostsWritten = 0;
    rememberInputs(this.conn, committed);
  }

  async rollback(): Promise<void> {
    for (const app of this.appenders.values()) {
      try { app.closeSync(); } catch { /* the transaction is going away anyway */ }
    }
    this.appenders.clear();
    this.writers.clear();
    this.pending.clear();
    this.newHosts.clear();
    this.newHostsWritten = 0;
    if (this.open) await this.conn.run('ROLLBACK');
    this.open = false;
  }
}
