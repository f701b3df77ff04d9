/**
 * Export the database as files any DuckDB, pandas, polars or R reads directly: every table and the
 * key views, as Parquet hive-partitioned by host (dir/<name>/host=<h>/data_0.parquet) or as one
 * Arrow IPC file per table (dir/<name>.arrow).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Store } from '../store/db.js';
import { quoted } from '../store/sql.js';
import { InputError } from '../errors.js';
import { queryToArrow } from './arrow.js';
import { SOURCE_TABLES } from '../store/load.js';

/** Every table: the inputs and hosts, the rows of each source (store/load.ts), and the reference tables filled at open. */
export const EXPORT_TABLES = ['sources', 'hosts', ...SOURCE_TABLES, 'signatures'] as const;

export const EXPORT_VIEWS = [
  'overflow_episodes', 'overflow_minutes', 'population_samples', 'counter_rates', 'timewait_peers', 'overflow_limits',
] as const;

export type ExportFormat = 'parquet' | 'arrow';

export interface ExportedObject {
  name: string;
  type: 'table' | 'view';
  rows: number;
  /** File (arrow, unpartitioned parquet) or folder (hive-partitioned parquet) written. */
  path: string;
  partitioned: boolean;
  /** Hosts too long for a folder name, written under a shortened host=… folder (the database keeps them whole). */
  shortenedHosts?: number;
}

/**
 * The file that marks a folder as bundlescope's export: JSON listing the files it wrote (relative
 * paths) and the object being written when it stopped, if it did. A later export removes exactly
 * those, never a file of the user's.
 */
export const EXPORT_MARKER = '.bundlescope-export';

interface Marker { tool: 'bundlescope'; files: string[]; writing: string | null }

/** A folder name holds 255 bytes; DuckDB writes host=<value> with / and % as %2F, %25: 80 bytes fit in any case. */
const HOST_FOLDER_MAX_BYTES = 80;
const partitionHost = `CASE WHEN strlen(host) <= ${HOST_FOLDER_MAX_BYTES} THEN host ELSE left(host, 20) || '~' || left(sha256(host), 16) END`;

/** Every file and link under a folder (links not followed), relative to it. */
function filesUnder(root: string, rel = ''): string[] {
  const out: string[] = [];
  const here = rel ? join(root, rel) : root;
  for (const name of readdirSync(here).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (lstatSync(join(root, r)).isDirectory()) out.push(...filesUnder(root, r));
    else out.push(r);
  }
  return out;
}

/** A marker's relative path: no `..`, not absolute; checked again against links when removed. */
const safeRelative = (p: unknown): p is string => typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.split('/').some((c) => c === '..' || c === '' || c === '.');

/**
 * Make `dir` ours to write: a new folder, an empty one, or bundlescope's own earlier export, whose
 * files (listed in its marker) are removed once no file of the user's stands where this export
 * writes. Anything else is a usage error, before a file is touched.
 */
