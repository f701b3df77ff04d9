/**
 * Issue 17 point 5: nothing on disk but the database. Only the members of an archive that is not
 * a bundle (a `sos collect` archive, a case tarball, a tgz or zip of logs: archive-logs.ts) are written, into one folder `$TMPDIR/bundlescope-<pid>-<random>` that is removed at the
 * end, on SIGINT and SIGTERM, and swept by the next run when a kill -9 left it. An inner
 * `sosreport-*.tar` of an ordinary sosreport is never written anywhere.
 * The CLI runs in child processes (`node dist/cli.js`, rebuilt first when src/ is newer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTarball } from '../../src/samples/tarball.js';
import { sosreportEntries } from '../../src/samples/sos.js';
import { web01 } from '../../src/samples/generate.js';
import { ingestInto, REPO, tempDir, CLI, ensureDist } from './helpers.js';

const t = tempDir('bundlescope-tempfiles-');
const TMP = join(t.dir, 'tmp');
const WEB = 'sosreport-web01-2026-03-12-kqwzmab';
const BIG = 'sosreport-big01-2026-03-12-bigabcd';
const TOP = 'sos-collector-case9-2026-03-12-zzzzzzz';
const ordinary = join(t.dir, `${WEB}.tar.gz`);
const collect = join(t.dir, `${TOP}.tar`);
const side = join(t.dir, 'app.log');


beforeAll(async () => {
  ensureDist();
  mkdirSync(TMP);
  // An ordinary sosreport that carries an old sosreport archive among its files (146 MB seen).
  writeFileSync(ordinary, await makeTarball([
    ...sosreportEntries(web01().spec, WEB),
    { path: `${WEB}/var/tmp/sosreport-web01-2025-01-01-oldoldo.tar`, content: Buffer.alloc(2 * 1024 * 1024, 7) },
  ], 'gzip'));
  // A sos collect archive whose one node bundle holds 24 MB of syslog: long enough to be caught mid-ingest.
  const line = 'Mar 12 14:02:11 web01 sshd[4242]: Accepted publickey for deploy from 192.0.2.17 port 51234 ssh2\n';
  const spec = { ...web01().spec, replace: { 'var/log/messages': line.repeat(Math.ceil(24e6 / line.length)) } };
  const inner = await makeTarball(sosreportEntries(spec, BIG), 'none');
  writeFileSync(collect, await makeTarball([
    { path: `${TOP}/`, dir: true }, { path: `${TOP}/${BIG}.tar`, content: inner }, { path: `${TOP}/sos_logs/sos.log`, content: 'done\n' },
  ], 'none'));
  writeFileSync(side, 'Mar 12 14:02:11 web01 kernel: TCP: time wait bucket table overflow\n');
}, 120_000);
afterAll(() => t.cleanup());

interface Done { code: number | null; signal: NodeJS.Signals | null; err: string }

function spawnCli(args: string[], env: Record<string, string> = { TMPDIR: TMP }) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<Done>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, err })));
  return { child, done };
}

/** Folders of a process in TMP, and whether one holds a spilled inner bundle being written. */
const foldersOf = (pid: number) => readdirSync(TMP).filter((n) => new RegExp(`^bundlescope-${pid}-[A-Za-z0-9]{6}$`).test(n));
// (archive-logs.ts names a top-level archive's members `0-<n>.member`: the inner bundle is the first)
const spilling = (pid: number) => foldersOf(pid).some((f) => readdirSync(join(TMP, f)).some((u) => existsSync(join(TMP, f, u, '0-0.member'))));

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('nothing on disk but the database', () => {
  it('an unused inner sosreport-*.tar of an ordinary sosreport is never written (TMPDIR a file: any write there fails)', async () => {
    const before = process.env.TMPDIR;
    const notAFolder = join(t.dir, 'not-a-folder');
    writeFileSync(notAFolder, '');
    process.env.TMPDIR = notAFolder;
    try {
      const { store, sums } = await ingestInto(join(t.dir, 'ordinary.duckdb'), [ordinary]);
      store.close();
      expect(sums.map((s) => [s.status, s.kind, s.host, s.error])).toEqual([['loaded', 'sosreport', 'web01', null]]);
    } finally {
      if (before == null) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    const r = await spawnCli(['ingest', '--db', join(t.dir, 'ordinary2.duckdb'), ordinary]).done;
    expect([r.code, readdirSync(TMP)]).toEqual([0, []]);
  });

  it('a sos collect archive spills its inner bundle into one folder that is gone at the end', async () => {
    const { child, done } = spawnCli(['ingest', '--db', join(t.dir, 'collect.duckdb'), collect]);
    await until(() => spilling(child.pid!), 60_000);
    expect(foldersOf(child.pid!).length).toBe(1);
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.err).toContain(`loaded    sosreport      ${collect}/${TOP}/${BIG}.tar host web01:`);
    expect(readdirSync(TMP)).toEqual([]);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during the ingest removes the folder, and the process ends by that signal`, async () => {
      const { child, done } = spawnCli(['ingest', '--db', join(t.dir, `${signal}.duckdb`), collect]);
      await until(() => spilling(child.pid!), 60_000);
      child.kill(signal);
      const r = await done;
      expect([r.code, r.signal]).toEqual([null, signal]);
      expect(readdirSync(TMP)).toEqual([]);
    });
  }

  it('kill -9 leaves the folder; the next run sweeps it, and never the folder of a live process', async () => {
    const { child, done } = spawnCli(['ingest', '--db', join(t.dir, 'killed.duckdb'), collect]);
    await until(() => spilling(child.pid!), 60_000);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const left = foldersOf(child.pid!);
    expect(left.length).toBe(1);
    const live = `bundlescope-${process.pid}-keepme`; // this test process: alive
    mkdirSync(join(TMP, live));
    const r = await spawnCli(['ingest', '--db', join(t.dir, 'next.duckdb'), side]).done;
    expect(r.code).toBe(0);
    expect(readdirSync(TMP)).toEqual([live]);
  });
});
