import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { runSql } from '../../src/report/catalogue.js';
import { COMMON_COLUMNS, CONVENTIONS, describeSchema, SCHEMA_COLUMNS_SQL, tableDescriptions, VIEW_COLUMNS, viewDescriptions, type SchemaObject } from '../../src/schema.js';
import { runCli, SAMPLES, tempDir } from '../helpers.js';

const truth = JSON.parse(readFileSync(join(SAMPLES, 'truth.json'), 'utf8'));

describe('bundlescope schema: every table, view and column of a real database, described', () => {
  const t = tempDir();
  const db = join(t.dir, 'schema.duckdb');
  let live: { table: string; type: 'table' | 'view'; column: string; dataType: string }[];
  let described: SchemaObject[];

  beforeAll(async () => {
    const s = await openStore(db);
    try {
      const res = await ingestPaths(s, [join(SAMPLES, truth.web01.file)]);
      expect(res.map((r) => r.status)).toEqual(['loaded']);
      live = (await runSql(s, SCHEMA_COLUMNS_SQL)).rows as never;
    } finally {
      s.close();
    }
    described = describeSchema(live);
  }, 120_000);
  afterAll(() => t.cleanup());

  it('no column of the database is undocumented, and no table or view lacks a description', () => {
    const names = [...new Set(live.map((c) => c.table))].sort();
    expect(names.length).toBeGreaterThanOrEqual(33);
    expect(described.map((o) => o.name).sort()).toEqual(names);
    const undocumented = described.flatMap((o) => o.columns.filter((c) => !c.description).map((c) => `${o.name}.${c.name}`));
    expect(undocumented).toEqual([]);
    expect(described.filter((o) => !o.description).map((o) => o.name)).toEqual([]);
    // every column once, with the database's own type
    const sockets = described.find((o) => o.name === 'sockets')!;
    expect(sockets.columns.map((c) => `${c.name} ${c.type}`).slice(0, 3)).toEqual(['host VARCHAR', 'ts TIMESTAMP WITH TIME ZONE', 'ts_quality VARCHAR']);
  });

  it('nothing is documented that does not exist', () => {
    const cols = new Map<string, Set<string>>();
    for (const c of live) (cols.get(c.table) ?? cols.set(c.table, new Set()).get(c.table)!).add(c.column);
    const tables = tableDescriptions();
    const views = viewDescriptions(tables);
    const ghosts: string[] = [];
    for (const [name, d] of tables) for (const c of d.columns.keys()) if (!cols.get(name)?.has(c)) ghosts.push(`${name}.${c}`);
    for (const [name, v] of Object.entries(VIEW_COLUMNS)) {
      if (!views.has(name)) ghosts.push(`view ${name}`);
      for (const c of Object.keys(v.columns)) if (!cols.get(name)?.has(c)) ghosts.push(`${name}.${c}`);
      if (v.like && !tables.has(v.like)) ghosts.push(`${name} like ${v.like}`);
    }
    for (const name of [...tables.keys(), ...views.keys()]) if (!cols.has(name)) ghosts.push(name);
    const viewCols = new Set(live.filter((c) => c.type === 'view').map((c) => c.column));
    for (const c of Object.keys(COMMON_COLUMNS)) if (!viewCols.has(c)) ghosts.push(`common ${c}`);
    expect(ghosts).toEqual([]);
  });

  it('md: the conventions, then each table and view as a column table; states are named as the kernel names them', async () => {
    const r = await runCli(['schema']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.startsWith('# bundlescope database schema\n\n## Conventions\n\n- Times are TIMESTAMPTZ instants in UTC')).toBe(true);
    expect(r.out).toContain("- Socket states are stored as the kernel names them (TIME_WAIT, SYN_RECV, FIN_WAIT2, CLOSE_WAIT: /proc/net/tcp and netstat spelling), whatever the tool printed: ss writes TIME-WAIT");
    expect(r.out).toContain('- NULL means the inputs held no evidence for the value');
    expect(r.out).toContain('## sockets (table)\n\nOne row per socket in a socket-list snapshot (ss, netstat, /proc/net/tcp).');
    expect(r.out).toContain('| state | VARCHAR | TIME_WAIT \\| ESTABLISHED \\| LISTEN \\| SYN_RECV \\| FIN_WAIT2 \\| CLOSE_WAIT \\| … |');
    expect(r.out).toContain('| share | DOUBLE | sockets / snapshot_total (0–1) |');
    expect(r.out.match(/^## \w+ \((table|view)\)$/gm)!.length).toBe(described.length);
  });

  it('json NAME: one object with its columns; the conventions only for the whole schema', async () => {
    const r = await runCli(['schema', 'population_samples', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { objects: SchemaObject[]; conventions?: string[] };
    expect(j.conventions).toBeUndefined();
    expect(j.objects.map((o) => [o.name, o.type])).toEqual([['population_samples', 'view']]);
    expect(j.objects[0]!.columns.map((c) => c.name)).toEqual(['host', 'netns', 'ts', 'kind', 'metric', 'value', 'origin', 'source_id']);
    expect(j.objects[0]!.columns.find((c) => c.name === 'metric')!.description).toMatch(/slab objects: free slots of per-CPU slabs and RCU-delayed frees included, so they can exceed the limit/);
    const all = JSON.parse((await runCli(['schema', '--format', 'json'])).out) as { objects: SchemaObject[]; conventions: string[] };
    expect(all.conventions).toEqual(CONVENTIONS);
    expect(all.objects.map((o) => o.name)).toEqual(described.map((o) => o.name));
  });

  it('an unknown NAME is a usage error that lists the valid names', async () => {
    const r = await runCli(['schema', 'socket']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`error[unknown-name] no table or view 'socket'; names: ${described.map((o) => o.name).join(', ')}\n`);
    const bad = await runCli(['schema', '--format', 'html']);
    expect(bad.code).toBe(2);
  });
});
