/**
 * Random operations on a roots tree for the roots-index equivalence proof, with directory
 * timestamps on a virtual clock: every operation stamps the directories it changes the way the
 * kernel does (mtime and ctime of a parent on create, delete and rename; ctime on chmod and on a
 * directory moved), but rounded down to a coarse tick, so that a change in the same tick as a
 * scan keeps the timestamps the scan saw — the case the index's margin exists for.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeScanFs } from '../../src/roots/scanFs.js';
import type { NodeStat, ScanFs } from '../../src/roots/scanFs.js';

export const TICK_NS = 1_000_000_000n;

export type OpKind = 'file' | 'link-store' | 'link-outside' | 'link-relative' | 'mkdir' | 'remove' | 'replace' | 'rename'
  | 'chmod' | 'write-content' | 'outside-link' | 'outside-remove' | 'outside-dir';

export interface Op {
  readonly kind: OpKind;
  /** Picks an existing directory or entry (modulo their count). */
  readonly pick: number;
  readonly pick2: number;
  /** Index into a small pool of names, so that names collide. */
  readonly name: number;
  /** Virtual time that passes before the operation (ns): 0 is the same instant. */
  readonly advanceNs: bigint;
}

const NAMES = ['a', 'b', '.hidden', 'r e s', 'xyz0123456789abcdfghijklmnpqrsvw-result', 'caf\u00e9'];
const HASH = '0123456789abcdfghijklmnpqrsvwxyz';

export class RootsTree {
  nowNs = 1_700_000_000_000_000_000n;
  private readonly times = new Map<bigint, { m: bigint; c: bigint }>();
  readonly tops: string[];

  constructor(readonly root: string) {
    this.tops = [join(root, 'var/gcroots'), join(root, 'var/profiles')];
    for (const d of ['store', 'home', 'var']) mkdirSync(join(root, d), { recursive: true });
    for (const top of this.tops) this.mkdir(top);
  }

  /** The scanner's view: real entries, directory timestamps from the virtual clock. */
  readonly fs: ScanFs = {
    stat: async (path) => this.virtual(path, await nodeScanFs.stat(path)),
    statNow: (path) => this.virtual(path, nodeScanFs.statNow(path)),
    list: (dir, pace, packFiles) => nodeScanFs.list(dir, pace, packFiles),
    readlink: (path) => nodeScanFs.readlink(path),
    readlinkNow: (path) => nodeScanFs.readlinkNow(path),
  };

  private virtual(path: string, st: NodeStat): NodeStat {
    if (st.kind !== 'dir') return st;
    const t = this.times.get(st.ino);
    if (t === undefined) throw new Error(`test bug: untracked directory ${path}`);
    return { ...st, mtimeNs: t.m, ctimeNs: t.c };
  }

  private stamp(): bigint {
    return (this.nowNs / TICK_NS) * TICK_NS;
  }

  private touch(dir: string, mtime = true): void {
    const ino = lstatSync(dir, { bigint: true }).ino;
    const t = this.times.get(ino) ?? { m: this.stamp(), c: this.stamp() };
    this.times.set(ino, { m: mtime ? this.stamp() : t.m, c: this.stamp() });
  }

  private parentOf(path: string): string {
    return path.slice(0, path.lastIndexOf('/'));
  }

  private mkdir(dir: string): void {
    mkdirSync(dir);
    this.times.set(lstatSync(dir, { bigint: true }).ino, { m: this.stamp(), c: this.stamp() });
    if (!this.tops.includes(dir)) this.touch(this.parentOf(dir));
  }

  /** Directories of the roots trees, and their entries (not the tops themselves for entries). */
  private walk(): { dirs: string[]; entries: string[] } {
    const dirs: string[] = [];
    const entries: string[] = [];
    const visit = (dir: string): void => {
      dirs.push(dir);
      for (const d of readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
        const p = join(dir, d.name);
        entries.push(p);
        if (d.isDirectory()) visit(p);
      }
    };
    for (const top of this.tops) visit(top);
    return { dirs, entries };
  }

  storeTarget(n: number): string {
    const hash = Array.from({ length: 32 }, (_, i) => HASH[(n * 7 + i * 3) % 32]).join('');
    return `${this.root}/store/${hash}-p${n % 5}`;
  }

  apply(op: Op): void {
    this.nowNs += op.advanceNs;
    const { dirs, entries } = this.walk();
    const dir = dirs[op.pick % dirs.length]!;
    const name = NAMES[op.name % NAMES.length]!;
    const at = join(dir, name);
    const entry = entries.length === 0 ? undefined : entries[op.pick % entries.length];
    const exists = (p: string): boolean => { try { lstatSync(p); return true; } catch { return false; } };
    const outside = join(this.root, 'home', `h${op.pick2 % 4}`);
    switch (op.kind) {
      case 'file': if (!exists(at)) { writeFileSync(at, ''); this.touch(dir); } return;
      case 'link-store': if (!exists(at)) { symlinkSync(this.storeTarget(op.pick2), at); this.touch(dir); } return;
      case 'link-outside': if (!exists(at)) { symlinkSync(outside, at); this.touch(dir); } return;
      case 'link-relative': if (!exists(at)) { symlinkSync(op.pick2 % 2 === 0 ? `../${name}` : `sub/${name}`, at); this.touch(dir); } return;
      case 'mkdir': if (!exists(at)) this.mkdir(at); return;
      case 'remove': if (entry !== undefined) { rmSync(entry, { recursive: true, force: true }); this.touch(this.parentOf(entry)); } return;
      case 'replace': {
        // Atomic replacement of a file or link by another kind, as tools do: create, rename over.
        if (entry === undefined || lstatSync(entry).isDirectory()) return;
        const tmp = `${entry}.tmp`;
        if (op.pick2 % 2 === 0) symlinkSync(this.storeTarget(op.pick2 + 1), tmp); else writeFileSync(tmp, '');
        renameSync(tmp, entry);
        this.touch(this.parentOf(entry));
        return;
      }
      case 'rename': {
        const target = join(dirs[op.pick2 % dirs.length]!, name);
        if (entry === undefined || exists(target) || target === entry || target.startsWith(`${entry}/`)) return;
        renameSync(entry, target);
        this.touch(this.parentOf(entry));
        this.touch(this.parentOf(target));
        if (lstatSync(target).isDirectory()) this.touch(target, false);
        return;
      }
      case 'chmod': chmodSync(dir, op.pick2 % 2 === 0 ? 0o700 : 0o755); this.touch(dir, false); return;
      case 'write-content': if (entry !== undefined && lstatSync(entry).isFile()) writeFileSync(entry, `x${op.pick2}`); return;
      case 'outside-link': rmSync(outside, { recursive: true, force: true }); symlinkSync(this.storeTarget(op.pick2 + 2), outside); return;
      case 'outside-remove': rmSync(outside, { recursive: true, force: true }); return;
      case 'outside-dir': rmSync(outside, { recursive: true, force: true }); mkdirSync(outside); return;
    }
  }
}
