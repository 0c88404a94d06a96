/**
 * Errors a user can cause: one class, a stable code, the path concerned and a hint.
 * Exit status is decided once, in the CLI, from `exitCode`. Anything else is a bug.
 */
export type ErrorCode =
  | 'usage'
  | 'config'
  | 'store-missing'
  | 'db-missing'
  | 'db-unreadable'
  | 'db-corrupt'
  | 'read-only'
  | 'db-schema'
  | 'store-mismatch'
  | 'permission-denied'
  | 'not-a-nix-db'
  | 'io'
  | 'unreadable-roots'
  | 'still-alive'
  | 'not-in-store'
  | 'index-damaged'
  | 'index-foreign'
  | 'index-missing'
  | 'drv-unreadable'
  | 'unknown-path';

/** 2 = bad usage or bad configuration; 1 = failure while running. */
const EXIT_CODES: Record<ErrorCode, 1 | 2> = {
  usage: 2,
  config: 2,
  'store-missing': 2,
  'db-missing': 2,
  'db-unreadable': 1,
  'db-corrupt': 1,
  'read-only': 1,
  'db-schema': 2,
  'store-mismatch': 2,
  'permission-denied': 1,
  'not-a-nix-db': 2,
  io: 1,
  'unreadable-roots': 1,
  'still-alive': 1,
  'not-in-store': 2,
  'index-damaged': 1,
  'index-foreign': 2,
  'index-missing': 1,
  'drv-unreadable': 1,
  'unknown-path': 1,
};

export class StoregcError extends Error {
  readonly exitCode: 1 | 2;

  constructor(
    readonly code: ErrorCode,
    readonly path: string | undefined,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'StoregcError';
    this.exitCode = EXIT_CODES[code];
  }

  /** The one line printed on stderr. */
  line(): string {
    const where = this.path === undefined ? '' : ` '${this.path}'`;
    return `storegc: error: ${this.message}${where}; ${this.hint}`;
  }
}

/** The errno code of a Node system error, or undefined. */
export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
