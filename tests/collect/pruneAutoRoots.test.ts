/**
 * `gc --prune-auto-roots D`: indirect roots whose outside link into the store is older than D
 * go (the outside link and its `auto/` entry), and with them what only they kept; the end state
 * equals `nix-store --gc` on the same store (snapshotted and restored) where those outside links
 * were removed by hand. Never a newer link, a regular file, a profile or a direct root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

describe.runIf(HAVE_NIX)('gc --prune-auto-roots', () => {
  it('removes aged indirect roots like removing their result links by hand, and nothing else', () => {
    const w = new NixWorld();
    worlds.push(w);
    const home = join(w.root, 'home');
    mkdirSync(home);
    const [oldP, newP, fileP, direct] = [1, 2, 3, 4].map((i) => w.addPath(hashOf(i), `p${i}`));
    const oldLink = join(home, 'result-old');
    const newLink = join(home, 'result-new');
    expect(w.nix(['--add-root', oldLink, '--indirect', '-r', oldP!]).status).toBe(0);
    expect(w.nix(['--add-root', newLink, '--indirect', '-r', newP!]).status).toBe(0);
    expect(w.nix(['--add-root', join(w.state, 'gcroots', 'direct'), '-r', direct!]).status).toBe(0);
    // An old regular-file root in gcroots/ is never pruned.
    writeFileSync(join(w.state, 'gcroots', fileP!.slice(fileP!.lastIndexOf('/') + 1)), '');
    expect(spawnSync('touch', ['-h', '-d', '10 days ago', oldLink, join(w.state, 'gcroots', 'direct')]).status).toBe(0);

    const saved = `${w.root}.saved`;
    expect(spawnSync('cp', ['-a', w.root, saved]).status).toBe(0);
    rmSync(oldLink);
    expect(w.nix(['--gc']).status).toBe(0);
    const expected = { store: w.listStore(), valid: w.dbRows().valid, auto: readdirSync(join(w.state, 'gcroots', 'auto')).sort() };
    rmSync(w.root, { recursive: true, force: true });
    renameSync(saved, w.root);

    const dry = w.storegc(['gc', '--dry-run', '--json', '--no-runtime-roots', '--prune-auto-roots', '5d']);
    expect(dry.status, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as { autoRootsRemoved: { link: string; target: string }[]; deleted: string[] };
    expect(planned.autoRootsRemoved.map((a) => a.target)).toEqual([oldLink]);
    expect(planned.deleted).toEqual([oldP]);
    expect(existsSync(oldLink)).toBe(true);

    const real = w.storegc(['gc', '--json', '--no-runtime-roots', '--prune-auto-roots', '5d']);
    expect(real.status, real.stderr).toBe(0);
    expect((JSON.parse(real.stdout) as { autoRootsRemoved: unknown[] }).autoRootsRemoved).toEqual(planned.autoRootsRemoved);
    expect({ store: w.listStore(), valid: w.dbRows().valid, auto: readdirSync(join(w.state, 'gcroots', 'auto')).sort() }).toEqual(expected);
    expect(lstatSync(newLink).isSymbolicLink()).toBe(true);
    expect(existsSync(join(w.state, 'gcroots', 'direct'))).toBe(true);
    expect(w.storegc(['gc', '--no-runtime-roots', '--prune-auto-roots', 'soon']).status).toBe(2);
  });
});
