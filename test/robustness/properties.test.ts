/**
 * Property tests: every parser in FORMATS, fed arbitrary text and mutated real-looking lines,
 * never throws (a ParseError is the one documented error), finishes quickly, and keeps its
 * counters consistent. The journal export chunk parser gives the same answer however its
 * input is split into chunks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FORMATS } from '../../src/formats/registry.js';
import { createJournalExportParser } from '../../src/formats/journal-export/parser.js';
import { ParseError } from '../../src/errors.js';
import type { ChunkParser, Issue, LineParser, ParseContext } from '../../src/model.js';

const FILE = 'fuzz.input';
const ctx = (): ParseContext => ({
  file: FILE, host: 'web01', tz: 'Europe/Berlin', referenceTimeMs: Date.UTC(2026, 2, 12, 19, 20),
  bootTimeMs: Date.UTC(2026, 2, 1), snapshotTs: Date.UTC(2026, 2, 12, 19, 20) * 1000, netns: null,
});

/** A few real-looking lines per kind (the inputs the mutations start from). */
const SEEDS: Record<string, string[]> = {
  'journal-json': [
    '{"__REALTIME_TIMESTAMP":"1773061331204511","_HOSTNAME":"web01","_TRANSPORT":"kernel","PRIORITY":"4","MESSAGE":"TCP: time wait bucket table overflow"}',
    '{"__REALTIME_TIMESTAMP":"1773061332000000","MESSAGE":[84,67,80],"_PID":"812","SYSLOG_IDENTIFIER":"sshd"}',
    '{', '"MESSAGE" : "pretty",', '}',
  ],
  sadf: [
    '# hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw',
    'web01;600;2026-03-08 23:10:01 UTC;1840;312;9;0;0;27950',
    'web01;-1;2026-03-09 01:11:37 UTC;LINUX-RESTART\t(16 CPU)',
    '# hostname;interval;timestamp;active/s;passive/s;iseg/s;oseg/s',
    'web01;600;2026-03-09 01:30:01 UTC;465.20;12.03;40211.55;39870.02',
  ],
  'sadf-xml': [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<sysstat>',
    '\t<host nodename="web01">',
    '\t\t\t<timestamp date="2026-12-03" time="04:15:36" utc="1" interval="1">',
    '\t\t\t\t\t<net-sock totsck="36" tcpsck="1" udpsck="0" rawsck="0" ip-frag="0" tcp-tw="160"/>',
    '\t\t\t\t\t<net-tcp active="160.00" passive="160.00" iseg="974.00" oseg="974.00"/>',
    '\t\t\t<boot date="2026-12-03" time="05:00:02" tz="UTC" cpu_count="2"/>',
  ],
  sar: [
    'Linux 4.18.0-513.el8.x86_64 (web01) \t03/09/2026 \t_x86_64_\t(16 CPU)',
    '12:00:01 AM    totsck    tcpsck    udpsck    rawsck   ip-frag    tcp-tw',
    '12:10:01 AM      1840       312         9         0         0     27950',
    '02:11:37 AM  LINUX RESTART\t(16 CPU)',
    '12:00:01 AM  active/s passive/s    iseg/s    oseg/s',
    'Average:         1846       315         9         0         0     28026',
  ],
  slabinfo: [
    'Thu Mar 12 14:20:02 CDT 2026',
    'slabinfo - version: 2.1',
    '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
    'tw_sock_TCP         1120   1120    248   16    1 : tunables    0    0    0 : slabdata     70     70      0',
    '  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME',
    ' 31984  31840  99%    0.25K   1999       16      7996K tw_sock_TCP',
  ],
  'proc-netstat': [
    '2026-03-12T14:00:00Z',
    'TcpExt: SyncookiesSent TW ListenOverflows TCPTimeWaitOverflow',
    'TcpExt: 0 8790001 312 51877',
    'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens CurrEstab',
    'Tcp: 1 200 120000 -1 8841230 310',
  ],
  nstat: [
    '#kernel',
    'TcpActiveOpens                  8841230            0.0',
    'TcpExtTCPTimeWaitOverflow       51877              12.5',
    '==== 2026-03-09 14:20:02 ====',
    '1773062412',
  ],
  'netstat-s': [
    'Tcp:',
    '    8841230 active connection openings',
    '    312 times the listen queue of a socket overflowed',
    'TcpExt:',
    '    TCPTimeWaitOverflow: 51877',
    '    ICMP input histogram:',
  ],
  'ss-summary': [
    'Total: 1663 (kernel 1689)',
    'TCP:   1655 (estab 1556, closed 39, orphaned 40, synrecv 0, timewait 39/0), ports 0',
    'Transport Total     IP        IPv6',
    'TCP       1616      1612      4',
  ],
  sockstat: [
    'sockets: used 1840',
    'TCP: inuse 312 orphan 4 tw 27950 alloc 330 mem 1196',
    '2025-03-02T08:41:10+01:00',
    'FRAG: inuse 0 memory 0',
  ],
  ss: [
    'Wed Mar 12 14:00:00 UTC 2026',
    'State      Recv-Q Send-Q     Local Address:Port      Peer Address:Port  Process',
    'TIME-WAIT  0      0               10.0.0.5:443          10.0.9.17:51544',
    'ESTAB      0      0      [::ffff:10.0.0.5]:443  [::ffff:10.0.9.18]:40112',
    'u_str ESTAB     0      0                         * 20873               * 20874 users:(("systemd",pid=1,fd=40)) ino:20873 sk:1 <->',
    '\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)',
  ],
  'netstat-sockets': [
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer',
    'tcp        0      0 10.0.0.5:443            10.0.9.17:51544         TIME_WAIT   0          0          -                    timewait (52.10/0/0)',
    'tcp6       0      0 :::22                   :::*                    LISTEN      0          21733      812/sshd             off (0.00/0/0)',
  ],
  dmesg: [
    '[ 8123.456789] TCP: time wait bucket table overflow',
    '               second line of the same record',
    '[827347.418168] net_ratelimit: 280 callbacks suppressed',
    '[Mon Mar  9 14:02:11 2026] TCP: time wait bucket table overflow',
    '2026-03-09T14:02:11,456789+01:00 TCP: time wait bucket table overflow',
    'kern  :warn  : [ 8123.456789] TCP: time wait bucket table overflow',
  ],
  syslog: [
    'Mar  9 14:02:11 web01 kernel: [ 8123.456789] TCP: time wait bucket table overflow',
    '<4>Mar  9 14:02:11 web01 kernel: TCP: time wait bucket table overflow',
    '2026-03-09T14:02:11.204511+01:00 web01 kernel: TCP: time wait bucket table overflow',
    '<6>1 2026-03-09T14:02:11.204511+01:00 web01 kernel - - - TCP: time wait bucket table overflow',
    '-- Boot 6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b --',
    'Dec 31 23:59:59 web01 kernel: net_ratelimit: 12 callbacks suppressed',
  ],
  sysctl: [
    'net.ipv4.tcp_max_tw_buckets = 262144',
    'net.ipv4.ip_local_port_range = 32768\t60999',
    'sysctl: reading key "net.ipv6.conf.all.stable_secret"',
  ],
  'sysctl-conf': ['# raise the TIME_WAIT limit', 'net.ipv4.tcp_max_tw_buckets=1440000', '-net.ipv4.tcp_tw_recycle = 0'],
  'proc-tcp': [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0500000A:01BB 1109000A:C960 06 00000000:00000000 03:00000D4E 00000000     0        0 0 3 0000000000000000',
    '   1: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21733 1 0000000000000000 100 0 0 10 0',
  ],
  'nf_conntrack-stat': [
    'entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart',
    '0000a3f1  00000000 00000000 00000000 0000001c 00000000 00000000 00000000 00000000 00000000 0000031a 00000000 00000000  00000000 00000000 00000000 00000000',
  ],
  'arp_cache-stat': [
    'entries  allocs destroys hash_grows  lookups hits  res_failed  rcv_probes_mcast rcv_probes_ucast  periodic_gc_runs forced_gc_runs unresolved_discards table_fulls',
    '00000400  00000a1b 00000617 00000003  0001e4b8 0001c08f  00000000  00000000 00000000  00000c2e 00000120 00000000 000004d2',
  ],
  'ndisc_cache-stat': ['entries  found drop', '00000010  00000001 00000002'],
  'conntrack-s': [
    'cpu=0   \tfound=0 invalid=12 ignore=0 insert=0 insert_failed=0 drop=31 early_drop=0 error=0 search_restart=0',
    'cpu=1   \tfound=2 invalid=0 ignore=0 insert=0 insert_failed=1 drop=0 early_drop=0 error=0 search_restart=3',
  ],
};

