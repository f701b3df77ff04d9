import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { runCli as run, SAMPLES, tempDir } from '../helpers.js';

const CASE = join(SAMPLES, 'incidents', 'case-4711');

/**
 * `bundlescope case DIR` (issue 18, point 1): a customer's folder to the answer in one command.
 */
describe('bundlescope case', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('takes case-4711 as it is: the truth file skipped with a notice, the findings printed, report.html written; a re-run reads only what is new', async () => {
    const dir = join(t.dir, 'case-4711');
    cpSync(CASE, dir, { recursive: true });
    const r = await run(['case', dir]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`skipped                  ${join(dir, 'truth.json')}: a note, not evidence\n`);
    // the journal sent as json and as export is loaded once (issue 18 point 1; test/e2e/overlap.test.ts)
    expect(r.err).toContain(`overlap   journal-json   ${join(dir, 'modern7', 'journal.json')} host modern7: the same 3 entries as journal-export ${join(dir, 'modern7', 'journal.export')} (loaded once, from journal-export: the export format is journald's own, every field kept)\n`);
    expect(r.err).toMatch(/^total: 10 inputs, 9 ok, 0 failed, 1 skipped \(not evidence\); 10790 rows; 0 lines skipped$/m);
    expect(r.err).toContain(`report: ${join(dir, 'report.html')} (database ${join(dir, 'bundlescope.duckdb')}`);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    const summary = r.out.split('## Summary: largest first')[1]!.split('## Findings')[0]!;
    expect([...summary.matchAll(/^\| \[\d+\]\(#finding-\d+\) \| (\S+) \| ([^|]+) \|/gm)].map((m) => [m[1], m[2]!.trim()])).toEqual([
      ['legacy1', 'TCP TIME_WAIT bucket table overflow'],
      ['modern7', 'TCP TIME_WAIT bucket table overflow'],
      ['modern7', 'SYN / listen queue overflow'],
    ]);
    // add a file: only it is read; the database and report of the first run are not inputs
    copyFileSync(join(dir, 'modern7', 'nstat.log'), join(dir, 'modern7', 'nstat-copy.log'));
    writeFileSync(join(dir, 'modern7', 'sockstat.log'), 'Tue Feb 10 14:00:00 UTC 2026\nsockets: used 150\nTCP: inuse 120 orphan 0 tw 3900 alloc 140 mem 300\n');
    const again = await run(['case', dir]);
    expect(again.code).toBe(0);
    expect(again.err.match(/^loaded .*$/gm)).toEqual([expect.stringMatching(/^loaded {4}sockstat {7}.*modern7\/sockstat\.log host modern7: \d+ rows/)]);
    expect(again.err).toMatch(/^unchanged nstat +.*nstat-copy\.log \(already ingested\)$/m);
    expect(again.err).toContain(`skipped                  ${join(dir, 'report.html')}: bundlescope's report, not evidence\n`);
  });

  it('a folder of one sosreport, flat side files that name no host, a checksum and notes: exit 0, the side files take the only host', async () => {
    const dir = join(t.dir, 'ticket-0042');
    mkdirSync(dir);
    const bundle = 'sosreport-modern7-2026-02-10-mdrnxyz.tar.xz';
    copyFileSync(join(CASE, bundle), join(dir, bundle));
    copyFileSync(join(CASE, 'modern7', 'nstat.log'), join(dir, 'nstat.log'));
    copyFileSync(join(CASE, 'modern7', 'ss.log'), join(dir, 'ss-tan.log'));
    const md5 = createHash('md5').update(readFileSync(join(dir, bundle))).digest('hex');
    writeFileSync(join(dir, `${bundle}.md5`), `${md5}  ${bundle}\n`);
    writeFileSync(join(dir, 'customer-says.txt'), 'Customer says the payment API timed out around 09:30 their time.\nCollected by ops on Tuesday.\n');
    writeFileSync(join(dir, 'case.md'), '# Ticket 42\n\nSee attached.\n');
    const r = await run(['case', dir]);
    expect(r.code).toBe(0);
    const lines = r.err.split('\n').filter(Boolean);
    expect(lines.filter((l) => l.startsWith('skipped'))).toEqual([
      `skipped                  ${join(dir, 'case.md')}: a note, not evidence`,
      `skipped                  ${join(dir, `${bundle}.md5`)}: a checksum or signature file, not evidence`,
      `skipped                  ${join(dir, 'customer-says.txt')}: text of no format bundlescope reads (a note or a document?); --as KIND reads it as one`,
    ]);
    expect(lines.filter((l) => l.startsWith('loaded')).map((l) => l.replace(/: \d+ rows.*?;/, ':'))).toEqual([
      expect.stringMatching(/^loaded {4}sosreport .* host modern7: \d+ rows/),
      `loaded    nstat          ${join(dir, 'nstat.log')} host modern7: host modern7: the only host in the database (the file does not name one; --host says otherwise)`,
      `loaded    ss             ${join(dir, 'ss-tan.log')} host modern7: host modern7: the only host in the database (the file does not name one; --host says otherwise)`,
    ]);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    const json = await run(['rca', '--db', join(dir, 'bundlescope.duckdb'), '--format', 'json']);
    const tw = JSON.parse(json.out).findings.find((f: { kind: string }) => f.kind === 'tcp_timewait_overflow');
    expect([tw.host, tw.dated_by, tw.events.counter_delta, tw.top_peers[0].peer]).toEqual(['modern7', 'counter', 20741, '203.0.113.5:8443']);
    // evidence names files relative to the case folder, never the engineer's disk layout
    const sources = JSON.parse(json.out).findings.flatMap((f: { evidence: { source: string }[] }) => f.evidence.map((e) => e.source));
    expect(sources).toContain('nstat.log');
    expect(sources.filter((x: string) => x.includes(t.dir))).toEqual([]);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain(t.dir);
  });

  it('ingest of a folder with two hosts still asks for --host, naming them', async () => {
    const dir = join(t.dir, 'two');
    mkdirSync(dir);
    for (const b of ['sosreport-web01-2026-03-12-kqwzmab.tar.xz', 'sosreport-db01-2026-03-12-hvcedsa.tar.gz']) copyFileSync(join(SAMPLES, b), join(dir, b));
    copyFileSync(join(CASE, 'modern7', 'nstat.log'), join(dir, 'nstat.log'));
    const r = await run(['ingest', dir, '--db', join(t.dir, 'two.duckdb')]);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`error[no-host] ${join(dir, 'nstat.log')}: a nstat file does not say which host it is from; pass --host (hosts in the database: db01, web01)`);
  });

  it('says when the verdict rests on part of the case, and gives none when nothing could be read; the size options are ingest\'s', async () => {
    const dir = join(t.dir, 'limits');
    mkdirSync(dir);
    copyFileSync(join(SAMPLES, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz'), join(dir, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz'));
    // nothing read: no report.html, no verdict about no evidence
    const none = await run(['case', dir, '--max-total-bytes', '10k']);
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toContain(`error[too-large] ${join(dir, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz')}: archive expands to more than 10240 bytes (limit --max-total-bytes)`);
    expect(none.err).toContain('no report: no input of the case could be read (the errors above say why); nothing to analyse\n');
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    // one of two read: the verdict opens with the caveat
    copyFileSync(join(SAMPLES, 'sosreport-db01-2026-03-12-hvcedsa.tar.gz'), join(dir, 'sosreport-db01-2026-03-12-hvcedsa.tar.gz'));
    const part = await run(['case', dir, '--max-total-bytes', '100k']);
    expect(part.code).toBe(3);
    expect(part.out.split('\n').slice(0, 3)).toEqual([
      '> **Incomplete:** some inputs of the case could not be read (the `error[…]` lines of the ingest say which); this verdict rests on the others only.',
      '',
      '# bundlescope root-cause report',
    ]);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<div class="risks" role="alert"><p><strong>⚠ Incomplete:</strong> some inputs of the case could not be read (the error lines of the ingest say which); this report rests on the others only.</p></div>');
    const bad = await run(['case', dir, '--max-zstd-window', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error\[bad-size\] --max-zstd-window wants a size, got 'abc'; valid forms: /);
  });
});
