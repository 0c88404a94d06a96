/**
 * The composer of `why` and `roots --sizes` (and the world `report` reads, reportPage.ts): the
 * snapshot `live` and `dead` read (graph, roots through the index, store listing, liveness),
 * plus the keep graph, why-alive chains and dominator sizes of src/insight/. The extra I/O: the
 * disk walk and the root links' times (lstat, on worker threads).
 */
import type { Settings } from '../config/settings.js';
import { outsidePaths } from '../config/settings.js';
import { StoregcError } from '../errors.js';
import { buildKeepEdges, reverseKeepEdges } from '../graph/keepEdges.js';
import type { KeepEdges } from '../graph/keepEdges.js';
import { computeLiveness } from '../liveness/classify.js';
import type { Liveness } from '../liveness/classify.js';
import { ALIVE } from '../liveness/markLive.js';
import { readStoreEntries, readStoreGraph, startStoreListing } from '../snapshot/readStore.js';
import { matchedOnArrival } from '../snapshot/storeListingCache.js';
import { diskUsageFile, livenessMemoFor, sizesMemoFile } from '../graph/cache/cacheLocations.js';
import type { RootRows, RootSizesReport, WhyReport, WhyEntry, RootSizeEntry } from '../report/insightTypes.js';
import { findRoots } from '../roots/findRoots.js';
import { decisionScope } from '../roots/index/decisions.js';
import { withIndex } from '../roots/index/withIndex.js';
import type { IndexUse } from '../roots/index/withIndex.js';
import type { Finding, Root, RootSet } from '../roots/types.js';
import type { StoreGraph } from '../graph/storeGraph.js';
import { display } from '../store/bytes.js';
import { packLatin1, rankPairs } from '../store/byteOrder.js';
import type { PackedStrings, StringOrder } from '../store/byteOrder.js';
import { toStorePath } from '../store/storePath.js';
import { native } from '../store/native.js';
import { ListedRoot, packRootLinks } from '../roots/listedRoot.js';
import { findKeepSources } from '../insight/keepSources.js';
import type { KeepSources } from '../insight/keepSources.js';
import { DiskThread } from '../insight/diskThread.js';
import { groupRoots } from '../insight/rootGroups.js';
import { planRootSizes } from '../insight/rootSizes.js';
import { sizeOrder } from '../insight/sizeOrder.js';
import type { SizeSort } from '../insight/sizeOrder.js';
import type { DiskUsage, Sizes } from '../insight/rootSizes.js';
import { allChains, shortestChain, shortestParents } from '../insight/whyAlive.js';
import type { Chains } from '../insight/whyAlive.js';

export interface World {
  readonly rootSet: RootSet;
  readonly liveness: Liveness;
  readonly edges: KeepEdges;
  readonly sources: KeepSources;
  readonly index: IndexUse | undefined;
  readonly findings: readonly Finding[];
}

/** Told what loadWorld knows as soon as it knows it. */
interface Early {
  /** With the graph cache's key of it (none under --no-index). */
  readonly graph?: (graph: StoreGraph, key: string | undefined) => void;
  readonly roots?: (roots: readonly Root[]) => void;
  readonly edges?: (edges: KeepEdges) => void;
}

/**
 * The store as `live` sees it: roots (each once, in the order found, with their graph ids: the
 * callers order rows themselves, and a chain starts at the first root by link of its source,
 * keepSources.ts), liveness, keep graph.
 */
