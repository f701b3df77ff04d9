import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSadfParser, looksLikeSadf } from '../../src/formats/sadf/parser.js';
import { createSarParser } from '../../src/formats/sar/parser.js';
import { parseText } from '../../src/formats/kit/lines.js';
import type { CounterSampleRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { REALWORLD as REALWORLD_ROOT, describeRealworld } from '../helpers.js';

const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({
  file: 'sa09.csv', host: null, tz: 'Europe/Berlin', ...over,
});
/** [UTC time, name, value, device] */
const brief = (r: CounterSampleRow) => [isoUtc(r.ts), r.name, r.value, r.device];
const run = (text: string, over: Partial<ParseContext> = {}) => {
  const p = createSadfParser(ctx(over));
  const r = parseText(p, text);
  return { ...r, activities: p.activities };
};

describe('sadf -d', () => {
  it('reads UTC records per activity header, marks restarts, reports a short record', () => {
    const text = [
      '# hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw',
      'web01;600;2026-03-08 23:10:01 UTC;1840;312;9;0;0;27950',
      'web01;600;2026-03-08 23:20:01 UTC;1851;318;9;0;0',
      'web01;-1;2026-03-09 01:11:37 UTC;LINUX-RESTART\t(16 CPU)',
      '# hostname;interval;timestamp;active/s;passive/s;iseg/s;oseg/s',
      'web01;600;2026-03-09 01:30:01 UTC;465.20;12.03;40211.55;39870.02',
    ].join('\n');
    const r = run(text);
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-08T23:10:01Z', 'sockstat.sockets.used', 1840, null],
      ['2026-03-08T23:10:01Z', 'sockstat.TCP.inuse', 312, null],
      ['2026-03-08T23:10:01Z', 'sockstat.UDP.inuse', 9, null],
      ['2026-03-08T23:10:01Z', 'sockstat.RAW.inuse', 0, null],
      ['2026-03-08T23:10:01Z', 'sockstat.FRAG.inuse', 0, null],
      ['2026-03-08T23:10:01Z', 'sockstat.TCP.tw', 27950, null],
      ['2026-03-09T01:11:37Z', 'sar.restart', 1, null],
      ['2026-03-09T01:30:01Z', 'TcpActiveOpens', 465.2, null],
      ['2026-03-09T01:30:01Z', 'TcpPassiveOpens', 12.03, null],
      ['2026-03-09T01:30:01Z', 'TcpInSegs', 40211.55, null],
      ['2026-03-09T01:30:01Z', 'TcpOutSegs', 39870.02, null],
    ]);
    expect(r.rows[5]).toEqual({
      host: 'web01', ts: Date.UTC(2026, 2, 8, 23, 10, 1) * 1000, ts_quality: 'exact', origin: 'sadf',
      name: 'sockstat.TCP.tw', value: 27950, semantics: 'gauge', device: null, netns: null,
    });
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['column-count', 3]]);
    expect([...r.activities]).toEqual(['SOCK', 'TCP']);
  });

  it('sadf -dt: local times without suffix use ctx.tz; ctx.host overrides', () => {
    const text = [
      '# hostname;interval;timestamp;atmptf/s;estres/s;retrans/s;isegerr/s;orsts/s',
      'web01;600;2026-03-09 00:10:01;0.85;0.20;12.31;0.00;9.40',
      'web01;600;yesterday;0.85;0.20;12.31;0.00;9.40',
    ].join('\n');
    const r = run(text, { host: 'web01.example.com' });
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-08T23:10:01Z', 'TcpAttemptFails', 0.85, null],
      ['2026-03-08T23:10:01Z', 'TcpEstabResets', 0.2, null],
      ['2026-03-08T23:10:01Z', 'TcpRetransSegs', 12.31, null],
      ['2026-03-08T23:10:01Z', 'TcpInErrs', 0, null],
      ['2026-03-08T23:10:01Z', 'TcpOutRsts', 9.4, null],
    ]);
    expect(r.rows[0]).toMatchObject({ host: 'web01.example.com', ts_quality: 'local+tz', semantics: 'rate' });
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['sadf-bad-timestamp', 3]]);
    expect(run(text.split('\n').slice(0, 2).join('\n'), { tzAssumed: true }).rows[0]!.ts_quality).toBe('assumed-utc');
  });

  it('per-device columns: IFACE, CPU -1 = all, INTR with per-CPU values, battery status', () => {
    const text = [
      '# hostname;interval;timestamp;IFACE;rxpck/s;txpck/s;rxkB/s;txkB/s;rxcmp/s;txcmp/s;rxmcst/s;%ifutil',
      'web01;600;2026-03-08 23:10:01 UTC;eth0;465.20;12.03;3.10;0.84;0.00;0.00;0.00;0.01',
      '# hostname;interval;timestamp;CPU;%usr;%nice;%sys;%iowait;%steal;%irq;%soft;%guest;%gnice;%idle',
      'web01;600;2026-03-08 23:10:01 UTC;-1;2.67;19.49;2.13;0.97;0.00;1.18;0.21;0.00;0.00;73.34',
      '# hostname;interval;timestamp;INTR;CPU*',
      'web01;600;2026-03-08 23:10:01 UTC;sum;31915.30;5759.67;11829.29',
      '# hostname;interval;timestamp;BAT;%cap;cap/min;status',
      'web01;600;2026-03-08 23:10:01 UTC;0;100;-3.85;Full',
      '# hostname;interval;timestamp;manufact;product;BUS;idvendor;idprod;maxpower',
      'web01;600;2026-03-08 23:10:01 UTC;1;3f0;862;196;HP;HP Wireless Keyboard Mouse Kit',
    ].join('\n');
    const r = run(text);
    const pick = (n: string) => r.rows.filter((x) => x.name === n).map(brief);
    expect(pick('sar.rxpck/s')).toEqual([['2026-03-08T23:10:01Z', 'sar.rxpck/s', 465.2, 'eth0']]);
    expect(pick('sar.%usr')).toEqual([['2026-03-08T23:10:01Z', 'sar.%usr', 2.67, 'all']]);
    expect(pick('sar.intr/s')).toEqual([['2026-03-08T23:10:01Z', 'sar.intr/s', 31915.3, 'sum']]);
    expect(r.rows.filter((x) => x.device === '0').map(brief)).toEqual([
      ['2026-03-08T23:10:01Z', 'sar.%cap', 100, '0'],
      ['2026-03-08T23:10:01Z', 'sar.cap/min', -3.85, '0'],
    ]);
    expect(r.rows.length).toBe(8 + 10 + 1 + 2);
    expect(r.issues).toEqual([]);
    expect([...r.activities]).toEqual(['DEV', 'CPU', 'INT', 'BAT', 'USB']);
  });

  it('reports data without a header, and bad numbers', () => {
    const text = [
      'web01;600;2026-03-08 23:10:01 UTC;1840;312;9;0;0;27950',
      '# hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw',
      'web01;600;2026-03-08 23:10:01 UTC;1840;n/a;9;0;0;27950',
      'web01;-1;2026-03-08 23:15:00 UTC;COM Testing sysstat!',
    ].join('\n');
    const r = run(text);
    expect(r.rows).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['sadf-no-header', 1], ['sadf-bad-number', 3]]);
  });
});

