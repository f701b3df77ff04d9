import type { Issue, ParseContext } from '../model.js';
import { classifyMessage, ratelimitSummary, repeatSummary } from '../signatures.js';
import type { TableName } from '../store/load.js';
import type { Format } from './format.js';
import { issue } from '../ingest/lines.js';
import { shortHost } from '../ingest/sosreport.js';
import { syslogSqlLoader } from '../ingest/syslog-fast.js';
import { journalJsonSqlLoader } from '../ingest/journal-fast.js';
import { createSyslogParser, looksLikeSyslog } from '../ingest/syslog.js';
import { createDmesgParser, looksLikeDmesg } from '../ingest/dmesg.js';
import { createJournalJsonParser, looksLikeJournalJson } from '../ingest/journal-json.js';
import { createJournalExportParser, looksLikeJournalExport } from '../ingest/journal-export.js';
import { createJournalBinaryParser, looksLikeJournalFile } from '../ingest/journal-binary.js';
import { createSlabinfoParser, looksLikeSlabinfo } from '../ingest/slabinfo.js';
import { createSysctlParser, looksLikeSysctl } from '../ingest/sysctl.js';
import { createSockstatParser, createSsSummaryParser, looksLikeSockstat, looksLikeSsSummary } from '../ingest/sockstat.js';
import { createProcNetStatParser, createConntrackStatsParser, looksLikeConntrackStats, looksLikeProcNetStat } from '../ingest/procstat.js';
import { createProcNetstatParser, looksLikeProcNetstat } from '../ingest/netstat.js';
import { createNstatParser, looksLikeNstat } from '../ingest/nstat.js';
import { createNetstatSParser, looksLikeNetstatS } from '../ingest/netstat-s.js';
import { createSsParser, createNetstatSocketsParser, createProcTcpParser, looksLikeSs, looksLikeNetstatSockets, looksLikeProcTcp } from '../ingest/ss.js';
import { createSarParser, looksLikeSar, parseSarHeader, type SarParser } from '../ingest/sar.js';
import { createSadfParser, looksLikeSadf } from '../ingest/sadf.js';
import { sadfXml } from './sadf-xml/index.js';
import { SAMPLES } from './samples.js';

export type { Format } from './format.js';

/** A format entry, type-checked against its own table (its parser gives that table's rows). */
function def<T extends TableName>(f: Format<T>): Format {
  return f as unknown as Format;
}

/** A journal names its host in every entry (_HOSTNAME): the first one in the head. */
function journalHost(head: string): string | null {
  const m = /"?_HOSTNAME"?\s*[=:]\s*"?([\w.-]+)/.exec(head);
  return m ? shortHost(m[1]!) : null;
}

/** sar's header line (`Linux 5.14.0 (web01.example.com) 03/09/2026 _x86_64_ (2 CPU)`). */
function sarHost(head: string): string | null {
  for (const l of head.split('\n', 5)) {
    const h = parseSarHeader(l);
    if (h?.host) return shortHost(h.host);
  }
  return null;
}

