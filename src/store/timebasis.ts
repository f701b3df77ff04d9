/**
 * What stored timestamps rest on, and how far off they may be (sources.time_basis /
 * time_uncertainty_s, hosts.boot_time_basis / boot_time_uncertainty_s; the values are listed in
 * sql/schema/01_sources.sql), and the calibration pass that dates the seconds-since-boot stamps
 * of dmesg from the most precise boot instant the inputs allow (domain.md §3.8, §3.9).
 *
 * A sosreport's boot instant is often coarse: `uptime` says `up 31 min` (±30 s) when proc/stat
 * and proc/uptime are missing. Other inputs of the same host pin it down: the same printk seen
 * with a wall-clock time (journal kernel entries, syslog lines keeping `[ 8123.456789]`, or the
 * same kernel line in dmesg and in /var/log/messages) gives wall − seconds since boot.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TimeBasis } from '../model.js';
import { rtrimmedSql } from './sql.js';

/** What the loader knows of a source's times besides its rows (SourceMeta.times). */
export interface SourceTimes {
  /** The boot instant its `monotonic+boot` stamps were dated with. */
  boot?: TimeBasis | null;
  /** What its `collection-time` stamps stand for (the sosreport's collection, or a command's start). */
  snapshot?: TimeBasis | null;
  /** Its own basis when it has no timestamped rows (a sosreport row: how the collection time was found). */
  self?: TimeBasis | null;
}

/** The stamps of one source: the ts_quality of most of its rows and their resolution. */
export interface StampProfile {
  quality: string;
  /** 1, 0.001 or 0.000001: the finest unit its stamps use. */
  resolution_s: number;
}

/** The tables whose rows carry ts and ts_quality (overflow_events repeats log_events' rows). */
const DATED_TABLES = ['log_events', 'slab_samples', 'counter_samples', 'sockets'] as const;

/**
 * Stamp profiles of the sources that `where` selects (a condition on source_id), read from their
 * rows: the most common ts_quality (ties: by name) and whether all its stamps are whole seconds
 * or milliseconds.
 */
export async function characterizeSources(conn: DuckDBConnection, lo: number, hi: number): Promise<Map<number, StampProfile>> {
  return profiles(conn, `source_id BETWEEN ${Math.trunc(lo)} AND ${Math.trunc(hi)}`);
}

async function profiles(conn: DuckDBConnection, where: string): Promise<Map<number, StampProfile>> {
  const parts = DATED_TABLES.map((t) => `SELECT source_id, ts_quality, epoch_us(ts) AS us FROM ${t} WHERE ${where} AND ts IS NOT NULL`);
  const r = await conn.runAndReadAll(`
    SELECT source_id, ts_quality, count(*) AS n, bool_and(us % 1000000 = 0) AS whole_s, bool_and(us % 1000 = 0) AS whole_ms
    FROM (${parts.join(' UNION ALL ')})
    GROUP BY ALL
    ORDER BY source_id, n DESC, ts_quality`);
  const out = new Map<number, StampProfile>();
  for (const [id, q, , s, ms] of r.getRows()) {
    const k = Number(id);
    if (out.has(k) || q == null) continue;
    out.set(k, { quality: String(q), resolution_s: s ? 1 : ms ? 0.001 : 0.000001 });
  }
  return out;
}

/** sources.time_basis / time_uncertainty_s of a source from its stamp profile and what the loader knew. */
export function sourceTimeBasis(p: StampProfile, times: SourceTimes): TimeBasis {
  switch (p.quality) {
    case 'monotonic+boot':
      return times.boot
        ? { basis: `boot: ${times.boot.basis}`, uncertainty_s: times.boot.uncertainty_s }
        : { basis: 'boot: not recorded', uncertainty_s: null };
    case 'collection-time':
      return times.snapshot ?? { basis: 'collection-time', uncertainty_s: null };
    case 'exact':
    case 'local+tz':
    case 'syslog-year-inferred':
      return { basis: p.quality, uncertainty_s: p.resolution_s };
    default: // assumed-utc (the zone is unknown), file-mtime (a copy may have touched it)
      return { basis: p.quality, uncertainty_s: null };
  }
}

/** The largest source id stored (0 when none): inputs loaded after it are the newer ones. */
export async function maxSourceId(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll('SELECT coalesce(max(source_id), 0) FROM sources');
  return Number(r.getRows()[0]![0]);
}

