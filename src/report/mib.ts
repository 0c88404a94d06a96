/**
 * glibc's `%.2f` of bytes / 2^20: the exact binary value rounded half to even (reference §10.4).
 * JS toFixed rounds 0.125 up; glibc prints 0.12.
 */
export function formatMiB(bytes: number | bigint): string {
  let b = BigInt(bytes);
  const negative = b < 0n;
  if (negative) b = -b;
  const scaled = b * 100n;
  const unit = 1n << 20n;
  let q = scaled / unit;
  const r2 = (scaled % unit) * 2n;
  if (r2 > unit || (r2 === unit && q % 2n === 1n)) q += 1n;
  const text = `${q / 100n}.${String(q % 100n).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

/** Nix's closing line for deleting commands. */
export function summaryLine(pathsDeleted: number, bytesFreed: number): string {
  return `${pathsDeleted} store paths deleted, ${formatMiB(bytesFreed)} MiB freed\n`;
}
