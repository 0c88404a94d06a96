/**
 * The composer of `gc` and `delete` (src/compose/ holds the composition of every command):
 * validate -> (real run: writability check) -> lock -> socket -> snapshot (graph, roots, store
 * listing) -> liveness -> plan -> (dry run: simulate the plan | execute it: delete -> .links ->
 * roots to remove). Nothing else knows this sequence.
 */
import { blockingReferrer } from '../collect/blockingReferrer.js';
import { checkWritable } from '../collect/checkWritable.js';
import { acquireGcLock } from '../collect/gcLock.js';
import type { HeldLock } from '../collect/gcLock.js';
import { GcSocketServer } from '../collect/gcSocket.js';
import { deletePath } from '../collect/deletePath.js';
import { simulatePlan } from '../collect/simulatePlan.js';
import { UNLIMITED, executePlan } from '../collect/executePlan.js';
import { FileDeleter } from '../collect/fileDeleter.js';
import { PendingDeletions } from '../collect/pending.js';
import type { Skipped } from '../collect/executePlan.js';
import { cleanLinks, forecastLinks } from '../collect/links.js';
import { pruneAutoLinks } from '../collect/pruneAutoLinks.js';
import { PhaseClock } from '../collect/progress.js';
import type { Emit, Phase } from '../collect/progress.js';
import { outsidePaths } from '../config/settings.js';
import type { Settings } from '../config/settings.js';
import { StoregcError } from '../errors.js';
import { computeLiveness } from '../liveness/classify.js';
import type { Liveness } from '../liveness/classify.js';
import { ALIVE, DEAD } from '../liveness/markLive.js';
import { deadIds, planCollection } from '../plan/planCollection.js';
import { lastUseTimes } from '../policy/lruOrder.js';
import type { DeletionOrder } from '../policy/lruOrder.js';
import { readAccessTimes } from '../snapshot/readAccessTimes.js';
import { NO_ENTRIES } from '../liveness/storeEntries.js';
import { planGenerationRemoval } from '../policy/generations.js';
import type { GenerationDecision, GenerationOptions, GenerationRemoval } from '../policy/generations.js';
import { keptByBudget } from '../policy/keptByPolicy.js';
import type { KeptByPolicy } from '../policy/keptByPolicy.js';
import { keptByRootPolicies } from './policyKept.js';
import { readProfilesTree } from '../policy/readProfiles.js';
import { recentRoots } from '../policy/keepRecent.js';
import { resolveSizeTarget } from '../policy/units.js';
import type { SizeTarget } from '../policy/units.js';
import { freeBytesOf, measureFreeSpace } from '../store/freeSpace.js';
import { agedAutoRoots } from '../policy/autoRootAge.js';
import type { AutoRootRemoval } from '../policy/autoRootAge.js';
import { readAutoRoots } from '../roots/autoRoots.js';
import { pruneAgedRoots } from '../collect/pruneAgedRoots.js';
import { removeGenerations } from '../collect/removeGenerations.js';
import { listStoreNow, readStoreEntries, readStoreGraph, validateDatabase } from '../snapshot/readStore.js';
import type { EarlyListing } from '../snapshot/listingThread.js';
import { findRoots } from '../roots/findRoots.js';
import { readTempRoots } from '../roots/tempRoots.js';
import { isRootSourceFailure } from '../roots/types.js';
import { withMoreRoots, withoutRoots } from '../roots/someRoots.js';
import type { Finding, Root, RootKind } from '../roots/types.js';
import { display } from '../store/bytes.js';
import { NixDbWriter } from '../store/nixDbWriter.js';
import type { DbMaintenance } from '../store/nixDbWriter.js';
import { hashPartOf, parseStorePath } from '../store/storePath.js';

