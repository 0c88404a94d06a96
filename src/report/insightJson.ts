/**
 * JSON bodies of `why` and `roots --sizes` (issue 10's contract; schemaVersion of json.ts).
 * why: `paths: [{ path, alive, chains: [{ root: { link, path, kind }, start, steps: [{ from, to, edge }] }] }]`.
 * roots --sizes: each root as in `roots --json` plus closurePaths, closureNarSize,
 * closureDiskBytes, exclusivePaths, exclusiveNarSize, exclusiveDiskBytes, ageSeconds (and its
 * group), and `groups` with the same size fields.
 */
import type { Sizes } from '../insight/rootSizes.js';
import { display } from '../store/bytes.js';
import type { GroupSizeEntry, RootSizeEntry, RootSizesReport, WhyReport } from './insightTypes.js';

export function whyBody(report: WhyReport): object {
  return {
    paths: report.paths.map((p) => ({
      path: display(p.path),
      alive: p.alive,
      chains: p.chains.map((c) => ({
        root: { link: display(c.root.link), path: display(c.root.path), kind: c.root.kind },
        start: display(c.start),
        steps: c.steps.map((s) => ({ from: display(s.from), to: display(s.to), edge: s.edge })),
      })),
    })),
  };
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

export const groupRowJson = (g: GroupSizeEntry): object => ({ name: display(g.name), roots: g.roots, ...sizeFields(g.closure, g.exclusive), ageSeconds: g.ageSeconds });

/** The rows as objects (the report page embeds them). */
export function rootSizesBody(report: RootSizesReport): object {
  return { roots: report.roots.map(rootRowJson), groups: report.groups.map(groupRowJson) };
}
