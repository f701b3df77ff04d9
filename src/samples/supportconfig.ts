/**
 * Generated SUSE supportconfig bundles, written the way supportutils' `supportconfig` script and
 * its supportconfig.rc write them (read from SUSE/supportutils 3.2.14, bin/supportconfig and
 * bin/supportconfig.rc):
 *
 * - log_cmd: `#==[ Command ]===…#`, `# <binary as command -v finds it> <args>`, the output, a blank line;
 * - conf_files: `#==[ Configuration File ]===…#`, `# <path>`, the file without comment and blank lines, two blank lines;
 * - log_files: `#==[ Log File ]===…#`, `# <path>` (or `# <path> - Last N Lines`), the file, two blank lines;
 * - the archive is `tar Jcf scc_<host>_<yymmdd>_<hhmm>.txz scc_…/*`: no member for the top folder.
 *
 * Layouts: '3.2' (since 2019: network.txt has `ss -s`, `ss -nap`, `nstat -az`, one
 * network-<ns>.txt per namespace through `ip netns exec`) and '3.1-2017' (before bsc#1078318:
 * `netstat -as`, `netstat -nlp`, no nstat). Both: proc.txt with /proc/net and /proc/sys files,
 * memory.txt with /proc/slabinfo (its `# name` header dropped as a comment), boot.txt with
 * `dmesg -T`, messages.txt with /var/log/messages or, on a host without it, `journalctl
 * --no-pager --output=short-iso --lines N`, basic-environment.txt with `date` and `uname -a`,
 * env.txt with `sysctl -a`, systemd.txt with `timedatectl`, basic-health-check.txt with `uptime`.
 */
import { localFields, localToUtcMicros, monthNumber, offsetMinutesAt } from '../time.js';
import { dateOutput, type SosSpec, type SsSocket } from './sos.js';
import type { TarEntry } from './tarball.js';

const p2 = (n: number) => String(n).padStart(2, '0');
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const CMD = '#==[ Command ]======================================#';
const CONF = '#==[ Configuration File ]===========================#';
const LOG = '#==[ Log File ]=====================================#';

export type SupportconfigLayout = '3.2' | '3.1-2017';

export interface NamespaceSpec {
  tcpExt: Record<string, number>;
  tcp: Record<string, number>;
  sockets: SsSocket[];
}

export interface SupportconfigOptions {
  layout: SupportconfigLayout;
  /** PRETTY_NAME of /etc/os-release (default SUSE Linux Enterprise Server 15 SP5). */
  release?: string;
  /** Other network namespaces (3.2 layout): network-<name>.txt each. */
  namespaces?: Record<string, NamespaceSpec>;
  /** messages.txt from the journal (no /var/log/messages on the host): spec.journal as short-iso. */
  fromJournal?: boolean;
}

function cmd(bin: string, args: string, out: string[]): string[] {
  return [CMD, `# ${bin}${args ? ' ' + args : ''}`, ...out, ''];
}

