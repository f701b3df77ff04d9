import type { ChunkParser, LineParser, ParseContext } from '../model.js';
import { classifyMessage, ratelimitSummary, repeatSummary } from '../signatures.js';
import type { TableName } from '../store/load.js';
import { createSyslogParser, looksLikeSyslog } from './syslog.js';
import { createDmesgParser, looksLikeDmesg } from './dmesg.js';
import { createJournalJsonParser, looksLikeJournalJson } from './journal-json.js';
import { createJournalExportParser, looksLikeJournalExport } from './journal-export.js';
import { createJournalBinaryParser, looksLikeJournalFile } from './journal-binary.js';
import { createSlabinfoParser, looksLikeSlabinfo } from './slabinfo.js';
import { createSysctlParser, looksLikeSysctl } from './sysctl.js';
import { createSockstatParser, createSsSummaryParser, looksLikeSockstat, looksLikeSsSummary } from './sockstat.js';
import { createProcNetStatParser, createConntrackStatsParser, looksLikeConntrackStats, looksLikeProcNetStat } from './procstat.js';
import { createProcNetstatParser, looksLikeProcNetstat } from './netstat.js';
import { createNstatParser, looksLikeNstat } from './nstat.js';
import { createNetstatSParser, looksLikeNetstatS } from './netstat-s.js';
import { createSsParser, createNetstatSocketsParser, createProcTcpParser, looksLikeSs, looksLikeNetstatSockets, looksLikeProcTcp } from './ss.js';
import { createSarParser, looksLikeSar } from './sar.js';
import { createSadfParser, looksLikeSadf } from './sadf.js';

/**
 * Every input format bundlescope reads: the table it fills, its parser, and how to recognise
 * it by content. Detection tries formats in this order, so specific formats come first.
 */
export interface Format {
  kind: string;
  table: TableName;
  binary?: boolean;
  /** Format data carries no host of its own: a side file needs --host (or a host named in its path). */
  needsHost: boolean;
  create: (ctx: ParseContext) => LineParser<unknown> | ChunkParser<unknown>;
  looksLike?: (head: string) => boolean;
  /** One-line example of how a customer produces the file (README). */
  example: string;
}

