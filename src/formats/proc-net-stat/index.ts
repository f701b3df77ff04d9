/**
 * The /proc/net/stat/* formats (`nf_conntrack-stat`, `arp_cache-stat`, `ndisc_cache-stat`) and
 * `conntrack -S` (`conntrack-s`), which prints the same per-CPU counters (see parser.ts).
 */
import type { Format } from '../format.js';
import { createConntrackStatsParser, createProcNetStatParser, looksLikeConntrackStats, looksLikeProcNetStat } from './parser.js';

export const nfConntrackStat: Format<'counter_samples'> = {
  kind: 'nf_conntrack-stat',
  table: 'counter_samples',
  example: 'cat /proc/net/stat/nf_conntrack',
  needsHost: true,
  detect: (h) => looksLikeProcNetStat(h) && !/table_fulls/.test(h),
  parser: { lines: (ctx) => createProcNetStatParser(ctx, 'nf_conntrack') },
  sos: [{ example: 'proc/net/stat/nf_conntrack', step: 100, path: 'proc/net/stat/nf_conntrack' }],
  samples: [
    // sosreport-db01-2026-03-12-hvcedsa.tar.gz/proc/net/stat/nf_conntrack
    'entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n000004b0  00000000 00000000 00000000 0000001c 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n',
  ],
};

export const arpCacheStat: Format<'counter_samples'> = {
  kind: 'arp_cache-stat',
  table: 'counter_samples',
  example: 'cat /proc/net/stat/arp_cache',
  needsHost: true,
  detect: (h) => looksLikeProcNetStat(h) && /table_fulls/.test(h),
  parser: { lines: (ctx) => createProcNetStatParser(ctx, 'arp_cache') },
  sos: [{ example: 'proc/net/stat/arp_cache', step: 101, path: 'proc/net/stat/arp_cache' }],
  samples: [],
};

/** Only taken from its place in a bundle (or with --as): its columns are arp_cache's. */
export const ndiscCacheStat: Format<'counter_samples'> = {
  kind: 'ndisc_cache-stat',
  table: 'counter_samples',
  example: 'cat /proc/net/stat/ndisc_cache',
  needsHost: true,
  parser: { lines: (ctx) => createProcNetStatParser(ctx, 'ndisc_cache') },
  sos: [{ example: 'proc/net/stat/ndisc_cache', step: 102, path: 'proc/net/stat/ndisc_cache' }],
  samples: [],
};

export const conntrackS: Format<'counter_samples'> = {
  kind: 'conntrack-s',
  table: 'counter_samples',
  example: 'conntrack -S > conntrack-S.txt',
  needsHost: true,
  detect: looksLikeConntrackStats,
  parser: { lines: createConntrackStatsParser },
  sos: [{ example: 'sos_commands/conntrack/conntrack_-S', step: 160, path: 'sos_commands/conntrack/conntrack_-S' }],
  samples: [],
};
