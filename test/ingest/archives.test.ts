/**
 * Archives that are not a bundle (issue 20 point 1): a .tar / .tgz / .zip of plain logs reads as
 * the same files in a folder would; a case tarball nesting sosreports, a journal export and a zip
 * of side files ingests in one command; every zip trap is refused alone with its own error; a
 * sosreport whose sos_commands/ is unusable still yields its logs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestPaths, type InputSummary } from '../../src/ingest/ingest.js';
import { makeTarball } from '../../src/samples/tarball.js';
import { currentTempFolder } from '../../src/io/tempdir.js';
import { SAMPLES, tempDir } from '../helpers.js';
import { localHeader, rawZip } from './zip-bytes.js';
import { crc32 } from 'node:zlib';

const t = tempDir('bundlescope-archives-');
afterAll(() => t.cleanup());

let n = 0;
async function withDb<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(join(t.dir, `db${++n}.duckdb`));
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

const MTIME = new Date('2026-03-12T19:20:00Z');

/** A zip of these files (yazl: deflated, with the Info-ZIP timestamp), optionally zip64. */
function makeZip(files: { name: string; data: string | Buffer }[], zip64 = false): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const f of files) z.addBuffer(Buffer.from(f.data), f.name, { mtime: MTIME, forceZip64Format: zip64 });
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

const row = (s: InputSummary, prefix: string) => [s.status, s.path.slice(prefix.length), s.host, s.notice ?? null, s.error ? (s.error as { code?: string }).code ?? 'error' : null, s.rows];

/** Every table's rows, with the input's own prefix taken off sources.path and ingest_issues.file. */
async function tables(store: Store, prefix: string): Promise<Record<string, unknown[][]>> {
  const out: Record<string, unknown[][]> = {};
  const q: Record<string, string> = {
    sources: 'SELECT kind, host, replace(path, $1, \'\'), sha256, bytes, rows, skipped, partial, first_ts, last_ts, time_basis FROM sources ORDER BY ALL',
    ingest_issues: 'SELECT replace(file, $1, \'\'), line, code, severity, text, expected FROM ingest_issues ORDER BY ALL',
    log_events: 'SELECT * EXCLUDE (source_id) FROM log_events ORDER BY ALL',
    overflow_events: 'SELECT * EXCLUDE (source_id) FROM overflow_events ORDER BY ALL',
    hosts: 'SELECT * EXCLUDE (source_id) FROM hosts ORDER BY ALL',
  };
  for (const [k, sql] of Object.entries(q)) {
    const r = await store.conn.runAndReadAll(sql, sql.includes('$1') ? [prefix] : []);
    out[k] = r.getRows().map((x) => x.map((v) => (typeof v === 'bigint' ? Number(v) : v === null || typeof v === 'boolean' || typeof v === 'number' ? v : String(v))));
  }
  return out;
}

