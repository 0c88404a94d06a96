/**
 * A store built by real Nix 2.8 from a random derivation DAG (caDag.ts), with random roots,
 * keep-* settings, ca-derivations on or off, and registered outputs deleted on disk. Laid out
 * as materialize.ts's `layoutOf(root)`, so run.ts drives nix-store and storegc on it.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDag } from './caDag.js';
import type { Dag } from './caDag.js';
import { layoutOf } from './materialize.js';
import { createRng } from './prng.js';
import type { Rng } from './prng.js';
import { nixEnv } from './run.js';

export interface CaSettings {
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
  readonly caDerivations: boolean;
}

export interface CaStore {
  readonly dag: Dag;
  readonly settings: CaSettings;
  /** Derivation paths, in node order of the derivation nodes. */
  readonly drvs: readonly string[];
  readonly roots: readonly string[];
  /** Registered paths whose files were removed. */
  readonly removed: readonly string[];
}

const BASE_CONF = 'sandbox = false\nbuild-users-group =\n';

export function writeConf(root: string, s: CaSettings): void {
  const features = s.caDerivations ? 'experimental-features = ca-derivations impure-derivations\n' : '';
  writeFileSync(join(layoutOf(root).confDir, 'nix.conf'), `${BASE_CONF}${features}keep-outputs = ${s.keepOutputs}\nkeep-derivations = ${s.keepDerivations}\n`);
}

/** Runs a Nix command in the store's environment; throws with its stderr when it fails and `check`. */
export function nixCommand(root: string, cmd: string, args: readonly string[], check = true): string {
  const r = spawnSync(cmd, args, { cwd: root, env: nixEnv(root), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (check && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** Instantiates and builds `dag` in `root` (emptied first) with ca-derivations on. */
export function buildDag(root: string, dag: Dag): string[] {
  rmSync(root, { recursive: true, force: true });
  const l = layoutOf(root);
  mkdirSync(l.confDir, { recursive: true });
  writeConf(root, { keepOutputs: false, keepDerivations: true, caDerivations: true });
  const exprDir = join(root, 'expr');
  mkdirSync(exprDir);
  writeFileSync(join(exprDir, 'default.nix'), dag.expr);
  for (const [name, text] of dag.files) writeFileSync(join(exprDir, name), text);
  const drvs = nixCommand(root, 'nix-instantiate', [exprDir]).split('\n').filter((x) => x !== '');
  const built = dag.nodes.filter((n) => n.outputs.length > 0);
  const pure = drvs.filter((_, i) => built[i]!.kind !== 'impure');
  nixCommand(root, 'nix-store', ['-r', ...pure]);
  // Nix 2.8 builds and registers an impure output, then fails to map it ("has no store path
  // mapped to it"): the output is there, with no DerivationOutputs or Realisations row.
  for (const [i, drv] of drvs.entries()) if (built[i]!.kind === 'impure') nixCommand(root, 'nix-store', ['-r', drv], false);
  return drvs;
}

/** Random roots, settings and on-disk removals on a built store. */
export function perturb(root: string, dag: Dag, drvs: readonly string[], rng: Rng): CaStore {
  const l = layoutOf(root);
  const valid = validPaths(root);
  const roots = rng.sample(valid, rng.int(1, 4));
  mkdirSync(join(root, 'links'));
  mkdirSync(join(l.stateDir, 'gcroots', 'auto'), { recursive: true });
  for (const [i, target] of roots.entries()) {
    const how = rng.int(0, 2);
    if (how === 0) {
      symlinkSync(target, join(l.stateDir, 'gcroots', `r${i}`));
    } else if (how === 1) {
      // An indirect root, as --add-root makes it: a link outside, registered in gcroots/auto.
      symlinkSync(target, join(root, 'links', `r${i}`));
      symlinkSync(join(root, 'links', `r${i}`), join(l.stateDir, 'gcroots', 'auto', `r${i}`));
    } else {
      mkdirSync(join(l.stateDir, 'profiles'), { recursive: true });
      symlinkSync(target, join(l.stateDir, 'profiles', `p${i}-1-link`));
    }
  }
  const removable = valid.filter((p) => !p.endsWith('.drv'));
  const removed = rng.chance(0.5) ? rng.sample(removable, rng.int(1, 2)) : [];
  for (const p of removed) rmSync(p, { recursive: true, force: true });
  const settings: CaSettings = { keepOutputs: rng.chance(0.5), keepDerivations: rng.chance(0.75), caDerivations: rng.chance(0.8) };
  writeConf(root, settings);
  return { dag, settings, drvs, roots, removed };
}

export function buildCaStore(root: string, seed: number, size: number): CaStore {
  const rng = createRng(seed);
  const dag = generateDag(rng.fork(), size, seed);
  const drvs = buildDag(root, dag);
  return perturb(root, dag, drvs, rng);
}

export function validPaths(root: string): string[] {
  return dbColumn(root, 'select path from ValidPaths');
}

function dbColumn(root: string, sql: string): string[] {
  const db = new Database(join(layoutOf(root).stateDir, 'db', 'db.sqlite'), { readonly: true });
  try {
    return (db.prepare(sql).pluck().all() as string[]).sort();
  } finally {
    db.close();
  }
}

export type EndState = {
  store: string[];
  valid: string[];
  refs: string[];
  outputs: string[];
  realisations: string[];
  realisationRefs: string[];
};

/** What a collection changes: store listing and rows of every table that names a valid path. */
export function endState(root: string): EndState {
  return {
    store: readdirSync(layoutOf(root).storeDir).filter((n) => n !== '.links').sort(),
    valid: validPaths(root),
    refs: dbColumn(root, "select a.path || ' -> ' || b.path from Refs join ValidPaths a on a.id = referrer join ValidPaths b on b.id = reference"),
    outputs: dbColumn(root, "select v.path || '!' || d.id || ' = ' || d.path from DerivationOutputs d join ValidPaths v on v.id = d.drv"),
    realisations: dbColumn(root, "select r.drvPath || '!' || r.outputName || ' = ' || coalesce(v.path, 'dangling') from Realisations r left join ValidPaths v on v.id = r.outputPath"),
    // With the output paths, so that rows can be told apart by the paths they hang on.
    realisationRefs: dbColumn(root, `select a.drvPath || '!' || a.outputName || ' (' || coalesce(va.path, 'dangling') || ') -> '
        || coalesce(b.drvPath || '!' || b.outputName || ' (' || coalesce(vb.path, 'dangling') || ')', 'dangling')
      from RealisationsRefs join Realisations a on a.id = referrer left join ValidPaths va on va.id = a.outputPath
      left join Realisations b on b.id = realisationReference left join ValidPaths vb on vb.id = b.outputPath`),
  };
}
