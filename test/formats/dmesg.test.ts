import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDmesgParser, looksLikeDmesg } from '../../src/formats/dmesg/parser.js';
import { readPrintkStamp } from '../../src/formats/kit/logline.js';
import { parseText } from '../../src/formats/kit/lines.js';
import type { LogEventRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD as REAL, describeRealworld } from '../helpers.js';

const BOOT = Date.UTC(2026, 2, 9, 10, 46, 0);
const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'dmesg', host: 'web01', tz: 'Europe/Berlin', bootTimeMs: BOOT, ...over,
});
const parse = (text: string, over: Partial<ParseContext> = {}) => parseText(createDmesgParser(ctx(over)), text);
const brief = (r: LogEventRow) => ({ ...r, ts: isoUtc(r.ts) });
const row = (over: Partial<ReturnType<typeof brief>>) => ({
  host: 'web01', ts: null, ts_quality: 'monotonic+boot', boot_id: null, mono_us: null, ident: 'kernel', pid: null,
  unit: null, priority: null, facility: null, transport: 'kernel', message: '', line_no: 0, ...over,
});

describe('dmesg raw stamps', () => {
  it('adds boot time to the bracket seconds; indented lines continue; a cut first line is an issue', () => {
    const text = [
      '27341.246171] TCP: too many orphaned sockets',
      '[  179.636034] TCP: out of memory -- consider tuning tcp_mem',
      '[ 8123.456789] TCP: time wait bucket table overflow',
      '               second line of the same record',
      '[827347.418168] net_ratelimit: 280 callbacks suppressed',
    ].join('\n');
    const r = parse(text);
    expect(r.rows.map(brief)).toEqual([
      row({ ts: '2026-03-09T10:48:59.636034Z', mono_us: 179636034, message: 'TCP: out of memory -- consider tuning tcp_mem', line_no: 2 }),
      row({ ts: '2026-03-09T13:01:23.456789Z', mono_us: 8123456789,
        message: 'TCP: time wait bucket table overflow second line of the same record', line_no: 3 }),
      row({ ts: '2026-03-19T00:35:07.418168Z', mono_us: 827347418168, message: 'net_ratelimit: 280 callbacks suppressed', line_no: 5 }),
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['bad-line', 1]]);
    expect([r.linesRead, r.linesSkipped]).toEqual([5, 1]);
  });

  it('keeps mono_us with a null ts when the boot time is unknown', () => {
    const r = parse('[    9.649346] TCP: request_sock_TCP: Possible SYN flooding on port 5400. Sending cookies.  Check SNMP counters.', { bootTimeMs: null });
    expect(r.rows.map(brief)).toEqual([row({ ts_quality: null, mono_us: 9649346,
      message: 'TCP: request_sock_TCP: Possible SYN flooding on port 5400. Sending cookies.  Check SNMP counters.', line_no: 1 })]);
  });

  it('keeps stamp-less lines (CONFIG_PRINTK_TIME off) as rows without time', () => {
    const r = parse('Linux version 2.6.9-89.ELsmp\n  BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)\n');
    expect(r.rows.map(brief)).toEqual([
      row({ ts_quality: null, message: 'Linux version 2.6.9-89.ELsmp', line_no: 1 }),
      row({ ts_quality: null, message: '  BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)', line_no: 2 }),
    ]);
  });
});

describe('dmesg -T, --time-format iso, -x, -r', () => {
  it('reads each stamp flavour and levels; a bad month is an issue', () => {
    const text = [
      '[Mon Mar  9 14:02:11 2026] TCP: time wait bucket table overflow',
      '2026-03-09T14:02:11,456789+01:00 TCP: time wait bucket table overflow',
      'kern  :warn  : [ 8123.456789] TCP: time wait bucket table overflow',
      '<6>[ 8124.000001] TCP: time wait bucket table overflow',
      '[Mon Foo  9 14:02:11 2026] TCP: time wait bucket table overflow',
    ].join('\n');
    const r = parse(text);
    const msg = 'TCP: time wait bucket table overflow';
    expect(r.rows.map(brief)).toEqual([
      row({ ts: '2026-03-09T13:02:11Z', ts_quality: 'local+tz', message: msg, line_no: 1 }),
      row({ ts: '2026-03-09T13:02:11.456789Z', ts_quality: 'exact', message: msg, line_no: 2 }),
      row({ ts: '2026-03-09T13:01:23.456789Z', mono_us: 8123456789, facility: 0, priority: 4, message: msg, line_no: 3 }),
      row({ ts: '2026-03-09T13:01:24.000001Z', mono_us: 8124000001, facility: 0, priority: 6, message: msg, line_no: 4 }),
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['bad-timestamp', 5]]);
  });

  it('marks dmesg -T times assumed-utc when the zone is a guess', () => {
    const r = parse('[Mon Mar  9 14:02:11 2026] x', { tz: 'UTC', tzAssumed: true });
    expect(r.rows.map((x) => [isoUtc(x.ts), x.ts_quality])).toEqual([['2026-03-09T14:02:11Z', 'assumed-utc']]);
  });

  it('reads printk stamps exactly', () => {
    expect(readPrintkStamp('[    0.000000] x', 0)).toEqual({ us: 0, end: 15 });
    expect(readPrintkStamp('kernel: [38775494.392631] nf', 8)).toEqual({ us: 38775494392631, end: 26 });
    expect(readPrintkStamp('[ 12.5] x', 0)).toEqual({ us: 12500000, end: 8 });
    expect(readPrintkStamp('[Mon Mar  9] x', 0)).toBeNull();
  });
});

