/**
 * `storegc roots --sizes` (issue 10) beside `storegc dead` on the same tree, in the same run:
 * one untimed warm-up of each (caches current, as `dead` with caches current is measured), then
 * `runs` rounds of dead, roots --sizes (text), roots --sizes --json, back to back, so that the
 * ratios see the same machine load. Output goes to /dev/null (text) or is parsed (JSON: every
 * root listed, the JSON's roots count checked against the tree's). Each run has a time limit.
 */
import { runOnce } from '../hydra/measure.js';
import type { Command, Sample } from '../hydra/measure.js';
import { missingRow } from '../hydra/rows.js';
import type { Row } from '../hydra/rows.js';
import { summarise } from '../hydra/series.js';
import { storegc } from '../hydra/storegc.js';
import { cpuNote } from './cpu.js';
import type { PeerContext } from './dead.js';

export const SIZES_DEAD = 'storegc dead, beside roots --sizes';
export const SIZES_TEXT = 'storegc roots --sizes';
export const SIZES_JSON = 'storegc roots --sizes --json';
const LIMIT_MS = 20 * 60_000;

export function measureSizes(ctx: PeerContext): Row[] {
  const size = ctx.tree.info.paths;
  const baseline = { method: SIZES_DEAD, label: 'dead' } as const;
  const commands: [string, Command][] = [
    [SIZES_DEAD, { ...storegc(ctx.env, ['dead']), timeoutMs: LIMIT_MS }],
    [SIZES_TEXT, { ...storegc(ctx.env, ['roots', '--sizes']), timeoutMs: LIMIT_MS }],
    [SIZES_JSON, { ...storegc(ctx.env, ['roots', '--sizes', '--json']), captureStdout: true, timeoutMs: LIMIT_MS }],
  ];
  const samples = new Map<string, Sample[]>(commands.map(([m]) => [m, []]));
  let listed: number | null = null;
  process.stderr.write('  roots --sizes beside dead ...');
  try {
    for (let i = 0; i <= ctx.runs; i++) {
      for (const [method, cmd] of commands) {
        const s = runOnce(cmd);
        if (s.status !== 0) throw new Error(`${method} ${s.timedOut ? 'timed out' : `exited ${s.status}`}: ${s.lastError.slice(0, 160)}`);
        if (method === SIZES_JSON) listed = (JSON.parse(s.stdout) as { roots: unknown[] }).roots.length;
        if (i > 0) samples.get(method)!.push({ ...s, stdout: '' });
      }
    }
  } catch (error) {
    process.stderr.write(' failed\n');
    const note = (error as Error).message;
    return commands.map(([method]) => missingRow(method, size, method === SIZES_DEAD ? 'none' : baseline, 'failed', note));
  }
  const medianS = (m: string): string => (samples.get(m)!.map((s) => s.ms).sort((a, b) => a - b)[samples.get(m)!.length >> 1]! / 1000).toFixed(2);
  process.stderr.write(` dead ${medianS(SIZES_DEAD)} s, text ${medianS(SIZES_TEXT)} s, json ${medianS(SIZES_JSON)} s\n`);
  return commands.flatMap(([method]) => summarise({ method, size, baseline: method === SIZES_DEAD ? 'none' : baseline, runs: ctx.runs }, samples.get(method)!,
    `${cpuNote(samples.get(method)!)}${method === SIZES_JSON ? `; ${listed} roots listed (tree: ${ctx.tree.info.roots} root entries)` : ''}`));
}
