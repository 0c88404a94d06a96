/**
 * nix.conf parsing (pure): `name = value` lines, `#` comments, `include` / `!include`.
 * Only the settings storegc needs are interpreted; the rest are kept as strings.
 */

export interface ConfLine {
  readonly name: string;
  readonly value: string;
}

export type ConfItem = ConfLine | { readonly include: string; readonly optional: boolean };

export function parseNixConf(text: string): ConfItem[] {
  const items: ConfItem[] = [];
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const line = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (line === '') continue;
    const words = line.split(/[ \t]+/);
    if ((words[0] === 'include' || words[0] === '!include') && words.length === 2 && words[1] !== undefined) {
      items.push({ include: words[1], optional: words[0] === '!include' });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    items.push({ name: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return items;
}

/** Nix's Boolean setting syntax: exactly `true` or `false`. */
export function parseBool(value: string): boolean | undefined {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** The GC settings and their aliases (reference §7.1). */
export const GC_SETTING_ALIASES: Readonly<Record<string, 'keepOutputs' | 'keepDerivations'>> = {
  'keep-outputs': 'keepOutputs',
  'gc-keep-outputs': 'keepOutputs',
  'keep-derivations': 'keepDerivations',
  'gc-keep-derivations': 'keepDerivations',
};
