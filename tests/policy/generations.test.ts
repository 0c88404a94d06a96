/**
 * Profile generations: the decider against real Nix 2.8. Profiles are made by `nix-env -p P
 * --set`, their link mtimes set by the test; the decision must equal what
 * `nix-collect-garbage --dry-run -d / --delete-older-than Nd` prints, and the executor must leave
 * the same profile directories as `nix-env --delete-generations`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeGenerations } from '../../src/collect/removeGenerations.js';
import { globToRegExp, parseGenerationName, planGenerationRemoval, profilesOf } from '../../src/policy/generations.js';
import type { DirSnapshot, GenerationOptions } from '../../src/policy/generations.js';
import { readProfilesTree } from '../../src/policy/readProfiles.js';
import { HAVE_NIX, NixWorld, hashOf } from '../collect/nixWorld.js';
import { createRng } from '../support/prng.js';

const DAY = 86_400;
const DIST = (file: string): string => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

describe('parseGenerationName (Nix 2.8 parseName, observed with nix-collect-garbage 2.8)', () => {
  it.each([
    ['p-1-link', 1], ['p-0-link', 0], ['p-007-link', 7], ['p-+07-link', 7], ['p-5-link.tmp-1-2', 5],
    ['p-8-link-x-link', 8], ['p-9-linkage', 9], ['p-4294967295-link', 4294967295],
  ])('%s is generation %d', (name, n) => expect(parseGenerationName('p', name)).toBe(n));

  it.each(['p-4294967296-link', 'p--1-link', 'p--0-link', 'p- 3-link', 'p-3 -link', 'p-\t3-link', 'p--link', 'p-+-link', 'p-++1-link', 'p-0x5-link', 'p-1e2-link', 'p-10.0-link', 'p-1', 'q-1-link', 'p1-link', 'pp-1-link'])('%j is no generation', (name) => {
    expect(parseGenerationName('p', name)).toBeUndefined();
  });
});

describe('globToRegExp', () => {
  it('matches * within a segment, ** across, ? one char, the rest literally', () => {
    expect(globToRegExp('per-user/*/profile').test('per-user/alice/profile')).toBe(true);
    expect(globToRegExp('per-user/*/profile').test('per-user/a/b/profile')).toBe(false);
    expect(globToRegExp('**/channels').test('per-user/root/channels')).toBe(true);
    expect(globToRegExp('p?of.[x]').test('prof.[x]')).toBe(true);
    expect(globToRegExp('p?of').test('p/of')).toBe(false);
  });
});

function dir(path: string, entries: DirSnapshot['entries'], writable = true): DirSnapshot {
  return { path, writable, entries };
}
const link = (name: string, target: string, mtime = 0) => ({ name, kind: 'link' as const, target, mtime });

