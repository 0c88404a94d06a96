/**
 * Content-addressed derivations built by real Nix 2.8 (issue 7, items 10-14), each case on a
 * fixed small store: what storegc prints and deletes against what Nix prints and deletes on a
 * snapshot of the same store. tmpfs lists the newest entry first, so a case that needs the
 * collector to reach a path early re-creates that path (renames it out and back) last.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDag, endState, nixCommand, writeConf } from '../support/caWorld.js';
import type { CaSettings, EndState } from '../support/caWorld.js';
import type { Dag, NodeKind } from '../support/caDag.js';
import { removeTree } from '../support/fsTree.js';
import { layoutOf } from '../support/materialize.js';
import { hasNixStore, runNixStore, runStoregc } from '../support/run.js';
import type { RunResult } from '../support/run.js';
import { FAST_TMP } from './nixWorld.js';

const base = mkdtempSync(join(FAST_TMP, 'storegc-ca-items-'));
afterAll(() => removeTree(base));
let counter = 0;

const CA = '__contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256";';
const drv = (name: string, script: string, extra = ''): string =>
  `${name} = derivation { name = "${name}"; builder = "/bin/sh"; system = builtins.currentSystem; ${extra} args = [ "-c" "${script}" ]; };`;

/** Builds `bindings` (derivation names in build order, with their kinds) in a fresh store. */
function build(bindings: string[], kinds: [string, NodeKind][]): { root: string; drvs: Map<string, string>; out: (name: string) => string } {
  const root = join(base, `c${counter++}`);
  const dag: Dag = {
    nodes: kinds.map(([name, kind]) => ({ name, kind, outputs: ['out'] })),
    expr: `let\n  ${bindings.join('\n  ')}\nin [ ${kinds.map(([n]) => n).join(' ')} ]\n`,
    files: new Map(),
  };
  const paths = buildDag(root, dag);
  const drvs = new Map(kinds.map(([name], i) => [name, paths[i]!]));
  // Nix prints the outputs of a built derivation, however they were registered (a derivation
  // with content-addressed inputs registers them under its resolved copy).
  const out = (name: string): string => nixCommand(root, 'nix-store', ['-r', drvs.get(name)!]).trim();
  return { root, drvs, out };
}

/** Makes `path` the first entry the collectors read (tmpfs lists the newest entry first). */
function readFirst(path: string): void {
  renameSync(path, `${path}.moving`);
  renameSync(`${path}.moving`, path);
}

function lines(r: RunResult): string[] {
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.toString('latin1').split('\n').filter((l) => l !== '');
}

/** End states of `nix-store --gc` and of `storegc gc` on the same store (snapshot, restore). */
function collectBoth(root: string): { nix: EndState; ours: EndState; nixOut: string; ourOut: string } {
  const snapshot = `${root}.bak`;
  expect(spawnSync('cp', ['-a', root, snapshot]).status).toBe(0);
  const theirs = runNixStore(root, ['--gc']);
  expect(theirs.status, theirs.stderr).toBe(0);
  const nix = endState(root);
  removeTree(root);
  renameSync(snapshot, root);
  const ours = runStoregc(root, ['gc']);
  expect(ours.status, ours.stderr).toBe(0);
  return { nix, ours: endState(root), nixOut: theirs.stdout.toString(), ourOut: ours.stdout.toString() };
}

function settings(s: Partial<CaSettings>): CaSettings {
  return { keepOutputs: false, keepDerivations: true, caDerivations: true, ...s };
}

/** Item 11/14 setup: a floating CA derivation D whose output O is a root; D read first. */
function rootedCaOutput(ca: boolean): { root: string; d: string; o: string } {
  const { root, drvs, out } = build([drv('c', 'echo c > $out', CA)], [['c', 'ca']]);
  const o = out('c');
  symlinkSync(o, join(layoutOf(root).stateDir, 'gcroots', 'r'));
  writeConf(root, settings({ caDerivations: ca }));
  const d = drvs.get('c')!;
  readFirst(d);
  return { root, d, o };
}

