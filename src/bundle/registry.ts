/**
 * The bundle formats: inputs read as a tree of files with host facts of their own (a sosreport,
 * a SUSE supportconfig), as formats/registry.ts FORMATS lists the formats of single files. The
 * ingest layer dispatches bundles through this list (detection, member filter, plan, refusals)
 * and names none of them; each reader stays in its own module.
 */
import type { Issue } from '../model.js';
import type { InputError } from '../errors.js';
import type { Tree } from './tree.js';
import type { BundlePlan } from './plan.js';
import { findSosRoot, isSosFolder, notASosreport, planBundle, refuseEncrypted, reviveSosRoot, wantedMember } from './sosreport.js';
import { findSupportconfigRoot, isSupportconfigDir, planSupportconfig, wantedSupportconfigMember } from './supportconfig.js';

export interface BundlePlanOptions {
  host?: string | null;
  tz?: string | null;
  maxMemberBytes?: number;
  maxTotalBytes?: number;
}

export interface BundleFormat {
  /** `--as KIND`, sources.kind of the bundle's row. */
  kind: string;
  /** A folder on disk that is this bundle: read as one input rather than walked. */
  isFolder(path: string): boolean;
  /** Archive member filter: members this bundle's plan may read (the others are never held). */
  wanted(member: string): boolean;
  /** This bundle's root folder in a tree ('' at its top), or null when the tree is not one. */
  findRoot(tree: Tree): string | null;
  /** Host facts and the members to parse, as one BundlePlan (throws an InputError when it cannot). */
  plan(tree: Tree, name: string, opts: BundlePlanOptions): Promise<BundlePlan>;
  /**
   * A tree whose root is unusable (a damaged or unsafe folder that names it) made readable as far
   * as it goes, with an issue saying what was unusable (added to the tree too); null when nothing was done.
   */
  revive?(tree: Tree, shown: string): Issue | null;
  /** A file of this bundle bundlescope cannot read as it is (encrypted), refused with what to run on it. */
  refuses?(head: Buffer, path: string): InputError | null;
}

/** In detection order: a tree with a sosreport root is a sosreport, whatever else it holds. */
export const BUNDLES: BundleFormat[] = [
  {
    kind: 'sosreport', isFolder: isSosFolder, wanted: wantedMember, findRoot: findSosRoot, plan: planBundle,
    revive: reviveSosRoot, refuses: refuseEncrypted,
  },
  {
    kind: 'supportconfig', isFolder: isSupportconfigDir, wanted: wantedSupportconfigMember, findRoot: findSupportconfigRoot,
    plan: async (tree, name, opts) => planSupportconfig(tree, name, opts),
  },
];

export const BUNDLE_KINDS = BUNDLES.map((b) => b.kind);

/**
 * The bundle an input is taken for before (or without) finding its root: a tar archive given
 * with --as or named like a bundle, a folder of no bundle. Its errors say what was missing.
 */
export const DEFAULT_BUNDLE = BUNDLES[0]!;

/** The error of a folder read as a bundle that holds none. */
export function noBundleRoot(path: string): InputError {
  return notASosreport(path);
}

/** The error of an archive member taken for a bundle (by its head) that is no tar archive. */
export function notABundleArchive(shown: string): InputError {
  return notASosreport(shown, true);
}

/** The bundle a tree holds (the first in BUNDLES order whose root is found), or null. */
export function bundleOf(tree: Tree): BundleFormat | null {
  return BUNDLES.find((b) => b.findRoot(tree) != null) ?? null;
}

export function isBundleFolder(path: string): boolean {
  return BUNDLES.some((b) => b.isFolder(path));
}

/** Members kept from an archive or folder read as a bundle: those any bundle's plan may read. */
export function wantedBundleMember(path: string): boolean {
  return BUNDLES.some((b) => b.wanted(path));
}

/** Each bundle's revive hook on a tree of no usable root (see BundleFormat.revive). */
export function reviveBundle(tree: Tree, shown: string): void {
  for (const b of BUNDLES) b.revive?.(tree, shown);
}
