/**
 * Overlapping sources of the same data (issue 18, point 1): sar text and the `sadf -d` CSV of the
 * same sa file, the same journal as `journalctl -o json` and `-o export`, one snapshot log in two
 * copies under different names (or one compressed), a sosreport's own sar or journal next to a
 * side file with the same content. Decided on content, never on file names: the rows an input
 * stored are compared, as a multiset, with the rows of each earlier input of the same host, table
 * and namespace whose time range meets its own, on the columns that state the fact (for counters:
 * time, time class, name, device, semantics, value — not `origin`, which only says which tool
 * printed it; for log lines every column but the source and line number).
 *
 *   the same rows        loaded once: from the preferred source (RANK: a sosreport's own copy,
 *                        then the kind that keeps more — sadf's UTC times, the journal's own
 *                        export format —, then the first path), whatever the order of the inputs
 *   one holds the other  loaded once, from the richer one; the other keeps its `sources` row (so
 *                        a re-run knows it) with no rows, and an `overlap` issue that names the
 *                        source holding them
 *   partly the same      both loaded; what they share only from the source loaded first, the
 *                        rest from each. Shared means an entry (log lines) or a whole snapshot
 *                        (counters, sockets, slab: every row of the input at that instant, and no
 *                        other row): a snapshot is never cut, so an `ss -ltn` log beside an
 *                        `ss -tan` log of the same instants keeps both (their listeners repeat,
 *                        their snapshots differ); two snapshot logs sharing some dumps store
 *                        those dumps once
 *
 * Not compared: dmesg (its times are re-derived after the run from the boot time), rows of no
 * single host (a central syslog file of a fleet), and two sources loaded in one transaction (the
 * members of one sosreport, a group of small sosreports).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Load, TableName } from './load.js';
import type { Issue } from '../model.js';
import { FORMATS } from '../formats/registry.js';
import { quotedIn } from './sql.js';
import { issue } from '../formats/kit/lines.js';

/** The columns that say what a row states, per table (source_id, line_no and the tool's name left out). */
const FACT_KEYS: Partial<Record<TableName, string>> = {
  counter_samples: `host, netns, ts, ${timeClass('ts_quality')}, name, device, semantics, value`,
  log_events: 'host, ts, ts_quality, boot_id, mono_us, ident, pid, unit, priority, facility, transport, message',
  sockets: `host, netns, ts, ${timeClass('ts_quality')}, proto, state, local_addr, local_port, peer_addr, peer_port, process, timer, recv_q, send_q`,
  slab_samples: `host, ts, ${timeClass('ts_quality')}, cache, active_objs, num_objs, objsize, objperslab, pagesperslab, active_slabs, num_slabs`,
};

/** sar text is local time + zone, sadf -d UTC: the same instant either way; a stamp borrowed from elsewhere is another thing. */
function timeClass(col: string): string {
  return `CASE ${col} WHEN 'collection-time' THEN 'collection-time' WHEN 'file-mtime' THEN 'file-mtime' ELSE 'timed' END`;
}

/** What a row of each table is called in a notice. */
const UNIT: Partial<Record<TableName, string>> = {
  counter_samples: 'counter samples', log_events: 'entries', sockets: 'socket rows', slab_samples: 'slab samples',
};

/** Kinds whose times are worked out again after the run (boot time calibration): their rows are not final here. */
const NOT_COMPARED = new Set(['dmesg']);

/** For the same content: which kind is kept, and why (lower first). */
const KIND_RANK: Record<string, { rank: number; why: string }> = {
  sadf: { rank: 1, why: 'sadf writes UTC times' },
  sar: { rank: 2, why: '' },
  'journal-export': { rank: 1, why: "the export format is journald's own, every field kept" },
  'journal-json': { rank: 2, why: '' },
};

/** Off only to measure what the check costs (bench/overlap.mjs); an ingest always checks. `ms`: time spent in it so far. */
export const overlapCheck = { enabled: true, ms: 0 };

