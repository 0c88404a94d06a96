/** Compressed sparse rows: the neighbours of node i are list[start[i] .. start[i+1]). */
export interface Csr {
  readonly start: Uint32Array;
  readonly list: Int32Array;
}

/** Builds a CSR over `nodeCount` nodes from parallel edge arrays (from[k] -> to[k]). */
export function buildCsr(nodeCount: number, from: Int32Array, to: Int32Array, edgeCount: number): Csr {
  const start = new Uint32Array(nodeCount + 1);
  for (let k = 0; k < edgeCount; k++) start[from[k]! + 1]!++;
  for (let i = 0; i < nodeCount; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, nodeCount);
  const list = new Int32Array(edgeCount);
  for (let k = 0; k < edgeCount; k++) list[fill[from[k]!]!++] = to[k]!;
  return { start, list };
}

/** Sorts every row ascending (ids are ranks in byte order, so this is Nix's StorePathSet order). */
export function sortRows(csr: Csr): Csr {
  const { start, list } = csr;
  for (let i = 0; i + 1 < start.length; i++) {
    const a = start[i]!;
    const b = start[i + 1]!;
    if (b - a > 1) list.subarray(a, b).sort();
  }
  return csr;
}

export function rowOf(csr: Csr, node: number): Int32Array {
  return csr.list.subarray(csr.start[node]!, csr.start[node + 1]!);
}