/** A mutation of a real line: cut, inserted bytes, swapped or duplicated fields, deleted chars. */
function mutatedLine(seeds: string[]): fc.Arbitrary<string> {
  const seed = fc.constantFrom(...seeds);
  const junk = fc.string({ unit: 'binary', maxLength: 12 });
  return fc.oneof(
    seed,
    fc.tuple(seed, fc.nat()).map(([s, i]) => s.slice(0, i % (s.length + 1))),
    fc.tuple(seed, fc.nat(), junk).map(([s, i, j]) => { const k = i % (s.length + 1); return s.slice(0, k) + j + s.slice(k); }),
    fc.tuple(seed, fc.nat(), fc.nat()).map(([s, a, b]) => {
      const f = s.split(/(\s+|;|:|=)/);
      const i = a % f.length, j = b % f.length;
      [f[i], f[j]] = [f[j]!, f[i]!];
      return f.join('');
    }),
    fc.tuple(seed, fc.nat(), fc.nat({ max: 8 })).map(([s, i, n]) => { const k = i % (s.length + 1); return s.slice(0, k) + s.slice(k + n); }),
    fc.tuple(seed, fc.nat()).map(([s, i]) => { const f = s.split(/\s+/); const k = i % f.length; f.splice(k, 0, f[k]!); return f.join(' '); }),
    fc.tuple(seed, fc.constantFrom('-1', '99999999999999999999', 'NaN', '1e309', '0x1f', '', '\u00a0', '\ufffd', '\0')).map(([s, v]) => s.replace(/\d+/, v)),
  );
}

