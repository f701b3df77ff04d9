/**
 * sysstat's binary data files (sadc's `/var/log/sa/saDD`, `/var/log/sysstat/saDD`) are refused:
 * their layout depends on the sysstat version that wrote them. The refusal says how to turn one
 * into the text the sar / sadf formats read. (The sar format's `refuses` hook: index.ts.)
 */
import { InputError } from '../../errors.js';
import { shellWord, unpackAdvice } from '../../io/unpack.js';

/**
 * A binary sa file: SYSSTAT_MAGIC 0xd596 and a format magic 0x2170–0x217f in the machine's byte
 * order, then the version of the sysstat that wrote it (major, minor, patch bytes). Seen in
 * sysstat 9.1 to 12.7 files, x86 and ppc.
 */
export function sysstatBinary(head: Buffer): { version: string; bigEndian: boolean } | null {
  if (head.length < 8) return null;
  const le = head[0] === 0x96 && head[1] === 0xd5 && head[3] === 0x21 && (head[2]! & 0xf0) === 0x70;
  const be = head[0] === 0xd5 && head[1] === 0x96 && head[2] === 0x21 && (head[3]! & 0xf0) === 0x70;
  if (!le && !be) return null;
  return { version: `${head[4]}.${head[5]}.${head[6]}`, bigEndian: be };
}

/** The refusal of a binary sa file, with the sadf command that exports it. */
export function refuseSysstatBinary(head: Buffer, path: string): InputError | null {
  const sa = sysstatBinary(head);
  if (!sa) return null;
  const { first, name } = unpackAdvice(path);
  const q = shellWord;
  return new InputError('unknown-format',
    `a binary sysstat file (saDD; its header names sysstat ${sa.version}${sa.bigEndian ? ', big-endian' : ''}), whose layout depends on the version: `
    + `${first}export it with \`sadf -d ${q(name)} -- -A > ${q(name + '.csv')}\` using that sysstat (a newer one may first need \`sadf -c ${q(name)} > ${q(name + '.new')}\`) and ingest the .csv`, path);
}
