// Deterministic generators of large bench inputs (issue 6). Plain ESM; the sosreport fleet uses
// the sample generators of the built library (../dist/samples). Every generator returns its
// "truth" (line/entry counts, overflow lines written) so the bench can check what was loaded.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** mulberry32: small, fast, seeded PRNG (same output on every machine). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  return next;
}

/** Buffered writer: strings are copied into a 4 MB buffer that is written when full. */
class Out {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(4 << 20);
    this.off = 0;
    this.bytes = 0;
  }
  write(s) {
    if (typeof s !== 'string') {
      // (bytes: a binary field of the export format)
      if (this.off + s.length > this.buf.length) this.flush();
      if (s.length > this.buf.length) {
        writeSync(this.fd, s);
        this.bytes += s.length;
      } else this.off += s.copy(this.buf, this.off);
      return;
    }
    if (this.off + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        const b = Buffer.from(s, 'utf8');
        writeSync(this.fd, b);
        this.bytes += b.length;
        return;
      }
    }
    this.off += this.buf.utf8Write(s, this.off);
  }
  flush() {
    if (this.off === 0) return;
    writeSync(this.fd, this.buf, 0, this.off);
    this.bytes += this.off;
    this.off = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
    return this.bytes;
  }
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n) => (n < 10 ? '0' + n : String(n));

