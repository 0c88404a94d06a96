/**
 * The policy flags `gc` and `status` share (issue 9): generations, retention, free-space targets
 * and the byte budget, declared once and turned into the request's policy fields once.
 */
import type { Command } from 'commander';
import type { GcRequest } from '../compose/collect.js';
import { StoregcError } from '../errors.js';
import type { GenerationOptions } from '../policy/generations.js';
import type { DeletionOrder } from '../policy/lruOrder.js';
import { parseDuration, parseSizeTarget } from '../policy/units.js';
import type { SizeTarget } from '../policy/units.js';

export interface PolicyFlags {
  ensureFree?: SizeTarget;
  minFree?: SizeTarget;
  pruneAutoRoots?: number;
  keepRecent?: number;
  deleteOld?: boolean;
  deleteOlderThan?: number;
  keepGenerations?: number;
  profiles?: string;
  maxFreed?: bigint;
  order?: DeletionOrder;
}

export function addPolicyOptions(cmd: Command, parseSize: (value: string) => bigint): Command {
  return cmd
    .option('-d, --delete-old', 'first remove every profile generation but the current one (as nix-collect-garbage -d)')
    .option('--delete-older-than <duration>', 'first remove generations older than DURATION (30d, 12h, 90m, 45s), keeping the one current then', (v: string) => parseDuration('--delete-older-than', v))
    .option('--keep-generations <n>', 'with -d or --delete-older-than: keep the N newest generations of each profile', (v: string) => parseCount('--keep-generations', v))
    .option('--profiles <glob>', 'apply the generation flags only to profiles matching GLOB (default: every profile under STATE/profiles)')
    .option('--ensure-free <size>', 'collect until the store\'s file system has SIZE (or N%) free, measured as deletion goes', (v: string) => parseSizeTarget('--ensure-free', v))
    .option('--min-free <size>', 'do nothing unless the store\'s file system has less than SIZE (or N%) free', (v: string) => parseSizeTarget('--min-free', v))
    .option('--prune-auto-roots <duration>', 'first remove indirect roots (gcroots/auto) whose outside link into the store is older than DURATION', (v: string) => parseDuration('--prune-auto-roots', v))
    .option('--keep-recent <duration>', 'paths registered within DURATION (24h, 30d, ...) are roots for this run, with their closure', (v: string) => parseDuration('--keep-recent', v))
    .option('--max-freed <size>', 'stop once more than SIZE bytes are freed (K, M, G, T suffixes)', parseSize)
    .option('--order <order>', 'which dead paths go first: lru (least recently used; the default with --max-freed or --ensure-free) or nix (Nix\'s order)', parseOrder);
}

/** The policy fields of a GcRequest (the budget apart: the caller defaults it). */
export function policyRequest(flags: PolicyFlags): Partial<Pick<GcRequest, 'generations' | 'keepRecentSeconds' | 'ensureFree' | 'minFree' | 'pruneAutoRootsSeconds' | 'order'>> {
  // Without a budget every dead path goes and the order changes nothing but the messages' order.
  const budget = flags.maxFreed !== undefined || flags.ensureFree !== undefined;
  return {
    ...generationOptions(flags),
    order: flags.order ?? (budget ? 'lru' : 'nix'),
    ...(flags.keepRecent === undefined ? {} : { keepRecentSeconds: flags.keepRecent }),
    ...(flags.ensureFree === undefined ? {} : { ensureFree: flags.ensureFree }),
    ...(flags.minFree === undefined ? {} : { minFree: flags.minFree }),
    ...(flags.pruneAutoRoots === undefined ? {} : { pruneAutoRootsSeconds: flags.pruneAutoRoots }),
  };
}

/** The generation flags as the policy takes them; none given: no generation is touched. */
function generationOptions(flags: PolicyFlags): { generations?: GenerationOptions } {
  const { deleteOld, deleteOlderThan, keepGenerations, profiles } = flags;
  if (deleteOld !== true && deleteOlderThan === undefined) {
    if (keepGenerations !== undefined || profiles !== undefined) {
      throw new StoregcError('usage', undefined, '--keep-generations and --profiles only refine -d or --delete-older-than', 'add -d or --delete-older-than DURATION');
    }
    return {};
  }
  return { generations: { deleteOld: deleteOld === true, deleteOlderThanSeconds: deleteOlderThan, keepGenerations, profilesGlob: profiles } };
}

function parseOrder(value: string): DeletionOrder {
  if (value === 'nix' || value === 'lru') return value;
  throw new StoregcError('usage', undefined, `--order must be lru or nix, got '${value}'`, 'pass --order lru (least recently used first) or --order nix');
}

export function parseCount(flag: string, value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new StoregcError('usage', undefined, `${flag} needs a positive whole number, got '${value}'`, `pass ${flag} N with N >= 1`);
  }
  return Number(value);
}
