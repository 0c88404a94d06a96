import type { PathList } from '../liveness/pathList.js';
import type { GcReport } from '../compose/collect.js';
import type { Finding, Root } from '../roots/types.js';
import type { IndexReport } from '../compose/indexCommands.js';
import type { IndexUse } from '../roots/index/withIndex.js';
import type { PageReport, RootSizesReport, WhyReport } from './insightTypes.js';
import type { HistoryReport } from './history.js';
import type { ByteSink } from './byteChunks.js';
import type { StatusReport } from '../compose/status.js';
import type { WatchReport } from '../compose/watch.js';

export interface RootsReport {
  readonly command: 'roots';
  readonly storeDir: string;
  readonly roots: readonly Root[];
  readonly findings: readonly Finding[];
  /** How the roots index served the scan (undefined when no index was used). */
  readonly index?: IndexUse | undefined;
}

export interface PathsReport {
  readonly command: 'live' | 'dead';
  readonly storeDir: string;
  /** Sorted by bytes. For `dead`, junk entries are listed too, as Nix does. */
  readonly paths: PathList;
  /** Basenames of store entries that do not parse as store paths. */
  readonly junk: readonly string[];
  readonly findings: readonly Finding[];
  readonly index?: IndexUse | undefined;
}

export type Report = RootsReport | PathsReport | GcReport | IndexReport | WhyReport | RootSizesReport | PageReport | HistoryReport | StatusReport | WatchReport;

export type { GcReport, HistoryReport, StatusReport, IndexReport, PageReport, RootSizesReport, WhyReport, WatchReport };

/** A renderer turns a report into the bytes for stdout. */
/**
 * A report's output. A sink, where given, may be handed the output in pieces as it is made (a
 * report of a row per root, ByteChunks); what is returned comes after them.
 */
export type Renderer = (report: Report, sink?: ByteSink) => Buffer;
