/**
 * The hosts table as a load writes it: a host new to the database is appended (appendHosts);
 * another collection of a stored host is merged by HOST_UPSERT's policy (upsertHostRow). Which
 * hosts are stored is read once per connection (knownHosts) and kept up to date by the load.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { HostFacts } from '../model.js';
import { big, dbl, str, tsz } from './cells.js';

/**
 * Host facts from another collection of the same host (`INSERT INTO hosts AS h …` + this): the
 * later collection (collected_at) wins whatever order the bundles come in; facts it lacks keep
 * what was known; a zone that was read from the bundle beats one that was assumed.
 */
const NEWER = '(h.collected_at IS NULL OR (excluded.collected_at IS NOT NULL AND excluded.collected_at >= h.collected_at))';
const REAL_TZ = (t: string) => `(${t}.timezone_origin IS NOT NULL AND ${t}.timezone_origin <> 'assumed')`;
const TZ_NEW = `((${NEWER} AND ${REAL_TZ('excluded')}) OR (NOT ${REAL_TZ('h')} AND ${REAL_TZ('excluded')}))`;
const pick = (c: string) => `${c} = CASE WHEN ${NEWER} THEN coalesce(excluded.${c}, h.${c}) ELSE coalesce(h.${c}, excluded.${c}) END`;
/** A column that goes with boot_time: taken from the row whose boot_time is taken (never mixed). */
const withBoot = (c: string) => `${c} = CASE WHEN (${NEWER} AND excluded.boot_time IS NOT NULL) OR h.boot_time IS NULL THEN excluded.${c} ELSE h.${c} END`;
export const HOST_UPSERT = `ON CONFLICT (host) DO UPDATE SET
         ${pick('kernel')},
         ${pick('release')},
         timezone = CASE WHEN ${TZ_NEW} THEN excluded.timezone ELSE coalesce(h.timezone, excluded.timezone) END,
         timezone_origin = CASE WHEN ${TZ_NEW} THEN excluded.timezone_origin ELSE coalesce(h.timezone_origin, excluded.timezone_origin) END,
         ${withBoot('boot_time')},
         ${withBoot('boot_time_basis')},
         ${withBoot('boot_time_uncertainty_s')},
         ${withBoot('bundle_boot_time')},
         ${withBoot('bundle_boot_basis')},
         ${withBoot('bundle_boot_uncertainty_s')},
         collected_at = greatest(excluded.collected_at, h.collected_at),
         ${pick('boot_id')},
         source_id = CASE WHEN ${NEWER} THEN excluded.source_id ELSE h.source_id END`;

const hostsCache = new WeakMap<DuckDBConnection, Set<string>>();

/** The hosts stored, read once per connection (see knownInputs); forgetKnownInputs drops it too. */
export async function knownHosts(conn: DuckDBConnection): Promise<Set<string>> {
  let k = hostsCache.get(conn);
  if (!k) {
    const r = await conn.runAndReadAll('SELECT host FROM hosts');
    k = new Set(r.getRows().map(([h]) => String(h)));
    hostsCache.set(conn, k);
  }
  return k;
}

/** Hosts were added by SQL (bare host rows of side files): read them again when next needed. */
export function forgetKnownHosts(conn: DuckDBConnection): void {
  hostsCache.delete(conn);
}

/** Hosts a committed load appended: known from now on without reading the table again. */
export function rememberHosts(conn: DuckDBConnection, hosts: Iterable<string>): void {
  const known = hostsCache.get(conn);
  for (const h of hosts) known?.add(h);
}

/** Another collection of a stored host: its facts merged into the row there (HOST_UPSERT). */
export async function upsertHostRow(conn: DuckDBConnection, facts: HostFacts, src: number): Promise<void> {
  await conn.run(
    `INSERT INTO hosts AS h VALUES ($1, $2, $3, $4, $5, us_to_ts($6), us_to_ts($7), $8, $9, $10, $11::DOUBLE, us_to_ts($6), $10, $11::DOUBLE)
       ${HOST_UPSERT}`,
    [facts.host, facts.kernel, facts.release, facts.timezone, facts.timezone_origin,
      facts.boot_time, facts.collected_at, facts.boot_id, src, facts.boot_time_basis, facts.boot_time_uncertainty_s],
  );
}

/** Hosts new to the database, appended (one appender for all of them; column order of sql/schema hosts). */
export async function appendHosts(conn: DuckDBConnection, hosts: readonly { facts: HostFacts; src: number }[]): Promise<void> {
  const app = await conn.createAppender('hosts');
  for (const { facts, src } of hosts) {
    app.appendVarchar(facts.host); str(app, facts.kernel); str(app, facts.release); str(app, facts.timezone); str(app, facts.timezone_origin);
    tsz(app, facts.boot_time); tsz(app, facts.collected_at); str(app, facts.boot_id); big(app, src);
    str(app, facts.boot_time_basis); dbl(app, facts.boot_time_uncertainty_s);
    // As the bundle gave it: the same as boot_time until anchors calibrate that (timebasis.ts).
    tsz(app, facts.boot_time); str(app, facts.boot_time_basis); dbl(app, facts.boot_time_uncertainty_s);
    app.endRow();
  }
  app.closeSync();
}
