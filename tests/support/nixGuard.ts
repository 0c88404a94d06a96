/**
 * Gate for suites that need real Nix: with `nix-store` on PATH they run; without it they fail
 * under CI=true (the oracle must be installed there) and are skipped elsewhere, saying so.
 */
import { describe, it } from 'vitest';
import { hasNixStore } from './run.js';

const available = hasNixStore();
let warned = false;

/** `concurrent`: the tests of the suite may run at the same time (each on its own store). */
export function describeWithNix(name: string, body: () => void, opts: { concurrent?: boolean } = {}): void {
  if (available) {
    (opts.concurrent === true ? describe.concurrent : describe)(name, body);
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs nix-store (Nix 2.8) on PATH under CI=true', () => {
        throw new Error('nix-store is not on PATH: install nix-bin (Nix 2.8); the conformance suite cannot run without it');
      });
    });
    return;
  }
  if (!warned) {
    warned = true;
    console.warn('[storegc conformance] nix-store not found on PATH: skipping the conformance suites (install nix-bin)');
  }
  describe.skip(name, body);
}