describe('robustness', () => {
  it('never throws on arbitrary lines built from stamp fragments', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom('[', '] ', '[ 1.2] ', '.5] ', '<4>', 'kern  :info  : ', '[Mon Mar  9 25:02:11 2026] ',
      '2026-03-09T14:02:11,456789+01:00 ', '  ', '\0'));
    fc.assert(fc.property(fc.array(fc.array(piece, { maxLength: 5 }).map((p) => p.join('')), { maxLength: 8 }), (lines) => {
      const r = parse(lines.join('\n'));
      expect(r.rows.length + r.linesSkipped).toBeLessThanOrEqual(lines.length);
    }), { numRuns: 300 });
  });
});

describe('looksLikeDmesg', () => {
  it('accepts dmesg flavours, rejects journalctl short-monotonic and syslog', () => {
    expect(looksLikeDmesg('[    0.000000] Linux version 5.4.0\n[    0.000001] Command line: ro\n')).toBe(true);
    expect(looksLikeDmesg('[Mon Mar  9 14:02:11 2026] TCP: x\n')).toBe(true);
    expect(looksLikeDmesg('2026-03-09T14:02:11,456789+01:00 TCP: x\n')).toBe(true);
    expect(looksLikeDmesg('kern  :info  : [ 8123.456789] TCP: x\n')).toBe(true);
    expect(looksLikeDmesg('[ 1.000001] web01 kernel: a\n[ 2.000001] web01 systemd[1]: b\n[ 3.000001] web01 kernel: c\n')).toBe(false);
    // two lines: only journalctl's header line tells them from dmesg's `usb 1-1: …`
    expect(looksLikeDmesg('-- Logs begin at Mon 2026-03-09 10:00:00 UTC, end at Mon 2026-03-09 15:00:00 UTC. --\n'
      + '[ 8123.456789] web01 kernel: TCP: time wait bucket table overflow\n[ 8124.000001] web01 sshd[812]: Accepted publickey\n')).toBe(false);
    expect(looksLikeDmesg('[ 5.100000] usb 1-1: new high-speed USB device\n[ 5.200000] usb 1-1: New USB device found\n')).toBe(true);
    expect(looksLikeDmesg('Mar  9 14:02:11 web01 kernel: [ 8123.456789] TCP: x\n')).toBe(false);
  });
});

describeRealworld('real-world dmesg files', () => {
  const run = (rel: string, over: Partial<ParseContext> = {}) =>
    parseText(createDmesgParser(ctx({ file: rel, tz: 'UTC', ...over })), readFileSync(REAL + rel, 'utf8'));

  it('reads the hotsos kubernetes dmesg', () => {
    const r = run('hotsos/kubernetes/sos_commands/kernel/dmesg', { bootTimeMs: Date.UTC(2022, 1, 11, 18, 58, 0) });
    expect([r.rows.length, r.issues.length]).toEqual([813, 0]);
    expect(r.rows[0]!.message.startsWith('Linux version 5.4.0-99-generic')).toBe(true);
    expect(brief(r.rows[812]!)).toMatchObject({ ts: '2022-02-11T19:23:30.811848Z', mono_us: 1530811848 });
    expect(looksLikeDmesg(readFileSync(REAL + 'hotsos/kubernetes/sos_commands/kernel/dmesg', 'utf8').slice(0, 65536))).toBe(true);
  });

  it('reads the pasted dmesg excerpts', () => {
    const counts: Record<string, [number, string[]]> = {};
    for (const f of readdirSync(REAL + 'logs/issues').filter((x) => /dmesg|tempesta|vtrunkd|shadowsocks/.test(x))) {
      const r = run('logs/issues/' + f, { bootTimeMs: null });
      counts[f] = [r.rows.length, r.issues.map((i) => `${i.code}@${i.line}`)];
      expect(r.rows.every((x) => x.ts === null && x.mono_us != null), f).toBe(true);
      expect(looksLikeDmesg(readFileSync(REAL + 'logs/issues/' + f, 'utf8')), f).toBe(true);
    }
    expect(counts).toEqual({
      'cuberite-4596_syn_flooding_dmesg.log': [10, []],
      'openmptcprouter-2729_orphaned_sockets_dmesg.log': [13, []],
      'shadowsocks-rust-376_orphaned_sockets_truncated_first_line.log': [9, ['bad-line@1']],
      'tempesta-1763_tcp_out_of_memory.log': [7, []],
      'vtrunkd-159_syn_flooding_early_boot.log': [1, []],
    });
    const omr = run('logs/issues/openmptcprouter-2729_orphaned_sockets_dmesg.log');
    expect([omr.rows[10]!.message, omr.rows[10]!.mono_us]).toEqual(['net_ratelimit: 273 callbacks suppressed', 261096028928]);
  });
});