/** sadf -d / -p rows start with the host name (`web01;600;2026-03-09 14:00:00 UTC;…`). */
function sadfHost(head: string): string | null {
  const m = /^(?!#)([A-Za-z0-9][\w.-]*)[;\t]-?\d+[;\t]/m.exec(head);
  return m ? shortHost(m[1]!) : null;
}

/** sar and sadf files: record which activities were there, so "no TCP data" is not read as zero. */
function sarNotes(parser: unknown, ctx: ParseContext): Issue[] {
  const activities = (parser as SarParser).activities; // (the parser this format created: a SarParser)
  if (activities.size === 0 || activities.has('TCP')) return [];
  return [issue('no-tcp-activity', ctx.file, null, `activities: ${[...activities].sort().join(', ')}`,
    'TCP/ETCP activity (sadc runs without -S SNMP by default): no connection rates from this file', 'warning')];
}

/**
 * Every input format bundlescope reads: the table it fills, its parser, and how to recognise
 * it by content. Detection tries formats in this order, so specific formats come first.
 */
export const FORMATS: Format[] = [
  def({ kind: 'journal-binary', table: 'log_events', needsHost: false, parser: { bytes: createJournalBinaryParser }, detect: looksLikeJournalFile, example: 'cp /var/log/journal/*/system.journal* . (binary journal files, as sos report --all-logs copies them)', hostFromHead: journalHost, samples: [] }),
  def({ kind: 'journal-export', table: 'log_events', needsHost: false, parser: { bytes: createJournalExportParser }, detect: looksLikeJournalExport, example: 'journalctl -o export > journal.export', hostFromHead: journalHost, samples: [] }),
  def({ kind: 'journal-json', table: 'log_events', needsHost: false, parser: { lines: createJournalJsonParser }, detect: looksLikeJournalJson, example: 'journalctl -o json > journal.json', hostFromHead: journalHost, sqlLoader: journalJsonSqlLoader, samples: SAMPLES['journal-json']! }),
  def({ kind: 'sadf', table: 'counter_samples', needsHost: false, parser: { lines: createSadfParser }, detect: looksLikeSadf, example: 'sadf -d /var/log/sa/sa09 -- -n TCP,ETCP,SOCK > sa09.csv', hostFromHead: sadfHost, notes: sarNotes, samples: [] }),
  def(sadfXml),
  def({ kind: 'sar', table: 'counter_samples', needsHost: false, parser: { lines: createSarParser }, detect: looksLikeSar, example: 'sar -n TCP,ETCP,SOCK -f /var/log/sa/sa09 > sar09.txt', hostFromHead: sarHost, notes: sarNotes, samples: [] }),
  def({ kind: 'slabinfo', table: 'slab_samples', needsHost: true, parser: { lines: createSlabinfoParser }, detect: looksLikeSlabinfo, example: 'while sleep 10; do date; cat /proc/slabinfo; done > slab.log', samples: SAMPLES['slabinfo']! }),
  def({ kind: 'proc-netstat', table: 'counter_samples', needsHost: true, parser: { lines: createProcNetstatParser }, detect: looksLikeProcNetstat, example: 'while sleep 10; do date -u; cat /proc/net/netstat /proc/net/snmp; done > netstat.log', samples: SAMPLES['proc-netstat']! }),
  def({ kind: 'nstat', table: 'counter_samples', needsHost: true, parser: { lines: createNstatParser }, detect: looksLikeNstat, example: 'while sleep 10; do date -u; nstat -az; done > nstat.log', samples: SAMPLES['nstat']! }),
  def({ kind: 'netstat-s', table: 'counter_samples', needsHost: true, parser: { lines: createNetstatSParser }, detect: looksLikeNetstatS, example: 'while sleep 10; do date -u; netstat -s; done > netstat-s.log', samples: SAMPLES['netstat-s']! }),
  def({ kind: 'ss-summary', table: 'counter_samples', needsHost: true, parser: { lines: createSsSummaryParser }, detect: looksLikeSsSummary, example: 'while sleep 10; do date -u; ss -s; done > ss-s.log', samples: [] }),
  def({ kind: 'sockstat', table: 'counter_samples', needsHost: true, parser: { lines: createSockstatParser }, detect: looksLikeSockstat, example: 'while sleep 10; do date -u; cat /proc/net/sockstat; done > sockstat.log', samples: SAMPLES['sockstat']! }),
  def({ kind: 'ss', table: 'sockets', needsHost: true, parser: { lines: (ctx) => createSsParser(ctx, ssOptionsFor(ctx.file)) }, detect: looksLikeSs, example: 'while sleep 30; do date -u; ss -tan; done > ss.log', samples: SAMPLES['ss']! }),
  def({ kind: 'netstat-sockets', table: 'sockets', needsHost: true, parser: { lines: createNetstatSocketsParser }, detect: looksLikeNetstatSockets, example: 'netstat -W -neopa > netstat-sockets.txt', samples: [] }),
  def({ kind: 'dmesg', table: 'log_events', needsHost: true, parser: { lines: createDmesgParser }, detect: looksLikeDmesg, example: 'dmesg > dmesg.txt (or dmesg -T, dmesg --time-format iso)', samples: SAMPLES['dmesg']! }),
  def({ kind: 'syslog', table: 'log_events', needsHost: false, parser: { lines: createSyslogParser }, detect: looksLikeSyslog, example: 'cp /var/log/messages* . (also journalctl -o short-iso > journal.txt, central rsyslog files)', sqlLoader: syslogSqlLoader, samples: SAMPLES['syslog']! }),
  def({ kind: 'sysctl', table: 'sysctls', needsHost: true, parser: { lines: (ctx) => createSysctlParser(ctx, 'sysctl-a') }, detect: looksLikeSysctl, example: 'sysctl -a > sysctl.txt', samples: SAMPLES['sysctl']! }),
  // Formats only taken from known places in a bundle (or with --as):
  def({ kind: 'sysctl-conf', table: 'sysctls', needsHost: true, parser: { lines: (ctx) => createSysctlParser(ctx, 'sysctl.conf') }, example: 'cat /etc/sysctl.conf /etc/sysctl.d/*.conf > sysctl.conf', samples: [] }),
  def({ kind: 'proc-tcp', table: 'sockets', needsHost: true, parser: { lines: createProcTcpParser }, detect: looksLikeProcTcp, example: 'cat /proc/net/tcp /proc/net/tcp6 > proc-tcp.txt', samples: [] }),
  def({ kind: 'nf_conntrack-stat', table: 'counter_samples', needsHost: true, parser: { lines: (ctx) => createProcNetStatParser(ctx, 'nf_conntrack') }, detect: (h) => looksLikeProcNetStat(h) && !/table_fulls/.test(h), example: 'cat /proc/net/stat/nf_conntrack', samples: SAMPLES['nf_conntrack-stat']! }),
  def({ kind: 'arp_cache-stat', table: 'counter_samples', needsHost: true, parser: { lines: (ctx) => createProcNetStatParser(ctx, 'arp_cache') }, detect: (h) => looksLikeProcNetStat(h) && /table_fulls/.test(h), example: 'cat /proc/net/stat/arp_cache', samples: [] }),
  def({ kind: 'ndisc_cache-stat', table: 'counter_samples', needsHost: true, parser: { lines: (ctx) => createProcNetStatParser(ctx, 'ndisc_cache') }, example: 'cat /proc/net/stat/ndisc_cache', samples: [] }),
  def({ kind: 'conntrack-s', table: 'counter_samples', needsHost: true, parser: { lines: createConntrackStatsParser }, detect: looksLikeConntrackStats, example: 'conntrack -S > conntrack-S.txt', samples: [] }),
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