export interface GcRequest {
  readonly dryRun: boolean;
  /** Stop once more than this many bytes are freed (Nix's --max-freed). */
  readonly maxFreed: bigint;
  readonly allowUnreadableRoots: boolean;
  /** `delete PATH...`: only these paths (and only if dead). */
  readonly paths?: readonly string[];
  /** With `paths`: skip live ones instead of failing. */
  readonly skipLive?: boolean;
  /**
   * Aborted with reason 'SIGINT' or 'SIGTERM' to stop a real run between batches; the report
   * then says what was deleted up to there.
   */
  readonly signal?: AbortSignal;
  /**
   * Test hook, like Nix's _NIX_TEST_GC_SYNC: awaited with gc.lock held, the socket served and
   * the roots read. Only the CLI entry point sets it (from STOREGC_TEST_HOLD).
   */
  readonly pauseForTests?: () => Promise<void>;
  /** false: --no-vacuum (the WAL is still checkpointed). */
  readonly vacuum?: boolean;
  /** --ensure-free: collect until the store's file system has this much free (bytes or % of its size). */
  readonly ensureFree?: SizeTarget;
  /** --min-free: do nothing unless the store's file system has less than this free. */
  readonly minFree?: SizeTarget;
  /** `--prune-auto-roots`: indirect roots whose outside link is older than this many seconds go first. */
  readonly pruneAutoRootsSeconds?: number;
  /** `--keep-recent`: paths registered this many seconds ago or later are roots for this run. */
  readonly keepRecentSeconds?: number;
  /** Profile generations to remove before the roots are read (`-d`, `--delete-older-than`, ...). */
  readonly generations?: GenerationOptions;
  /** Which dead paths go first (under a budget, which are deleted): Nix's order (default) or `lru`. */
  readonly order?: DeletionOrder;
}

export type Interruption = 'SIGINT' | 'SIGTERM';

/** JSON `target` (issue 9's contract): bytes as bigints, rendered as numbers. */
export interface TargetOutcome {
  readonly ensureFree: bigint | null;
  readonly minFree: bigint | null;
  readonly freeBefore: bigint;
  readonly freeAfter: bigint;
  readonly met: boolean;
  readonly shortfallBytes: bigint;
  readonly cause: string | null;
}

export interface GcReport {
  readonly command: 'gc' | 'delete';
  readonly dryRun: boolean;
  readonly storeDir: string;
  /** Deleted (or, in a dry run, to be deleted) entries, in deletion order. */
  readonly deleted: readonly string[];
  /** Nix's count: st_size of the files whose last links went (reference §10.2). */
  readonly bytesFreed: number;
  /** Disk blocks released (st_blocks * 512), counted with the same link rule. */
  readonly diskBytesFreed: number;
  /** Sum of the database's narSize over the registered paths in `deleted`. */
  readonly narSize: number;
  readonly skipped: readonly Skipped[];
  readonly limitReached: boolean;
  /** `.links` entries removed (in a dry run: that would be removed). */
  readonly linksRemoved: number;
  readonly linksSavedBytes: number;
  /** Profile generations removed (in a dry run: that would be removed), in Nix's order. */
  readonly generationsRemoved: readonly GenerationRemoval[];
  /** Aged indirect roots removed by --prune-auto-roots (in a dry run: that would be removed). */
  readonly autoRootsRemoved: readonly AutoRootRemoval[];
  /** `gcroots/auto` links removed (in a dry run: candidates the real run removes). */
  readonly staleLinksRemoved: readonly string[];
  /** The signal that stopped a real run early, or null. */
  readonly interrupted: Interruption | null;
  readonly phases: Readonly<Partial<Record<Phase, number>>>;
  readonly findings: readonly Finding[];
  /** WAL checkpoint and VACUUM after a real run (null in a dry run or an interrupted one). */
  readonly database: DbMaintenance | null;
  /** The free-space target and what became of it; null when neither --ensure-free nor --min-free. */
  readonly target: TargetOutcome | null;
  /** Roots found, by kind (for the run record and metrics). */
  readonly rootsByKind: Readonly<Partial<Record<RootKind, number>>>;
  /** Dead entries the plan found (store paths and junk), before any budget. */
  readonly deadFound: number;
  /** Which dead paths went first: Nix's order or least recently used. */
  readonly order: DeletionOrder;
  /** Per policy in effect, the otherwise dead paths it kept (policy/keptByPolicy.ts). */
  readonly keptByPolicy: KeptByPolicy;
}