describe('planGenerationRemoval (pure)', () => {
  const gens = (n: number, ages: number[], now: number) => ages.slice(0, n).map((age, i) => link(`p-${i + 1}-link`, `/store/x${i + 1}`, now - age));
  const now = 1_000 * DAY;

  it('-d removes all but the current, ascending, newer ones included', () => {
    const root = dir('/s/profiles', [link('p', 'p-3-link'), ...gens(5, [5, 4, 3, 2, 1], now)]);
    expect(planGenerationRemoval(root, { deleteOld: true }, now).remove.map((r) => r.generation)).toEqual([1, 2, 4, 5]);
  });

  it('an absolute profile target leaves the current generation unknown: -d removes every one (§12.2)', () => {
    const root = dir('/s/profiles', [link('p', '/s/profiles/p-3-link'), ...gens(3, [3, 2, 1], now)]);
    expect(planGenerationRemoval(root, { deleteOld: true }, now).remove.map((r) => r.generation)).toEqual([1, 2, 3]);
  });

  it('--delete-older-than keeps the one active at the cutoff, removes older ones descending, never the current', () => {
    const root = dir('/s/profiles', [link('p', 'p-3-link'), ...gens(5, [40 * DAY, 30 * DAY, 20 * DAY, 10 * DAY, DAY], now)]);
    const d = planGenerationRemoval(root, { deleteOlderThanSeconds: 15 * DAY }, now);
    expect(d.remove.map((r) => r.generation)).toEqual([2, 1]);
    expect(d.kept).toContainEqual({ profile: '/s/profiles/p', generation: 3, reason: 'current' });
  });

  it('a generation exactly at the cutoff is not older than it (Nix: creationTime < t)', () => {
    const root = dir('/s/profiles', [link('p', 'p-3-link'), ...gens(3, [20 * DAY, 15 * DAY, 0], now)]);
    expect(planGenerationRemoval(root, { deleteOlderThanSeconds: 15 * DAY }, now).remove).toEqual([]);
    expect(planGenerationRemoval(root, { deleteOlderThanSeconds: 15 * DAY - 1 }, now).remove.map((r) => r.generation)).toEqual([1]);
  });

  it('keeps a generation newer than the cutoff below the kept one, where Nix 2.8 aborts', () => {
    const root = dir('/s/profiles', [link('p', 'p-4-link'), ...gens(4, [40 * DAY, DAY, 30 * DAY, 0], now)]);
    const d = planGenerationRemoval(root, { deleteOlderThanSeconds: 15 * DAY }, now);
    expect(d.remove.map((r) => r.generation)).toEqual([1]);
    expect(d.kept).toContainEqual({ profile: '/s/profiles/p', generation: 2, reason: 'newer-than-cutoff' });
  });

  it('--keep-generations N keeps the N newest and the current, alone or with -d / --delete-older-than', () => {
    const root = dir('/s/profiles', [link('p', 'p-2-link'), ...gens(6, [60, 50, 40, 30, 20, 10].map((x) => x * DAY), now)]);
    expect(planGenerationRemoval(root, { keepGenerations: 2 }, now).remove.map((r) => r.generation)).toEqual([1, 3, 4]);
    expect(planGenerationRemoval(root, { deleteOld: true, keepGenerations: 3 }, now).remove.map((r) => r.generation)).toEqual([1, 3]);
    expect(planGenerationRemoval(root, { deleteOlderThanSeconds: 25 * DAY, keepGenerations: 4 }, now).remove.map((r) => r.generation)).toEqual([1]);
    expect(planGenerationRemoval(root, { keepGenerations: 0 }, now).remove.map((r) => r.generation)).toEqual([1, 3, 4, 5, 6]);
  });

  it('names the generation links it retains that -d would remove (what keptByPolicy.generations measures)', () => {
    const root = dir('/s/profiles', [link('p', 'p-2-link'), ...gens(6, [60, 50, 40, 30, 20, 10].map((x) => x * DAY), now)]);
    expect(planGenerationRemoval(root, { deleteOld: true, keepGenerations: 3 }, now).retained).toEqual(['/s/profiles/p-4-link', '/s/profiles/p-5-link', '/s/profiles/p-6-link']);
    expect(planGenerationRemoval(root, { deleteOlderThanSeconds: 35 * DAY }, now).retained).toEqual(['/s/profiles/p-3-link', '/s/profiles/p-4-link', '/s/profiles/p-5-link', '/s/profiles/p-6-link']);
    expect(planGenerationRemoval(root, { deleteOld: true }, now).retained).toEqual([]);
  });

  it('walks only symlinks whose target contains "link", in writable dirs; recurses into dirs; honours --profiles', () => {
    const root = dir('/s/profiles', [
      link('q', '/store/abc'), link('q-1-link', '/store/x'),
      { name: 'per-user', kind: 'dir', mtime: 0, dir: dir('/s/profiles/per-user', [
        { name: 'ro', kind: 'dir', mtime: 0, dir: dir('/s/profiles/per-user/ro', [link('profile', 'profile-2-link'), link('profile-1-link', '/x'), link('profile-2-link', '/y')], false) },
        { name: 'alice', kind: 'dir', mtime: 0, dir: dir('/s/profiles/per-user/alice', [link('profile', 'profile-2-link'), link('profile-1-link', '/x'), link('profile-2-link', '/y')]) },
      ]) },
      link('p', 'p-2-link'), link('p-1-link', '/x'), link('p-2-link', '/y'),
    ]);
    expect(profilesOf(root).map((p) => p.path)).toEqual(['/s/profiles/per-user/alice/profile', '/s/profiles/p']);
    expect(planGenerationRemoval(root, { deleteOld: true }, now).remove.map((r) => r.link)).toEqual(['/s/profiles/per-user/alice/profile-1-link', '/s/profiles/p-1-link']);
    expect(planGenerationRemoval(root, { deleteOld: true, profilesGlob: 'per-user/*/profile' }, now).profiles).toEqual(['/s/profiles/per-user/alice/profile']);
    expect(planGenerationRemoval(root, { deleteOld: true, profilesGlob: '/s/profiles/p' }, now).profiles).toEqual(['/s/profiles/p']);
    expect(planGenerationRemoval(root, {}, now).remove).toEqual([]);
  });

  it('names the canonical link Nix removes, and does not treat links removed earlier as profiles', () => {
    const root = dir('/s/profiles', [link('p', 'p-3-link'), link('p-007-link', '/x'), link('p-3-link', '/y'), link('p-1-link', '/store/a-linkchecker'), link('p-1-link-1-link', '/z')]);
    const d = planGenerationRemoval(root, { deleteOld: true }, now);
    expect(d.profiles).toEqual(['/s/profiles/p']);
    // `p-1-link-1-link` is generation 1 of p as well (first `-link`); p-1-link, a profile by its
    // target, is gone by the time the walk reaches it.
    expect(d.remove.map((r) => [r.generation, r.link, r.entry])).toEqual([
      [1, '/s/profiles/p-1-link', '/s/profiles/p-1-link'],
      [1, '/s/profiles/p-1-link', '/s/profiles/p-1-link-1-link'],
      [7, '/s/profiles/p-7-link', '/s/profiles/p-007-link'],
    ]);
  });
});

