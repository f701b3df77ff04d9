import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli, SAMPLES, tempDir } from './helpers.js';

const HOSTILE = [
  "web01' OR '1'='1",
  "web01'; DROP TABLE sources; --",
  'web01" OR "1"="1',
  "$1) OR (1=1",
  "\\'; SELECT 1; --",
];

describe('values from the command line are bound, never SQL text', () => {
  const t = tempDir();
  const db = join(t.dir, 'q.duckdb');
  const count = async (sql: string) => Number((await runCli(['query', sql, '--db', db, '--format', 'csv'])).out.split('\n')[1]);
  beforeAll(async () => {
    const r = await runCli(['ingest', '--db', db, join(SAMPLES, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz')]);
    expect(r.code, r.err).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('a hostile --host is an unknown host (bound as a value: a usage error naming it), and changes nothing', async () => {
    const sources = await count('SELECT count(*) FROM sources');
    for (const host of HOSTILE) {
      const rep = await runCli(['report', 'overflow_timeline', '--db', db, '--host', host, '--format', 'json']);
      expect([rep.code, rep.out], host).toEqual([2, '']);
      expect(rep.err, host).toMatch(new RegExp(`^error\\[unknown-host\\] no host '${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' in the database.*; hosts: web01\n$`));
      const rca = await runCli(['rca', '--db', db, '--host', host, '--format', 'json']);
      expect([rca.code, rca.out], host).toEqual([2, '']);
    }
    expect(await count('SELECT count(*) FROM sources')).toBe(sources);
    // the same report with the real host does find rows (the filter is what made it empty)
    const real = await runCli(['report', 'overflow_timeline', '--db', db, '--host', 'web01', '--format', 'json']);
    expect(JSON.parse(real.out).length).toBe(8);
  });

  it('a hostile --from is bound as a value: DuckDB refuses to cast it to a time, nothing runs or changes', async () => {
    const r = await runCli(['report', 'overflow_timeline', '--db', db, '--from', "2026-03-12' OR '1'='1", '--format', 'json']);
    // Refused as a usage error before any SQL runs (and it would only ever be a bound value).
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`error[bad-time] --from wants an ISO 8601 time such as 2026-03-12T19:00:00Z or 2026-03-12, got '2026-03-12' OR '1'='1'\n`);
    expect(await count('SELECT count(*) FROM hosts')).toBe(1);
    const ok = await runCli(['report', 'overflow_timeline', '--db', db, '--from', '2026-03-12T19:05:00Z', '--format', 'json']);
    expect(ok.code, ok.err).toBe(0);
    expect((JSON.parse(ok.out) as { minute: string }[]).every((x) => x.minute >= '2026-03-12T19:05')).toBe(true);
  });

  it('query is read-only without --write, and writes with it', async () => {
    const ro = await runCli(['query', 'CREATE TABLE case_notes AS SELECT 1 AS x', '--db', db]);
    expect(ro.code).toBe(2);
    expect(ro.err).toMatch(/^error\[read-only\] /);
    const rw = await runCli(['query', "CREATE TABLE case_notes AS SELECT 'checked' AS note", '--db', db, '--write']);
    expect(rw.code, rw.err).toBe(0);
    const read = await runCli(['query', 'SELECT note FROM case_notes', '--db', db, '--format', 'csv']);
    expect(read.out).toBe('note\nchecked\n');
  });
});
