/** `keptByPolicy` in words and in JSON, for gc, status and history (one place for all three). */
import { formatMiB } from './mib.js';

type Tallies = Readonly<Record<string, { readonly paths: number; readonly narSize: number | bigint } | undefined>>;

/** `{ policy: { paths, narSize } }`, bytes as numbers (gc) or as strings (history, like its other bytes). */
export function keptByPolicyJson(kept: Tallies, bytes: 'number' | 'string'): Record<string, { paths: number; narSize: number | string }> {
  const out: Record<string, { paths: number; narSize: number | string }> = {};
  for (const [policy, t] of Object.entries(kept)) {
    // Records written before narSize was kept carry only `bytes` (always 0): read them as 0.
    if (t !== undefined) out[policy] = { paths: t.paths, narSize: bytes === 'number' ? Number(t.narSize ?? 0) : String(t.narSize ?? 0) };
  }
  return out;
}

/** `kept by policy: keepRecent 3 paths (1.20 MiB narSize), budget 0 paths (0.00 MiB narSize)`, or undefined with no policy in effect. */
export function keptByPolicyText(kept: Tallies): string | undefined {
  const parts = Object.entries(kept).flatMap(([policy, t]) => (t === undefined ? [] : [`${policy} ${t.paths} paths (${formatMiB(t.narSize ?? 0)} MiB narSize)`]));
  return parts.length === 0 ? undefined : `kept by policy: ${parts.join(', ')}`;
}
