/**
 * The ages `roots --sizes` shows are each root link's own mtime (lstat, not the target's), the
 * lstats being split between two threads: every row must get its own link's age.
 */
import { lutimesSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from '../collect/nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

describe('roots --sizes ages', () => {
  it.skipIf(!HAVE_NIX)('gives each root the age of its own link, and --sort age lists the oldest first', () => {
    const w = new NixWorld();
    worlds.push(w);
    const dir = join(w.state, 'gcroots', 'aged');
    mkdirSync(dir, { recursive: true });
    const now = Date.now() / 1000;
    const days = [5, 1, 9, 3, 7, 2, 8];
    days.forEach((d, i) => {
      const path = w.addPath(hashOf(i + 1), `p${i}`);
      const link = join(dir, `r${i}`);
      symlinkSync(path, link);
      lutimesSync(link, now - d * 86_400, now - d * 86_400);
    });
    type Row = { link: string; ageSeconds: number | null };
    const rows = (sort: string): Row[] => {
      const r = w.storegc(['roots', '--sizes', '--json', '--no-runtime-roots', '--sort', sort]);
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { roots: Row[] }).roots;
    };
    const byLink = rows('link');
    expect(byLink.map((r) => r.link)).toEqual(days.map((_, i) => join(dir, `r${i}`)));
    byLink.forEach((r, i) => expect(Math.abs(r.ageSeconds! - days[i]! * 86_400), r.link).toBeLessThan(120));
    expect(rows('age').map((r) => r.link)).toEqual([...days.keys()].sort((a, b) => days[b]! - days[a]!).map((i) => join(dir, `r${i}`)));
  }, 60_000);

  it.skipIf(!HAVE_NIX)('lists links changed within one second by their times under --sort age, whenever it runs', () => {
    // Ages in whole seconds tied these two (in link order: a, then b) but in the tenth of a
    // millisecond in each second when the run's clock stood between them.
    const w = new NixWorld();
    worlds.push(w);
    const dir = join(w.state, 'gcroots', 'close');
    mkdirSync(dir, { recursive: true });
    const second = Math.floor(Date.now() / 1000) - 3 * 86_400;
    const at = { a: second + 0.5001, b: second + 0.5 };
    for (const [name, time] of Object.entries(at)) {
      const link = join(dir, name);
      symlinkSync(w.addPath(hashOf(name === 'a' ? 1 : 2), name), link);
      lutimesSync(link, time, time);
    }
    for (let run = 0; run < 3; run++) {
      const r = w.storegc(['roots', '--sizes', '--json', '--no-runtime-roots', '--sort', 'age']);
      expect(r.status, r.stderr).toBe(0);
      const rows = (JSON.parse(r.stdout) as { roots: { link: string }[] }).roots;
      expect(rows.map((row) => row.link)).toEqual([join(dir, 'b'), join(dir, 'a')]);
    }
  }, 60_000);

  it.skipIf(!HAVE_NIX)('gives an indirect root the age of its link outside the state dir, not of the auto link', () => {
    const w = new NixWorld();
    worlds.push(w);
    const now = Date.now() / 1000;
    const path = w.addPath(hashOf(1), 'p');
    const outside = join(w.root, 'proj', 'result');
    mkdirSync(join(w.root, 'proj'));
    symlinkSync(path, outside);
    lutimesSync(outside, now - 4 * 86_400, now - 4 * 86_400);
    mkdirSync(join(w.state, 'gcroots', 'auto'), { recursive: true });
    const auto = join(w.state, 'gcroots', 'auto', 'x');
    symlinkSync(outside, auto);
    lutimesSync(auto, now - 11 * 86_400, now - 11 * 86_400);
    const r = w.storegc(['roots', '--sizes', '--json', '--no-runtime-roots']);
    expect(r.status, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { roots: { link: string; ageSeconds: number | null }[] }).roots;
    expect(rows.map((row) => row.link)).toEqual([outside]);
    expect(Math.abs(rows[0]!.ageSeconds! - 4 * 86_400)).toBeLessThan(120);
  }, 60_000);
});
