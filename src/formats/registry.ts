import { classifyMessage, ratelimitSummary, repeatSummary } from '../signatures.js';
import type { TableName } from '../store/load.js';
import type { Format } from './format.js';
import { journalBinary } from './journal-binary/index.js';
import { journalExport } from './journal-export/index.js';
import { journalJson } from './journal-json/index.js';
import { sadf } from './sadf/index.js';
import { sadfXml } from './sadf-xml/index.js';
import { sar } from './sar/index.js';
import { slabinfo } from './slabinfo/index.js';
import { procNetstat } from './proc-netstat/index.js';
import { nstat } from './nstat/index.js';
import { netstatS } from './netstat-s/index.js';
import { sockstat, ssSummary } from './sockstat/index.js';
import { netstatSockets, procTcp, ss } from './sockets/index.js';
import { dmesg } from './dmesg/index.js';
import { syslog } from './syslog/index.js';
import { sysctl, sysctlConf } from './sysctl/index.js';
import { arpCacheStat, conntrackS, ndiscCacheStat, nfConntrackStat } from './proc-net-stat/index.js';

export type { Format } from './format.js';

/** A format entry, type-checked against its own table (its parser gives that table's rows). */
function def<T extends TableName>(f: Format<T>): Format {
  return f as unknown as Format;
}

/**
 * Every input format bundlescope reads, one folder each (src/formats/<kind>/index.ts holds its
 * Format object). Detection tries formats in this order, so specific formats come first.
 */
export const FORMATS: Format[] = [
  def(journalBinary),
  def(journalExport),
  def(journalJson),
  def(sadf),
  def(sadfXml),
  def(sar),
  def(slabinfo),
  def(procNetstat),
  def(nstat),
  def(netstatS),
  def(ssSummary),
  def(sockstat),
  def(ss),
  def(netstatSockets),
  def(dmesg),
  def(syslog),
  def(sysctl),
  // Formats only taken from known places in a bundle (or with --as):
  def(sysctlConf),
  def(procTcp),
  def(nfConntrackStat),
  def(arpCacheStat),
  def(ndiscCacheStat),
  def(conntrackS),
];

export const FORMAT_BY_KIND = new Map(FORMATS.map((f) => [f.kind, f]));

/** The format of a side file from its first bytes, or null. */
export function detectFormat(head: string): Format | null {
  for (const f of FORMATS) {
    if (f.detect && f.detect(head)) return f;
  }
  // Last resort: pasted kernel lines with no usable stamp (a ticket excerpt, a logread fragment)
  // still carry overflow messages worth counting; the dmesg parser reads them (ts unknown).
  if (looksLikeKernelFragment(head)) return FORMAT_BY_KIND.get('dmesg') ?? null;
  return null;
}

const KERNEL_PREFIX = /^(?:[a-z]+\.[a-z]+\s+)?(?:kernel:\s+)?/;
/** A printk stamp, or the start most kernel messages have: a subsystem or device and `: ` (`e1000e 0000:00:19.0 eth0: …`, `usb-storage: …`). */
const KERNEL_SHAPE = /^(?:\[\s*\d+\.\d+\]|[\w.:/()[\]-]+(?: [\w.:/()[\]#-]+){0,3}: \S)/;

/**
 * Kernel lines pasted without any header (a ticket excerpt, a logread fragment, dmesg of a kernel
 * without CONFIG_PRINTK_TIME, bare `Neighbour table overflow.` lines): among the first 200
 * non-blank lines, after an optional `kern.info kernel:` tag, at least one whole line is an
 * overflow or ratelimit message, and at least half of them are such lines or look like kernel
 * messages (a printk stamp, a `kernel:` tag, or `subsystem: text`). The share keeps out prose that
 * quotes a message on a line of its own (a how-to, a README): its other lines are sentences.
 */
export function looksLikeKernelFragment(head: string): boolean {
  if (/[\x00-\x08\x0e-\x1a]/.test(head.slice(0, 4096))) return false;
  let lines = 0;
  let hits = 0;
  let kernelish = 0;
  for (const raw of head.split('\n', 1000)) {
    const l = raw.trim();
    if (l === '') continue;
    if (++lines > 200) {
      lines = 200;
      break;
    }
    if (l.length > 400) continue;
    const tag = KERNEL_PREFIX.exec(l)![0].length;
    const m = tag ? l.slice(tag) : l;
    if (classifyMessage(m) != null || ratelimitSummary(m) != null) hits++;
    else if (tag > 0 || KERNEL_SHAPE.test(m) || repeatSummary(m) != null) kernelish++;
  }
  return hits > 0 && (hits + kernelish) * 2 >= lines;
}
