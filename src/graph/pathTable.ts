/**
 * Store paths kept compactly: one latin1 buffer holding every path, sorted in byte order, with
 * offsets, so that a path's id is its rank (sorting ids sorts paths the way Nix's ordered sets
 * do). When every path starts with the store directory (a database of this store always), the
 * buffer holds what follows it: the directory once, not once per path (57 bytes of 101 per path
 * on the 1.3M bench store, 74 MB; 11 bytes for `/nix/store/`). Lookup goes through an open-addressing table over a hash of the bytes after the store
 * directory, so a million paths cost three typed arrays, not a million Map entries and strings.
 * Strings are made only at the edges (`pathOf`), for rendering.
 */
import { gather, packLatin1, sharePrefix } from '../store/byteOrder.js';
import type { PackedStrings } from '../store/byteOrder.js';
import { helperBy } from '../store/native.js';
import type { By } from '../store/native.js';
import { sortedOrderOfBytes } from './pathOrder.js';

const EMPTY_SLOT = -1;
/** Chars hashed for lookup: the hash part's first 24 characters are random enough. */
const HASHED_CHARS = 24;

export class PathTable {
  private constructor(
    /** The paths' bytes, in id order. */
    private readonly bytes: Buffer,
    /** Path `id` is bytes[offsets[id] .. offsets[id + 1]). */
    private readonly offsets: Uint32Array,
    /** Open addressing with linear probing: an id per slot, -1 where empty; at most half full. */
    private readonly slots: Int32Array,
    /** `storeDir/`: lookups hash what follows it. */
    private readonly prefix: string,
    /** Left out before every stored path: the prefix when every path starts with it, else ''. */
    private readonly omitted: string,
  ) {}

  /**
   * @param paths distinct paths (binary strings), in any order.
   * @returns the table and, for each input index, the id its path got.
   */
  static build(prefix: string, paths: readonly string[]): { table: PathTable; idOf: Int32Array } {
    return PathTable.fromPacked(prefix, packLatin1(paths));
  }

  /**
   * The table of distinct paths packed as bytes (a text column as SQLite stores it, or
   * packLatin1's): sorted and copied byte by byte, no string per path.
   * @param names the strings are what follows `prefix` in each path (store names): none is checked.
   * @returns the table and, for each packed index, the id its path got.
   */
  static fromPacked(prefix: string, packed: PackedStrings, by?: By, names = false): { table: PathTable; idOf: Int32Array } {
    const n = packed.offsets.length - 1;
    const underPrefix = names || sharePrefix(packed, Buffer.from(prefix, 'latin1'), by);
    const order = names ? sortedOrderOfBytes(packed, 0, true, by) : sortedOrderOfBytes(packed, prefix.length, underPrefix, by);
    const omitted = underPrefix ? prefix : '';
    const { bytes, offsets } = gather(packed, order, names ? 0 : omitted.length, by);
    const idOf = new Int32Array(n);
    for (let id = 0; id < n; id++) idOf[order[id]!] = id;
    const slots = new Int32Array(slotCount(n)).fill(EMPTY_SLOT);
    const table = new PathTable(bytes, offsets, slots, prefix, omitted);
    for (let id = 0; id < n; id++) table.insert(id);
    return { table, idOf };
  }