const BATCH = 8192;
const NOTHING_DONE = { deleted: [], bytesFreed: 0, diskBytesFreed: 0, narSize: 0, skipped: [], limitReached: false, linksRemoved: 0, linksSavedBytes: 0, generationsRemoved: [], autoRootsRemoved: [], staleLinksRemoved: [], rootsByKind: {}, deadFound: 0, target: null, database: null, keptByPolicy: {} } as const;

export async function collectGarbage(settings: Settings, request: GcRequest, emit: Emit): Promise<GcReport> {
  const clock = new PhaseClock(emit);
  const enter = (phase: Phase, total?: number): void => clock.enter(phase, total);
  const real = (path: string): string => settings.realStoreDir + path.slice(settings.storeDir.length);

  // Validate the state dir before creating anything in it (gc.lock, gc-socket/): a wrong
  // --state-dir must leave no trace.
  validateDatabase(settings);
  // Before the first write (db/reserved, the socket dir, gc.lock): a deletion that fails after
  // its row is gone would leave a valid-looking path unregistered (issue: read-only store).
  const targets = resolveTargets(settings, request);
  if (targets?.skip === true) {
    // --min-free: enough free space, nothing to collect; the run is still reported (and recorded).
    return report(settings, request, { ...NOTHING_DONE, interrupted: null, phases: clock.stop(), findings: [], target: targetOutcome(targets, targets.freeBefore, false, 'free space is not below --min-free') });
  }
  if (!request.dryRun) checkWritable(settings.realStoreDir, `${settings.stateDir}/db`);
  if (!request.dryRun) enter('lock');
  const lock: HeldLock | undefined = request.dryRun ? undefined : await acquireGcLock(settings.stateDir, () => emit({ type: 'waiting-for-lock' }), request.signal);
  if (!request.dryRun && lock === undefined) {
    // Stopped while waiting for another collector: nothing was written.
    return report(settings, request, { ...NOTHING_DONE, interrupted: interruptionOf(request.signal), phases: clock.stop(), findings: [] });
  }
  const tempHashParts = new Set<string>();
  const pending = new PendingDeletions();
  const socket = request.dryRun ? undefined : new GcSocketServer(settings.stateDir, settings.storeDir, tempHashParts, pending);
  let writer: NixDbWriter | undefined;
  let files: FileDeleter | undefined;
  // The store listed on a thread while the roots are read (a whole-store run's).
  let listing: EarlyListing | undefined;
  try {
    await socket?.start();
    if (socket !== undefined) socket.onGarbage = (line) => emit({ type: 'warning', message: `received garbage instead of a root from a client: '${display(line)}'` });
    enter('graph');
    // In full, never through the graph cache: see README, "The caches".
    const { graph } = readStoreGraph(settings, false);

    // Generations go before the roots are read, as nix-collect-garbage removes them before its
    // collection: a removed generation is no root. The dry run decides the same removals and
    // leaves those links out of the roots instead of unlinking them.
    const decision = decideGenerations(settings, request);
    const generations = decision?.remove ?? [];
    for (const g of generations) emit({ type: 'generation', profile: g.profile, generation: g.generation, dryRun: request.dryRun });
    const generationsRemoved = request.dryRun ? generations : removeGenerations(generations).removed;
    // Aged indirect roots likewise: decided here, removed before the roots are read.
    const aged = request.pruneAutoRootsSeconds === undefined || request.paths !== undefined ? [] : agedAutoRoots(readAutoRoots(settings), request.pruneAutoRootsSeconds, Date.now() / 1000);
    const autoRootsRemoved = request.dryRun ? aged : pruneAgedRoots(aged);
    // Only a dry run filters the roots: a real run reads them after the unlinks, and a profile
    // the executor skipped (its target changed meanwhile) must keep every generation as a root.
    const removedLinks = new Set(request.dryRun ? [...generations.map((g) => g.link), ...aged.map((a) => a.target)] : []);

    enter('roots');
    // The store directory read on a thread meanwhile (a whole-store run's); the temp roots are read
    // once it is done, as `dead` reads them: an entry it saw has its temp root read (Nix registers
    // a temp root before it creates the path).
    listing = request.paths === undefined ? listStoreNow(settings, graph.paths) : undefined;
    // Roots in the order found (liveness flags them; nothing here lists them), looked up by id.
    const found = await findRoots(settings, (p) => graph.paths.idOf(p) !== -1, { mode: request.dryRun ? 'read' : 'collect', order: 'unique', ids: graph.paths, storeListed: listing?.listing });
    const recent = request.keepRecentSeconds === undefined ? [] : recentRoots(graph, request.keepRecentSeconds, Date.now() / 1000);
    const kept = removedLinks.size === 0 ? found : withoutRoots(found, (r) => removedLinks.has(r.link));
    const rootSet = recent.length === 0 ? { ...found, ...kept } : { ...found, ...withMoreRoots(kept, recent) };
    for (const h of rootSet.tempHashParts) tempHashParts.add(h);
    const unreadable = rootSet.findings.find(isRootSourceFailure);
    if (unreadable !== undefined && !request.allowUnreadableRoots) {
      throw new StoregcError('unreadable-roots', display(unreadable.path), `nothing deleted: cannot read a root (${unreadable.message})`, 'fix the entry, or pass --allow-unreadable-roots to collect without it');
    }

    await request.pauseForTests?.();
    // Stopped while finding roots: nothing is deleted yet, so do not compute what would be.
    if (request.signal?.aborted === true) {
      return report(settings, request, { ...NOTHING_DONE, interrupted: interruptionOf(request.signal), phases: clock.stop(), findings: rootSet.findings, rootsByKind: countKinds(rootSet.roots) });
    }

    enter('liveness');
    const requested = request.paths?.map((p) => checkRequested(settings.storeDir, p));
    const entries = requested === undefined ? await readStoreEntries(settings, graph, undefined, listing) : NO_ENTRIES;
    // Nix frees this 8 MiB filler first so SQLite can work on a full disk (reference §1.2); here
    // only once the store and database are known to belong together.
    if (!request.dryRun) deletePath(`${settings.stateDir}/db/reserved`);
    // The live set, not the snapshot: roots that came in over the socket count from here on.
    const liveness = computeLiveness(graph, { ...rootSet, tempHashParts }, entries, settings, requested);
    const skipped: Skipped[] = [];
    const requestedIds = new Set((requested ?? []).map((p) => liveness.nodes.intern(p)));
    for (const path of requested ?? []) {
      const id = liveness.nodes.intern(path);
      const state = liveness.state[id]! & (ALIVE | DEAD);
      if (state === DEAD) continue;
      // Not alive, not dead: the walk met a dead path that was not requested (reference §11).
      const blocker = state === ALIVE ? undefined : blockingReferrer(liveness.nodes, id, requestedIds, settings);
      if (!request.skipLive) {
        if (blocker !== undefined) {
          throw new StoregcError('still-alive', undefined, `cannot delete '${display(path)}': it is referenced by '${display(blocker)}', which is not being deleted`, 'delete both, or pass --skip-live');
        }
        throw new StoregcError('still-alive', display(path), 'cannot delete path since it is still alive', 'see why with: storegc roots (or nix-store --query --roots), or pass --skip-live');
      }
      skipped.push({ path, reason: 'in-use', detail: blocker === undefined ? 'still alive' : `referenced by '${display(blocker)}', which is not being deleted` });
    }
    // Stale auto links are removed by a whole-store run only, never by `delete PATH...`.
    const stale = request.paths !== undefined ? [] : rootSet.findings.flatMap((f) => (f.code === 'stale-link' && f.target !== undefined ? [{ link: f.path, realTargets: outsidePaths(settings, f.target) }] : []));
    const plan = planCollection(liveness, {
      junk: entries.junk.map((name) => `${settings.storeDir}/${name}`),
      maxFreed: request.maxFreed,
      ensureFree: targets?.ensureFree === undefined ? undefined : { bytes: targets.ensureFree, freeBefore: targets.freeBefore },
      rootsToRemove: stale,
      kept: skipped,
      lastUse: request.order === 'lru' && requested === undefined ? readLastUse(liveness, real) : undefined,
      keptByPolicy: requested !== undefined ? {} : keptByRootPolicies(graph, { ...rootSet, tempHashParts }, entries, settings, liveness, {
        keepRecent: request.keepRecentSeconds !== undefined,
        retainedGenerations: decision?.retained,
      }),
    });
    const budgeted = requested === undefined && (plan.maxFreed < UNLIMITED || plan.ensureFree !== undefined);
    const keptBy = (stop: number | undefined): KeptByPolicy => budgeted
      ? { ...plan.keptByPolicy, budget: keptByBudget([...plan.junk.map(() => ({ narSize: null })), ...plan.steps], stop) }
      : plan.keptByPolicy;

    if (request.dryRun) {
      // The dry run renders the plan: what the real run with the same flags would delete.
      enter('measure');
      const sim = simulatePlan(plan, real);
      return report(settings, request, {
        deleted: sim.deleted,
        bytesFreed: sim.bytesFreed,
        diskBytesFreed: sim.diskBytesFreed,
        narSize: sim.narSize,
        skipped: plan.kept,
        limitReached: sim.limitReached,
        linksRemoved: forecastLinks(settings.realStoreDir, sim.remainingLinks),
        linksSavedBytes: 0,
        generationsRemoved,
        autoRootsRemoved,
        staleLinksRemoved: plan.rootsToRemove.map((r) => r.link),
        interrupted: null,
        phases: clock.stop(),
        findings: rootSet.findings,
        rootsByKind: countKinds(rootSet.roots),
        deadFound: plan.junk.length + plan.steps.length,
        keptByPolicy: keptBy(sim.budgetStop),
        target: targets === undefined ? null : targetOutcome(targets, targets.freeBefore + BigInt(sim.diskBytesFreed), sim.limitReached, undefined),
        database: null,
      });
    }

    enter('delete', plan.junk.length + plan.steps.length);
    writer = NixDbWriter.open(settings.stateDir);
    files = new FileDeleter();
    const deleter = files;
    const executed = await executePlan(plan, liveness, {
      db: writer,
      storeDir: settings.storeDir,
      realStoreDir: settings.realStoreDir,
      tempHashParts,
      pending,
      deleteFiles: (paths) => deleter.delete(paths),
      refreshTempRoots: async () => {
        await socket?.drain();
        const temp = await readTempRoots(settings.stateDir, settings.storeDir);
        for (const r of temp.roots) tempHashParts.add(hashPartOf(settings.storeDir, r.path));
        // A temproots file that cannot be read now may protect the next batch: stop before it.
        const failure = temp.findings.find(isRootSourceFailure);
        if (failure !== undefined && !request.allowUnreadableRoots) {
          throw new StoregcError('unreadable-roots', display(failure.path), `stopped deleting: cannot read a temp root (${failure.message})`, 'fix the entry and run again (what was deleted so far was dead), or pass --allow-unreadable-roots');
        }
      },
      emit,
      interrupted: () => request.signal?.aborted === true,
      freeBytes: () => freeBytesOf(settings.realStoreDir),
    }, { batchSize: plan.maxFreed < UNLIMITED || plan.ensureFree !== undefined ? 1 : BATCH, keepOutputs: settings.keepOutputs, keepDerivations: settings.keepDerivations });

    // Interrupted: the user wants out now; the `.links` pass and the stale auto links are left
    // for the next run, which does both whatever this one deleted.
    const interrupted = executed.interrupted ? interruptionOf(request.signal) : null;
    if (interrupted === null) enter('links');
    const links = interrupted === null ? cleanLinks(settings.realStoreDir) : { removed: 0, savedBytes: 0 };
    const staleLinksRemoved = interrupted === null ? pruneAutoLinks(plan.rootsToRemove) : [];
    // Last, once nothing else needs the database: give the freed pages back to the file system.
    const database = interrupted === null ? writer.maintain(request.vacuum !== false) : null;
    return report(settings, request, {
      deleted: executed.deleted,
      bytesFreed: executed.bytesFreed,
      diskBytesFreed: executed.diskBytesFreed,
      narSize: executed.narSize,
      skipped: [...plan.kept, ...executed.skipped],
      limitReached: executed.limitReached,
      linksRemoved: links.removed,
      linksSavedBytes: links.savedBytes,
      generationsRemoved,
      autoRootsRemoved,
      staleLinksRemoved,
      interrupted,
      phases: clock.stop(),
      findings: rootSet.findings,
      rootsByKind: countKinds(rootSet.roots),
      deadFound: plan.junk.length + plan.steps.length,
      keptByPolicy: keptBy(executed.budgetStop),
      target: targets === undefined ? null : targetOutcome(targets, freeBytesOf(settings.realStoreDir) ?? targets.freeBefore, executed.limitReached, interrupted === null ? undefined : `stopped by ${interrupted}`),
      database,
    });
  } finally {
    // A run that stops before it reads the listing (stopped, or failing closed) stops its thread.
    listing?.cancel();
    await files?.close();
    writer?.close();
    await socket?.close();
    lock?.release();
  }
}

