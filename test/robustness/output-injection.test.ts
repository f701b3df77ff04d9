import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { hostNeedsCareSql, safeHostName, termSafe } from '../../src/report/safe.js';
import { runCli, tempDir } from '../helpers.js';

/**
 * Issue 17 point 4: outputs carry no attack. A syslog side file written by an attacker: its host
 * name sets the window title (ESC ]0;…BEL), a line writes the clipboard (OSC 52) and carries
 * HTML, a javascript: link and a table pipe, others are spreadsheet formulas, and the file's own
 * name holds a title sequence.
 */
const OSC_TITLE = '\x1b]0;title\x07';
const HOST = `web${OSC_TITLE}x`;
const FILE = `messages-\x1b]0;t\x07.log`;
const LINES = [
  `Mar 12 19:02:11 ${HOST} kernel: TCP: time wait bucket table overflow`,
  `Mar 12 19:02:12 ${HOST} kernel: TCP: time wait bucket table overflow`,
  `Mar 12 19:02:13 ${HOST} app: <script>alert(1)</script> [x](javascript:alert(1)) a|b \x1b]52;c;ZXZpbA==\x07 end`,
  `Mar 12 19:02:14 ${HOST} app: =HYPERLINK("http://evil.example/?x","click")`,
  `Mar 12 19:02:15 ${HOST} app: +cmd|' /C calc'!A0`,
  `Mar 12 19:02:16 ${HOST} app: @SUM(1+1)`,
  `Mar 12 19:02:17 ${HOST} app: -2+3`,
];
/** What the host becomes: controls percent-encoded where the host is decided. */
const SAFE_HOST = 'web%1B]0;title%07x';
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('no output carries an attack from the data', () => {
  const t = tempDir();
  const db = join(t.dir, 'evil.duckdb');
  const file = join(t.dir, FILE);
  const shownFile = `${t.dir}/messages-\\x1b]0;t\\x07.log`;
  let ingest: { code: number; out: string; err: string };
  beforeAll(async () => {
    writeFileSync(file, LINES.join('\n') + '\n');
    ingest = await runCli(['ingest', '--db', db, file, '--verbose']);
  }, 60_000);
  afterAll(() => t.cleanup());

  it('ingest: the file name shows its controls as \\xHH, the host is stored percent-encoded', async () => {
    expect(ingest.code).toBe(0);
    expect(ingest.err.split('\n')[0]).toBe(`loaded    syslog         ${shownFile}: 9 rows (overflow_events 2, log_events 7)`);
    expect(ingest.err).not.toMatch(RAW_CONTROL);
    const hosts = await runCli(['query', '--db', db, 'SELECT host FROM hosts', '--format', 'json']);
    expect(JSON.parse(hosts.out)).toEqual([{ host: SAFE_HOST }]);
  });

  it('report table: no raw control; OSC 52 shown as text; the path keeps its file name', async () => {
    const r = await runCli(['report', 'log_search', '--db', db, '--param', 'pattern=%script%', '--wide']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(RAW_CONTROL);
    const row = r.out.split('\n')[2]!;
    expect(row).toContain('<script>alert(1)</script> [x](javascript:alert(1)) a|b \\x1b]52;c;ZXZpbA==\\x07 end');
    expect(row.startsWith(`${SAFE_HOST}  2026-03-12T19:02:13.000Z`)).toBe(true);
    expect(row).toContain(shownFile);
  });

  it('report csv: formulas get a leading quote, numbers stay numbers, controls are shown; --raw-csv writes them as they are', async () => {
    const r = await runCli(['report', 'log_search', '--db', db, '--param', 'pattern=%', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(RAW_CONTROL);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('host,ts,local_time,ts_quality,ident,kind,suppressed,count,message,copies,path,line_no,match,hit');
    const message = (l: string) => l.split(',2026-03-12 ')[1]!.split(`,1,${t.dir}`)[0]!.replace(/^[^,]*UTC,assumed-utc,\w+,[^,]*,[^,]*,[^,]*,/, '');
    expect(lines.slice(3).map(message)).toEqual([
      `<script>alert(1)</script> [x](javascript:alert(1)) a|b \\x1b]52;c;ZXZpbA==\\x07 end`,
      `"'=HYPERLINK(""http://evil.example/?x"",""click"")"`,
      `'+cmd|' /C calc'!A0`,
      `'@SUM(1+1)`,
      `'-2+3`,
    ]);
    expect(lines[1]).toBe(`${SAFE_HOST},2026-03-12T19:02:11.000Z,2026-03-12 19:02:11 UTC,assumed-utc,kernel,tcp_timewait_overflow,false,1,TCP: time wait bucket table overflow,1,${t.dir}/messages-\\x1b]0;t\\x07.log,1,true,1`);
    const raw = await runCli(['report', 'log_search', '--db', db, '--param', 'pattern=%', '--format', 'csv', '--raw-csv']);
    const rawLines = raw.out.trimEnd().split('\n');
    expect(rawLines[4]).toContain(`,"=HYPERLINK(""http://evil.example/?x"",""click"")",`);
    expect(rawLines[1]).toBe(`${SAFE_HOST},2026-03-12T19:02:11.000Z,2026-03-12 19:02:11 UTC,assumed-utc,kernel,tcp_timewait_overflow,false,1,TCP: time wait bucket table overflow,1,${file},1,true,1`);
  });

  it('report md: no link, HTML, code span or extra cell from data', async () => {
    const r = await runCli(['report', 'log_search', '--db', db, '--param', 'pattern=%script%', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(RAW_CONTROL);
    const row = r.out.trimEnd().split('\n')[2]!;
    expect(row).toContain('| \\<script\\>alert(1)\\</script\\> \\[x\\](javascript:alert(1)) a\\|b \\x1b\\]52;c;ZXZpbA==\\x07 end |');
    expect(row.startsWith('| web%1B\\]0;title%07x | ')).toBe(true);
    // as many cells as columns: only escaped pipes inside cells
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(14);
  });

  it('report json and rca json: controls as \\u escapes (C1 included), the host as stored', async () => {
    const j = await runCli(['report', 'log_search', '--db', db, '--param', 'pattern=%script%', '--format', 'json']);
    expect(j.out).not.toMatch(RAW_CONTROL);
    expect(j.out).toContain('"path": "' + t.dir + '/messages-\\u001b]0;t\\u0007.log"');
    const rows = JSON.parse(j.out) as { message: string }[];
    expect(rows[0]!.message).toBe('<script>alert(1)</script> [x](javascript:alert(1)) a|b \x1b]52;c;ZXZpbA==\x07 end');
  });

  it('rca md: the host, the evidence file and the summary are escaped; no raw HTML from data', async () => {
    const r = await runCli(['rca', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(RAW_CONTROL);
    expect(r.out).toContain('### 1. web%1B\\]0;title%07x: TCP TIME_WAIT bucket table overflow');
    expect(r.out).toContain('| [1](#finding-1) | web%1B\\]0;title%07x | TCP TIME_WAIT bucket table overflow |');
    expect(r.out).toContain("- messages-\\x1b\\]0;t\\x07.log: 2 'TCP TIME_WAIT bucket table overflow' lines from 2026-03-12T19:02:11Z to 2026-03-12T19:02:12Z");
    // the only HTML is the report's own anchors and details
    expect([...new Set(r.out.match(/<[^>\n]*>/g))]).toEqual(['<a id="finding-1">', '</a>', '<details>', '<summary>', '</summary>', '</details>']);
  });

  it('a host name is cut to 253 bytes on a character boundary; --host is made safe as data hosts are', async () => {
    const long = join(t.dir, 'long.duckdb');
    const side = join(t.dir, 'plain.log');
    writeFileSync(side, 'Mar 12 19:02:11 h kernel: TCP: time wait bucket table overflow\n');
    const name = 'é'.repeat(200);
    const r = await runCli(['ingest', '--db', long, '--host', name, side]);
    expect(r.code).toBe(0);
    const hosts = JSON.parse((await runCli(['query', '--db', long, 'SELECT host, strlen(host) AS bytes FROM hosts', '--format', 'json'])).out);
    expect(hosts).toEqual([{ host: 'é'.repeat(126), bytes: 252 }]);
    expect(safeHostName('../x')).toBe('..%2Fx');
  });

  it('the SQL ingest paths leave to the JavaScript parser exactly the host names safeHostName changes', async () => {
    const names = [HOST, 'plain', 'web01.example.com', '2001:db8::1', '..', '.', 'a/b\\c%d', 'x'.repeat(253), 'x'.repeat(254), 'é'.repeat(126), 'é'.repeat(127), `tab\there`, '\x9b1m'];
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    try {
      const got = [];
      for (const n of names) got.push((await conn.runAndReadAll(`SELECT ${hostNeedsCareSql('$1::VARCHAR')}`, [n])).getRows()[0]![0]);
      expect(got).toEqual(names.map((n) => safeHostName(n) !== n));
      expect(got).toEqual([true, false, false, false, true, true, true, false, true, false, true, true, true]);
      expect(names.map(safeHostName).slice(4, 9)).toEqual(['%2E%2E', '%2E', 'a%2Fb%5Cc%25d', 'x'.repeat(253), 'x'.repeat(253)]);
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });

  it('a central syslog copy with one hostile host among plain ones: every host as safeHostName decides it', async () => {
    const cdb = join(t.dir, 'central.duckdb');
    const central = join(t.dir, 'central.log');
    writeFileSync(central, [
      'Mar 12 19:02:10 web02 app: plain one',
      `Mar 12 19:02:11 ${HOST} app: hostile`,
      'Mar 12 19:02:12 db01.example.com app: plain two',
    ].join('\n') + '\n');
    const r = await runCli(['ingest', '--db', cdb, central]);
    expect(r.code).toBe(0);
    // the SQL path leaves the file to the line parser (the one place hosts are made safe), and says so
    const notes = JSON.parse((await runCli(['query', '--db', cdb, "SELECT code, severity FROM ingest_issues WHERE code = 'fast-path-declined'", '--format', 'json'])).out);
    expect(notes).toEqual([{ code: 'fast-path-declined', severity: 'note' }]);
    const rows = JSON.parse((await runCli(['query', '--db', cdb, 'SELECT host, message FROM log_events ORDER BY line_no', '--format', 'json'])).out);
    expect(rows).toEqual([{ host: 'web02', message: 'plain one' }, { host: SAFE_HOST, message: 'hostile' }, { host: 'db01', message: 'plain two' }]);
  });

  it('a journal export whose _HOSTNAME holds a title sequence stores no control in any host', async () => {
    const jdb = join(t.dir, 'journal.duckdb');
    const journal = join(t.dir, 'journal.json');
    const entry = (host: string, msg: string, us: number) => JSON.stringify({ __REALTIME_TIMESTAMP: String(us), _HOSTNAME: host, SYSLOG_IDENTIFIER: 'app', MESSAGE: msg, _TRANSPORT: 'syslog', PRIORITY: '6' });
    writeFileSync(journal, [entry(HOST, 'one', 1773342131000000), entry(HOST, 'two', 1773342132000000)].join('\n') + '\n');
    const r = await runCli(['ingest', '--db', jdb, journal]);
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(RAW_CONTROL);
    const hosts = JSON.parse((await runCli(['query', '--db', jdb, 'SELECT DISTINCT host FROM log_events UNION SELECT host FROM hosts', '--format', 'json'])).out) as { host: string }[];
    expect(hosts.length).toBeGreaterThan(0);
    for (const h of hosts) expect(h.host).not.toMatch(RAW_CONTROL);
  });

  it('termSafe: C0 and C1 controls as \\xHH, tab kept, newline kept only between lines', () => {
    expect(termSafe(`a\tb${OSC_TITLE}\x9b2J\r\nz`)).toBe('a\tb\\x1b]0;title\\x07\\x9b2J\\x0d\\x0az');
    expect(termSafe('one\ntwo\x1b[1A', true)).toBe('one\ntwo\\x1b[1A');
  });
});