async function loadWorld(settings: Settings, early: Early = {}): Promise<World> {
  // As `live` and `dead` read it: the store listing through its cache (read on a thread meanwhile
  // when that cannot stand in), root targets by id.
  const started = startStoreListing(settings);
  const { graph, findings: graphFindings, key, lineage } = readStoreGraph(settings, true);
  // Matched as soon as it arrives: its names are garbage from then on (storeListingCache.ts).
  const listing = started === undefined ? undefined : matchedOnArrival(started, graph);
  early.graph?.(graph, key);
  const edges = buildKeepEdges(graph, settings);
  early.edges?.(edges);
  // As `live` and `dead`: the graph's key scopes the roots index's kept decisions (made roots of
  // again, with their links). Sorting 700k roots by link cost 1.3 s of `why` and `report`.
  const scope = key === undefined ? undefined : decisionScope(key, settings.storeDir, graph.paths.size, lineage);
  const { result: rootSet, index, findings } = await withIndex(settings, (cache) => findRoots(settings, (p) => graph.paths.idOf(p) !== -1, { cache, order: 'unique', ids: graph.paths }), false, scope);
  early.roots?.(rootSet.roots);
  const entries = await readStoreEntries(settings, graph, key, listing);
  // As `live` and `dead`: the liveness kept from the last run for these very inputs, if any.
  const liveness = computeLiveness(graph, rootSet, entries, settings, undefined, livenessMemoFor(settings, key));
  const sources = findKeepSources(liveness.nodes, liveness.state, rootSet.roots, liveness.rootIds);
  return { rootSet, liveness, edges, sources, index, findings: [...graphFindings, ...findings, ...rootSet.findings] };
}

export async function explainPaths(settings: Settings, args: readonly string[], all: boolean): Promise<WhyReport> {
  const world = await loadWorld(settings);
  const { nodes, state } = world.liveness;
  const ids = args.map((arg) => {
    const path = toStorePath(settings.storeDir, arg);
    const id = path === null ? undefined : nodes.internedId(path);
    if (path === null || id === undefined) {
      throw new StoregcError('unknown-path', display(arg), 'not in the store', 'give a store path that is registered or present in the store directory');
    }
    return id;
  });
  const keepWorld = { nodes, edges: world.edges, sources: world.sources };
  const parents = all ? undefined : shortestParents(keepWorld);
  const reverse = all ? reverseKeepEdges(world.edges) : undefined;
  const paths: WhyEntry[] = ids.map((id) => {
    const alive = (state[id]! & ALIVE) !== 0;
    let chains: Chains = [];
    if (alive && parents !== undefined) {
      const chain = shortestChain(keepWorld, parents, id);
      chains = chain === null ? [] : [chain];
    } else if (alive && reverse !== undefined) {
      chains = allChains(keepWorld, reverse, id);
    }
    return { path: nodes.pathOf(id), alive, chains };
  });
  return { command: 'why', storeDir: settings.storeDir, paths, findings: world.findings, index: world.index };
}

export type { SizeSort };

export async function reportRootSizes(settings: Settings, sort: SizeSort, top: number | undefined, now: number = Date.now()): Promise<RootSizesReport> {
  // The rows are sorted below (ties by link, then path): sorting 700k roots by link first would cost seconds.
  return (await withSizes(settings, (world, onDisk) => rootSizesOf(settings, world, onDisk, sort, top, now))).report;
}

/**
 * The share of the root links' lstats on the times thread; the rest go to the disk thread, which
 * also orders the links. Native lstats (native/linkTimes.c) all fit beside the ordering.
 */
const split = (): number => (native() === null ? 0.6 : 1);

/** Where the disk measures of rootSizesOf come from: the worker thread, and the link times asked for. */
export interface OnDisk {
  readonly thread: DiskThread;
  readonly times: Promise<Float64Array>;
  /** The root links, packed, and their byte order (made on the disk thread). */
  readonly links: PackedStrings;
  readonly linkOrder: Promise<StringOrder>;
  /** The sizes memo (sizesMemo.ts): none under --no-index. */
  readonly memo: string | undefined;
}

/**
 * Loads the world with two threads beside it, where every lstat runs while the store loads here:
 * the disk thread measures the valid paths' disk usage as soon as the database is read (dead
 * ones included: which are alive is not known yet, and waiting for it left the main thread
 * idle; usually read back from diskUsageCache.ts), then the other live nodes' and the sizes in
 * rootSizesOf; the other reads the root links' times as soon as the roots are known.
 */
