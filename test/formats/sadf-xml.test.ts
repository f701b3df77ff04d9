/**
 * sadf -x XML (src/formats/sadf-xml): exact rows, and the same rows as sadf -d of the same sa file.
 * The fixtures are real: `sadc -S SNMP 1 3 sa03` (sysstat 12.6.1) while a local client opened ~400
 * TCP connections a second, then `sadf -x sa03 -- -n TCP,ETCP,SOCK` and `sadf -d sa03 -- -n TCP,ETCP,SOCK`.
 */
import { describe, expect, it } from 'vitest';
import { createSadfXmlParser } from '../../src/formats/sadf-xml/parser.js';
import { createSadfParser } from '../../src/formats/sadf/parser.js';
import { parseText } from '../../src/formats/kit/lines.js';
import { detectFormat, FORMAT_BY_KIND } from '../../src/formats/registry.js';
import type { CounterSampleRow, ParseContext } from '../../src/model.js';
import { isoUtc } from '../../src/time.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRealworld, itRealworld, REALWORLD } from '../helpers.js';

const ctx = (over: Partial<ParseContext> = {}): ParseContext => ({ file: 'sa03.xml', host: null, tz: 'Europe/Berlin', ...over });
/** [UTC time, name, value, semantics, device, host, origin, ts_quality] */
const brief = (r: CounterSampleRow) => [isoUtc(r.ts), r.name, r.value, r.semantics, r.device, r.host, r.origin, r.ts_quality];
const order = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

