import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { runCli as run, SAMPLES, tempDir } from '../helpers.js';

const truth = JSON.parse(readFileSync(join(SAMPLES, 'truth.json'), 'utf8'));


describe('command line', () => {
  const t = tempDir();
  const db = join(t.dir, 'cli.duckdb');
  beforeAll(async () => {
    const r = await run(['ingest', '--db', db, join(SAMPLES, truth.web01.file), join(t.dir, 'missing.log')]);
    expect(r.code).toBe(3); // one input failed, the other loaded
    expect(r.err).toMatch(/^loaded {4}sosreport .* host web01: 1337 rows/m);
    expect(r.err).toContain(`error[not-found] ${join(t.dir, 'missing.log')}: no such file or directory`);
    expect(r.err).toMatch(/^total: 2 inputs, 1 ok, 1 failed; 1337 rows; 0 lines skipped$/m);
  });
  afterAll(() => t.cleanup());

  it('query --format json prints an array of row objects', async () => {
    const r = await run(['query', "SELECT host, kind, count(*) AS n FROM overflow_events WHERE NOT suppressed GROUP BY ALL ORDER BY ALL", '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ host: 'web01', kind: 'tcp_timewait_overflow', n: 440 }]);
  });

  it('query is read-only unless --write', async () => {
    const r = await run(['query', 'DELETE FROM hosts', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('error[read-only] the query would change the database; query is read-only unless --write is given\n');
    const bad = await run(['rca', '--db', db, '--from', 'yesterday']);
    expect([bad.code, bad.err]).toEqual([2, "error[bad-time] --from wants an ISO 8601 time such as 2026-03-12T19:00:00Z or 2026-03-12, got 'yesterday'\n"]);
    const h = await run(['query', 'SELECT count(*) AS n FROM hosts', '--db', db, '--format', 'csv']);
    expect(h.out).toBe('n\n1\n');
  });

  it('reports --format json lists name and question', async () => {
    const r = await run(['reports', '--format', 'json']);
    const list = JSON.parse(r.out) as { name: string; question: string }[];
    expect(list.map((x) => x.name)).toEqual(expect.arrayContaining(['sources', 'overflow_timeline']));
    expect(Object.keys(list[0]!)).toEqual(['name', 'question']);
  });

  it('report overflow_timeline gives events per minute, bound parameters', async () => {
    const r = await run(['report', 'overflow_timeline', '--db', db, '--host', 'web01', '--format', 'json']);
    const rows = JSON.parse(r.out) as { minute: string; logged: number; suppressed: number }[];
    expect(rows.length).toBe(8); // 19:02 … 19:09
    expect(rows.reduce((a, x) => a + x.logged, 0)).toBe(320);
    expect(rows[0]).toMatchObject({ host: 'web01', kind: 'tcp_timewait_overflow', logged: 40, suppressed: 342 });
    const none = await run(['report', 'overflow_timeline', '--db', db, '--host', "web01' OR '1'='1", '--format', 'json']);
    expect([none.code, none.out]).toEqual([2, '']); // a value, not SQL: no such host
  });

  it('report sources lists the bundle and its members with rows and skipped lines', async () => {
    const r = await run(['report', 'sources', '--db', db, '--format', 'csv']);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('source_id,parent_id,host,kind,path,netns,rows,skipped,partial,first_ts,last_ts,time_basis,time_uncertainty_s,issue_codes');
    expect(lines.some((l) => /,sosreport,.*sosreport-web01/.test(l))).toBe(true);
    expect(lines.some((l) => /,syslog,sosreport-web01-2026-03-12-kqwzmab\.tar\.xz\/var\/log\/messages,,/.test(l))).toBe(true);
  });

  it('rca --format json follows the contract', async () => {
    const r = await run(['rca', '--db', db, '--format', 'json']);
    const j = JSON.parse(r.out);
    expect(Object.keys(j.findings[0])).toEqual(expect.arrayContaining(['host', 'kind', 'start', 'end', 'events', 'limit', 'trigger', 'top_peers', 'evidence', 'recommendations']));
    expect(j.findings[0].events).toMatchObject({ logged: 320, suppressed: 6572, estimated_total: 6892, counter_delta: null });
  });

  it('reads .tar.bz2 and .tar.zst bundles too', async () => {
    const tar = gunzipSync(readFileSync(join(SAMPLES, truth.db01.file)));
    const plain = join(t.dir, 'sosreport-db01-2026-03-12-hvcedsa.tar');
    writeFileSync(plain, tar);
    execFileSync('bzip2', ['-k', plain]);
    execFileSync('zstd', ['-q', plain, '-o', plain + '.zst']);
    const r = await run(['ingest', '--db', join(t.dir, 'z.duckdb'), plain + '.bz2', plain + '.zst']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^loaded .*\.tar\.bz2 host db01: 98 rows/m);
    // the same tar recompressed is the same content: not loaded twice
    expect(r.err).toMatch(/^unchanged .*\.tar\.zst \(already ingested\)/m);
  });

  it('demo (npm start) ingests the samples and prints the report for them', async () => {
    const r = await run(['demo', '--db', join(t.dir, 'demo.duckdb'), '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.hosts.map((h: { host: string }) => h.host)).toEqual(['app02', 'db01', 'legacy1', 'modern7', 'other9', 'web01']);
    expect(j.findings.map((f: { host: string; kind: string }) => `${f.host}/${f.kind}`)).toEqual([
      'app02/tcp_timewait_overflow', 'legacy1/tcp_timewait_overflow', 'modern7/tcp_timewait_overflow',
      'modern7/tcp_listen_overflow', 'web01/tcp_timewait_overflow',
    ]);
    expect(r.err).toMatch(/^total: 12 inputs, 12 ok, 0 failed;/m);
  }, 60_000);
});
