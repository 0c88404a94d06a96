/**
 * Realisations against real Nix 2.8: the hash storegc computes for every derivation Nix built
 * with ca-derivations is the key Nix wrote in Realisations.drvPath, and loadGraph turns the
 * rows into output edges. A `.drv` that cannot be read while ca-derivations is on stops
 * every command that needs the graph (fail closed), and nothing is deleted.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraph } from '../../src/graph/loadGraph.js';
import { rowOf } from '../../src/graph/csr.js';
import { parseDerivation, derivationKind } from '../../src/store/derivation.js';
import { DerivationHasher } from '../../src/store/derivationHash.js';
import { drvFileReader } from '../../src/store/drvFiles.js';
import { NixDbReader } from '../../src/store/nixDb.js';
import { StoregcError } from '../../src/errors.js';
import { buildDag, endState, writeConf } from '../support/caWorld.js';
import type { Dag } from '../support/caDag.js';
import { removeTree } from '../support/fsTree.js';
import { layoutOf } from '../support/materialize.js';
import { hasNixStore, runStoregc } from '../support/run.js';
import { FAST_TMP } from '../collect/nixWorld.js';

const CA = '__contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256";';
const d = (name: string, script: string, extra = ''): string =>
  `${name} = derivation { name = "${name}"; builder = "/bin/sh"; system = builtins.currentSystem; ${extra} args = [ "-c" "${script}" ]; };`;
/** Every kind, and every kind of input: a CA input, a fixed input, a multi-output CA input, a deferred input. */
const DAG: Dag = {
  nodes: [
    { name: 'ca1', kind: 'ca', outputs: ['out'] },
    { name: 'ca2', kind: 'ca-multi', outputs: ['out', 'dev'] },
    { name: 'ia', kind: 'plain', outputs: ['out'] },
    { name: 'fo', kind: 'fixed', outputs: ['out'] },
    { name: 'ca3', kind: 'ca', outputs: ['out'] },
    { name: 'multi', kind: 'multi', outputs: ['out', 'dev'] },
    { name: 'imp', kind: 'impure', outputs: ['out'] },
  ],
  expr: `let
  txt = builtins.toFile "t" "text";
  ${d('ca1', 'echo ${txt} > $out', CA)}
  ${d('ca2', 'echo ${ca1} > $out; echo x > $dev', `outputs = [ "out" "dev" ]; ${CA}`)}
  ${d('ia', 'echo ${ca2.dev} > $out')}
  ${d('fo', 'test -e ${ca1}; printf fixed > $out', 'outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = builtins.hashString "sha256" "fixed";')}
  ${d('ca3', 'echo ${fo} ${ia} > $out; test -e ${multi.dev}', CA)}
  ${d('multi', 'echo ${fo} > $out; echo ${ia} > $dev', 'outputs = [ "out" "dev" ];')}
  ${d('imp', 'echo ${ca3} > $out', '__impure = true;')}
in [ ca1 ca2 ia fo ca3 multi imp ]
`,
  files: new Map(),
};

describe.skipIf(!hasNixStore())('Realisations of a store built by Nix 2.8', () => {
  const root = join(mkdtempSync(join(FAST_TMP, 'storegc-realised-')), 'r');
  let dbFile = '';
  beforeAll(() => {
    buildDag(root, DAG);
    dbFile = join(layoutOf(root).stateDir, 'db', 'db.sqlite');
  }, 120_000);
  afterAll(() => removeTree(join(root, '..')));

  it('every key Nix wrote is a static output hash storegc computes, and every floating CA output has one', () => {
    const db = new Database(dbFile, { readonly: true });
    const keys = db.prepare("select drvPath || '!' || outputName from Realisations").pluck().all() as string[];
    const drvs = db.prepare("select path from ValidPaths where path like '%.drv'").pluck().all() as string[];
    db.close();
    const read = (p: string) => parseDerivation(readFileSync(p, 'latin1'));
    const hasher = new DerivationHasher(read);
    const computed = new Set<string>();
    let floating = 0;
    for (const p of drvs) {
      const drv = read(p);
      const mine = [...hasher.staticOutputHashes(drv)].map(([name, h]) => `sha256:${h}!${name}`);
      for (const k of mine) computed.add(k);
      if (derivationKind(drv) === 'floating') {
        floating++;
        for (const k of mine) expect(keys, `${p} ${k}`).toContain(k);
      }
    }
    expect(floating).toBeGreaterThanOrEqual(3);
    expect(keys.length).toBeGreaterThanOrEqual(8);
    for (const k of keys) expect(computed, k).toContain(k);
  });

  it('loadGraph adds realised outputs to `outputs` only with ca-derivations, never to `derivers`', () => {
    const store = layoutOf(root).storeDir;
    const reader = NixDbReader.open(dbFile);
    const withCa = loadGraph(reader, store, drvFileReader(store, store));
    const without = loadGraph(reader, store);
    reader.close();
    const ids = Array.from({ length: withCa.paths.size }, (_, id) => id);
    const ca2 = ids.findIndex((id) => withCa.paths.pathOf(id).endsWith('-ca2.drv') && rowOf(withCa.outputs, id).length > 0);
    expect(ca2).toBeGreaterThanOrEqual(0);
    const outs = [...rowOf(withCa.outputs, ca2)].map((o) => withCa.paths.pathOf(o));
    expect(outs.map((p) => p.slice(p.lastIndexOf('/') + 34)).sort()).toEqual(['ca2', 'ca2-dev']);
    expect(rowOf(without.outputs, ca2).length).toBe(0);
    for (const o of rowOf(withCa.outputs, ca2)) expect([...rowOf(withCa.derivers, o)]).toEqual([...rowOf(without.derivers, o)]);
  });

  it('a .drv that cannot be read stops live, dead and gc with ca-derivations on, and deletes nothing', () => {
    const store = layoutOf(root).storeDir;
    writeConf(root, { keepOutputs: false, keepDerivations: true, caDerivations: true });
    const victim = readdirDrv(store, '-ca1.drv');
    const saved = readFileSync(victim);
    rmSync(victim);
    try {
      const before = endState(root);
      for (const cmd of ['live', 'dead', 'gc']) {
        const r = runStoregc(root, [cmd]);
        expect(r.status, cmd).toBe(1);
        const errors = r.stderr.split('\n').filter((l) => l.startsWith('storegc: error:'));
        expect(errors).toEqual([expect.stringContaining(`'${victim}'`)]);
        expect(r.stderr).toContain('ca-derivations');
      }
      expect(endState(root)).toEqual(before);
      const reader = NixDbReader.open(dbFile);
      try {
        expect(() => loadGraph(reader, store, drvFileReader(store, store))).toThrow(StoregcError);
        expect(() => loadGraph(reader, store)).not.toThrow();
      } finally {
        reader.close();
      }
    } finally {
      writeFileSync(victim, saved);
    }
  });
});

function readdirDrv(store: string, suffix: string): string {
  const name = readdirSync(store).find((n) => n.endsWith(suffix));
  if (name === undefined) throw new Error(`no *${suffix} in ${store}`);
  return join(store, name);
}
