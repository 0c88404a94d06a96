/**
 * `storegc gc -d | --delete-older-than D [--keep-generations N]` against nix-collect-garbage:
 * on the same store (snapshotted and restored between the two runs), both leave the same
 * profile links and the same store, and `--dry-run` lists exactly the generations the real run
 * removes and keeps their paths out of the dead set it would delete.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const DAY = 86_400;
const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

/** A profile with generations 1..5, n days old as given, the current one being `current`. */
function profileWorld(ages: number[], current: number): { w: NixWorld; profile: string; paths: string[] } {
  const w = new NixWorld();
  worlds.push(w);
  const profile = join(w.state, 'profiles', 'system');
  const paths = ages.map((_, i) => w.addPath(hashOf(100 + i), `gen-${i + 1}`));
  for (const p of paths) expect(spawnSync('nix-env', ['-p', profile, '--set', p], { env: w.env }).status).toBe(0);
  expect(spawnSync('nix-env', ['-p', profile, '--switch-generation', String(current)], { env: w.env }).status).toBe(0);
  const now = Date.now() / 1000;
  ages.forEach((age, i) => {
    const stamp = new Date((now - age * DAY) * 1000).toISOString();
    expect(spawnSync('touch', ['-h', '-d', stamp, `${profile}-${i + 1}-link`]).status).toBe(0);
  });
  w.addPath(hashOf(200), 'unrooted');
  return { w, profile, paths };
}

interface EndState {
  readonly profiles: string[];
  readonly store: string[];
  readonly valid: string[];
}

function endState(w: NixWorld): EndState {
  return { profiles: readdirSync(join(w.state, 'profiles')).sort(), store: w.listStore(), valid: w.dbRows().valid };
}

/** Nix's end state after `nix-collect-garbage ARGS`, the world restored afterwards. */
function nixEndState(w: NixWorld, args: string[]): EndState {
  const saved = `${w.root}.saved`;
  // cp -a keeps the generation links' own mtimes (fs.cpSync would stamp them now).
  expect(spawnSync('cp', ['-a', w.root, saved]).status).toBe(0);
  const r = spawnSync('nix-collect-garbage', args, { env: w.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const state = endState(w);
  rmSync(w.root, { recursive: true, force: true });
  renameSync(saved, w.root);
  return state;
}

describe.runIf(HAVE_NIX)('gc with generation flags', () => {
  for (const [name, nixArgs, ours] of [
    ['-d', ['-d'], ['-d']],
    ['--delete-older-than 15d', ['--delete-older-than', '15d'], ['--delete-older-than', '15d']],
    ['--delete-older-than 35d', ['--delete-older-than', '35d'], ['--delete-older-than', '35d']],
  ] as const) {
    it(`${name}: the same profiles and store as nix-collect-garbage ${nixArgs.join(' ')}`, () => {
      const { w, profile } = profileWorld([50, 40, 30, 20, 10], 3);
      const expected = nixEndState(w, [...nixArgs]);
      const dry = w.storegc(['gc', '--dry-run', '--json', '--no-runtime-roots', ...ours]);
      expect(dry.status, dry.stderr).toBe(0);
      const planned = JSON.parse(dry.stdout) as { generationsRemoved: { profile: string; generation: number; link: string }[]; deleted: string[] };
      const text = w.storegc(['gc', '--dry-run', '--no-runtime-roots', ...ours]);
      expect(text.stderr).toContain(`removing old generations of profile ${profile}`);
      expect(text.stderr).toMatch(/would remove profile version \d/);
      const real = w.storegc(['gc', '--json', '--no-runtime-roots', ...ours]);
      expect(real.status, real.stderr).toBe(0);
      const done = JSON.parse(real.stdout) as { generationsRemoved: unknown[]; deleted: string[] };
      expect(endState(w)).toEqual(expected);
      expect(done.generationsRemoved).toEqual(planned.generationsRemoved);
      expect([...done.deleted].sort()).toEqual([...planned.deleted].sort());
      for (const g of planned.generationsRemoved) {
        expect(g.profile).toBe(profile);
        expect(g.link).toBe(`${profile}-${g.generation}-link`);
      }

    });
  }

  it('--keep-generations keeps the N newest, and needs -d or --delete-older-than', () => {
    const { w, profile, paths } = profileWorld([50, 40, 30, 20, 10], 3);
    const r = w.storegc(['gc', '--json', '--no-runtime-roots', '-d', '--keep-generations', '2']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { generationsRemoved: { generation: number }[]; keptByPolicy: Record<string, { paths: number; narSize: number }> };
    expect(report.generationsRemoved.map((g) => g.generation)).toEqual([1, 2]);
    // Generations 4 and 5, which -d alone would remove, each keep their one path.
    const nar = (p: string): number => Number(w.nix(['--query', '--size', p]).stdout.trim());
    expect(report.keptByPolicy).toEqual({ generations: { paths: 2, narSize: nar(paths[3]!) + nar(paths[4]!) } });
    expect(readdirSync(join(w.state, 'profiles')).filter((n) => n.startsWith('system-')).sort()).toEqual(['system-3-link', 'system-4-link', 'system-5-link']);
    expect(profile).toContain('system');
    const alone = w.storegc(['gc', '--no-runtime-roots', '--keep-generations', '2']);
    expect(alone.status).toBe(2);
    expect(w.storegc(['gc', '--no-runtime-roots', '--delete-older-than', '15']).status).toBe(2);
  });
});