/** --order lru: when each dead path was last used, from one lstat of each (snapshot/readAccessTimes.ts). */
function readLastUse(liveness: Liveness, real: (path: string) => string): Float64Array {
  const ids = deadIds(liveness);
  return lastUseTimes(liveness.nodes, ids, readAccessTimes(ids.map((id) => real(liveness.nodes.pathOf(id)))));
}

/** Nix 2.8's removeOldGenerations over STATE/profiles (reference §12), for whole-store runs. */
function decideGenerations(settings: Settings, request: GcRequest): GenerationDecision | undefined {
  if (request.generations === undefined || request.paths !== undefined) return undefined;
  const tree = readProfilesTree(`${settings.stateDir}/profiles`);
  return planGenerationRemoval(tree, request.generations, Math.floor(Date.now() / 1000));
}

interface ResolvedTargets {
  readonly ensureFree: bigint | undefined;
  readonly minFree: bigint | undefined;
  readonly freeBefore: bigint;
  /** --min-free is given and free space is not below it. */
  readonly skip: boolean;
}

/** Both targets in bytes against the store's file system now (percentages of its size). */
function resolveTargets(settings: Settings, request: GcRequest): ResolvedTargets | undefined {
  if (request.ensureFree === undefined && request.minFree === undefined) return undefined;
  const { size, free: freeBefore } = measureFreeSpace(settings.realStoreDir);
  const ensureFree = request.ensureFree === undefined ? undefined : resolveSizeTarget(request.ensureFree, size);
  const minFree = request.minFree === undefined ? undefined : resolveSizeTarget(request.minFree, size);
  return { ensureFree, minFree, freeBefore, skip: minFree !== undefined && freeBefore >= minFree };
}

