import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

const require = createRequire(import.meta.url);

export interface TarEntry {
  path: string;
  content?: string | Buffer;
  /** symlink target */
  link?: string;
  dir?: boolean;
}

/** A deterministic tar (fixed mtime, owner, mode), compressed as asked. */
export async function makeTarball(entries: TarEntry[], compression: 'xz' | 'gzip' | 'none', mtime = new Date('2026-03-12T19:20:00Z')): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of entries) {
    const common = { name: e.path, mtime, uid: 0, gid: 0, uname: 'root', gname: 'root' };
    if (e.dir) p.entry({ ...common, type: 'directory', mode: 0o755 });
    else if (e.link != null) p.entry({ ...common, type: 'symlink', linkname: e.link, mode: 0o777 });
    else p.entry({ ...common, type: 'file', mode: 0o644 }, typeof e.content === 'string' ? Buffer.from(e.content) : e.content ?? Buffer.alloc(0));
  }
  p.finalize();
  await done;
  const tar = Buffer.concat(chunks);
  if (compression === 'none') return tar;
  if (compression === 'gzip') return gzipSync(tar, { level: 6 });
  const lzma = require('lzma-native') as { compress: (b: Buffer, opts: unknown, cb: (r: Buffer) => void) => void };
  return await new Promise<Buffer>((resolve) => lzma.compress(tar, { preset: 3 }, (r: Buffer) => resolve(Buffer.from(r))));
}
