/** The `slabinfo` format: /proc/slabinfo snapshots (see parser.ts). */
import type { Format } from '../format.js';
import { createSlabinfoParser, looksLikeSlabinfo } from './parser.js';

export const slabinfo: Format<'slab_samples'> = {
  kind: 'slabinfo',
  table: 'slab_samples',
  example: 'while sleep 10; do date; cat /proc/slabinfo; done > slab.log',
  needsHost: true,
  detect: looksLikeSlabinfo,
  parser: { lines: createSlabinfoParser },
  sos: [{ example: 'proc/slabinfo', step: 70, path: 'proc/slabinfo' }],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/proc/slabinfo
    'slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\ntw_sock_TCP       131200 131264    256   16    1 : tunables    0    0    0 : slabdata   8204   8204      0\n',
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'Thu Mar 12 14:20:02 CDT 2026\nslabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\ntw_sock_TCP         1120   1120    248   16    1 : tunables    0    0    0 : slabdata     70     70      0\n  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n 31984  31840  99%    0.25K   1999       16      7996K tw_sock_TCP\n',
  ],
};