/** `Mar  5 14:02:11` (RFC 3164, UTC). */
function syslogStamp(ms) {
  const d = new Date(ms);
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** `date -u`: `Thu Mar  5 14:20:02 UTC 2026`. */
function dateU(ms) {
  const d = new Date(ms);
  return `${DAY[d.getUTCDay()]} ${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

const OVERFLOW = 'TCP: time wait bucket table overflow';
const START_MS = Date.UTC(2026, 2, 2, 0, 0, 0); // Mon 2026-03-02 00:00:00 UTC
const HOSTS = ['web01', 'web02', 'web03', 'web04', 'app01', 'app02', 'db01', 'lb01'];
const USERS = ['admin', 'deploy', 'backup', 'ansible', 'root'];
const PATHS = ['/api/v1/items', '/api/v1/orders', '/healthz', '/static/app.js', '/api/v2/search', '/login', '/metrics'];

/** One ordinary syslog message (ident[pid]: text), ~50–70 characters. */
function ordinary(r) {
  const k = r.int(100);
  if (k < 30) return `nginx[${1000 + r.int(64)}]: 10.${r.int(4)}.${r.int(256)}.${r.int(256)} "GET ${r.pick(PATHS)}/${r.int(100000)} HTTP/1.1" ${r() < 0.97 ? 200 : 502} ${r.int(20000)}`;
  if (k < 45) return `app[${2000 + r.int(8)}]: request id=${(r() * 0xffffffff >>> 0).toString(16)} took ${r.int(900)}ms status=ok`;
  if (k < 55) return `sshd[${3000 + r.int(30000)}]: Accepted publickey for ${r.pick(USERS)} from 10.0.${r.int(256)}.${r.int(256)} port ${32768 + r.int(28000)} ssh2`;
  if (k < 63) return `systemd[1]: Started Session ${r.int(100000)} of user ${r.pick(USERS)}.`;
  if (k < 70) return `CROND[${4000 + r.int(30000)}]: (root) CMD (/usr/lib64/sa/sa1 1 1)`;
  if (k < 78) return `postfix/smtpd[${5000 + r.int(3000)}]: connect from unknown[192.0.2.${r.int(256)}]`;
  if (k < 85) return `dhclient[${700 + r.int(10)}]: bound to 10.0.${r.int(256)}.${r.int(256)} -- renewal in ${r.int(3600)} seconds.`;
  if (k < 92) return `kernel: e1000e: eth${r.int(2)}: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None`;
  if (k < 97) return `kernel: audit: type=1400 audit(${1772400000 + r.int(1e6)}.${r.int(1000)}:${r.int(99999)}): apparmor="ALLOWED"`;
  return `rsyslogd: imjournal: ${r.int(5000)} messages lost due to rate-limiting`;
}

/**
 * A central rsyslog file (RFC 3164, UTC, 8 hosts) of `lines` lines: ordinary traffic with
 * overflow episodes mixed in (bursts of `TCP: time wait bucket table overflow`, each followed by
 * `net_ratelimit: N callbacks suppressed`, 15 s apart). Returns the truth.
 */
export function genSyslog(path, lines, seed = 6) {
  const r = rng(seed);
  const out = new Out(path);
  // Mean gap so that the file spans about a week whatever its size (at least 1 ms per line).
  const spanMs = 7 * 86_400_000;
  const meanGap = Math.max(1, spanMs / lines);
  let t = START_MS;
  let n = 0;
  let overflow = 0;
  let ratelimit = 0;
  let suppressed = 0;
  let episodes = 0;
  let lastSec = -1;
  let stamp = '';
  // An episode every 12,500 lines (400 in 5M; at least 4): 5–40 bursts of 1–10 lines, 15 s apart.
  const episodeEvery = Math.max(50, Math.min(12_500, Math.floor(lines / 4)));
  let nextEpisode = Math.floor(episodeEvery / 2);
  let burstsLeft = 0;
  let burstHost = '';
  let nextBurstMs = 0;
  const emit = (host, msg) => {
    const sec = Math.floor(t / 1000);
    if (sec !== lastSec) {
      lastSec = sec;
      stamp = syslogStamp(t);
    }
    out.write(`${stamp} ${host} ${msg}\n`);
    n++;
  };
  while (n < lines) {
    t += r() * 2 * meanGap;
    if (n >= nextEpisode && burstsLeft === 0) {
      episodes++;
      burstsLeft = 5 + r.int(36);
      burstHost = r.pick(HOSTS);
      nextBurstMs = t;
      nextEpisode += episodeEvery;
    }
    if (burstsLeft > 0 && t >= nextBurstMs) {
      const k = 1 + r.int(10);
      for (let i = 0; i < k && n < lines; i++) {
        emit(burstHost, `kernel: ${OVERFLOW}`);
        overflow++;
      }
      if (n < lines && burstsLeft > 1) {
        const s = 50 + r.int(900);
        emit(burstHost, `kernel: net_ratelimit: ${s} callbacks suppressed`);
        ratelimit++;
        suppressed += s;
      }
      burstsLeft--;
      nextBurstMs = t + 15_000;
      continue;
    }
    emit(r.pick(HOSTS), ordinary(r));
  }
  const bytes = out.close();
  // A fixed mtime: RFC 3164 stamps take their year from it (and the run is reproducible).
  const mtime = new Date(Math.ceil(t / 1000) * 1000 + 3_600_000);
  utimesSync(path, mtime, mtime);
  return { kind: 'syslog', lines: n, bytes, overflow_lines: overflow, ratelimit_lines: ratelimit, suppressed, episodes, hosts: HOSTS.length };
}

const UNITS = ['nginx.service', 'app.service', 'sshd.service', 'crond.service', 'postfix.service', 'NetworkManager.service', 'systemd-logind.service'];

/**
 * `journalctl -o json` of about `targetBytes` bytes: one entry per line with the fields journalctl
 * prints (cursor, realtime/monotonic stamps, boot and machine id, host, transport, ids, cgroup,
 * unit, message). Kernel entries carry overflow bursts. Returns the truth.
 */
export function genJournalJson(path, targetBytes, seed = 7) {
  const r = rng(seed);
  const out = new Out(path);
  const bootId = '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b';
  const machineId = '0d5c1b7e2a9f4c3d8e6b5a4f3e2d1c0b';
  const host = 'web07';
  const bootUs = BigInt(START_MS - 86_400_000) * 1000n;
  let t = BigInt(START_MS) * 1000n;
  let seq = 0x1000;
  let entries = 0;
  let overflow = 0;
  let burst = 0;
  let written = 0;
  while (written < targetBytes) {
    t += BigInt(1 + r.int(400_000));
    const mono = t - bootUs;
    const cursor = `s=${bootId};i=${(seq++).toString(16)};b=${bootId};m=${mono.toString(16)};t=${t.toString(16)};x=${(r() * 0xffffffff >>> 0).toString(16)}${(r() * 0xffffffff >>> 0).toString(16)}`;
    let e;
    if (burst === 0 && r() < 0.0005) burst = 1 + r.int(40);
    if (burst > 0 || r() < 0.05) {
      const msg = burst > 0 ? OVERFLOW : `e1000e: eth${r.int(2)}: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None`;
      if (burst > 0) {
        burst--;
        overflow++;
      }
      e = {
        __CURSOR: cursor, __REALTIME_TIMESTAMP: t.toString(), __MONOTONIC_TIMESTAMP: mono.toString(), _BOOT_ID: bootId,
        _SOURCE_MONOTONIC_TIMESTAMP: (mono - 17n).toString(), _TRANSPORT: 'kernel', PRIORITY: '4', SYSLOG_FACILITY: '0',
        SYSLOG_IDENTIFIER: 'kernel', _MACHINE_ID: machineId, _HOSTNAME: host, MESSAGE: msg,
      };
    } else {
      const unit = r.pick(UNITS);
      const comm = unit.replace(/\.service$/, '').replace(/^systemd-/, 'systemd-');
      const pid = String(1000 + r.int(30000));
      const m = ordinary(r);
      const colon = m.indexOf(': ');
      e = {
        __CURSOR: cursor, __REALTIME_TIMESTAMP: t.toString(), __MONOTONIC_TIMESTAMP: mono.toString(), _BOOT_ID: bootId,
        _TRANSPORT: r() < 0.7 ? 'syslog' : 'stdout', PRIORITY: String(r() < 0.9 ? 6 : 4), SYSLOG_FACILITY: '3',
        SYSLOG_IDENTIFIER: comm, SYSLOG_PID: pid, _PID: pid, _UID: '0', _GID: '0', _COMM: comm,
        _EXE: `/usr/sbin/${comm}`, _CMDLINE: `/usr/sbin/${comm} -D`, _CAP_EFFECTIVE: '1ffffffffff',
        _SELINUX_CONTEXT: 'system_u:system_r:unconfined_service_t:s0', _SYSTEMD_CGROUP: `/system.slice/${unit}`,
        _SYSTEMD_UNIT: unit, _SYSTEMD_SLICE: 'system.slice', _SYSTEMD_INVOCATION_ID: (r() * 0xffffffff >>> 0).toString(16).padStart(8, '0') + 'a1b2c3d4e5f60718293a4b5c',
        _MACHINE_ID: machineId, _HOSTNAME: host, _SOURCE_REALTIME_TIMESTAMP: (t - 120n).toString(),
        MESSAGE: colon > 0 ? m.slice(colon + 2) : m,
      };
    }
    const line = JSON.stringify(e) + '\n';
    out.write(line);
    written += line.length; // ASCII only: characters = bytes
    entries++;
  }
  const bytes = out.close();
  return { kind: 'journal-json', entries, lines: entries, bytes, overflow_lines: overflow, host };
}

/** ~100 slab caches of a 5.x kernel with a plausible object size. */
function slabCaches() {
  const named = [
    ['tw_sock_TCPv6', 248], ['request_sock_TCPv6', 304], ['TCPv6', 2432], ['tw_sock_TCP', 248], ['request_sock_TCP', 304],
    ['TCP', 2240], ['UDPv6', 1344], ['UDP', 1152], ['RAW', 1024], ['RAWv6', 1152], ['nf_conntrack', 320], ['ext4_inode_cache', 1192],
    ['ext4_extent_status', 40], ['ext4_allocation_context', 128], ['ext4_io_end', 64], ['jbd2_journal_head', 120], ['jbd2_revoke_table_s', 16],
    ['xfs_inode', 1024], ['xfs_buf', 384], ['xfs_ili', 200], ['fuse_inode', 832], ['kvm_vcpu', 9216], ['scsi_sense_cache', 128], ['sd_ext_cdb', 32],
    ['bio-120', 128], ['bio-184', 192], ['biovec-max', 4096], ['dm_uevent', 2888], ['dquot', 256], ['fsnotify_mark_connector', 32],
    ['inotify_inode_mark', 80], ['dnotify_struct', 32], ['eventpoll_epi', 128], ['eventpoll_pwq', 72], ['pid', 128], ['pid_namespace', 168],
    ['posix_timers_cache', 248], ['signal_cache', 1152], ['sighand_cache', 2112], ['task_struct', 7616], ['cred_jar', 192], ['mm_struct', 1088],
    ['vm_area_struct', 200], ['anon_vma', 88], ['anon_vma_chain', 64], ['files_cache', 704], ['fs_cache', 64], ['sock_inode_cache', 832],
    ['skbuff_head_cache', 256], ['skbuff_fclone_cache', 512], ['net_namespace', 4928], ['shmem_inode_cache', 760], ['proc_inode_cache', 720],
    ['radix_tree_node', 584], ['inode_cache', 656], ['dentry', 192], ['names_cache', 4096], ['filp', 256], ['buffer_head', 104],
    ['mnt_cache', 320], ['kernfs_node_cache', 136], ['kernfs_iattrs_cache', 88], ['seq_file', 120], ['sigqueue', 80], ['key_jar', 224],
    ['uid_cache', 128], ['dmaengine-unmap-2', 64], ['audit_buffer', 24], ['lsm_file_cache', 16], ['trace_event_file', 88], ['ftrace_event_field', 48],
    ['iommu_iova', 64], ['khugepaged_mm_slot', 112], ['file_lock_cache', 216], ['file_lock_ctx', 56], ['fasync_cache', 48], ['numa_policy', 264],
    ['pool_workqueue', 256], ['btree_node', 8192], ['ip_fib_trie', 48], ['ip_fib_alias', 56], ['ip_dst_cache', 256], ['ip6_dst_cache', 320],
  ];
  for (const s of [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192]) named.push([`kmalloc-${s}`, s]);
  for (const s of [8, 16, 32, 64, 96, 128, 192, 256]) named.push([`kmalloc-cg-${s}`, s]);
  return named;
}

/**
 * A slabinfo snapshot log: `snapshots` × (`date -u` line + full /proc/slabinfo 2.1 dump of ~100
 * caches), 10 s apart; tw_sock_TCP swells during the middle tenth. Returns the truth.
 */
export function genSlabLog(path, snapshots, seed = 8) {
  const r = rng(seed);
  const out = new Out(path);
  const caches = slabCaches().map(([name, size]) => ({ name, size, active: 200 + r.int(200000) }));
  const header = 'slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n';
  let rows = 0;
  let lines = 0;
  for (let s = 0; s < snapshots; s++) {
    const t = START_MS + s * 10_000;
    const parts = [dateU(t), '\n', header];
    lines += 3;
    const swell = s > snapshots * 0.45 && s < snapshots * 0.55;
    for (const c of caches) {
      if (c.name === 'tw_sock_TCP') c.active = swell ? Math.min(262144, c.active + 400 + r.int(800)) : Math.max(100, Math.floor(c.active * 0.98));
      else c.active = Math.max(10, c.active + r.int(201) - 100);
      const per = Math.max(1, Math.floor(4096 / c.size));
      const pages = c.size > 4096 ? Math.ceil(c.size / 4096) * 2 : 1;
      const num = Math.ceil(c.active / per) * per;
      const slabs = num / per;
      parts.push(`${c.name.padEnd(17)} ${String(c.active).padStart(6)} ${String(num).padStart(6)} ${String(c.size).padStart(6)} ${String(per).padStart(4)} ${String(pages).padStart(4)} : tunables    0    0    0 : slabdata ${String(slabs).padStart(6)} ${String(slabs).padStart(6)}      0\n`);
      rows++;
      lines++;
    }
    out.write(parts.join(''));
  }
  const bytes = out.close();
  return { kind: 'slabinfo', snapshots, caches: caches.length, rows, lines, bytes };
}

/**
 * `count` small sosreports (.tar.xz) built with the library's sample generators: the web01 /
 * app02 / db01 sample specs in turn, each renamed to its own host (fleet001…), so every bundle
 * has different content. Returns the truth (file names, bytes).
 */
export async function genFleet(dir, count, distDir) {
  const { web01, app02, db01 } = await import(join(distDir, 'samples', 'generate.js'));
  const { sosreportEntries } = await import(join(distDir, 'samples', 'sos.js'));
  const { makeTarball } = await import(join(distDir, 'samples', 'tarball.js'));
  mkdirSync(dir, { recursive: true });
  const templates = [['web01', web01], ['app02', app02], ['db01', db01]];
  const files = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const [name, make] = templates[i % templates.length];
    const host = `fleet${String(i + 1).padStart(3, '0')}`;
    const spec = JSON.parse(JSON.stringify(make().spec).replaceAll(name, host));
    const base = `sosreport-${host}-2026-03-12-${(i * 7919 + 12345).toString(36).padStart(7, 'a').slice(-7)}`;
    const file = join(dir, `${base}.tar.xz`);
    if (!existsSync(file)) writeFileSync(file, await makeTarball(sosreportEntries(spec, base), 'xz'));
    bytes += statSync(file).size;
    files.push(file);
  }
  return { kind: 'sosreport', count, files, bytes, templates: templates.map(([n]) => n) };
}

/**
 * `count` large sosreports (plain .tar, so they weigh what a real bundle's logs weigh): the web01
 * sample spec renamed to big01…, with `lines` more /var/log/messages lines each (ordinary daemon
 * traffic, one day, and a TIME_WAIT overflow burst every 5,000 lines). Returns the truth.
 */
export async function genBigFleet(dir, count, lines, distDir) {
  const { web01 } = await import(join(distDir, 'samples', 'generate.js'));
  const { sosreportEntries, syslogStamp } = await import(join(distDir, 'samples', 'sos.js'));
  const { makeTarball } = await import(join(distDir, 'samples', 'tarball.js'));
  mkdirSync(dir, { recursive: true });
  const files = [];
  let bytes = 0;
  let overflow = 0;
  for (let i = 0; i < count; i++) {
    const host = `big${String(i + 1).padStart(2, '0')}`;
    const spec = JSON.parse(JSON.stringify(web01().spec).replaceAll('web01', host));
    const r = rng(100 + i);
    const t0 = spec.collectedUtcMs - 86_400_000;
    const extra = [];
    for (let k = 0; k < lines; k++) {
      const ts = t0 + Math.floor((k / lines) * 86_000_000);
      const stamp = syslogStamp(ts, spec.tz);
      if (k % 5000 === 4999) {
        extra.push(`${stamp} ${host} kernel: TCP: time wait bucket table overflow`);
        overflow++;
      } else {
        extra.push(`${stamp} ${host} nginx[${1000 + Math.floor(r() * 50)}]: 10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)} "GET /api/v1/items/${Math.floor(r() * 1e6)} HTTP/1.1" 200 ${Math.floor(r() * 9000)}`);
      }
    }
    spec.messages = [...extra, ...spec.messages];
    const base = `sosreport-${host}-2026-03-12-${(i * 104729 + 4711).toString(36).padStart(7, 'b').slice(-7)}`;
    const file = join(dir, `${base}.tar`);
    if (!existsSync(file)) writeFileSync(file, await makeTarball(sosreportEntries(spec, base), 'none'));
    bytes += statSync(file).size;
    files.push(file);
  }
  return { kind: 'sosreport', count, lines, files, bytes, overflow };
}

/**
 * The large bundles again as .tar.xz (what sos writes): `xz -6 -T1` when the xz program is
 * installed (single-threaded, so the bytes do not depend on the machine), else lzma-native's
 * preset 6. Same truth as the .tar files.
 */
export async function genBigFleetXz(dir, big) {
  mkdirSync(dir, { recursive: true });
  const files = [];
  let bytes = 0;
  const xz = ['/usr/bin/xz', '/bin/xz'].find((p) => existsSync(p));
  for (const tar of big.files) {
    const file = join(dir, basename(tar) + '.xz');
    if (!existsSync(file)) {
      const data = xz
        ? execFileSync(xz, ['-6', '-T1', '-c', tar], { maxBuffer: 1 << 30 })
        : await new Promise((res) => require('lzma-native').compress(readFileSync(tar), { preset: 6 }, (r) => res(Buffer.from(r))));
      writeFileSync(file + '.part', data);
      renameSync(file + '.part', file);
    }
    bytes += statSync(file).size;
    files.push(file);
  }
  return { ...big, files, bytes };
}

/**
 * Generate (or reuse, when the manifest says the same parameters) every bench input. `want(key)`
 * says which inputs this run needs (all by default; `--only` asks for fewer).
 */
export async function generateAll(dir, params, distDir, log = () => {}, want = () => true) {
  mkdirSync(dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  let manifest = {};
  if (existsSync(manifestPath)) {
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    } catch {
      manifest = {};
    }
  }
  const same = (key, p, file) => manifest[key] && JSON.stringify(manifest[key].params) === JSON.stringify(p) && existsSync(file) && statSync(file).size === manifest[key].truth.bytes
    && (manifest[key].truth.export_bytes == null || (existsSync(manifest[key].truth.export_file) && statSync(manifest[key].truth.export_file).size === manifest[key].truth.export_bytes))
    && (manifest[key].truth.log_files ?? []).every((f) => existsSync(f));
  const out = {};
  const step = async (key, file, p, fn) => {
    if (!want(key)) return;
    if (same(key, p, file)) {
      log(`reuse     ${key.padEnd(8)} ${file}`);
      out[key] = { file, ...manifest[key].truth };
      return;
    }
    const t0 = performance.now();
    const truth = await fn();
    log(`generated ${key.padEnd(8)} ${file} (${(truth.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    manifest[key] = { params: p, truth };
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    out[key] = { file, ...truth };
  };
  const syslog = join(dir, 'messages-central.log');
  await step('syslog', syslog, { lines: params.syslogLines, v: 1 }, () => genSyslog(syslog, params.syslogLines));
  const syslogShort = join(dir, 'messages-short.log');
  await step('syslogShort', syslogShort, { lines: params.syslogShortLines, v: 1 }, () => genSyslogShort(syslogShort, params.syslogShortLines));
  const journal = join(dir, 'journal.json');
  await step('journal', journal, { bytes: params.journalBytes, v: 1 }, () => genJournalJson(journal, params.journalBytes));
  const jShort = join(dir, 'journal-short.json');
  const jShortExport = join(dir, 'journal-short.export');
  await step('journalShort', jShort, { bytes: params.journalShortBytes, v: 1 }, () => ({ ...genJournalShort(jShort, jShortExport, { bytes: params.journalShortBytes }), export_file: jShortExport }));
  const jCont = join(dir, 'journal-container.json');
  const jContExport = join(dir, 'journal-container.export');
  await step('journalContainer', jCont, { bytes: params.journalContainerBytes, v: 2 },
    () => ({ ...genJournalContainer(jCont, params.journalContainerBytes, 23, jContExport), export_file: jContExport }));
  const sosDir = join(dir, 'sosreport');
  const sosFile = join(sosDir, 'sosreport-web01-2026-03-12-bigsos1.tar.xz');
  await step('sosreport', sosFile, { ...params.sos, v: 2 }, () => genSosreportBig(sosDir, params.sos, distDir));
  // Growth series: the central syslog generator and the short-entry journal generator at three
  // sizes each (the size equal to the main syslog file reuses it).
  out.growth = { syslog: [], journal: [] };
  for (const n of params.growthSyslog) {
    const key = `growthSyslog${n}`;
    const file = n === params.syslogLines ? syslog : join(dir, 'growth', `syslog-${n}.log`);
    if (!want('growth')) break;
    mkdirSync(join(dir, 'growth'), { recursive: true });
    if (file === syslog && out.syslog) out.growth.syslog.push(out.syslog);
    else {
      await step(key, file, { lines: n, v: 1 }, () => genSyslog(file, n));
      out.growth.syslog.push(out[key]);
      delete out[key];
    }
  }
  for (const n of params.growthJournal) {
    const key = `growthJournal${n}`;
    const file = join(dir, 'growth', `journal-short-${n}.json`);
    if (!want('growth')) break;
    await step(key, file, { entries: n, v: 1 }, () => genJournalShort(file, null, { entries: n }));
    out.growth.journal.push(out[key]);
    delete out[key];
  }
  if (!want('growth')) delete out.growth;
  const slab = join(dir, 'slab.log');
  await step('slab', slab, { snapshots: params.slabSnapshots, v: 1 }, () => genSlabLog(slab, params.slabSnapshots));
  if (want('fleet')) {
    const fleetDir = join(dir, 'fleet');
    const t0 = performance.now();
    const fleet = await genFleet(fleetDir, params.fleet, distDir);
    log(`fleet     ${fleet.count} sosreports in ${fleetDir} (${(fleet.bytes / 1e6).toFixed(1)} MB, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    out.fleet = { file: fleetDir, ...fleet };
  }
  if (want('bigfleet')) {
    const bigDir = join(dir, 'bigfleet');
    const t1 = performance.now();
    const big = await genBigFleet(bigDir, params.bigFleet, params.bigLines, distDir);
    log(`bigfleet  ${big.count} sosreports × ${big.lines.toLocaleString('en')} more log lines in ${bigDir} (${(big.bytes / 1e6).toFixed(1)} MB, ${((performance.now() - t1) / 1000).toFixed(1)} s)`);
    out.bigfleet = { file: bigDir, ...big };
    const xzDir = join(dir, 'bigfleet-xz');
    const t2 = performance.now();
    const bigXz = await genBigFleetXz(xzDir, big);
    log(`bigfleet-xz ${bigXz.count} sosreports as .tar.xz in ${xzDir} (${(bigXz.bytes / 1e6).toFixed(1)} MB, ${((performance.now() - t2) / 1000).toFixed(1)} s)`);
    out.bigfleetXz = { file: xzDir, ...bigXz };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Issue 21: more shapes of each input, each from its own generator (not one generator with a
// knob), a real-size sosreport, and growth series.

const SHORT_IDENTS = ['kubelet', 'containerd', 'chronyd', 'cron', 'sshd', 'haproxy', 'node_exporter', 'consul', 'vault', 'auditd'];

/**
 * Syslog, second shape (a fleet's central collector): RFC 3164, UTC, `hosts` hosts (node-0001…),
 * short lines (~45–60 bytes), few kernel lines (~0.5 %: NIC link and a rare overflow burst of 1–3
 * lines with its net_ratelimit line). Another generator than genSyslog: other vocabulary, other
 * host names, other rhythm. Returns the same truth fields.
 */
export function genSyslogShort(path, lines, seed = 21, hosts = 400) {
  const r = rng(seed);
  const out = new Out(path);
  const names = Array.from({ length: hosts }, (_, i) => `node-${String(i + 1).padStart(4, '0')}`);
  const spanMs = 3 * 86_400_000;
  const meanGap = Math.max(1, spanMs / lines);
  let t = START_MS + 86_400_000;
  let n = 0;
  let overflow = 0;
  let ratelimit = 0;
  let suppressed = 0;
  let episodes = 0;
  let kernel = 0;
  let lastSec = -1;
  let stamp = '';
  const emit = (host, msg) => {
    const sec = Math.floor(t / 1000);
    if (sec !== lastSec) {
      lastSec = sec;
      stamp = syslogStamp(t);
    }
    out.write(`${stamp} ${host} ${msg}\n`);
    n++;
  };
  // An overflow burst every ~2,000 lines (at least 4 in the file).
  const every = Math.max(40, Math.min(2_000, Math.floor(lines / 4)));
  let next = Math.floor(every / 3);
  while (n < lines) {
    t += r() * 2 * meanGap;
    if (n >= next && n + 4 <= lines) {
      next += every;
      episodes++;
      const h = r.pick(names);
      const k = 1 + r.int(3);
      for (let i = 0; i < k; i++) emit(h, `kernel: ${OVERFLOW}`);
      overflow += k;
      kernel += k;
      const s = 1 + r.int(200);
      emit(h, `kernel: net_ratelimit: ${s} callbacks suppressed`);
      ratelimit++;
      kernel++;
      suppressed += s;
      continue;
    }
    const h = names[r.int(hosts)];
    const k = r.int(1000);
    if (k < 4) {
      emit(h, `kernel: eth0: link up`);
      kernel++;
      continue;
    }
    const id = SHORT_IDENTS[k % SHORT_IDENTS.length];
    if (k < 400) emit(h, `${id}[${100 + r.int(900)}]: ok ${r.int(1e6)}`);
    else if (k < 700) emit(h, `${id}: sync done in ${r.int(999)}ms`);
    else emit(h, `${id}[${100 + r.int(900)}]: GET /v${r.int(3)}/k${r.int(1e4)} ${r() < 0.98 ? 200 : 503}`);
  }
  const bytes = out.close();
  const mtime = new Date(Math.ceil(t / 1000) * 1000 + 3_600_000);
  utimesSync(path, mtime, mtime);
  return { kind: 'syslog', lines: n, bytes, overflow_lines: overflow, ratelimit_lines: ratelimit, suppressed, episodes, hosts, kernel_lines: kernel };
}

/**
 * Short journal entries (~410 bytes, 11 fields — a container host or a trimmed export):
 * `journalctl -o json` into `jsonPath` and, when `exportPath` is given, the same entries as
 * `journalctl -o export` (so the two formats' ingest times compare on identical content). Stops
 * at `limit.entries` entries or `limit.bytes` bytes of JSON. Returns the truth.
 */
export function genJournalShort(jsonPath, exportPath, limit, seed = 22) {
  const r = rng(seed);
  const out = new Out(jsonPath);
  const exp = exportPath ? new Out(exportPath) : null;
  const bootId = '9a1b2c3d4e5f40718293a4b5c6d7e8f9';
  const host = 'kube17';
  const bootUs = BigInt(START_MS - 3_600_000) * 1000n;
  let t = BigInt(START_MS) * 1000n;
  let seq = 0x20000;
  let entries = 0;
  let overflow = 0;
  let burst = 0;
  let written = 0;
  const maxEntries = limit.entries ?? Infinity;
  const maxBytes = limit.bytes ?? Infinity;
  while (entries < maxEntries && written < maxBytes) {
    t += BigInt(1 + r.int(50_000));
    const mono = t - bootUs;
    const cursor = `s=${bootId};i=${(seq++).toString(16)};b=${bootId};m=${mono.toString(16)};t=${t.toString(16)};x=${(r() * 0xffffffff >>> 0).toString(16).padStart(8, '0')}${(r() * 0xffffffff >>> 0).toString(16).padStart(8, '0')}`;
    if (burst === 0 && r() < 0.0004) burst = 1 + r.int(20);
    let e;
    if (burst > 0) {
      burst--;
      overflow++;
      e = { __CURSOR: cursor, __REALTIME_TIMESTAMP: t.toString(), __MONOTONIC_TIMESTAMP: mono.toString(), _BOOT_ID: bootId, _HOSTNAME: host, _TRANSPORT: 'kernel', PRIORITY: '4', SYSLOG_FACILITY: '0', SYSLOG_IDENTIFIER: 'kernel', _SOURCE_MONOTONIC_TIMESTAMP: (mono - 9n).toString(), MESSAGE: OVERFLOW };
    } else {
      const id = r.pick(SHORT_IDENTS);
      const pid = String(100 + r.int(60000));
      const msg = r() < 0.5 ? `${id} sync done in ${r.int(999)}ms` : `GET /v${r.int(3)}/k${r.int(1e5)} ${r() < 0.98 ? 200 : 503} ${r.int(9000)}b`;
      e = { __CURSOR: cursor, __REALTIME_TIMESTAMP: t.toString(), __MONOTONIC_TIMESTAMP: mono.toString(), _BOOT_ID: bootId, _HOSTNAME: host, _TRANSPORT: 'stdout', PRIORITY: '6', SYSLOG_IDENTIFIER: id, _PID: pid, _COMM: id, MESSAGE: msg };
    }
    const line = JSON.stringify(e) + '\n';
    out.write(line);
    written += line.length; // ASCII only
    if (exp) exp.write(Object.entries(e).map(([k, v]) => `${k}=${v}\n`).join('') + '\n');
    entries++;
  }
  const bytes = out.close();
  const truth = { kind: 'journal-json', entries, lines: entries, bytes, overflow_lines: overflow, host, fields: 11 };
  if (exp) truth.export_bytes = exp.close();
  return truth;
}

const CONTAINERS = ['web-7f9c', 'api-5d2a', 'worker-0b11', 'redis-3', 'ingress-x9'];

/**
 * Journal entries of a container runtime's journald log driver (~780 bytes, 18 fields:
 * CONTAINER_NAME / _ID / _ID_FULL / _TAG, IMAGE_NAME, _TRANSPORT=journal …), 1 % of the MESSAGEs as
 * a byte array (what journalctl -o json prints for a value that is not valid UTF-8 or holds control
 * characters), kernel entries with overflow bursts. Another generator than the two above. Returns
 * the truth, with the count of byte-array MESSAGEs.
 */
export function genJournalContainer(path, targetBytes, seed = 23, exportPath = null) {
  const r = rng(seed);
  const out = new Out(path);
  const exp = exportPath ? new Out(exportPath) : null;
  const bootId = '1c2d3e4f5a6b47c8d9e0f1a2b3c4d5e6';
  const machineId = '7e6d5c4b3a2f41e0d9c8b7a6f5e4d3c2';
  const host = 'dock03';
  let t = BigInt(START_MS + 2 * 86_400_000) * 1000n;
  const bootUs = t - 7_200_000_000n;
  let seq = 0x30000;
  let entries = 0;
  let overflow = 0;
  let bytesMsgs = 0;
  let written = 0;
  // Every 100th entry exactly carries a byte-array MESSAGE (1 %), spread through the file so
  // read_json's sample sees both kinds.
  while (written < targetBytes) {
    t += BigInt(1 + r.int(100_000));
    const mono = t - bootUs;
    const cursor = `s=${bootId};i=${(seq++).toString(16)};b=${bootId};m=${mono.toString(16)};t=${t.toString(16)};x=${(r() * 0xffffffff >>> 0).toString(16).padStart(8, '0')}`;
    let e;
    if (r() < 0.002) {
      overflow++;
      e = { __CURSOR: cursor, __REALTIME_TIMESTAMP: t.toString(), __MONOTONIC_TIMESTAMP: mono.toString(), _BOOT_ID: bootId, _MACHINE_ID: machineId, _HOSTNAME: host, _TRANSPORT: 'kernel', PRIORITY: '4', SYSLOG_FACILITY: '0', SYSLOG_IDENTIFIER: 'kernel', MESSAGE: OVERFLOW };
    } else {
      const c = r.pick(CONTAINERS);
      const full = ((r() * 0xffffffff >>> 0).toString(16).padStart(8, '0') + c.length.toString(16)).padEnd(64, 'e');
      let msg = `{"level":"info","ts":${Number(t / 1000n)},"msg":"handled request","path":"/v1/${r.int(1e4)}","ms":${r.int(500)}}`;
      if ((entries + 1) % 100 === 0) {
        // A line with an ANSI colour escape and a byte that is not UTF-8: journalctl prints an array.
        msg = [...Buffer.from(`\x1b[32mINFO\x1b[0m worker ${r.int(1e4)} done `), 0xff, 0x0a].map(Number);
        bytesMsgs++;
      }
      e = {
        __CURSOR: cursor, __REALTIME_TIMESTAMP: t.toString(), __MONOTONIC_TIMESTAMP: mono.toString(), _BOOT_ID: bootId, _MACHINE_ID: machineId,
        _HOSTNAME: host, _TRANSPORT: 'journal', PRIORITY: r() < 0.95 ? '6' : '3', _PID: '1187', _UID: '0', _COMM: 'dockerd',
        CONTAINER_NAME: c, CONTAINER_ID: full.slice(0, 12), CONTAINER_ID_FULL: full, CONTAINER_TAG: full.slice(0, 12), IMAGE_NAME: `registry.example.com/team/${c.split('-')[0]}:1.${r.int(30)}.${r.int(10)}`,
        SYSLOG_IDENTIFIER: c.split('-')[0], MESSAGE: msg,
      };
    }
    const line = JSON.stringify(e) + '\n';
    out.write(line);
    written += line.length; // ASCII only (escapes included)
    if (exp) exp.write(exportEntry(e));
    entries++;
  }
  const bytes = out.close();
  const truth = { kind: 'journal-json', entries, lines: entries, bytes, overflow_lines: overflow, host, byte_array_messages: bytesMsgs };
  if (exp) truth.export_bytes = exp.close();
  return truth;
}

/**
 * One entry as `journalctl -o export` writes it: `KEY=value` lines, a value journalctl prints as
 * a byte array (not printable UTF-8, or a newline) as a binary field (name, newline, 64-bit
 * little-endian length, the bytes, newline), an empty line after it.
 */
function exportEntry(e) {
  const parts = [];
  for (const [k, v] of Object.entries(e)) {
    if (Array.isArray(v)) {
      const b = Buffer.from(v);
      const len = Buffer.alloc(8);
      len.writeUInt32LE(b.length, 0);
      parts.push(Buffer.from(`${k}\n`), len, b, Buffer.from('\n'));
    } else parts.push(Buffer.from(`${k}=${v}\n`));
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

/** Local wall-clock ms of a UTC ms in `tz` (offset looked up once per UTC hour: zones change on hour boundaries). */
function localClock(tz) {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const cache = new Map();
  return (ms) => {
    const h = Math.floor(ms / 3_600_000);
    let off = cache.get(h);
    if (off === undefined) {
      const p = Object.fromEntries(fmt.formatToParts(h * 3_600_000).map((x) => [x.type, x.value]));
      off = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - h * 3_600_000;
      cache.set(h, off);
    }
    return ms + off;
  };
}

/** `Mar  5 14:02:11` (syslog) or `Mar 05 14:02:11` (journalctl short) of a local wall-clock ms. */
function localStamp(localMs, zeroPad) {
  const d = new Date(localMs);
  return `${MON[d.getUTCMonth()]} ${zeroPad ? p2(d.getUTCDate()) : String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/**
 * A real-size sosreport `.tar.xz` (issue 21): the web01 sample spec (sos 4.x layout, the usual
 * sos_commands, proc, etc, its TIME_WAIT incident) with real-size logs written to disk:
 *   var/log/messages (p.currentLines lines over the last week, local time, then web01's incident
 *   lines), four rotated var/log/messages-YYYYMMDD.gz (p.rotatedLines each, one week each, an
 *   overflow burst of 10 lines + net_ratelimit every p.rotatedLines/3 lines),
 *   sos_commands/logs/journalctl_--no-pager (p.journalLines lines of other daemons, journalctl's
 *   short format), sos_commands/kernel/dmesg (web01's lines + p.dmesgLines), var/log/sa/sarDD
 *   (sar -n TCP,ETCP,SOCK text, 10-minute intervals, the last p.sarDays local days).
 * The tree stays under DIR/stage/ (DuckDB's raw-lines reference reads its log files); the archive
 * is `tar --sort=name … | xz -6 -T1` (deterministic bytes). Returns the truth.
 */
export async function genSosreportBig(dir, p, distDir) {
  const { web01 } = await import(join(distDir, 'samples', 'generate.js'));
  const { sosreportEntries, dmesgStamp } = await import(join(distDir, 'samples', 'sos.js'));
  const { rmSync, symlinkSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const w = web01();
  const spec = { ...w.spec, sosVersion: '4.5.6', replace: { 'var/log/messages': null, 'sos_commands/kernel/dmesg': null } };
  const host = spec.host;
  const base = 'sosreport-web01-2026-03-12-bigsos1';
  const stage = join(dir, 'stage');
  rmSync(stage, { recursive: true, force: true });
  const root = join(stage, base);
  mkdirSync(root, { recursive: true });
  for (const e of sosreportEntries(spec, base)) {
    const path = join(stage, e.path);
    if (e.dir) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      if (e.link != null) symlinkSync(e.link, path);
      else writeFileSync(path, e.content);
    }
  }
  mkdirSync(join(root, 'var', 'log'), { recursive: true });
  const local = localClock(spec.tz);
  const r = rng(2121);
  const logFiles = [];
  let logBytes = 0;
  let lines = 0;
  let overflow = 0;
  let suppressed = 0;
  // ordinary traffic of one host between two UTC times, bursts every `burstEvery` lines
  const writeSyslog = (path, n, fromMs, toMs, burstEvery) => {
    const out = new Out(path);
    const gap = (toMs - fromMs) / n;
    let t = fromMs;
    let written = 0;
    let nextBurst = burstEvery ? Math.floor(burstEvery / 2) : Infinity;
    while (written < n) {
      t += r() * 2 * gap;
      const stamp = localStamp(local(Math.min(t, toMs)), false);
      if (written >= nextBurst && written + 11 <= n) {
        nextBurst += burstEvery;
        for (let i = 0; i < 10; i++) out.write(`${stamp} ${host} kernel: ${OVERFLOW}\n`);
        const s = 100 + r.int(500);
        out.write(`${stamp} ${host} kernel: net_ratelimit: ${s} callbacks suppressed\n`);
        overflow += 10;
        suppressed += s;
        written += 11;
        continue;
      }
      out.write(`${stamp} ${host} ${ordinary(r)}\n`);
      written++;
    }
    return out;
  };
  const week = 7 * 86_400_000;
  const collected = spec.collectedUtcMs;
  const incidentFrom = Date.UTC(2026, 2, 12, 17, 0, 0); // web01's own lines start at 18:02 UTC
  // rotated files, oldest first: messages-<date of rotation>.gz
  for (let k = 4; k >= 1; k--) {
    const to = collected - k * week;
    const d = new Date(local(to));
    const name = `messages-${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}`;
    const path = join(root, 'var', 'log', name);
    const out = writeSyslog(path, p.rotatedLines, to - week, to, Math.max(100, Math.floor(p.rotatedLines / 3)));
    logBytes += out.close();
    lines += p.rotatedLines;
    execFileSync('gzip', ['-6', '-n', path]);
    logFiles.push(path + '.gz');
  }
  {
    const path = join(root, 'var', 'log', 'messages');
    const out = writeSyslog(path, p.currentLines, collected - week, incidentFrom, 0);
    // web01's incident (its first line, dated before this week's traffic ends, is left out)
    const inc = w.spec.messages.slice(1);
    for (const l of inc) out.write(l + '\n');
    overflow += w.truth.logged;
    suppressed += w.truth.suppressed;
    logBytes += out.close();
    lines += p.currentLines + inc.length;
    logFiles.push(path);
  }
  {
    const path = join(root, 'sos_commands', 'logs', 'journalctl_--no-pager');
    mkdirSync(dirname(path), { recursive: true });
    const out = new Out(path);
    const from = collected - week;
    out.write(`-- Logs begin at ${dateU(local(from)).replace(' UTC', '')} --\n`);
    const gap = (collected - 60_000 - from) / p.journalLines;
    let t = from;
    const JIDS = ['systemd-logind[912]', 'NetworkManager[1021]', 'rsyslogd[1190]', 'chronyd[880]', 'dbus-daemon[905]', 'polkitd[918]'];
    for (let i = 0; i < p.journalLines; i++) {
      t += r() * 2 * gap;
      out.write(`${localStamp(local(Math.min(t, collected - 60_000)), true)} ${host} ${r.pick(JIDS)}: ${r() < 0.5 ? `New session ${r.int(1e5)} of user ${r.pick(USERS)}.` : `<info>  [${Math.floor(t / 1000)}.${r.int(1000)}] device (eth0): state change: ${r.int(100)} -> ${r.int(100)}`}\n`);
    }
    logBytes += out.close();
    lines += p.journalLines;
    logFiles.push(path);
  }
  {
    const path = join(root, 'sos_commands', 'kernel', 'dmesg');
    const out = new Out(path);
    const bootUs = spec.bootUtcMs * 1000;
    const first = spec.dmesg.slice(0, 2);
    for (const l of first) out.write(l + '\n');
    const span = (Date.UTC(2026, 2, 12, 18, 0, 0) * 1000 - bootUs) - 2_000_000;
    for (let i = 0; i < p.dmesgLines; i++) {
      const us = 2_000_000 + Math.floor(((i + 1) / p.dmesgLines) * span);
      out.write(`${dmesgStamp(us)} ${r() < 0.5 ? `e1000e: eth${r.int(2)}: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None` : `audit: type=1400 audit(${Math.floor((bootUs + us) / 1e6)}.${r.int(1000)}:${r.int(99999)}): apparmor="ALLOWED"`}\n`);
    }
    for (const l of spec.dmesg.slice(2)) out.write(l + '\n');
    logBytes += out.close();
    lines += spec.dmesg.length + p.dmesgLines;
    logFiles.push(path);
  }
  // sar text files, one per local day, 10-minute intervals (DST days have what the clock shows)
  const sa = join(root, 'var', 'log', 'sa');
  mkdirSync(sa, { recursive: true });
  const days = new Map();
  for (let t = collected - p.sarDays * 86_400_000; t <= collected; t += 600_000) {
    const l = new Date(local(t));
    const key = `${p2(l.getUTCMonth() + 1)}/${p2(l.getUTCDate())}/${l.getUTCFullYear()}`;
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(`${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())}`);
  }
  // sarDays files, named by the day of the month (sarDD): a window not aligned to midnight touches
  // sarDays + 1 days, and the oldest would share its name with the newest (session 11's full run:
  // sar12 written twice, the second copy kept, the first still counted) — the oldest goes.
  while (days.size > p.sarDays) days.delete(days.keys().next().value);
  let sarRows = 0;
  let sarLines = 0;
  for (const [key, clocks] of days) {
    const path = join(sa, `sar${key.slice(3, 5)}`);
    const out = new Out(path);
    out.write(`Linux ${spec.kernel} (${host}) \t${key} \t_x86_64_\t(8 CPU)\n\n`);
    out.write(`${clocks[0]}     active/s passive/s    iseg/s    oseg/s\n`);
    for (const c of clocks) out.write(`${c}     ${(80 + r.int(40)).toFixed(2).padStart(8)} ${(10 + r.int(5)).toFixed(2).padStart(9)}   4000.00   3900.00\n`);
    out.write('Average:        100.00     10.00   4000.00   3900.00\n\n');
    out.write(`${clocks[0]}     atmptf/s  estres/s retrans/s isegerr/s   orsts/s\n`);
    for (const c of clocks) out.write(`${c}         0.50      0.20      3.10      0.00      1.00\n`);
    out.write('Average:         0.50      0.20      3.10      0.00      1.00\n\n');
    out.write(`${clocks[0]}     totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw\n`);
    for (const c of clocks) out.write(`${c}        500       100         9         0         0 ${String(3000 + r.int(2000)).padStart(9)}\n`);
    out.write('Average:          500       100         9         0         0      4000\n');
    sarRows += clocks.length;
    sarLines += 3 * clocks.length + 10; // header, blank, 3 × (heading, rows, Average), 2 blanks
    logBytes += out.close();
    logFiles.push(path);
  }
  const archive = join(dir, `${base}.tar.xz`);
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  execFileSync('sh', ['-c', `tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@${Math.floor(collected / 1000)} -C ${q(stage)} -cf - ${q(base)} | xz -6 -T1 > ${q(archive + '.part')}`]);
  renameSync(archive + '.part', archive);
  return {
    // lines: log_events rows (messages*, journalctl text without its header, dmesg); overflow_lines:
    // TIME_WAIT overflow lines of messages* (what lnav counts in syslog_log); dmesg repeats 120 of
    // web01's (overflow_total); raw_lines: every line of the log files (DuckDB's reference).
    kind: 'sosreport', file: archive, bytes: statSync(archive).size, log_bytes: logBytes, lines, overflow_lines: overflow, suppressed,
    overflow_total: overflow + w.truth.dmesg_overflow_lines, raw_lines: lines + 1 + sarLines,
    sar_days: days.size, sar_intervals: sarRows, log_files: logFiles, host, stage,
  };
}
