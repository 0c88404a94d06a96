#!/usr/bin/env node
// Writes the demo store shipped in fixtures/demo: a chroot-style store (use `--root "$PWD/fixtures/demo"`: locations must be absolute)
// whose logical paths are /nix/store and /nix/var/nix. Rerun after changing it; the output is
// deterministic. The DB uses Nix 2.8's schema, with rollback journaling so that reading it
// read-only creates no -wal/-shm files in the repository.
import Database from 'better-sqlite3';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'demo');
const STORE = '/nix/store';
const STATE = '/nix/var/nix';
const at = (logical) => join(ROOT, logical);

// name -> { hash, refs, deriver, outputs (for .drv), size }
const PATHS = {
  'glibc-2.37': { hash: '0q4wjh4m9ih5mb6mhlj59xdjm6bg5ci9', refs: [] },
  'bash-5.2': { hash: '1hvm1l8b0xqc4ifxhhrbdyd2s5v3pga6', refs: ['glibc-2.37'] },
  'hello-2.12.drv': { hash: '2c5pg2ghsqqz35i0f8avc3z6ixf1j7lq', refs: ['bash-5.2'], outputs: { out: 'hello-2.12' } },
  'hello-2.12': { hash: '3ajd0jqzqb3k4ffy8cwhba7n1dq8ig14', refs: ['glibc-2.37'], deriver: 'hello-2.12.drv' },
  'firefox-120.0': { hash: '4x6ikr1a2l0q7qb2n9y7aq5dd3xl31rf', refs: ['glibc-2.37', 'bash-5.2'] },
  'firefox-119.0': { hash: '5s9lbbyj0qr8hm1m5z9p2mzlrjgq6a2c', refs: ['glibc-2.37'] },
  'user-environment': { hash: '6k3n5vxs0a0i0yf4b7zh9dlrl1a5i8ma', refs: ['firefox-120.0', 'hello-2.12'] },
  'user-environment-old': { hash: '7p1z8w3h8jx0d2n4wqm5a9dvg4lh1v2b', refs: ['firefox-119.0'] },
  'python3-3.11.6': { hash: '8a4cr2y9n6wdlzq1hz3p0k5f9sbbjm7x', refs: ['glibc-2.37'] },
  'build-output': { hash: '9d2vqz7y5xk1s3n8m4f6j0hpb2lwc1ga', refs: ['python3-3.11.6'] },
  'source.tar.gz': { hash: 'a0v6rjxv3n2f8mw4ksd1h9c5lq7zpb3y', refs: [] },
  'old-kernel-6.1': { hash: 'b7m2xl9d4qh1c8v0sj5n3w6zkr2fa4pd', refs: [] },
};
const full = (name) => `${STORE}/${PATHS[name].hash}-${name}`;

rmSync(ROOT, { recursive: true, force: true });
for (const [name, p] of Object.entries(PATHS)) {
  const dir = at(full(name));
  if (name.endsWith('.drv') || name.endsWith('.tar.gz')) {
    mkdirSync(dirname(dir), { recursive: true });
    writeFileSync(dir, `demo ${name}\n`);
  } else {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'bin', name.split('-')[0]), `#!/bin/sh\necho ${name}\n${p.refs.map(full).join('\n')}\n`);
  }
}
// Not registered: a partial build output, and junk that does not parse as a store path.
// A file inside, so that git keeps the directory (it keeps no empty ones).
mkdirSync(at(`${STORE}/c3k9v1m6zq8w2n4x7y0h5j1s3d8f6g2l-partial-output/bin`), { recursive: true });
writeFileSync(at(`${STORE}/c3k9v1m6zq8w2n4x7y0h5j1s3d8f6g2l-partial-output/bin/half-written`), "interrupted build\n");
writeFileSync(at(`${STORE}/junk-left-behind`), 'not a store path\n');
mkdirSync(at(`${STORE}/.links`), { recursive: true });