describe('an archive of plain logs reads as the same files in a folder', () => {
  const MESSAGES = [
    'Mar 12 14:02:01 web01 kernel: TCP: time wait bucket table overflow',
    'Mar 12 14:02:02 web01 kernel: TCP: time wait bucket table overflow',
    'Mar 12 14:02:03 web01 systemd[1]: Started Session 7 of user root.',
    'Mar 12 14:02:04 web01 sshd[811]: Accepted publickey for root from 192.0.2.9 port 50022 ssh2',
  ].join('\n') + '\n';
  const EXPORT = '__REALTIME_TIMESTAMP=1773324200000000\n_HOSTNAME=web01\nSYSLOG_IDENTIFIER=kernel\nMESSAGE=TCP: time wait bucket table overflow\n\n'
    + '__REALTIME_TIMESTAMP=1773324201000000\n_HOSTNAME=web01\nSYSLOG_IDENTIFIER=kernel\nMESSAGE=TCP: time wait bucket table overflow\n\n';
  const FILES: { name: string; data: string }[] = [
    { name: 'var/log/messages', data: MESSAGES },
    { name: 'journal/web01.export', data: EXPORT },
    { name: 'NOTES.md', data: '# what the customer said\n' },
    { name: 'var/log/collect.sh', data: '#!/bin/sh\ntar czf /tmp/logs.tgz /var/log\n' },
    { name: 'var/log/empty.log', data: '' },
  ];
  const folder = join(t.dir, 'varlog');
  for (const f of FILES) {
    mkdirSync(join(folder, f.name, '..'), { recursive: true });
    writeFileSync(join(folder, f.name), f.data);
    utimesSync(join(folder, f.name), MTIME, MTIME);
  }
  // What a customer runs: tar from inside the folder (members `./var/log/messages`), zip -r.
  const tar = join(t.dir, 'varlog.tar');
  const tgz = join(t.dir, 'varlog.tgz');
  execFileSync('tar', ['cf', tar, '-C', folder, '.']);
  execFileSync('tar', ['czf', tgz, '-C', folder, '.']);
  const zip = join(t.dir, 'varlog.zip');

  // Paths sorted as the folder walk sorts them; the archive reads in the same order.
  const EXPECTED = [
    ['skipped', '/NOTES.md', null, 'a note, not evidence', null, {}],
    ['loaded', '/journal/web01.export', 'web01', null, null, { log_events: 2, overflow_events: 2 }],
    ['skipped', '/var/log/collect.sh', null, 'text of no format bundlescope reads (a note or a document?); --as KIND reads it as one', null, {}],
    ['skipped', '/var/log/empty.log', null, 'an empty file', null, {}],
    // (a syslog file's host is each line's own: the input names none)
    ['loaded', '/var/log/messages', null, null, null, { log_events: 4, overflow_events: 2 }],
  ];

  it('folder, .tar, .tgz and .zip: the same inputs, notices and rows in every table', async () => {
    writeFileSync(zip, await makeZip(FILES));
    const results: Record<string, Record<string, unknown[][]>> = {};
    for (const input of [folder, tar, tgz, zip]) {
      await withDb(async (s) => {
        const sums = await ingestPaths(s, [input]);
        expect(sums.map((x) => row(x, input))).toEqual(EXPECTED);
        results[input] = await tables(s, input);
      });
    }
    expect(results[folder]!.log_events).toHaveLength(6);
    expect(results[folder]!.overflow_events).toHaveLength(4);
    expect(results[folder]!.sources.map((r) => [r[0], r[1], r[2], r[5]])).toEqual([
      ['journal-export', 'web01', '/journal/web01.export', 4], ['syslog', null, '/var/log/messages', 6],
    ]);
    expect(results[folder]!.hosts).toHaveLength(1);
    expect(results[tar]).toEqual(results[folder]);
    expect(results[tgz]).toEqual(results[folder]);
    expect(results[zip]).toEqual(results[folder]);
    // nothing of the members is left in the temporary folder
    expect(currentTempFolder()).toBe(null);
  });

  it('a zip64 zip reads the same, and a second run of the same archive changes nothing', async () => {
    const z64 = join(t.dir, 'varlog64.zip');
    writeFileSync(z64, await makeZip(FILES, true));
    await withDb(async (s) => {
      expect((await ingestPaths(s, [z64])).map((x) => row(x, z64))).toEqual(EXPECTED);
      expect((await ingestPaths(s, [z64])).map((x) => [x.status, x.path.slice(z64.length)])).toEqual([
        ['skipped', '/NOTES.md'], ['unchanged', '/journal/web01.export'], ['skipped', '/var/log/collect.sh'], ['skipped', '/var/log/empty.log'], ['unchanged', '/var/log/messages'],
      ]);
    });
  });
});

