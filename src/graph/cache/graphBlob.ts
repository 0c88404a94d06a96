/**
 * A built StoreGraph as bytes, stored in the graph cache next to the rows it was built from:
 * when the refresh proves the rows unchanged, the graph of those rows is read back as typed
 * arrays instead of being built again (the build, a sort and a hash table over every path, is
 * most of a cached run's time). Only graphs built without Realisations are stored: those also
 * depend on `.drv` files and on a table the cache does not keep.
 *
 * Layout: a JSON header (store dir, unbuilt output derivers), then each array as its length in
 * elements, padding to a multiple of 8 from the section's start, and its raw bytes, in a fixed
 * order, then padding to a multiple of 8 (so that what follows in the cache file is aligned too);
 * decodeGraph uses the arrays in place where they are so aligned in memory. The cache file's
 * checksum covers it.
 */
import type { Csr } from '../csr.js';
import { PathTable } from '../pathTable.js';
import type { StoreGraph } from '../storeGraph.js';

type Typed = Uint8Array | Uint32Array | Int32Array | Float64Array;
interface TypedClass<T extends Typed> {
  new (n: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** The graph's bytes, as pieces (views of its arrays, not copies). */
export function encodeGraph(graph: StoreGraph): Buffer[] {
  const { prefix, omitted } = graph.paths.parts();
  const header = Buffer.from(JSON.stringify({ storeDir: graph.storeDir, prefix, omitted, unbuilt: [...graph.unbuiltOutputDerivers] }), 'utf8');
  const arrays = graphArrays(graph);
  const parts: Buffer[] = [u32(header.length), header];
  let at = 4 + header.length;
  for (const a of arrays) {
    // Each array at a multiple of 8 from the start (the cache file puts the section at one too).
    const gap = pad(at + 4);
    parts.push(u32(a.length), Buffer.alloc(gap), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    at += 4 + gap + a.byteLength;
  }
  parts.push(Buffer.alloc(pad(at)));
  return parts;
}

/** The graph's arrays, in the order the blob holds them (also for dropping a mapped graph's pages: mapFile.ts). */
export function graphArrays(graph: StoreGraph): Typed[] {
  const { bytes, offsets, slots } = graph.paths.parts();
  return [
    bytes, offsets, slots, graph.isDrv, graph.dbIds, graph.narSize, graph.registrationTime, graph.deriver,
    ...[graph.references, graph.referrers, graph.outputs, graph.derivers].flatMap((c) => [c.start, c.list]),
  ];
}

/**
 * The graph in `blob`, or undefined when it was made for another store directory.
 * @throws RangeError when the parts do not fit together (the caller treats the cache as damaged).
 */
export function decodeGraph(blob: Buffer, storeDir: string): StoreGraph | undefined {
  let at = 0;
  const take = (length: number): Buffer => {
    if (at + length > blob.length) throw new RangeError('graph section truncated');
    const part = blob.subarray(at, at + length);
    at += length;
    return part;
  };
  const count = (): number => take(4).readUInt32LE(0);
  const header = JSON.parse(take(count()).toString('utf8')) as { storeDir: string; prefix: string; omitted: string; unbuilt: [string, number[]][] };
  if (header.storeDir !== storeDir) return undefined;
  const array = <T extends Typed>(make: TypedClass<T>): T => {
    const n = count();
    take(pad(at));
    const bytes = take(n * make.BYTES_PER_ELEMENT);
    // In place when aligned (the cache file reads the section into a buffer of its own).
    if ((bytes.byteOffset % make.BYTES_PER_ELEMENT) === 0) return new make(bytes.buffer, bytes.byteOffset, n);
    const out = new make(n);
    Buffer.from(out.buffer, out.byteOffset, out.byteLength).set(bytes);
    return out;
  };
  const pathArray = array(Uint8Array);
  const pathBytes = Buffer.from(pathArray.buffer, pathArray.byteOffset, pathArray.byteLength);
  const paths = PathTable.fromParts(header.prefix, header.omitted, pathBytes, array(Uint32Array), array(Int32Array));
  const n = paths.size;
  const isDrv = array(Uint8Array);
  const dbIds = array(Float64Array);
  const narSize = array(Float64Array);
  const registrationTime = array(Float64Array);
  const deriver = array(Int32Array);
  const csr = (): Csr => {
    const start = array(Uint32Array);
    const list = array(Int32Array);
    if (start.length !== n + 1 || start[n] !== list.length) throw new RangeError('graph section: edges do not fit the paths');
    return { start, list };
  };
  const [references, referrers, outputs, derivers] = [csr(), csr(), csr(), csr()];
  take(pad(at));
  if (at !== blob.length || [isDrv, dbIds, narSize, registrationTime, deriver].some((a) => a.length !== n)) throw new RangeError('graph section: arrays do not fit the paths');
  return {
    storeDir, paths, isDrv, dbIds, narSize, registrationTime, deriver, references, referrers, outputs, derivers,
    unbuiltOutputDerivers: new Map(header.unbuilt),
  };
}

/** Bytes of padding after `length` bytes to reach a multiple of 8. */
function pad(length: number): number {
  return (8 - (length % 8)) % 8;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
