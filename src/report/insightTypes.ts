/** Reports of `why` and `roots --sizes` (issue 10). */
import type { Chain } from '../insight/whyAlive.js';
import type { Sizes } from '../insight/rootSizes.js';
import type { Finding, Root } from '../roots/types.js';
import type { IndexUse } from '../roots/index/withIndex.js';

export interface WhyEntry {
  readonly path: string;
  /** Listed by `storegc live`. */
  readonly alive: boolean;
  /** Shortest chain first; empty for a dead path. */
  readonly chains: readonly Chain[];
}

export interface WhyReport {
  readonly command: 'why';
  readonly storeDir: string;
  readonly paths: readonly WhyEntry[];
  readonly findings: readonly Finding[];
  readonly index?: IndexUse | undefined;
}

export interface RootSizeEntry {
  readonly root: Root;
  readonly group: string;
  readonly closure: Sizes;
  readonly exclusive: Sizes;
  /** Seconds since the link last changed; null when unknown (runtime roots). */
  readonly ageSeconds: number | null;
}

export interface GroupSizeEntry {
  readonly name: string;
  readonly roots: number;
  readonly closure: Sizes;
  readonly exclusive: Sizes;
  /** Of the group's youngest link. */
  readonly ageSeconds: number | null;
}

export interface RootSizesReport {
  /** `roots --sizes`; rendered with command "roots" in JSON. */
  readonly command: 'root-sizes';
  readonly storeDir: string;
  readonly roots: readonly RootSizeEntry[];
  readonly groups: readonly GroupSizeEntry[];
  readonly findings: readonly Finding[];
  readonly index?: IndexUse | undefined;
}
