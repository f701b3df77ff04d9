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
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n0000a3f1  00000000 00000000 00000000 0000001c 00000000 00000000 00000000 00000000 00000000 0000031a 00000000 00000000  00000000 00000000 00000000 00000000\n',
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
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'entries  allocs destroys hash_grows  lookups hits  res_failed  rcv_probes_mcast rcv_probes_ucast  periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n00000400  00000a1b 00000617 00000003  0001e4b8 0001c08f  00000000  00000000 00000000  00000c2e 00000120 00000000 000004d2\n',
  ],
};

/** Only taken from its place in a bundle (or with --as): its columns are arp_cache's. */
export const ndiscCacheStat: Format<'counter_samples'> = {
  kind: 'ndisc_cache-stat',
  table: 'counter_samples',
  example: 'cat /proc/net/stat/ndisc_cache',
  needsHost: true,
  parser: { lines: (ctx) => createProcNetStatParser(ctx, 'ndisc_cache') },
  sos: [{ example: 'proc/net/stat/ndisc_cache', step: 102, path: 'proc/net/stat/ndisc_cache' }],
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'entries  found drop\n00000010  00000001 00000002\n',
  ],
};

export const conntrackS: Format<'counter_samples'> = {
  kind: 'conntrack-s',
  table: 'counter_samples',
  example: 'conntrack -S > conntrack-S.txt',
  needsHost: true,
  detect: looksLikeConntrackStats,
  parser: { lines: createConntrackStatsParser },
  sos: [{ example: 'sos_commands/conntrack/conntrack_-S', step: 160, path: 'sos_commands/conntrack/conntrack_-S' }],
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'cpu=0   \tfound=0 invalid=12 ignore=0 insert=0 insert_failed=0 drop=31 early_drop=0 error=0 search_restart=0\ncpu=1   \tfound=2 invalid=0 ignore=0 insert=0 insert_failed=1 drop=0 early_drop=0 error=0 search_restart=3\n',
  ],
};
