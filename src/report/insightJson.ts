/**
 * JSON bodies of `why` and `roots --sizes` (issue 10's contract; schemaVersion of json.ts).
 * why: `paths: [{ path, alive, chains: [{ root: { link, path, kind }, start, steps: [{ from, to, edge }] }] }]`.
 * roots --sizes: each root as in `roots --json` plus closurePaths, closureNarSize,
 * closureDiskBytes, exclusivePaths, exclusiveNarSize, exclusiveDiskBytes, ageSeconds (and its
 * group), and `groups` with the same size fields.
 */
import type { Sizes } from '../insight/rootSizes.js';
import type { PackedStrings } from '../store/byteOrder.js';
import type { ByteChunks } from './byteChunks.js';
import { display } from '../store/bytes.js';
import type { GroupSizeEntry, RootSizeEntry, RootSizesReport, WhyEntry, WhyReport } from './insightTypes.js';
import type { Chain } from '../insight/whyAlive.js';
import { LazyRows } from './lazyRows.js';

/** why's `paths`: each entry written a chain at a time (`why --all` of a path 700k roots keep). */
export function whyPaths(report: WhyReport): LazyRows<WhyEntry> {
  return new LazyRows(report.paths, whyEntryJson, writeWhyEntry);
}

const chainJson = (c: Chain): object => ({
  root: { link: display(c.root.link), path: display(c.root.path), kind: c.root.kind },
  start: display(c.start),
  steps: c.steps.map((s) => ({ from: display(s.from), to: display(s.to), edge: s.edge })),
});

const whyEntryJson = (p: WhyEntry): object => ({
  path: display(p.path), alive: p.alive, chains: Array.from({ length: p.chains.length }, (_, k) => chainJson(p.chains.at(k)!)),
});

/**
 * What elementJson (json.ts) makes of whyEntryJson(p), four spaces in, with each chain made,
 * written and dropped in turn.
 */
function writeWhyEntry(out: ByteChunks, p: WhyEntry): void {
  const { chains } = p;
  const head = JSON.stringify({ path: display(p.path), alive: p.alive, chains: [] }, null, 2).replace(/\n/g, '\n    ');
  if (chains.length === 0) {
    out.utf8(head);
    return;
  }
  // `"chains": []` ends the head, then the closing brace: the chains go between the brackets.
  out.utf8(head.slice(0, head.lastIndexOf('[]') + 1));
  for (let k = 0; k < chains.length; k++) {
    out.utf8(`${k === 0 ? '\n' : ',\n'}        ${JSON.stringify(chainJson(chains.at(k)!), null, 2).replace(/\n/g, '\n        ')}`);
  }
  out.utf8('\n      ]\n    }');
}

function sizeFields(closure: Sizes, exclusive: Sizes): object {
  return {
    closurePaths: closure.paths, closureNarSize: closure.narSize, closureDiskBytes: closure.diskBytes,
    exclusivePaths: exclusive.paths, exclusiveNarSize: exclusive.narSize, exclusiveDiskBytes: exclusive.diskBytes,
  };
}

// One literal each (no spread of sizeFields): 700k of them are made per report.
export const rootRowJson = (r: RootSizeEntry): object => ({
  link: display(r.root.link), path: display(r.root.path), kind: r.root.kind, group: display(r.group),
  closurePaths: r.closure.paths, closureNarSize: r.closure.narSize, closureDiskBytes: r.closure.diskBytes,
  exclusivePaths: r.exclusive.paths, exclusiveNarSize: r.exclusive.narSize, exclusiveDiskBytes: r.exclusive.diskBytes,
  ageSeconds: r.ageSeconds,
});

/**
 * rootRowJson(r) as `JSON.stringify(_, null, 6)` writes it, brace moved four spaces in (json.ts
 * elementJson), written straight into `out`: at 700k rows, making each row object and its
 * text cost seconds. Strings of printable ASCII without quote or backslash are their own JSON
 * (the link and path copied from `links` and `paths`); others go through display and JSON.stringify as before.
 */