describe('sadf -p', () => {
  it('reads one value per line, tells ETCP retrans/s from NFS retrans/s, maps cpuN to N', () => {
    const text = [
      'web01\t-1\t2026-03-08 23:00:00 UTC\tLINUX-RESTART\t(16 CPU)',
      'web01\t-1\t2026-03-08 23:05:00 UTC\tCOM Testing sysstat!',
      'web01\t600\t2026-03-08 23:10:01 UTC\t-\tcall/s\t5.00',
      'web01\t600\t2026-03-08 23:10:01 UTC\t-\tretrans/s\t0.50',
      'web01\t600\t2026-03-08 23:10:01 UTC\t-\tatmptf/s\t0.85',
      'web01\t600\t2026-03-08 23:10:01 UTC\t-\testres/s\t0.20',
      'web01\t600\t2026-03-08 23:10:01 UTC\t-\tretrans/s\t12.31',
      'web01\t600\t2026-03-08 23:10:01 UTC\t-\ttcp-tw\t27950',
      'web01\t600\t2026-03-08 23:10:01 UTC\tcpu3\t%usr\t2.71',
      'web01\t600\t2026-03-08 23:10:01 UTC\tsum\tall\t31915.30',
      'web01\t600\t2026-03-08 23:10:01 UTC\tsum\tcpu0\t5759.67',
      'web01\t600\t2026-03-08 23:10:01 UTC\teth0\trxpck/s',
    ].join('\n');
    const r = run(text);
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-08T23:00:00Z', 'sar.restart', 1, null],
      ['2026-03-08T23:10:01Z', 'sar.call/s', 5, null],
      ['2026-03-08T23:10:01Z', 'sar.retrans/s', 0.5, null],
      ['2026-03-08T23:10:01Z', 'TcpAttemptFails', 0.85, null],
      ['2026-03-08T23:10:01Z', 'TcpEstabResets', 0.2, null],
      ['2026-03-08T23:10:01Z', 'TcpRetransSegs', 12.31, null],
      ['2026-03-08T23:10:01Z', 'sockstat.TCP.tw', 27950, null],
      ['2026-03-08T23:10:01Z', 'sar.%usr', 2.71, '3'],
      ['2026-03-08T23:10:01Z', 'sar.intr/s', 31915.3, 'sum'],
    ]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['column-count', 12]]);
    expect(r.activities.has('ETCP') && r.activities.has('NFS') && r.activities.has('SOCK')).toBe(true);
  });
});

