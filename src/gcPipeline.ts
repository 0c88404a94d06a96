/**
 * The collector's composition: lock -> socket -> graph -> roots -> liveness -> plan ->
 * (dry run: measure | delete -> .links -> stale auto links). The read-only commands are composed
 * in pipeline.ts; both share the stages and nothing else knows these sequences.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { acquireGcLock } from './collect/gcLock.js';
import type { HeldLock } from './collect/gcLock.js';
import { GcSocketServer } from './collect/gcSocket.js';
import { deletePath } from './collect/deletePath.js';
import { UNLIMITED, executePlan } from './collect/executePlan.js';
import { FileDeleter } from './collect/fileDeleter.js';
import { PendingDeletions } from './collect/pending.js';
import type { Skipped } from './collect/executePlan.js';
import { cleanLinks } from './collect/links.js';
import { measureFreed } from './collect/measure.js';
import { pruneAutoLinks } from './collect/pruneAutoLinks.js';
import { PhaseClock } from './collect/progress.js';
import type { Emit, Phase } from './collect/progress.js';
import { outsidePath } from './config/settings.js';
import type { Settings } from './config/settings.js';
import { StoregcError } from './errors.js';
import { caDrvReader, loadGraph } from './graph/loadGraph.js';
import { computeLiveness } from './liveness/classify.js';
import { ALIVE, DEAD } from './liveness/markLive.js';
import { planCollection } from './liveness/plan.js';
import { splitStoreEntries } from './liveness/storeEntries.js';
import { findRoots } from './roots/findRoots.js';
import { readTempRoots } from './roots/tempRoots.js';
import type { Finding } from './roots/types.js';
import { display } from './store/bytes.js';
import { listStore } from './store/listStore.js';
import { NixDbReader } from './store/nixDb.js';
import { NixDbWriter } from './store/nixDbWriter.js';
import { hashPartOf, parseStorePath } from './store/storePath.js';

export interface GcRequest {
  readonly dryRun: boolean;
  /** Stop once more than this many bytes are freed (Nix's --max-freed). */
  readonly maxFreed: bigint;
  readonly allowUnreadableRoots: boolean;
  /** `delete PATH...`: only these paths (and only if dead). */
  readonly paths?: readonly string[];
  /** With `paths`: skip live ones instead of failing. */
  readonly skipLive?: boolean;
}

export interface GcReport {
  readonly command: 'gc' | 'delete';
  readonly dryRun: boolean;
  readonly storeDir: string;
  /** Deleted (or, in a dry run, to be deleted) entries, in deletion order. */
  readonly deleted: readonly string[];
  readonly bytesFreed: number;
  /** Sum of the database's narSize over the registered paths in `deleted`. */
  readonly narSize: number;
  readonly skipped: readonly Skipped[];
  readonly limitReached: boolean;
  readonly linksRemoved: number;
  readonly linksSavedBytes: number;
  readonly staleLinksRemoved: readonly string[];
  readonly phases: Readonly<Partial<Record<Phase, number>>>;
  readonly findings: readonly Finding[];
}

const BATCH = 8192;
const UNREADABLE: ReadonlySet<string> = new Set(['unreadable-root', 'bad-temproots', 'unreadable-runtime']);

