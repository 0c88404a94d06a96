/**
 * StoreBuilder: an explicit API for hand-written stores, producing the same StoreSpec as the
 * random generator. Hash parts come from a seeded PRNG, so a builder script always yields the
 * same store. Methods taking `at` use paths relative to R; `symlinkRoot`/`fileRoot` take paths
 * relative to the state dir (`gcroots/x` means `$R/var/gcroots/x`).
 */
import { createRng, type Rng } from './prng.js';
import { HASH_ALPHABET, HASH_LEN } from './storePathSyntax.js';
import {
  inStore, type DerivationOutputSpec, type FsEntry, type FsNode, type JunkSpec, type NixSetting,
  type StorePathSpec, type StoreSpec, type TempRootsSpec,
} from './spec.js';

export interface PathOptions {
  readonly refs?: readonly string[];
  readonly selfRef?: boolean;
  readonly deriver?: string | null;
  readonly registered?: boolean;
  readonly onDisk?: boolean;
  /** Default: 'file' for names ending in .drv or .lock, else 'dir'. */
  readonly kind?: 'dir' | 'file';
  /** Replaces the default content (first entry must have path ''). */
  readonly files?: readonly FsEntry[];
  readonly narSize?: number;
  readonly hash?: string;
  /** The byte between hash part and name; Nix 2.8 does not check it (reference §2.1). */
  readonly separator?: string;
}

export interface DerivationOptions {
  readonly refs?: readonly string[];
  /** Output ids, default ['out']; output `out` is named `name`, others `name-<id>`. */
  readonly outputs?: readonly string[];
  /** Outputs that were built (registered and on disk); default all. */
  readonly built?: readonly string[];
  readonly outputRefs?: readonly string[];
  /** Whether the .drv itself is registered and on disk (default true). */
  readonly registered?: boolean;
}

export interface Derivation {
  readonly drv: string;
  /** Base of output `out` (or of the first output). */
  readonly out: string;
  readonly outputs: ReadonlyMap<string, string>;
}

export class StoreBuilder {
  private readonly rng: Rng;
  private readonly usedHashes = new Set<string>();
  private readonly paths: StorePathSpec[] = [];
  private readonly junkEntries: JunkSpec[] = [];
  private readonly drvOutputs: DerivationOutputSpec[] = [];
  private readonly treeEntries: FsEntry[] = [];
  private readonly temps: TempRootsSpec[] = [];
  private readonly conf: NixSetting[] = [];

  constructor(private readonly seed: number | null = null) {
    this.rng = createRng(seed ?? 0x5eed);
  }

  /** A fresh 32-character hash part not used before in this store. */
  hash(): string {
    for (;;) {
      let h = '';
      for (let i = 0; i < HASH_LEN; i++) h += this.rng.pick([...HASH_ALPHABET]);
      if (!this.usedHashes.has(h)) {
        this.usedHashes.add(h);
        return h;
      }
    }
  }

  /** A store entry (registered and on disk unless told otherwise); returns its basename. */
  path(name: string, opts: PathOptions = {}): string {
    const hash = opts.hash ?? this.hash();
    this.usedHashes.add(hash);
    const base = `${hash}${opts.separator ?? '-'}${name}`;
    const registered = opts.registered ?? true;
    const refs = [...(opts.refs ?? []), ...(opts.selfRef === true ? [base] : [])];
    const files = opts.files ?? defaultFiles(name, opts.kind, refs);
    this.paths.push({
      hash, name, base, registered,
      onDisk: opts.onDisk ?? true,
      files,
      narSize: registered ? (opts.narSize ?? narSizeOf(files)) : null,
      refs: registered ? refs : [],
      deriver: opts.deriver ?? null,
    });
    return base;
  }

  /** An entry sharing `base`'s hash part, e.g. its `.lock` or `.chroot` sibling (unregistered). */
  sibling(base: string, suffix: string, opts: PathOptions = {}): string {
    const name = base.slice(HASH_LEN + 1) + suffix;
    return this.path(name, { registered: false, ...opts, hash: base.slice(0, HASH_LEN) });
  }

  /** A registered .drv with DerivationOutputs rows; built outputs are registered with deriver = drv. */
  derivation(name: string, opts: DerivationOptions = {}): Derivation {
    const ids = opts.outputs ?? ['out'];
    const built = new Set(opts.built ?? ids);
    const registered = opts.registered ?? true;
    const drvHash = this.hash();
    const drv = `${drvHash}-${name}.drv`;
    const outputs = new Map<string, string>();
    for (const id of ids) {
      const outName = id === 'out' ? name : `${name}-${id}`;
      const isBuilt = built.has(id);
      const out = this.path(outName, {
        refs: isBuilt ? (opts.outputRefs ?? []) : [],
        deriver: drv,
        registered: isBuilt,
        onDisk: isBuilt,
      });
      outputs.set(id, out);
    }
    this.path(`${name}.drv`, {
      hash: drvHash, refs: opts.refs ?? [], kind: 'file', registered, onDisk: registered,
      files: [{ path: '', node: { type: 'file', content: drvText(name, outputs) } }],
    });
    if (registered) for (const [id, out] of outputs) this.drvOutput(drv, id, out);
    return { drv, out: outputs.get('out') ?? [...outputs.values()][0] ?? '', outputs };
  }

