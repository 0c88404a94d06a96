/**
 * The file `report --json FILE` writes: the text of JSON.stringify({ schemaVersion, command:
 * 'report', page }, null, 2) and a newline, page.live's arrays (an entry per live path: 1.15M at
 * the 1.3M bench store, a 160 MB text made as one string at a 1.8 GB peak) written an entry at a
 * time into `out`, each path made when written. Pure.
 */
import type { ByteChunks } from './byteChunks.js';
import type { ReportPageData } from './insightTypes.js';

/** page.live of ReportPageJson, its paths made one at a time. */
export interface PageLiveJson {
  readonly count: number;
  /** The display form of live path i. */
  path(i: number): string;
  readonly parent: Int32Array;
  readonly edge: Int8Array;
  readonly rootOf: Readonly<Record<number, number>>;
}

const indent = (text: string, by: string): string => text.replace(/\n/g, `\n${by}`);

export function writePageJson(out: ByteChunks, schemaVersion: number, page: ReportPageData, live: PageLiveJson): void {
  out.utf8(`{\n  "schemaVersion": ${schemaVersion},\n  "command": "report",\n  "page": {`);
  let first = true;
  for (const [key, value] of Object.entries(page)) {
    if (value === undefined) continue;
    out.utf8(`${first ? '' : ','}\n    ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '    ')}`);
    first = false;
  }
  out.utf8(`${first ? '' : ','}\n    "live": {\n      "paths": `);
  writeArray(out, live.count, (i) => JSON.stringify(live.path(i)));
  out.utf8(',\n      "parent": ');
  writeArray(out, live.parent.length, (i) => String(live.parent[i]));
  out.utf8(',\n      "edge": ');
  writeArray(out, live.edge.length, (i) => String(live.edge[i]));
  out.utf8(`,\n      "rootOf": ${indent(JSON.stringify(live.rootOf, null, 2), '      ')}\n    }\n  }\n}\n`);
}

/** An array of `count` JSON values as JSON.stringify(_, null, 2) writes it six spaces in. */
function writeArray(out: ByteChunks, count: number, json: (i: number) => string): void {
  if (count === 0) {
    out.utf8('[]');
    return;
  }
  out.utf8('[');
  // Some thousands of entries joined, then written at once: a write per entry cost twice the rest.
  for (let from = 0; from < count; from += AT_ONCE) {
    const lines: string[] = [];
    for (let i = from; i < Math.min(count, from + AT_ONCE); i++) lines.push(`${i === 0 ? '' : ','}\n        ${json(i)}`);
    out.utf8(lines.join(''));
  }
  out.utf8('\n      ]');
}

const AT_ONCE = 8192;
