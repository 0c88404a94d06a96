/**
 * pruneAutoLinks re-checks every place an auto link's target may be (inside a chroot-style root
 * and on the host) right before the unlink: one that exists, or cannot be checked, keeps it.
 */
import { lstatSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { pruneAutoLinks } from '../../src/collect/pruneAutoLinks.js';
import { FAST_TMP } from './nixWorld.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function scratch(): string {
  const d = mkdtempSync(join(FAST_TMP, 'storegc-prune-'));
  dirs.push(d);
  return d;
}

it('removes a link only when its target is missing in every place', () => {
  const d = scratch();
  const [host, loop] = [join(d, 'host'), join(d, 'loop')];
  symlinkSync(loop, loop);
  const link = (name: string): string => {
    symlinkSync('/elsewhere', join(d, name));
    return join(d, name);
  };
  const [gone, hostBack, insideBack, unknown] = [link('gone'), link('host-back'), link('inside-back'), link('unknown')];
  writeFileSync(host, '');
  const removed = pruneAutoLinks([
    { link: gone, realTargets: [join(d, 'no-1'), join(d, 'no-2')] },
    { link: hostBack, realTargets: [join(d, 'no-3'), host] },
    { link: insideBack, realTargets: [host, join(d, 'no-4')] },
    { link: unknown, realTargets: [join(d, 'no-5'), join(loop, 'x')] },
  ]);
  expect(removed).toEqual([gone]);
  expect([gone, hostBack, insideBack, unknown].map((l) => lstatSync(l, { throwIfNoEntry: false }) !== undefined)).toEqual([false, true, true, true]);
});
