/** Advice that tells the user what to run on a file (a refusal's message): shell words, and how to decompress it first. */
import { basename } from 'node:path';
import { fileCompression, type Compression } from './decompress.js';

const UNPACK: Record<Exclude<Compression, 'none'>, { tool: string; ext: RegExp }> = {
  gzip: { tool: 'gzip', ext: /\.gz$/i }, xz: { tool: 'xz', ext: /\.xz$/i }, bzip2: { tool: 'bzip2', ext: /\.bz2$/i }, zstd: { tool: 'zstd', ext: /\.zst$/i },
};

/**
 * For a message that says what to run on a file: its name once decompressed, and the command that
 * decompresses it first (`zstd -dc 'system.journal.zst' > 'system.journal'`, then ) when it is
 * compressed; for a plain file its own name and nothing first.
 */
export function unpackAdvice(path: string): { first: string; name: string } {
  const file = basename(path);
  let c: Compression = 'none';
  try {
    c = fileCompression(path);
  } catch {
    /* unreadable now: advise as for a plain file */
  }
  if (c === 'none') return { first: '', name: file };
  const u = UNPACK[c];
  const name = u.ext.test(file) ? file.replace(u.ext, '') : `${file}.out`;
  return { first: `decompress it (\`${u.tool} -dc ${shellWord(file)} > ${shellWord(name)}\`), then `, name };
}

/** A file name as one shell word, in single quotes (a quote inside closed, escaped, reopened). */
export function shellWord(name: string): string {
  return `'${name.replace(/'/g, "'\\''")}'`;
}
