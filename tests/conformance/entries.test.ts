/**
 * Reference §7.5, §8 and §9: which store entries are classified (every store-dir entry but
 * `.links`), unregistered entries, valid paths missing on disk, and the reverse walk.
 */
import { it } from 'vitest';
import { StoreBuilder } from '../support/builder.js';
import { compareWithNix, expectSameBytes } from '../support/conformance.js';
import { S, useConformance } from '../support/namedCase.js';
import { describeWithNix } from '../support/nixGuard.js';
import { useTempDirs } from '../support/tempDir.js';

describeWithNix('store entries and liveness (§7.5, §8, §9)', () => {
  const check = useConformance();
  const tempDir = useTempDirs('all');

  it('§7.5 unregistered entries that parse (partial dirs, .lock, .drv.chroot, .check) are dead', async ({ expect }) => {
    const b = new StoreBuilder(81);
    const d = b.derivation('pkg');
    b.path('partial', { registered: false });
    b.sibling(d.out, '.lock', { kind: 'file' });
    b.sibling(d.drv, '.chroot', { kind: 'dir' });
    b.sibling(d.out, '.check', { kind: 'dir' });
    b.symlinkRoot('gcroots/pkg', d.out);
    const v = await check(b.build(), { expect });
    expect(v.live).toEqual([S(d.out), S(d.drv)].sort());
    expect(v.dead).toHaveLength(4);
  });

  it('§7.5 a valid path missing on disk is listed live when in a live closure', async ({ expect }) => {
    const b = new StoreBuilder(82);
    const gone = b.path('gone-dep', { onDisk: false });
    const root = b.path('app', { refs: [gone] });
    b.symlinkRoot('gcroots/app', root);
    expect((await check(b.build(), { expect })).live).toEqual([S(gone), S(root)].sort());
  });

  it('§7.5 a valid path missing on disk is dead when it refers to a dead on-disk entry', async ({ expect }) => {
    const b = new StoreBuilder(83);
    const lib = b.path('lib');
    const gone = b.path('gone-user', { onDisk: false, refs: [lib] });
    expect((await check(b.build(), { expect })).dead).toEqual([S(gone), S(lib)].sort());
  });

  it('§7.5 a valid path missing on disk and unreachable from disk is neither live nor dead', async ({ expect }) => {
    const b = new StoreBuilder(84);
    const rootGone = b.path('root-gone', { onDisk: false });
    b.path('loose-gone', { onDisk: false });
    b.symlinkRoot('gcroots/gone', rootGone);
    const v = await check(b.build(), { expect });
    expect([v.live, v.dead]).toEqual([[], []]);
  });

  it('§8.3 STORE/.links is not classified; other dot entries are junk', async ({ expect }) => {
    const b = new StoreBuilder(85);
    b.junk('.links2').junk('.tmp', 'dir');
    const v = await check(b.build(), { expect });
    expect(v.dead).toEqual(['$R/store/.links2', '$R/store/.tmp']);
  });

  it('§8.2 a dead path referred to by a live one is live (referrers are walked)', async ({ expect }) => {
    const b = new StoreBuilder(86);
    const base = b.path('base');
    const mid = b.path('mid', { refs: [base] });
    const top = b.path('top', { refs: [mid, base] });
    const other = b.path('other', { refs: [base] });
    b.symlinkRoot('gcroots/top', top);
    const v = await check(b.build(), { expect });
    expect(v.live).toEqual([S(base), S(mid), S(top)].sort());
    expect(v.dead).toEqual([S(other)]);
  });

  it('§8.2 a reference cycle among dead paths: Nix aborts print-dead and print-live, storegc lists them (deviation 3)', async ({ expect }) => {
    const b = new StoreBuilder(87);
    const a = b.path('cycle-a');
    const c = b.path('cycle-b', { refs: [a] });
    const kept = b.path('kept');
    b.symlinkRoot('gcroots/kept', kept);
    const spec = b.build();
    const cyclic = { ...spec, paths: spec.paths.map((p) => (p.base === a ? { ...p, refs: [c] } : p)) };
    const r = await compareWithNix(cyclic, tempDir('storegc-cycle-'));
    for (const k of ['live', 'dead'] as const) {
      expect(r.nix[k].status).toBe(1);
      expect(r.nix[k].stderr).toContain('cycle detected in the references of');
      expect(r.nix[k].stdout.length).toBe(0);
      expect.soft(r.storegc[k].status, `storegc ${k} exit status`).toBe(0);
    }
    const lines = (buf: Buffer): string[] => buf.toString('utf8').split('\n').filter((l) => l !== '').map((l) => l.slice(r.layout.storeDir.length + 1));
    expect(lines(r.storegc.dead.stdout)).toEqual([a, c].sort());
    expect(lines(r.storegc.live.stdout)).toEqual([kept]);
  });

  it('§9.1 print-live and print-dead partition the entries with consistent metadata', async ({ expect }) => {
    const b = new StoreBuilder(88);
    const d = b.derivation('x', { outputs: ['out', 'bin'] });
    const e = b.derivation('y', { refs: [d.drv], outputRefs: [d.out] });
    b.symlinkRoot('gcroots/y', e.out).path('z', { refs: [e.out] });
    const v = await check(b.build(), { expect });
    expect(v.live.filter((l) => v.dead.includes(l))).toEqual([]);
    expect(v.live.length + v.dead.length).toBe(6);
  });
}, { concurrent: true });