export async function withSizes<T>(settings: Settings, use: (world: World, onDisk: OnDisk) => Promise<T>): Promise<T> {
  const thread = new DiskThread();
  // The root links' times on a thread of their own: 700k lstats (4 s) need nothing else, and
  // behind them on the disk thread the sizes waited for them.
  const timesThread = new DiskThread();
  try {
    let times: Promise<Float64Array> | undefined;
    let links: PackedStrings | undefined;
    let linkOrder: Promise<StringOrder> | undefined;
    let memo: string | undefined;
    const world = await loadWorld(settings, {
      graph: (graph, key) => {
        const file = key === undefined ? undefined : diskUsageFile(settings);
        memo = key === undefined ? undefined : sizesMemoFile(settings);
        thread.measureValid(graph.paths, settings.storeDir, settings.realStoreDir, file === undefined ? undefined : { file, realStoreDir: settings.realStoreDir, graphKey: key! });
      },
      edges: (edges) => thread.orderEarly(edges.csr, memo),
      roots: (roots) => {
        // The links as bytes, once, in shared memory: the times thread lstats them, the disk
        // thread sorts them (the one copy: a second one stayed alive with the report).
        links = packRootLinks(roots, true);
        const instead: [number, string | null][] = [];
        const stateDirSlash = `${settings.stateDir}/`;
        // A listed root under the state dir has its link as its age's file (ageFile): its
        // directory tells, and its link is not made (listedRoot.ts).
        let dir: string | undefined;
        let underState = false;
        roots.forEach((r, i) => {
          if (r instanceof ListedRoot) {
            if (r.dir !== dir) {
              dir = r.dir;
              underState = dir === settings.stateDir || dir.startsWith(stateDirSlash);
            }
            if (underState) return;
          }
          const file = ageFile(settings, r, stateDirSlash);
          if (file !== r.link) instead.push([i, file]);
        });
        // Split between the two threads: the disk thread has little else to do while the
        // sizes come from their memo, and 700k lstats on one thread were the critical path.
        const half = Math.ceil(roots.length * split());
        times = Promise.all([timesThread.linkTimes(links, instead, 0, half), thread.linkTimes(links, instead, half)]).then(([a, b]) => {
          const all = new Float64Array(a.length + b.length);
          all.set(a);
          all.set(b, a.length);
          return all;
        });
        linkOrder = thread.stringOrder(links);
        // Awaited in rootSizesOf; a failure before then must not count as unhandled.
        times.catch(() => undefined);
        linkOrder.catch(() => undefined);
      },
    });
    return await use(world, { thread, times: times!, links: links!, linkOrder: linkOrder!, memo });
  } finally {
    thread.close();
    timesThread.close();
  }
}

