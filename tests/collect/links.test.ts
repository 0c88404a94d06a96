import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanLinks } from '../../src/collect/links.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the .links pass (reference §10.3)', () => {
  it('never reports negative savings (Nix 2.8 prints -0.00 MiB for the directory\'s own blocks)', () => {
    // On a disk file system, not tmpfs: there an empty directory has blocks of its own.
    dir = mkdtempSync(join(tmpdir(), 'storegc-links-'));
    mkdirSync(join(dir, '.links'));
    expect(statSync(join(dir, '.links')).blocks).toBeGreaterThan(0);
    expect(cleanLinks(dir)).toEqual({ removed: 0, savedBytes: 0 });
  });
});
