/**
 * Hostile archives, built byte by byte (no compressor needed): zstd frames of raw and RLE blocks
 * (RFC 8878) that claim any window, and tar headers with any name, pax record or size. Each
 * generator writes a file and returns its path; nothing large is ever held in memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Window_Descriptor 0xA7: exponent 20, mantissa 7 → 1 GiB + 7/8 GiB = 2,013,265,920 bytes. */
export const HUGE_WINDOW_DESCRIPTOR = 0xa7;
export const HUGE_WINDOW = 2 ** 30 + 7 * 2 ** 27;

export type ZPart = { raw: Buffer } | { rle: number; n: number };

/** One zstd frame (no checksum, no content size) of raw and RLE blocks, with the given window descriptor. */
export function zstdFrame(parts: ZPart[], windowDescriptor = 0x38 /* 2^17 + 0: 128 KiB */): Buffer {
  const blocks: Buffer[] = [];
  const blockMax = 128 * 1024;
  const pieces: ({ raw: Buffer } | { rle: number; n: number })[] = [];
  for (const p of parts) {
    if ('raw' in p) for (let i = 0; i < p.raw.length || (i === 0 && p.raw.length === 0); i += blockMax) pieces.push({ raw: p.raw.subarray(i, i + blockMax) });
    else for (let left = p.n; left > 0; left -= blockMax) pieces.push({ rle: p.rle, n: Math.min(blockMax, left) });
  }
  if (pieces.length === 0) pieces.push({ raw: Buffer.alloc(0) });
  pieces.forEach((p, k) => {
    const last = k === pieces.length - 1 ? 1 : 0;
    const size = 'raw' in p ? p.raw.length : p.n;
    const type = 'raw' in p ? 0 : 1;
    const v = last | (type << 1) | (size << 3);
    blocks.push(Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]));
    blocks.push('raw' in p ? p.raw : Buffer.from([p.rle]));
  });
  return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, windowDescriptor]), ...blocks]);
}

