/**
 * Issue 17 point 2: a folder given on the command line (ingest DIR, case DIR) never leads outside
 * itself. Only regular files found without following a link that leaves it are read; loops end;
 * devices and FIFOs are skipped; each thing skipped is said once. A link climbing out of an
 * extracted sosreport folder reads as absent with an `unsafe-link` warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { partitionInputs } from '../../src/ingest/ingest.js';
import { ingestInto, rows, runCli, SAMPLES, tempDir } from './helpers.js';

const t = tempDir('bundlescope-folders-');
afterAll(() => t.cleanup());

// Two overflow lines in the case folder, and a file outside it that must never be read.
const APP = 'Mar 12 14:02:11 web01 kernel: TCP: time wait bucket table overflow\nMar 12 14:02:12 web01 kernel: TCP: time wait bucket table overflow\n';
const HIDDEN = 'Mar 12 14:03:00 web01 kernel: TCP: time wait bucket table overflow\n';
const SECRET = 'Mar 12 14:04:00 analyst sshd[1]: SECRET of the analyst\n';

const outside = join(t.dir, 'outside');
const caseDir = join(t.dir, 'case');

beforeAll(() => {
  mkdirSync(outside);
  writeFileSync(join(outside, 'syslog'), SECRET);
  mkdirSync(join(caseDir, 'sub'), { recursive: true });
  mkdirSync(join(caseDir, '.kept'));
  writeFileSync(join(caseDir, 'app.log'), APP);
  writeFileSync(join(caseDir, '.kept', 'hidden.log'), HIDDEN);
  symlinkSync('.', join(caseDir, 'a')); // a -> . and b -> . : a walk that follows them never ends
  symlinkSync('.', join(caseDir, 'b'));
  symlinkSync('..', join(caseDir, 'sub', 'up'));
  symlinkSync(join(outside, 'syslog'), join(caseDir, 'analyst-syslog'));
  symlinkSync('../outside', join(caseDir, 'outdir'));
  symlinkSync('app.log', join(caseDir, 'again.log'));
  symlinkSync('.kept/hidden.log', join(caseDir, 'via-link.log'));
  symlinkSync('nowhere', join(caseDir, 'dangling'));
  execFileSync('mkfifo', [join(caseDir, 'pipe')]);
});

const SKIPS = (dir: string) => [
  `skipped                  ${dir}/pipe: a device, FIFO or socket, not a file: not read`,
  `skipped                  ${dir}/a: a symbolic link to a folder above it (-> .), a loop: not followed`,
  `skipped                  ${dir}/again.log: a symbolic link to app.log (-> app.log), which is read where it is: not read twice`,
  `skipped                  ${dir}/analyst-syslog: a symbolic link leaving the folder (-> ${outside}/syslog): not followed`,
  `skipped                  ${dir}/b: a symbolic link to a folder above it (-> .), a loop: not followed`,
  `skipped                  ${dir}/dangling: a symbolic link to nothing (-> nowhere): not followed`,
  `skipped                  ${dir}/outdir: a symbolic link leaving the folder (-> ../outside): not followed`,
  `skipped                  ${dir}/sub/up: a symbolic link to a folder above it (-> ..), a loop: not followed`,
];

describe('a folder never leads outside itself', () => {
  it('ingest DIR reads its two files, says once what it skipped and why, and reads nothing outside', async () => {
    const db = join(t.dir, 'ingest.duckdb');
    const r = await runCli(['ingest', '--db', db, caseDir]);
    expect(r.code).toBe(0);
    expect(r.err.split('\n')).toEqual([
      ...SKIPS(caseDir),
      `loaded    syslog         ${caseDir}/app.log: 4 rows (overflow_events 2, log_events 2)`,
      `loaded    syslog         ${caseDir}/.kept/hidden.log: 2 rows (overflow_events 1, log_events 1)`,
      'total: 10 inputs, 2 ok, 0 failed, 8 skipped (not evidence); 6 rows; 0 lines skipped',
      '',
    ]);
    const { store } = await ingestInto(db, []);
    try {
      expect(await rows(store, 'SELECT path FROM sources ORDER BY source_id')).toEqual([[`${caseDir}/app.log`], [`${caseDir}/.kept/hidden.log`]]);
      expect(await rows(store, "SELECT count(*) FROM log_events WHERE message LIKE '%SECRET%'")).toEqual([[0]]);
    } finally {
      store.close();
    }
  });

  it('ingest --jobs hands the skips on, never the links themselves', async () => {
    const { bundles, others, walked } = await partitionInputs([caseDir]);
    expect(bundles).toEqual([]);
    expect(others.filter((p) => !walked.skips.has(p))).toEqual([`${caseDir}/app.log`, `${caseDir}/.kept/hidden.log`]);
    expect([...walked.skips.keys()].sort()).toEqual(['a', 'again.log', 'analyst-syslog', 'b', 'dangling', 'outdir', 'pipe', 'sub/up'].map((n) => `${caseDir}/${n}`));
  });

  it('bundlescope case DIR walks the same way', async () => {
    const r = await runCli(['case', caseDir, '--db', join(t.dir, 'case.duckdb'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').filter((l) => l.startsWith('skipped'))).toEqual(SKIPS(caseDir));
    expect(r.err).toMatch(new RegExp(`^total: 10 inputs, 2 ok, 0 failed, 8 skipped \\(not evidence\\); 6 rows;`, 'm'));
  });

  it('a link named on the command line is the user\'s choice: followed', async () => {
    const { store, sums } = await ingestInto(join(t.dir, 'named.duckdb'), [join(caseDir, 'analyst-syslog')]);
    store.close();
    expect(sums.map((s) => [s.status, s.path, s.rows.log_events])).toEqual([['loaded', join(caseDir, 'analyst-syslog'), 1]]);
  });
});

describe('an extracted sosreport folder', () => {
  it('a link climbing out of it reads as absent, with one unsafe-link warning', async () => {
    const x = join(t.dir, 'x');
    mkdirSync(x);
    execFileSync('tar', ['-xJf', join(SAMPLES, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz'), '-C', x]);
    const root = join(x, 'sosreport-web01-2026-03-12-kqwzmab');
    writeFileSync(join(x, 'secret.log'), SECRET);
    renameSync(join(root, 'var', 'log', 'messages'), join(x, 'messages.orig'));
    symlinkSync('../../../secret.log', join(root, 'var', 'log', 'messages'));
    const { store, sums } = await ingestInto(join(t.dir, 'sos.duckdb'), [root]);
    try {
      expect(sums.map((s) => [s.status, s.host])).toEqual([['loaded', 'web01']]);
      expect(sums[0]!.issues.filter((i) => i.code === 'unsafe-link').map((i) => [i.file, i.text, i.severity]))
        .toEqual([[join(root, 'var/log/messages'), 'var/log/messages -> ../../../secret.log', 'warning']]);
      expect(await rows(store, "SELECT count(*) FROM log_events WHERE message LIKE '%SECRET%'")).toEqual([[0]]);
      expect(await rows(store, "SELECT count(*) FROM ingest_issues WHERE code = 'unsafe-link'")).toEqual([[1]]);
    } finally {
      store.close();
    }
  });
});
