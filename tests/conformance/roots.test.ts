/**
 * Reference §3.2-3.3: permanent roots under STATE/gcroots — directory recursion, regular-file
 * roots, symlinks into the store, and what is NOT a root.
 */
import { it } from 'vitest';
import { StoreBuilder } from '../support/builder.js';
import { expectNixRoots, S, useConformance } from '../support/namedCase.js';
import { describeWithNix } from '../support/nixGuard.js';
import { inStore } from '../support/spec.js';

describeWithNix('permanent roots under gcroots (§3.2-3.3)', () => {
  const check = useConformance();

  it('§3.2 directories are recursed at any depth, hidden entries included', async ({ expect }) => {
    const b = new StoreBuilder(31);
    const [a, c, d] = [b.path('a'), b.path('c'), b.path('d')];
    b.symlinkRoot('gcroots/top', a).symlinkRoot('gcroots/x/y/z/deep', c).symlinkRoot('gcroots/.hidden', d);
    b.symlinkRoot('gcroots/.dir/inside', a);
    b.path('dead');
    expectNixRoots(await check(b.build(), { expect }), [
      `$R/var/gcroots/.dir/inside -> ${S(a)}`, `$R/var/gcroots/.hidden -> ${S(d)}`,
      `$R/var/gcroots/top -> ${S(a)}`, `$R/var/gcroots/x/y/z/deep -> ${S(c)}`,
    ]);
  });

  it('§3.2 a regular file named after a valid path is a root (contents ignored), next to symlink roots', async ({ expect }) => {
    const b = new StoreBuilder(32);
    const [f, s, invalid] = [b.path('file-root'), b.path('symlink-root'), b.path('partial', { registered: false })];
    b.fileRoot('gcroots/hydra', f, 'ignored content\n').symlinkRoot('gcroots/hydra/link', s);
    b.fileRoot('gcroots/hydra', invalid).file('var/gcroots/hydra/not-a-store-path').fileRoot('gcroots/hydra', `${b.hash()}-ghost`);
    expectNixRoots(await check(b.build(), { expect }), [`$R/var/gcroots/hydra/${f} -> ${S(f)}`, `$R/var/gcroots/hydra/link -> ${S(s)}`]);
  });

  it('§3.2 fifos under gcroots are ignored', async ({ expect }) => {
    const b = new StoreBuilder(33);
    b.fifo(`var/gcroots/${b.path('named-like-fifo')}`).fifo('var/gcroots/fifo');
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§3.2 a symlink to a directory is never traversed', async ({ expect }) => {
    const b = new StoreBuilder(34);
    b.link('var/gcroots/outside', '@/home/dir').link('home/dir/inner', inStore(b.path('only-behind-dir-link')));
    b.link('var/gcroots/relative-dir', '../profiles');
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§3.2 if STATE/gcroots itself is a symlink, nothing under it is scanned', async ({ expect }) => {
    const b = new StoreBuilder(35);
    b.link('var/gcroots', '@/elsewhere').link('elsewhere/root', inStore(b.path('lost')));
    b.symlinkRoot('profiles/p-1-link', b.path('profile-gen'));
    const v = await check(b.build(), { expect });
    expect(v.roots).toHaveLength(1);
  });

  it('§3.3 a symlink into a path (`STORE/h-n/bin/x`, even a missing file) roots the whole path', async ({ expect }) => {
    const b = new StoreBuilder(36);
    const [p, q] = [b.path('with-bin'), b.path('no-such-file')];
    b.symlinkRoot('gcroots/bin', p, 'bin/run').symlinkRoot('gcroots/missing', q, 'lib/none.so');
    expectNixRoots(await check(b.build(), { expect }), [`$R/var/gcroots/bin -> ${S(p)}`, `$R/var/gcroots/missing -> ${S(q)}`]);
  });

  it('§3.3 a symlink to an invalid store path is skipped (entry on disk or not)', async ({ expect }) => {
    const b = new StoreBuilder(37);
    b.symlinkRoot('gcroots/unregistered', b.path('on-disk', { registered: false }));
    b.symlinkRoot('gcroots/nothing', `${b.hash()}-nowhere`);
    const gone = b.path('missing-on-disk-but-valid', { onDisk: false });
    b.symlinkRoot('gcroots/valid-missing', gone);
    expectNixRoots(await check(b.build(), { expect }), [`$R/var/gcroots/valid-missing -> ${S(gone)}`]);
  });

  it('§3.3 a relative symlink into the store is not a root', async ({ expect }) => {
    const b = new StoreBuilder(38);
    const p = b.path('relative-target');
    b.link('var/gcroots/rel', `../../store/${p}`).link('var/gcroots/sub/rel2', `../../../store/${p}/bin/run`);
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§3.3 a dangling symlink outside gcroots/auto is not a root and stays', async ({ expect }) => {
    const b = new StoreBuilder(39);
    b.link('var/gcroots/dangling', '@/home/nothing').link('var/gcroots/dangling-rel', 'nothing');
    b.link('var/profiles/dangling', 'p-9-link');
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§3.3 a symlink to the store directory itself or to STORE/.links is ignored', async ({ expect }) => {
    const b = new StoreBuilder(40);
    b.link('var/gcroots/store', '@/store').link('var/gcroots/store-slash', '@/store/').link('var/gcroots/links', '@/store/.links');
    b.path('p');
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§3.3 edge: a relative link to a store path that is itself a symlink roots its target, labelled by that path', async ({ expect }) => {
    const b = new StoreBuilder(41);
    const target = b.path('target');
    const linkObj = b.path('link-object', { files: [{ path: '', node: { type: 'symlink', target: inStore(target) } }] });
    b.link('var/gcroots/via-relative', `../../store/${linkObj}`);
    b.symlinkRoot('gcroots/direct', linkObj);
    expectNixRoots(await check(b.build(), { expect }), [`$R/store/${linkObj} -> ${S(target)}`, `$R/var/gcroots/direct -> ${S(linkObj)}`]);
  });

  it('§3.1 links collapse per (link, path): two links through one outside symlink give one line', async ({ expect }) => {
    const b = new StoreBuilder(42);
    const p = b.path('popular');
    b.symlinkRoot('gcroots/a', p).symlinkRoot('gcroots/b', p, 'bin').fileRoot('gcroots', p);
    b.link('var/gcroots/c', '@/home/r').link('home/r', inStore(p)).link('var/gcroots/d', '@/home/r');
    expectNixRoots(await check(b.build(), { expect }), [
      `$R/home/r -> ${S(p)}`, `$R/var/gcroots/a -> ${S(p)}`, `$R/var/gcroots/b -> ${S(p)}`, `$R/var/gcroots/${p} -> ${S(p)}`,
    ]);
  });
}, { concurrent: true });