describe('a case tarball: sosreports, a journal export and a zip of side files, in one command', () => {
  const WEB = 'sosreport-web01-2026-03-12-kqwzmab.tar.xz';
  const APP = 'sosreport-app02-2026-03-12-pxtrnoe.tar.xz';
  /** Per sosreport: its members' rows and their sum. */
  const MEMBER_ROWS = 'SELECT b.host, count(*), sum(m.rows) FROM sources m JOIN sources b ON m.parent_id = b.source_id GROUP BY ALL ORDER BY ALL';

  it('sosreports are bundles, every other member a side file by content, the zip opened one level', async () => {
    // web01's own lines, in a zip under a folder named after it (its host from the path),
    // and a tgz inside the zip: an archive two levels down, not opened.
    const sideZip = await makeZip([
      { name: 'web01/messages-extra', data: 'Mar 12 14:10:00 kernel: TCP: time wait bucket table overflow\nMar 12 14:10:01 kernel: TCP: time wait bucket table overflow\nMar 12 14:10:02 kernel: nf_conntrack: table full, dropping packet\n' },
      { name: 'deeper.tgz', data: await makeTarball([{ path: 'x.log', content: 'Mar 12 14:10:00 web01 kernel: hello\n' }], 'gzip') },
    ]);
    const EXPORT = '__REALTIME_TIMESTAMP=1773324200000000\n_HOSTNAME=app02\nSYSLOG_IDENTIFIER=kernel\nMESSAGE=TCP: time wait bucket table overflow\n\n';
    const file = join(t.dir, 'case-01234567.tar.gz');
    writeFileSync(file, await makeTarball([
      { path: 'case/', dir: true },
      { path: `case/${WEB}`, content: readFileSync(join(SAMPLES, WEB)) },
      { path: `case/${APP}`, content: readFileSync(join(SAMPLES, APP)) },
      { path: 'case/app02.export', content: EXPORT },
      { path: 'case/side-files.zip', content: sideZip },
    ], 'gzip'));
    const alone = await withDb(async (s) => {
      await ingestPaths(s, [join(SAMPLES, WEB), join(SAMPLES, APP)]);
      return (await s.conn.runAndReadAll(MEMBER_ROWS)).getRows().map((r) => r.map(String));
    });
    await withDb(async (s) => {
      const sums = await ingestPaths(s, [file]);
      expect(sums.map((x) => row(x, `${file}/case/`))).toEqual([
        ['loaded', APP, 'app02', null, null, expect.any(Object)],
        ['loaded', WEB, 'web01', null, null, expect.any(Object)],
        ['failed', 'side-files.zip/deeper.tgz', null, null, 'nested-too-deep', {}],
        ['loaded', 'side-files.zip/web01/messages-extra', 'web01', null, null, { log_events: 3, overflow_events: 3 }],
        ['loaded', 'app02.export', 'app02', null, null, { log_events: 1, overflow_events: 1 }],
      ]);
      // the two sosreports hold what they hold alone
      expect((await s.conn.runAndReadAll(MEMBER_ROWS)).getRows().map((r) => r.map(String))).toEqual(alone);
      expect(alone.map((r) => r[0])).toEqual(['app02', 'web01']);
      const top = (await s.conn.runAndReadAll("SELECT kind, host, rows FROM sources WHERE parent_id IS NULL AND kind <> 'sosreport' ORDER BY host, kind")).getRows().map((r) => r.map(String));
      expect(top).toEqual([['journal-export', 'app02', '2'], ['syslog', 'web01', '6']]);
      const paths = (await s.conn.runAndReadAll("SELECT path FROM sources WHERE parent_id IS NULL AND kind NOT IN ('sosreport') ORDER BY path")).getRows().map(([p]) => p);
      expect(paths).toEqual([`${file}/case/app02.export`, `${file}/case/side-files.zip/web01/messages-extra`]);
      const perTable = (await s.conn.runAndReadAll(`SELECT 'overflow_events', kind, count(*) FROM overflow_events WHERE source_id IN (SELECT source_id FROM sources WHERE path = $1) GROUP BY ALL ORDER BY ALL`,
        [`${file}/case/side-files.zip/web01/messages-extra`])).getRows();
      expect(perTable).toEqual([['overflow_events', 'conntrack_table_full', 1n], ['overflow_events', 'tcp_timewait_overflow', 2n]]);
    });
  });
});

