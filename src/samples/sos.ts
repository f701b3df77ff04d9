import { localFields, offsetMinutesAt } from '../time.js';
import type { TarEntry } from './tarball.js';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** `Mar 12 14:02:11` (RFC 3164, day space-padded) in zone tz. */
export function syslogStamp(utcMs: number, tz: string): string {
  const t = localFields(utcMs, tz);
  return `${MON[t.month - 1]} ${String(t.day).padStart(2, ' ')} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`;
}

/** `date` output: `Thu Mar 12 14:20:02 CDT 2026`. */
export function dateOutput(utcMs: number, tz: string, abbrev: string): string {
  const t = localFields(utcMs, tz);
  const wd = DAY[new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay()];
  return `${wd} ${MON[t.month - 1]} ${String(t.day).padStart(2, ' ')} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)} ${abbrev} ${t.year}`;
}

/** ISO local with numeric offset: `2026-03-12T14:02:11.204511-05:00`. */
export function isoLocal(utcUs: number, tz: string): string {
  const ms = Math.floor(utcUs / 1000);
  const t = localFields(ms, tz);
  const off = offsetMinutesAt(tz, ms);
  const sign = off < 0 ? '-' : '+';
  const frac = String(utcUs % 1_000_000).padStart(6, '0');
  return `${t.year}-${p2(t.month)}-${p2(t.day)}T${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}.${frac}${sign}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
}

/** dmesg bracket for a time since boot: `[ 8123.456789]`. */
export function dmesgStamp(sinceBootUs: number): string {
  const s = Math.floor(sinceBootUs / 1_000_000);
  const us = sinceBootUs % 1_000_000;
  return `[${String(s).padStart(5, ' ')}.${String(us).padStart(6, '0')}]`;
}

export interface SsSocket {
  state: string; // iproute2 spelling
  local: string;
  peer: string;
  extra?: string;
}

export interface SosSpec {
  host: string;
  fqdn?: string;
  tz: string;
  tzAbbrev: string;
  tzOffsetLabel: string; // "-0500"
  kernel: string;
  release: string;
  /** '3.2' gives the 3.x layout; any 4.x version the 4.x one (nstat -zas, manifest.json). */
  sosVersion: '3.2' | '4.5.6' | (string & {});
  bootUtcMs: number;
  collectedUtcMs: number;
  /** Lines of /var/log/messages (full text). */
  messages: string[];
  /** Lines of sos_commands/kernel/dmesg (full text). */
  dmesg: string[];
  /** journalctl --no-pager text (sos 4.x). */
  journal?: string[];
  sysctls: Record<string, string>;
  sockstat: { inuse: number; orphan: number; tw: number; alloc: number; mem: number };
  tcpExt: Record<string, number>;
  tcp: Record<string, number>;
  sockets: SsSocket[];
  slab: { name: string; active: number; num: number; size: number }[];
  nfConntrack?: { count: number; max: number; drop?: number };
  pid: number;
  /** More files, by path relative to the sosreport root. */
  extraFiles?: Record<string, string>;
  /**
   * Members to write differently, by path relative to the root: a text replaces what the spec
   * would give (a manifest with real command times, full /proc/net files), null leaves the member
   * out (a bundle without proc/stat). Applies to generated files and links, not to extraFiles.
   */
  replace?: Record<string, string | null>;
  /** proc/stat (btime) and proc/uptime in the bundle (default true): without them the boot time comes from `uptime`. */
  procBootFiles?: boolean;
  /** The text of sos_commands/host/uptime (default: ` HH:MM:SS up D days, H:MM,  1 user,  load average: …` of the spec's times). */
  uptime?: string;
}

const TCP_COLS = ['RtoAlgorithm', 'RtoMin', 'RtoMax', 'MaxConn', 'ActiveOpens', 'PassiveOpens', 'AttemptFails', 'EstabResets', 'CurrEstab', 'InSegs', 'OutSegs', 'RetransSegs', 'InErrs', 'OutRsts'];

/** The members of a sosreport archive for the spec (sos 3.x or 4.x layout). */
export function sosreportEntries(spec: SosSpec, name: string): TarEntry[] {
  const e: TarEntry[] = [];
  const replaced = (path: string) => spec.replace != null && Object.hasOwn(spec.replace, path);
  const f = (path: string, content: string) => {
    const r = replaced(path) ? spec.replace![path] : content;
    if (r != null) e.push({ path: `${name}/${path}`, content: r });
  };
  const l = (path: string, link: string) => {
    if (!replaced(path) || spec.replace![path] !== null) e.push({ path: `${name}/${path}`, link });
  };
  const d = (path: string) => e.push({ path: `${name}/${path}`, dir: true });
  d('');
  const v4 = spec.sosVersion.startsWith('4');
  f('version.txt', v4 ? `sos report: ${spec.sosVersion}\n` : `sosreport: ${spec.sosVersion}\n`);
  d('sos_logs');
  f('sos_logs/sos.log', `sos run on ${spec.host}\n`);
  d('sos_commands');
  f('sos_commands/host/hostname', `${spec.fqdn ?? spec.host}\n`);
  const upS = Math.floor((spec.collectedUtcMs - spec.bootUtcMs) / 1000);
  const upD = Math.floor(upS / 86400);
  const upH = Math.floor((upS % 86400) / 3600);
  const upM = Math.floor((upS % 3600) / 60);
  const lt = localFields(spec.collectedUtcMs, spec.tz);
  f('sos_commands/host/uptime', spec.uptime ?? ` ${p2(lt.hour)}:${p2(lt.minute)}:${p2(lt.second)} up ${upD} days, ${String(upH).padStart(2, ' ')}:${p2(upM)},  1 user,  load average: 0.42, 0.37, 0.30\n`);
  f('sos_commands/kernel/uname_-a', `Linux ${spec.fqdn ?? spec.host} ${spec.kernel} #1 SMP Tue Jan 6 10:00:00 UTC 2026 x86_64 x86_64 x86_64 GNU/Linux\n`);
  f('sos_commands/date/date', dateOutput(spec.collectedUtcMs, spec.tz, spec.tzAbbrev) + '\n');
  f('sos_commands/date/date_--utc', dateOutput(spec.collectedUtcMs, 'UTC', 'UTC') + '\n');
  f('sos_commands/systemd/timedatectl', [
    `               Local time: ${dateOutput(spec.collectedUtcMs, spec.tz, spec.tzAbbrev)}`,
    `           Universal time: ${dateOutput(spec.collectedUtcMs, 'UTC', 'UTC')}`,
    `                Time zone: ${spec.tz} (${spec.tzAbbrev}, ${spec.tzOffsetLabel})`,
    'System clock synchronized: yes', '              NTP service: active', '          RTC in local TZ: no', '',
  ].join('\n'));
  l('etc/localtime', `../usr/share/zoneinfo/${spec.tz}`);
  f('etc/redhat-release', spec.release + '\n');
  f('sos_commands/kernel/sysctl_-a', Object.entries(spec.sysctls).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n');
  f('sos_commands/kernel/dmesg', spec.dmesg.join('\n') + '\n');
  f('var/log/messages', spec.messages.join('\n') + '\n');
  if (spec.journal) f('sos_commands/logs/journalctl_--no-pager', spec.journal.join('\n') + '\n');
  // proc: sos stores proc/net as a link to self/net, itself a link to <pid>/net.
  const pidNet = `proc/${spec.pid}/net`;
  const s = spec.sockstat;
  f(`${pidNet}/sockstat`, `sockets: used ${s.inuse + 400}\nTCP: inuse ${s.inuse} orphan ${s.orphan} tw ${s.tw} alloc ${s.alloc} mem ${s.mem}\nUDP: inuse 9 mem 6\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n`);
  const extNames = Object.keys(spec.tcpExt);
  f(`${pidNet}/netstat`, `TcpExt: ${extNames.join(' ')}\nTcpExt: ${extNames.map((n) => spec.tcpExt[n]).join(' ')}\nIpExt: InNoRoutes InOctets OutOctets\nIpExt: 0 123456789 98765432\n`);
  f(`${pidNet}/snmp`, `Tcp: ${TCP_COLS.join(' ')}\nTcp: ${TCP_COLS.map((c) => spec.tcp[c] ?? 0).join(' ')}\nUdp: InDatagrams NoPorts InErrors OutDatagrams\nUdp: 1000 2 0 1000\n`);
  if (spec.nfConntrack) {
    f(`${pidNet}/stat/nf_conntrack`, 'entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n' +
      `${spec.nfConntrack.count.toString(16).padStart(8, '0')}  00000000 00000000 00000000 0000001c 00000000 00000000 00000000 00000000 00000000 ${(spec.nfConntrack.drop ?? 0).toString(16).padStart(8, '0')} 00000000 00000000  00000000 00000000 00000000 00000000\n`);
    f('proc/sys/net/netfilter/nf_conntrack_count', `${spec.nfConntrack.count}\n`);
    f('proc/sys/net/netfilter/nf_conntrack_max', `${spec.nfConntrack.max}\n`);
  }
  l(`proc/self`, String(spec.pid));
  l('proc/net', 'self/net');
  if (spec.procBootFiles !== false) {
    f('proc/stat', `cpu  100 0 100 1000 0 0 0 0 0 0\nbtime ${Math.floor(spec.bootUtcMs / 1000)}\nprocesses 4242\n`);
    f('proc/uptime', `${upS}.00 ${upS * 3}.00\n`);
  }
  f('proc/sys/net/ipv4/tcp_max_tw_buckets', `${spec.sysctls['net.ipv4.tcp_max_tw_buckets'] ?? '262144'}\n`);
  f('proc/sys/kernel/random/boot_id', '6f0e2b1c-9d4a-4e6f-8a7b-5c3d2e1f0a9b\n');
  f('proc/slabinfo', 'slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n' +
    spec.slab.map((c) => {
      const per = Math.max(1, Math.floor(4096 / c.size));
      const slabs = Math.ceil(c.num / per);
      return `${c.name.padEnd(17)} ${String(c.active).padStart(6)} ${String(c.num).padStart(6)} ${String(c.size).padStart(6)} ${String(per).padStart(4)}    1 : tunables    0    0    0 : slabdata ${String(slabs).padStart(6)} ${String(slabs).padStart(6)}      0`;
    }).join('\n') + '\n');
  // networking
  const ssHeader = 'Netid State      Recv-Q Send-Q   Local Address:Port     Peer Address:Port  Process';
  f('sos_commands/networking/ss_-peaonmi', [ssHeader, ...spec.sockets.map((k) => `tcp   ${k.state.padEnd(10)} 0      0      ${k.local.padStart(20)} ${k.peer.padStart(21)} ${k.extra ?? ''}`.trimEnd())].join('\n') + '\n');
  const netstatS = ['Tcp:', ...TCP_COLS.filter((c) => ['ActiveOpens', 'PassiveOpens', 'AttemptFails', 'EstabResets', 'CurrEstab'].includes(c)).map((c) => {
    const words: Record<string, string> = { ActiveOpens: 'active connection openings', PassiveOpens: 'passive connection openings', AttemptFails: 'failed connection attempts', EstabResets: 'connection resets received', CurrEstab: 'connections established' };
    return `    ${spec.tcp[c] ?? 0} ${words[c]}`;
  }), 'TcpExt:', ...extNames.filter((n) => spec.tcpExt[n] !== 0).map((n) => n === 'TW' ? `    ${spec.tcpExt[n]} TCP sockets finished time wait in fast timer` : `    ${n}: ${spec.tcpExt[n]}`)];
  f('sos_commands/networking/netstat_-s', netstatS.join('\n') + '\n');
  if (v4) {
    f('sos_commands/networking/nstat_-zas', ['#kernel', ...TCP_COLS.filter((c) => !/^(Rto|MaxConn|CurrEstab)/.test(c)).map((c) => `Tcp${c}`.padEnd(32) + String(spec.tcp[c] ?? 0).padEnd(19) + '0.0'), ...extNames.map((n) => `TcpExt${n}`.padEnd(32) + String(spec.tcpExt[n]).padEnd(19) + '0.0')].join('\n') + '\n');
    const start = spec.collectedUtcMs / 1000 - 200;
    const manifest = {
      version: spec.sosVersion, cmdline: 'sos report --batch', start_time: '', compression: 'xz',
      components: { report: { plugins: { networking: { commands: [
        { command: 'netstat', parameters: ['-s'], exec: 'netstat -s', filepath: 'sos_commands/networking/netstat_-s', return_code: 0, start_time: start + 31.62, end_time: start + 31.7 },
        { command: 'nstat', parameters: ['-zas'], exec: 'nstat -zas', filepath: 'sos_commands/networking/nstat_-zas', return_code: 0, start_time: start + 32.1, end_time: start + 32.2 },
        { command: 'ss', parameters: ['-peaonmi'], exec: 'ss -peaonmi', filepath: 'sos_commands/networking/ss_-peaonmi', return_code: 0, start_time: start + 33.5, end_time: start + 33.9 },
      ] } } } },
    };
    d('sos_reports');
    f('sos_reports/manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  }
  for (const [path, content] of Object.entries(spec.extraFiles ?? {})) e.push({ path: `${name}/${path}`, content });
  // root links into sos_commands
  l('date', 'sos_commands/date/date');
  l('hostname', 'sos_commands/host/hostname');
  l('uname', 'sos_commands/kernel/uname_-a');
  l('uptime', 'sos_commands/host/uptime');
  return e;
}