describe('sadf -x XML', () => {
  const xml = XML_LINES.join('\n') + '\n';

  it('reads the host, UTC timestamps and the TCP, ETCP and SOCK counters under the names sadf -d gives them (sar.ts sarCounter)', () => {
    const p = createSadfXmlParser(ctx());
    const r = parseText(p, xml);
    expect(r.issues).toEqual([]);
    expect([...p.activities].sort()).toEqual(['ETCP', 'SOCK', 'TCP']);
    const at = (ts: string) => r.rows.filter((x) => isoUtc(x.ts) === ts).map((x) => [x.name, x.value, x.semantics]);
    expect(r.rows.length).toBe(30); // 15 counters at each of the 2 timestamps
    expect(at('2026-12-03T04:15:37Z')).toEqual([
      ['sockstat.sockets.used', 36, 'gauge'], ['sockstat.TCP.inuse', 1, 'gauge'], ['sockstat.UDP.inuse', 0, 'gauge'],
      ['sockstat.RAW.inuse', 0, 'gauge'], ['sockstat.FRAG.inuse', 0, 'gauge'], ['sockstat.TCP.tw', 560, 'gauge'],
      ['TcpActiveOpens', 396.04, 'rate'], ['TcpPassiveOpens', 396.04, 'rate'], ['TcpInSegs', 2393.07, 'rate'], ['TcpOutSegs', 2393.07, 'rate'],
      ['TcpAttemptFails', 0, 'rate'], ['TcpEstabResets', 0, 'rate'], ['TcpRetransSegs', 0, 'rate'], ['TcpInErrs', 0, 'rate'], ['TcpOutRsts', 0, 'rate'],
    ]);
    expect(new Set(r.rows.map((x) => [x.host, x.origin, x.ts_quality].join()))).toEqual(new Set(['vm,sadf,exact']));
  });

  it('gives exactly the rows sadf -d gives for the same sa file', () => {
    const fromXml = parseText(createSadfXmlParser(ctx()), xml);
    const fromCsv = parseText(createSadfParser(ctx({ file: 'sa03.csv' })), CSV_LINES.join('\n') + '\n');
    expect(fromCsv.issues).toEqual([]);
    expect(fromXml.rows.length).toBe(fromCsv.rows.length);
    expect(order(fromXml.rows.map(brief))).toEqual(order(fromCsv.rows.map(brief)));
  });

  it('is detected as sadf-xml, names its host, and leaves a restart as sadf -d does', () => {
    expect(detectFormat(xml)?.kind).toBe('sadf-xml');
    expect(FORMAT_BY_KIND.get('sadf-xml')!.hostFromHead!(xml)).toBe('vm');
    // sysstat 12.7+ writes tz="UTC" where 12.6 writes utc="1" (xml_stats.c print_xml_restart)
    const restart = [...XML_LINES.slice(0, 16), '\t\t<restarts>', '\t\t\t<boot date="2026-12-03" time="05:00:02" tz="UTC" cpu_count="2"/>',
      '\t\t\t<boot date="2026-12-03" time="06:00:02" utc="1" cpu_count="2"/>', '\t\t</restarts>', '\t</host>', '</sysstat>'].join('\n');
    const r = parseText(createSadfXmlParser(ctx()), restart);
    expect(r.issues).toEqual([]);
    expect(r.rows.map(brief)).toEqual([
      ['2026-12-03T05:00:02Z', 'sar.restart', 1, 'gauge', null, 'vm', 'sadf', 'exact'],
      ['2026-12-03T06:00:02Z', 'sar.restart', 1, 'gauge', null, 'vm', 'sadf', 'exact'],
    ]);
  });

  it('reads local time (sadf -x -t) in the host zone, and reports a bad value, a counter before any timestamp and a stray line', () => {
    const text = [
      '<sysstat>', '<host nodename="db01.example.com">',
      '<net-tcp active="1.00" passive="2.00" iseg="3.00" oseg="4.00"/>',
      '<timestamp date="2026-03-09" time="14:00:01" utc="0" interval="600">',
      '<net-sock totsck="10" tcpsck="2" udpsck="1" rawsck="0" ip-frag="0" tcp-tw="x"/>',
      '<net-sock totsck="10" tcpsck="2" udpsck="1" rawsck="0" ip-frag="0" tcp-tw="7"/>',
      'not xml at all',
      '<net-dev iface="eth0" rxpck="5.50" txpck="6.00" rxkB="1.00" txkB="2.00" rxcmp="0.00" txcmp="0.00" rxmcst="0.00" ifutil-percent="0.01"/>',
    ].join('\n');
    const p = createSadfXmlParser(ctx());
    const r = parseText(p, text);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['sadf-no-timestamp', 3], ['sadf-xml-bad-value', 5], ['sadf-xml-bad-line', 7]]);
    expect(r.rows.map(brief)).toEqual([
      ['2026-03-09T13:00:01Z', 'sockstat.sockets.used', 10, 'gauge', null, 'db01.example.com', 'sadf', 'local+tz'],
      ['2026-03-09T13:00:01Z', 'sockstat.TCP.inuse', 2, 'gauge', null, 'db01.example.com', 'sadf', 'local+tz'],
      ['2026-03-09T13:00:01Z', 'sockstat.UDP.inuse', 1, 'gauge', null, 'db01.example.com', 'sadf', 'local+tz'],
      ['2026-03-09T13:00:01Z', 'sockstat.RAW.inuse', 0, 'gauge', null, 'db01.example.com', 'sadf', 'local+tz'],
      ['2026-03-09T13:00:01Z', 'sockstat.FRAG.inuse', 0, 'gauge', null, 'db01.example.com', 'sadf', 'local+tz'],
      ['2026-03-09T13:00:01Z', 'sockstat.TCP.tw', 7, 'gauge', null, 'db01.example.com', 'sadf', 'local+tz'],
      ...['rxpck/s', 5.5, 'txpck/s', 6, 'rxkB/s', 1, 'txkB/s', 2, 'rxcmp/s', 0, 'txcmp/s', 0, 'rxmcst/s', 0, '%ifutil', 0.01]
        .flatMap((x, i, a) => (i % 2 ? [] : [[x, a[i + 1]]]))
        .map(([c, v]) => ['2026-03-09T13:00:01Z', `sar.${c}`, v, String(c).endsWith('/s') ? 'rate' : 'gauge', 'eth0', 'db01.example.com', 'sadf', 'local+tz']),
    ]);
    // (the TCP activity was there, if before any timestamp: no no-tcp-activity warning)
    expect(FORMAT_BY_KIND.get('sadf-xml')!.notes!(p, ctx()).map((i) => i.code)).toEqual([]);
  });
});