export function writeRootRowJson(out: ByteChunks, r: RootSizeEntry, links: PackedStrings | undefined, paths: PackedStrings | undefined): void {
  out.copy(KEYS.link, 0, KEYS.link.length);
  if (!plainCopy(out, links, r.linkAt)) jsonString(out, r.root.link);
  out.copy(KEYS.path, 0, KEYS.path.length);
  if (!plainCopy(out, paths, r.pathAt)) jsonString(out, r.root.path);
  out.copy(KEYS.kind, 0, KEYS.kind.length);
  jsonString(out, r.root.kind);
  out.copy(KEYS.group, 0, KEYS.group.length);
  jsonString(out, r.group);
  jsonNumber(out, KEYS.closurePaths, r.closure.paths);
  jsonNumber(out, KEYS.closureNarSize, r.closure.narSize);
  jsonNumber(out, KEYS.closureDiskBytes, r.closure.diskBytes);
  jsonNumber(out, KEYS.exclusivePaths, r.exclusive.paths);
  jsonNumber(out, KEYS.exclusiveNarSize, r.exclusive.narSize);
  jsonNumber(out, KEYS.exclusiveDiskBytes, r.exclusive.diskBytes);
  jsonNumber(out, KEYS.ageSeconds, r.ageSeconds);
  out.copy(KEYS.end, 0, KEYS.end.length);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** What comes before each value of a row, and after its last. */
export const KEYS = Object.fromEntries(
  [...['link', 'path', 'kind', 'group', 'closurePaths', 'closureNarSize', 'closureDiskBytes', 'exclusivePaths', 'exclusiveNarSize', 'exclusiveDiskBytes', 'ageSeconds']
    .map((key, i) => [key, Buffer.from(`${i === 0 ? '{' : ','}\n      "${key}": `, 'latin1')]), ['end', Buffer.from('\n    }', 'latin1')]],
) as Record<'link' | 'path' | 'kind' | 'group' | 'closurePaths' | 'closureNarSize' | 'closureDiskBytes' | 'exclusivePaths' | 'exclusiveNarSize' | 'exclusiveDiskBytes' | 'ageSeconds' | 'end', Buffer>;

const EMPTY = new Uint8Array(0);
/** plainBytes of each head seen: one head serves every row. */
const plainHeads = new WeakMap<Uint8Array, boolean>();
const plainHead = (head: Uint8Array): boolean => {
  let plain = plainHeads.get(head);
  if (plain === undefined) plainHeads.set(head, plain = plainBytes(head, 0, head.length));
  return plain;
};

/** String `at` of `packed` in double quotes, if it is printable ASCII without quote or backslash. */
function plainCopy(out: ByteChunks, packed: PackedStrings | undefined, at: number | undefined): boolean {
  if (packed === undefined || at === undefined) return false;
  const from = packed.offsets[at]!;
  const to = packed.offsets[at + 1]!;
  const head = packed.head ?? EMPTY;
  if (!plainBytes(packed.bytes, from, to) || !plainHead(head)) return false;
  out.byte(QUOTE);
  out.copy(head, 0, head.length);
  out.copy(packed.bytes, from, to);
  out.byte(QUOTE);
  return true;
}

/** Printable ASCII, no quote, no backslash: JSON writes such bytes as they are. */
export function plainBytes(bytes: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = bytes[k]!;
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

function jsonString(out: ByteChunks, text: string): void {
  if (!out.plainJsonString(text)) out.utf8(JSON.stringify(display(text)));
}

function jsonNumber(out: ByteChunks, key: Buffer, value: number | null): void {
  out.copy(key, 0, key.length);
  if (value !== null && Number.isSafeInteger(value) && value >= 0) out.number(value, 0);
  else out.write(JSON.stringify(value));
}

export const groupRowJson = (g: GroupSizeEntry): object => ({ name: display(g.name), roots: g.roots, ...sizeFields(g.closure, g.exclusive), ageSeconds: g.ageSeconds });

/** The rows as objects (the report page embeds them). */
export function rootSizesBody(report: RootSizesReport): object {
  return { roots: Array.from({ length: report.roots.length }, (_, k) => rootRowJson(report.roots.at(k)!)), groups: report.groups.map(groupRowJson) };
}
