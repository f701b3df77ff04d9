import { describe, expect, it } from 'vitest';
import { createJournalJsonParser, looksLikeJournalJson } from '../../src/formats/journal-json/parser.js';
import { parseText } from '../../src/formats/kit/lines.js';
import type { LogEventRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';

const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({ file: 'journal.json', host: null, tz: 'UTC', ...over });
const parse = (text: string, over: Partial<ParseContext> = {}) => parseText(createJournalJsonParser(ctx(over)), text);
const brief = (r: LogEventRow) => ({ ...r, ts: isoUtc(r.ts) });
const BOOT = '6f0e2b1c9d4a4e6f8a7b5c3d2e1f0a9b';

describe('journalctl -o json', () => {
  it('maps fields, decodes byte arrays, takes the first of repeated values, reports cut lines', () => {
    const text = [
      `{"__CURSOR":"s=739a;i=15c","__REALTIME_TIMESTAMP":"1773061331204511","__MONOTONIC_TIMESTAMP":"8123457012","_BOOT_ID":"${BOOT}","_HOSTNAME":"web01","_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel","PRIORITY":"4","_SOURCE_MONOTONIC_TIMESTAMP":"8123456789","MESSAGE":"TCP: time wait bucket table overflow"}`,
      `{"__REALTIME_TIMESTAMP":"1773061332000000","__MONOTONIC_TIMESTAMP":"8124252501","_BOOT_ID":"${BOOT}","_HOSTNAME":"web01","_TRANSPORT":"stdout","SYSLOG_IDENTIFIER":"app","_PID":"812","_COMM":"app-bin","_SYSTEMD_UNIT":"app.service","PRIORITY":"6","MESSAGE":[98,97,100,32,255]}`,
      '{"__REALTIME_TIMESTAMP":"1773061333000000","_TRANSPORT":"syslog","_COMM":"sshd","SYSLOG_PID":"900","MESSAGE":["first","second"]}',
      '{"__REALTIME_TIMESTAMP":"177306133',
      '{"__REALTIME_TIMESTAMP":"1773061334000000","MESSAGE":null}',
    ].join('\n');
    const r = parse(text);
    expect(r.rows.map(brief)).toEqual([
      { host: 'web01', ts: '2026-03-09T13:02:11.204511Z', ts_quality: 'exact', boot_id: BOOT, mono_us: 8123456789, ident: 'kernel',
        pid: null, unit: null, priority: 4, facility: 0, transport: 'kernel', message: 'TCP: time wait bucket table overflow', line_no: 1 },
      { host: 'web01', ts: '2026-03-09T13:02:12Z', ts_quality: 'exact', boot_id: BOOT, mono_us: 8124252501, ident: 'app',
        pid: 812, unit: 'app.service', priority: 6, facility: null, transport: 'stdout', message: 'bad \uFFFD', line_no: 2 },
      { host: null, ts: '2026-03-09T13:02:13Z', ts_quality: 'exact', boot_id: null, mono_us: null, ident: 'sshd',
        pid: 900, unit: null, priority: null, facility: null, transport: 'syslog', message: 'first', line_no: 3 },
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['bad-json', 4], ['no-message', 5]]);
    expect([r.linesRead, r.linesSkipped]).toEqual([5, 2]);
  });

  it('lets ctx.host override _HOSTNAME; keeps a row with an unreadable time as ts null plus an issue', () => {
    const r = parse('{"__REALTIME_TIMESTAMP":"soon","_HOSTNAME":"container-7f3a","MESSAGE":"x\\u0000y"}', { host: 'web01' });
    expect(r.rows.map((x) => [x.host, x.ts, x.ts_quality, x.message])).toEqual([['web01', null, null, 'xy']]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['bad-timestamp', 1]]);
    expect(r.linesSkipped).toBe(0);
  });

  it('reads json-seq and json-pretty', () => {
    const seq = parse('\x1e{"__REALTIME_TIMESTAMP":"1773061331000000","MESSAGE":"seq"}\n\x1e{"__REALTIME_TIMESTAMP":"1773061332000000","MESSAGE":"two"}\n');
    expect(seq.rows.map((x) => [x.message, isoUtc(x.ts), x.line_no])).toEqual([['seq', '2026-03-09T13:02:11Z', 1], ['two', '2026-03-09T13:02:12Z', 2]]);
    const pretty = parse([
      '{',
      '\t"__REALTIME_TIMESTAMP" : "1773061331000000",',
      '\t"MESSAGE" : "pretty"',
      '}',
      '{',
      '\t"MESSAGE" : "never closed"',
    ].join('\n'));
    expect(pretty.rows.map((x) => [x.message, isoUtc(x.ts), x.line_no])).toEqual([['pretty', '2026-03-09T13:02:11Z', 1]]);
    expect(pretty.issues.map((i) => [i.code, i.line])).toEqual([['bad-json', 5]]);
  });

  it('skips lines above 1 MiB', () => {
    const r = parse(`{"MESSAGE":"${'a'.repeat(1 << 20)}"}`);
    expect([r.rows.length, r.issues.map((i) => i.code)]).toEqual([0, ['line-too-long']]);
  });
});

describe('looksLikeJournalJson', () => {
  it('accepts json, json-seq and json-pretty journals only', () => {
    expect(looksLikeJournalJson('{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1","MESSAGE":"x"}\n')).toBe(true);
    expect(looksLikeJournalJson('\x1e{"__REALTIME_TIMESTAMP":"1","MESSAGE":"x"}\n')).toBe(true);
    expect(looksLikeJournalJson('{\n\t"__CURSOR" : "s=1",\n\t"MESSAGE" : "x"\n}\n')).toBe(true);
    expect(looksLikeJournalJson('{"sysstat": {"hosts": []}}\n')).toBe(false);
    expect(looksLikeJournalJson('Mar  9 14:02:11 web01 kernel: {"__CURSOR":1}\n')).toBe(false);
  });
});
