import { vi } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLES = join(REPO, 'samples');
export const REALWORLD = fileURLToPath(new URL('../../shared/realworld/', import.meta.url));
export const hasRealworld = existsSync(REALWORLD);

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'bundlescope-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run the CLI in-process (commander exitOverride) and capture what it writes. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => { out += String(c); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => { err += String(c); return true; });
  try {
    const code = await main(args, { exitOverride: true });
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
