/**
 * Archives that are not a bundle (issue 20 point 1): `tar czf varlog.tgz /var/log`, a `.zip` of
 * logs, a case tarball holding sosreports, a journal export and a zip of side files, a
 * `sos collect` archive. Read as if they were extracted into a folder and the folder given:
 *
 * - every regular member is written to a file of OUR naming in the private temporary folder
 *   (tempdir.ts; a member's name never becomes a disk path), read, and deleted;
 * - a member that is itself an archive (tar of any compression, or zip) is opened one level
 *   down: a sosreport or supportconfig inside is a bundle, any other archive's members are side
 *   files shown `<outer>/<inner>/<member>`; an archive inside that is not opened (`nested-too-deep`);
 * - every other member is a side file detected by content, with its host from its path (the
 *   member path as shown), the content, --host or the only host of the run, and with the
 *   notices a folder's file gets (not evidence, an empty file, text of no known format);
 * - a refused member (unsafe name, a zip trap, too large) is one `error[code] <archive>/<member>`.
 *
 * Bundles are read before side files (their host facts date the side files), as for a folder.
 */
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/db.js';
import type { Issue } from '../model.js';
import { SafetyError } from '../errors.js';
import { treeFromArchive, type Limits } from './tree.js';
import { issue } from '../formats/kit/lines.js';
import { withTempFolder } from '../io/tempdir.js';
import { isZip, spillZip, type SpilledMember } from './zip.js';
import type { InputSummary } from '../ingest/summary.js';

/** What ingest.ts lends this module (its dispatch stays there). */
export interface ArchiveHooks {
  /** The first bytes of a file, decompressed. */
  head(disk: string): Promise<Buffer>;
  isTar(head: Buffer): boolean;
  /** A member that is an archive itself: read as an input one level down, shown as `display`. */
  nested(disk: string, display: string): Promise<InputSummary[]>;
  /** A plain member: a side file (with a folder file's notices), shown as `display`. */
  side(disk: string, display: string, head: Buffer): Promise<InputSummary>;
  skipped(display: string, notice: string): InputSummary;
  failed(display: string, kind: string, e: Error): InputSummary;
  notEvidence(name: string): string | null;
}

/**
 * Read an archive of logs at `disk`, shown as `display`. `level` 0: an input given by the user
 * (its archive members are opened); 1: an archive inside one (its archive members are not).
 */