export interface Calibration {
  /** Hosts whose boot instant was looked at. */
  hosts: number;
  /** Of them, hosts whose boot_time, basis or uncertainty changed. */
  changed: number;
  /** log_events and overflow_events rows re-dated. */
  rows: number;
}

/** Anchors from the first minute after boot are not used: journald and syslogd replay the ring buffer when they start. */
const SETTLED_US = 60_000_000;
/** An anchor without a boot id counts when it is this close to the bundle's boot instant (beyond its uncertainty). */
const SLACK_US = 300_000_000;
/** Syslog, journalctl short and dmesg -T stamps cut the second: their mean error is half of it. */
const HALF_SECOND_US = 500_000;
/** Least precision of a wall-clock stamp of a kernel line in a log file (syslogd's receive delay). */
const RECEIVED_S = 0.001;

/** boot_id as the journal writes it (32 lower-case hex digits): proc's has dashes. */
const normBoot = (e: string) => `lower(replace(trim(${e}), '-', ''))`;

/**
 * Re-estimates the boot instant of hosts with rows dated from it (`monotonic+boot`) and re-dates
 * them, in one transaction. Anchors, best first (the first kind a host has is used):
 *
 *   1. journal anchor: journal kernel entries (journal-json / journal-export) of the same boot:
 *      __REALTIME_TIMESTAMP − _SOURCE_MONOTONIC_TIMESTAMP (what the journal ingesters keep in
 *      mono_us for kernel entries: the printk time). journald stores an entry a little after the
 *      printk, so the 5 % quantile, ± its distance to the median.
 *   2. syslog printk-stamp anchor: syslog kernel lines that kept `[ 8123.456789]`: ts − mono_us.
 *   3. kernel lines matched in <path>: a message that occurs once in a dmesg of the host and once
 *      in a wall-clock log of it (syslog, journalctl text, dmesg -T): wall ts − mono_us.
 *
 * For 2 and 3 the median, ± the stamps' resolution (at least 1 ms: syslogd's receive delay)
 * combined with the median absolute deviation (whole-second stamps are cut, so half a second is
 * added first). Lines of the first minute after
 * boot are left out (replayed when journald / syslogd start). Same boot: a journal entry's
 * _BOOT_ID must equal hosts.boot_id when both are known; otherwise an anchor must lie within the
 * bundle's uncertainty + 5 minutes of the bundle's boot instant (older boots in rotated logs).
 *
 * The anchor's estimate replaces the bundle's (hosts.bundle_boot_*) when it is more precise, and
 * every `monotonic+boot` row dated from this host's boot time (its source's rows sit within the
 * same distance of it; rows of another journal boot stay) gets ts = boot + mono_us, in log_events
 * and overflow_events; sources get the new basis and first/last ts. Rows whose ts came from a wall
 * clock never move. The result depends only on the bundle's estimate and the stored rows, so the
 * same inputs give the same tables in any order, and a second pass changes nothing.
 *
 * `since`: hosts with data in sources after this id (the inputs of one ingest run); 'all': every host.
 */
