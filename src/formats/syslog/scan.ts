/**
 * The one JavaScript read of a syslog input before the SQL loader takes it (sql-loader.ts): its
 * sha256, and whether its lines can take the SQL path at all (LineStats), chunk by chunk.
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import { MAX_LINE } from '../kit/lines.js';
import { REPEAT_PREFIX } from '../kit/sql-load.js';
import { decompressor } from '../../io/decompress.js';

/** What the line checks found (LineCheck). */
export interface LineStats {
  /** Every line starts with [A-Z0-9], '-', a space or a tab, or is empty; no NUL, CR or \x1f; valid UTF-8; at least one line. */
  fits: boolean;
  lines: number;
  /** Lines starting with a digit (RFC 3339 candidates); the others start with a capital (RFC 3164). */
  digitStarts: number;
  /** Lines starting with '-' (journalctl separators `-- … --`; any other such line is not read by the SQL). */
  dashStarts: number;
  /** Lines starting with a space or a tab (continuation lines), or empty. */
  contStarts: number;
  /**
   * The bytes hold sysklogd's repeat summary text (`last message repeated `, kit/sql-load.ts
   * REPEAT_PREFIX): only then are such lines looked for among the overflow candidates (a search
   * of every line for it costs ~80 ms per 1M lines in SQL, here a few ms beside the hash).
   */
  repeatSummaries: boolean;
}

export interface SyslogScan extends LineStats {
  sha256: string;
}

const MAX_CARRY = 4 * MAX_LINE;
const REPEAT_NEEDLE = Buffer.from(REPEAT_PREFIX);

function lineStart(b: number): boolean {
  return (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b === 45 || b === 32 || b === 9 || b === 10;
}

const isDigit = (b: number) => b >= 48 && b <= 57;

export interface ScanOptions {
  /**
   * The file is gzip or zstd (both DuckDB reads itself): the lines are checked after decompression
   * (the sha256 is of the decompressed bytes).
   */
  compression?: 'gzip' | 'zstd';
  /** More decompressed bytes than this: does not fit (the line parser reports the limit). */
  maxBytes?: number;
}

/**
 * The line checks of the fast path over a file's bytes, chunk by chunk (see LineStats; UTF-8 is
 * checked a whole line at a time).
 */
class LineCheck {
  fits = true;
  lines = 0;
  digitStarts = 0;
  dashStarts = 0;
  contStarts = 0;
  repeatSummaries = false;
  private atStart = true; // the next byte begins a line
  private tail: Buffer | null = null; // the last bytes of the previous chunk (a repeat summary text across two chunks)
  private lastByte = 10;
  private carry: Buffer | null = null; // bytes after the last newline seen (checked for UTF-8 once the line ends)

  push(chunk: Buffer): void {
    if (!this.fits || chunk.length === 0) return;
    if (!this.repeatSummaries) {
      if (chunk.indexOf(REPEAT_NEEDLE) >= 0
        || (this.tail && Buffer.concat([this.tail, chunk.subarray(0, REPEAT_NEEDLE.length - 1)]).indexOf(REPEAT_NEEDLE) >= 0)) this.repeatSummaries = true;
      else this.tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - REPEAT_NEEDLE.length + 1)));
    }
    if (chunk.indexOf(0) >= 0 || chunk.indexOf(13) >= 0 || chunk.indexOf(0x1f) >= 0 || (this.atStart && !lineStart(chunk[0]!))) {
      this.fits = false;
      return;
    }
    if (this.atStart) this.countStart(chunk[0]!);
    const firstNl = chunk.indexOf(10);
    let lastNl = -1;
    for (let nl = firstNl; nl >= 0; nl = chunk.indexOf(10, nl + 1)) {
      this.lines++;
      lastNl = nl;
      if (nl + 1 < chunk.length) {
        const b = chunk[nl + 1]!;
        if (!lineStart(b)) {
          this.fits = false;
          return;
        }
        this.countStart(b);
      }
    }
    this.lastByte = chunk[chunk.length - 1]!;
    this.atStart = this.lastByte === 10;
    if (firstNl < 0) {
      this.carry = this.carry ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk);
      if (this.carry.length > MAX_CARRY) this.fits = false;
      return;
    }
    const head = chunk.subarray(0, firstNl);
    if (!isUtf8(this.carry ? Buffer.concat([this.carry, head]) : head) || !isUtf8(chunk.subarray(firstNl + 1, lastNl))) this.fits = false;
    this.carry = lastNl + 1 < chunk.length ? Buffer.from(chunk.subarray(lastNl + 1)) : null;
  }

  private countStart(b: number): void {
    if (isDigit(b)) this.digitStarts++;
    else if (b === 45) this.dashStarts++;
    else if (b === 32 || b === 9 || b === 10) this.contStarts++;
  }

  finish(): LineStats {
    if (this.carry && !isUtf8(this.carry)) this.fits = false;
    if (this.lastByte !== 10) this.lines++;
    if (this.lines === 0) this.fits = false;
    return {
      fits: this.fits, lines: this.lines, digitStarts: this.digitStarts, dashStarts: this.dashStarts, contStarts: this.contStarts,
      repeatSummaries: this.repeatSummaries,
    };
  }
}

/** sha256 of the file and whether its lines can take the fast path, in one read. */
export async function scanSyslog(path: string, onBytes?: (bytes: number) => void, opts: ScanOptions = {}): Promise<SyslogScan> {
  const hash = createHash('sha256');
  const check = new LineCheck();
  let bytes = 0;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = opts.compression ? raw.pipe(opts.compression === 'gzip' ? createGunzip({ chunkSize: 1 << 20 }) : decompressor('zstd')) : raw;
  if (opts.compression) {
    raw.on('error', (e) => input.destroy(e));
    input.on('error', () => {}); // (the loop below gets it; no late event goes unhandled)
  }
  for await (const c of input) {
    const chunk = c as Buffer;
    hash.update(chunk);
    bytes += chunk.length;
    onBytes?.(bytes);
    if (opts.maxBytes != null && bytes > opts.maxBytes) {
      check.fits = false;
      input.destroy();
      raw.destroy();
      break;
    }
    check.push(chunk);
  }
  return { sha256: hash.digest('hex'), ...check.finish() };
}

/** Whether a bundle member's bytes can take the fast path (the same checks as scanSyslog). */
export function scanSyslogBuffer(data: Buffer): LineStats {
  const check = new LineCheck();
  check.push(data);
  return check.finish();
}
