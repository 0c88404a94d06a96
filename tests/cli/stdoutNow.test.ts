/**
 * Output handed over in pieces (cli/stdoutNow.ts) reaches a reader whole and in order through a
 * non-blocking pipe that fills (Node makes stdout's pipe non-blocking once process.stdout
 * exists), with the native helper and without; a reader that goes away ends the writer with 0.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULE = join(__dirname, '..', '..', 'dist', 'cli', 'stdoutNow.js');

/** A child that writes `mib` MiB of numbered bytes in 1 MiB pieces, the same buffer each time. */
const writer = (by: 'native' | 'node', mib: number): string => `
import { writeNow } from ${JSON.stringify(MODULE)};
process.stdout; // as main.ts does: the pipe becomes non-blocking
const piece = Buffer.alloc(1 << 20);
for (let k = 0; k < ${mib}; k++) { piece.fill(k % 251); writeNow(1, piece, ${JSON.stringify(by)}); }
`;

describe('writeNow', () => {
  for (const by of ['native', 'node'] as const) {
    it(`delivers every piece whole and in order through a pipe that fills (${by})`, () => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', writer(by, 24)], { maxBuffer: 64 << 20 });
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stdout.length).toBe(24 << 20);
      for (let k = 0; k < 24; k++) expect(r.stdout[(k << 20) + 12345]).toBe(k % 251);
    });

    it(`ends with 0 when the reader goes away (${by})`, () => {
      // The writer's own exit status, through bash's PIPESTATUS (the script comes in the environment).
      const r = spawnSync('bash', ['-c', `"${process.execPath}" --input-type=module -e "$WRITER" | head -c 10 > /dev/null; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { ...process.env, WRITER: writer(by, 64) } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    });
  }
});
