import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli as run, SAMPLES, tempDir } from '../helpers.js';

const truth = JSON.parse(readFileSync(join(SAMPLES, 'truth.json'), 'utf8'));

/**
 * Issue 18, point 2: a typo is a usage error (exit 2) that lists the valid values or says what
 * the database holds, never an empty answer with exit 0.
 */
describe('no silent wrong answer on the command line', () => {
  const t = tempDir();
  const db = join(t.dir, 'usage.duckdb');
  beforeAll(async () => {
    const r = await run(['ingest', '--db', db, join(SAMPLES, truth.web01.file), join(SAMPLES, truth.db01.file)]);
    expect(r.code).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('an unknown host is a usage error that lists the hosts (rca and report alike)', async () => {
    const rca = await run(['rca', '--db', db, '--host', 'web1']);
    expect([rca.code, rca.out, rca.err]).toEqual([2, '', "error[unknown-host] no host 'web1' in the database (did you mean 'web01'?); hosts: db01, web01\n"]);
    const rep = await run(['report', 'episodes', '--db', db, '--host', 'web02']);
    const far = await run(['rca', '--db', db, '--host', 'mail7']);
    expect(far.err).toBe("error[unknown-host] no host 'mail7' in the database; hosts: db01, web01\n");
    expect([rep.code, rep.err]).toEqual([2, "error[unknown-host] no host 'web02' in the database (did you mean 'web01'?); hosts: db01, web01\n"]);
  });

  it('an unknown namespace lists the ones there are', async () => {
    const r = await run(['rca', '--db', db, '--netns', 'blue']);
    expect([r.code, r.err]).toEqual([2, "error[unknown-netns] no network namespace 'blue' in the database; namespaces: none ('' is the host's own)\n"]);
    const root = await run(['rca', '--db', db, '--netns', '', '--format', 'json']);
    expect(root.code).toBe(0);
    expect(JSON.parse(root.out).findings.map((f: { host: string }) => f.host)).toEqual(['web01']);
  });

  it('an empty or reversed window is a usage error', async () => {
    const r = await run(['rca', '--db', db, '--from', '2026-03-12T00:00:00Z', '--to', '2026-03-11T00:00:00Z']);
    expect([r.code, r.err]).toEqual([2, 'error[bad-window] --from 2026-03-12T00:00:00.000Z is not before --to 2026-03-11T00:00:00.000Z: the window is empty\n']);
    const same = await run(['report', 'overflow_timeline', '--db', db, '--from', '2026-03-12', '--to', '2026-03-12']);
    expect(same.code).toBe(2);
  });

  it('unknown report parameters, kinds and non-numbers are usage errors that list what is valid', async () => {
    const key = await run(['report', 'episodes', '--db', db, '--param', 'knd=tcp_timewait_overflow']);
    expect([key.code, key.err]).toEqual([2, "error[bad-param] report episodes has no parameter 'knd'; its parameters: kind, gap_minutes (and --host, --from, --to)\n"]);
    const kind = await run(['report', 'episodes', '--db', db, '--param', 'kind=timewait']);
    expect([kind.code, kind.err]).toEqual([2, "error[bad-param] unknown kind 'timewait' (did you mean 'tcp_timewait_overflow'?); kinds: tcp_timewait_overflow, conntrack_table_full, tcp_orphan_overflow, tcp_listen_overflow, tcp_socket_memory, neighbour_table_overflow\n"]);
    const num = await run(['report', 'episodes', '--db', db, '--param', 'gap_minutes=ten']);
    expect([num.code, num.err]).toEqual([2, "error[bad-param] --param gap_minutes wants an integer, got 'ten'\n"]);
    const ok = await run(['report', 'episodes', '--db', db, '--param', 'kind=tcp_timewait_overflow', '--format', 'csv']);
    expect(ok.code).toBe(0);
    expect(ok.out.split('\n').length).toBe(3);
  });

  it('a time without a zone is read in --tz or the host\'s zone, and the output says which', async () => {
    // web01 is in America/Chicago (CDT, UTC-5 on 2026-03-12): 14:00 local = 19:00Z, inside the episode 19:02–19:09Z only from 14:05
    const local = await run(['rca', '--db', db, '--host', 'web01', '--from', '2026-03-12T14:05', '--format', 'json']);
    expect(local.code).toBe(0);
    expect(local.err).toBe("note: --from 2026-03-12T14:05 has no zone: taken in America/Chicago (web01's zone) = 2026-03-12T19:05:00.000Z\n");
    expect(JSON.parse(local.out).findings.length).toBe(1);
    const tz = await run(['rca', '--db', db, '--host', 'web01', '--to', '2026-03-12T20:00', '--tz', 'Europe/Berlin', '--format', 'json']);
    expect(tz.err).toBe('note: --to 2026-03-12T20:00 has no zone: taken in Europe/Berlin (--tz) = 2026-03-12T19:00:00.000Z\n');
    expect(JSON.parse(tz.out).findings.length).toBe(0);
    const utc = await run(['rca', '--db', db, '--from', '2026-03-12T19:00', '--format', 'json']);
    expect(utc.err).toMatch(/^note: --from 2026-03-12T19:00 has no zone: taken as UTC/);
    const bad = await run(['rca', '--db', db, '--tz', 'Mars/Olympus']);
    expect([bad.code, bad.err]).toEqual([2, "error[bad-tz] unknown time zone 'Mars/Olympus' (use an IANA name such as America/Chicago)\n"]);
  });

  it('query keeps DuckDB\'s whole error: the hint and the caret', async () => {
    const r = await run(['query', 'SELECT * FROM socket', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error\[sql\] Catalog Error: Table with name socket does not exist!\nDid you mean "sockets/);
    expect(r.err).toMatch(/LINE 1: SELECT \* FROM socket\n\s+\^/);
  });

  it('every usage error exits 2, commander\'s own too', async () => {
    expect((await run(['rca', '--db', db, '--bogus'])).code).toBe(2);
    expect((await run(['report'])).code).toBe(2);
    expect((await run(['rca', '--format', 'pdf', '--db', db])).code).toBe(2);
    expect((await run(['--help'])).code).toBe(0);
  });

  it.skipIf(!existsSync(join(REPO, 'dist', 'cli.js')))('a closed pipe ends the output quietly with status 0', () => {
    const cli = join(REPO, 'dist', 'cli.js');
    for (const cmd of [`report sources --db '${db}'`, `query "SELECT * FROM log_events" --db '${db}'`, `rca --db '${db}'`]) {
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', `node '${cli}' ${cmd} | head -1`], { encoding: 'utf8' });
      expect([r.status, r.stderr], cmd).toEqual([0, '']);
      expect(r.stdout.split('\n').length, cmd).toBe(2);
    }
    void execFileSync;
  });
});
