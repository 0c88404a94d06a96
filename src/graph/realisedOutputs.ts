/**
 * The outputs Nix 2.8 finds for a derivation through the Realisations table when the
 * experimental feature ca-derivations is on (local-store.cc `queryPartialDerivationOutputMap`):
 * per output name, the row keyed by `sha256:<staticOutputHashes(drv)[name]>` overrides the
 * DerivationOutputs row of that name. A floating content-addressed derivation has no
 * DerivationOutputs rows at all, so without this its outputs are invisible to the keep-*
 * edges of reference §7.2/§7.3.
 *
 * Fail closed: a valid `.drv` that cannot be read, parsed or hashed (nor an input derivation
 * it needs) stops the load with `drv-unreadable`. Nix 2.8 aborts its collection the same way
 * when its walk reaches such a derivation; storegc cannot tell in advance whether it would,
 * and guessing the outputs could let keep-outputs miss a live path.
 */
import { StoregcError, errnoOf } from '../errors.js';
import { display } from '../store/bytes.js';
import { DerivationSyntaxError, parseDerivation } from '../store/derivation.js';
import type { Derivation } from '../store/derivation.js';
import { DerivationHasher } from '../store/derivationHash.js';
import type { ReadDrvFile } from '../store/drvFiles.js';
import type { RealisationRow } from '../store/nixDb.js';
import type { PathTable } from './pathTable.js';

/** Derivation id -> output name -> output id: the Realisations that apply, valid outputs only. */
export type RealisedOutputs = Map<number, Map<string, number>>;

/**
 * @param paths the valid paths (id = dense id)
 * @param isDrv 1 for the ids of `.drv` paths
 * @param outputId dense id of a Realisations.outputPath (a ValidPaths id), if valid
 */
export function realisedOutputs(
  paths: PathTable,
  isDrv: Uint8Array,
  rows: readonly RealisationRow[],
  outputId: (dbId: number) => number | undefined,
  readFile: ReadDrvFile,
): RealisedOutputs {
  const result: RealisedOutputs = new Map();
  if (rows.length === 0) return result;
  const byKey = new Map<string, number>();
  for (const [drvHash, name, outPath] of rows) {
    const key = `${drvHash}!${name}`;
    if (!byKey.has(key)) byKey.set(key, outPath);
  }
  // Parsed files are not kept (a store's worth would be large); the hasher reads each once.
  const read = (path: string): Derivation => {
    if (paths.idOf(path) === -1) throw new DrvProblem(path, 'is an input of a valid derivation but not valid itself');
    return parseFile(path, readFile);
  };
  const hasher = new DerivationHasher(read);
  for (let id = 0; id < paths.size; id++) {
    if (isDrv[id] === 0) continue;
    const path = paths.pathOf(id);
    let hashes: Map<string, string>;
    try {
      hashes = hasher.staticOutputHashesOf(path);
    } catch (error) {
      if (!(error instanceof DrvProblem) && !(error instanceof DerivationSyntaxError)) throw error;
      const problem = error instanceof DrvProblem ? error : new DrvProblem(path, `cannot be hashed (${error.message})`);
      throw new StoregcError(
        'drv-unreadable',
        display(problem.path),
        `nothing done: ca-derivations is on (outputs are found by hashing derivations) and this derivation ${problem.reason}`,
        'restore the file (nix-store --verify --check-contents --repair), or turn ca-derivations off in nix.conf',
      );
    }
    for (const [name, hash] of hashes) {
      const dbId = byKey.get(`sha256:${hash}!${name}`);
      const out = dbId === undefined ? undefined : outputId(dbId);
      if (out === undefined) continue;
      (result.get(id) ?? result.set(id, new Map()).get(id)!).set(name, out);
    }
  }
  return result;
}

class DrvProblem extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(reason);
  }
}

function parseFile(path: string, readFile: ReadDrvFile): Derivation {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new DrvProblem(path, `cannot be read (${errnoOf(error) ?? (error as Error).message})`);
  }
  try {
    return parseDerivation(text);
  } catch (error) {
    if (error instanceof DerivationSyntaxError) throw new DrvProblem(path, `is not a derivation (${error.message})`);
    throw error;
  }
}
