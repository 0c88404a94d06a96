/**
 * The graph cache through the CLI: `live`/`dead` write and use it (same output as --no-index,
 * which writes nothing); a damaged cache is rebuilt with a warning; `index verify` compares it
 * with a full load and exits 1 on a difference; `index status` describes it.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/graph/cache/cacheFile.js';
import { TextColumn } from '../../src/graph/cache/textColumn.js';
import { StoreBuilder } from '../support/builder.js';
import { materializeStore } from '../support/materialize.js';
import { runStoregc } from '../support/run.js';
import { useTempDirs } from '../support/tempDir.js';

const CACHE = 'var/storegc/graph-cache.bin';

function store(root: string): void {
  const b = new StoreBuilder(302);
  const [p, q] = [b.path('p'), b.path('q')];
  b.path('r', { refs: [q] });
  b.symlinkRoot('gcroots/p', p);
  b.path('dead-one');
  b.path('dead-two');
  materializeStore(b.build(), root).release();
}

describe('storegc with the graph cache', () => {
  const tempDir = useTempDirs('each');

  it('serves live and dead like a full load, rebuilds a damaged cache with a warning, and is verified', () => {
    const root = tempDir('storegc-gcache-cli-');
    store(root);
    const cache = join(root, CACHE);
    const full = runStoregc(root, ['dead', '--no-index']);
    expect(full.status, full.stderr).toBe(0);
    expect(existsSync(cache)).toBe(false);
    const first = runStoregc(root, ['dead']);
    expect(first.stdout.toString()).toBe(full.stdout.toString());
    expect(existsSync(cache)).toBe(true);
    expect(runStoregc(root, ['dead']).stdout.toString()).toBe(full.stdout.toString());

    const status = runStoregc(root, ['index', 'status']);
    expect(status.stdout.toString()).toMatch(/graph cache: .*graph-cache\.bin\n\d+ paths, \d+ references, [\d,]+ bytes/);
    const verified = runStoregc(root, ['index', 'verify']);
    expect(verified.status, verified.stdout.toString() + verified.stderr).toBe(0);
    expect(verified.stdout.toString()).toContain('no difference from a full load');

    // Torn file: the checksum fails, the cache is rebuilt with a warning, the output is unchanged.
    const bytes = readFileSync(cache);
    writeFileSync(cache, bytes.subarray(0, bytes.length - 10));
    const torn = runStoregc(root, ['dead']);
    expect(torn.stdout.toString()).toBe(full.stdout.toString());
    expect(torn.stderr).toMatch(/graph cache .* was unusable \(checksum mismatch/);
    // The same rows and graph (whether the database files' fingerprint was kept depends on how
    // long they have been quiet, so it is left out of the comparison, and so is the graph's
    // name, drawn anew for the rebuilt file).
    const content = (b: Buffer): Buffer => {
      const d = decode(b);
      return encode(d.identity, d.rows, d.graph === undefined ? undefined : [d.graph], undefined, undefined, '00'.repeat(28));
    };
    expect(content(readFileSync(cache)).equals(content(bytes))).toBe(true);

    // A well-formed cache with a wrong path under a kept id (a change Nix never makes, so the
    // refresh does not look for it): verify must report it and exit 1.
    // Written without its graph, the file holds the paths (the database's, by id).
    const { identity, rows } = decode(bytes);
    expect(rows.vpPath).toBeUndefined();
    const db = new Database(join(root, 'var/db/db.sqlite'), { readonly: true });
    const paths = db.prepare('select path from ValidPaths order by id').pluck().all() as string[];
    db.close();
    expect(paths).toHaveLength(rows.vpId.length);
    paths[1] = `${paths[1]}-wrong`;
    writeFileSync(cache, encode(identity, { ...rows, vpPath: TextColumn.of(paths) }));
    const drift = runStoregc(root, ['index', 'verify']);
    expect(drift.status).toBe(1);
    expect(drift.stdout.toString()).toContain('graph cache: path');
    expect(drift.stdout.toString()).toMatch(/1 differences? from a full load/);

    // `index rebuild` replaces it with the database's rows.
    expect(runStoregc(root, ['index', 'rebuild']).status).toBe(0);
    expect(runStoregc(root, ['index', 'verify']).status).toBe(0);
  });
});
