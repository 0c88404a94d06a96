/**
 * Reference §2: which store-dir entries parse as store paths, and what happens to the rest
 * (junk: listed by Nix as dead and as live; storegc lists it as dead and reports it in JSON).
 */
import { it } from 'vitest';
import { StoreBuilder } from '../support/builder.js';
import { S, useConformance } from '../support/namedCase.js';
import { describeWithNix } from '../support/nixGuard.js';
import { MAX_NAME_LEN, NAME_CHARS } from '../support/storePathSyntax.js';

describeWithNix('store path syntax (§2)', () => {
  const check = useConformance();

  it('§2.1 a name of exactly 211 characters is a store path; 212 is junk', async ({ expect }) => {
    const b = new StoreBuilder(21);
    const live = b.path(`L${'x'.repeat(MAX_NAME_LEN - 1)}`);
    const dead = b.path(`D${'y'.repeat(MAX_NAME_LEN - 1)}`, { registered: false });
    b.junk(`${b.hash()}-${'z'.repeat(MAX_NAME_LEN + 1)}`);
    b.symlinkRoot('gcroots/long', live);
    const v = await check(b.build(), { expect });
    expect(v.live).toContain(S(live));
    expect(v.dead).toContain(S(dead));
  });

  it('§2.1 names may use every allowed character [0-9a-zA-Z+-._?=]', async ({ expect }) => {
    const b = new StoreBuilder(22);
    const live = b.path(NAME_CHARS);
    const dead = b.path([...NAME_CHARS].reverse().join(''));
    b.path(`${NAME_CHARS}-unregistered`, { registered: false });
    b.symlinkRoot('gcroots/all-chars', live);
    const v = await check(b.build(), { expect });
    expect(v.live).toEqual([S(live)]);
    expect(v.dead).toContain(S(dead));
  });

  it('§2.1 leading-dot names (`.`, `..`, `.hidden`) parse in 2.8', async ({ expect }) => {
    const b = new StoreBuilder(23);
    const dot = b.path('.');
    const dotdot = b.path('..', { refs: [dot] });
    b.path('.hidden', { registered: false });
    b.path('..', { registered: false });
    b.symlinkRoot('gcroots/dotdot', dotdot);
    const v = await check(b.build(), { expect });
    expect(v.live).toEqual([S(dot), S(dotdot)].sort());
    expect(v.dead).toHaveLength(2);
  });

  it('§2.1 the byte after the hash part is not checked (`<hash>_name` parses)', async ({ expect }) => {
    const b = new StoreBuilder(24);
    const rooted = b.path('underscore', { separator: '_' });
    b.path('partial', { separator: '_', registered: false });
    b.path('plus', { separator: '+', registered: false });
    b.symlinkRoot('gcroots/u', rooted);
    const v = await check(b.build(), { expect });
    expect(v.roots).toEqual([`$R/var/gcroots/u -> ${S(rooted)}`]);
    expect(v.dead).toHaveLength(2);
  });

  it('§2.3 junk entries (names that do not parse) are dead, and live for Nix', async ({ expect }) => {
    const b = new StoreBuilder(25);
    const h = (): string => b.hash();
    b.junk('junk').junk('trash', 'dir').junk('add-1234-0', 'dir').junk(`${h()}-`).junk('abc');
    b.junk(h().slice(0, 31)).junk(`${h()}-bad name`).junk(`${h()}-bang!`).junk(`${h().slice(0, 31)}e-hash-e`);
    b.junk(`${h().toUpperCase()}-upper`).junk('.hidden-junk').junk('junklink', 'symlink').junk('junkfifo', 'fifo');
    b.junk(`${h()}-caf\u00e9`);
    b.symlinkRoot('gcroots/r', b.path('kept'));
    const v = await check(b.build(), { expect });
    expect(v.dead).toHaveLength(14);
    expect(v.live).toHaveLength(15);
  });

  it('§2.4 root targets are parsed after cutting at the first `/` after STORE/, without canonicalisation', async ({ expect }) => {
    const b = new StoreBuilder(26);
    const p = b.path('p');
    const q = b.path('q');
    b.symlinkRoot('gcroots/sub-path', p, 'bin/run');
    b.symlinkRoot('gcroots/trailing', q, '');
    b.link('var/gcroots/double-slash', `@/store//${b.path('r')}`);
    b.link('var/gcroots/dot-dot', `@/store/../store/${b.path('s')}`);
    b.link('var/gcroots/links', '@/store/.links');
    b.link('var/gcroots/junk', '@/store/junk');
    b.junk('junk');
    const v = await check(b.build(), { expect });
    expect(v.roots).toEqual([`$R/var/gcroots/sub-path -> ${S(p)}`, `$R/var/gcroots/trailing -> ${S(q)}`]);
  });
}, { concurrent: true });