describe('sadf -j', () => {
  it('reads the network groups of the pretty-printed document', () => {
    const text = [
      '{"sysstat": {',
      '\t"hosts": [',
      '\t\t{',
      '\t\t\t"nodename": "web01",',
      '\t\t\t"statistics": [',
      '\t\t\t\t{',
      '\t\t\t\t\t"timestamp": {"date": "2026-03-08", "time": "23:10:01", "tz": "UTC", "interval": 600},',
      '\t\t\t\t\t"cpu-load": [',
      '\t\t\t\t\t\t{"cpu": "all", "usr": 2.15, "nice": 12.50}',
      '\t\t\t\t\t],',
      '\t\t\t\t\t"network": {',
      '\t\t\t\t\t\t"net-dev": [',
      '\t\t\t\t\t\t\t{"iface": "eth0", "rxpck": 465.20, "ifutil-percent": 0.01}',
      '\t\t\t\t\t\t],',
      '\t\t\t\t\t\t"net-sock": {"totsck": 1840, "tcpsck": 312, "udpsck": 9, "rawsck": 0, "ip-frag": 0, "tcp-tw": 27950},',
      '\t\t\t\t\t\t"net-tcp": {"active": 465.20, "passive": 12.03, "iseg": 40211.55, "oseg": 39870.02},',
      '\t\t\t\t\t\t"net-etcp": {"atmptf": 0.85, "estres": 0.20, "retrseg": 12.31, "isegerr": 0.00, "orsts": 9.40},',
      '\t\t\t\t\t\t"net-udp": {"idgm": 0.00, broken}',
      '\t\t\t\t\t}',
      '\t\t\t\t}',
      '\t\t\t],',
      '\t\t\t"restarts": [',
      '\t\t\t\t{',
      '\t\t\t\t\t"boot": {"date": "2026-03-09", "time": "01:11:37", "utc": 1, "cpu_count": 16}',
      '\t\t\t\t}',
      '\t\t\t]',
      '\t\t}',
      '\t]',
      '}}',
    ].join('\n');
    const r = run(text);
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-08T23:10:01Z', 'sar.rxpck/s', 465.2, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sar.%ifutil', 0.01, 'eth0'],
      ['2026-03-08T23:10:01Z', 'sockstat.sockets.used', 1840, null],
      ['2026-03-08T23:10:01Z', 'sockstat.TCP.inuse', 312, null],
      ['2026-03-08T23:10:01Z', 'sockstat.UDP.inuse', 9, null],
      ['2026-03-08T23:10:01Z', 'sockstat.RAW.inuse', 0, null],
      ['2026-03-08T23:10:01Z', 'sockstat.FRAG.inuse', 0, null],
      ['2026-03-08T23:10:01Z', 'sockstat.TCP.tw', 27950, null],
      ['2026-03-08T23:10:01Z', 'TcpActiveOpens', 465.2, null],
      ['2026-03-08T23:10:01Z', 'TcpPassiveOpens', 12.03, null],
      ['2026-03-08T23:10:01Z', 'TcpInSegs', 40211.55, null],
      ['2026-03-08T23:10:01Z', 'TcpOutSegs', 39870.02, null],
      ['2026-03-08T23:10:01Z', 'TcpAttemptFails', 0.85, null],
      ['2026-03-08T23:10:01Z', 'TcpEstabResets', 0.2, null],
      ['2026-03-08T23:10:01Z', 'TcpRetransSegs', 12.31, null],
      ['2026-03-08T23:10:01Z', 'TcpInErrs', 0, null],
      ['2026-03-08T23:10:01Z', 'TcpOutRsts', 9.4, null],
      ['2026-03-09T01:11:37Z', 'sar.restart', 1, null],
    ]);
    expect(r.rows[0]).toMatchObject({ host: 'web01', ts_quality: 'exact', origin: 'sadf', semantics: 'rate' });
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['sadf-bad-json', 18]]);
  });
});