  /**
   * This table without the ids in `deleted` and with `added` merged in, in one pass over the
   * bytes: no sort, no string per kept path. The hash slots are carried over when their count
   * stays the same (a deleted id's slot is freed by moving its probe run back), else rebuilt.
   * @param deleted ids of this table, ascending.
   * @param added paths not in this table (binary strings), in byte order, distinct.
   * @returns undefined when `added` is not in byte order or names a path already kept.
   */
  merged(deleted: Int32Array, added: readonly string[]): { table: PathTable; newOf: Int32Array; addedIds: Int32Array } | undefined {
    const n = this.size;
    const omit = this.omitted.length;
    // A path outside the store directory joins a table that keeps whole paths.
    if (omit > 0 && !added.every((p) => p.startsWith(this.omitted))) return this.withWholePaths().merged(deleted, added);
    const size = n - deleted.length + added.length;
    const newOf = new Int32Array(n);
    const addedIds = new Int32Array(added.length);
    const offsets = new Uint32Array(size + 1);
    let total = this.bytes.length;
    for (const id of deleted) total -= this.offsets[id + 1]! - this.offsets[id]!;
    for (const p of added) total += p.length - omit;
    const bytes = Buffer.allocUnsafe(total);
    // When every path, kept or added, starts with the prefix, comparisons start after it.
    this.allUnderPrefix ??= omit > 0 || (n > 0 && this.startsWith(0, this.prefix) && this.startsWith(n - 1, this.prefix));
    const skip = this.allUnderPrefix && added.every((p) => p.startsWith(this.prefix)) ? this.prefix.length : 0;
    let d = 0;
    let a = 0;
    let next = 0;
    let at = 0;
    // Kept paths are copied in runs: [runFrom, old) are kept and not yet copied.
    let runFrom = 0;
    const flush = (old: number): void => {
      if (old > runFrom) {
        const shift = at - this.offsets[runFrom]!;
        for (let id = runFrom; id < old; id++) offsets[newOf[id]!] = this.offsets[id]! + shift;
        at += this.bytes.copy(bytes, at, this.offsets[runFrom]!, this.offsets[old]!);
      }
      runFrom = old;
    };
    for (let old = 0; old <= n; old++) {
      if (old < n && d < deleted.length && deleted[d] === old) {
        flush(old);
        runFrom = old + 1;
        newOf[old] = -1;
        d++;
        continue;
      }
      // Added paths that sort before this kept one take the ids in between.
      while (a < added.length && (old === n || this.compareFrom(old, added[a]!, skip) > 0)) {
        flush(old);
        if (a > 0 && !(added[a - 1]! < added[a]!)) return undefined;
        offsets[next] = at;
        addedIds[a++] = next++;
        at += bytes.write(omit === 0 ? added[a - 1]! : added[a - 1]!.slice(omit), at, 'latin1');
      }
      if (old === n) break;
      if (a < added.length && this.compareFrom(old, added[a]!, skip) === 0) return undefined;
      newOf[old] = next++;
    }
    flush(n);
    offsets[size] = at;
    if (d !== deleted.length || at !== total) return undefined;
    const carried = this.slotsFor(size, deleted, newOf);
    const table = new PathTable(bytes, offsets, carried ?? new Int32Array(slotCount(size)).fill(EMPTY_SLOT), this.prefix, this.omitted);
    for (const id of carried === undefined ? Array.from({ length: size }, (_, i) => i) : addedIds) table.insert(id);
    return { table, newOf, addedIds };
  }

  /** This table keeping whole paths: same ids, same hashes (of what follows the prefix), so same slots. */
  private withWholePaths(): PathTable {
    const n = this.size;
    const head = Buffer.from(this.omitted, 'latin1');
    const offsets = new Uint32Array(n + 1);
    const bytes = Buffer.allocUnsafe(this.bytes.length + n * head.length);
    let at = 0;
    for (let id = 0; id < n; id++) {
      offsets[id] = at;
      at += head.copy(bytes, at);
      at += this.bytes.copy(bytes, at, this.offsets[id]!, this.offsets[id + 1]!);
    }
    offsets[n] = at;
    return new PathTable(bytes, offsets, this.slots, this.prefix, '');
  }

  /** This table's slots with `deleted` freed and ids renumbered by `newOf`; undefined when the count changes. */
  private slotsFor(size: number, deleted: Int32Array, newOf: Int32Array): Int32Array | undefined {
    if (slotCount(size) !== this.slots.length) return undefined;
    const slots = this.slots.slice();
    const mask = slots.length - 1;
    const home = (id: number): number => this.hashOf(id) & mask;
    for (const id of deleted) {
      let hole = home(id);
      while (slots[hole] !== id) {
        if (slots[hole] === EMPTY_SLOT) return undefined;
        hole = (hole + 1) & mask;
      }
      // Linear probing's deletion (Knuth, Algorithm R): later entries of the run whose home is
      // not cyclically in (hole, j] move back into the hole, so every probe still finds them.
      for (let j = (hole + 1) & mask; slots[j] !== EMPTY_SLOT; j = (j + 1) & mask) {
        const k = home(slots[j]!);
        const stays = hole <= j ? hole < k && k <= j : hole < k || k <= j;
        if (stays) continue;
        slots[hole] = slots[j]!;
        hole = j;
      }
      slots[hole] = EMPTY_SLOT;
    }
    for (let s = 0; s < slots.length; s++) if (slots[s] !== EMPTY_SLOT) slots[s] = newOf[slots[s]!]!;
    return slots;
  }

