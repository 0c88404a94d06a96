/**
 * NAR serialisation, so that stores written straight into the DB carry
 * the narHash and narSize Nix computes (`nix-store --verify --check-contents` then passes).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

const BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

/** Nix's base-32 (as in `.links` entry names and store hash parts). */
export function nixBase32(bytes: Buffer): string {
  const len = Math.ceil((bytes.length * 8) / 5);
  let out = '';
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    const c = (bytes[i]! >> j) | (i >= bytes.length - 1 ? 0 : (bytes[i + 1]! << (8 - j)) & 0xff);
    out += BASE32[c & 0x1f];
  }
  return out;
}

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

/** The name `nix-store --optimise` gives a file's `.links` entry: base-32 sha256 of its NAR. */
export function linkNameOf(path: string): string {
  return nixBase32(createHash('sha256').update(narOf(path)).digest());
}
