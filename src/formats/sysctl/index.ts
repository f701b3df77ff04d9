/** The `sysctl` and `sysctl-conf` formats: `sysctl -a` output and sysctl.conf files (see parser.ts). */
import type { Format } from '../format.js';
import { createSysctlParser, looksLikeSysctl } from './parser.js';

export const sysctl: Format<'sysctls'> = {
  kind: 'sysctl',
  table: 'sysctls',
  example: 'sysctl -a > sysctl.txt',
  needsHost: true,
  detect: looksLikeSysctl,
  parser: { lines: (ctx) => createSysctlParser(ctx, 'sysctl-a') },
  sos: [
    { example: 'sos_commands/kernel/sysctl_-a', step: 10, path: 'sos_commands/kernel/sysctl_-a' },
    { example: 'sos_commands/networking/ip_netns_exec_blue_sysctl_-a', netns: /^sysctl_-a$/ },
  ],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/kernel/sysctl_-a
    'net.core.somaxconn = 128\nnet.ipv4.ip_local_port_range = 32768\t60999\nnet.ipv4.tcp_fin_timeout = 60\nnet.ipv4.tcp_max_orphans = 65536\nnet.ipv4.tcp_max_syn_backlog = 2048\nnet.ipv4.tcp_mem = 190311\t253748\t380622\nnet.ipv4.tcp_timestamps = 1\nnet.ipv4.tcp_tw_reuse = 2\n',
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'net.ipv4.tcp_max_tw_buckets = 262144\nnet.ipv4.ip_local_port_range = 32768\t60999\n',
  ],
};

/** Only taken from known places in a bundle (or with --as): a .conf file has no shape of its own. */
export const sysctlConf: Format<'sysctls'> = {
  kind: 'sysctl-conf',
  table: 'sysctls',
  example: 'cat /etc/sysctl.conf /etc/sysctl.d/*.conf > sysctl.conf',
  needsHost: true,
  parser: { lines: (ctx) => createSysctlParser(ctx, 'sysctl.conf') },
  sos: [
    { example: 'etc/sysctl.conf', step: 20, path: 'etc/sysctl.conf' },
    { example: 'etc/sysctl.d/99-tw.conf', step: 21, dir: 'etc/sysctl.d', name: /\.conf$/ },
  ],
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    '# raise the TIME_WAIT limit\nnet.ipv4.tcp_max_tw_buckets=1440000\n-net.ipv4.tcp_tw_recycle = 0\n',
  ],
};