describeRealworld('sadf -x XML of the sysstat project (realworld)', () => {
  // sysstat's tests/data-12.7.6.xml: sysdata-version 3.17 (tz="UTC" stamps), `sadf -x -- -A` of
  // every activity; the network ones give rows, the others (CPU, memory, …) are left alone.
  itRealworld('data-12.7.6.xml: 181 rows of 9 network activities, no issue, host brooks.home', () => {
    const text = readFileSync(join(REALWORLD, 'sysstat/text/data-12.7.6.xml'), 'utf8');
    expect(detectFormat(text)?.kind).toBe('sadf-xml');
    const p = createSadfXmlParser(ctx({ file: 'data-12.7.6.xml' }));
    const r = parseText(p, text);
    expect(r.issues).toEqual([]);
    expect(r.rows.length).toBe(181);
    expect([...p.activities].sort()).toEqual(['DEV', 'EDEV', 'EIP', 'ETCP', 'IP', 'SOCK', 'SOCK6', 'TCP', 'UDP']);
    expect(new Set(r.rows.map((x) => [x.host, x.origin, x.ts_quality].join()))).toEqual(new Set(['brooks.home,sadf,exact']));
    expect(r.rows.filter((x) => x.name === 'sar.restart').map((x) => isoUtc(x.ts))).toEqual(['2024-01-20T16:00:17Z']);
  });
});

const XML_LINES = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<!DOCTYPE sysstat PUBLIC \"DTD v3.11 sysstat //EN\"",
      "\"http://pagesperso-orange.fr/sebastien.godard/sysstat-3.11.dtd\">",
      "<sysstat",
      "xmlns=\"http://pagesperso-orange.fr/sebastien.godard/sysstat\"",
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
      "xsi:schemaLocation=\"http://pagesperso-orange.fr/sebastien.godard sysstat.xsd\">",
      "\t<sysdata-version>3.11</sysdata-version>",
      "\t<host nodename=\"vm\">",
      "\t\t<sysname>Linux</sysname>",
      "\t\t<release>6.18.44-fc-v1045</release>",
      "\t\t<machine>x86_64</machine>",
      "\t\t<number-of-cpus>2</number-of-cpus>",
      "\t\t<file-date>2026-12-03</file-date>",
      "\t\t<file-utc-time>04:15:35</file-utc-time>",
      "\t\t<timezone>UTC</timezone>",
      "\t\t<statistics>",
      "\t\t\t<timestamp date=\"2026-12-03\" time=\"04:15:36\" utc=\"1\" interval=\"1\">",
      "\t\t\t\t<network per=\"second\">",
      "\t\t\t\t\t<net-sock totsck=\"36\" tcpsck=\"1\" udpsck=\"0\" rawsck=\"0\" ip-frag=\"0\" tcp-tw=\"160\"/>",
      "\t\t\t\t\t<net-tcp active=\"160.00\" passive=\"160.00\" iseg=\"974.00\" oseg=\"974.00\"/>",
      "\t\t\t\t\t<net-etcp atmptf=\"0.00\" estres=\"0.00\" retrans=\"0.00\" isegerr=\"0.00\" orsts=\"0.00\"/>",
      "\t\t\t\t</network>",
      "\t\t\t</timestamp>",
      "\t\t\t<timestamp date=\"2026-12-03\" time=\"04:15:37\" utc=\"1\" interval=\"1\">",
      "\t\t\t\t<network per=\"second\">",
      "\t\t\t\t\t<net-sock totsck=\"36\" tcpsck=\"1\" udpsck=\"0\" rawsck=\"0\" ip-frag=\"0\" tcp-tw=\"560\"/>",
      "\t\t\t\t\t<net-tcp active=\"396.04\" passive=\"396.04\" iseg=\"2393.07\" oseg=\"2393.07\"/>",
      "\t\t\t\t\t<net-etcp atmptf=\"0.00\" estres=\"0.00\" retrans=\"0.00\" isegerr=\"0.00\" orsts=\"0.00\"/>",
      "\t\t\t\t</network>",
      "\t\t\t</timestamp>",
      "\t\t</statistics>",
      "\t\t<restarts>",
      "\t\t</restarts>",
      "\t</host>",
      "</sysstat>",
    ];
const CSV_LINES = [
      "# hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw",
      "vm;1;2026-12-03 04:15:36 UTC;36;1;0;0;0;160",
      "vm;1;2026-12-03 04:15:37 UTC;36;1;0;0;0;560",
      "# hostname;interval;timestamp;active/s;passive/s;iseg/s;oseg/s",
      "vm;1;2026-12-03 04:15:36 UTC;160.00;160.00;974.00;974.00",
      "vm;1;2026-12-03 04:15:37 UTC;396.04;396.04;2393.07;2393.07",
      "# hostname;interval;timestamp;atmptf/s;estres/s;retrans/s;isegerr/s;orsts/s",
      "vm;1;2026-12-03 04:15:36 UTC;0.00;0.00;0.00;0.00;0.00",
      "vm;1;2026-12-03 04:15:37 UTC;0.00;0.00;0.00;0.00;0.00",
    ];
