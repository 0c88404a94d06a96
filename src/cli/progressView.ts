/**
 * Renders progress events on stderr: a bar on a terminal (phase, paths, bytes, rate, ETA), one
 * line per phase otherwise, and Nix's `deleting '<path>'` per deleted path (above the bar);
 * nothing with --quiet.
 */
import type cliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import type { Emit, Phase, ProgressEvent } from '../collect/progress.js';
import { formatMiB } from '../report/mib.js';
import { display } from '../store/bytes.js';

const PHASE_TEXT: Record<Phase, string> = {
  lock: 'taking the garbage collector lock',
  graph: 'loading the store database',
  roots: 'finding garbage collector roots',
  liveness: 'determining live/dead paths',
  measure: 'determining what to delete',
  delete: 'deleting garbage',
  links: 'deleting unused links',
};

export interface ProgressView {
  readonly emit: Emit;
  finish(): void;
}

/** cli-progress, loaded for a terminal only (it and its dependencies are most of a short run's start-up). */
const loadBars = (): typeof cliProgress => createRequire(import.meta.url)('cli-progress') as typeof cliProgress;

export function progressView(mode: 'quiet' | 'lines' | 'bar', out: NodeJS.WriteStream = process.stderr): ProgressView {
  // Quiet hides progress, never warnings.
  if (mode === 'quiet') return { emit: (event) => event.type === 'warning' && out.write(`storegc: warning: ${event.message}\n`), finish: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  let lastProfile: string | undefined;
  const line = (text: string): void => {
    // Over a bar: clear its line; it redraws on the next update.
    out.write(bar === undefined ? `${text}\n` : `\r\x1b[K${text}\n`);
  };
  const stopBar = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const emit = (event: ProgressEvent): void => {
    switch (event.type) {
      case 'generation':
        if (event.profile !== lastProfile) line(`removing old generations of profile ${display(event.profile)}`);
        lastProfile = event.profile;
        line(`${event.dryRun ? 'would remove' : 'removing'} profile version ${event.generation}`);
        break;
      case 'waiting-for-lock':
        line('waiting for the big garbage collector lock...');
        break;
      case 'warning':
        line(`storegc: warning: ${event.message}`);
        break;
      case 'deleted':
        // Nix prints this line per deleted path (reference §13).
        line(`deleting '${display(event.path)}'`);
        break;
      case 'limit-reached':
        line(`deleted more than ${event.maxFreed} bytes; stopping`);
        break;
      case 'phase':
        stopBar();
        if (mode === 'bar' && event.phase === 'delete' && event.total !== undefined) {
          const bars = loadBars();
          bar = new bars.SingleBar({
            stream: out,
            format: 'deleting garbage [{bar}] {value}/{total} paths | {mib} MiB | {rate} paths/s | ETA {eta_formatted}',
            hideCursor: true,
          }, bars.Presets.shades_classic);
          bar.start(event.total, 0, { mib: '0.00', rate: 0 });
          started = performance.now();
        } else {
          line(`${PHASE_TEXT[event.phase]}...`);
        }
        break;
      case 'progress':
        if (bar !== undefined) {
          const seconds = (performance.now() - started) / 1000;
          bar.update(event.done, { mib: formatMiB(event.bytes), rate: seconds > 0 ? Math.round(event.done / seconds) : 0 });
        }
        break;
    }
  };
  let started = 0;
  return { emit, finish: stopBar };
}
