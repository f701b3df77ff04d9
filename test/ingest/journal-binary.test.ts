import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fzstd from 'fzstd';
import { afterAll, describe, expect, it } from 'vitest';
import { createJournalBinaryParser, lz4Payload, printableForExport, readJournalBuffer, xzPayload, zstdPayload } from '../../src/ingest/journal-binary.js';
import { createJournalExportParser } from '../../src/ingest/journal-export.js';
import type { LogEventRow, ParseContext } from '../../src/model.js';
import { REALWORLD, describeRealworld, tempDir } from '../helpers.js';

const ctx = (file = 'system.journal'): ParseContext => ({ file, host: null, tz: 'UTC' });

const JOURNALCTL = spawnSync('journalctl', ['--version'], { encoding: 'utf8' }).status === 0;
const REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p)) ?? null;
const NO_JOURNALCTL = 'skipped: journalctl missing (Debian package systemd; scripts/ci-deps.sh installs it)';
const NO_REMOTE = 'skipped: systemd-journal-remote missing (Debian package systemd-journal-remote; scripts/ci-deps.sh installs it)';

/** Rows of the export parser on `journalctl --file F -o export`, fed in 64 KiB chunks as from a pipe. */
function exportRows(file: string): { rows: LogEventRow[]; status: number | null } {
  const r = spawnSync('journalctl', ['--file', file, '-o', 'export'], { maxBuffer: 1 << 30 });
  const p = createJournalExportParser(ctx());
  const out = r.stdout as Buffer;
  for (let i = 0; i < out.length; i += 65536) p.chunk(out.subarray(i, i + 65536));
  p.end();
  return { rows: p.drain(), status: r.status };
}

/** Rows of the native reader through its chunk-parser face, fed like a stream. */
function nativeRows(buf: Buffer, chunk = 1 << 20) {
  const p = createJournalBinaryParser(ctx());
  for (let i = 0; i < buf.length; i += chunk) p.chunk(buf.subarray(i, i + chunk));
  p.end();
  const rows: LogEventRow[] = [];
  for (let b = p.drain(); b.length; b = p.drain()) rows.push(...b);
  return { rows, issues: p.issues, linesRead: p.linesRead, linesSkipped: p.linesSkipped };
}

const unzst = (path: string) => Buffer.from(fzstd.decompress(readFileSync(path)));

describeRealworld('journal-binary: systemd test journals', () => {
  const dir = join(REALWORLD, 'systemd/test/test-journals');
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it.skipIf(!JOURNALCTL)(`no-rtc/system.journal (ONLINE, zstd, keyed hash): rows equal journalctl -o export's${JOURNALCTL ? '' : ` — ${NO_JOURNALCTL}`}`, () => {
    const buf = unzst(join(dir, 'no-rtc/system.journal.zst'));
    const file = join(tmp.dir, 'system.journal');
    writeFileSync(file, buf);
    const want = exportRows(file);
    const got = nativeRows(buf);
    expect(got.rows.length).toBe(want.rows.length);
    expect(got.rows).toEqual(want.rows);
    expect(got.issues.map((i) => i.code)).toEqual(['journal-online']);
  });
});