export async function collectGarbage(settings: Settings, request: GcRequest, emit: Emit): Promise<GcReport> {
  const clock = new PhaseClock(emit);
  const enter = (phase: Phase, total?: number): void => clock.enter(phase, total);
  const real = (path: string): string => settings.realStoreDir + path.slice(settings.storeDir.length);

  if (!request.dryRun) enter('lock');
  const lock: HeldLock | undefined = request.dryRun ? undefined : acquireGcLock(settings.stateDir, () => emit({ type: 'waiting-for-lock' }));
  const tempHashParts = new Set<string>();
  const pending = new PendingDeletions();
  const socket = request.dryRun ? undefined : new GcSocketServer(settings.stateDir, settings.storeDir, tempHashParts, pending);
  let writer: NixDbWriter | undefined;
  let files: FileDeleter | undefined;
  try {
    await socket?.start();
    if (socket !== undefined) socket.onGarbage = (line) => emit({ type: 'warning', message: `received garbage instead of a root from a client: '${display(line)}'` });
    // Nix frees this 8 MiB filler first so SQLite can work on a full disk (reference §1.2).
    if (!request.dryRun) deletePath(`${settings.stateDir}/db/reserved`);

    enter('graph');
    const reader = NixDbReader.open(`${settings.stateDir}/db/db.sqlite`);
    let graph;
    try {
      graph = loadGraph(reader, settings.storeDir, caDrvReader(settings));
    } finally {
      reader.close();
    }

    enter('roots');
    const rootSet = await findRoots(settings, (p) => graph.idOf.has(p), request.dryRun ? 'read' : 'collect');
    for (const h of rootSet.tempHashParts) tempHashParts.add(h);
    const unreadable = rootSet.findings.find((f) => UNREADABLE.has(f.code));
    if (unreadable !== undefined && !request.allowUnreadableRoots) {
      throw new StoregcError('unreadable-roots', display(unreadable.path), `nothing deleted: cannot read a root (${unreadable.message})`, 'fix the entry, or pass --allow-unreadable-roots to collect without it');
    }

    await holdForTests();

    enter('liveness');
    const requested = request.paths?.map((p) => checkRequested(settings.storeDir, p));
    const entries = requested === undefined ? splitStoreEntries(listStore(settings.realStoreDir), settings.storeDir) : { paths: [], junk: [] };
    // The live set, not the snapshot: roots that came in over the socket count from here on.
    const liveness = computeLiveness(graph, { ...rootSet, tempHashParts }, entries, settings, requested);
    const skipped: Skipped[] = [];
    for (const path of requested ?? []) {
      const id = liveness.nodes.intern(path);
      if ((liveness.state[id]! & (ALIVE | DEAD)) === DEAD) continue;
      if (!request.skipLive) {
        throw new StoregcError('still-alive', display(path), 'cannot delete path since it is still alive', 'see why with: storegc roots (or nix-store --query --roots), or pass --skip-live');
      }
      skipped.push({ path, reason: 'in-use', detail: 'still alive' });
    }
    // --max-freed 0 deletes nothing at all; only the .links pass runs (reference §8.3).
    const plan = request.maxFreed === 0n
      ? { junk: [], steps: [], blocked: [] }
      : planCollection(liveness, entries.junk.map((name) => `${settings.storeDir}/${name}`));
    // Nix 2.8 aborts on a reference cycle among dead paths; we keep them and say so.
    for (const path of plan.blocked) skipped.push({ path, reason: 'reference-cycle' });

    if (request.dryRun) {
      const deleted = [...plan.junk, ...plan.steps.map((s) => s.path)];
      enter('delete');
      const bytesFreed = measureFreed(deleted.map(real));
      const narSize = plan.steps.reduce((total, s) => total + (s.narSize ?? 0), 0);
      return report(settings, request, { deleted, bytesFreed, narSize, skipped, limitReached: false, linksRemoved: 0, linksSavedBytes: 0, staleLinksRemoved: [], phases: clock.stop(), findings: rootSet.findings });
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
        for (const r of (await readTempRoots(settings.stateDir, settings.storeDir)).roots) tempHashParts.add(hashPartOf(settings.storeDir, r.path));
      },
      emit,
    }, { maxFreed: request.maxFreed, batchSize: request.maxFreed < UNLIMITED ? 1 : BATCH, keepOutputs: settings.keepOutputs, keepDerivations: settings.keepDerivations });

    enter('links');
    const links = cleanLinks(settings.realStoreDir);
    const stale = rootSet.findings.flatMap((f) => (f.code === 'stale-link' && f.target !== undefined ? [{ link: f.path, realTarget: outsidePath(settings, f.target) }] : []));
    const staleLinksRemoved = request.paths === undefined ? pruneAutoLinks(stale) : [];
    return report(settings, request, {
      deleted: executed.deleted,
      bytesFreed: executed.bytesFreed,
      narSize: executed.narSize,
      skipped: [...skipped, ...executed.skipped],
      limitReached: executed.limitReached,
      linksRemoved: links.removed,
      linksSavedBytes: links.savedBytes,
      staleLinksRemoved,
      phases: clock.stop(),
      findings: rootSet.findings,
    });
  } finally {
    await files?.close();
    writer?.close();
    await socket?.close();
    lock?.release();
  }
}

/**
 * Test hook, like Nix's _NIX_TEST_GC_SYNC: with STOREGC_TEST_HOLD=FILE set, the collector,
 * holding gc.lock and serving the socket with its roots read, creates FILE.held and waits
 * (serving clients) until FILE is removed.
 */
async function holdForTests(): Promise<void> {
  const file = process.env.STOREGC_TEST_HOLD;
  if (file === undefined || file === '') return;
  writeFileSync(`${file}.held`, `${process.pid}\n`);
  while (existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
}

type ReportBody = Omit<GcReport, 'command' | 'dryRun' | 'storeDir'>;

function report(settings: Settings, request: GcRequest, body: ReportBody): GcReport {
  return { command: request.paths === undefined ? 'gc' : 'delete', dryRun: request.dryRun, storeDir: settings.storeDir, ...body };
}

function checkRequested(storeDir: string, path: string): string {
  const parsed = parseStorePath(storeDir, path);
  if (parsed === null) throw new StoregcError('not-in-store', display(path), 'not a store path', `give paths of the form ${display(storeDir)}/<hash>-<name>`);
  return parsed;
}
