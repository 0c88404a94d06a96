/**
 * A dry run shows exactly what the real run with the same flags deletes (issue 7, item 7), and
 * says what it does in words that are true.
 */
import { chmodSync, linkSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => worlds.splice(0).forEach((w) => w.dispose()));

const KiB = 1024;

/**
 * Dead paths of known sizes in a chain (each refers to the next), one rooted path, two junk
 * entries, an optimised file shared by two dead paths through `.links`, and a stale auto link.
 * Access times are set (the same in every world built): the chain's files were read 40 days and
 * more ago, the shared file yesterday, so `--order lru` goes another way than Nix's order.
 */
function world(): NixWorld {
  const w = new NixWorld();
  worlds.push(w);
  const live = w.addPath(hashOf(90), 'live');
  symlinkSync(live, join(w.state, 'gcroots', 'live'));
  writeFileSync(join(w.store, 'junk1'), 'j'.repeat(3 * KiB));
  writeFileSync(join(w.store, 'junk2'), 'k'.repeat(5 * KiB));
  // A chain: each path refers to the one before; registered in one call.
  const sizes = [10, 20, 40, 80, 160, 320];
  const chain = sizes.map((_, i) => join(w.store, `${hashOf(i + 1)}-p${i}`));
  chain.forEach((p, i) => writeFileSync(p, 'x'.repeat(sizes[i]! * KiB)));
  // Two dead directories sharing one optimised file (nlink 3: the .links entry and both).
  mkdirSync(join(w.store, '.links'), { recursive: true });
  const shared = join(w.store, '.links', '0'.repeat(52));
  writeFileSync(shared, 's'.repeat(64 * KiB));
  const dirs = [join(w.store, `${hashOf(20)}-d0`), join(w.store, `${hashOf(21)}-d1`)];
  for (const d of dirs) {
    mkdirSync(d);
    linkSync(shared, join(d, 'shared'));
    chmodSync(d, 0o555);
  }
  const input = chain.map((p, i) => (i === 0 ? `${p}\n\n0\n` : `${p}\n\n1\n${chain[i - 1]}\n`)).join('') + dirs.map((d) => `${d}\n\n0\n`).join('');
  const reg = w.nix(['--register-validity'], input);
  if (reg.status !== 0) throw new Error(reg.stderr);
  const now = Math.floor(Date.now() / 1000);
  chain.forEach((p, i) => utimesSync(p, now - (40 + i) * 86_400, 1));
  utimesSync(shared, now - 86_400, 1);
  // A stale gcroots/auto link: its outside target is gone.
  mkdirSync(join(w.state, 'gcroots', 'auto'), { recursive: true });
  symlinkSync(join(w.root, 'gone-result'), join(w.state, 'gcroots', 'auto', 'stale'));
  return w;
}

const rel = (w: NixWorld, paths: string[]): string[] => paths.map((p) => p.replace(w.root, '@'));