function claimFolder(dir: string, targets: string[]): Marker {
  const fresh: Marker = { tool: 'bundlescope', files: [], writing: null };
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    return fresh;
  }
  if (!statSync(dir).isDirectory()) throw new InputError('export-not-folder', 'exists and is not a folder: export writes a folder of files; give a new or empty folder', dir);
  const names = readdirSync(dir);
  if (names.length === 0) return fresh;
  if (!names.includes(EXPORT_MARKER)) {
    throw new InputError('export-not-empty', `holds files that are not a bundlescope export (${names.sort().slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}): export writes only into a new or empty folder or its own earlier export`, dir);
  }
  let marker: Marker;
  try {
    marker = JSON.parse(readFileSync(join(dir, EXPORT_MARKER), 'utf8')) as Marker;
    if (marker.tool !== 'bundlescope' || !Array.isArray(marker.files) || !marker.files.every(safeRelative) || !(marker.writing === null || (safeRelative(marker.writing) && !marker.writing.includes('/')))) throw new Error('bad marker');
  } catch {
    throw new InputError('export-not-empty', `its ${EXPORT_MARKER} is not one bundlescope wrote: export writes only into a new or empty folder or its own earlier export`, dir);
  }
  const ours = new Set(marker.files);
  const writing = marker.writing;
  const inTarget = (f: string) => targets.some((t) => f === t || f.startsWith(t + '/'));
  const foreign = filesUnder(dir).filter((f) => f !== EXPORT_MARKER && !ours.has(f) && inTarget(f) && !(writing && (f === writing || f.startsWith(writing + '/'))));
  if (foreign.length) {
    throw new InputError('export-not-empty', `${foreign[0]} is not a file of the earlier export and stands where this one writes: move it away or export elsewhere`, dir);
  }
  const real = realpathSync(dir);
  const inside = (p: string) => {
    try {
      return realpathSync(dirname(p)).startsWith(real + sep) || realpathSync(dirname(p)) === real;
    } catch {
      return false;
    }
  };
  for (const f of [...ours, ...(writing ? [writing] : [])]) {
    const p = join(dir, f);
    if (!existsSync(p) && !isLink(p)) continue;
    if (!inside(p)) continue; // (a folder of the export replaced by a link: not followed)
    if (f === writing) rmSync(p, { recursive: true, force: true }); // (rm -r removes links, never what they point to)
    else if (!lstatSync(p).isDirectory()) unlinkSync(p);
  }
  // Folders the earlier export made and that are empty now (partition folders, table folders).
  const dirs = [...new Set([...ours].flatMap((f) => f.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'))))].sort((a, b) => b.length - a.length);
  for (const d of dirs) {
    try {
      if (lstatSync(join(dir, d)).isDirectory() && readdirSync(join(dir, d)).length === 0) rmdirSync(join(dir, d));
    } catch {
      /* gone already */
    }
  }
  return fresh;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}


async function scalar(store: Store, sql: string): Promise<unknown> {
  const r = await store.conn.runAndReadAll(sql);
  return r.getRows()[0]?.[0];
}

async function hasHostColumn(store: Store, name: string): Promise<boolean> {
  const r = await store.conn.runAndReadAll(
    `SELECT count(*) FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $name AND column_name = 'host'`,
    { name },
  );
  return Number(r.getRows()[0]?.[0]) > 0;
}

/**
 * Write every table and key view under `dir`. Parquet: objects with a host column are written
 * with PARTITION_BY (host) (hosts with no name land in host=__HIVE_DEFAULT_PARTITION__, which
 * reads back as NULL); an empty object is still written as one file so its schema is there.
 * Read back with `read_parquet('dir/<name>/**\/*.parquet', hive_partitioning = true)`.
 */
export async function exportStore(store: Store, dir: string, opts: { format?: ExportFormat } = {}): Promise<ExportedObject[]> {
  const format = opts.format ?? 'parquet';
  if (format !== 'parquet' && format !== 'arrow') throw new InputError('bad-format', `export writes parquet or arrow, not '${format}'`);
  const out: ExportedObject[] = [];
  const objects = [
    ...EXPORT_TABLES.map((name) => ({ name, type: 'table' as const })),
    ...EXPORT_VIEWS.map((name) => ({ name, type: 'view' as const })),
  ];
  const target = (name: string) => (format === 'arrow' ? `${name}.arrow` : name);
  const marker = claimFolder(dir, objects.map((o) => target(o.name)));
  const save = () => writeFileSync(join(dir, EXPORT_MARKER), JSON.stringify(marker, null, 1) + '\n');
  for (const { name, type } of objects) {
    const rows = Number(await scalar(store, `SELECT count(*) FROM ${name}`));
    marker.writing = target(name);
    save();
    let row: ExportedObject;
    if (format === 'arrow') {
      const path = join(dir, `${name}.arrow`);
      writeFileSync(path, await queryToArrow(store, `SELECT * FROM ${name}`));
      row = { name, type, rows, path, partitioned: false };
    } else {
      const folder = join(dir, name);
      const partitioned = rows > 0 && (await hasHostColumn(store, name));
      if (partitioned) {
        // A host name is a folder name here: one too long for that goes under a shortened name.
        const shortenedHosts = Number(await scalar(store, `SELECT count(DISTINCT host) FROM ${name} WHERE strlen(host) > ${HOST_FOLDER_MAX_BYTES}`));
        const select = shortenedHosts ? `SELECT * REPLACE (${partitionHost} AS host) FROM ${name}` : `SELECT * FROM ${name}`;
        // COPY takes no bound parameter for its target: the path as a literal
        await store.conn.run(`COPY (${select}) TO ${quoted(folder)} (FORMAT parquet, PARTITION_BY (host))`);
        row = { name, type, rows, path: folder, partitioned, ...(shortenedHosts ? { shortenedHosts } : {}) };
      } else {
        mkdirSync(folder, { recursive: true });
        await store.conn.run(`COPY (SELECT * FROM ${name}) TO ${quoted(join(folder, 'data_0.parquet'))} (FORMAT parquet)`);
        row = { name, type, rows, path: folder, partitioned };
      }
    }
    marker.files.push(...(format === 'arrow' ? [target(name)] : filesUnder(dir, name)));
    marker.writing = null;
    save();
    out.push(row);
  }
  return out;
}
