/**
 * Writes STATE/db exactly as Nix 2.8 lays it out: `schema` containing `10`, and db.sqlite with
 * the 2.8 schema.sql text (as a fresh Nix 2.8 store shows it in `sqlite3 .schema`), WAL journal.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { narInfo } from './nar.js';
import type { StoreSpec } from './spec.js';
import { HASH_ALPHABET } from './storePathSyntax.js';

export const NIX_28_SCHEMA = `
create table if not exists ValidPaths (
    id               integer primary key autoincrement not null,
    path             text unique not null,
    hash             text not null,
    registrationTime integer not null,
    deriver          text,
    narSize          integer,
    ultimate         integer, -- null implies "false"
    sigs             text, -- space-separated
    ca               text -- if not null, an assertion that the path is content-addressed; see ValidPathInfo
);

create table if not exists Refs (
    referrer  integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
);

create index if not exists IndexReferrer on Refs(referrer);
create index if not exists IndexReference on Refs(reference);

-- Paths can refer to themselves, causing a tuple (N, N) in the Refs
-- table.  This causes a deletion of the corresponding row in
-- ValidPaths to cause a foreign key constraint violation (due to \`on
-- delete restrict' on the \`reference' column).  Therefore, explicitly
-- get rid of self-references.
create trigger if not exists DeleteSelfRefs before delete on ValidPaths
  begin
    delete from Refs where referrer = old.id and reference = old.id;
  end;

create table if not exists DerivationOutputs (
    drv  integer not null,
    id   text not null, -- symbolic output id, usually "out"
    path text not null,
    primary key (drv, id),
    foreign key (drv) references ValidPaths(id) on delete cascade
);

create index if not exists IndexDerivationOutputs on DerivationOutputs(path);
`;

/**
 * Writes `dbDir/schema` and `dbDir/db.sqlite` for the registered paths of `spec`. Paths on disk
 * (already written under `storeDir`) get the narHash and narSize of their real contents, so
 * `nix-store --verify --check-contents` passes; paths missing on disk keep `spec.narSize`.
 */
export function writeNixDb(spec: StoreSpec, dbDir: string, storeDir: string): void {
  mkdirSync(dbDir, { recursive: true });
  writeFileSync(join(dbDir, 'schema'), '10');
  const db = new Database(join(dbDir, 'db.sqlite'));
  try {
    db.pragma('journal_mode = wal');
    db.pragma('foreign_keys = 1');
    db.exec(NIX_28_SCHEMA);
    const full = (base: string): string => `${storeDir}/${base}`;
    const insertPath = db.prepare(
      'insert into ValidPaths (path, hash, registrationTime, deriver, narSize) values (?, ?, ?, ?, ?)',
    );
    const insertRef = db.prepare('insert into Refs (referrer, reference) values (?, ?)');
    const insertOut = db.prepare('insert into DerivationOutputs (drv, id, path) values (?, ?, ?)');
    db.transaction(() => {
      const ids = new Map<string, number | bigint>();
      const registered = spec.paths.filter((p) => p.registered);
      registered.forEach((p, i) => {
        const deriver = p.deriver === null ? null : full(p.deriver);
        const nar = p.onDisk ? narInfo(full(p.base)) : { hash: fakeNarHash(p.hash), size: p.narSize };
        ids.set(p.base, insertPath.run(full(p.base), nar.hash, 1_700_000_000 + i, deriver, nar.size).lastInsertRowid);
      });
      const idOf = (base: string): number | bigint => {
        const id = ids.get(base);
        if (id === undefined) throw new Error(`not registered: ${base}`);
        return id;
      };
      for (const p of registered) for (const r of p.refs) insertRef.run(idOf(p.base), idOf(r));
      for (const o of spec.derivationOutputs) insertOut.run(idOf(o.drv), o.id, full(o.path));
    })();
  } finally {
    db.close();
  }
}

/** A well-formed `sha256:<nix-base32>` for paths without contents (the GC parses it, never checks it). */
function fakeNarHash(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let n = 51; n >= 0; n--) {
    const i = Math.floor((n * 5) / 8);
    const j = (n * 5) % 8;
    const c = ((digest[i] ?? 0) >> j) | (i >= 31 ? 0 : (digest[i + 1] ?? 0) << (8 - j));
    out += HASH_ALPHABET.charAt(c & 0x1f);
  }
  return `sha256:${out}`;
}
