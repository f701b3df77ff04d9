import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLES = join(REPO, 'samples');
export const REALWORLD = fileURLToPath(new URL('../../shared/realworld/', import.meta.url));
export const hasRealworld = existsSync(REALWORLD);

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'bundlescope-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
