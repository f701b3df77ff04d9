/** The sha256 that identifies an input (sources.sha256: a rerun of the same bytes is a no-op). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export function sha256(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** A file's sha256, read in chunks (never whole in memory). */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}
