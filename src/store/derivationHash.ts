/**
 * Nix 2.8's derivation hashes (derivations.cc `hashDerivationModulo`, `staticOutputHashes`):
 * the keys under which the Realisations table records what a derivation's outputs became.
 * Pure: derivations come from `read`, which the caller backs with the store's `.drv` files.
 */
import { createHash } from 'node:crypto';
import { DerivationSyntaxError, derivationKind, unparseDerivation } from './derivation.js';
import type { Derivation } from './derivation.js';

/** A derivation's hash modulo: one hash for the whole derivation, or one per output. */
export type DrvHashModulo = { readonly whole: string } | { readonly perOutput: ReadonlyMap<string, string> };

export type ReadDerivation = (drvPath: string) => Derivation;

const sha256 = (text: string): string => createHash('sha256').update(text, 'latin1').digest('hex');

/** `impureOutputHash`: the fixed stand-in for every output of an impure derivation. */
const IMPURE_OUTPUT_HASH = sha256('impure');

/**
 * Memoises `pathDerivationModulo` (Nix caches it in `drvHashes`): input derivations are shared
 * widely. Each file is read once: when it is read as an input, its static output hashes are
 * computed too and kept until `staticOutputHashesOf` asks for them.
 */
export class DerivationHasher {
  private readonly cache = new Map<string, DrvHashModulo>();
  private readonly pendingStatic = new Map<string, Map<string, string>>();

  constructor(private readonly read: ReadDerivation) {}

  /**
   * `staticOutputHashes`: per output name, the base-16 SHA-256 that Realisations.drvPath holds
   * as `sha256:<hash>`.
   */
  staticOutputHashes(drv: Derivation): Map<string, string> {
    const h = this.hashModulo(drv, true);
    if ('perOutput' in h) return new Map(h.perOutput);
    return new Map([...drv.outputs.keys()].map((name) => [name, h.whole]));
  }

  /** The same for the derivation at `drvPath`, read through `read` unless already read. */
  staticOutputHashesOf(drvPath: string): Map<string, string> {
    const pending = this.pendingStatic.get(drvPath);
    if (pending !== undefined) {
      this.pendingStatic.delete(drvPath);
      return pending;
    }
    const drv = this.read(drvPath);
    if (!this.cache.has(drvPath)) this.cache.set(drvPath, this.hashModulo(drv, false));
    return this.staticOutputHashes(drv);
  }

  private pathModulo(drvPath: string): DrvHashModulo {
    let h = this.cache.get(drvPath);
    if (h === undefined) {
      const drv = this.read(drvPath);
      h = this.hashModulo(drv, false);
      this.cache.set(drvPath, h);
      this.pendingStatic.set(drvPath, this.staticOutputHashes(drv));
    }
    return h;
  }

  /**
   * Fixed-output: per output, the hash of `fixed:out:<algo>:<hash>:<path>`, so that what it
   * was built from does not matter. Impure: a constant. Otherwise the hash of the ATerm with
   * each input derivation replaced by its own hash modulo (an input with per-output hashes
   * contributes one `out` entry per output used), outputs masked at the top level only.
   */
  private hashModulo(drv: Derivation, maskOutputs: boolean): DrvHashModulo {
    const kind = derivationKind(drv);
    if (kind === 'fixed') {
      const perOutput = new Map<string, string>();
      for (const [name, o] of drv.outputs) perOutput.set(name, sha256(`fixed:out:${o.hashAlgo}:${o.hash}:${o.path}`));
      return { perOutput };
    }
    if (kind === 'impure') return { perOutput: new Map([...drv.outputs.keys()].map((name) => [name, IMPURE_OUTPUT_HASH])) };
    const inputs = new Map<string, readonly string[]>();
    for (const [path, names] of drv.inputDrvs) {
      const h = this.pathModulo(path);
      if ('whole' in h) {
        inputs.set(h.whole, names);
        continue;
      }
      for (const name of names) {
        const out = h.perOutput.get(name);
        if (out === undefined) throw new DerivationSyntaxError(`its input '${path}' has no output '${name}'`);
        inputs.set(out, ['out']);
      }
    }
    return { whole: sha256(unparseDerivation(drv, maskOutputs, inputs)) };
  }
}
