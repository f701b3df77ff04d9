import type { Issue, ParseContext } from '../model.js';
import { classifyMessage, ratelimitSummary, repeatSummary } from '../signatures.js';
import type { TableName } from '../store/load.js';
import type { Format } from './format.js';
import { issue } from '../ingest/lines.js';
import { shortHost } from '../store/hosts.js';
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
import { refuseSysstatBinary } from './sysstat-binary.js';
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
 * Where sos puts syslog text: /var/log files (rotated ones too, not those compressed by xz, bzip2
 * or zstd, which the bundle reader decompresses on its own), and journalctl's text output — the
 * whole journal, or else only its --boot outputs (never --disk-usage, --list-boots, verbose or
 * another --output).
 */
const JOURNAL_TEXT = String.raw`^journalctl_(?!.*(?:disk-usage|list-boots|verbose|--output|_-o_))`;
const SYSLOG_SOS = [
  { example: 'var/log/messages', step: 30, dir: 'var/log', name: /^(?:messages|syslog|kern\.log)(?:[.-][\w.-]*)?$(?<!\.(?:xz|bz2|zst))/ },
  { example: 'sos_commands/logs/journalctl_--no-pager', step: 50, dir: 'sos_commands/logs', name: new RegExp(JOURNAL_TEXT + '(?!.*(?:--boot|--this-boot))'), choice: 'journal' },
  { example: 'sos_commands/logs/journalctl_--no-pager_--boot', step: 51, dir: 'sos_commands/logs', name: new RegExp(JOURNAL_TEXT + '(?=.*(?:--boot|--this-boot))'), choice: 'journal' },
];

/**
 * Every input format bundlescope reads: the table it fills, its parser, and how to recognise
 * it by content. Detection tries formats in this order, so specific formats come first.
 */