export interface SourceRef {
  id: number;
  kind: string;
  path: string;
  /** The bundle this member belongs to (its path), null for a side file. */
  bundle: string | null;
}

export interface OverlapNotice {
  /** The input the notice is about: the one whose rows were not kept (all or the shared part). */
  about: SourceRef;
  host: string;
  /** The input that holds the rows. */
  kept: SourceRef;
  /** What happened: the input's rows were not kept at all, or only those it shares with `kept`. */
  dropped: 'all' | 'shared';
  /** Rows removed from `about`, per table. */
  removed: Partial<Record<TableName, number>>;
  /** The notice, without the leading `overlap KIND PATH host H: `. */
  text: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function label(s: SourceRef): string {
  return `${s.kind} ${s.path}`;
}

/** Lower is kept when two sources hold the same rows. */
function compareRank(a: SourceRef, b: SourceRef): number {
  const bundled = Number(a.bundle == null) - Number(b.bundle == null);
  if (bundled) return bundled;
  const ka = KIND_RANK[a.kind]?.rank ?? 9;
  const kb = KIND_RANK[b.kind]?.rank ?? 9;
  if (ka !== kb) return ka - kb;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.id - b.id;
}

function whyPreferred(kept: SourceRef, other: SourceRef): string {
  if (kept.bundle != null && other.bundle == null) return "the sosreport's own copy";
  const k = KIND_RANK[kept.kind];
  if (k?.why && k.rank < (KIND_RANK[other.kind]?.rank ?? 9)) return k.why;
  return 'the first by name';
}

/**
 * Compares the rows source `fresh` stored in `table` (appended in `load`'s open transaction) with
 * the stored sources they may repeat, and removes what is stored twice. Returns one notice per
 * overlap; the caller reports them and corrects its row counts (`removed`). Rows of `fresh` that
 * go are taken off its totals here; an earlier source that goes gets rows = its remaining rows
 * and an `overlap` issue.
 */
export async function resolveOverlaps(
  load: Load, fresh: SourceRef, table: TableName, where: { host: string | null; netns: string | null },
): Promise<OverlapNotice[]> {
  const t0 = performance.now();
  try {
    return await resolve(load, fresh, table, where);
  } finally {
    overlapCheck.ms += performance.now() - t0;
  }
}

async function resolve(load: Load, fresh: SourceRef, table: TableName, where: { host: string | null; netns: string | null }): Promise<OverlapNotice[]> {
  const keys = FACT_KEYS[table];
  if (!keys || NOT_COMPARED.has(fresh.kind) || !overlapCheck.enabled) return [];
  const conn = load.conn;
  const totals = load.totalsOf(fresh.id);
  if (totals.rows === 0 || totals.first_ts == null || totals.last_ts == null) return [];
  let host = where.host;
  if (host == null) {
    // a side file that names no host in its source row: the host of its rows, when they have one
    await load.flushAll();
    const who = (await conn.runAndReadAll(`SELECT any_value(host), count(DISTINCT host) FROM ${table} WHERE source_id = $1::BIGINT`, [fresh.id])).getRows()[0]!;
    if (Number(who[1]) !== 1) return [];
    host = String(who[0]);
  }
  // (a stored source of no host in its row — a syslog file: the host is per line — is compared too)
  const candidates = (await conn.runAndReadAll(
    `SELECT s.source_id, s.kind, s.path, p.path FROM sources s LEFT JOIN sources p ON p.source_id = s.parent_id
     WHERE (s.host = $1 OR s.host IS NULL) AND s.netns = $2 AND s.rows > 0 AND s.kind IN (${quotedIn(kindsOf(table))})
       AND s.first_ts <= us_to_ts($4::BIGINT) AND s.last_ts >= us_to_ts($3::BIGINT) AND s.source_id <> $5::BIGINT
     ORDER BY s.source_id`,
    [host, where.netns ?? '', totals.first_ts, totals.last_ts, fresh.id])).getRows();
  if (candidates.length) await load.flushAll();
  const out: OverlapNotice[] = [];
  const note = async (n: OverlapNotice) => {
    out.push(n);
    const i: Issue = issue('overlap', n.about.path, null, n.text, 'the same data stored once', 'warning');
    if (n.about.id === fresh.id) load.addIssues(fresh.id, [i], 0);
    else {
      await conn.run('INSERT INTO ingest_issues VALUES ($1::BIGINT, $2, NULL, $3, $4, $5, $6, now())', [n.about.id, i.file, i.code, i.severity, i.text, i.expected]);
    }
  };
  const matches: { old: SourceRef; m: { fresh: number; old: number; common: number } }[] = [];
  for (const c of candidates) {
    if (NOT_COMPARED.has(String(c[1]))) continue;
    const old: SourceRef = { id: Number(c[0]), kind: String(c[1]), path: String(c[2]), bundle: c[3] == null ? null : String(c[3]) };
    const m = await compareRows(conn, table, keys, fresh.id, old.id);
    if (m.common > 0) matches.push({ old, m });
  }
  // An input that is all in one stored source goes before anything else is decided (nothing is
  // taken from another source in its favour).
  const holder = matches.findIndex(({ old, m }) => m.common === m.fresh && (m.common < m.old || compareRank(old, fresh) < 0));
  if (holder > 0) matches.unshift(...matches.splice(holder, 1));
  for (const { old, m } of matches) {
    const unit = UNIT[table]!;
    if (m.common === m.fresh && (m.common < m.old || compareRank(old, fresh) < 0)) {
      // all of it is there already
      const removed = await removeRows(load, table, fresh.id, null);
      await note({
        about: fresh, host, kept: old, dropped: 'all', removed,
        text: m.common === m.old
          ? `the same ${fmt(m.common)} ${unit} as ${label(old)} (loaded once, from ${old.kind}: ${whyPreferred(old, fresh)})`
          : `its ${fmt(m.common)} ${unit} are all in ${label(old)}, which has ${fmt(m.old - m.common)} more (loaded once, from ${old.kind})`,
      });
      return out;
    }
    if (m.common === m.old) {
      // the new input holds all of the earlier one (or the same, and is preferred)
      const removed = await removeRows(load, table, old.id, null);
      await note({
        about: old, host, kept: fresh, dropped: 'all', removed,
        text: m.common === m.fresh
          ? `the same ${fmt(m.common)} ${unit} as ${label(fresh)} (loaded once, from ${fresh.kind}: ${whyPreferred(fresh, old)})`
          : `its ${fmt(m.common)} ${unit} are all in ${label(fresh)}, which has ${fmt(m.fresh - m.common)} more (loaded once, from ${fresh.kind})`,
      });
      continue;
    }
    // partly the same: what is shared stays with the earlier source
    const removed = await removeRows(load, table, fresh.id, old.id);
    const n = removed[table] ?? 0;
    if (n === 0) continue; // equal rows in snapshots that differ: not the same data
    await note({
      about: fresh, host, kept: old, dropped: 'shared', removed,
      text: `${fmt(n)} of its ${fmt(m.fresh)} ${unit} are also in ${label(old)}${table === 'log_events' ? '' : `, snapshot for snapshot`}: those loaded once, from ${old.kind}; its other ${fmt(m.fresh - n)} loaded from this file`,
    });
  }
  return out;
}

/** The input kinds that fill a table (sosreport members are stored under the same kinds). */
function kindsOf(table: TableName): string[] {
  return FORMATS.filter((f) => f.table === table).map((f) => f.kind);
}

/** Rows of each source as a multiset of fact hashes (the 2nd identical row is `k` = 2), and how many both hold. */
async function compareRows(conn: DuckDBConnection, table: TableName, keys: string, fresh: number, old: number): Promise<{ fresh: number; old: number; common: number }> {
  const r = (await conn.runAndReadAll(`
    WITH a AS (SELECT h, row_number() OVER (PARTITION BY h) AS k FROM (SELECT hash(${keys}) AS h FROM ${table} WHERE source_id = $1::BIGINT)),
         b AS (SELECT h, row_number() OVER (PARTITION BY h) AS k FROM (SELECT hash(${keys}) AS h FROM ${table} WHERE source_id = $2::BIGINT))
    SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), (SELECT count(*) FROM a JOIN b USING (h, k))`, [fresh, old])).getRows()[0]!;
  return { fresh: Number(r[0]), old: Number(r[1]), common: Number(r[2]) };
}

/**
 * Removes the rows of source `id` from `table` — all of them, or (with `shared`) those that
 * source `shared` holds too — with the overflow events classified from removed log lines, and
 * corrects the source's row count. Returns the rows removed per table.
 */
async function removeRows(load: Load, table: TableName, id: number, shared: number | null): Promise<Partial<Record<TableName, number>>> {
  const conn = load.conn;
  const keys = FACT_KEYS[table]!;
  const removed: Partial<Record<TableName, number>> = {};
  const before = async (t: TableName) => Number((await conn.runAndReadAll(`SELECT count(*) FROM ${t} WHERE source_id = $1::BIGINT`, [id])).getRows()[0]![0]);
  const logLines = table === 'log_events';
  const n0 = await before(table);
  const o0 = logLines ? await before('overflow_events') : 0;
  if (shared == null) {
    await conn.run(`DELETE FROM ${table} WHERE source_id = $1::BIGINT`, [id]);
    if (logLines) await conn.run('DELETE FROM overflow_events WHERE source_id = $1::BIGINT', [id]);
  } else {
    // the k-th copy of a row in one source matches the k-th in the other
    await conn.run(`CREATE OR REPLACE TEMP TABLE overlap_gone AS
      WITH a AS (SELECT rowid AS r, ${logLines ? 'line_no' : 'NULL::BIGINT AS line_no'}, ts, h, row_number() OVER (PARTITION BY h ORDER BY rowid) AS k
                 FROM (SELECT rowid, *, hash(${keys}) AS h FROM ${table} WHERE source_id = $1::BIGINT)),
           b AS (SELECT h, row_number() OVER (PARTITION BY h) AS k FROM (SELECT hash(${keys}) AS h FROM ${table} WHERE source_id = $2::BIGINT))
      , m AS (SELECT r, line_no, ts FROM a SEMI JOIN b USING (h, k))
      ${logLines ? 'SELECT r, line_no FROM m' : `
      -- only whole snapshots: every row of both at that instant matched
      , an AS (SELECT ts, count(*) AS n FROM ${table} WHERE source_id = $1::BIGINT GROUP BY ts)
      , bn AS (SELECT ts, count(*) AS n FROM ${table} WHERE source_id = $2::BIGINT GROUP BY ts)
      , mn AS (SELECT ts, count(*) AS n FROM m GROUP BY ts)
      SELECT r, line_no FROM m SEMI JOIN (SELECT ts FROM mn JOIN an USING (ts) JOIN bn USING (ts) WHERE mn.n = an.n AND mn.n = bn.n) w USING (ts)`}`, [id, shared]);
    await conn.run(`DELETE FROM ${table} WHERE source_id = $1::BIGINT AND rowid IN (SELECT r FROM temp.overlap_gone)`, [id]);
    if (logLines) await conn.run('DELETE FROM overflow_events WHERE source_id = $1::BIGINT AND line_no IN (SELECT line_no FROM temp.overlap_gone)', [id]);
    await conn.run('DROP TABLE IF EXISTS temp.overlap_gone');
  }
  removed[table] = n0 - (await before(table));
  if (logLines) removed.overflow_events = o0 - (await before('overflow_events'));
  const total = (removed[table] ?? 0) + (removed.overflow_events ?? 0);
  if (!load.dropRows(id, total)) await conn.run('UPDATE sources SET rows = rows - $2::BIGINT WHERE source_id = $1::BIGINT', [id, total]);
  return removed;
}

/** The notice line of an overlap, as ingest and case print it. */
export function overlapLine(n: OverlapNotice): string {
  return `overlap   ${n.about.kind.padEnd(14)} ${n.about.path} host ${n.host}: ${n.text}`;
}
