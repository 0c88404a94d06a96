/** Values shared by root discovery and its consumers. */

/** `policy`: made a root for one `gc` run by a retention flag such as --keep-recent. */
export type RootKind = 'symlink' | 'file' | 'indirect' | 'runtime' | 'temp' | 'policy';

/** One (link, store path) pair, as `nix-store --gc --print-roots` prints it. */
export interface Root {
  readonly link: string;
  readonly path: string;
  readonly kind: RootKind;
}

export type FindingCode =
  | 'invalid-root'
  | 'stale-link'
  | 'unreadable-root'
  | 'stale-temproots'
  | 'bad-temproots'
  | 'unreadable-runtime'
  | 'index-rebuilt'
  | 'index-unavailable';

/**
 * Findings that mean a root source (gcroots, profiles, extra roots, indirect targets, temproots,
 * /proc) could not be read whole: the root set may be missing roots. `gc` deletes nothing with
 * one of them (unless --allow-unreadable-roots); `roots`, `live` and `dead` print and exit 1.
 * `bad-temproots` is here too: a live owner's entry that is not a store path protects something
 * we cannot name.
 */
const ROOT_SOURCE_FAILURES: ReadonlySet<FindingCode> = new Set<FindingCode>(['unreadable-root', 'unreadable-runtime', 'bad-temproots']);

export function isRootSourceFailure(finding: Finding): boolean {
  return ROOT_SOURCE_FAILURES.has(finding.code);
}

/** Something worth telling the user that did not stop the run. */
export interface Finding {
  readonly code: FindingCode;
  readonly path: string;
  readonly message: string;
  /** For `stale-link`: the missing outside target. */
  readonly target?: string;
}

/** An entry met while walking a roots tree (links are logical paths, binary strings). */
export type TreeEntry =
  /** `name`: the last component of `path`, when the scan had it as a listing's name (no slice of `path`). */
  | { readonly type: 'file'; readonly path: string; readonly name?: string }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

export interface RootSet {
  readonly roots: readonly Root[];
  /** The graph id of each root (aligned with `roots`; -1 where unknown), when the finder was given ids. */
  readonly rootIds?: readonly number[];
  /**
   * Further roots, as graph ids alone (no Root object, no link): entries of unchanged directories
   * whose decisions the roots index kept for this graph, and regular files named after a valid
   * path. Only for liveness (order 'any').
   */
  readonly keptRootIds?: Int32Array;
  /** Hash parts of temp roots: they protect every store entry sharing the hash (reference §5.6). */
  readonly tempHashParts: ReadonlySet<string>;
  readonly findings: readonly Finding[];
}
