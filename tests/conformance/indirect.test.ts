/**
 * Reference §3.3 step 2 and §3.5: indirect roots through outside symlinks (gcroots/auto), stale
 * auto links (which Nix deletes and storegc only reports), and profiles with generations.
 */
import { it } from 'vitest';
import { StoreBuilder } from '../support/builder.js';
import { expectNixRoots, S, useConformance } from '../support/namedCase.js';
import { describeWithNix } from '../support/nixGuard.js';
import { inStore } from '../support/spec.js';

const AUTO = 'fg9hnmq67qfg5fcqq13wvcg5av5zlrql';

describeWithNix('indirect roots and profiles (§3.3, §3.5)', () => {
  const check = useConformance();

  it('§3.3 an auto link to an outside symlink into the store is a root labelled by the outside symlink', async ({ expect }) => {
    const b = new StoreBuilder(51);
    const p = b.path('result-target');
    b.indirectRoot(AUTO, 'home/project/result', p);
    const q = b.path('sub-target');
    b.link(`var/gcroots/auto/${AUTO.replace('f', 'g')}`, '@/home/project/result-bin').link('home/project/result-bin', inStore(q, 'bin/run'));
    expectNixRoots(await check(b.build(), { expect }), [`$R/home/project/result -> ${S(p)}`, `$R/home/project/result-bin -> ${S(q)}`]);
  });

  it('§3.3 a stale auto link (first hop missing) is not a root (Nix deletes it, storegc does not)', async ({ expect }) => {
    const b = new StoreBuilder(52);
    b.link(`var/gcroots/auto/${AUTO}`, '@/home/gone/result').link('var/gcroots/auto/nested/x', '@/home/also-gone');
    b.link('var/gcroots/auto/not-dir', '@/home/file/result').file('home/file');
    b.path('unrooted');
    const v = await check(b.build(), { expect });
    expect(v.roots).toEqual([]);
    expect(v.dead).toHaveLength(1);
  });

  it('§3.3 two hops of outside symlinks, or a relative second hop, are not roots', async ({ expect }) => {
    const b = new StoreBuilder(53);
    b.link('var/gcroots/auto/two', '@/home/hop1').link('home/hop1', '@/home/hop2').link('home/hop2', inStore(b.path('two-hops')));
    b.link('var/gcroots/auto/rel', '@/home/rel').link('home/rel', `../store/${b.path('relative-hop')}`);
    b.link('var/gcroots/auto/relfirst', '../../../home/rel');
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§3.3 a relative first hop is resolved against the link directory', async ({ expect }) => {
    const b = new StoreBuilder(54);
    const p = b.path('via-relative-first-hop');
    b.link('var/gcroots/auto/rel', '../../../home/r').link('home/r', inStore(p));
    expectNixRoots(await check(b.build(), { expect }), [`$R/home/r -> ${S(p)}`]);
  });

  it('§3.3 an outside symlink to an invalid store path is skipped and is not stale', async ({ expect }) => {
    const b = new StoreBuilder(55);
    b.link('var/gcroots/auto/bad', '@/home/bad').link('home/bad', inStore(b.path('unbuilt', { registered: false, onDisk: false })));
    b.link('var/gcroots/auto/dangling2', '@/home/dangling').link('home/dangling', '@/home/nowhere');
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§3.3 an auto link to an outside directory or regular file is ignored', async ({ expect }) => {
    const b = new StoreBuilder(56);
    b.link('var/gcroots/auto/dir', '@/home/d').dir('home/d').link('home/d/in', inStore(b.path('inside')));
    b.link('var/gcroots/auto/file', '@/home/f').file('home/f', 'x');
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§3.5 every generation is a root; the profile link collapses into its current generation', async ({ expect }) => {
    const b = new StoreBuilder(57);
    const gens = [b.path('env-1'), b.path('env-2'), b.path('env-3')];
    b.profile('profiles', 'system', gens, 2);
    b.link('var/gcroots/profiles', '@/var/profiles');
    const v = await check(b.build(), { expect });
    expectNixRoots(v, gens.map((g, i) => `$R/var/profiles/system-${i + 1}-link -> ${S(g)}`));
  });

  it('§3.5 per-user profiles and an absolute current-generation link', async ({ expect }) => {
    const b = new StoreBuilder(58);
    const [a, c] = [b.path('alice-env-1'), b.path('alice-env-2')];
    b.profile('profiles/per-user/alice', 'profile', [a, c], 2);
    b.link('var/profiles/per-user/alice/channels', '@/var/profiles/per-user/alice/channels-1-link');
    const ch = b.path('channels');
    b.symlinkRoot('profiles/per-user/alice/channels-1-link', ch);
    expectNixRoots(await check(b.build(), { expect }), [
      `$R/var/profiles/per-user/alice/channels-1-link -> ${S(ch)}`,
      `$R/var/profiles/per-user/alice/profile-1-link -> ${S(a)}`,
      `$R/var/profiles/per-user/alice/profile-2-link -> ${S(c)}`,
    ]);
  });

  it('§3.5 profiles hold closures: old generations keep their references alive', async ({ expect }) => {
    const b = new StoreBuilder(59);
    const lib = b.path('lib');
    const app = b.path('app', { refs: [lib] });
    b.profile('profiles', 'default', [b.path('env-1', { refs: [app] }), b.path('env-2')], 2);
    const v = await check(b.build(), { expect });
    expect(v.live).toHaveLength(4);
    expect(v.dead).toEqual([]);
  });
}, { concurrent: true });