describe('looksLikeSadf', () => {
  it('accepts -d, -p and -j, rejects sar text and XML', () => {
    expect(looksLikeSadf('# hostname;interval;timestamp;totsck;tcpsck\nweb01;600;2026-03-08 23:10:01 UTC;1;2\n')).toBe(true);
    expect(looksLikeSadf('web01;-1;2026-03-09 01:11:37 UTC;LINUX-RESTART\t(16 CPU)\n')).toBe(true);
    expect(looksLikeSadf('web01\t600\t2026-03-08 23:10:01 UTC\t-\ttcp-tw\t27950\n')).toBe(true);
    expect(looksLikeSadf('{"sysstat": {\n\t"hosts": [\n')).toBe(true);
    expect(looksLikeSadf('{"other": 1}\n')).toBe(false);
    expect(looksLikeSadf('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sysstat PUBLIC "DTD v3.17 sysstat //EN"\n')).toBe(false);
    expect(looksLikeSadf('Linux 6.1.0 (db1) \t03/09/2026 \t_x86_64_\t(4 CPU)\n\n12:00:01 AM    totsck\n')).toBe(false);
  });

  it('rejects sadf -x XML with one issue when parsed anyway', () => {
    const r = run(['<?xml version="1.0" encoding="UTF-8"?>', '<sysstat>', '<host nodename="web01">'].join('\n'));
    expect(r.rows).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['sadf-unsupported', 1]]);
  });
});

const REALWORLD = join(REALWORLD_ROOT, 'sysstat/');

