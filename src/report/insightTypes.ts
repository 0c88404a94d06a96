/** Reports of `why` and `roots --sizes` (issue 10). */
import type { PackedStrings } from '../store/byteOrder.js';
import type { Chains } from '../insight/whyAlive.js';
import type { Sizes } from '../insight/rootSizes.js';
import type { Finding, Root } from '../roots/types.js';
import type { IndexUse } from '../roots/index/withIndex.js';
import type { HistoryPoint } from './historyChart.js';

export interface WhyEntry {
  readonly path: string;
  /** Listed by `storegc live`. */
  readonly alive: boolean;
  /** Shortest chain first; empty for a dead path. Made one at a time (`why --all`: one per root that keeps it). */
  readonly chains: Chains;
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
  /** Where root.link is in the report's `links`, when it has them. */
  readonly linkAt?: number;
  /** Where root.path is in the report's `paths`, when it is there. */
  readonly pathAt?: number;
}

export interface GroupSizeEntry {
  readonly name: string;
  readonly roots: number;
  readonly closure: Sizes;
  readonly exclusive: Sizes;
  /** Of the group's youngest link. */
  readonly ageSeconds: number | null;
}

/**
 * The root rows of a report in listing order, each made when asked for: 700k row objects alive
 * at once (with 1.4M Sizes) cost the main thread's garbage collector seconds. An array is one.
 */
export interface RootRows {
  readonly length: number;
  at(index: number): RootSizeEntry | undefined;
  /** The same rows as columns, when they have them (text and JSON write them without making rows). */
  readonly columns?: RootColumns;
}

/**
 * Root rows as columns indexed by root, not by row: text and JSON write them root by root, each
 * row at its place in the output (rootRowsText.ts, rootRowsJson.ts), reading every column in the
 * order it is stored.
 */
export interface RootColumns {
  /** Row k shows root order[k]: the rows shown, each root at most once. */
  readonly order: Int32Array;
  readonly roots: readonly Root[];
  /** Three numbers per root: paths, narSize, diskBytes. */
  readonly closure: Float64Array;
  readonly exclusive: Float64Array;
  /** Seconds since the link changed, NaN when unknown. */
  readonly ages: Float64Array;
  /** Root i's link is string i. */
  readonly links: PackedStrings;
  /** Root i's group is groupNames[group[i]]. */
  readonly group: Int32Array;
  readonly groupNames: readonly string[];
  /** Root i's path is string pathAt[i] of `paths`; -1: it is not there (roots[i].path). */
  readonly pathAt: Int32Array;
  readonly paths: PackedStrings;
}

export interface RootSizesReport {
  /** `roots --sizes`; rendered with command "roots" in JSON. */
  readonly command: 'root-sizes';
  readonly storeDir: string;
  readonly roots: RootRows;
  readonly groups: readonly GroupSizeEntry[];
  readonly findings: readonly Finding[];
  readonly index?: IndexUse | undefined;
  /**
   * The links as bytes (what the rows' `linkAt` point into): text copies them from here; a link
   * string made by concatenation costs a copy of its own the first time it is read.
   */
  readonly links?: PackedStrings;
  /** The store paths as bytes (the path table's), what the rows' `pathAt` point into. */
  readonly paths?: PackedStrings;
}

/** What `report --html` embeds in its page (and writes with --json as its `page` field). */
export interface ReportPageData {
  readonly storeDir: string;
  /** ISO time of the run. */
  readonly generated: string;
  readonly totals: {
    readonly livePaths: number;
    readonly liveNarSize: number;
    readonly liveDiskBytes: number;
    readonly deadPaths: number;
    readonly deadNarSize: number;
    /** What `storegc gc` would free now, counted as `gc --dry-run` counts it. */
    readonly gcFreesBytes: number;
  };
  /** As in `roots --sizes --json`: those with the largest exclusive size, at most PAGE_ROWS (compose/reportPage.ts) of each. */
  readonly roots: readonly object[];
  readonly groups: readonly object[];
  /** How many roots and groups there are. */
  readonly rootsTotal: number;
  readonly groupsTotal: number;
  readonly edges: readonly string[];
  /** The newest recorded gc runs, oldest first, and how many are recorded; null without a run history. */
  readonly history: { readonly runs: readonly HistoryPoint[]; readonly total: number } | null;
}

/** The page's data as `report --json FILE` writes it: with every live path's shortest chain. */
export interface ReportPageJson extends ReportPageData {
  /** Live paths; parent (index, -1 at a chain start) and edge kind on a shortest chain; the root row of each start shown. */
  readonly live: {
    readonly paths: readonly string[];
    readonly parent: readonly number[];
    readonly edge: readonly number[];
    readonly rootOf: Readonly<Record<number, number>>;
  };
}

export interface PageReport {
  readonly command: 'report';
  readonly storeDir: string;
  readonly html: string;
  readonly json: string | undefined;
  readonly roots: number;
  readonly livePaths: number;
  readonly findings: readonly Finding[];
  readonly index?: IndexUse | undefined;
}