/** conf_files drops comment and blank lines (without -l). */
function conf(path: string, content: string[]): string[] {
  return [CONF, `# ${path}`, ...content.filter((l) => !/^\s*#/.test(l) && !/^\s*;/.test(l) && l.trim() !== ''), '', ''];
}

function logFile(path: string, content: string[]): string[] {
  return [LOG, `# ${path}`, ...content, '', ''];
}

const TCP_COLS = ['RtoAlgorithm', 'RtoMin', 'RtoMax', 'MaxConn', 'ActiveOpens', 'PassiveOpens', 'AttemptFails', 'EstabResets', 'CurrEstab', 'InSegs', 'OutSegs', 'RetransSegs', 'InErrs', 'OutRsts'];

function nstatOut(tcp: Record<string, number>, tcpExt: Record<string, number>): string[] {
  return ['#kernel',
    ...TCP_COLS.filter((c) => !/^(Rto|MaxConn|CurrEstab)/.test(c)).map((c) => `Tcp${c}`.padEnd(32) + String(tcp[c] ?? 0).padEnd(19) + '0.0'),
    ...Object.keys(tcpExt).map((n) => `TcpExt${n}`.padEnd(32) + String(tcpExt[n]).padEnd(19) + '0.0')];
}

function netstatAs(tcp: Record<string, number>, tcpExt: Record<string, number>): string[] {
  const words: Record<string, string> = { ActiveOpens: 'active connections openings', PassiveOpens: 'passive connection openings', AttemptFails: 'failed connection attempts', EstabResets: 'connection resets received', CurrEstab: 'connections established' };
  return ['Ip:', '    123456 total packets received', 'Tcp:', ...Object.keys(words).map((c) => `    ${tcp[c] ?? 0} ${words[c]}`),
    'TcpExt:', ...Object.keys(tcpExt).filter((n) => tcpExt[n] !== 0).map((n) => n === 'TW' ? `    ${tcpExt[n]} TCP sockets finished time wait in fast timer` : `    ${n}: ${tcpExt[n]}`)];
}

function ssNap(sockets: SsSocket[]): string[] {
  return ['Netid State      Recv-Q Send-Q   Local Address:Port     Peer Address:Port  Process',
    ...sockets.map((k) => `tcp   ${k.state.padEnd(10)} 0      0      ${k.local.padStart(20)} ${k.peer.padStart(21)} ${k.extra ?? ''}`.trimEnd())];
}

function ssS(sockets: SsSocket[], tw: number): string[] {
  const estab = sockets.filter((k) => k.state === 'ESTAB').length;
  return [`Total: ${sockets.length + 40}`, `TCP:   ${sockets.length + tw} (estab ${estab}, closed 0, orphaned 0, timewait ${tw}/0), ports 0`, '',
    'Transport Total     IP        IPv6', 'RAW\t  0         0         0', 'UDP\t  9         7         2', `TCP\t  ${sockets.length}         ${sockets.length}         0`];
}

/** `dmesg -T` stamp: `[Tue Feb 10 11:15:05 2026]` (day space-padded, local time). */
function dmesgT(utcMs: number, tz: string): string {
  const t = localFields(utcMs, tz);
  const wd = DAY[new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay()];
  return `[${wd} ${MON[t.month - 1]} ${String(t.day).padStart(2, ' ')} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)} ${t.year}]`;
}

/** `journalctl -o short` line → `-o short-iso` (`2026-02-10T08:55:00-0500 host …`), the year that of the collection. */
function shortToIso(line: string, year: number, tz: string): string | null {
  const m = /^(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (.*)$/.exec(line);
  if (!m) return null;
  const us = localToUtcMicros({ year, month: monthNumber(m[1]!), day: +m[2]!, hour: +m[3]!, minute: +m[4]!, second: +m[5]! }, tz);
  const off = offsetMinutesAt(tz, Math.floor(us / 1000));
  const sign = off < 0 ? '-' : '+';
  return `${year}-${p2(monthNumber(m[1]!))}-${p2(+m[2]!)}T${m[3]}:${m[4]}:${m[5]}${sign}${p2(Math.floor(Math.abs(off) / 60))}${p2(Math.abs(off) % 60)} ${m[6]}`;
}

/** The text files of a supportconfig of the host the spec describes, by name. */
export function supportconfigFiles(spec: SosSpec, o: SupportconfigOptions): Record<string, string> {
  const files: Record<string, string> = {};
  const put = (name: string, lines: string[]) => { files[name] = lines.join('\n') + '\n'; };
  const fqdn = spec.fqdn ?? spec.host;
  const v32 = o.layout === '3.2';
  put('supportconfig.txt', ['#==[ Note ]=========================================#', '# Privacy Statement', '', 'Detailed system information and logs are collected and organized in a', '',
    `  Script Version:       ${v32 ? '3.2.14' : '3.0.98'}`, `  Script Date:          ${v32 ? '2026 May 13' : '2017 11 20'}`, '  Environment Value:    155']);
  put('basic-environment.txt', [
    ...cmd('/usr/bin/date', '', [dateOutput(spec.collectedUtcMs, spec.tz, spec.tzAbbrev)]),
    ...cmd('/usr/bin/uname', '-a', [`Linux ${fqdn} ${spec.kernel} #1 SMP PREEMPT_DYNAMIC Tue Jan  6 10:00:00 UTC 2026 (a1b2c3d) x86_64 x86_64 x86_64 GNU/Linux`]),
    '#==[ System ]=======================================#', '# Virtualization', 'Manufacturer:  QEMU', 'Hardware:      Standard PC (i440FX + PIIX, 1996)', 'Hypervisor:    KVM', '',
    ...conf('/etc/os-release', ['NAME="SLES"', 'VERSION="15-SP5"', `PRETTY_NAME="${o.release ?? 'SUSE Linux Enterprise Server 15 SP5'}"`, '# a comment line the script drops']),
  ]);
  const upS = Math.floor((spec.collectedUtcMs - spec.bootUtcMs) / 1000);
  const lt = localFields(spec.collectedUtcMs, spec.tz);
  put('basic-health-check.txt', [
    ...cmd('/usr/bin/uptime', '', [` ${p2(lt.hour)}:${p2(lt.minute)}:${p2(lt.second)}  up ${Math.floor(upS / 86400)} days, ${String(Math.floor((upS % 86400) / 3600)).padStart(2, ' ')}:${p2(Math.floor((upS % 3600) / 60))},  1 user,  load average: 0.42, 0.37, 0.30`]),
    ...cmd('/usr/bin/free', '-k', ['               total        used        free      shared  buff/cache   available', 'Mem:        16314336     2211480    12034152       12384     2362288    14102856']),
  ]);
  put('systemd.txt', cmd('/usr/bin/timedatectl', '--no-pager status', [
    `               Local time: ${dateOutput(spec.collectedUtcMs, spec.tz, spec.tzAbbrev)}`,
    `           Universal time: ${dateOutput(spec.collectedUtcMs, 'UTC', 'UTC')}`,
    `                Time zone: ${spec.tz} (${spec.tzAbbrev}, ${spec.tzOffsetLabel})`,
    'System clock synchronized: yes', '              NTP service: active', '          RTC in local TZ: no']));
  put('env.txt', [
    ...cmd('/usr/bin/systemctl', 'status systemd-sysctl.service', ['● systemd-sysctl.service - Apply Kernel Variables', '     Active: active (exited)']),
    ...conf('/etc/sysctl.conf', ['# /etc/sysctl.conf', '', `net.ipv4.tcp_max_tw_buckets = ${spec.sysctls['net.ipv4.tcp_max_tw_buckets'] ?? '262144'}`]),
    ...cmd('/usr/sbin/sysctl', '-a', Object.entries(spec.sysctls).map(([k, v]) => `${k} = ${v}`)),
    ...cmd('/usr/bin/getconf', '-a', ['LINK_MAX                           127']),
  ]);
  const s = spec.sockstat;
  const ext = Object.keys(spec.tcpExt);
  const netSysctls = Object.entries(spec.sysctls).filter(([k]) => k.startsWith('net.')).sort(([a], [b]) => a.localeCompare(b));
  put('proc.txt', [
    ...conf('/proc/mounts', ['/dev/vda2 / btrfs rw,relatime 0 0']),
    ...conf('/proc/net/netstat', [`TcpExt: ${ext.join(' ')}`, `TcpExt: ${ext.map((n) => spec.tcpExt[n]).join(' ')}`, 'IpExt: InNoRoutes InOctets OutOctets', 'IpExt: 0 123456789 98765432']),
    ...conf('/proc/net/snmp', [`Tcp: ${TCP_COLS.join(' ')}`, `Tcp: ${TCP_COLS.map((c) => spec.tcp[c] ?? 0).join(' ')}`, 'Udp: InDatagrams NoPorts InErrors OutDatagrams', 'Udp: 1000 2 0 1000']),
    ...conf('/proc/net/sockstat', [`sockets: used ${s.inuse + 400}`, `TCP: inuse ${s.inuse} orphan ${s.orphan} tw ${s.tw} alloc ${s.alloc} mem ${s.mem}`, 'UDP: inuse 9 mem 6', 'UDPLITE: inuse 0', 'RAW: inuse 0', 'FRAG: inuse 0 memory 0']),
    ...conf('/proc/sys/kernel/random/boot_id', ['6f0e2b1c-9d4a-4e6f-8a7b-5c3d2e1f0a9b']),
    ...netSysctls.flatMap(([k, v]) => conf(`/proc/sys/${k.replace(/\./g, '/')}`, [v])),
  ]);
  put('memory.txt', [
    ...cmd('/usr/bin/free', '-k', ['               total        used        free      shared  buff/cache   available']),
    ...conf('/proc/slabinfo', ['slabinfo - version: 2.1',
      '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
      ...spec.slab.map((c) => {
        const per = Math.max(1, Math.floor(4096 / c.size));
        const slabs = Math.ceil(c.num / per);
        return `${c.name.padEnd(17)} ${String(c.active).padStart(6)} ${String(c.num).padStart(6)} ${String(c.size).padStart(6)} ${String(per).padStart(4)}    1 : tunables    0    0    0 : slabdata ${String(slabs).padStart(6)} ${String(slabs).padStart(6)}      0`;
      })]),
  ]);
  // boot.txt: dmesg -T, the printk stamps turned into local wall times from the boot time.
  const dmesg = spec.dmesg.map((l) => {
    const m = /^\[\s*(\d+)\.(\d{6})\] (.*)$/.exec(l);
    return m ? `${dmesgT(spec.bootUtcMs + Number(m[1]) * 1000 + Math.floor(Number(m[2]) / 1000), spec.tz)} ${m[3]}` : l;
  });
  put('boot.txt', [
    ...cmd('/usr/bin/uname', '-a', [`Linux ${fqdn} ${spec.kernel} #1 SMP x86_64 GNU/Linux`]),
    ...conf('/proc/cmdline', ['BOOT_IMAGE=/boot/vmlinuz root=UUID=0b4a mitigations=auto quiet']),
    ...cmd('/usr/bin/journalctl', '--boot=0 --no-pager --output=short-iso | tail -n 50', ['-- No entries --']),
    ...cmd('/usr/bin/dmesg', '-T', dmesg),
  ]);
  const year = localFields(spec.collectedUtcMs, spec.tz).year;
  put('messages.txt', o.fromJournal
    ? cmd('/usr/bin/journalctl', '--no-pager --output=short-iso --lines 500000', (spec.journal ?? []).map((l) => shortToIso(l, year, spec.tz) ?? l))
    : logFile('/var/log/messages', spec.messages));
  const network = (ns: string | null, n: NamespaceSpec, tw: number): string[] => {
    const c = (bin: string, args: string, out: string[]) => ns ? cmd(`/usr/sbin/ip netns exec ${ns} ${bin.replace(/^.*\//, '')}`, args, out) : cmd(bin, args, out);
    const out: string[] = ns ? [`#==[ Network namespace ${ns} ]======================#`] : [];
    out.push(...c('/usr/sbin/ip', 'addr', ['1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000', '    inet 127.0.0.1/8 scope host lo']));
    if (!ns) out.push(...conf('/proc/sys/net/ipv4/ip_forward', ['0']), ...cmd('/usr/bin/hostname', '', [fqdn]));
    if (v32) {
      out.push(...c('/usr/sbin/ss', '-s', ssS(n.sockets, tw)), ...c('/usr/sbin/ss', '-nap', ssNap(n.sockets)));
      out.push(...c('/usr/sbin/ip', 'ntable show', ['inet arp_cache ', '    thresh1 128 thresh2 512 thresh3 1024 gc_int 30000 ']));
      out.push(...c('/usr/sbin/nstat', '-az', nstatOut(n.tcp, n.tcpExt)));
    } else {
      out.push(...c('/bin/netstat', '-as', netstatAs(n.tcp, n.tcpExt)));
      out.push(...c('/bin/netstat', '-nlp', ['Active Internet connections (only servers)', 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
        ...n.sockets.filter((k) => k.state === 'LISTEN').map((k) => `tcp        0      0 ${k.local.padEnd(23)} ${k.peer.padEnd(23)} LISTEN      812/sshd`)]));
      out.push(...c('/bin/netstat', '-nr', ['Kernel IP routing table', 'Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface', '0.0.0.0         10.0.0.1        0.0.0.0         UG        0 0          0 eth0']));
    }
    return out;
  };
  put('network.txt', network(null, { tcp: spec.tcp, tcpExt: spec.tcpExt, sockets: spec.sockets }, s.tw));
  for (const [ns, n] of Object.entries(o.namespaces ?? {})) put(`network-${ns}.txt`, network(ns, n, 0));
  return files;
}

/** `scc_<host>_<yymmdd>_<hhmm>` of the spec's collection time (local). */
export function supportconfigName(spec: SosSpec): string {
  const t = localFields(spec.collectedUtcMs, spec.tz);
  return `scc_${spec.host}_${p2(t.year % 100)}${p2(t.month)}${p2(t.day)}_${p2(t.hour)}${p2(t.minute)}`;
}

/** The members of `scc_….txz`: files only, as `tar Jcf X.txz scc_…/*` writes them (no entry for the folder). */
export function supportconfigEntries(files: Record<string, string>, name: string): TarEntry[] {
  return Object.entries(files).sort(([a], [b]) => a.localeCompare(b)).map(([path, content]) => ({ path: `${name}/${path}`, content }));
}
