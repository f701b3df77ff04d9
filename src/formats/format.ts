/**
 * The seam between the ingest layer and the input formats: everything the ingest layer may know
 * about a format is here, so that `src/ingest/` dispatches through these hooks and names no
 * format (issue 19; docs/architecture-review.md §5). A format is one object of this type, listed
 * once in `registry.ts`, whose order is the detection order.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChunkParser, Issue, LineParser, LogEventRow, ParseContext } from '../model.js';
import type { Appendable, Load, TableName } from '../store/load.js';
import type { InputError } from '../errors.js';
import type { FastHost, FastResult } from './kit/sql-load.js';

export type RowOf<T extends TableName> = Appendable[T];

/**
 * How a format reads its bytes: text line by line (most formats), or raw chunks (binary journal
 * files, the journal export format, whose fields may hold any byte).
 */
export type FormatParser<T extends TableName> =
  | { lines: (ctx: ParseContext) => LineParser<RowOf<T>> }
  | { bytes: (ctx: ParseContext) => ChunkParser<RowOf<T>> };

/**
 * Where sos puts a format's data in a sosreport, as data (insights-core keeps such a table of
 * specs): the member plan (sosreport.ts planBundle) takes every entry in `step` order, and the
 * archive member filter (wantedMember) keeps every member an entry could take.
 */
export interface SosEntry {
  /** A path inside the bundle root, as sos writes it (the registry test checks it is kept). */
  example: string;
  /** Place in the member plan: entries are taken in this order (it decides the order of the sources). */
  step?: number;
  /** One member at this path. */
  path?: string;
  /** The members of this folder whose name matches (in the folder's order), or the first name of a list that exists. */
  dir?: string;
  name?: RegExp | string[];
  /** `dir` holds folders (var/log/journal/<machine-id>/): the names are matched inside each. */
  nested?: boolean;
  /** Only the first member found (nstat -zas or nstat -az, whichever sos ran). */
  first?: boolean;
  /**
   * Entries of one choice are alternatives: the first (in step order) that has a member is taken
   * and the others are not (ss over netstat over /proc/net/tcp; the whole journal over --boot).
   */
  choice?: string;
  /** A name an earlier entry of this format took from another folder is not taken again (sar09). */
  newNamesOnly?: boolean;
  /**
   * The command of `ip_netns_exec_<ns>_<command>` outputs (sos_commands/networking/ and its
   * namespaces/<ns>/ folders) this format reads, for the namespace's own counters and settings.
   */
  netns?: RegExp;
}

export interface Format<T extends TableName = TableName> {
  /** `--as KIND`, `sources.kind`, the README's row. */
  kind: string;
  table: T;
  /** One line: how a customer produces the file (the README's table of kinds). */
  example: string;
  /**
   * Checked samples (lnav style): each is a small real file of this format that the registry
   * detects as this kind, in registry order, and that parses with no issue
   * (test/formats/registry.test.ts). A format only taken from known places of a bundle (no
   * `detect`) has samples that only need to parse clean.
   */
  samples: string[];
  /** The format's data carries no host of its own: a side file needs --host (or a host named in its path). */
  needsHost: boolean;
  /** Whether a side file's first bytes are this format (absent: only by --as or a bundle path). */
  detect?: (head: string) => boolean;
  parser: FormatParser<T>;
  /** A host the data names in its first bytes (a sar header, a journal's _HOSTNAME), short form. */
  hostFromHead?: (head: string) => string | null;
  /**
   * Issues about the whole input once it is parsed (say, sar data without the TCP activity, so
   * that "no TCP rows" is not read as "no connections"). Gets the parser this format created.
   */
  notes?: (parser: LineParser<RowOf<T>> | ChunkParser<RowOf<T>>, ctx: ParseContext) => Issue[];
  /** Where sos writes this format in a sosreport. */
  sos?: SosEntry[];
  /** An optional load path through DuckDB's own readers, equal in rows to `parser`. */
  sqlLoader?: SqlLoader;
  /**
   * A file of this format's family that no format reads as it is (say, sysstat's binary sa file
   * beside the sar text), refused with what to run on it; null for any other file. Asked only of
   * side files no format detected.
   */
  refuses?: (head: Buffer, path: string) => InputError | null;
}

/**
 * One input for a SQL loader: a file on disk (DuckDB reads it by path; gzip and zstd it
 * decompresses itself) — a side file, or a large bundle member (`member`: one of several a bundle
 * prepares at once, its rows deleted again on a decline) —, or a bundle member in memory.
 */
export type SqlInput =
  | { path: string; bytes: number; compression: 'none' | 'gzip' | 'zstd'; maxBytes: number; onBytes?: (bytes: number) => void; member?: boolean }
  | { data: Buffer; name: string };

/** Why the SQL path was not taken for an input: the line parser reads it, and the source gets a note. */
export interface Declined {
  declined: string;
  /** sha256 of a side file when the loader read it all before declining (saves a second read). */
  sha256?: string;
}

export function isDeclined(x: unknown): x is Declined {
  return typeof x === 'object' && x != null && typeof (x as Declined).declined === 'string';
}

/** What a SQL loader prepared for one input (its own temporary tables and checks). */
export interface Prepared {
  /** sha256 of a side file, read by the loader's own scan of it. */
  sha256?: string;
}

/** How rows get their host, as the line parser's rows get it (ingest.ts hostFixer). */
export interface HostRule {
  /** --host was given, or the input is a bundle member: `fallback` is every row's host. */
  forced: boolean;
  fallback: string | null;
}

/**
 * One lifecycle for side files and bundle members alike:
 * `prepare` runs outside any transaction (DuckDB scans a table filled inside one on one core
 * only), `load` inside the input's transaction, `dispose` after it, whatever happened. A loader
 * that cannot take an input returns a Declined value (never throws for it); a throw is a real
 * fault and fails the input.
 */
export interface SqlLoader<P extends Prepared = Prepared> {
  /** Side files this loader tries at all, by their compression (the others take the line parser, without a note). */
  takesFile(compression: 'none' | 'gzip' | 'zstd' | string): boolean;
  /** Bundle members smaller than this take the line parser (as quick there); absent: members never try. */
  memberMinBytes?: number;
  prepare(conn: DuckDBConnection, input: SqlInput, ctx: ParseContext): Promise<P | Declined>;
  /**
   * Starts, for an input prepare will be given next, the part of prepare that needs no DuckDB
   * connection (a file's check): prepare takes it up instead of starting it again.
   */
  prefetch?(input: SqlInput): void;
  load(load: Load, srcId: number, prepared: P, ctx: ParseContext, host: HostRule,
    fixHost: (rows: LogEventRow[]) => void): Promise<FastResult | Declined>;
  dispose(conn: DuckDBConnection, prepared: P): Promise<void>;
}

/** The note a declined SQL path leaves on its source (the line parser read it instead). */
export function declinedIssue(file: string, d: Declined): Issue {
  return { code: 'fast-path-declined', file, line: null, text: d.declined, expected: 'input the SQL load path reads (the line parser read it instead)', severity: 'note' };
}

export type { FastHost, FastResult };