// Roots: a profile with two generations, a regular-file root (Hydra style), an indirect root
// through gcroots/auto, a stale auto link, and a relative link (which is not a root).
const link = (target, logical) => {
  mkdirSync(dirname(at(logical)), { recursive: true });
  symlinkSync(target, at(logical));
};
link(full('user-environment-old'), `${STATE}/profiles/per-user/alice/profile-1-link`);
link(full('user-environment'), `${STATE}/profiles/per-user/alice/profile-2-link`);
link('profile-2-link', `${STATE}/profiles/per-user/alice/profile`);
link(STATE + '/profiles', `${STATE}/gcroots/profiles`);
mkdirSync(at(`${STATE}/gcroots/hydra`), { recursive: true });
writeFileSync(at(`${STATE}/gcroots/hydra/${PATHS['build-output'].hash}-build-output`), '');
link('/home/alice/project/result', `${STATE}/gcroots/auto/4mhdzcwzr3y8vnm3w6l0bvv7fzzgyxdl`);
link(full('python3-3.11.6'), '/home/alice/project/result');
link('/home/alice/gone/result', `${STATE}/gcroots/auto/9xr5yq3hc0jzl1n2g8f6v4s7b0m2k1pw`);
link(`../../store/${PATHS['old-kernel-6.1'].hash}-old-kernel-6.1`, `${STATE}/gcroots/relative-kernel`);
mkdirSync(at(`${STATE}/temproots`), { recursive: true });
writeFileSync(at(`${STATE}/temproots/.keep`), '');

const confDir = at('/etc/nix');
mkdirSync(confDir, { recursive: true });
writeFileSync(join(confDir, 'nix.conf'), 'keep-derivations = true\nkeep-outputs = false\n');

mkdirSync(at(`${STATE}/db`), { recursive: true });
writeFileSync(at(`${STATE}/db/schema`), '10');
const db = new Database(at(`${STATE}/db/db.sqlite`));
db.pragma('journal_mode = delete');
db.exec(`
create table ValidPaths (id integer primary key autoincrement not null, path text unique not null,
  hash text not null, registrationTime integer not null, deriver text, narSize integer,
  ultimate integer, sigs text, ca text);
create table Refs (referrer integer not null, reference integer not null, primary key (referrer, reference),
  foreign key (referrer) references ValidPaths(id) on delete cascade,
  foreign key (reference) references ValidPaths(id) on delete restrict);
create index IndexReferrer on Refs(referrer);
create index IndexReference on Refs(reference);
create trigger DeleteSelfRefs before delete on ValidPaths
  begin delete from Refs where referrer = old.id and reference = old.id; end;
create table DerivationOutputs (drv integer not null, id text not null, path text not null,
  primary key (drv, id), foreign key (drv) references ValidPaths(id) on delete cascade);
create index IndexDerivationOutputs on DerivationOutputs(path);
`);
const ids = {};
const insert = db.prepare('insert into ValidPaths (path, hash, registrationTime, deriver, narSize) values (?, ?, ?, ?, ?)');
let t = 1_700_000_000;
for (const [name, p] of Object.entries(PATHS)) {
  const narSize = 1024 * (name.length * 37 % 900 + 100);
  ids[name] = insert.run(full(name), `sha256:${'0'.repeat(52)}`, t++, p.deriver ? full(p.deriver) : null, narSize).lastInsertRowid;
}
const ref = db.prepare('insert into Refs (referrer, reference) values (?, ?)');
const out = db.prepare('insert into DerivationOutputs (drv, id, path) values (?, ?, ?)');
for (const [name, p] of Object.entries(PATHS)) {
  for (const r of p.refs) ref.run(ids[name], ids[r]);
  for (const [id, o] of Object.entries(p.outputs ?? {})) out.run(ids[name], id, full(o));
}
db.close();
console.log(`wrote ${ROOT}`);
