/**
 * Zip archives written byte by byte, for the traps a zip writer would never produce: each
 * central-directory field can be set to a lie. Stored (method 0) members only, no data descriptor.
 */
import { crc32 } from 'node:zlib';

export interface RawMember {
  name: string;
  data: Buffer | string;
  /** Put this member's local header and data in the file (false: a central entry only, e.g. for overlaps). */
  local?: boolean;
  /** Central-directory lies (default: the truth). */
  cdName?: string;
  cdOffset?: number | ((offsets: number[]) => number);
  cdCompressed?: number;
  cdUncompressed?: number;
  /** Local-header lies. */
  lhUncompressed?: number;
}

export function localHeader(name: Buffer, data: Buffer, crc: number, uncompressed: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4); // version needed
  h.writeUInt16LE(0x800, 6); // UTF-8 names
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(0x5c6c, 12); // 2026-03-12
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(data.length, 18);
  h.writeUInt32LE(uncompressed, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, name]);
}

function centralHeader(name: Buffer, crc: number, compressed: number, uncompressed: number, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(0x031e, 4); // made by: unix, 3.0
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x800, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(0, 12);
  h.writeUInt16LE(0x5c6c, 14);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(compressed, 20);
  h.writeUInt32LE(uncompressed, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

/** A stored zip of these members; `cdCount` makes the end record claim another entry count. */
export function rawZip(members: RawMember[], opts: { cdCount?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  const infos = members.map((m) => {
    const data = Buffer.from(m.data);
    const crc = crc32(data) >>> 0;
    offsets.push(at);
    if (m.local !== false) {
      const lh = localHeader(Buffer.from(m.name), data, crc, m.lhUncompressed ?? data.length);
      parts.push(lh, data);
      at += lh.length + data.length;
    }
    return { m, data, crc };
  });
  const cdStart = at;
  let cdSize = 0;
  infos.forEach(({ m, data, crc }, i) => {
    const off = typeof m.cdOffset === 'function' ? m.cdOffset(offsets) : m.cdOffset ?? offsets[i]!;
    const c = centralHeader(Buffer.from(m.cdName ?? m.name), crc, m.cdCompressed ?? data.length, m.cdUncompressed ?? data.length, off);
    parts.push(c);
    cdSize += c.length;
  });
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(opts.cdCount ?? members.length, 8);
  end.writeUInt16LE(opts.cdCount ?? members.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}