export async function calibrateBootTimes(conn: DuckDBConnection, scope: { since: number } | 'all'): Promise<Calibration> {
  const none: Calibration = { hosts: 0, changed: 0, rows: 0 };
  await conn.run('BEGIN TRANSACTION');
  try {
    const migrated = await fillUnrecorded(conn);
    if (scope !== 'all' && !migrated && (await maxSourceId(conn)) <= scope.since) {
      await conn.run('COMMIT');
      return none; // nothing loaded
    }
    // (DISTINCT: an IN over log_events builds its hash table of every row, 5M host names of one
    // large bundle, more than the ingest's memory cap; the distinct hosts are a handful)
    const touched = scope === 'all' || migrated ? 'true'
      : `(h.host IN (SELECT host FROM sources WHERE source_id > ${Math.trunc(scope.since)})
          OR h.host IN (SELECT DISTINCT host FROM log_events WHERE source_id > ${Math.trunc(scope.since)}))`;
    await conn.run(`CREATE OR REPLACE TEMP TABLE calib_ref AS
      SELECT h.host, epoch_us(h.boot_time) AS cur_us, epoch_us(h.bundle_boot_time) AS raw_us,
        coalesce(h.bundle_boot_basis, 'not recorded') AS raw_basis, h.bundle_boot_uncertainty_s AS raw_u,
        CASE WHEN trim(h.boot_id) <> '' THEN ${normBoot('h.boot_id')} END AS hb,
        round(coalesce(h.bundle_boot_uncertainty_s, 0) * 1e6) + ${SLACK_US} AS win_us
      FROM hosts h
      WHERE h.bundle_boot_time IS NOT NULL AND ${touched}
        AND h.host IN (SELECT host FROM sources WHERE time_basis LIKE 'boot:%')`);
    const n = Number((await conn.runAndReadAll('SELECT count(*) FROM calib_ref')).getRows()[0]![0]);
    if (n === 0) {
      await conn.run('DROP TABLE IF EXISTS temp.calib_ref');
      await conn.run('COMMIT');
      return none;
    }
    const sameBoot = (boot: string, est: string) => `CASE WHEN r.hb IS NOT NULL AND ${boot} IS NOT NULL AND trim(${boot}) <> ''
      THEN ${normBoot(boot)} = r.hb ELSE abs(${est} - r.raw_us) <= r.win_us END`;
    const cut = (u: string) => `CASE WHEN coalesce(${u}, 1) >= 1 THEN ${HALF_SECOND_US} ELSE 0 END`;
    // A syslog stamp is when syslogd received the line: finer stamps still count a millisecond.
    const received = (u: string) => `greatest(coalesce(${u}, 1), ${RECEIVED_S})`;
    const wallQualities = `('exact', 'local+tz', 'syslog-year-inferred')`;
    await conn.run(`CREATE OR REPLACE TEMP TABLE calib_anchor AS
      WITH ev AS (
        SELECT l.host, l.source_id, l.boot_id, l.mono_us, epoch_us(l.ts) AS us, l.message, l.ident, l.transport, l.ts_quality,
          s.kind, s.path, s.time_uncertainty_s AS src_u
        FROM log_events l JOIN sources s ON s.source_id = l.source_id
        WHERE l.host IN (SELECT host FROM calib_ref) AND (l.ident = 'kernel' OR l.transport = 'kernel')
      ), journal AS (
        SELECT ev.host, 1 AS rank, (us - mono_us)::DOUBLE AS e, 0.000001 AS res, path
        FROM ev JOIN calib_ref r USING (host)
        WHERE kind IN ('journal-json', 'journal-export') AND transport = 'kernel' AND ts_quality = 'exact'
          AND us IS NOT NULL AND mono_us >= ${SETTLED_US} AND ${sameBoot('boot_id', 'us - mono_us')}
      ), printk AS (
        SELECT ev.host, 2 AS rank, (us - mono_us + ${cut('src_u')})::DOUBLE AS e, ${received('src_u')} AS res, path
        FROM ev JOIN calib_ref r USING (host)
        WHERE kind = 'syslog' AND ident = 'kernel' AND ts_quality IN ${wallQualities}
          AND us IS NOT NULL AND mono_us >= ${SETTLED_US} AND ${sameBoot('boot_id', 'us - mono_us')}
      ), mono AS (
        SELECT host, source_id, ${rtrimmedSql('message')} AS msg, min(mono_us) AS mono_us
        FROM ev WHERE kind = 'dmesg' AND mono_us IS NOT NULL AND (ts_quality = 'monotonic+boot' OR us IS NULL)
        GROUP BY ALL HAVING count(*) = 1
      ), wall AS (
        -- (only messages dmesg has can match: the others are not grouped — a sosreport's 1.8M
        -- kernel lines against dmesg's 10k; every line of a kept message stays, so the counts hold)
        SELECT host, source_id, msg, min(us) AS us, any_value(path) AS path, any_value(src_u) AS src_u
        FROM (SELECT *, ${rtrimmedSql('message')} AS msg FROM ev
          WHERE kind IN ('syslog', 'dmesg') AND ident = 'kernel' AND mono_us IS NULL AND us IS NOT NULL
            AND ts_quality IN ${wallQualities}) w
        SEMI JOIN (SELECT DISTINCT host, msg FROM mono) d USING (host, msg)
        GROUP BY host, source_id, msg HAVING count(*) = 1
      ), matched AS (
        SELECT w.host, 3 AS rank, (w.us - m.mono_us + ${cut('w.src_u')})::DOUBLE AS e, ${received('w.src_u')} AS res, w.path
        FROM mono m JOIN wall w ON w.host = m.host AND w.msg = m.msg JOIN calib_ref r ON r.host = m.host
        WHERE m.mono_us >= ${SETTLED_US} AND abs(w.us - m.mono_us - r.raw_us) <= r.win_us
      )
      SELECT * FROM journal UNION ALL SELECT * FROM printk UNION ALL SELECT * FROM matched`);
    // The best kind of anchor per host, its estimate, and the choice against the bundle's own.
    await conn.run(`CREATE OR REPLACE TEMP TABLE calib_choice AS
      WITH best AS (
        SELECT host, min(rank) AS rank FROM calib_anchor GROUP BY host
      ), files AS (
        SELECT a.host, a.path, count(*) AS n FROM calib_anchor a JOIN best USING (host, rank) GROUP BY ALL
      ), top_file AS (
        SELECT host, arg_min(path, (-n, path)) AS path, count(*) AS files FROM files GROUP BY host
      ), est AS (
        SELECT a.host, b.rank,
          CASE WHEN b.rank = 1 THEN quantile_cont(e, 0.05) ELSE median(e) END AS est_us,
          CASE WHEN b.rank = 1 THEN median(e) - quantile_cont(e, 0.05) ELSE mad(e) END / 1e6 AS spread_s,
          max(res) AS res_s
        FROM calib_anchor a JOIN best b ON b.host = a.host AND b.rank = a.rank GROUP BY a.host, b.rank
      ), anchor AS (
        SELECT est.host, round(est_us)::BIGINT AS boot_us, round(sqrt(res_s * res_s + spread_s * spread_s), 6) AS u,
          CASE rank WHEN 1 THEN 'journal anchor' WHEN 2 THEN 'syslog printk-stamp anchor'
            ELSE 'kernel lines matched in ' || f.path || CASE WHEN f.files > 1 THEN ' (and ' || (f.files - 1) || ' other files)' ELSE '' END END AS basis
        FROM est JOIN top_file f USING (host)
      )
      SELECT r.host, r.hb, r.cur_us, r.raw_us, r.win_us,
        CASE WHEN a.host IS NOT NULL AND (r.raw_u IS NULL OR a.u < r.raw_u) THEN a.boot_us ELSE r.raw_us END AS boot_us,
        CASE WHEN a.host IS NOT NULL AND (r.raw_u IS NULL OR a.u < r.raw_u) THEN a.basis ELSE r.raw_basis END AS basis,
        CASE WHEN a.host IS NOT NULL AND (r.raw_u IS NULL OR a.u < r.raw_u) THEN a.u ELSE r.raw_u END AS u
      FROM calib_ref r LEFT JOIN anchor a USING (host)`);
    const changed = Number((await conn.runAndReadAll(`
      UPDATE hosts SET boot_time = make_timestamptz(c.boot_us), boot_time_basis = c.basis, boot_time_uncertainty_s = c.u
      FROM calib_choice c
      WHERE hosts.host = c.host AND (epoch_us(hosts.boot_time) IS DISTINCT FROM c.boot_us
        OR hosts.boot_time_basis IS DISTINCT FROM c.basis OR hosts.boot_time_uncertainty_s IS DISTINCT FROM c.u)`)).getRows()[0]?.[0] ?? 0);
    // Sources dated from this host's boot time: every row within reach of the bundle's estimate
    // or of the boot time in force until now (a source of another boot of the host stays as it is).
    await conn.run(`CREATE OR REPLACE TEMP TABLE calib_src AS
      SELECT l.source_id, c.host, c.boot_us, c.basis, c.u, c.hb
      FROM log_events l JOIN calib_choice c ON c.host = l.host
      WHERE l.ts_quality = 'monotonic+boot' AND l.mono_us IS NOT NULL AND l.ts IS NOT NULL
      GROUP BY ALL
      HAVING max(abs(epoch_us(l.ts) - l.mono_us - c.raw_us)) <= any_value(c.win_us)
        OR max(abs(epoch_us(l.ts) - l.mono_us - c.cur_us)) <= any_value(c.win_us)`);
    let rows = 0;
    for (const table of ['log_events', 'overflow_events']) {
      const r = await conn.runAndReadAll(`
        UPDATE ${table} SET ts = make_timestamptz(s.boot_us + ${table}.mono_us)
        FROM calib_src s
        WHERE ${table}.source_id = s.source_id AND ${table}.host = s.host AND ${table}.ts_quality = 'monotonic+boot'
          AND ${table}.mono_us IS NOT NULL
          AND (${table}.boot_id IS NULL OR trim(${table}.boot_id) = '' OR s.hb IS NULL OR ${normBoot(`${table}.boot_id`)} = s.hb)
          AND epoch_us(${table}.ts) IS DISTINCT FROM s.boot_us + ${table}.mono_us`);
      if (table === 'log_events') rows += Number(r.getRows()[0]?.[0] ?? 0);
    }
    await conn.run(`
      UPDATE sources SET
        time_basis = CASE WHEN sources.time_basis LIKE 'boot:%' THEN 'boot: ' || s.basis ELSE sources.time_basis END,
        time_uncertainty_s = CASE WHEN sources.time_basis LIKE 'boot:%' THEN s.u ELSE sources.time_uncertainty_s END,
        first_ts = t.first_ts, last_ts = t.last_ts
      FROM calib_src s JOIN (
        SELECT source_id, min(ts) AS first_ts, max(ts) AS last_ts FROM log_events
        WHERE source_id IN (SELECT source_id FROM calib_src) GROUP BY source_id
      ) t USING (source_id)
      WHERE sources.source_id = s.source_id AND (
        (sources.time_basis LIKE 'boot:%' AND (sources.time_basis IS DISTINCT FROM 'boot: ' || s.basis OR sources.time_uncertainty_s IS DISTINCT FROM s.u))
        OR sources.first_ts IS DISTINCT FROM t.first_ts OR sources.last_ts IS DISTINCT FROM t.last_ts)`);
    for (const t of ['calib_ref', 'calib_anchor', 'calib_choice', 'calib_src']) await conn.run(`DROP TABLE IF EXISTS temp.${t}`);
    await conn.run('COMMIT');
    return { hosts: n, changed, rows };
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}

/**
 * A database made before time bases were recorded: its hosts' boot instant is the bundle's, and
 * its dated sources get a basis from their rows (`boot: not recorded` for dmesg). True when there
 * was anything to fill (then every host is looked at once).
 */
async function fillUnrecorded(conn: DuckDBConnection): Promise<boolean> {
  const hosts = await conn.runAndReadAll(`
    UPDATE hosts SET bundle_boot_time = boot_time, bundle_boot_basis = coalesce(boot_time_basis, 'not recorded'), bundle_boot_uncertainty_s = boot_time_uncertainty_s
    WHERE bundle_boot_time IS NULL AND boot_time IS NOT NULL`);
  const filledHosts = Number(hosts.getRows()[0]?.[0] ?? 0);
  const open = await conn.runAndReadAll('SELECT min(source_id), max(source_id) FROM sources WHERE time_basis IS NULL AND first_ts IS NOT NULL');
  const [lo, hi] = open.getRows()[0]!;
  if (lo == null || hi == null) return filledHosts > 0;
  const found = await profiles(conn, `source_id BETWEEN ${Number(lo)} AND ${Number(hi)}
    AND source_id IN (SELECT source_id FROM sources WHERE time_basis IS NULL AND first_ts IS NOT NULL)`);
  if (found.size === 0) return filledHosts > 0;
  const boots = new Map<string, { basis: string | null; u: number | null }>();
  for (const [h, b, u] of (await conn.runAndReadAll('SELECT host, boot_time_basis, boot_time_uncertainty_s FROM hosts')).getRows()) {
    boots.set(String(h), { basis: b == null ? null : String(b), u: u == null ? null : Number(u) });
  }
  const owner = new Map<number, string | null>();
  for (const [id, h] of (await conn.runAndReadAll('SELECT source_id, host FROM sources WHERE time_basis IS NULL AND first_ts IS NOT NULL')).getRows()) {
    owner.set(Number(id), h == null ? null : String(h));
  }
  await conn.run('CREATE OR REPLACE TEMP TABLE calib_fill (source_id BIGINT, time_basis VARCHAR, time_uncertainty_s DOUBLE)');
  const app = await conn.createAppender('calib_fill', 'main', 'temp');
  for (const [id, p] of found) {
    const b = boots.get(owner.get(id) ?? '');
    const t = sourceTimeBasis(p, { boot: b?.basis ? { basis: b.basis, uncertainty_s: b.u } : null });
    app.appendBigInt(BigInt(id));
    app.appendVarchar(t.basis);
    if (t.uncertainty_s == null) app.appendNull();
    else app.appendDouble(t.uncertainty_s);
    app.endRow();
  }
  app.closeSync();
  await conn.run(`UPDATE sources SET time_basis = f.time_basis, time_uncertainty_s = f.time_uncertainty_s
    FROM calib_fill f WHERE sources.source_id = f.source_id`);
  await conn.run('DROP TABLE IF EXISTS temp.calib_fill');
  return true;
}
