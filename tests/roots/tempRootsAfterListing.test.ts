/**
 * The temp roots are read once the store listing under way is done (findRoots' storeListed,
 * as `dead` and `live` pass it): Nix registers a build's temp root before it creates the output,
 * so an entry the listing saw that no valid path names has its temp root read too.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { findRoots } from '../../src/roots/findRoots.js';
import { holdExclusiveLocks } from '../support/tempRootOwners.js';
import type { HeldLocks } from '../support/tempRootOwners.js';

const dirs: string[] = [];
const locks: HeldLocks[] = [];
afterEach(() => {
  locks.splice(0).forEach((l) => l.release());
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('temp roots and the store listing', () => {
  it('are read after the listing, so a temp root registered while it ran is seen', async () => {
    const root = mkdtempSync('/tmp/storegc-templist-');
    dirs.push(root);
    const storeDir = join(root, 'store');
    const stateDir = join(root, 'var');
    for (const d of [storeDir, join(stateDir, 'gcroots'), join(stateDir, 'temproots')]) mkdirSync(d, { recursive: true });
    const settings = resolveSettings({ storeDir, stateDir, runtimeRoots: false, index: join(root, 'index.sqlite') }, {}, []);
    const hash = 'a'.repeat(32);
    // A build, while the listing runs: its temp root, then its output.
    const listed = new Promise<void>((resolve) => setTimeout(() => {
      const file = join(stateDir, 'temproots', '4242');
      writeFileSync(file, `${storeDir}/${hash}-out\0`);
      locks.push(holdExclusiveLocks([file]));
      resolve();
    }, 100));
    const found = await findRoots(settings, () => false, { order: 'any', storeListed: listed });
    expect([...found.tempHashParts]).toEqual([hash]);
    // A listing that failed (told where it is taken) does not stop the roots.
    const failed = Promise.reject(new Error('no store directory'));
    // As listingThread.ts makes its promise: handled until taken.
    failed.catch(() => undefined);
    await expect(findRoots(settings, () => false, { order: 'any', storeListed: failed })).resolves.toBeDefined();
  });
});
