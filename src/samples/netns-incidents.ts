/**
 * Two incidents made on a 6.18 kernel, each inside a network namespace, with exact truth. They
 * reproduce real cases: the evidence is per namespace, the support engineer captured it with
 * `ip netns exec <ns> …` loops that name neither host nor namespace, and sos itself ran inside
 * the namespace (its `ip_netns` and `ip_-o_addr` show it: the root view's address is the namespace's).
 *
 * A — tw618 (Europe/Berlin), netns `web` (created 30 min before the capture),
 * `net.ipv4.tcp_max_tw_buckets = 512`. A client in the namespace opens connections to
 * 10.200.0.2:8080 (≈94 %) and 10.200.0.3:5432 and closes first, so this side holds TIME_WAIT:
 * ≈5 connections/s, then ≈480/s for 80 s, then ≈2/s. The TIME_WAIT population plateaus at exactly
 * 512 and TcpExtTCPTimeWaitOverflow rises only while it does (≈37,500); a 6.x kernel logs nothing
 * for it. Side files, one snapshot a second at whole seconds for 360 s (100 s before the burst, the
 * burst, and past the collection 2 min after it plus the 45 s sos needs to reach the namespace
 * commands): netstat.log (`date -u`; `cat /proc/net/netstat /proc/net/snmp`), sockstat.log
 * (`date -u -Iseconds`; `cat /proc/net/sockstat`), ss.log every 5 s (`date -u`; `ss -tan`).
 * Traps:
 * - the kernel log is shared by all namespaces: dmesg has one `TCP: time wait bucket table
 *   overflow` (and `net_ratelimit: 482 callbacks suppressed` 3 s later) 18 minutes before the
 *   burst, from the host's own namespace — this namespace's counter is 0 until the burst. rsyslog
 *   copied both lines to var/log/messages, so each is there twice;
 * - sos ran under `ip netns exec web`, so its root view (proc/net/*, netstat -s, nstat -zas,
 *   ss -peaonmi, ss -s, sysctl -a with 512) is the namespace's, and the same counters are in
 *   sos_commands/networking/namespaces/web/ip_netns_exec_web_*. sockstat and ss -s inside a
 *   namespace mix scopes: inuse and tw are the namespace's, alloc, orphan and mem the host's;
 * - sos's `date` is taken at C (x.6 s), but the networking plugin reads proc/net ≈40 s later
 *   (netstat -s at C+40.3 s, nstat at C+41.1 s in manifest.json), while netstat.log has a sample at
 *   C+0.4 s with lower values: traffic goes on at ≈2/s, so stamping the bundle's counters with C
 *   makes them run backwards against the log;
 * - btime is an integer: the true boot was 0.372 s later, so dmesg times from btime are 0.372 s early;
 * - the TIME_WAIT lifetime is a fixed 60 s per socket, so the population drains in steps (the
 *   cohort admitted in the first saturated second leaves 60 s later), not along a smooth curve.
 *
 * B — lq618 (Asia/Kolkata, IST), netns `lq`. `slowsrv` (pid 4242) listens on 10.201.0.1:8080 with
 * `listen(fd, 16)` (`net.core.somaxconn = 64`, so 16 is the application's choice; sshd's 128 is
 * capped to 64). One slow worker accepts ≈20 connections/s and keeps each 12 s. Clients .10/.11/.12
 * (70/20/10 %) open ≈400 connections/s for 60 s: the accept queue stays full (`ss -ltn` Recv-Q 17 =
 * backlog + 1), TcpExtListenOverflows rises ≈1,180/s (completing ACKs dropped, then retransmitted),
 * ListenDrops = ListenOverflows + a handful, SYN cookies are sent, PassiveOpens rises only at the
 * worker's rate. Side files: nstat.log (`date` in IST; `nstat -az`, every second, 240 s), ss-l.log
 * (`date -u`; `ss -ltn`, every second), ss.log (`date -u`; `ss -tan`, every 5 s). dmesg has the 6.x
 * `TCP: request_sock_TCP: Possible SYN flooding on port 10.201.0.1:8080. Sending cookies.` once
 * (once per listener: it says nothing about volume). Two bundles: `btime` (proc/stat present) and
 * `uptime` (no proc/stat, no proc/uptime; `uptime` says `up 31 min` at a true 31 min 55 s, so a boot
 * time taken from it is 55 s late and so is every dmesg time — and the messages copy of the SYN
 * line, stamped by rsyslog, then no longer meets its dmesg twin).
 *
 * Counters are simulated second by second from the namespace's creation, so every view of an
 * instant agrees (proc files, nstat, netstat -s, sockstat, ss); between whole seconds a counter
 * advances evenly through its second (floor), gauges hold. Deterministic (seeded noise).
 *
 * Built in three files: netns-timewait.ts (A), netns-listen.ts (B), and what they share,
 * netns-common.ts; this one writes the case folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTarball } from './tarball.js';
import { sosreportEntries } from './sos.js';
import { timewaitNetnsIncident } from './netns-timewait.js';
import { listenFloodIncident } from './netns-listen.js';

export { timewaitNetnsIncident, type TimewaitNetnsOptions } from './netns-timewait.js';
export { listenFloodIncident } from './netns-listen.js';

/**
 * Both incidents as a case folder: per host a sosreport (.tar.xz) and its snapshot logs, incident
 * B's `uptime` bundle under variants/, and truth.json.
 */
export async function writeNetnsIncidents(dir: string) {
  const A = timewaitNetnsIncident();
  const B = listenFloodIncident({ boot: 'btime' });
  const U = listenFloodIncident({ boot: 'uptime' });
  for (const d of ['tw618', 'lq618', 'variants']) mkdirSync(join(dir, d), { recursive: true });
  const files = {
    twBundle: join(dir, `${A.bundleName}.tar.xz`),
    twNetstat: join(dir, 'tw618', 'netstat.log'),
    twSockstat: join(dir, 'tw618', 'sockstat.log'),
    twSs: join(dir, 'tw618', 'ss.log'),
    lqBundle: join(dir, `${B.bundleName}.tar.xz`),
    lqNstat: join(dir, 'lq618', 'nstat.log'),
    lqSsL: join(dir, 'lq618', 'ss-l.log'),
    lqSs: join(dir, 'lq618', 'ss.log'),
    lqUptimeBundle: join(dir, 'variants', `${U.bundleName}.tar.xz`),
  };
  writeFileSync(files.twBundle, await makeTarball(sosreportEntries(A.spec, A.bundleName), 'xz'));
  writeFileSync(files.twNetstat, A.files.netstat);
  writeFileSync(files.twSockstat, A.files.sockstat);
  writeFileSync(files.twSs, A.files.ss);
  writeFileSync(files.lqBundle, await makeTarball(sosreportEntries(B.spec, B.bundleName), 'xz'));
  writeFileSync(files.lqNstat, B.files.nstat);
  writeFileSync(files.lqSsL, B.files.ssL);
  writeFileSync(files.lqSs, B.files.ss);
  writeFileSync(files.lqUptimeBundle, await makeTarball(sosreportEntries(U.spec, U.bundleName), 'xz'));
  const truth = { tw618: A.truth, lq618: { ...B.truth, boot_variants: { btime: B.truth.boot, uptime: U.truth.boot } } };
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return { files, truth };
}
