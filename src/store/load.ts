import { DuckDBAppender, DuckDBConnection, DuckDBTimestampTZValue } from '@duckdb/node-api';
import type {
  CounterSampleRow, HostFacts, Issue, LogEventRow, SlabSampleRow, SocketRow, SysctlRow,
} from '../model.js';
import type { OverflowEventRow } from '../ingest/overflow.js';

const BATCH = 20_000;

type Appendable = {
  log_events: LogEventRow;
  overflow_events: OverflowEventRow;
  slab_samples: SlabSampleRow;
  counter_samples: CounterSampleRow;
  sysctls: SysctlRow;
  sockets: SocketRow;
};
export type TableName = keyof Appendable;

export interface SourceMeta {
  parent_id: number | null;
  host: string | null;
  kind: string;
  path: string;
  sha256: string | null;
  bytes: number | null;
  partial?: boolean;
  netns?: string | null;
}

export interface SourceTotals {
  rows: number;
  skipped: number;
  first_ts: number | null;
  last_ts: number | null;
}

const tz = (a: DuckDBAppender, us: number | null | undefined) =>
  us == null || !Number.isFinite(us) ? a.appendNull() : a.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Math.round(us))));
const str = (a: DuckDBAppender, v: string | null | undefined) => (v == null ? a.appendNull() : a.appendVarchar(v));
const int = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) ? a.appendNull() : a.appendInteger(Math.trunc(v));
const big = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) ? a.appendNull() : a.appendBigInt(BigInt(Math.trunc(v)));
const tiny = (a: DuckDBAppender, v: number | null | undefined) =>
  v == null || !Number.isFinite(v) || v < -128 || v > 127 ? a.appendNull() : a.appendTinyInt(v);

/** Column writers in table column order (must match sql/schema). */
const WRITERS: { [K in TableName]: (a: DuckDBAppender, r: Appendable[K], src: number) => void } = {
  log_events(a, r, src) {
    str(a, r.host); tz(a, r.ts); str(a, r.ts_quality); str(a, r.boot_id); big(a, r.mono_us);
    str(a, r.ident); int(a, r.pid); str(a, r.unit); tiny(a, r.priority); tiny(a, r.facility);
    str(a, r.transport); a.appendVarchar(r.message); big(a, src); big(a, r.line_no);
  },
  overflow_events(a, r, src) {
    str(a, r.host); tz(a, r.ts); str(a, r.ts_quality); a.appendVarchar(r.kind); big(a, r.count);
    a.appendBoolean(r.suppressed); str(a, r.variant); str(a, r.detail); big(a, r.mono_us); str(a, r.boot_id);
    a.appendVarchar(r.message); big(a, src); big(a, r.line_no);
  },
  slab_samples(a, r, src) {
    a.appendVarchar(r.host ?? ''); tz(a, r.ts); a.appendVarchar(r.ts_quality); a.appendVarchar(r.cache);
    big(a, r.active_objs); big(a, r.num_objs); int(a, r.objsize); int(a, r.objperslab); int(a, r.pagesperslab);
    big(a, r.active_slabs); big(a, r.num_slabs); big(a, src);
  },
  counter_samples(a, r, src) {
    a.appendVarchar(r.host ?? ''); tz(a, r.ts); a.appendVarchar(r.ts_quality); a.appendVarchar(r.origin);
    a.appendVarchar(r.name); a.appendDouble(r.value); a.appendVarchar(r.semantics); str(a, r.device);
    a.appendVarchar(r.netns ?? ''); big(a, src);
  },
  sysctls(a, r, src) {
    a.appendVarchar(r.host ?? ''); a.appendVarchar(r.name); a.appendVarchar(r.value); a.appendVarchar(r.origin);
    a.appendVarchar(r.netns ?? ''); big(a, src);
  },
  sockets(a, r, src) {
    a.appendVarchar(r.host ?? ''); tz(a, r.ts); a.appendVarchar(r.ts_quality); a.appendVarchar(r.netns ?? '');
    a.appendVarchar(r.proto); a.appendVarchar(r.state); a.appendVarchar(r.local_addr); int(a, r.local_port);
    a.appendVarchar(r.peer_addr); int(a, r.peer_port); str(a, r.process); str(a, r.timer); big(a, src);
  },
};

/**
 * One input loaded in one transaction: sources, rows appended in columnar batches through
 * DuckDB appenders, issues; commit makes all of it visible at once, rollback leaves nothing.
 */
export class Load {
  private appenders = new Map<TableName, DuckDBAppender>();
  private buffers = new Map<TableName, { rows: unknown[]; src: number[] }>();
  private issues: { src: number | null; issue: Issue }[] = [];
  private totals = new Map<number, SourceTotals>();
  private open = false;

  constructor(readonly conn: DuckDBConnection) {}

  async begin(): Promise<void> {
    await this.conn.run('BEGIN TRANSACTION');
    this.open = true;
  }

