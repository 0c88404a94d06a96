import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = join(__dirname, '..', '..', 'dist', 'roots', 'extraRoots.js');

/** Runs expandExtraRoots in a fresh node (dist), and says which glob modules it loaded. */
function expand(patterns: readonly string[]): { tops: string[]; globLoaded: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    const { expandExtraRoots } = await import(${JSON.stringify(DIST)});
    const { tops } = await expandExtraRoots(${JSON.stringify(patterns)}, undefined);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ tops, globLoaded: loaded.some((k) => k.includes('/node_modules/fast-glob/')) }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { tops: string[]; globLoaded: boolean };
}

describe('--extra-roots expansion', () => {
  it('loads the glob library only when there are patterns (it is a fifth of every run\'s start-up)', () => {
    expect(expand([])).toEqual({ tops: [], globLoaded: false });
    const dir = mkdtempSync(join(tmpdir(), 'storegc-extra-'));
    try {
      mkdirSync(join(dir, 'result-a'));
      mkdirSync(join(dir, 'other'));
      expect(expand([`${dir}/result*`])).toEqual({ tops: [join(dir, 'result-a')], globLoaded: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
