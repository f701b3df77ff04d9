/** The socket-list formats, which fill `sockets`: `ss -tan`, `netstat -tan`, /proc/net/tcp (see parser.ts). */
import type { Format } from '../format.js';
import { createNetstatSocketsParser, createProcTcpParser, createSsParser, looksLikeNetstatSockets, looksLikeProcTcp, looksLikeSs } from './parser.js';

/**
 * `ss -tan state time-wait` prints no State column; a file named for it (`ss-timewait.log`,
 * `ss_tw.txt`) says which state its sockets are in.
 */
function ssOptionsFor(file: string): { state?: string } {
  const name = file.replace(/^.*[\\/]/, '');
  return /time-?wait|[-_.]tw([-_.]|$)/i.test(name) ? { state: 'TIME_WAIT' } : {};
}

export const ss: Format<'sockets'> = {
  kind: 'ss',
  table: 'sockets',
  example: 'while sleep 30; do date -u; ss -tan; done > ss.log',
  needsHost: true,
  detect: looksLikeSs,
  parser: { lines: (ctx) => createSsParser(ctx, ssOptionsFor(ctx.file)) },
  // (ss over netstat over /proc/net/tcp: the first of the choice 'sockets' that sos wrote)
  sos: [
    { example: 'sos_commands/networking/ss_-peaonmi', step: 140, dir: 'sos_commands/networking', name: /^ss_-(?!s$)\w+$/, first: true, choice: 'sockets' },
    { example: 'sos_commands/networking/ip_netns_exec_blue_ss_-tan', netns: /^ss_-(?!s$)\S+$/ },
  ],
  samples: [
    // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/networking/ss_-peaonmi
    'Netid State      Recv-Q Send-Q   Local Address:Port     Peer Address:Port  Process\ntcp   LISTEN     0      0              0.0.0.0:8080             0.0.0.0:*\ntcp   TIME-WAIT  0      0            10.1.0.7:33000      198.51.100.9:443 timer:(timewait,1sec,0) ino:0 sk:f93a787 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33001      198.51.100.9:443 timer:(timewait,2sec,0) ino:0 sk:f93c676 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33002      198.51.100.9:443 timer:(timewait,3sec,0) ino:0 sk:f93e565 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33003      198.51.100.9:443 timer:(timewait,4sec,0) ino:0 sk:f940454 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33004      198.51.100.9:443 timer:(timewait,5sec,0) ino:0 sk:f942343 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33005      198.51.100.9:443 timer:(timewait,6sec,0) ino:0 sk:f944232 -->\n',
  ],
};

export const netstatSockets: Format<'sockets'> = {
  kind: 'netstat-sockets',
  table: 'sockets',
  example: 'netstat -W -neopa > netstat-sockets.txt',
  needsHost: true,
  detect: looksLikeNetstatSockets,
  parser: { lines: createNetstatSocketsParser },
  sos: [
    { example: 'sos_commands/networking/netstat_-W_-neopa', step: 141, dir: 'sos_commands/networking', name: ['netstat_-W_-neopa', 'netstat_-neopa', 'netstat_-T_-neopa', 'netstat_-W_-agn', 'netstat_-agn'], first: true, choice: 'sockets' },
    { example: 'sos_commands/networking/ip_netns_exec_blue_netstat_-W_-neopa', netns: /^netstat_-(?!s$)\S+$/ },
  ],
  samples: [],
};

export const procTcp: Format<'sockets'> = {
  kind: 'proc-tcp',
  table: 'sockets',
  example: 'cat /proc/net/tcp /proc/net/tcp6 > proc-tcp.txt',
  needsHost: true,
  detect: looksLikeProcTcp,
  parser: { lines: createProcTcpParser },
  sos: [
    { example: 'proc/net/tcp', step: 142, path: 'proc/net/tcp', choice: 'sockets' },
    { example: 'proc/net/tcp6', step: 142, path: 'proc/net/tcp6', choice: 'sockets' },
  ],
  samples: [],
};
