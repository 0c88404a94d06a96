/**
 * Thin filesystem writers for StoreSpec entries, and a remover that also works on read-only
 * trees (store paths are made 0555 like Nix does).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, opendirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expandAt, type FsEntry, type FsNode } from './spec.js';

/** Creates `abs` as described by `node` (parents are created as needed); `root` expands `@/`. */
export function writeNode(abs: string, node: FsNode, root: string): void {
  mkdirSync(dirname(abs), { recursive: true });
  switch (node.type) {
    case 'dir':
      if (!isDir(abs)) mkdirSync(abs);
      if (node.mode !== undefined) chmodSync(abs, node.mode);
      return;
    case 'file':
      writeFileSync(abs, node.content);
      chmodSync(abs, node.mode ?? 0o444);
      return;
    case 'symlink':
      symlinkSync(expandAt(node.target, root), abs);
      return;
    case 'fifo': {
      const r = spawnSync('mkfifo', [abs]);
      if (r.status !== 0) throw new Error(`mkfifo ${abs}: ${r.stderr.toString()}`);
      return;
    }
  }
}

/** Writes entries (paths relative to `base`; '' is `base` itself) in order. */
export function writeEntries(base: string, entries: readonly FsEntry[], root: string): void {
  for (const e of entries) writeNode(e.path === '' ? base : join(base, e.path), e.node, root);
}

/** Makes every directory of the tree at `abs` 0555 (children first), as Nix canonicalises outputs. */
export function makeReadOnly(abs: string): void {
  if (!isDir(abs)) return;
  for (const name of listDir(abs)) makeReadOnly(join(abs, name));
  chmodSync(abs, 0o555);
}

/** Removes `abs` recursively, restoring write permission on directories first; no-op if absent. */
export function removeTree(abs: string | Buffer): void {
  restoreWritable(typeof abs === 'string' ? Buffer.from(abs) : abs);
  rmSync(abs, { recursive: true, force: true });
}

/** Removes everything inside `dir` but keeps `dir` itself (names may be any bytes). */
export function emptyDir(dir: string): void {
  for (const name of listDirRaw(dir)) removeTree(joinRaw(Buffer.from(dir), name));
}

/** Directory entries in raw readdir order (not sorted). */
export function listDir(dir: string): string[] {
  return listDirRaw(dir).map((n) => n.toString('utf8'));
}

/** Directory entry names as raw bytes, in raw readdir order. */
export function listDirRaw(dir: string | Buffer): Buffer[] {
  // Node supports encoding 'buffer' here although @types/node only declares BufferEncoding.
  const d = opendirSync(dir as string, { encoding: 'buffer' as BufferEncoding });
  const names: Buffer[] = [];
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) names.push(e.name as unknown as Buffer);
  } finally {
    d.closeSync();
  }
  return names;
}

/** `dir + "/" + name` as bytes. */
export function joinRaw(dir: Buffer, name: Buffer): Buffer {
  return Buffer.concat([dir, Buffer.from('/'), name]);
}

function restoreWritable(abs: Buffer): void {
  if (!isDir(abs)) return;
  chmodSync(abs, 0o755);
  for (const name of listDirRaw(abs)) restoreWritable(joinRaw(abs, name));
}

function isDir(abs: string | Buffer): boolean {
  try {
    return lstatSync(abs).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
