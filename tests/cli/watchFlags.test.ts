/** `storegc watch` flags, parsed by the program builder without spawning: --min-free required, --interval at least 1s. */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { StoregcError } from '../../src/errors.js';

const runtime = { progress: () => ({ emit: () => {}, finish: () => {} }) };

async function usageOf(argv: string[]): Promise<string> {
  const program = buildProgram({}, () => {}, runtime);
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  program.commands.forEach((c) => c.configureOutput({ writeErr: () => {}, writeOut: () => {} }));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    expect(error).toBeInstanceOf(StoregcError);
    expect((error as StoregcError).exitCode).toBe(2);
    return (error as StoregcError).line();
  }
  throw new Error('expected a usage error');
}

describe('watch flags', () => {
  it('needs --min-free, and says so in one line naming it', async () => {
    const line = await usageOf(['watch', '--interval', '5m', '--ensure-free', '20%']);
    expect(line).toMatch(/^storegc: error: watch needs --min-free/);
    expect(line).not.toContain('\n');
  });

  it.each(['0s', '1.5s', '10', '-1m', 'soon'])('refuses --interval %j naming the flag', async (value) => {
    expect(await usageOf(['watch', '--min-free', '10%', '--interval', value])).toContain('--interval');
  });

  it('takes the gc policy flags with the same syntax', async () => {
    expect(await usageOf(['watch', '--min-free', '10%', '--keep-recent', '1w'])).toContain('--keep-recent');
    expect(await usageOf(['watch', '--min-free', '101%'])).toContain('--min-free');
  });
});
