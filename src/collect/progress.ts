/** Progress events: deep code emits them, the CLI renders them (bar, lines, or nothing). */
/** `measure` is the dry run's stand-in for `delete`: it walks what would be deleted. */
export type Phase = 'lock' | 'roots' | 'graph' | 'liveness' | 'measure' | 'delete' | 'links';

export type ProgressEvent =
  | { readonly type: 'phase'; readonly phase: Phase; readonly total?: number }
  | { readonly type: 'progress'; readonly done: number; readonly bytes: number }
  /** One store entry is gone (rows and files); Nix prints `deleting '<path>'` for it. */
  | { readonly type: 'deleted'; readonly path: string }
  /** More than --max-freed bytes are freed: the run stops (Nix: "deleted more than N bytes; stopping"). */
  | { readonly type: 'limit-reached'; readonly maxFreed: bigint }
  /** A profile generation removed (or, in a dry run, to be removed); Nix prints a line for each. */
  | { readonly type: 'generation'; readonly profile: string; readonly generation: number; readonly dryRun: boolean }
  | { readonly type: 'waiting-for-lock' }
  | { readonly type: 'warning'; readonly message: string };

export type Emit = (event: ProgressEvent) => void;

/** Times the phases of a run and announces each one. */
export class PhaseClock {
  readonly durations: Partial<Record<Phase, number>> = {};
  private current: { phase: Phase; start: number } | undefined;

  constructor(private readonly emit: Emit) {}

  enter(phase: Phase, total?: number): void {
    this.stop();
    this.current = { phase, start: performance.now() };
    this.emit({ type: 'phase', phase, total });
  }

  /** Ends the current phase; returns the durations in milliseconds. */
  stop(): Partial<Record<Phase, number>> {
    if (this.current !== undefined) this.durations[this.current.phase] = performance.now() - this.current.start;
    this.current = undefined;
    return this.durations;
  }
}