describe.skipIf(!hasNixStore())('content-addressed derivations against Nix 2.8', () => {
  it('item 11: a floating CA .drv whose output is live is live, not dead (ca-derivations on)', { timeout: 60_000 }, () => {
    const { root, d, o } = rootedCaOutput(true);
    const [live, dead] = [lines(runStoregc(root, ['live'])), lines(runStoregc(root, ['dead']))];
    expect(live).toEqual(lines(runNixStore(root, ['--gc', '--print-live'])));
    expect(dead).toEqual(lines(runNixStore(root, ['--gc', '--print-dead'])));
    expect(live).toEqual(expect.arrayContaining([d, o]));
    expect(dead).not.toContain(d);
    const { nix, ours } = collectBoth(root);
    expect(ours).toEqual(nix);
    expect(ours.store).toContain(d.slice(d.lastIndexOf('/') + 1));
  });

  it('item 14: without ca-derivations Nix deletes that .drv; storegc lists it live and dead and keeps it (README deviation)', { timeout: 60_000 }, () => {
    const { root, d, o } = rootedCaOutput(false);
    const [live, dead] = [lines(runStoregc(root, ['live'])), lines(runStoregc(root, ['dead']))];
    expect(live).toEqual(lines(runNixStore(root, ['--gc', '--print-live'])));
    expect(dead).toEqual(lines(runNixStore(root, ['--gc', '--print-dead'])));
    expect(live).toContain(d);
    expect(dead).toContain(d);
    const { nix, ours } = collectBoth(root);
    const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
    expect(nix.store).not.toContain(base(d));
    expect(ours.store).toEqual([...nix.store, base(d)].sort());
    expect(ours.valid).toEqual([...nix.valid, d].sort());
    expect(ours.store).toContain(base(o));
  });

  it('item 12: a registered CA output missing on disk is reached from its .drv, reported dead and its row removed', { timeout: 60_000 }, () => {
    const { root, drvs, out } = build([drv('c', 'echo c > $out', CA)], [['c', 'ca']]);
    const o = out('c');
    removeTree(o);
    writeConf(root, settings({}));
    const dead = lines(runStoregc(root, ['dead']));
    expect(dead).toEqual(lines(runNixStore(root, ['--gc', '--print-dead'])));
    expect(dead).toEqual(expect.arrayContaining([drvs.get('c')!, o]));
    const { nix, ours, nixOut, ourOut } = collectBoth(root);
    expect(ours).toEqual(nix);
    expect(ours.valid).not.toContain(o);
    expect(ours.realisations).toEqual([]);
    expect(ourOut).toBe(nixOut);
  });

  it('item 13: keep-outputs and a root on a .drv that depends on a CA derivation keep the CA output', { timeout: 60_000 }, () => {
    const { root, drvs, out } = build(
      [drv('c', 'echo c > $out', CA), drv('x', 'echo ${c} > $out')],
      [['c', 'ca'], ['x', 'plain']],
    );
    symlinkSync(drvs.get('x')!, join(layoutOf(root).stateDir, 'gcroots', 'r'));
    writeConf(root, settings({ keepOutputs: true }));
    // Reached after the CA output, the root comes too late for Nix: it has deleted it already.
    readFirst(drvs.get('x')!);
    const live = lines(runStoregc(root, ['live']));
    expect(live).toEqual(lines(runNixStore(root, ['--gc', '--print-live'])));
    expect(live).toContain(out('c'));
    const { nix, ours, nixOut, ourOut } = collectBoth(root);
    expect(ours).toEqual(nix);
    expect(ours.valid).toContain(out('c'));
    expect(ourOut).toBe(nixOut);
  });

  it('item 10: a RealisationsRefs row that restricts a deletion keeps that path (in use) where Nix aborts', { timeout: 60_000 }, () => {
    const { root, out } = build(
      [drv('c', 'echo c > $out', CA), drv('a', 'test -e ${c}; echo a > $out', CA)],
      [['c', 'ca'], ['a', 'ca']],
    );
    const [a, c] = [out('a'), out('c')];
    symlinkSync(a, join(layoutOf(root).stateDir, 'gcroots', 'r'));
    writeConf(root, settings({ keepDerivations: false }));
    // What a build of `a` records when it used `c`: a's realisations depend on c's.
    const db = new Database(join(layoutOf(root).stateDir, 'db', 'db.sqlite'));
    db.prepare(`insert into RealisationsRefs (referrer, realisationReference)
      select ra.id, rc.id from Realisations ra, Realisations rc, ValidPaths va, ValidPaths vc
      where ra.outputPath = va.id and va.path = ? and rc.outputPath = vc.id and vc.path = ?`).run(a, c);
    db.close();
    expect(lines(runStoregc(root, ['dead']))).toContain(c);

    const snapshot = `${root}.bak`;
    expect(spawnSync('cp', ['-a', root, snapshot]).status).toBe(0);
    const theirs = runNixStore(root, ['--gc']);
    expect(theirs.status).not.toBe(0);
    expect(theirs.stderr).toContain('constraint failed');
    removeTree(root);
    renameSync(snapshot, root);
    const before = endState(root);
    const ours = runStoregc(root, ['gc']);
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stderr).toContain(`storegc: warning: kept '${c}': the database still refers to it`);
    const after = endState(root);
    expect(after.valid).toEqual([a, c].sort());
    expect(after.realisationRefs).toEqual(before.realisationRefs.filter((r) => r.includes(`(${a}) -> `)));
    expect(after.realisationRefs.length).toBeGreaterThan(0);
  });

  it('item 10: a database with Nix 2.35\'s BuildTraceV3 table is accepted by every command, its rows left as Nix leaves them', { timeout: 60_000 }, () => {
    const { root, drvs, out } = build([drv('c', 'echo c > $out', CA), drv('x', 'echo ${c} > $out')], [['c', 'ca'], ['x', 'plain']]);
    const l = layoutOf(root);
    const db = new Database(join(l.stateDir, 'db', 'db.sqlite'));
    // Schema of NixOS/nix src/libstore/ca-specific-schema.sql (2.35): no foreign key.
    db.exec(`create table if not exists BuildTraceV3 (
        id integer primary key autoincrement not null, drvPath text not null, outputName text not null,
        outputPath text not null, signatures text);
      create index if not exists IndexBuildTraceV3 on BuildTraceV3(drvPath, outputName);`);
    const add = db.prepare("insert into BuildTraceV3 (drvPath, outputName, outputPath) values (?, 'out', ?)");
    for (const name of ['c', 'x']) add.run(drvs.get(name)!.slice(l.storeDir.length + 1), out(name));
    db.close();
    symlinkSync(out('x'), join(l.stateDir, 'gcroots', 'r'));
    writeConf(root, settings({}));
    const traces = (): string[] => {
      const d = new Database(join(l.stateDir, 'db', 'db.sqlite'), { readonly: true });
      try {
        return d.prepare("select drvPath || ' ' || outputPath from BuildTraceV3 order by id").pluck().all() as string[];
      } finally {
        d.close();
      }
    };
    const rows = traces();
    expect(rows.length).toBe(2);
    for (const cmd of ['roots', 'live', 'dead']) expect(runStoregc(root, [cmd]).status, cmd).toBe(0);
    expect(lines(runStoregc(root, ['live']))).toEqual(lines(runNixStore(root, ['--gc', '--print-live'])));
    const del = runStoregc(root, ['delete', '--skip-live', out('c')]);
    expect(del.status, del.stderr).toBe(0);
    const { nix, ours, nixOut, ourOut } = collectBoth(root);
    expect(ours).toEqual(nix);
    expect(ourOut).toBe(nixOut);
    expect(traces()).toEqual(rows);
  });
});
