/** The socket-list formats, which fill `sockets`: `ss -tan`, `netstat -tan`, /proc/net/tcp (ss.ts, netstat.ts, proc-tcp.ts; what they share: common.ts). */
import type { Format } from '../format.js';
import { createNetstatSocketsParser, looksLikeNetstatSockets } from './netstat.js';
import { createProcTcpParser, looksLikeProcTcp } from './proc-tcp.js';
import { createSsParser, looksLikeSs } from './ss.js';

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
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'Wed Mar 12 14:00:00 UTC 2026\nState      Recv-Q Send-Q     Local Address:Port      Peer Address:Port  Process\nTIME-WAIT  0      0               10.0.0.5:443          10.0.9.17:51544\nESTAB      0      0      [::ffff:10.0.0.5]:443  [::ffff:10.0.9.18]:40112\nu_str ESTAB     0      0                         * 20873               * 20874 users:(("systemd",pid=1,fd=40)) ino:20873 sk:1 <->\n\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)\n',
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
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    'Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\ntcp        0      0 10.0.0.5:443            10.0.9.17:51544         TIME_WAIT   0          0          -                    timewait (52.10/0/0)\ntcp6       0      0 :::22                   :::*                    LISTEN      0          21733      812/sshd             off (0.00/0/0)\n',
  ],
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
  samples: [
    // (hand-written: a line of each shape the parser reads; test/robustness/properties.test.ts mutates them)
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0500000A:01BB 1109000A:C960 06 00000000:00000000 03:00000D4E 00000000     0        0 0 3 0000000000000000\n   1: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21733 1 0000000000000000 100 0 0 10 0\n',
  ],
};
