import { it } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ingestInto, tempDir, SAMPLES, rows } from './helpers.js';

it('scratch', async () => {
  const t = tempDir();
  const d = t.dir;
  const sys = Array.from({ length: 50 }, (_, i) => `Mar 12 14:02:${String(i % 60).padStart(2, '0')} web01 kernel: TCP: time wait bucket table overflow ${i}`).join('\n') + '\n';
  writeFileSync(join(d, 'messages'), sys);
  const gz = gzipSync(Buffer.from(sys));
  writeFileSync(join(d, 'trunc.log.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  const corrupt = Buffer.from(gz); corrupt[40] ^= 0xff; corrupt[60] ^= 0xff;
  writeFileSync(join(d, 'corrupt.log.gz'), corrupt);
  writeFileSync(join(d, 'plain.log'), sys);
  execFileSync('xz', ['-k', join(d, 'plain.log')]);
  const xz = readFileSync(join(d, 'plain.log.xz'));
  writeFileSync(join(d, 'trunc.log.xz'), xz.subarray(0, Math.floor(xz.length / 2)));
  writeFileSync(join(d, 'junk.log'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256)));
  writeFileSync(join(d, 'empty.log'), '');
  writeFileSync(join(d, 'crlf.log'), sys.replace(/\n/g, '\r\n'));
  writeFileSync(join(d, 'nul.log'), sys.replace('kernel', 'ker\0nel'));
  const bad = Buffer.concat([Buffer.from(sys.split('\n').slice(0, 2).join('\n') + '\n'), Buffer.from('Mar 12 14:03:00 web01 kernel: \xff\xfe bad utf8\n', 'latin1'), Buffer.from(sys.split('\n').slice(2).join('\n'))]);
  writeFileSync(join(d, 'badutf8.log'), bad);
  const sos = readFileSync(join(SAMPLES, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz'));
  writeFileSync(join(d, 'sosreport-web01-2026-03-12-kqwzmab.tar.xz'), sos.subarray(0, Math.floor(sos.length / 2)));
  for (const f of ['trunc.log.gz', 'corrupt.log.gz', 'trunc.log.xz', 'junk.log', 'empty.log', 'crlf.log', 'nul.log', 'badutf8.log', 'sosreport-web01-2026-03-12-kqwzmab.tar.xz']) {
    const { store, sums } = await ingestInto(join(d, f + '.duckdb'), [join(d, f)]);
    for (const s of sums) console.log(f, s.status, s.kind, JSON.stringify(s.rows), s.skipped, s.error?.constructor.name, (s.error as any)?.code, s.error?.message, JSON.stringify(s.issues.slice(0, 5).map((i) => [i.code, i.line, i.severity, i.text.slice(0, 60)])));
    console.log(await rows(store, 'select kind, partial, rows, path from sources order by source_id limit 4'));
    store.close();
  }
  t.cleanup();
});