describe('zip traps: the trap member refused with one error naming it, the rest read', () => {
  const GOOD = { name: 'good.log', data: 'Mar 12 14:02:01 web01 kernel: TCP: time wait bucket table overflow\n' };
  const run = async (name: string, bytes: Buffer) => {
    const file = join(t.dir, name);
    writeFileSync(file, bytes);
    return withDb(async (s) => {
      const sums = await ingestPaths(s, [file]);
      const logged = Number((await s.conn.runAndReadAll('SELECT count(*) FROM log_events')).getRows()[0]![0]);
      return { sums: sums.map((x) => [x.status, x.path.slice(file.length + 1), x.error ? (x.error as { code?: string }).code : null]), messages: sums.map((x) => x.error?.message ?? null), logged };
    });
  };

  it('absolute names and .. components', async () => {
    const r = await run('names.zip', rawZip([{ name: '/etc/cron.d/evil', data: 'x\n' }, { name: 'logs/../../evil.log', data: 'x\n' }, GOOD]));
    expect(r.sums).toEqual([['loaded', 'good.log', null], ['failed', '/etc/cron.d/evil', 'unsafe-path'], ['failed', 'logs/../../evil.log', 'unsafe-path']]);
    expect(r.messages[1]).toBe('a relative member path inside the archive (no leading /, no drive letter, no ..); not read (found: /etc/cron.d/evil)');
    expect(r.logged).toBe(1);
  });

  it('the same name twice: the first is read', async () => {
    const r = await run('dup.zip', rawZip([GOOD, { name: 'good.log', data: 'Mar 12 14:02:09 web01 kernel: something else\n' }]));
    expect(r.sums).toEqual([['loaded', 'good.log', null], ['failed', 'good.log', 'duplicate-member']]);
    expect(r.logged).toBe(1);
  });

  it('two central entries over the same local data, and a member whose local header sits inside another\'s data (the overlap bomb)', async () => {
    const same = await run('same.zip', rawZip([GOOD, { name: 'copy.log', data: GOOD.data, local: false, cdOffset: (o) => o[0]! }]));
    expect(same.sums).toEqual([['loaded', 'good.log', null], ['failed', 'copy.log', 'overlapping-member']]);
    expect(same.messages[1]).toMatch(/^members that do not share bytes \(an overlap is how a zip bomb multiplies its data\); not read \(found: bytes 0–\d+ of the archive, which another member holds already\)$/);
    expect(same.logged).toBe(1);
    // outer.log's data is inner.log's local header and data: a second entry for them overlaps it
    const inner = Buffer.from(GOOD.data);
    const lh = localHeader(Buffer.from('inner.log'), inner, crc32(inner) >>> 0, inner.length);
    const bomb = await run('bomb.zip', rawZip([
      { name: 'outer.log', data: Buffer.concat([lh, inner]) },
      { name: 'inner.log', data: inner, local: false, cdOffset: () => 30 + 'outer.log'.length },
      { name: 'after.log', data: 'Mar 12 14:02:05 web01 kernel: TCP: time wait bucket table overflow\n' },
    ]));
    expect(bomb.sums).toEqual([
      ['failed', 'outer.log', 'corrupt-archive'], // (its bytes start as a zip: opened as one, it is no readable zip)
      ['loaded', 'after.log', null],
      ['failed', 'inner.log', 'overlapping-member'],
    ]);
    expect(bomb.logged).toBe(1);
  });

  it('a central directory that lies: sizes, offsets, an entry count beyond its end', async () => {
    const sizes = await run('sizes.zip', rawZip([
      { name: 'a.log', data: GOOD.data, cdUncompressed: 5, cdCompressed: 5 },
      { name: 'b.log', data: GOOD.data, cdCompressed: 3 },
      GOOD,
    ]));
    expect(sizes.sums).toEqual([['loaded', 'good.log', null], ['failed', 'a.log', 'zip-mismatch'], ['failed', 'b.log', 'zip-mismatch']]);
    expect(sizes.messages[1]).toMatch(/^a central directory entry that agrees with its local header; not read \(found: central directory: a\.log, 5→5 bytes; local header: a\.log, 67→67 bytes\)$/);
    expect(sizes.messages[2]).toBe('the same size twice for a stored member; not read (found: stored member of 3 bytes that its central directory says expand to 67)');
    const offset = await run('offset.zip', rawZip([{ name: 'a.log', data: GOOD.data, cdOffset: 7 }, GOOD]));
    expect(offset.sums).toEqual([['loaded', 'good.log', null], ['failed', 'a.log', 'zip-mismatch']]);
    expect(offset.messages[1]).toMatch(/^a local header where the central directory points; not read \(found: invalid local file header signature: 0x[0-9a-f]+ \(central directory offset 7\)\)$/);
    const count = await run('count.zip', rawZip([GOOD], { cdCount: 40 }));
    expect(count.sums).toEqual([['loaded', 'good.log', null], ['failed', '', 'zip-truncated']]);
    expect(count.messages[1]).toMatch(/^a complete central directory of 40 entries; kept the 1 entries read before the damage \(found: /);
    expect(count.logged).toBe(1);
  });

  it('a deflated member that inflates past the size its central directory declares stops there, refused; one over --max-member-bytes is refused unread', async () => {
    const zipped = await makeZip([{ name: 'big.log', data: 'Mar 12 14:02:01 web01 kernel: x\n'.repeat(1000) }, { name: 'small.log', data: GOOD.data }]);
    // big.log's uncompressed size, 32000, made 10 in its local header and its central entry alike
    const cd = zipped.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zipped.writeUInt32LE(10, cd + 24);
    zipped.writeUInt32LE(10, 22);
    const r = await run('lie.zip', zipped);
    expect(r.sums).toEqual([['loaded', 'small.log', null], ['failed', 'big.log', 'zip-mismatch']]);
    expect(r.messages[1]).toBe('data that agrees with its central directory entry; not read (found: more data than the 10 bytes its central directory entry declares)');
    const file = join(t.dir, 'cap.zip');
    writeFileSync(file, await makeZip([{ name: 'big.log', data: 'x'.repeat(5000) }, { name: 'small.log', data: GOOD.data }]));
    await withDb(async (s) => {
      const sums = await ingestPaths(s, [file], { limits: { maxMemberBytes: 4096 } });
      expect(sums.map((x) => [x.status, x.path.slice(file.length + 1), x.error?.message ?? null])).toEqual([
        ['loaded', 'small.log', null], ['failed', 'big.log', 'at most 4096 bytes (limit --max-member-bytes); not read (found: 5000 bytes)'],
      ]);
    });
  });

  it('not a zip past its magic: one error for the archive', async () => {
    const r = await run('junk.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 0x41)]));
    expect(r.sums).toEqual([['failed', '', 'corrupt-archive']]);
  });
});

describe('a sosreport whose sos_commands/ is unusable still yields its logs', () => {
  const R = 'sosreport-web09-2026-03-12-abcdefg';
  const lines = Array.from({ length: 600 }, (_, i) => `Mar 12 14:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} web09 kernel: line ${i}`).join('\n') + '\n';

  it('an archive whose sos_commands is a link leaving it', async () => {
    const file = join(t.dir, `${R}.tar.xz`);
    writeFileSync(file, await makeTarball([
      { path: `${R}/`, dir: true },
      { path: `${R}/sos_commands`, link: '../../../../etc' },
      { path: `${R}/var/log/messages`, content: lines },
    ], 'xz'));
    await withDb(async (s) => {
      const [sum, ...rest] = await ingestPaths(s, [file]);
      expect(rest).toEqual([]);
      expect([sum!.status, sum!.kind, sum!.host, sum!.rows.log_events]).toEqual(['loaded', 'sosreport', 'web09', 600]);
      expect(sum!.issues.filter((i) => i.code !== 'note').map((i) => [i.code, i.file, i.text])).toEqual([
        ['unsafe-link', file, `${R}/sos_commands -> ../../../../etc`],
        ['unusable-sos-commands', file, `${R}/sos_commands: a link (-> ../../../../etc) that leaves the bundle or leads nowhere`],
      ]);
    });
  });

  it('a folder whose sos_commands is a link leaving it', async () => {
    const dir = join(t.dir, 'folder', R);
    mkdirSync(join(dir, 'var/log'), { recursive: true });
    writeFileSync(join(dir, 'var/log/messages'), lines);
    symlinkSync('../../../../etc', join(dir, 'sos_commands'));
    await withDb(async (s) => {
      const sums = await ingestPaths(s, [dir]);
      expect(sums.map((x) => [x.status, x.kind, x.host, x.rows.log_events])).toEqual([['loaded', 'sosreport', 'web09', 600]]);
      expect(sums[0]!.issues.filter((i) => i.code === 'unusable-sos-commands').map((i) => i.text)).toEqual(['sos_commands: a link (-> ../../../../etc) that leaves the bundle or leads nowhere']);
    });
    expect(readdirSync(join(t.dir, 'folder'))).toEqual([R]);
  });
});