  /** The table's arrays, for the graph cache (src/graph/cache/graphBlob.ts). */
  parts(): { prefix: string; omitted: string; bytes: Buffer; offsets: Uint32Array; slots: Int32Array } {
    return { prefix: this.prefix, omitted: this.omitted, bytes: this.bytes, offsets: this.offsets, slots: this.slots };
  }

  /** A table from `parts()` of another, as the graph cache stored it; checked for shape, not content (a checksum covers that). */
  static fromParts(prefix: string, omitted: string, bytes: Buffer, offsets: Uint32Array, slots: Int32Array): PathTable {
    const n = offsets.length - 1;
    if (n < 0 || offsets[n] !== bytes.length || slots.length !== slotCount(n) || (omitted !== '' && omitted !== prefix)) throw new RangeError('path table parts do not fit together');
    return new PathTable(bytes, offsets, slots, prefix, omitted);
  }

  get size(): number {
    return this.offsets.length - 1;
  }

  /**
   * Every path's bytes and offsets: path `id` is `head` (when there is one) followed by
   * bytes[offsets[id] .. offsets[id + 1]). The table handed to a worker thread or a writer
   * without a string per path.
   */
  get raw(): PackedStrings & { readonly bytes: Buffer } {
    return { bytes: this.bytes, offsets: this.offsets, ...(this.omitted === '' ? {} : { head: this.head ??= Buffer.from(this.omitted, 'latin1') }) };
  }

  private head?: Buffer;

  /** The path of `id`, as a binary string. */
  pathOf(id: number): string {
    const stored = this.bytes.toString('latin1', this.offsets[id]!, this.offsets[id + 1]!);
    return this.omitted === '' ? stored : this.omitted + stored;
  }

  /** Char `k` of path `id` (its stored bytes after the omitted prefix). */
  private charAt(id: number, k: number): number {
    const omit = this.omitted.length;
    return k < omit ? this.omitted.charCodeAt(k) : this.bytes[this.offsets[id]! + k - omit]!;
  }

  /** Length of path `id`, the omitted prefix included. */
  private lengthOf(id: number): number {
    return this.offsets[id + 1]! - this.offsets[id]! + this.omitted.length;
  }

  /**
   * The first and the last path in byte order: every path shares a prefix exactly when these
   * two do (whatever lies between them in byte order starts with it too).
   */
  bounds(): string[] {
    return this.size === 0 ? [] : [this.pathOf(0), this.pathOf(this.size - 1)];
  }

  /** The ids whose paths start with `text`: [from, to), empty when none (paths are sorted). */
  rangeWithPrefix(text: string): [number, number] {
    const from = this.lowerBound(text);
    let to = from;
    while (to < this.size && this.startsWith(to, text)) to++;
    return [from, to];
  }

  /** The first id whose path is not before `text` in byte order. */
  private lowerBound(text: string): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(mid, text) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Byte order of path `id` against `text`. */
  private compare(id: number, text: string): number {
    return this.compareFrom(id, text, 0);
  }

  /** `compare`, for a path and a text that are known to agree on their first `skip` chars. */
  private compareFrom(id: number, text: string, skip: number): number {
    const length = this.lengthOf(id);
    const common = Math.min(length, text.length);
    const omit = this.omitted.length;
    let k = skip;
    for (; k < common && k < omit; k++) {
      const d = this.omitted.charCodeAt(k) - text.charCodeAt(k);
      if (d !== 0) return d;
    }
    for (let at = this.offsets[id]! + k - omit; k < common; k++, at++) {
      const d = this.bytes[at]! - text.charCodeAt(k);
      if (d !== 0) return d;
    }
    return length - text.length;
  }

  private startsWith(id: number, text: string): boolean {
    if (this.lengthOf(id) < text.length) return false;
    for (let k = 0; k < text.length; k++) if (this.charAt(id, k) !== text.charCodeAt(k)) return false;
    return true;
  }

  /** The id of a full path, or -1. */
  idOf(path: string): number {
    return this.find(path, 0);
  }

  /** The id of `prefix + name` (a store directory entry), without building that string; or -1. */
  idOfName(name: string): number {
    return this.find(name, this.prefix.length);
  }

