import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

/** A byte size as people write it: `134217728`, `128M`, `128MiB`, `1.5G` (binary units), or null when it is not one. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return null;
  const unit = UNITS[m[2]!.toLowerCase()];
  if (unit == null) return null;
  const n = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** A commander option parser for a byte size: a usage error (exit 2) that says what is valid. */
export function sizeOption(value: string): number {
  const n = parseByteSize(value);
  if (n == null) throw new InvalidArgumentError('expected a positive size in bytes, or with a unit: 10k, 128M, 1G (binary: k = 1024)');
  return n;
}
