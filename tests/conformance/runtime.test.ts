/**
 * Reference §4: runtime roots from /proc — a process's cwd, environment, open files, executable
 * and mappings. The holder must see the same store in both runs, so these cases keep one
 * materialized store (compareWithNix's keepStore, which fails if Nix changed anything).
 */
import { it } from 'vitest';
import { StoreBuilder } from '../support/builder.js';
import type { StoreLayout } from '../support/materialize.js';
import { S, useConformance } from '../support/namedCase.js';
import { describeWithNix } from '../support/nixGuard.js';
import { sleepBinary, spawnHolder, type HolderOptions } from '../support/processRoots.js';

const holding = (make: (l: StoreLayout) => HolderOptions) =>
  ({ keepStore: true, around: (l: StoreLayout) => spawnHolder(make(l)) }) as const;

const procLabels = (roots: readonly string[]): string[] =>
  roots.filter((l) => l.startsWith('/proc/')).map((l) => l.replace(/^\/proc\/\d+\//, '/proc/N/'));

describeWithNix('runtime roots (§4)', () => {
  const check = useConformance();

  it('§4.1 a process whose cwd is inside a store path roots it (/proc/N/cwd)', async ({ expect }) => {
    const b = new StoreBuilder(101);
    const dep = b.path('dep');
    const p = b.path('workdir', { refs: [dep] });
    b.path('unused');
    const v = await check(b.build(), holding((l) => ({ cwd: `${l.storeDir}/${p}/bin` })));
    expect(procLabels(v.roots)).toEqual([`/proc/N/cwd -> ${S(p)}`]);
    expect(v.live).toEqual([S(dep), S(p)].sort());
  });

  it('§4.1 store paths in a process environment are roots (/proc/N/environ); §4.2 invalid ones are not', async ({ expect }) => {
    const b = new StoreBuilder(102);
    const [p, q] = [b.path('in-env'), b.path('in-path-list')];
    const invalid = b.path('not-registered', { registered: false });
    const v = await check(b.build(), holding((l) => ({
      env: {
        FOO: `${l.storeDir}/${p}/bin/run`,
        PATH: `/usr/bin:${l.storeDir}/${q}/bin:/bin`,
        BAR: `${l.storeDir}/${invalid}`,
      },
    })));
    expect(procLabels(v.roots)).toEqual([`/proc/N/environ -> ${S(q)}`, `/proc/N/environ -> ${S(p)}`].sort());
  });

  it('§4.1 an open file descriptor into the store is a root (/proc/N/fd/M)', async ({ expect }) => {
    const b = new StoreBuilder(103);
    const p = b.path('opened');
    const v = await check(b.build(), holding((l) => ({ fdFile: `${l.storeDir}/${p}/bin/run` })));
    expect(procLabels(v.roots)).toEqual([`/proc/N/fd/3 -> ${S(p)}`]);
  });

  it('§4.1 the executable and its mappings are roots (/proc/N/exe, /proc/N/maps)', async ({ expect }) => {
    const b = new StoreBuilder(104);
    const sleep = b.path('coreutils-sleep', {
      files: [
        { path: '', node: { type: 'dir' } },
        { path: 'bin', node: { type: 'dir' } },
        { path: 'bin/sleep', node: { type: 'file', content: sleepBinary(), mode: 0o555 } },
      ],
    });
    const v = await check(b.build(), holding((l) => ({ exe: `${l.storeDir}/${sleep}/bin/sleep` })));
    expect(procLabels(v.roots)).toEqual([`/proc/N/exe -> ${S(sleep)}`, `/proc/N/maps -> ${S(sleep)}`]);
  });
});
