/** How a run of ingest reads its inputs (the CLI's flags, the library's options). */
import type { Limits } from '../bundle/tree.js';

export interface IngestOptions {
  host?: string | null;
  /** Network namespace of the side files (captured with `ip netns exec NAME …`); '' or absent = the host's own. */
  netns?: string | null;
  tz?: string | null;
  as?: string | null;
  limits?: Partial<Limits>;
  /** Files found by walking a folder already (ingest --jobs passes its side files on): treated as such. */
  walked?: Set<string>;
  /** Called with a short progress text (the CLI shows it on a terminal). */
  progress?: (text: string) => void;
  /** A member of an archive read from a temporary file (archive-logs.ts): the path it is shown as, whose folders can name its host. */
  shownAs?: string;
  /**
   * Bundle members at least this large try their format's SQL loader (default: the loader's own
   * memberMinBytes); tests set 0 or Infinity to compare both paths on one bundle.
   */
  sqlMemberMinBytes?: number;
}