describe.skipIf(!HAVE_NIX)('storegc gc --dry-run', () => {
  // --order lru is the default under a budget; Nix's order on fewer limits, to spare time.
  for (const [order, limits] of [['lru', ['0', '1', '9K', '40K', '200K', '1000K']], ['nix', ['1', '40K', '200K']]] as const) {
    it(`deletes, under --max-freed, exactly what the real run with the same limit deletes, in the same order (--order ${order})`, () => {
      const flags = order === 'lru' ? [] : ['--order', 'nix'];
      for (const limit of limits) {
        const dry = world();
        const real = world();
        const before = dry.dbRows();
        const d = JSON.parse(dry.storegc(['gc', '--dry-run', '--max-freed', limit, '--json', ...flags]).stdout);
        const r = JSON.parse(real.storegc(['gc', '--max-freed', limit, '--json', ...flags]).stdout);
        expect(dry.dbRows()).toEqual(before);
        expect(d.order).toBe(order);
        expect(rel(dry, d.deleted), `--max-freed ${limit}`).toEqual(rel(real, r.deleted));
        expect(d.totals.bytesFreed, `--max-freed ${limit}`).toBe(r.totals.bytesFreed);
        expect(d.totals.diskBytesFreed, `--max-freed ${limit}`).toBe(r.totals.diskBytesFreed);
        expect(d.limitReached, `--max-freed ${limit}`).toBe(r.limitReached);
        expect(d.keptByPolicy, `--max-freed ${limit}`).toEqual(r.keptByPolicy);
        expect(d.links.removed, `--max-freed ${limit}`).toBe(r.links.removed);
        expect(rel(dry, d.staleLinksRemoved)).toEqual(rel(real, r.staleLinksRemoved));
        dry.dispose();
        real.dispose();
        worlds.splice(0);
      }
    });
  }

  it('under --order lru goes least recently used first, referrers before references, junk first', () => {
    const w = world();
    const d = JSON.parse(w.storegc(['gc', '--dry-run', '--json', '--order', 'lru']).stdout);
    const names = rel(w, d.deleted).map((p) => p.replace(/^@\/store\/(0+[0-9]+-)?/, ''));
    // Junk in the store directory's order, as Nix deletes it.
    expect(names.slice(0, 2).sort()).toEqual(['junk1', 'junk2']);
    // d0 and d1 were last used together (their one file is the same inode): Nix's order breaks the tie.
    expect(names.slice(2)).toEqual(['p5', 'p4', 'p3', 'p2', 'p1', 'p0', 'd1', 'd0']);
    const nix = JSON.parse(w.storegc(['gc', '--dry-run', '--json']).stdout);
    expect(nix.order).toBe('nix');
    expect(rel(w, nix.deleted)).not.toEqual(rel(w, d.deleted));
  });

  it('says what it does, and reports disk blocks and apparent size, labelled', () => {
    const w = world();
    const r = w.storegc(['gc', '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('determining what to delete...');
    expect(r.stderr).not.toContain('deleting garbage');
    expect(r.stderr).toContain(`would remove stale link '${join(w.state, 'gcroots', 'auto', 'stale')}'`);
    expect(r.stderr).toContain('would remove 1 unused .links entries');
    const last = r.stdout.trim().split('\n').at(-1)!;
    const m = /^10 store paths would be deleted, freeing ([0-9]+\.[0-9]{2}) MiB on disk \(apparent size ([0-9]+\.[0-9]{2}) MiB, which nix-store reports; narSize [0-9.]+ MiB\)$/.exec(last);
    expect(m, last).not.toBeNull();
    // The apparent size is what the real run's (Nix-identical) summary line reports.
    expect(w.storegc(['gc']).stdout).toBe(`10 store paths deleted, ${m![2]} MiB freed\n`);
  });
});

describe.skipIf(!HAVE_NIX)('storegc gc messages', () => {
  it('prints deleting per path on stderr like Nix, a note that never goes negative, and no progress with --quiet', () => {
    const ours = new NixWorld();
    const theirs = new NixWorld();
    worlds.push(ours, theirs);
    for (const w of [ours, theirs]) {
      w.addPath(hashOf(1), 'a');
      w.addPath(hashOf(2), 'b');
      writeFileSync(join(w.store, 'junk'), 'junk\n');
    }
    const r = ours.storegc(['gc']);
    const n = theirs.nix(['--gc']);
    const deleting = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('deleting \'')).map((l) => l.replace(/\/dev\/shm\/storegc-world-[^/]+/, '@')).sort();
    expect(deleting(r.stderr)).toEqual(deleting(n.stderr));
    expect(deleting(r.stderr)).toHaveLength(3);
    expect(r.stderr).toContain('note: currently hard linking saves 0.00 MiB');
    // Nix's message when --max-freed stops the run.
    const limited = (w: NixWorld, args: string[]): string | undefined => w.storegc(args).stderr.split('\n').find((l) => l.startsWith('deleted more than'));
    const twin = new NixWorld();
    worlds.push(twin);
    twin.addPath(hashOf(1), 'a');
    twin.addPath(hashOf(2), 'b');
    expect(twin.nix(['--gc', '--max-freed', '1']).stderr).toContain('deleted more than 1 bytes; stopping');
    const ourTwin = new NixWorld();
    worlds.push(ourTwin);
    ourTwin.addPath(hashOf(1), 'a');
    ourTwin.addPath(hashOf(2), 'b');
    expect(limited(ourTwin, ['gc', '--max-freed', '1'])).toBe('deleted more than 1 bytes; stopping');
    const empty = new NixWorld();
    worlds.push(empty);
    const json = JSON.parse(empty.storegc(['gc', '--json']).stdout);
    expect(json.interrupted).toBeNull();
    const q = new NixWorld();
    worlds.push(q);
    q.addPath(hashOf(1), 'a');
    const quiet = q.storegc(['gc', '--quiet']);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe('1 store paths deleted, 0.00 MiB freed\n');
  });

  it('--quiet hides progress but not warnings, which say the truth and start with storegc: warning:', () => {
    const w = new NixWorld();
    worlds.push(w);
    const a = w.addPath(hashOf(1), 'a');
    const b = w.addPath(hashOf(2), 'b', [a]);
    const r = w.storegc(['delete', '--quiet', '--skip-live', a]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`storegc: warning: kept '${a}': referenced by '${b}', which is not being deleted\n`);
    expect(r.stdout).toBe('0 store paths deleted, 0.00 MiB freed\n');
  });
});

describe.skipIf(!HAVE_NIX)('storegc delete', () => {
  it('names the dead referrer that blocks a requested path, and exits 1 as nix-store --delete does', () => {
    const w = new NixWorld();
    worlds.push(w);
    const a = w.addPath(hashOf(1), 'a');
    const b = w.addPath(hashOf(2), 'b', [a]);
    const c = w.addPath(hashOf(3), 'c', [b]);
    const r = w.storegc(['delete', a, b]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`storegc: error: cannot delete '${a}': it is referenced by '${c}', which is not being deleted; delete both, or pass --skip-live`);
    expect(w.nix(['--delete', a, b]).status).toBe(1);
    expect(w.storegc(['delete', a, b, c]).stdout).toBe('3 store paths deleted, 0.00 MiB freed\n');
  });
});
