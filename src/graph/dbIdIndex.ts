/**
 * ValidPaths.id -> a graph id, for any id the database holds. Nix's ids are AUTOINCREMENT, so
 * usually dense: a table indexed by id. But nothing makes them so: a store collected for years
 * keeps a few of its many ids (a table by id would be sized by the largest, gigabytes on a build
 * farm), and a damaged or hostile database may hold negative ids (a table by id silently lost
 * those: a live path's references were dropped, and it was taken for dead). Ids far from dense
 * go to an open-addressing hash table; an id that is not a safe integer (SQLite's 64-bit ids
 * past 2^53 come to JavaScript rounded, so two could become one) is refused, as is one id given
 * twice. Pure.
 */
import { StoregcError } from '../errors.js';

/** Ids up to this many slots past the count are a table by id (4 bytes a slot). */
const DENSE_SLACK = 1 << 20;

export class DbIdIndex {
  private readonly table: Int32Array | undefined;
  private readonly keys: Float64Array | undefined;
  private readonly values: Int32Array | undefined;
  private readonly mask: number;

  /**
   * For `count` ids at most, each in [min, max] (as `rangeOf` finds them).
   * @param room as many ids as the caller holds anyway (a graph's paths): a table by id is made
   *   up to four slots for each; -1 (tests) puts even dense ids in the hash table.
   */
  constructor(count: number, min: number, max: number, room = count) {
    if (room >= 0 && min >= 0 && max <= 4 * Math.max(count, room) + DENSE_SLACK) {
      this.table = new Int32Array(max + 1);
      this.mask = 0;
      return;
    }
    let capacity = 16;
    while (capacity < 2 * count) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(Number.NaN);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The smallest and largest of `ids` (and of 0). @throws StoregcError for an id that is not a safe integer. */
  static rangeOf(...lists: ArrayLike<number>[]): { min: number; max: number } {
    let min = 0;
    let max = 0;
    for (const ids of lists) {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (!Number.isSafeInteger(id)) throw unreadable(id);
        if (id < min) min = id;
        if (id > max) max = id;
      }
    }
    return { min, max };
  }

  /** An index of `ids`, each to `valueOf` its position. */
  static of(ids: ArrayLike<number>, valueOf: (i: number) => number = (i) => i, room?: number): DbIdIndex {
    const { min, max } = DbIdIndex.rangeOf(ids);
    const index = new DbIdIndex(ids.length, min, max, room);
    for (let i = 0; i < ids.length; i++) index.set(ids[i]!, valueOf(i));
    return index;
  }

  /** @param value >= 0. @throws StoregcError when `id` is already there, or not one this index can hold. */
  set(id: number, value: number): void {
    const table = this.table;
    if (table !== undefined) {
      if (!(id >= 0 && id < table.length) || !Number.isInteger(id)) throw unreadable(id);
      if (table[id] !== 0) throw twice(id);
      table[id] = value + 1;
      return;
    }
    if (!Number.isSafeInteger(id)) throw unreadable(id);
    const keys = this.keys!;
    for (let slot = hash(id) & this.mask; ; slot = (slot + 1) & this.mask) {
      const key = keys[slot]!;
      if (key === id) throw twice(id);
      if (Number.isNaN(key)) {
        keys[slot] = id;
        this.values![slot] = value;
        return;
      }
    }
  }

  /** The value set for `id`, or -1. */
  get(id: number): number {
    const table = this.table;
    // A fractional id reads as undefined: none.
    if (table !== undefined) return id >= 0 && id < table.length ? (table[id] ?? 0) - 1 : -1;
    const keys = this.keys!;
    // A NaN or fractional id is no key (keys are safe integers), and finds an empty slot.
    for (let slot = hash(id) & this.mask; ; slot = (slot + 1) & this.mask) {
      const key = keys[slot]!;
      if (key === id) return this.values![slot]!;
      if (Number.isNaN(key)) return -1;
    }
  }
}

/** 32 bits of an integer-valued double, well mixed (the low and high words). */
function hash(id: number): number {
  const low = id | 0;
  const high = (id / 4294967296) | 0;
  let h = Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1);
  h ^= h >>> 15;
  return h;
}

function unreadable(id: number): StoregcError {
  return new StoregcError('db-corrupt', undefined, `ValidPaths id ${id} is not an integer storegc can read exactly`, 'check the database with `nix-store --verify`; Nix itself never writes such an id');
}

function twice(id: number): StoregcError {
  return new StoregcError('db-corrupt', undefined, `ValidPaths id ${id} is read twice`, 'check the database with `nix-store --verify`');
}