const anyLines = (seeds: string[]) => fc.array(fc.oneof(
  { weight: 3, arbitrary: mutatedLine(seeds) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/\n/g, ' ')) },
  { weight: 1, arbitrary: fc.constant('') },
), { maxLength: 30 });

function checkIssues(issues: readonly Issue[], maxLine: number): void {
  for (const i of issues) {
    expect(i.file).toBe(FILE);
    expect(i.code).toMatch(/^[a-z0-9-]+$/);
    expect(['warning', 'error']).toContain(i.severity);
    if (i.line != null) {
      expect(Number.isInteger(i.line)).toBe(true);
      expect(i.line).toBeGreaterThanOrEqual(1);
      expect(i.line).toBeLessThanOrEqual(maxLine);
    }
    expect(i.text.length).toBeLessThanOrEqual(201);
  }
}

function checkRows(rows: unknown[], maxLine: number): void {
  for (const r of rows as Record<string, unknown>[]) {
    for (const k of ['ts', 'value', 'active_objs', 'num_objs', 'objsize']) {
      if (typeof r[k] === 'number') expect(Number.isFinite(r[k] as number), `${k}=${String(r[k])}`).toBe(true);
    }
    if (r.line_no != null) {
      expect(r.line_no).toBeGreaterThanOrEqual(1);
      expect(r.line_no).toBeLessThanOrEqual(maxLine);
    }
  }
}