  /**
   * The id of each of `names` (store names, distinct, in any order), -1 where none. Many names
   * are sorted and walked beside the table in byte order (ids are byte-order ranks): memory is
   * read in order, where a lookup each costs two cache misses (96k file roots at 200k paths: 50
   * ms). Few names, or a table that keeps whole paths, are looked up one by one.
   */
  idsOfNames(names: PackedStrings): Int32Array {
    const { bytes, offsets } = names;
    const count = offsets.length - 1;
    const merged = count * 8 < this.size ? undefined : this.idsOfNamesInOrder(names);
    return merged ?? Int32Array.from({ length: count }, (_, k) => this.idOfNameBytes(bytes, offsets[k]!, offsets[k + 1]!));
  }

  private idsOfNamesInOrder(names: PackedStrings): Int32Array | undefined {
    if (this.omitted !== this.prefix) return undefined;
    const order = sortedOrderOfBytes(names, 0, true);
    const sorted = this.idsOfSortedNames(names, undefined, order);
    if (sorted === undefined) return undefined;
    const ids = new Int32Array(order.length);
    for (let k = 0; k < order.length; k++) ids[order[k]!] = sorted[k]!;
    return ids;
  }

  /**
   * The id of each of `names` (store names in byte order, equal ones allowed), -1 where none: one pass
   * over both in byte order. Undefined when the table keeps whole paths (then look each up).
   * @param order where `names` are not in byte order themselves: their indices in byte order (ids[k]
   *   is then the id of name order[k]).
   */
  idsOfSortedNames(names: PackedStrings, by?: By, order?: Int32Array): Int32Array | undefined {
    if (this.omitted !== this.prefix) return undefined;
    const { bytes: own, offsets } = this;
    const { bytes: theirs, offsets: at } = names;
    const count = at.length - 1;
    const ids = new Int32Array(count).fill(-1);
    // The same pass in C where the helper loads (native/byteOrder.c matchSorted).
    const helper = helperBy(by);
    if (helper?.matchSorted !== undefined) {
      helper.matchSorted(own, offsets, theirs, at, ids, order);
      return ids;
    }
    const size = this.size;
    let id = 0;
    for (let k = 0; k < count && id < size; k++) {
      const i = order === undefined ? k : order[k]!;
      const start = at[i]!;
      const end = at[i + 1]!;
      // Past the paths before name k; then path `id` is name k, or comes after it.
      for (; id < size; id++) {
        const from = offsets[id]!;
        const to = offsets[id + 1]!;
        const shorter = Math.min(to - from, end - start);
        let c = 0;
        for (let b = 0; b < shorter && c === 0; b++) c = own[from + b]! - theirs[start + b]!;
        if (c === 0) c = (to - from) - (end - start);
        if (c > 0) break;
        if (c === 0) {
          ids[k] = id;
          break;
        }
      }
    }
    return ids;
  }

