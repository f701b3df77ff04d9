import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { fitCell, toCsv, toMarkdown, toTable } from '../../src/report/format.js';
import { runCli, tempDir } from '../helpers.js';
import { source } from './fixture.js';

const LONG_PATH = '/home/engineer/cases/2026/ticket-04711-customer-acme/sosreport-web01-2026-03-12-kqwzmab/var/log/messages';
const LONG_TEXT = 'Which slab caches grew most between the first and last snapshot of a host, and by how much?';

describe('text tables keep what matters of a long cell', () => {
  it('a path is cut on the left at a folder boundary, keeping its file name; other text on the right', () => {
    expect(fitCell(LONG_PATH, 60)).toBe('…/sosreport-web01-2026-03-12-kqwzmab/var/log/messages');
    expect(fitCell(LONG_PATH, 20)).toBe('…/var/log/messages');
    expect(fitCell('sosreport-web01.tar.xz/sos_commands/networking/ss_-tanpi_very_long_member_name_here', 30)).toBe('…/ss_-tanpi_very_long_member_name_here'.slice(-29).replace(/^/, '…'));
    expect(fitCell(LONG_TEXT, 30)).toBe('Which slab caches grew most b…');
    expect(fitCell('short', 30)).toBe('short');
    // a file name longer than the cell: its end
    expect(fitCell('/a/' + 'x'.repeat(70), 10)).toBe('…' + 'x'.repeat(9));
  });

  it('toTable: 60 characters a cell by default, nothing cut when wide', () => {
    const rows = [{ path: LONG_PATH, question: LONG_TEXT, n: 3 }];
    expect(toTable(['path', 'question', 'n'], rows)).toBe([
      'path                                                          question                                                      n',
      '------------------------------------------------------------  ------------------------------------------------------------  -',
      `${'…/sosreport-web01-2026-03-12-kqwzmab/var/log/messages'.padEnd(60)}  Which slab caches grew most between the first and last snap…  3`,
      '',
    ].join('\n'));
    expect(toTable(['path', 'question', 'n'], rows, { wide: true }).split('\n')[2]).toBe(`${LONG_PATH}  ${LONG_TEXT}  3`);
  });

  it('csv and md of the same rows: text as is (but formulas and markup), numbers as numbers', () => {
    const rows = [{ a: '=1+1', b: -5, c: 'x|[y](z)' }];
    expect(toCsv(['a', 'b', 'c'], rows)).toBe("a,b,c\n'=1+1,-5,x|[y](z)\n");
    expect(toCsv(['a', 'b', 'c'], rows, { raw: true })).toBe('a,b,c\n=1+1,-5,x|[y](z)\n');
    expect(toMarkdown(['a', 'b', 'c'], rows)).toBe('| a | b | c |\n| --- | --- | --- |\n| =1+1 | -5 | x\\|\\[y\\](z) |\n');
  });
});

describe('report --wide on the command line', () => {
  const t = tempDir();
  const db = join(t.dir, 'wide.duckdb');
  beforeAll(async () => {
    const store = await openStore(db);
    await store.conn.run(source(1, 'web01', 'syslog', LONG_PATH));
    store.close();
  });
  afterAll(() => t.cleanup());

  it('the path column keeps the file name by default and the whole path with --wide', async () => {
    const cut = await runCli(['report', 'sources', '--db', db]);
    expect(cut.code).toBe(0);
    const cutRow = cut.out.split('\n')[2]!;
    expect(cutRow).toContain('  …/sosreport-web01-2026-03-12-kqwzmab/var/log/messages  ');
    expect(cutRow).not.toContain(LONG_PATH);
    const wide = await runCli(['report', 'sources', '--db', db, '--wide']);
    expect(wide.code).toBe(0);
    expect(wide.out.split('\n')[2]).toContain(`  ${LONG_PATH}  `);
    const q = await runCli(['query', '--db', db, 'SELECT path FROM sources', '--wide']);
    expect(q.out).toBe(`path\n${'-'.repeat(LONG_PATH.length)}\n${LONG_PATH}\n`);
    const qc = await runCli(['query', '--db', db, 'SELECT path FROM sources']);
    expect(qc.out).toBe(`path\n${'-'.repeat(60)}\n…/sosreport-web01-2026-03-12-kqwzmab/var/log/messages\n`);
  });
});