export async function ingestArchiveLogs(
  store: Store, disk: string, display: string, kind: 'tar' | 'zip', limits: Limits, level: number, hooks: ArchiveHooks,
): Promise<InputSummary[]> {
  return withTempFolder(async (dir) => {
    let n = 0;
    const dest = () => join(dir, `${level}-${n++}.member`);
    let members: SpilledMember[];
    const out: InputSummary[] = [];
    /** Members refused while reading: said after the members read (in archive order these come last). */
    const late: InputSummary[] = [];
    try {
      if (kind === 'zip') {
        const z = await spillZip(disk, display, limits, dest);
        members = z.members;
        for (const i of z.issues) late.push(refusal(hooks, i));
      } else {
        const tree = await treeFromArchive(disk, () => true, limits, { spill: dest });
        members = [];
        const refused: Issue[] = tree.issues.map((i) => ({ ...i, file: i.file === disk ? display : i.file.split(`${disk}:`).join(`${display}/`) }));
        const named = new Set(refused.map((i) => i.file));
        const cut = refused.find((i) => i.code === 'truncated-archive');
        for (const [p, e] of tree.entries) {
          if (e.type === 'file' && e.data) {
            // (a sparse member, expanded in memory: written out like the others)
            const d = dest();
            writeFileSync(d, e.data);
            e.data = undefined;
            members.push({ name: p, diskPath: d, mtimeMs: null });
          } else if (e.type === 'file' && e.diskPath) {
            if (e.mtimeMs != null && Number.isFinite(e.mtimeMs)) utimesSync(e.diskPath, e.mtimeMs / 1000, e.mtimeMs / 1000);
            members.push({ name: p, diskPath: e.diskPath, mtimeMs: e.mtimeMs ?? null });
          } else if (e.type === 'file' && cut && !named.has(`${display}/${p}`)) {
            // listed, never written whole: the member the cut fell in
            refused.push({ ...cut, file: `${display}/${p}`, text: `cut short inside ${display} (${cut.text})`, expected: '' });
            cut.code = ''; // (said of the member instead)
          } else if (e.type === 'link') {
            out.push(hooks.skipped(`${display}/${p}`, `a link in the archive (-> ${e.target.slice(0, 200)}): not followed, its target is read where it is`));
          }
        }
        for (const i of refused) {
          if (!i.code) continue;
          if (i.code === 'unsafe-link' && tree.entries.get(String(i.text).split(' -> ')[0]!)?.type === 'link') continue; // (its notice above)
          late.push(refusal(hooks, i));
        }
      }
    } catch (e) {
      if (e instanceof SafetyError && e.file === disk) (e as { file: string | null }).file = display;
      return [...out, ...late, hooks.failed(display, kind === 'zip' ? 'zip' : 'archive', e as Error)];
    }
    if (members.length === 0 && out.length === 0 && late.length === 0) return [hooks.skipped(display, 'an archive with no files')];
    // Archives first (sosreports: their host facts date the side files), then the rest; by name within each.
    const ranked: { m: SpilledMember; head: Buffer | null; rank: number; error?: Error }[] = [];
    for (const m of members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      try {
        const head = await hooks.head(m.diskPath);
        ranked.push({ m, head, rank: hooks.isTar(head) ? 0 : isZip(head) ? 1 : 2 });
      } catch (e) {
        ranked.push({ m, head: null, rank: 2, error: e as Error });
      }
    }
    ranked.sort((a, b) => a.rank - b.rank);
    for (const { m, head, rank, error } of ranked) {
      const shown = `${display}/${m.name}`;
      try {
        const hidden = m.name.split('/').some((c) => c.startsWith('.'));
        const what = hooks.notEvidence(m.name);
        if (error) out.push(hooks.failed(shown, 'unknown', renamed(error, m.diskPath, shown)));
        else if (hidden) out.push(hooks.skipped(shown, 'a hidden file (as in a folder, not read; macOS puts its ._ files in zips)'));
        else if (what) out.push(hooks.skipped(shown, `${what}, not evidence`));
        else if (rank < 2 && level > 0) {
          out.push(hooks.failed(shown, 'unknown', new SafetyError('nested-too-deep',
            'an archive inside an archive inside the input: archives are opened one level down only; extract it and give its folder', shown)));
        } else if (rank < 2) out.push(...await hooks.nested(m.diskPath, shown));
        else out.push(await shownAs(store, hooks.side(m.diskPath, shown, head!), m.diskPath, shown));
      } catch (e) {
        // (a failure of one member is its own: the others are still read)
        out.push(hooks.failed(shown, 'unknown', renamed(e instanceof Error ? e : new Error(String(e)), m.diskPath, shown)));
      } finally {
        rmSync(m.diskPath, { force: true }); // (done with: the disk holds what is left to read, no more)
      }
    }
    return [...out, ...late];
  });
}

/** A member refused while reading the archive, as the one-line error the user sees. */
function refusal(hooks: ArchiveHooks, i: Issue): InputSummary {
  return hooks.failed(i.file, 'unknown', new SafetyError(i.code, i.expected ? `${i.expected} (found: ${i.text})` : String(i.text), i.file));
}

function renamed(e: Error, disk: string, shown: string): Error {
  const x = e as Error & { file?: string | null };
  if (x.file === disk) x.file = shown;
  if (e.message.includes(disk)) e.message = e.message.split(disk).join(shown);
  return e;
}

/**
 * A side file read from our temporary file: its source row, issues and summary named as the
 * member is shown (`<archive>/<member>`), never by the temporary name. One transaction, right
 * after the file's own: a failure leaves the temporary name, which a rerun does not repair, so
 * it is said (the rows are stored either way).
 */
async function shownAs(store: Store, pending: Promise<InputSummary>, disk: string, shown: string): Promise<InputSummary> {
  const s = await pending;
  const base = disk.slice(disk.lastIndexOf('/') + 1);
  const fix = (t: string) => t.split(disk).join(shown).split(base).join(shown.slice(shown.lastIndexOf('/') + 1));
  s.path = shown;
  for (const i of s.issues) i.file = fix(i.file);
  if (s.notice) s.notice = fix(s.notice);
  if (s.overlaps) s.overlaps = s.overlaps.map(fix);
  if (s.error) renamed(s.error, disk, shown);
  if (s.error && s.error.message.includes(base)) s.error.message = fix(s.error.message);
  if (s.status === 'loaded' || s.status === 'overlap') {
    try {
      await store.conn.run('BEGIN TRANSACTION');
      await store.conn.run('UPDATE sources SET path = $1 WHERE path = $2', [shown, disk]);
      await store.conn.run('UPDATE ingest_issues SET file = $1 || substr(file, $3::BIGINT) WHERE starts_with(file, $2)', [shown, disk, disk.length + 1]);
      await store.conn.run('COMMIT');
    } catch (e) {
      await store.conn.run('ROLLBACK').catch(() => {});
      s.issues.push(issue('renamed-failed', shown, null, (e as Error).message, `its source row named ${shown} (it keeps the temporary name ${disk})`, 'warning'));
    }
  }
  return s;
}
