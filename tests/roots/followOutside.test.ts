/**
 * Outside targets of indirect roots looked at many at once (followOutside.ts): the native
 * helper's readlinks answer what an lstat and a readlink each answered.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookOutsideAllNow, lookOutsideNow } from '../../src/roots/followOutside.js';
import type { OutsideLooks } from '../../src/roots/followOutside.js';
import { native } from '../../src/store/native.js';

const tmp = mkdtempSync(join(tmpdir(), 'storegc-outside-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Kinds and targets; for errors, the finding's code and path (the message names the system call). */
const shape = (looks: OutsideLooks): unknown[] => looks.map((look) => (look.kind === 'error' ? { kind: 'error', code: look.finding.code, path: look.finding.path } : look));

describe('lookOutsideAllNow', () => {
  it('gives what lookOutsideNow gives, for every kind of place, natively and in Node', () => {
    expect(native()?.readLinks).toBeTypeOf('function');
    const at = (name: string): string => join(tmp, name);
    symlinkSync('/nix/store/aaaa-target', at('link'));
    symlinkSync('relative/target', at('relative'));
    writeFileSync(at('file'), '');
    mkdirSync(at('dir'));
    symlinkSync(at('loop-b'), at('loop-a'));
    symlinkSync(at('loop-a'), at('loop-b'));
    // A name of bytes that are not UTF-8 (a binary string: one char per byte).
    const latin = Buffer.from([0x6c, 0xe9, 0xff]).toString('latin1');
    symlinkSync('/nix/store/bbbb-latin', Buffer.from(at(latin), 'latin1'));
    const places = [
      at('link'), at('relative'), at('file'), at('dir'), at('missing'), at('file/below'), at('loop-a/below'), at(latin), `${at('nul')}\0x`, at('link/'),
    ];
    const items = [
      { link: '/gcroots/auto/one', places: places.slice(0, 4) },
      { link: '/gcroots/auto/two', places: [] },
      { link: '/gcroots/auto/three', places: places.slice(4) },
    ];
    const want = items.map(({ link, places: p }) => shape(lookOutsideNow(link, p)));
    expect(want[0]).toEqual([{ kind: 'link', target: '/nix/store/aaaa-target' }, { kind: 'link', target: 'relative/target' }, { kind: 'not-a-link' }, { kind: 'not-a-link' }]);
    expect(want[2]!.map((l) => (l as { kind: string }).kind)).toEqual(['missing', 'missing', 'error', 'link', 'error', expect.any(String)]);
    expect(lookOutsideAllNow(items).map(shape)).toEqual(want);
    expect(lookOutsideAllNow(items, 'node').map(shape)).toEqual(want);
  });
});
