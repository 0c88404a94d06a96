/**
 * Liveness exactly as Nix 2.8's collector decides it (reference §8.2-8.3), over integer ids.
 *
 * For each store entry, in readdir order, a breadth-first walk over *reverse* edges (referrers,
 * plus the keep-* edges of §7.3) looks for something alive: a node already alive, a root, or a
 * node whose hash part is a temp root. Found: the start is alive, and the root found marks its
 * forward closure (§7.2) alive. Not found: everything the walk visited is dead. Visits that end
 * early leave their nodes undecided until readdir reaches them, which is why the same readdir
 * order matters (valid paths missing on disk, the deriver anomaly of §7.3). Pure: no I/O.
 */
import { keepClosure } from '../graph/keepEdges.js';
import type { NodeTable } from './nodeTable.js';

export interface LivenessInput {
  readonly nodes: NodeTable;
  /** Store entries that parse as store paths, as node ids, in readdir order. */
  readonly entries: readonly number[];
  /** Permanent, runtime and temp roots, as node ids. */
  readonly roots: Iterable<number>;
  readonly tempHashParts: ReadonlySet<string>;
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
  /**
   * `delete PATH...` (reference §11): a walk that meets a path outside this set stops and leaves
   * its start undecided, so only requested paths can die, and only with all their referrers.
   */
  readonly requested?: ReadonlySet<number>;
}

export const ALIVE = 1;
export const DEAD = 2;
const CLOSED = 4;
const ROOT = 8;

/** Per node: ALIVE and/or DEAD bits (both only in the §7.3 anomaly). */
export type LivenessState = Uint8Array;

export function markLive(input: LivenessInput): LivenessState {
  const { nodes, keepOutputs, keepDerivations, tempHashParts } = input;
  const { graph } = nodes;
  const n = nodes.size;
  const validCount = nodes.validCount;
  const state = new Uint8Array(n);
  const seen = new Uint32Array(n);
  const queue = new Int32Array(n);
  // The CSR arrays themselves: a subarray per visited node would allocate millions of views.
  const { start: rfrStart, list: rfrList } = graph.referrers;
  const { start: outStart, list: outList } = graph.outputs;
  const { start: drvStart, list: drvList } = graph.derivers;
  const { deriver, isDrv } = graph;
  const requested = input.requested;
  let stamp = 0;

  for (const r of input.roots) state[r]! |= ROOT;
  const temp = nodes.withHashParts(tempHashParts);

  /** alive += {p, start} ∪ forward closure of p (an invalid p has no closure). */
  const closeAlive = keepClosure(graph, input, state, CLOSED, ALIVE | CLOSED);
  const markAlive = (p: number, start: number): void => {
    state[start]! |= ALIVE;
    state[p]! |= ALIVE;
    if (p < validCount) closeAlive(p);
  };

  for (const start of input.entries) {
    stamp++;
    let head = 0;
    let tail = 0;
    seen[start] = stamp;
    queue[tail++] = start;
    let found = false;
    let abandoned = false;
    while (head < tail) {
      const p = queue[head++]!;
      const s = state[p]!;
      if (s & ALIVE) {
        state[start]! |= ALIVE;
        found = true;
        break;
      }
      if (s & DEAD) continue;
      if (s & ROOT) {
        markAlive(p, start);
        found = true;
        break;
      }
      if (requested !== undefined && !requested.has(p)) {
        abandoned = true;
        break;
      }
      if (temp[p] === 1) {
        markAlive(p, start);
        found = true;
        break;
      }
      if (p < validCount) {
        for (let k = rfrStart[p]!, end = rfrStart[p + 1]!; k < end; k++) {
          const x = rfrList[k]!;
          if (seen[x] !== stamp) {
            seen[x] = stamp;
            queue[tail++] = x;
          }
        }
        if (keepDerivations && isDrv[p] === 1) {
          for (let k = outStart[p]!, end = outStart[p + 1]!; k < end; k++) {
            const x = outList[k]!;
            if (deriver[x] === p && seen[x] !== stamp) {
              seen[x] = stamp;
              queue[tail++] = x;
            }
          }
        }
        if (keepOutputs) {
          for (let k = drvStart[p]!, end = drvStart[p + 1]!; k < end; k++) {
            const x = drvList[k]!;
            if (seen[x] !== stamp) {
              seen[x] = stamp;
              queue[tail++] = x;
            }
          }
        }
      }
    }
    if (!found && !abandoned) for (let i = 0; i < tail; i++) state[queue[i]!]! |= DEAD;
  }
  return state;
}
