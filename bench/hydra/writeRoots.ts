/**
 * Writes the roots half of a plan with sync calls (a million roots in seconds, no per-file
 * await). Nothing here is stale or junk: Nix 2.8 deletes stale `auto/` links even in its print
 * modes, which would change the tree under the other methods.
 */
import { closeSync, mkdirSync, openSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from './layout.js';
import type { TreePlan, UserLink } from './plan.js';

export const hydraDir = (layout: Layout): string => join(layout.gcroots, 'hydra');
export const userLinkPath = (layout: Layout, link: UserLink): string => join(layout.gcroots, 'per-user', link.dir, link.name);
export const storePath = (layout: Layout, plan: TreePlan, id: number): string => `${layout.store}/${plan.bases[id]!}`;

/** Hydra's roots: an empty regular file named after the store path it keeps alive. */
export function writeFileRoot(layout: Layout, plan: TreePlan, id: number): void {
  closeSync(openSync(join(hydraDir(layout), plan.bases[id]!), 'w'));
}

export function writeRoots(layout: Layout, plan: TreePlan): void {
  mkdirSync(hydraDir(layout), { recursive: true });
  for (const id of plan.files) writeFileRoot(layout, plan, id);

  const made = new Set<string>();
  for (const link of plan.links) {
    const dir = join(layout.gcroots, 'per-user', link.dir);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    symlinkSync(storePath(layout, plan, link.id), userLinkPath(layout, link));
  }

  mkdirSync(join(layout.gcroots, 'auto'), { recursive: true });
  plan.autos.forEach(({ hash, id }, i) => {
    const dir = join(layout.outside, `auto-${i}`);
    mkdirSync(dir, { recursive: true });
    symlinkSync(storePath(layout, plan, id), join(dir, 'result'));
    symlinkSync(join(dir, 'result'), join(layout.gcroots, 'auto', hash));
  });

  for (const { user, generations } of plan.profiles) {
    const dir = join(layout.profiles, 'per-user', user);
    mkdirSync(dir, { recursive: true });
    generations.forEach((id, g) => symlinkSync(storePath(layout, plan, id), join(dir, `profile-${g + 1}-link`)));
    // Relative, as nix-env writes it: an outside link whose second hop is the root (§3.3).
    symlinkSync(`profile-${generations.length}-link`, join(dir, 'profile'));
  }
}
