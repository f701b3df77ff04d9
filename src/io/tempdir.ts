import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Nothing is written to disk but the database (issue 17 point 5), save what is read from an
 * archive too large to hold — the members of an archive of logs and the inner bundles of a `sos
 * collect` archive while they are ingested, a bundle's members of 8 MiB and more while its bundle
 * is (bundle/tree.ts memberOnDisk) — and the worker databases of `ingest --jobs`.
 * They go in one folder per process, `$TMPDIR/bundlescope-<pid>-<random>`, made when first
 * needed and removed when its last user is done, at exit, and on SIGINT, SIGTERM and SIGHUP
 * (then the signal is raised again, so the process ends as it would have). A folder a kill -9
 * left behind is removed by the next run that starts on this machine: its name carries the pid,
 * and a folder whose process is gone is nobody's (a live pid's folder is never touched, even if
 * the pid was reused: a stale folder then waits for a later run).
 */
const NAME = /^bundlescope-(\d+)-[A-Za-z0-9]{6}$/;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let folder: string | null = null;
let users = 0;
let swept = false;

function removeFolder(): void {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = null;
}

function onSignal(signal: NodeJS.Signals): void {
  removeFolder();
  unhook();
  process.kill(process.pid, signal);
}

function hook(): void {
  process.on('exit', removeFolder);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook(): void {
  process.removeListener('exit', removeFolder);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // another user's process: alive
  }
}

/** Remove the temporary folders of bundlescope processes that are gone (a kill -9). Once per process; returns what it removed. */
export function sweepStaleTempFolders(): string[] {
  if (swept) return [];
  swept = true;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return removed;
  }
  for (const n of names) {
    const m = NAME.exec(n);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      rmSync(join(tmpdir(), n), { recursive: true, force: true });
      removed.push(join(tmpdir(), n));
    } catch {
      /* another run swept it first, or it is not ours to remove */
    }
  }
  return removed;
}

/** A new folder inside the process's temporary folder (both made at need); give it back with releaseTempFolder. */
export function acquireTempFolder(): string {
  sweepStaleTempFolders();
  if (users === 0) {
    folder = mkdtempSync(join(tmpdir(), `bundlescope-${process.pid}-`));
    hook();
  }
  users++;
  try {
    // (each user its own subfolder: a collect archive inside an `ingest --jobs` run, say)
    return mkdtempSync(join(folder!, 'use-'));
  } catch (e) {
    releaseTempFolder(null);
    throw e;
  }
}

/** Remove a folder acquireTempFolder gave, and the process's folder after its last user. */
export function releaseTempFolder(own: string | null): void {
  if (own) rmSync(own, { recursive: true, force: true });
  if (users > 0 && --users === 0) {
    removeFolder();
    unhook();
  }
}

/** A folder inside the process's temporary folder for the time `use` runs. */
export async function withTempFolder<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const own = acquireTempFolder();
  try {
    return await use(own);
  } finally {
    releaseTempFolder(own);
  }
}

/** The folder now in use, if any (tests). */
export function currentTempFolder(): string | null {
  return folder;
}