/** The "removing old generations of profile P" / "would remove profile version N" lines, as a decision. */
function nixDecision(stderr: string): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  for (const line of stderr.split('\n')) {
    const p = /^removing old generations of profile (.*)$/.exec(line);
    if (p !== null) out.push([p[1]!, []]);
    const g = /^would remove profile version (\d+)$/.exec(line);
    if (g !== null) out.at(-1)![1].push(Number(g[1]));
  }
  return out;
}

function ourDecision(profilesDir: string, options: GenerationOptions, now: number): Array<[string, number[]]> {
  const d = planGenerationRemoval(readProfilesTree(profilesDir), options, now);
  return d.profiles.map((p) => [p, d.remove.filter((r) => r.profile === p).map((r) => r.generation)]);
}

function listing(dirPath: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${d}/${e.name}`, `${rel}${e.name}/`);
      else out.push(`${rel}${e.name} -> ${e.isSymbolicLink() ? readlinkSync(`${d}/${e.name}`) : '?'}`);
    }
  };
  walk(dirPath, '');
  return out.sort();
}

describe.skipIf(!HAVE_NIX)('against real nix-env / nix-collect-garbage 2.8', () => {
  let w: NixWorld;
  let pdir: string;
  let profiles: string[];
  const counts = [9, 7, 5, 4];

  // One world, generations made by nix-env once (alternating two store paths: each --set makes a
  // new generation); each scenario then sets link mtimes and current generations itself.
  beforeAll(() => {
    w = new NixWorld();
    pdir = `${w.state}/profiles`;
    mkdirSync(`${pdir}/per-user/alice`, { recursive: true });
    profiles = [`${pdir}/system`, `${pdir}/per-user/alice/profile`, `${pdir}/per-user/root/channels`, `${pdir}/abs`];
    const paths = [w.addPath(hashOf(1), 'env-a'), w.addPath(hashOf(2), 'env-b')];
    profiles.forEach((p, k) => {
      for (let i = 0; i < counts[k]!; i++) {
        const r = spawnSync('nix-env', ['-p', p, '--set', paths[i % 2]!], { env: w.env, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr);
      }
    });
  });
  afterAll(() => w?.dispose());

  /** Random ages (mostly falling with the number, ties and a few out of order) and current generations. */
  function scenario(seed: number, base = pdir): void {
    const rng = createRng(seed);
    const now = Math.floor(Date.now() / 1000);
    profiles.forEach((p0, k) => {
      const p = p0.replace(pdir, base);
      let age = rng.int(50, 80) * DAY;
      for (let i = 1; i <= counts[k]!; i++) {
        age = Math.max(0, age - rng.pick([0, DAY, 3 * DAY, 10 * DAY, 20 * DAY]) - rng.int(1, 3600));
        const t = now - (rng.chance(0.1) ? rng.int(0, 60) * DAY + 7 : age);
        lutimesSync(`${p}-${i}-link`, t, t);
      }
      const name = p.slice(p.lastIndexOf('/') + 1);
      const current = rng.chance(0.5) ? counts[k]! : rng.int(1, counts[k]!);
      // what nix-env --switch-generation does (switchLink); `abs` gets an absolute target (§12.2)
      symlinkSync(name === 'abs' ? `${p}-${current}-link` : `${name}-${current}-link`, `${p}.new`);
      renameSync(`${p}.new`, p);
    });
  }

  function copyProfiles(to: string): string {
    const dest = `${w.root}/${to}`;
    rmSync(dest, { recursive: true, force: true });
    cpSync(pdir, dest, { recursive: true, verbatimSymlinks: true });
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const src = `${d}/${e.name}`;
        if (e.isDirectory()) walk(src);
        else {
          const t = lstatSync(src).mtime;
          lutimesSync(src.replace(pdir, dest), t, t);
        }
      }
    };
    walk(pdir);
    return dest;
  }

  /** Nix 2.8 aborts on an assertion when a generation below the one kept is newer than the cutoff. */
  const nixAborts = (r: { status: number | null }): boolean => r.status === 134 || r.status === null;

  it('-d and --delete-older-than Nd: the same profiles and generations as nix-collect-garbage --dry-run', () => {
    let compared = 0;
    let aborted = 0;
    for (let seed = 1; seed <= 8; seed++) {
      scenario(seed);
      const d = spawnSync('nix-collect-garbage', ['--dry-run', '-d'], { env: w.env, encoding: 'utf8' });
      expect(d.status, d.stderr).toBe(0);
      expect(ourDecision(pdir, { deleteOld: true }, Math.floor(Date.now() / 1000))).toEqual(nixDecision(d.stderr));
      compared++;
      for (const days of [1, 5, 15, 30, 45]) {
        const r = spawnSync('nix-collect-garbage', ['--dry-run', '--delete-older-than', `${days}d`], { env: w.env, encoding: 'utf8' });
        const t = Math.floor(Date.now() / 1000);
        if (nixAborts(r)) {
          const kept = planGenerationRemoval(readProfilesTree(pdir), { deleteOlderThanSeconds: days * DAY }, t).kept;
          expect(kept.some((k) => k.reason === 'newer-than-cutoff')).toBe(true);
          aborted++;
          continue;
        }
        expect(r.status, r.stderr).toBe(0);
        expect(ourDecision(pdir, { deleteOlderThanSeconds: days * DAY }, t)).toEqual(nixDecision(r.stderr));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30);
    expect(aborted).toBeGreaterThan(0);
  });

  it('the executor leaves the same profile directories as nix-env --delete-generations (old, Nd, +N)', () => {
    const relative = profiles.filter((x) => !x.endsWith('/abs'));
    let compared = 0;
    for (let seed = 11; seed <= 13; seed++) {
      scenario(seed);
      const cases: Array<[string, GenerationOptions]> = [['old', { deleteOld: true }], ['20d', { deleteOlderThanSeconds: 20 * DAY }]];
      for (const [arg, options] of cases) {
        const nixCopy = copyProfiles(`nix-${seed}-${arg}`);
        const ourCopy = copyProfiles(`our-${seed}-${arg}`);
        const runs = relative.map((p) => spawnSync('nix-env', ['-p', p.replace(pdir, nixCopy), '--delete-generations', arg], { env: w.env, encoding: 'utf8' }));
        if (runs.some(nixAborts)) continue;
        for (const r of runs) expect(r.status, r.stderr).toBe(0);
        const plan = planGenerationRemoval(readProfilesTree(ourCopy), options, Math.floor(Date.now() / 1000));
        const result = removeGenerations(plan.remove.filter((r) => !r.profile.endsWith('/abs')));
        expect(result.skippedProfiles).toEqual([]);
        const notAbs = (l: string): boolean => !l.startsWith('abs');
        expect(listing(ourCopy).filter(notAbs)).toEqual(listing(nixCopy).filter(notAbs));
        expect(listing(ourCopy).filter((l) => l.endsWith('.lock -> ?'))).toEqual([]);
        compared++;
      }
      // `+N` equals --keep-generations N when the current generation is the newest
      for (const n of [1, 3]) {
        const nixCopy = copyProfiles(`nix-${seed}-keep${n}`);
        const ourCopy = copyProfiles(`our-${seed}-keep${n}`);
        for (const base of [nixCopy, ourCopy]) {
          relative.forEach((p) => {
            const k = profiles.indexOf(p);
            const q = p.replace(pdir, base);
            symlinkSync(`${q.slice(q.lastIndexOf('/') + 1)}-${counts[k]}-link`, `${q}.new`);
            renameSync(`${q}.new`, q);
          });
          rmSync(`${base}/abs`);
        }
        for (const p of relative) {
          const r = spawnSync('nix-env', ['-p', p.replace(pdir, nixCopy), '--delete-generations', `+${n}`], { env: w.env, encoding: 'utf8' });
          expect(r.status, r.stderr).toBe(0);
        }
        removeGenerations(planGenerationRemoval(readProfilesTree(ourCopy), { keepGenerations: n }, 0).remove);
        expect(listing(ourCopy)).toEqual(listing(nixCopy));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(6);
  });

  it('as a user: only profiles in directories that user may write, unreadable ones skipped, as Nix', () => {
    scenario(31);
    chmodSync(w.root, 0o755);
    mkdirSync(`${w.root}/nobody-state`, { recursive: true });
    const base = copyProfiles('nobody-state/profiles');
    const target = readlinkSync(`${base}/system-1-link`);
    for (const sub of ['nobody', 'secret']) {
      mkdirSync(`${base}/per-user/${sub}`);
      for (let i = 1; i <= 4; i++) symlinkSync(target, `${base}/per-user/${sub}/profile-${i}-link`);
      symlinkSync('profile-2-link', `${base}/per-user/${sub}/profile`);
    }
    spawnSync('chown', ['-hR', 'nobody', `${base}/per-user/nobody`]);
    chmodSync(`${base}/per-user/secret`, 0o700);
    const env = { ...w.env, NIX_STATE_DIR: `${w.root}/nobody-state`, HOME: '/nonexistent' };
    const nix = spawnSync('runuser', ['-u', 'nobody', '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'nix-collect-garbage', '--dry-run', '-d'], { encoding: 'utf8', cwd: '/' });
    expect(nix.status, nix.stderr).toBe(0);
    const script = `import { readProfilesTree } from ${JSON.stringify(DIST('policy/readProfiles.js'))};
      import { planGenerationRemoval } from ${JSON.stringify(DIST('policy/generations.js'))};
      const d = planGenerationRemoval(readProfilesTree(${JSON.stringify(base)}), { deleteOld: true }, 0);
      console.log(JSON.stringify(d.profiles.map((p) => [p, d.remove.filter((r) => r.profile === p).map((r) => r.generation)])));`;
    const ours = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8', cwd: '/' });
    expect(ours.stderr).toBe('');
    expect(nixDecision(nix.stderr)).toEqual([[`${base}/per-user/nobody/profile`, [1, 3, 4]]]);
    expect(JSON.parse(ours.stdout)).toEqual(nixDecision(nix.stderr));
  });

  it('SIGKILL after any unlink: the next run converges to the end state of an uninterrupted run', () => {
    scenario(41);
    const now = Math.floor(Date.now() / 1000);
    const options: GenerationOptions = { deleteOlderThanSeconds: 10 * DAY, keepGenerations: 2 };
    const once = copyProfiles('crash-once');
    const plan = planGenerationRemoval(readProfilesTree(once), options, now).remove;
    removeGenerations(plan);
    expect(plan.length).toBeGreaterThan(2);
    const script = (base: string, k: number): string => `import { readProfilesTree } from ${JSON.stringify(DIST('policy/readProfiles.js'))};
      import { planGenerationRemoval } from ${JSON.stringify(DIST('policy/generations.js'))};
      import { removeGenerations } from ${JSON.stringify(DIST('collect/removeGenerations.js'))};
      import { armCrashPoints } from ${JSON.stringify(DIST('collect/crashPoint.js'))};
      armCrashPoints(${k});
      removeGenerations(planGenerationRemoval(readProfilesTree(${JSON.stringify(base)}), ${JSON.stringify(options)}, ${now}).remove);`;
    const points = [...new Set([1, 2, Math.floor(plan.length / 2), plan.length - 2, plan.length - 1])].filter((k) => k >= 1 && k < plan.length);
    for (const k of points) {
      const base = copyProfiles(`crash-${k}`);
      const killed = spawnSync(process.execPath, ['--input-type=module', '-e', script(base, k)], { encoding: 'utf8' });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const rerun = spawnSync(process.execPath, ['--input-type=module', '-e', script(base, 0)], { encoding: 'utf8' });
      expect(rerun.status, rerun.stderr).toBe(0);
      // A kill while holding a profile lock can leave its empty `X.lock`, as with nix-env itself:
      // inert (no generation or profile name matches it), reused and removed by the next lock.
      expect(listing(base).filter((l) => !l.endsWith('.lock -> ?'))).toEqual(listing(once));
    }
  });

  it('removes nothing from a profile switched after the plan was made, and stops like Nix on a non-canonical name', () => {
    scenario(21);
    const base = copyProfiles('switched');
    const p = `${base}/system`;
    symlinkSync('system-9-link', `${p}.new`);
    renameSync(`${p}.new`, p);
    const plan = planGenerationRemoval(readProfilesTree(base), { deleteOld: true, profilesGlob: 'system' }, 0);
    expect(plan.remove.map((r) => r.generation)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    symlinkSync('system-3-link', `${p}.new`);
    renameSync(`${p}.new`, p);
    const before = listing(base);
    expect(removeGenerations(plan.remove)).toEqual({ removed: [], skippedProfiles: [p] });
    expect(listing(base)).toEqual(before);

    const q = `${base}/odd`;
    symlinkSync('odd-1-link', q);
    symlinkSync(readlinkSync(`${p}-1-link`), `${q}-1-link`);
    symlinkSync(readlinkSync(`${p}-1-link`), `${q}-002-link`);
    const twin = `${w.root}/switched-twin`;
    cpSync(base, twin, { recursive: true, verbatimSymlinks: true });
    const odd = planGenerationRemoval(readProfilesTree(base), { deleteOld: true, profilesGlob: 'odd' }, 0);
    expect(odd.remove.map((r) => r.link)).toEqual([`${q}-2-link`]);
    expect(() => removeGenerations(odd.remove)).toThrow(/cannot unlink generation link/);
    expect(existsSync(`${q}.lock`)).toBe(false);
    const r = spawnSync('nix-env', ['-p', `${twin}/odd`, '--delete-generations', 'old'], { env: w.env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot unlink '${twin}/odd-2-link'`);
  });
});
