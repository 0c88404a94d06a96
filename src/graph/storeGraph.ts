import type { Csr } from './csr.js';
import type { PathTable } from './pathTable.js';

/**
 * The valid paths and their edges, as integer ids and typed arrays. Ids are ranks in byte
 * order of the path, so sorting ids sorts paths the way Nix's ordered sets do.
 */
export interface StoreGraph {
  readonly storeDir: string;
  /** The valid paths, id = rank in byte order (`pathOf(id)`, `idOf(path)`, -1 if not valid). */
  readonly paths: PathTable;
  /** 1 where the path ends in `.drv` (checked once, not per visit). */
  readonly isDrv: Uint8Array;
  /** ValidPaths.id of each path (the collector deletes rows by it). */
  readonly dbIds: Float64Array;
  /** ValidPaths.narSize; NaN where the column is null. */
  readonly narSize: Float64Array;
  readonly registrationTime: Float64Array;
  /** ValidPaths.deriver as an id when that deriver is itself valid, else -1. */
  readonly deriver: Int32Array;
  /** Refs, self-references dropped. */
  readonly references: Csr;
  /** Reverse of `references`, rows sorted. */
  readonly referrers: Csr;
  /**
   * A derivation's valid outputs as Nix 2.8's queryPartialDerivationOutputMap finds them: its
   * DerivationOutputs rows, each overridden by the Realisations row of the same output name
   * when ca-derivations is on.
   */
  readonly outputs: Csr;
  /** Valid derivations whose DerivationOutputs rows name this path (never Realisations), rows sorted. */
  readonly derivers: Csr;
  /** The same for paths named in DerivationOutputs that are not valid (unbuilt outputs). */
  readonly unbuiltOutputDerivers: ReadonlyMap<string, readonly number[]>;
}
