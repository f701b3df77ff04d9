/**
 * The system's xz, bzip2 and zstd programs, which decompress in a child process (another core,
 * and faster than the libraries): which one is usable, and how its output and exit status become
 * a stream and its damage (autoDecompress in decompress.ts chooses between them and the libraries).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable, Transform } from 'node:stream';

/**
 * Memory an xz stream may ask for (its dictionary): `xz -9` needs 65 MiB to decompress; a header
 * claiming a 1.5 GiB dictionary is refused instead of allocated (by the xz program and lzma-native).
 */
export const XZ_MEMLIMIT = 256 * 1024 * 1024;

/** The programs that decompress in a child process, and how each is checked and run. */
export const PROGRAMS = {
  xz: {
    env: 'BUNDLESCOPE_XZ',
    // XZ Utils 5.2 or newer only (-T; BusyBox's xz takes other options).
    usable: (out: string) => {
      const m = /XZ Utils\)? (\d+)\.(\d+)/.exec(out);
      return m != null && (Number(m[1]) > 5 || (Number(m[1]) === 5 && Number(m[2]) >= 2));
    },
    // -dc: decompress to stdout; -q: no warnings; -T1: one thread (the other core parses);
    // a header asking for more memory than XZ_MEMLIMIT is refused ("Memory usage limit reached").
    args: ['-dcq', '-T1', `--memlimit-decompress=${XZ_MEMLIMIT}`],
  },
  bzip2: {
    env: 'BUNDLESCOPE_BZIP2',
    // bzip2 1.0 or newer (it prints its version on stderr): not BusyBox's.
    usable: (out: string) => /bzip2, a block-sorting file compressor\.\s+Version [1-9]/.test(out),
    // (no -q: it would hide "Compressed file ends unexpectedly")
    args: ['-dc'],
  },
  zstd: {
    env: 'BUNDLESCOPE_ZSTD',
    // Zstandard's own CLI, 1.4 or newer (--memory; BusyBox has no zstd).
    usable: (out: string) => {
      const m = /Zstandard CLI.*v(\d+)\.(\d+)\./.exec(out);
      return m != null && (Number(m[1]) > 1 || Number(m[2]) >= 4);
    },
    // --memory is a second wall behind ZstdFrameGuard (autoDecompress adds it: the limit is an option).
    args: ['-dcq', '--no-progress'],
  },
} as const;

export type Program = keyof typeof PROGRAMS;
const found = new Map<Program, { env: string | undefined; path: string | null }>();

/**
 * The system's program for `kind` (XZ Utils `xz`, `bzip2`, `zstd`), or null: then the library decodes on
 * this thread (lzma-native, unbzip2-stream, fzstd). BUNDLESCOPE_XZ / BUNDLESCOPE_BZIP2 / BUNDLESCOPE_ZSTD name another
 * program, or 'none' for the library always. The program runs as a child process: another core
 * decompresses while this thread parses and stores, and it is faster than the library (a 28 MB
 * sosreport tar: xz 0.36 s of CPU against 1.0 s for lzma-native; bzip2 3.1 s against 5.2 s for
 * unbzip2-stream, which also keeps less of a cut file: 0.9 MB of a cut 28 MB tar, bzip2 15.3 MB).
 */
export function decompressProgram(kind: Program): string | null {
  const spec = PROGRAMS[kind];
  const env = process.env[spec.env];
  const known = found.get(kind);
  if (known && known.env === env) return known.path;
  let path: string | null = null;
  if (env !== 'none') {
    const name = env || kind;
    const dirs = name.includes('/') ? [''] : (process.env.PATH ?? '').split(delimiter).filter(Boolean);
    for (const d of dirs) {
      const p = d ? join(d, name) : name;
      try {
        accessSync(p, fsConstants.X_OK);
      } catch {
        continue; // not here
      }
      const v = spawnSync(p, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
      if (spec.usable(`${v.stdout ?? ''}\n${v.stderr ?? ''}`)) path = p;
      break;
    }
  }
  found.set(kind, { env, path });
  return path;
}

/**
 * `src` decompressed by `program` into `out`, which ends once the program has exited: a damaged
 * or cut stream sets damage.error (the program's own message) before the end, after everything it
 * could decode before the damage. Ending `out` early (a bomb, the reader gone) stops the program.
 */
export function programChild(program: string, args: readonly string[], src: Readable, out: Transform, damage: { error: Error | null }): void {
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 4096) stderr += c.toString('utf8');
  });
  child.stdin.on('error', () => {}); // (it stopped reading: its exit status tells why)
  src.on('error', (e) => out.destroy(e));
  src.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  let stdoutEnded = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  const finish = () => {
    if (!(stdoutEnded || spawnError) || !(exit || spawnError) || out.destroyed || out.writableEnded) return;
    if (spawnError) damage.error = spawnError;
    else if (exit!.code !== 0) {
      const msg = stderr.split('\n').find((l) => l.trim()) ?? `exit status ${exit!.code ?? exit!.signal}`;
      // "xz: (stdin): Unexpected end of input" → "Unexpected end of input";
      // "bzip2: Compressed file ends unexpectedly;" → "Compressed file ends unexpectedly"
      damage.error = new Error(msg.replace(/^[^:]*: (\(stdin\): )?/, '').replace(/;$/, '').trim());
    }
    out.end();
  };
  child.stdout.on('end', () => {
    stdoutEnded = true;
    finish();
  });
  child.on('error', (e) => {
    spawnError = e;
    finish();
  });
  child.on('close', (code, signal) => {
    exit = { code, signal };
    finish();
  });
  out.on('close', () => {
    src.unpipe(child.stdin);
    src.destroy();
    if (child.exitCode == null && child.signalCode == null) child.kill();
  });
}