/** A 512-byte tar header (ustar; GNU magic for type 'S'), checksum filled in. */
export function tarHeader(h: { name: string; size?: number; type?: string; linkname?: string; extra?: (b: Buffer) => void }): Buffer {
  const b = Buffer.alloc(512);
  b.write(h.name.slice(0, 100), 0, 'utf8');
  b.write('0000644\0', 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write((h.size ?? 0).toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  b.write('15000000000\0', 136, 'latin1');
  b.write(h.type ?? '0', 156, 'latin1');
  if (h.linkname) b.write(h.linkname.slice(0, 100), 157, 'utf8');
  if (h.type === 'S') b.write('ustar  \0', 257, 'latin1');
  else b.write('ustar\x0000', 257, 'latin1');
  h.extra?.(b);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

export const pad512 = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);

/** A tar member with its data and padding. */
export function tarMember(name: string, body: Buffer | string, type = '0', linkname?: string): Buffer {
  const d = Buffer.from(body);
  return Buffer.concat([tarHeader({ name, size: d.length, type, linkname }), d, pad512(d.length)]);
}

/** A pax record `LEN key=value\n` whose value is `head` + `fill` repeated n times, as zstd parts (RLE for the run). */
export function paxRecordParts(key: string, head: string, fill: number, n: number): { parts: ZPart[]; length: number } {
  const valueLen = Buffer.byteLength(head) + n;
  const body = ` ${key}=`.length + valueLen + 1;
  let len = body + String(body).length;
  if (String(len).length !== String(len - String(body).length).length) len = body + String(len).length;
  return { parts: [{ raw: Buffer.from(`${len} ${key}=${head}`) }, { rle: fill, n }, { raw: Buffer.from('\n') }], length: len };
}

/** Write zstd frames to a file one by one. */
export function writeFrames(path: string, frames: Iterable<Buffer>): void {
  const fd = openSync(path, 'w');
  try {
    for (const f of frames) writeSync(fd, f);
  } finally {
    closeSync(fd);
  }
}

export const BOMB_HOST = 'web01';
export const BOMB_LINE = (i: number) => `Mar 12 14:02:${String(i % 60).padStart(2, '0')} ${BOMB_HOST} kernel: TCP: time wait bucket table overflow\n`;

/** The 3 kB `.log.zst`: 40 frames, each one syslog line and a header claiming a 1.9 GB window. */
export function writeZstdLogBomb(path: string, frames = 40): void {
  writeFrames(path, Array.from({ length: frames }, (_, i) => zstdFrame([{ raw: Buffer.from(BOMB_LINE(i)) }], HUGE_WINDOW_DESCRIPTOR)));
}

/** A small sosreport tar (hostname, a messages file of `lines` lines). */
export function smallSosTar(root: string, lines = 200): Buffer {
  return Buffer.concat([
    tarMember(`${root}/sos_commands/host/hostname`, `${BOMB_HOST}\n`),
    tarMember(`${root}/var/log/messages`, Array.from({ length: lines }, (_, i) => BOMB_LINE(i)).join('')),
    Buffer.alloc(1024),
  ]);
}

/** The 20 kB `.tar.zst`: a small sosreport split over frames of 512 bytes, each claiming a 1.9 GB window. */
export function writeTarZstBomb(path: string, root: string): void {
  const tar = smallSosTar(root, 200);
  const frames: Buffer[] = [];
  for (let i = 0; i < tar.length; i += 512) frames.push(zstdFrame([{ raw: tar.subarray(i, i + 512) }], HUGE_WINDOW_DESCRIPTOR));
  writeFrames(path, frames);
}

/**
 * `.tar.zst` of `members` members, each preceded by a pax header whose path is `nameBytes` long
 * ('a' × n under the root), then a real hostname member: ~1.5 kB of zstd per member.
 */
export function writePaxNameBomb(path: string, root: string, members: number, nameBytes: number): void {
  const frames: Buffer[] = [];
  for (let i = 0; i < members; i++) {
    const rec = paxRecordParts('path', `${root}/var/log/`, 0x61, nameBytes);
    frames.push(zstdFrame([
      { raw: tarHeader({ name: `PaxHeaders/${i}`, size: rec.length, type: 'x' }) },
      ...rec.parts,
      { raw: pad512(rec.length) },
      { raw: tarMember(`${root}/var/log/m${i}`, 'x\n') },
    ]));
  }
  frames.push(zstdFrame([{ raw: tarMember(`${root}/sos_commands/host/hostname`, `${BOMB_HOST}\n`) },
    { raw: tarMember(`${root}/var/log/messages`, BOMB_LINE(1)) }, { raw: Buffer.alloc(1024) }]));
  writeFrames(path, frames);
}

/**
 * A `.tar.zst` whose one member has a path of `components` components ('a/' × n) in a pax record,
 * or (linkComponents) a symlink var/log/syslog whose pax linkpath has that many.
 */
export function writeDeepPathTar(path: string, root: string, components: number, linkComponents = 0): void {
  const parts: ZPart[] = [];
  // 'a/' repeated: an RLE run cannot alternate, so the raw text is written in 64 kB pieces.
  const piece = Buffer.from('a/'.repeat(32768));
  const recFor = (key: string, n: number) => {
    const value = Buffer.concat([Buffer.from(`${root}/`), ...Array.from({ length: Math.ceil(n / 32768) }, (_, k) => piece.subarray(0, 2 * Math.min(32768, n - k * 32768))), Buffer.from('x')]);
    const body = ` ${key}=`.length + value.length + 1;
    let len = body + String(body).length;
    if (String(len).length !== String(len - String(body).length).length) len = body + String(len).length;
    return Buffer.concat([Buffer.from(`${len} ${key}=`), value, Buffer.from('\n')]);
  };
  const rec = Buffer.concat([recFor('path', components), ...(linkComponents ? [recFor('linkpath', linkComponents)] : [])]);
  parts.push({ raw: tarHeader({ name: 'PaxHeaders/deep', size: rec.length, type: 'x' }) }, { raw: rec }, { raw: pad512(rec.length) });
  // (a link named like a log the planner reads, so that it is resolved)
  parts.push({ raw: linkComponents ? tarHeader({ name: `${root}/var/log/syslog`, type: '2', linkname: 'x' }) : tarMember(`${root}/var/log/deep`, 'x\n') });
  parts.push({ raw: tarMember(`${root}/sos_commands/host/hostname`, `${BOMB_HOST}\n`) }, { raw: tarMember(`${root}/var/log/messages`, BOMB_LINE(1)) }, { raw: Buffer.alloc(1024) });
  writeFrames(path, [zstdFrame(parts)]);
}

/**
 * Run the built CLI (dist/cli.js: `npm run build` first) in a child process and report its own
 * peak RSS (process.resourceUsage().maxRSS at exit: the kernel's high-water mark, exact).
 */
export async function runChild(repo: string, args: string[], timeoutMs = 120_000): Promise<{ code: number | null; err: string; maxRssMB: number; seconds: number }> {
  const { spawn } = await import('node:child_process');
  const cli = `${repo}/dist/cli.js`;
  const script = `const { main } = await import(${JSON.stringify(cli)});
const code = await main(JSON.parse(process.env.BS_ARGS));
process.stderr.write('\\nmaxrss-kb=' + process.resourceUsage().maxRSS + '\\n');
process.exit(code);`;
  const t0 = Date.now();
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BS_ARGS: JSON.stringify(args) } });
    let err = '';
    c.stderr.on('data', (d: Buffer) => { if (err.length < 1 << 20) err += d.toString(); });
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (code) => {
      clearTimeout(timer);
      const m = /\nmaxrss-kb=(\d+)\n/.exec(err);
      resolve({ code, err: err.replace(/\nmaxrss-kb=\d+\n/, ''), maxRssMB: m ? Number(m[1]) / 1024 : NaN, seconds: (Date.now() - t0) / 1000 });
    });
  });
}
