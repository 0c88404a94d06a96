/**
 * Reference §6.1 and §15: outputs are sorted by bytes (memcmp), not by JS string order; roots by
 * link then store path, with `{temp:…}` after every absolute path.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { StoreBuilder } from '../support/builder.js';
import { S, useConformance } from '../support/namedCase.js';
import type { StoreLayout } from '../support/materialize.js';
import { describeWithNix } from '../support/nixGuard.js';

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

describeWithNix('byte-order sorting (§6.1, §15)', () => {
  const check = useConformance();

  it('§15 root links sort by UTF-8 bytes (astral characters after U+E000, unlike UTF-16 order)', async ({ expect }) => {
    const b = new StoreBuilder(91);
    const p = b.path('p');
    const names = ['\u{1f600}', '\u{e000}x', '\u00e9t\u00e9', 'Zed', 'zed', '{brace}', '~tilde', '-dash', '.dot', '_under', 'a b'];
    for (const n of names) b.symlinkRoot(`gcroots/${n}`, p);
    const v = await check(b.build(), { expect });
    const links = v.roots.map((l) => l.slice('$R/var/gcroots/'.length, l.indexOf(' -> ')));
    expect(links).toEqual([...names].sort(byBytes));
    expect(links).not.toEqual([...names].sort());
  });

  it('§6.1 lines sort by link, then by store path; {temp:…} labels come last', async ({ expect }) => {
    const b = new StoreBuilder(92);
    const [a, c, d] = [b.path('zz-a'), b.path('aa-c'), b.path('mm-d')];
    b.tempRoots('9', [a, c, d], 'alive').tempRoots('10', [d], 'alive');
    b.symlinkRoot('gcroots/{temp:1}', a).symlinkRoot('profiles/zzz-1-link', c);
    const v = await check(b.build(), { expect });
    expect(v.roots.map((l) => l.split(' -> ')[0])).toEqual([
      '$R/var/gcroots/{temp:1}', '$R/var/profiles/zzz-1-link', '{temp:10}', '{temp:9}', '{temp:9}', '{temp:9}',
    ]);
    expect(v.roots.slice(3).map((l) => l.split(' -> ')[1])).toEqual([S(a), S(c), S(d)].sort(byBytes));
  });

  it('§15 live and dead lists sort store paths by bytes (case, punctuation, hash digits)', async ({ expect }) => {
    const b = new StoreBuilder(93);
    const names = ['B', 'a', '+plus', '-dash', '.dot', '=eq', '?q', '_u', 'Z9', 'z0'];
    const paths = names.map((n) => b.path(n));
    for (const n of names) b.path(n, { registered: false });
    b.symlinkRoot('gcroots/keep', paths[0] ?? '');
    const v = await check(b.build(), { expect });
    expect(v.dead).toEqual([...v.dead].sort(byBytes));
    expect(v.dead).toHaveLength(2 * names.length - 1);
  });

  it('§0 non-UTF-8 bytes in link names and junk names are printed raw, in byte order', async ({ expect }) => {
    const b = new StoreBuilder(94);
    const p = b.path('p');
    b.symlinkRoot('gcroots/plain', p).junk('junk-plain');
    const raw = (...parts: (string | number[])[]): Buffer =>
      Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x) : Buffer.from(x))));
    const addRawEntries = (l: StoreLayout): (() => void) => {
      symlinkSync(`${l.storeDir}/${p}`, raw(l.stateDir, '/gcroots/link-', [0xff, 0x80]));
      symlinkSync(`${l.storeDir}/${p}`, raw(l.stateDir, '/gcroots/link-', [0xc3]));
      writeFileSync(raw(l.storeDir, '/junk-', [0xfe]), 'x');
      return () => undefined;
    };
    const v = await check(b.build(), { around: addRawEntries, expect });
    expect(v.roots).toHaveLength(3);
    expect(v.dead).toHaveLength(2);
  });
}, { concurrent: true });
