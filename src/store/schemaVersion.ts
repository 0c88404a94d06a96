/**
 * The schema version of a Nix database (`STATE/db/schema`, reference §10.8). Nix 2.8 refuses a
 * database newer than the version it supports, and upgrades older ones (which writes); storegc
 * reads and deletes rows by Nix 2.8's schema, so it accepts exactly that version.
 */
import { readFileSync } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import { display, fsPath } from './bytes.js';

export const NIX_SCHEMA_VERSION = 10;

export function checkSchemaVersion(schemaFile: string): void {
  let text: string;
  try {
    text = readFileSync(fsPath(schemaFile), 'latin1');
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT') {
      throw new StoregcError('db-schema', display(schemaFile), 'no schema version file next to the Nix database', 'point --state-dir at a state directory Nix has opened (it writes db/schema), or run `nix-store --verify` once as its owner');
    }
    throw new StoregcError('db-unreadable', display(schemaFile), `cannot read the database schema version (${errno ?? 'error'})`, errno === 'EACCES' ? 'run as a user who can read it (usually root)' : 'check the file');
  }
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed)) throw new StoregcError('db-schema', display(schemaFile), 'the database schema version file is corrupt', `it should hold ${NIX_SCHEMA_VERSION}; check which Nix wrote this state directory`);
  const version = Number(trimmed);
  if (version > NIX_SCHEMA_VERSION) {
    throw new StoregcError('db-schema', display(schemaFile), `current Nix store schema is version ${version}, but I only support ${NIX_SCHEMA_VERSION}`, 'use the collector of the Nix that wrote this database');
  }
  if (version < NIX_SCHEMA_VERSION) {
    throw new StoregcError('db-schema', display(schemaFile), `Nix store schema is version ${version}, older than ${NIX_SCHEMA_VERSION}, which storegc reads`, 'let Nix upgrade it first: run `nix-store --verify` once as the owner of the store');
  }
}