  drvOutput(drv: string, id: string, path: string): this {
    this.drvOutputs.push({ drv, id, path });
    return this;
  }

  junk(name: string, kind: 'file' | 'dir' | 'symlink' | 'fifo' = 'file'): this {
    this.junkEntries.push({ name, files: [{ path: '', node: junkNode(kind) }] });
    return this;
  }

  node(at: string, node: FsNode, role?: string): this {
    this.treeEntries.push(role === undefined ? { path: at, node } : { path: at, node, role });
    return this;
  }
  dir(at: string, role?: string): this { return this.node(at, { type: 'dir' }, role); }
  file(at: string, content = '', role?: string): this { return this.node(at, { type: 'file', content }, role); }
  fifo(at: string, role?: string): this { return this.node(at, { type: 'fifo' }, role); }
  link(at: string, target: string, role?: string): this { return this.node(at, { type: 'symlink', target }, role); }

  /** `$R/var/<at> -> STORE/<base>[/<sub>]`. */
  symlinkRoot(at: string, base: string, sub?: string): this {
    return this.link(`var/${at}`, inStore(base, sub), 'root:symlink');
  }

  /** A regular file `$R/var/<dirAt>/<base>` (Hydra-style root, reference §3.2). */
  fileRoot(dirAt: string, base: string, content = ''): this {
    return this.file(`var/${dirAt}/${base}`, content, 'root:file');
  }

  /** `gcroots/auto/<autoName> -> $R/<outsideAt> -> STORE/<base>`. */
  indirectRoot(autoName: string, outsideAt: string, base: string): this {
    this.link(`var/gcroots/auto/${autoName}`, `@/${outsideAt}`, 'root:indirect');
    return this.link(outsideAt, inStore(base), 'indirect-target');
  }

  /** Generations `<name>-<i>-link` (i from 1) in `$R/var/<dirAt>` and `<name> -> <name>-<current>-link`. */
  profile(dirAt: string, name: string, generations: readonly string[], current: number): this {
    generations.forEach((gen, i) => this.link(`var/${dirAt}/${name}-${i + 1}-link`, inStore(gen), 'root:generation'));
    return this.link(`var/${dirAt}/${name}`, `${name}-${current}-link`, 'profile');
  }

  /** `STATE/temproots/<file>` listing store paths (basenames). */
  tempRoots(file: string, bases: readonly string[], owner: 'alive' | 'dead', tail?: string): this {
    const entries = bases.map((b) => inStore(b));
    this.temps.push(tail === undefined ? { file, owner, entries } : { file, owner, entries, tail });
    return this;
  }

  setting(name: string, value: string): this {
    this.conf.push({ name, value });
    return this;
  }

  build(): StoreSpec {
    const registered = new Set(this.paths.filter((p) => p.registered).map((p) => p.base));
    const all = new Set<string>();
    for (const p of this.paths) {
      if (all.has(p.base)) throw new Error(`duplicate store entry ${p.base}`);
      all.add(p.base);
      for (const r of p.refs) if (!registered.has(r)) throw new Error(`${p.base} refers to unregistered ${r}`);
    }
    for (const o of this.drvOutputs) if (!registered.has(o.drv)) throw new Error(`unregistered drv ${o.drv}`);
    return {
      seed: this.seed, paths: [...this.paths], junk: [...this.junkEntries], derivationOutputs: [...this.drvOutputs],
      tree: [...this.treeEntries], tempRoots: [...this.temps], settings: [...this.conf],
    };
  }
}

function defaultFiles(name: string, kind: 'dir' | 'file' | undefined, refs: readonly string[]): FsEntry[] {
  const isFile = kind === 'file' || (kind === undefined && /\.(drv|lock)$/.test(name));
  const text = `${name}\n${refs.map((r) => `${r}\n`).join('')}`;
  if (isFile) return [{ path: '', node: { type: 'file', content: text } }];
  return [
    { path: '', node: { type: 'dir' } },
    { path: 'bin', node: { type: 'dir' } },
    { path: 'bin/run', node: { type: 'file', content: `#!/bin/sh\n${text}`, mode: 0o555 } },
  ];
}

function narSizeOf(files: readonly FsEntry[]): number {
  let size = 120;
  for (const f of files) size += 96 + (f.node.type === 'file' ? Math.ceil(f.node.content.length / 8) * 8 : 0);
  return size;
}

function drvText(name: string, outputs: ReadonlyMap<string, string>): string {
  const outs = [...outputs].map(([id, o]) => `("${id}","${o}","","")`).join(',');
  return `Derive([${outs}],[],[],"x86_64-linux","/bin/sh",[],[("name","${name}")])`;
}

function junkNode(kind: 'file' | 'dir' | 'symlink' | 'fifo'): FsNode {
  if (kind === 'file') return { type: 'file', content: 'junk\n' };
  if (kind === 'symlink') return { type: 'symlink', target: 'nowhere' };
  return { type: kind };
}