/** The report's `target`: met when free space reached --ensure-free; else the shortfall and why. */
function targetOutcome(t: ResolvedTargets, freeAfter: bigint, limitReached: boolean, stopped: string | undefined): TargetOutcome {
  // Without --ensure-free, --min-free is the goal (Nix's auto-GC collects until above it).
  const goal = t.ensureFree ?? t.minFree ?? 0n;
  const met = freeAfter >= goal;
  const shortfall = met ? 0n : goal - freeAfter;
  const cause = t.skip ? 'free space is not below --min-free; nothing collected'
    : met ? null
    : stopped ?? (limitReached ? '--max-freed was reached first' : 'everything left is live or kept by a policy');
  return { ensureFree: t.ensureFree ?? null, minFree: t.minFree ?? null, freeBefore: t.freeBefore, freeAfter, met, shortfallBytes: shortfall, cause };
}

function countKinds(roots: readonly Root[]): Partial<Record<RootKind, number>> {
  const counts: Partial<Record<RootKind, number>> = {};
  for (const r of roots) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}

function interruptionOf(signal: AbortSignal | undefined): Interruption {
  return signal?.reason === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
}

type ReportBody = Omit<GcReport, 'command' | 'dryRun' | 'storeDir' | 'order'>;

function report(settings: Settings, request: GcRequest, body: ReportBody): GcReport {
  const order = request.paths === undefined ? request.order ?? 'nix' : 'nix';
  return { command: request.paths === undefined ? 'gc' : 'delete', dryRun: request.dryRun, storeDir: settings.storeDir, order, ...body };
}

function checkRequested(storeDir: string, path: string): string {
  const parsed = parseStorePath(storeDir, path);
  if (parsed === null) throw new StoregcError('not-in-store', display(path), 'not a store path', `give paths of the form ${display(storeDir)}/<hash>-<name>`);
  return parsed;
}