export async function rootSizesOf(settings: Settings, world: World, onDisk: OnDisk, sort: SizeSort, top: number | undefined, now: number): Promise<{ report: RootSizesReport; groupCount: number; disk: () => Promise<DiskUsage> }> {
  const { nodes, state, rootIds } = world.liveness;
  const roots = world.rootSet.roots;
  const alive = new Uint8Array(nodes.size);
  for (let id = 0; id < nodes.size; id++) if (state[id]! & ALIVE) alive[id] = 1;
  const extra = onDisk.thread.measureExtra(nodes, (id) => alive[id] === 1, settings.storeDir, settings.realStoreDir);
  extra.catch(() => undefined);
  const { groupIndex, names } = groupRoots(roots, onDisk.links);
  const groupRank = rankPairs(packLatin1(names), names);
  // The sizes are measured on the disk thread, after the disk usage they need; ages and the
  // order of the rows are made here meanwhile.
  const sized = onDisk.thread.sizes(planRootSizes({ nodes, edges: world.edges, sources: world.sources, roots, groupIndex, groupCount: names.length }), alive, onDisk.memo === undefined ? undefined : { file: onDisk.memo, groupRank });
  sized.catch(() => undefined);
  // The rows' order: the links' byte order came from the disk thread (ties go by path here).
  const rowRank = rankPairs(onDisk.links, (i) => roots[i]!.path, await onDisk.linkOrder);
  const mtimes = await onDisk.times;
  const L = roots.length;
  const G = names.length;
  // The ages shown, in whole seconds, and the ones `--sort age` goes by, to the millisecond: in
  // whole seconds, links changed within one second would tie or not by the moment of the run,
  // and come in link order or in age order from one run to the next.
  const exact = new Float64Array(L);
  for (let i = 0; i < L; i++) exact[i] = Number.isNaN(mtimes[i]!) ? Number.NaN : Math.max(0, now - mtimes[i]!);
  const ages = exact.map((ms) => Math.floor(ms / 1000));
  // A group's age is its youngest link's; its count, its rows'.
  const groupExact = new Float64Array(G).fill(Number.NaN);
  const groupRows = new Int32Array(G);
  for (let i = 0; i < L; i++) {
    const g = groupIndex[i]!;
    groupRows[g]!++;
    if (!Number.isNaN(exact[i]!) && !(exact[i]! >= groupExact[g]!)) groupExact[g] = exact[i]!;
  }
  const groupAges = groupExact.map((ms) => Math.floor(ms / 1000));
  await extra;
  const sums = await sized;
  const closures = sums.closures;
  const rowOrder = sizeOrder(sort, { rank: rowRank, exclusive: sums.exclusiveRows, closure: closures.subarray(0, 3 * L), ages: exact });
  const groupOrder = sizeOrder(sort, { rank: groupRank, exclusive: sums.exclusiveGroups, closure: closures.subarray(3 * L), ages: groupExact });
  const sizesAt = (column: Float64Array, i: number): Sizes => ({ paths: column[3 * i]!, narSize: column[3 * i + 1]!, diskBytes: column[3 * i + 2]! });
  const ageAt = (column: Float64Array, i: number): number | null => (Number.isNaN(column[i]!) ? null : column[i]!);
  const shown = Math.min(top ?? L, L);
  const pathAt = new Int32Array(L);
  for (let i = 0; i < L; i++) pathAt[i] = rootIds[i]! >= 0 && rootIds[i]! < nodes.validCount ? rootIds[i]! : -1;
  const rows: RootRows = {
    length: shown,
    at: (k: number): RootSizeEntry | undefined => {
      if (!(k >= 0 && k < shown)) return undefined;
      const i = rowOrder[k]!;
      return {
        root: roots[i]!, group: names[groupIndex[i]!]!, closure: sizesAt(closures, i), exclusive: sizesAt(sums.exclusiveRows, i), ageSeconds: ageAt(ages, i), linkAt: i,
        pathAt: pathAt[i]! >= 0 ? pathAt[i]! : undefined,
      };
    },
    columns: {
      order: rowOrder.subarray(0, shown), roots, closure: closures, exclusive: sums.exclusiveRows, ages, links: onDisk.links, group: groupIndex, groupNames: names, pathAt, paths: nodes.graph.paths.raw,
    },
  };
  const groups = Array.from(groupOrder.subarray(0, top ?? G), (g) => ({
    name: names[g]!, roots: groupRows[g]!, closure: sizesAt(closures, L + g), exclusive: sizesAt(sums.exclusiveGroups, g), ageSeconds: ageAt(groupAges, g),
  }));
  return { report: { command: 'root-sizes', storeDir: settings.storeDir, roots: rows, groups, findings: world.findings, index: world.index, links: onDisk.links, paths: nodes.graph.paths.raw }, groupCount: G, disk: () => onDisk.thread.usage(alive) };
}

/** The file whose mtime is a root's age: null for runtime roots, which have none. */
function ageFile(settings: Settings, root: Root, stateDirSlash = `${settings.stateDir}/`): string | null {
  if (root.kind === 'runtime') return null;
  // Links under the state dir are named by their real path; other links by their logical one.
  if (root.kind === 'temp') return `${settings.stateDir}/temproots/${root.link.slice('{temp:'.length, -1)}`;
  return root.link.startsWith(stateDirSlash) ? root.link : outsidePaths(settings, root.link)[0]!;
}