export const FORMATS: Format[] = [
  { kind: 'journal-binary', table: 'log_events', binary: true, needsHost: false, create: createJournalBinaryParser, looksLike: looksLikeJournalFile, example: 'cp /var/log/journal/*/system.journal* . (binary journal files, as sos report --all-logs copies them)' },
  { kind: 'journal-export', table: 'log_events', binary: true, needsHost: false, create: createJournalExportParser, looksLike: looksLikeJournalExport, example: 'journalctl -o export > journal.export' },
  { kind: 'journal-json', table: 'log_events', needsHost: false, create: createJournalJsonParser, looksLike: looksLikeJournalJson, example: 'journalctl -o json > journal.json' },
  { kind: 'sadf', table: 'counter_samples', needsHost: false, create: createSadfParser, looksLike: looksLikeSadf, example: 'sadf -d /var/log/sa/sa09 -- -n TCP,ETCP,SOCK > sa09.csv' },
  { kind: 'sar', table: 'counter_samples', needsHost: false, create: createSarParser, looksLike: looksLikeSar, example: 'sar -n TCP,ETCP,SOCK -f /var/log/sa/sa09 > sar09.txt' },
  { kind: 'slabinfo', table: 'slab_samples', needsHost: true, create: createSlabinfoParser, looksLike: looksLikeSlabinfo, example: 'while sleep 10; do date; cat /proc/slabinfo; done > slab.log' },
  { kind: 'proc-netstat', table: 'counter_samples', needsHost: true, create: createProcNetstatParser, looksLike: looksLikeProcNetstat, example: 'while sleep 10; do date -u; cat /proc/net/netstat /proc/net/snmp; done > netstat.log' },
  { kind: 'nstat', table: 'counter_samples', needsHost: true, create: createNstatParser, looksLike: looksLikeNstat, example: 'while sleep 10; do date -u; nstat -az; done > nstat.log' },
  { kind: 'netstat-s', table: 'counter_samples', needsHost: true, create: createNetstatSParser, looksLike: looksLikeNetstatS, example: 'while sleep 10; do date -u; netstat -s; done > netstat-s.log' },
  { kind: 'ss-summary', table: 'counter_samples', needsHost: true, create: createSsSummaryParser, looksLike: looksLikeSsSummary, example: 'while sleep 10; do date -u; ss -s; done > ss-s.log' },
  { kind: 'sockstat', table: 'counter_samples', needsHost: true, create: createSockstatParser, looksLike: looksLikeSockstat, example: 'while sleep 10; do date -u; cat /proc/net/sockstat; done > sockstat.log' },
  { kind: 'ss', table: 'sockets', needsHost: true, create: (ctx) => createSsParser(ctx, ssOptionsFor(ctx.file)), looksLike: looksLikeSs, example: 'while sleep 30; do date -u; ss -tan; done > ss.log' },
  { kind: 'netstat-sockets', table: 'sockets', needsHost: true, create: createNetstatSocketsParser, looksLike: looksLikeNetstatSockets, example: 'netstat -W -neopa > netstat-sockets.txt' },
  { kind: 'dmesg', table: 'log_events', needsHost: true, create: createDmesgParser, looksLike: looksLikeDmesg, example: 'dmesg > dmesg.txt (or dmesg -T, dmesg --time-format iso)' },
  { kind: 'syslog', table: 'log_events', needsHost: false, create: createSyslogParser, looksLike: looksLikeSyslog, example: 'cp /var/log/messages* . (also journalctl -o short-iso > journal.txt, central rsyslog files)' },
  { kind: 'sysctl', table: 'sysctls', needsHost: true, create: (ctx) => createSysctlParser(ctx, 'sysctl-a'), looksLike: looksLikeSysctl, example: 'sysctl -a > sysctl.txt' },
  // Formats only taken from known places in a bundle (or with --as):
  { kind: 'sysctl-conf', table: 'sysctls', needsHost: true, create: (ctx) => createSysctlParser(ctx, 'sysctl.conf'), example: 'cat /etc/sysctl.conf /etc/sysctl.d/*.conf > sysctl.conf' },
  { kind: 'proc-tcp', table: 'sockets', needsHost: true, create: createProcTcpParser, looksLike: looksLikeProcTcp, example: 'cat /proc/net/tcp /proc/net/tcp6 > proc-tcp.txt' },
  { kind: 'nf_conntrack-stat', table: 'counter_samples', needsHost: true, create: (ctx) => createProcNetStatParser(ctx, 'nf_conntrack'), looksLike: (h) => looksLikeProcNetStat(h) && !/table_fulls/.test(h), example: 'cat /proc/net/stat/nf_conntrack' },
  { kind: 'arp_cache-stat', table: 'counter_samples', needsHost: true, create: (ctx) => createProcNetStatParser(ctx, 'arp_cache'), looksLike: (h) => looksLikeProcNetStat(h) && /table_fulls/.test(h), example: 'cat /proc/net/stat/arp_cache' },
  { kind: 'ndisc_cache-stat', table: 'counter_samples', needsHost: true, create: (ctx) => createProcNetStatParser(ctx, 'ndisc_cache'), example: 'cat /proc/net/stat/ndisc_cache' },
  { kind: 'conntrack-s', table: 'counter_samples', needsHost: true, create: createConntrackStatsParser, looksLike: looksLikeConntrackStats, example: 'conntrack -S > conntrack-S.txt' },
];

export const FORMAT_BY_KIND = new Map(FORMATS.map((f) => [f.kind, f]));

/**
 * `ss -tan state time-wait` prints no State column; a file named for it (`ss-timewait.log`,
 * `ss_tw.txt`) says which state its sockets are in.
 */
function ssOptionsFor(file: string): { state?: string } {
  const name = file.replace(/^.*[\\/]/, '');
  return /time-?wait|[-_.]tw([-_.]|$)/i.test(name) ? { state: 'TIME_WAIT' } : {};
}

/** The format of a side file from its first bytes, or null. */
export function detectFormat(head: string): Format | null {
  for (const f of FORMATS) {
    if (f.looksLike && f.looksLike(head)) return f;
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