  /** The id of the prefix followed by bytes[start .. end) (a store directory entry's name), or -1. */
  idOfNameBytes(bytes: Uint8Array, start: number, end: number): number {
    const mask = this.slots.length - 1;
    // Hashed as it is (as the table hashes what follows the prefix), even where it starts like
    // the prefix: a deriver read without the prefix may (loadGraph.ts), a directory entry never.
    for (let slot = hashBytes(bytes, start, end, '') & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]!;
      if (id === EMPTY_SLOT) return -1;
      if (this.nameEquals(id, bytes, start, end)) return id;
    }
  }

  private nameEquals(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.offsets[id]!;
    // The prefix's characters that are stored before each path: none, or all of them.
    const omit = this.omitted.length;
    const stored = this.prefix.length - omit;
    if (this.offsets[id + 1]! - from !== stored + end - start) return false;
    const own = this.bytes;
    for (let k = 0; k < stored; k++) if (own[from + k] !== this.prefix.charCodeAt(omit + k)) return false;
    for (let k = start, at = from + stored; k < end; k++, at++) if (bytes[k] !== own[at]) return false;
    return true;
  }

  /** The id of the path that is bytes[start .. end) (UTF-8 text as SQLite stores it), or -1. */
  idOfBytes(bytes: Uint8Array, start: number, end: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hashBytes(bytes, start, end, this.prefix) & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]!;
      if (id === EMPTY_SLOT) return -1;
      if (this.equalsBytes(id, bytes, start, end)) return id;
    }
  }

  private equalsBytes(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.offsets[id]!;
    const omit = this.omitted.length;
    if (this.offsets[id + 1]! - from + omit !== end - start) return false;
    for (let k = 0; k < omit; k++) if (bytes[start + k] !== this.omitted.charCodeAt(k)) return false;
    for (let k = start + omit, at = from; k < end; k++, at++) if (bytes[k] !== this.bytes[at]) return false;
    return true;
  }

  private find(text: string, skipped: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hashText(text, skipped, this.prefix) & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]!;
      if (id === EMPTY_SLOT) return -1;
      if (this.equals(id, text, skipped)) return id;
    }
  }

  /** Do all paths start with the prefix? (They do iff the first and the last in byte order do.) */
  private allUnderPrefix?: boolean;

  /** Is path `id` equal to `prefix.slice(0, skipped) + text`? */
  private equals(id: number, text: string, skipped: number): boolean {
    const start = this.offsets[id]!;
    const end = this.offsets[id + 1]!;
    const omit = this.omitted.length;
    if (end - start + omit !== skipped + text.length) return false;
    const bytes = this.bytes;
    if (omit > 0) {
      // The omitted prefix is `this.prefix`: `skipped` of it are implied, the rest must open `text`.
      for (let k = skipped; k < omit; k++) if (text.charCodeAt(k - skipped) !== this.prefix.charCodeAt(k)) return false;
      for (let k = omit - skipped, at = start; k < text.length; k++, at++) if (bytes[at] !== text.charCodeAt(k)) return false;
      return true;
    }
    this.allUnderPrefix ??= this.size > 0 && this.startsWith(0, this.prefix) && this.startsWith(this.size - 1, this.prefix);
    // When every path starts with the prefix, only what follows it can differ.
    if (this.allUnderPrefix && skipped === this.prefix.length) {
      for (let k = 0, at = start + skipped; k < text.length; k++, at++) if (bytes[at] !== text.charCodeAt(k)) return false;
      return true;
    }
    if (this.allUnderPrefix && skipped === 0 && text.startsWith(this.prefix)) {
      for (let k = this.prefix.length, at = start + k; k < text.length; k++, at++) if (bytes[at] !== text.charCodeAt(k)) return false;
      return true;
    }
    for (let k = 0; k < skipped; k++) if (bytes[start + k] !== this.prefix.charCodeAt(k)) return false;
    for (let k = 0, at = start + skipped; k < text.length; k++, at++) if (bytes[at] !== text.charCodeAt(k)) return false;
    return true;
  }

  /** hashText of path `id`. */
  private hashOf(id: number): number {
    // Stored without the prefix: the stored bytes are what follows it.
    if (this.omitted !== '') return hashBytes(this.bytes, this.offsets[id]!, this.offsets[id + 1]!, '');
    return hashBytes(this.bytes, this.offsets[id]!, this.offsets[id + 1]!, this.prefix);
  }

  private insert(id: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashOf(id) & mask;
    while (this.slots[slot] !== EMPTY_SLOT) slot = (slot + 1) & mask;
    this.slots[slot] = id;
  }
}

function slotCount(n: number): number {
  let size = 16;
  while (size < n * 2) size *= 2;
  return size;
}

/** FNV-1a over the chars after the prefix (all chars for a path outside the store directory). */
function hashText(text: string, skipped: number, prefix: string): number {
  // A full path under the prefix hashes like the name alone: skip the prefix if it is there.
  let from = 0;
  if (skipped === 0 && text.startsWith(prefix)) from = prefix.length;
  let h = 0x811c9dc5;
  const end = Math.min(text.length, from + HASHED_CHARS);
  for (let k = from; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return h >>> 0;
}

function hashBytes(bytes: Uint8Array, start: number, end: number, prefix: string): number {
  let from = start;
  if (end - start >= prefix.length) {
    let under = true;
    for (let k = 0; k < prefix.length && under; k++) under = bytes[start + k] === prefix.charCodeAt(k);
    if (under) from = start + prefix.length;
  }
  let h = 0x811c9dc5;
  const stop = Math.min(end, from + HASHED_CHARS);
  for (let k = from; k < stop; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
  return h >>> 0;
}