/** Run a line parser; a ParseError (not this format at all) is the one allowed throw. */
function runLines(create: (c: ParseContext) => LineParser<unknown>, lines: string[]) {
  const p = create(ctx());
  const rows: unknown[] = [];
  try {
    lines.forEach((l, i) => {
      p.line(l, i + 1);
      if (i % 7 === 6) rows.push(...p.drain());
    });
    p.end();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
  rows.push(...p.drain());
  return { p, rows };
}

const RUNS = 120;
const LINE_FORMATS = FORMATS.filter((f) => 'lines' in f.parser);
const linesOf = (f: (typeof FORMATS)[number]) => (f.parser as { lines: (c: ParseContext) => LineParser<unknown> }).lines;

describe('every line parser survives arbitrary and mutated input', () => {
  it('has seeds for every format', () => {
    // (binary journal files are fuzzed by corrupting real ones: test/ingest/journal-binary.test.ts)
    expect(FORMATS.map((f) => f.kind).filter((k) => k !== 'journal-export' && k !== 'journal-binary' && !SEEDS[k])).toEqual([]);
  });

  for (const f of LINE_FORMATS) {
    it(f.kind, () => {
      fc.assert(fc.property(anyLines(SEEDS[f.kind]!), (lines) => {
        const started = performance.now();
        const { p, rows } = runLines(linesOf(f), lines);
        expect(performance.now() - started).toBeLessThan(250);
        expect(p.linesRead).toBe(lines.length);
        expect(p.linesSkipped).toBeGreaterThanOrEqual(0);
        expect(p.linesSkipped).toBeLessThanOrEqual(p.linesRead);
        checkIssues(p.issues, lines.length);
        checkRows(rows, lines.length);
      }), { numRuns: RUNS, seed: 7 });
    });
  }

  it('a 2 MB line is one line-too-long issue at its line in every line parser', () => {
    const huge = '9'.repeat(2 * 1024 * 1024);
    for (const f of LINE_FORMATS) {
      const seeds = SEEDS[f.kind]!;
      const { p } = runLines(linesOf(f), [seeds[0]!, huge, seeds[0]!]);
      expect(p.issues.filter((i) => i.code === 'line-too-long').map((i) => i.line), f.kind).toEqual([2]);
    }
  });
});

describe('journal export chunk parser', () => {
  const le64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const textField = fc.tuple(fc.constantFrom('MESSAGE', 'PRIORITY', '_PID', '_HOSTNAME', 'SYSLOG_IDENTIFIER', '_TRANSPORT', 'X_OTHER'),
    fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, ' ')))
    .map(([k, v]) => Buffer.from(`${k}=${v}\n`));
  const binField = fc.tuple(fc.constantFrom('MESSAGE', 'X_BLOB'), fc.uint8Array({ maxLength: 64 }))
    .map(([k, v]) => Buffer.concat([Buffer.from(`${k}\n`), le64(v.length), Buffer.from(v), Buffer.from('\n')]));
  const entry = fc.tuple(fc.integer({ min: 1_600_000_000_000_000, max: 1_900_000_000_000_000 }), fc.array(fc.oneof(textField, binField), { maxLength: 6 }))
    .map(([ts, fields]) => Buffer.concat([Buffer.from(`__REALTIME_TIMESTAMP=${ts}\nMESSAGE=entry\n`), ...fields, Buffer.from('\n')]));
  const stream = fc.array(entry, { minLength: 1, maxLength: 8 }).map((es) => Buffer.concat(es));

  /** Damage: cut, inserted bytes, a byte overwritten (lengths included). */
  const damaged = fc.tuple(stream, fc.array(fc.tuple(fc.constantFrom('cut', 'insert', 'set'), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 9 })), { maxLength: 3 }))
    .map(([buf, muts]) => {
      let b = buf;
      for (const [kind, at, bytes] of muts) {
        const k = at % (b.length + 1);
        if (kind === 'cut') b = b.subarray(0, k);
        else if (kind === 'insert') b = Buffer.concat([b.subarray(0, k), bytes, b.subarray(k)]);
        else { b = Buffer.from(b); b.set(bytes.subarray(0, Math.max(0, b.length - k)), k); }
      }
      return b;
    });
  const splits = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 });

  function parse(buf: Buffer, sizes: number[] | null) {
    const p: ChunkParser<unknown> = createJournalExportParser(ctx());
    if (sizes == null) p.chunk(buf);
    else {
      let i = 0;
      for (let s = 0; i < buf.length; s++) {
        const n = sizes[s % sizes.length]!;
        p.chunk(buf.subarray(i, i + n));
        i += n;
      }
    }
    p.end();
    return { rows: p.drain(), issues: p.issues, linesRead: p.linesRead, linesSkipped: p.linesSkipped };
  }

  it('well-formed streams: one row per entry, no issues, the same however the bytes are split', () => {
    fc.assert(fc.property(stream, splits, (buf, sizes) => {
      const whole = parse(buf, null);
      expect(whole.issues).toEqual([]);
      expect(whole.rows.length).toBe(whole.linesRead);
      expect(parse(buf, sizes)).toEqual(whole);
    }), { numRuns: 200, seed: 11 });
  });

  it('damaged streams never throw, stay fast, count consistently and do not depend on the split', () => {
    fc.assert(fc.property(damaged, splits, (buf, sizes) => {
      const started = performance.now();
      const whole = parse(buf, null);
      const split = parse(buf, sizes);
      expect(performance.now() - started).toBeLessThan(250);
      expect(split).toEqual(whole);
      expect(whole.linesSkipped).toBeLessThanOrEqual(whole.linesRead);
      expect(whole.rows.length).toBeLessThanOrEqual(whole.linesRead - whole.linesSkipped);
      const physicalLines = buf.toString('latin1').split('\n').length;
      checkIssues(whole.issues, physicalLines);
      checkRows(whole.rows, physicalLines);
    }), { numRuns: 300, seed: 13 });
  });
});
