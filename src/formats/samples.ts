/**
 * Checked samples of the formats not yet in a folder of their own (registry.ts `samples`), keyed by
 * kind: the first lines of a member of the sample sosreports (samples/, made by src/samples/) that
 * parse with no issue and are detected as their kind. test/formats/registry.test.ts checks them.
 */
export const SAMPLES: Record<string, string[]> = {
  // two entries as journalctl -o json writes them (one object per line)
  'journal-json': ['{"__REALTIME_TIMESTAMP":"1773061331204511","_HOSTNAME":"web01","_TRANSPORT":"kernel","PRIORITY":"4","MESSAGE":"TCP: time wait bucket table overflow"}\n'
    + '{"__REALTIME_TIMESTAMP":"1773061332000000","_HOSTNAME":"web01","_TRANSPORT":"syslog","PRIORITY":"6","_PID":"812","SYSLOG_IDENTIFIER":"sshd","MESSAGE":"Accepted publickey for root"}\n'],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/kernel/sysctl_-a
  "sysctl": ["net.core.somaxconn = 128\nnet.ipv4.ip_local_port_range = 32768\t60999\nnet.ipv4.tcp_fin_timeout = 60\nnet.ipv4.tcp_max_orphans = 65536\nnet.ipv4.tcp_max_syn_backlog = 2048\nnet.ipv4.tcp_mem = 190311\t253748\t380622\nnet.ipv4.tcp_timestamps = 1\nnet.ipv4.tcp_tw_reuse = 2\n"],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/var/log/messages
  "syslog": ["Mar 12 16:30:01 app02 CROND[9911]: (root) CMD (/usr/lib64/sa/sa1 1 1)\nMar 12 16:44:58 app02 systemd[1]: Started Session 42 of user admin.\n"],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/kernel/dmesg
  "dmesg": ["[    0.000000] Linux version 5.14.0-362.8.1.el9_3.x86_64\n"],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/proc/slabinfo
  "slabinfo": ["slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\ntw_sock_TCP       131200 131264    256   16    1 : tunables    0    0    0 : slabdata   8204   8204      0\n"],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/proc/net/sockstat
  "sockstat": ["sockets: used 520\nTCP: inuse 120 orphan 0 tw 131072 alloc 140 mem 300\nUDP: inuse 9 mem 6\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n"],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/proc/net/netstat
  "proc-netstat": ["TcpExt: TW TWRecycled ListenOverflows ListenDrops TCPTimeWaitOverflow TCPAbortOnMemory\nTcpExt: 99120443 0 0 0 51877 0\nIpExt: InNoRoutes InOctets OutOctets\nIpExt: 0 123456789 98765432\n"],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/networking/netstat_-s
  "netstat-s": ["Tcp:\n    99812001 active connection openings\n    2011 passive connection openings\n    0 failed connection attempts\n    0 connection resets received\n    118 connections established\nTcpExt:\n    99120443 TCP sockets finished time wait in fast timer\n"],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/networking/nstat_-zas
  "nstat": ["#kernel\nTcpActiveOpens                  99812001           0.0\nTcpPassiveOpens                 2011               0.0\nTcpAttemptFails                 0                  0.0\nTcpEstabResets                  0                  0.0\nTcpInSegs                       0                  0.0\nTcpOutSegs                      0                  0.0\nTcpRetransSegs                  0                  0.0\n"],
  // sosreport-app02-2026-03-12-pxtrnoe.tar.xz/sos_commands/networking/ss_-peaonmi
  "ss": ["Netid State      Recv-Q Send-Q   Local Address:Port     Peer Address:Port  Process\ntcp   LISTEN     0      0              0.0.0.0:8080             0.0.0.0:*\ntcp   TIME-WAIT  0      0            10.1.0.7:33000      198.51.100.9:443 timer:(timewait,1sec,0) ino:0 sk:f93a787 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33001      198.51.100.9:443 timer:(timewait,2sec,0) ino:0 sk:f93c676 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33002      198.51.100.9:443 timer:(timewait,3sec,0) ino:0 sk:f93e565 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33003      198.51.100.9:443 timer:(timewait,4sec,0) ino:0 sk:f940454 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33004      198.51.100.9:443 timer:(timewait,5sec,0) ino:0 sk:f942343 -->\ntcp   TIME-WAIT  0      0            10.1.0.7:33005      198.51.100.9:443 timer:(timewait,6sec,0) ino:0 sk:f944232 -->\n"],
  // sosreport-db01-2026-03-12-hvcedsa.tar.gz/proc/net/stat/nf_conntrack
  "nf_conntrack-stat": ["entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n000004b0  00000000 00000000 00000000 0000001c 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n"],
};
