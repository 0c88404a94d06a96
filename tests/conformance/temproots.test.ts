/**
 * Reference §5.1 and §5.4: temp roots in STATE/temproots/<pid>. An owner is alive while it holds
 * flock(LOCK_EX) on its file (the test process holds it); a dead owner's file is ignored (and
 * deleted by Nix). Temp roots are not checked for validity and protect by hash part.
 */
import { it } from 'vitest';
import { StoreBuilder } from '../support/builder.js';
import { expectNixRoots, S, useConformance } from '../support/namedCase.js';
import { describeWithNix } from '../support/nixGuard.js';

describeWithNix('temp roots (§5)', () => {
  const check = useConformance();

  it('§5.4 a live owner\'s entries are roots labelled {temp:<pid>}, and keep their closure', async ({ expect }) => {
    const b = new StoreBuilder(61);
    const dep = b.path('dep');
    const p = b.path('in-use', { refs: [dep] });
    b.tempRoots('4242', [p], 'alive');
    const v = await check(b.build(), { expect });
    expectNixRoots(v, [`{temp:4242} -> ${S(p)}`]);
    expect(v.live).toEqual([S(dep), S(p)].sort());
  });

  it('§5.4 a dead owner\'s file is ignored', async ({ expect }) => {
    const b = new StoreBuilder(62);
    const p = b.path('was-in-use');
    b.tempRoots('4243', [p], 'dead');
    const v = await check(b.build(), { expect });
    expectNixRoots(v, []);
    expect(v.dead).toEqual([S(p)]);
  });

  it('§5.4 a name like 0777 is read as pid 777 ({temp:777})', async ({ expect }) => {
    const b = new StoreBuilder(63);
    const [p, q] = [b.path('p'), b.path('q')];
    b.tempRoots('0777', [p], 'alive').tempRoots('777', [q], 'alive');
    expectNixRoots(await check(b.build(), { expect }), [`{temp:777} -> ${S(p)}`, `{temp:777} -> ${S(q)}`].sort());
  });

  it('§5.1 temp roots are not checked for validity: invalid and absent paths are listed, on-disk ones live', async ({ expect }) => {
    const b = new StoreBuilder(64);
    const partial = b.path('partial-output', { registered: false });
    const absent = `${b.hash()}-not-there`;
    b.tempRoots('100', [partial, absent], 'alive');
    const v = await check(b.build(), { expect });
    expectNixRoots(v, [`{temp:100} -> ${S(absent)}`, `{temp:100} -> ${S(partial)}`].sort());
    expect(v.live).toEqual([S(partial)]);
  });

  it('§5.5 temp roots protect by hash part: .lock, .drv.chroot and .check siblings stay live', async ({ expect }) => {
    const b = new StoreBuilder(65);
    const d = b.derivation('building', { built: [] });
    b.sibling(d.out, '.lock', { kind: 'file' });
    b.sibling(d.drv, '.chroot', { kind: 'dir' });
    const done = b.path('done');
    b.sibling(done, '.check');
    const unprotected = b.path('other', { registered: false });
    b.sibling(unprotected, '.lock', { kind: 'file' });
    b.tempRoots('200', [d.drv, d.out, done], 'alive');
    const v = await check(b.build(), { expect });
    expect(v.live).toHaveLength(5);
    expect(v.dead).toHaveLength(2);
  });

  it('§5.1 bytes after the last NUL (a torn append) are ignored', async ({ expect }) => {
    const b = new StoreBuilder(66);
    const [p, q] = [b.path('complete'), b.path('torn')];
    b.tempRoots('300', [p], 'alive', `@/store/${q}`);
    const v = await check(b.build(), { expect });
    expectNixRoots(v, [`{temp:300} -> ${S(p)}`]);
    expect(v.dead).toEqual([S(q)]);
  });

  // Nix 2.8 skips dot-files even when their owner is alive; storegc goes by the lock, whatever
  // the name (tests/roots/tempRootsByLock.test.ts), so only a dead owner's dot-file is shared ground.
  it('§5.4 a dead owner\'s dot-file protects nothing', async ({ expect }) => {
    const b = new StoreBuilder(67);
    const p = b.path('hidden-temp');
    b.tempRoots('.400', [p], 'dead');
    expectNixRoots(await check(b.build(), { expect }), []);
  });

  it('§5.4 live and dead owners side by side, sharing paths', async ({ expect }) => {
    const b = new StoreBuilder(68);
    const [p, q, r] = [b.path('p'), b.path('q'), b.path('r', { registered: false })];
    b.tempRoots('500', [p, r], 'alive').tempRoots('501', [q, p], 'dead').tempRoots('502', [], 'alive');
    const v = await check(b.build(), { expect });
    expect(v.live).toEqual([S(p), S(r)].sort());
  });
}, { concurrent: true });