describeRealworld('realworld sysstat', () => {
  const read = (rel: string) => readFileSync(REALWORLD + rel, 'utf8');
  const parse = (f: string, tz = 'UTC') => {
    const p = createSadfParser(ctx({ file: f, tz }));
    const r = parseText(p, read(`text/${f}`));
    return { ...r, activities: p.activities };
  };

  it('sniffs only the sadf -d / -p / -j outputs', () => {
    const hits: string[] = [];
    for (const sub of ['text', 'bin', 'bin-malformed']) {
      for (const f of readdirSync(REALWORLD + sub).sort()) {
        if (looksLikeSadf(read(`${sub}/${f}`).slice(0, 65536))) hits.push(`${sub}/${f}`);
      }
    }
    expect(hits).toEqual([
      'text/expected.data-11.6.5-sadf-d', 'text/expected.data-11.6.5-sadf-j', 'text/expected.data-11.6.5-sadf-p',
      'text/expected.sadf-d', 'text/expected.sadf-j', 'text/expected.sadf-p',
    ]);
  });

  it('expected.sadf-d: exact values, no issues, the same rows as sar text of the same data', () => {
    const r = parse('expected.sadf-d');
    expect(r.issues).toEqual([]);
    expect(r.rows.length).toBe(3621);
    expect(r.rows.find((x) => x.name === 'TcpActiveOpens')).toEqual({
      host: 'SYSSTAT.TEST', ts: Date.UTC(2019, 3, 18, 13, 20, 19) * 1000, ts_quality: 'exact', origin: 'sadf',
      name: 'TcpActiveOpens', value: 0, semantics: 'rate', device: null, netns: null,
    });
    expect(brief(r.rows.find((x) => x.name === 'sockstat.TCP.tw')!)).toEqual(['2019-04-18T13:20:19Z', 'sockstat.TCP.tw', 1, null]);
    expect(r.rows.filter((x) => x.name === 'sar.restart').map((x) => isoUtc(x.ts))).toEqual([
      '2019-04-18T13:37:29Z', '2019-04-18T13:54:09Z',
    ]);
    // expected2.sar-all is `sar -A` of the same recording, printed in GMT
    const sar = parseText(createSarParser(ctx({ file: 'expected2.sar-all', tz: 'UTC' })), read('text/expected2.sar-all'));
    const key = (x: CounterSampleRow) => [x.ts, x.name, x.device, x.value].join('|');
    const sarKeys = new Set(sar.rows.map(key));
    // sadf prints disk xvdq as xvdiw in its last record (a name lookup of the sadf version)
    expect(r.rows.filter((x) => !sarKeys.has(key(x))).map((x) => x.device)).toEqual(Array(8).fill('xvdiw'));
  });

  it('expected.sadf-p and expected.sadf-j agree with sadf -d', () => {
    const d = parse('expected.sadf-d');
    const p = parse('expected.sadf-p');
    const j = parse('expected.sadf-j');
    expect(p.issues).toEqual([]);
    expect(j.issues).toEqual([]);
    expect(p.rows.length).toBe(3621);
    expect(j.rows.length).toBe(1074);
    const key = (x: CounterSampleRow) => [x.ts, x.name, x.device, x.value].join('|');
    const dKeys = new Set(d.rows.map(key));
    expect(j.rows.filter((x) => !dKeys.has(key(x)))).toEqual([]);
    const tcp = (rows: CounterSampleRow[]) => rows.filter((x) => x.name.startsWith('Tcp')).map(key);
    expect(tcp(p.rows)).toEqual(tcp(d.rows));
    expect(tcp(j.rows).sort()).toEqual(tcp(d.rows).sort());
    expect([...j.activities].sort()).toEqual(['DEV', 'EDEV', 'EIP', 'ETCP', 'IP', 'SOCK', 'SOCK6', 'SOFT', 'TCP', 'UDP']);
  });

  it('expected.data-11.6.5-sadf-d: sensors with two key columns and a restart', () => {
    const r = parse('expected.data-11.6.5-sadf-d');
    expect(r.issues).toEqual([]);
    expect(r.rows.length).toBe(35);
    expect(r.rows.slice(0, 2).map(brief)).toEqual([
      ['2018-08-29T09:33:38Z', 'sar.restart', 1, null],
      ['2018-08-29T09:34:34Z', 'sar.rpm', 1283, '1/f71858fg-isa-0200'],
    ]);
    expect([...r.activities]).toEqual(['FAN', 'TEMP', 'IN']);
  });

  it('never throws on the other sysstat files', () => {
    for (const sub of ['text', 'bin', 'bin-malformed']) {
      for (const f of readdirSync(REALWORLD + sub)) {
        const text = read(`${sub}/${f}`);
        if (looksLikeSadf(text.slice(0, 65536))) continue;
        const r = parseText(createSadfParser(ctx({ file: f })), text);
        expect(r.rows, f).toEqual([]);
      }
    }
    expect(parse('data-12.7.6.xml').issues.map((i) => i.code)).toEqual(['sadf-unsupported']);
  });
});
