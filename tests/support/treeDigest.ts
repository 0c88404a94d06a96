/**
 * A digest of a whole directory tree: for every entry (sorted by byte order of its relative
 * path) its type, mode, mtime, size and content hash or symlink target. Two digests are equal
 * iff nothing was created, removed or modified (as far as content, mode and mtime show).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { joinRaw, listDirRaw } from './fsTree.js';

export interface DigestOptions {
  /** Relative paths (from the digest root) to leave out, with everything below them. */
  readonly ignore?: (rel: string) => boolean;
  /** Record mtimes (default true); a function decides per relative path. */
  readonly mtimes?: boolean | ((rel: string) => boolean);
}

/**
 * One line per entry: `rel type mode mtime size payload`, sorted by rel in byte order. Names may
 * be any bytes: `rel` is shown in latin1 (one char per byte), so distinct names stay distinct.
 */
export function treeLines(root: string, opts: DigestOptions = {}): string[] {
  const lines: { rel: Buffer; line: string }[] = [];
  const walkRaw = (relRaw: Buffer): void => {
    const rel = relRaw.toString('latin1');
    if (rel !== '' && opts.ignore?.(rel) === true) return;
    const abs = relRaw.length === 0 ? Buffer.from(root) : joinRaw(Buffer.from(root), relRaw);
    const st = lstatSync(abs, { bigint: true });
    const withMtime = typeof opts.mtimes === 'function' ? opts.mtimes(rel) : opts.mtimes !== false;
    const mtime = withMtime ? String(st.mtimeNs) : '-';
    let type = 'other';
    let payload = '';
    if (st.isDirectory()) type = 'dir';
    else if (st.isSymbolicLink()) [type, payload] = ['symlink', readlinkSync(abs, 'buffer').toString('latin1')];
    else if (st.isFile()) [type, payload] = ['file', createHash('sha256').update(readFileSync(abs)).digest('hex')];
    else if (st.isFIFO()) type = 'fifo';
    const size = st.isDirectory() ? '-' : String(st.size);
    lines.push({ rel: relRaw, line: `${rel} ${type} ${st.mode.toString(8)} ${mtime} ${size} ${payload}` });
    if (st.isDirectory()) for (const name of listDirRaw(abs)) walkRaw(relRaw.length === 0 ? name : joinRaw(relRaw, name));
  };
  walkRaw(Buffer.alloc(0));
  return lines.sort((a, b) => Buffer.compare(a.rel, b.rel)).map((l) => l.line);
}

export function treeDigest(root: string, opts: DigestOptions = {}): string {
  return createHash('sha256').update(treeLines(root, opts).join('\n')).digest('hex');
}
