/**
 * What the roots index keeps of a directory's classification (src/roots/classify.ts) between
 * runs of `live` and `dead`, and the pure rules about it. Per entry of a cached listing, in
 * listing order (files, then links): the root's graph id, or a code for the other decisions.
 *
 * Classifying an entry depends on its name (and a link's target), the store dir and the graph's
 * ids and validity, nothing else. So decisions stand in for classifying again only for the same
 * listing (the one read at the same instant; the listing itself is reused under `canReuse`)
 * and the same scope: the graph cache's key (equal keys, equal graphs) and store dir.
 * Links leaving the store are marked, never decided: their second hop can change without the
 * directory changing, so it is looked at in every scan.
 *
 * Decisions kept for the graph the current one was refreshed from (its lineage, one step:
 * src/graph/lineage.ts) translate instead: ids through the lineage's map, a root whose path was
 * deleted becomes what a fresh classification makes of it (an invalid root; for a file, not a
 * root); and when any path was registered, the entries whose path was not valid are classified
 * again by name (a new path may be theirs). Nothing else depends on the graph.
 */
import type { GraphLineage } from '../../graph/lineage.js';
import { translateIds } from '../../graph/lineage.js';
import { isInStore } from '../../store/storePath.js';
import type { Decision } from '../classify.js';
import type { Listing } from './listing.js';

/** Not a root (a file not named after a valid store path; a link to something not a store path). */
export const NOT_ROOT = -1;
/**
 * A link into the store at a path that is not valid: Nix's "skipping invalid root"; for a file,
 * named after a store path that is not valid (not a root, no finding).
 */
export const INVALID = -2;
/** A link leaving the store: classified again in every scan. */
export const OUTSIDE = -3;

/** A directory's decisions: a graph id (>= 0, a root) or one of the codes above, per entry. */
export interface DirDecisions {
  readonly files: Int32Array;
  readonly links: Int32Array;
}

/** What decisions are kept for: they are used only where all of it is equal. */
export interface DecisionScope {
  /** The graph cache's key and the store dir, as one string. */
  readonly key: string;
  readonly storeDir: string;
  /** How many paths the graph has: a kept id at or above it is damage. */
  readonly pathCount: number;
  /** Decisions kept in this other scope (the graph this one was refreshed from) are translated. */
  readonly previous?: PreviousScope;
  /**
   * The listing's file names come with its decisions too: for callers that make a root (link
   * and path strings) of each decided entry (roots --sizes), not only its id.
   */
  readonly names?: boolean;
}

export interface PreviousScope {
  readonly key: string;
  readonly pathCount: number;
  /** Earlier graph id -> this graph's id, -1 where the path was deleted. */
  readonly map: Int32Array;
  /** Whether any path was registered: then entries decided invalid are classified again. */
  readonly anyAdded: boolean;
}

export function decisionScope(graphKey: string, storeDir: string, pathCount: number, lineage?: GraphLineage): DecisionScope {
  const key = (graph: string): string => `${graph} ${Buffer.from(storeDir, 'latin1').toString('hex')}`;
  const map = lineage === undefined ? undefined : translateIds(lineage, pathCount);
  const previous = map === undefined ? {} : { previous: { key: key(lineage!.previousKey), pathCount: lineage!.previousCount, map, anyAdded: lineage!.added.length > 0 } };
  return { key: key(graphKey), storeDir, pathCount, ...previous };
}

/** The code kept for a decision made with graph ids. */
export function codeOf(decision: Decision): number {
  switch (decision.kind) {
    case 'root':
      if (decision.id === undefined || decision.id < 0) throw new Error('a root without its graph id cannot be kept');
      return decision.id;
    case 'invalid': return INVALID;
    case 'outside': return OUTSIDE;
    case 'ignore': return decision.absent ? INVALID : NOT_ROOT;
  }
}

/**
 * Decisions kept in `previous` as they are in the scope it leads to: each id mapped, a deleted
 * one made INVALID. `recheck`: some entries are INVALID and a path was registered, so those
 * entries must be classified again by name (the caller's part: it has the names).
 */
export function translateDecisions(d: DirDecisions, previous: PreviousScope): { decisions: DirDecisions; recheckFiles: boolean; recheckLinks: boolean } {
  const { map } = previous;
  const across = (codes: Int32Array): { out: Int32Array; invalid: boolean } => {
    const out = new Int32Array(codes.length);
    let invalid = false;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i]!;
      const next = code >= 0 ? map[code]! : code;
      out[i] = next === -1 && code >= 0 ? INVALID : next;
      if (out[i] === INVALID) invalid = true;
    }
    return { out, invalid };
  };
  const files = across(d.files);
  const links = across(d.links);
  return { decisions: { files: files.out, links: links.out }, recheckFiles: previous.anyAdded && files.invalid, recheckLinks: previous.anyAdded && links.invalid };
}

/**
 * Why kept decisions cannot belong to a listing of `fileCount` files and these links (classified
 * in `scope`), or undefined when they can: counts must match, ids must be in the graph, a file
 * is only ever a root, not one, or named after a path not valid, and a link is marked outside exactly when it leaves the store.
 */
export function misfit(d: DirDecisions, fileCount: number, links: Listing['links'] | LinksInStore, scope: DecisionScope): string | undefined {
  const linkCount = links.length;
  if (d.files.length !== fileCount || d.links.length !== linkCount) return 'entry counts differ from the listing';
  const inStore = Array.isArray(links) ? (i: number): boolean => isInStore(scope.storeDir, (links as Listing['links'])[i]!.target) : (i: number): boolean => (links as LinksInStore).inStore(i);
  const { files, links: codes } = d;
  // Indexed loops: hundreds of thousands of codes per run.
  for (let i = 0; i < files.length; i++) if (files[i]! < INVALID || files[i]! >= scope.pathCount) return 'a file decision out of range';
  for (let i = 0; i < linkCount; i++) {
    const code = codes[i]!;
    if (code < OUTSIDE || code >= scope.pathCount) return 'a link decision out of range';
    if ((code === OUTSIDE) === inStore(i)) return 'a link decision does not fit its target';
  }
  return undefined;
}

/** Links known by count and by whether each one's target is in the store (a packed listing's: listing.ts PackedLinks). */
export interface LinksInStore {
  readonly length: number;
  inStore(i: number): boolean;
}