  async newSource(meta: SourceMeta): Promise<number> {
    const r = await this.conn.runAndReadAll("SELECT nextval('source_id_seq')");
    const id = Number(r.getRows()[0]![0]);
    await this.conn.run(
      `INSERT INTO sources (source_id, parent_id, host, kind, path, sha256, bytes, partial, netns, ingested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
      [id, meta.parent_id, meta.host, meta.kind, meta.path, meta.sha256, meta.bytes, meta.partial ?? false, meta.netns ?? ''],
    );
    this.totals.set(id, { rows: 0, skipped: 0, first_ts: null, last_ts: null });
    return id;
  }

  /** The input turned out to be cut short or damaged while it was read. */
  async markPartial(src: number): Promise<void> {
    await this.conn.run('UPDATE sources SET partial = true WHERE source_id = $1', [src]);
  }

  private total(src: number): SourceTotals {
    let t = this.totals.get(src);
    if (!t) this.totals.set(src, (t = { rows: 0, skipped: 0, first_ts: null, last_ts: null }));
    return t;
  }

  async add<K extends TableName>(table: K, src: number, rows: Appendable[K][]): Promise<void> {
    if (rows.length === 0) return;
    const t = this.total(src);
    t.rows += rows.length;
    for (const r of rows) {
      const ts = (r as { ts?: number | null }).ts;
      if (ts != null && Number.isFinite(ts)) {
        if (t.first_ts == null || ts < t.first_ts) t.first_ts = ts;
        if (t.last_ts == null || ts > t.last_ts) t.last_ts = ts;
      }
    }
    let buf = this.buffers.get(table);
    if (!buf) this.buffers.set(table, (buf = { rows: [], src: [] }));
    for (const r of rows) {
      buf.rows.push(r);
      buf.src.push(src);
    }
    if (buf.rows.length >= BATCH) await this.flush(table);
  }

  addIssues(src: number | null, issues: Issue[], skipped?: number): void {
    for (const issue of issues) this.issues.push({ src, issue });
    if (src != null) this.total(src).skipped += skipped ?? issues.filter((i) => i.severity === 'warning').length;
  }

  totalsOf(src: number): SourceTotals {
    return this.total(src);
  }

  private async flush(table: TableName): Promise<void> {
    const buf = this.buffers.get(table);
    if (!buf || buf.rows.length === 0) return;
    let app = this.appenders.get(table);
    if (!app) {
      app = await this.conn.createAppender(table);
      this.appenders.set(table, app);
    }
    const write = WRITERS[table] as (a: DuckDBAppender, r: unknown, src: number) => void;
    for (let i = 0; i < buf.rows.length; i++) {
      write(app, buf.rows[i], buf.src[i]!);
      app.endRow();
    }
    app.flushSync();
    buf.rows = [];
    buf.src = [];
  }

  async upsertHost(facts: HostFacts, src: number): Promise<void> {
    await this.flushAll();
    // A later collection of the same host wins; facts it lacks keep what was known.
    await this.conn.run(
      `INSERT INTO hosts AS h VALUES ($1, $2, $3, $4, $5, us_to_ts($6), us_to_ts($7), $8, $9)
       ON CONFLICT (host) DO UPDATE SET
         kernel = coalesce(excluded.kernel, h.kernel),
         release = coalesce(excluded.release, h.release),
         timezone = CASE WHEN excluded.timezone_origin IS NOT NULL AND excluded.timezone_origin <> 'assumed' THEN excluded.timezone ELSE coalesce(h.timezone, excluded.timezone) END,
         timezone_origin = CASE WHEN excluded.timezone_origin IS NOT NULL AND excluded.timezone_origin <> 'assumed' THEN excluded.timezone_origin ELSE coalesce(h.timezone_origin, excluded.timezone_origin) END,
         boot_time = coalesce(excluded.boot_time, h.boot_time),
         collected_at = greatest(excluded.collected_at, h.collected_at),
         boot_id = coalesce(excluded.boot_id, h.boot_id),
         source_id = excluded.source_id`,
      [facts.host, facts.kernel, facts.release, facts.timezone, facts.timezone_origin,
        facts.boot_time, facts.collected_at, facts.boot_id, src],
    );
  }

  async flushAll(): Promise<void> {
    for (const t of this.buffers.keys()) await this.flush(t);
  }

  async commit(): Promise<void> {
    await this.flushAll();
    for (const app of this.appenders.values()) app.closeSync();
    this.appenders.clear();
    for (const [id, t] of this.totals) {
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
    await this.conn.run('COMMIT');
    this.open = false;
  }

  async rollback(): Promise<void> {
    for (const app of this.appenders.values()) {
      try { app.closeSync(); } catch { /* the transaction is going away anyway */ }
    }
    this.appenders.clear();
    if (this.open) await this.conn.run('ROLLBACK');
    this.open = false;
  }
}
