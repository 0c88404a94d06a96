/**
 * NAR serialisation, so that stores written straight into the DB carry
 * the narHash and narSize Nix computes (`nix-store --verify --check-contents` then passes).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** The NAR of a file system object, as Nix serialises it. */
export function narOf(path: string): Buffer {
  const parts: Buffer[] = [];
  const str = (s: string | Buffer): void => {
    const data = typeof s === 'string' ? Buffer.from(s) : s;
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(data.length));
    parts.push(len, data, Buffer.alloc((8 - (data.length % 8)) % 8));
  };
  const node = (p: string): void => {
    const st = lstatSync(p);
    str('(');
    str('type');
    if (st.isSymbolicLink()) {
      str('symlink');
      str('target');
      str(readlinkSync(p, { encoding: 'buffer' }));
    } else if (st.isFile()) {
      str('regular');
      if (st.mode & 0o100) {
        str('executable');
        str('');
      }
      str('contents');
      str(readFileSync(p));
    } else {
      str('directory');
      const names = readdirSync(p).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const name of names) {
        str('entry');
        str('(');
        str('name');
        str(name);
        str('node');
        node(`${p}/${name}`);
        str(')');
      }
    }
    str(')');
  };
  str('nix-archive-1');
  node(path);
  return Buffer.concat(parts);
}

/** `sha256:<hex>` (as Nix 2.8 writes ValidPaths.hash) and size of a path's NAR. */
export function narInfo(path: string): { hash: string; size: number } {
  const nar = narOf(path);
  return { hash: `sha256:${createHash('sha256').update(nar).digest('hex')}`, size: nar.length };
}