export const FORMATS: Format[] = [
  def({ kind: 'journal-binary', table: 'log_events', needsHost: false, parser: { bytes: createJournalBinaryParser }, detect: looksLikeJournalFile, example: 'cp /var/log/journal/*/system.journal* . (binary journal files, as sos report --all-logs copies them)', hostFromHead: journalHost, sos: [{ example: 'var/log/journal/0123456789abcdef0123456789abcdef/system.journal', step: 60, dir: 'var/log/journal', nested: true, name: /\.journal~?$/ }], samples: [] }),
  def({ kind: 'journal-export', table: 'log_events', needsHost: false, parser: { bytes: createJournalExportParser }, detect: looksLikeJournalExport, example: 'journalctl -o export > journal.export', hostFromHead: journalHost, samples: [] }),
  def({ kind: 'journal-json', table: 'log_events', needsHost: false, parser: { lines: createJournalJsonParser }, detect: looksLikeJournalJson, example: 'journalctl -o json > journal.json', hostFromHead: journalHost, sqlLoader: journalJsonSqlLoader, samples: SAMPLES['journal-json']! }),
  def({ kind: 'sadf', table: 'counter_samples', needsHost: false, parser: { lines: createSadfParser }, detect: looksLikeSadf, example: 'sadf -d /var/log/sa/sa09 -- -n TCP,ETCP,SOCK > sa09.csv', hostFromHead: sadfHost, notes: sarNotes, samples: [] }),
  def(sadfXml),
  def({ kind: 'sar', table: 'counter_samples', needsHost: false, parser: { lines: createSarParser }, detect: looksLikeSar, example: 'sar -n TCP,ETCP,SOCK -f /var/log/sa/sa09 > sar09.txt', hostFromHead: sarHost, notes: sarNotes, refuses: refuseSysstatBinary, sos: [{ example: 'var/log/sa/sar09', step: 170, dir: 'var/log/sa', name: /^sar\d+$/ }, { example: 'var/log/sysstat/sar09', step: 171, dir: 'var/log/sysstat', name: /^sar\d+$/ }, { example: 'sos_commands/sar/sar09', step: 172, dir: 'sos_commands/sar', name: /^sar\d+$/, newNamesOnly: true }], samples: [] }),
  def({ kind: 'slabinfo', table: 'slab_samples', needsHost: true, parser: { lines: createSlabinfoParser }, detect: looksLikeSlabinfo, example: 'while sleep 10; do date; cat /proc/slabinfo; done > slab.log', sos: [{ example: 'proc/slabinfo', step: 70, path: 'proc/slabinfo' }], samples: SAMPLES['slabinfo']! }),
  def({ kind: 'proc-netstat', table: 'counter_samples', needsHost: true, parser: { lines: createProcNetstatParser }, detect: looksLikeProcNetstat, example: 'while sleep 10; do date -u; cat /proc/net/netstat /proc/net/snmp; done > netstat.log', sos: [{ example: 'proc/net/netstat', step: 90, path: 'proc/net/netstat' }, { example: 'proc/net/snmp', step: 91, path: 'proc/net/snmp' }, { example: 'proc/net/snmp6', step: 92, path: 'proc/net/snmp6' }], samples: SAMPLES['proc-netstat']! }),
  def({ kind: 'nstat', table: 'counter_samples', needsHost: true, parser: { lines: createNstatParser }, detect: looksLikeNstat, example: 'while sleep 10; do date -u; nstat -az; done > nstat.log', sos: [{ example: 'sos_commands/networking/nstat_-zas', step: 120, dir: 'sos_commands/networking', name: /^nstat_-\w+$/, first: true }, { example: 'sos_commands/networking/ip_netns_exec_blue_nstat_-az', netns: /^nstat_-[a-z]+$/ }], samples: SAMPLES['nstat']! }),
  def({ kind: 'netstat-s', table: 'counter_samples', needsHost: true, parser: { lines: createNetstatSParser }, detect: looksLikeNetstatS, example: 'while sleep 10; do date -u; netstat -s; done > netstat-s.log', sos: [{ example: 'sos_commands/networking/netstat_-s', step: 110, path: 'sos_commands/networking/netstat_-s' }, { example: 'sos_commands/networking/ip_netns_exec_blue_netstat_-s', netns: /^netstat_-s$/ }], samples: SAMPLES['netstat-s']! }),
  def({ kind: 'ss-summary', table: 'counter_samples', needsHost: true, parser: { lines: createSsSummaryParser }, detect: looksLikeSsSummary, example: 'while sleep 10; do date -u; ss -s; done > ss-s.log', sos: [{ example: 'sos_commands/networking/ss_-s', step: 130, path: 'sos_commands/networking/ss_-s' }, { example: 'sos_commands/networking/ip_netns_exec_blue_ss_-s', netns: /^ss_-s$/ }], samples: [] }),
  def({ kind: 'sockstat', table: 'counter_samples', needsHost: true, parser: { lines: createSockstatParser }, detect: looksLikeSockstat, example: 'while sleep 10; do date -u; cat /proc/net/sockstat; done > sockstat.log', sos: [{ example: 'proc/net/sockstat', step: 80, path: 'proc/net/sockstat' }, { example: 'proc/net/sockstat6', step: 81, path: 'proc/net/sockstat6' }], samples: SAMPLES['sockstat']! }),
  def({ kind: 'ss', table: 'sockets', needsHost: true, parser: { lines: (ctx) => createSsParser(ctx, ssOptionsFor(ctx.file)) }, detect: looksLikeSs, example: 'while sleep 30; do date -u; ss -tan; done > ss.log', sos: [{ example: 'sos_commands/networking/ss_-peaonmi', step: 140, dir: 'sos_commands/networking', name: /^ss_-(?!s$)\w+$/, first: true, choice: 'sockets' }, { example: 'sos_commands/networking/ip_netns_exec_blue_ss_-tan', netns: /^ss_-(?!s$)\S+$/ }], samples: SAMPLES['ss']! }),
  def({ kind: 'netstat-sockets', table: 'sockets', needsHost: true, parser: { lines: createNetstatSocketsParser }, detect: looksLikeNetstatSockets, example: 'netstat -W -neopa > netstat-sockets.txt', sos: [{ example: 'sos_commands/networking/netstat_-W_-neopa', step: 141, dir: 'sos_commands/networking', name: ['netstat_-W_-neopa', 'netstat_-neopa', 'netstat_-T_-neopa', 'netstat_-W_-agn', 'netstat_-agn'], first: true, choice: 'sockets' }, { example: 'sos_commands/networking/ip_netns_exec_blue_netstat_-W_-neopa', netns: /^netstat_-(?!s$)\S+$/ }], samples: [] }),
  def({ kind: 'dmesg', table: 'log_events', needsHost: true, parser: { lines: createDmesgParser }, detect: looksLikeDmesg, example: 'dmesg > dmesg.txt (or dmesg -T, dmesg --time-format iso)', sos: [{ example: 'sos_commands/kernel/dmesg', step: 40, path: 'sos_commands/kernel/dmesg', choice: 'dmesg' }, { example: 'sos_commands/kernel/dmesg_-T', step: 41, path: 'sos_commands/kernel/dmesg_-T', choice: 'dmesg' }, { example: 'var/log/dmesg', step: 42, path: 'var/log/dmesg' }], samples: SAMPLES['dmesg']! }),
  def({ kind: 'syslog', table: 'log_events', needsHost: false, parser: { lines: createSyslogParser }, detect: looksLikeSyslog, example: 'cp /var/log/messages* . (also journalctl -o short-iso > journal.txt, central rsyslog files)', sqlLoader: syslogSqlLoader, sos: SYSLOG_SOS, samples: SAMPLES['syslog']! }),
  def({ kind: 'sysctl', table: 'sysctls', needsHost: true, parser: { lines: (ctx) => createSysctlParser(ctx, 'sysctl-a') }, detect: looksLikeSysctl, example: 'sysctl -a > sysctl.txt', sos: [{ example: 'sos_commands/kernel/sysctl_-a', step: 10, path: 'sos_commands/kernel/sysctl_-a' }, { example: 'sos_commands/networking/ip_netns_exec_blue_sysctl_-a', netns: /^sysctl_-a$/ }], samples: SAMPLES['sysctl']! }),
  // Formats only taken from known places in a bundle (or with --as):
  def({ kind: 'sysctl-conf', table: 'sysctls', needsHost: true, parser: { lines: (ctx) => createSysctlParser(ctx, 'sysctl.conf') }, example: 'cat /etc/sysctl.conf /etc/sysctl.d/*.conf > sysctl.conf', sos: [{ example: 'etc/sysctl.conf', step: 20, path: 'etc/sysctl.conf' }, { example: 'etc/sysctl.d/99-tw.conf', step: 21, dir: 'etc/sysctl.d', name: /\.conf$/ }], samples: [] }),
  def({ kind: 'proc-tcp', table: 'sockets', needsHost: true, parser: { lines: createProcTcpParser }, detect: looksLikeProcTcp, example: 'cat /proc/net/tcp /proc/net/tcp6 > proc-tcp.txt', sos: [{ example: 'proc/net/tcp', step: 142, path: 'proc/net/tcp', choice: 'sockets' }, { example: 'proc/net/tcp6', step: 142, path: 'proc/net/tcp6', choice: 'sockets' }], samples: [] }),
  def({ kind: 'nf_conntrack-stat', table: 'counter_samples', needsHost: true, parser: { lines: (ctx) => createProcNetStatParser(ctx, 'nf_conntrack') }, detect: (h) => looksLikeProcNetStat(h) && !/table_fulls/.test(h), example: 'cat /proc/net/stat/nf_conntrack', sos: [{ example: 'proc/net/stat/nf_conntrack', step: 100, path: 'proc/net/stat/nf_conntrack' }], samples: SAMPLES['nf_conntrack-stat']! }),
  def({ kind: 'arp_cache-stat', table: 'counter_samples', needsHost: true, parser: { lines: (ctx) => createProcNetStatParser(ctx, 'arp_cache') }, detect: (h) => looksLikeProcNetStat(h) && /table_fulls/.test(h), example: 'cat /proc/net/stat/arp_cache', sos: [{ example: 'proc/net/stat/arp_cache', step: 101, path: 'proc/net/stat/arp_cache' }], samples: [] }),
  def({ kind: 'ndisc_cache-stat', table: 'counter_samples', needsHost: true, parser: { lines: (ctx) => createProcNetStatParser(ctx, 'ndisc_cache') }, example: 'cat /proc/net/stat/ndisc_cache', sos: [{ example: 'proc/net/stat/ndisc_cache', step: 102, path: 'proc/net/stat/ndisc_cache' }], samples: [] }),
  def({ kind: 'conntrack-s', table: 'counter_samples', needsHost: true, parser: { lines: createConntrackStatsParser }, detect: looksLikeConntrackStats, example: 'conntrack -S > conntrack-S.txt', sos: [{ example: 'sos_commands/conntrack/conntrack_-S', step: 160, path: 'sos_commands/conntrack/conntrack_-S' }], samples: [] }),
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
