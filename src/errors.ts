/**
 * Errors that carry a stable machine-readable code (e.g. FEEDBACK.RPE_OUT_OF_RANGE) and a message fit to
 * show a user. Anything that is not an AppError is an internal fault: it is logged with its stack and the
 * user sees a generic apology, never the internals.
 *
 * Codes: each layer keeps one table of its codes with their meaning (src/core/error-codes.ts,
 * commands/errors.ts, src/chat/errors.ts, src/wearables/errors.ts, …) and registers its union in
 * `AppErrorCodes` below by module augmentation, so this file imports no layer. Code compares codes with
 * `isAppError(err, 'X.Y', …)`, which only takes registered codes (a typo or a code of nobody's table does
 * not compile) and narrows `err.code` to them. A code belongs to one table (tests/src/errors.test.ts).
 */
export class AppError extends Error {
  readonly code: string;
  /** Message safe to show to the person who caused it. */
  readonly userMessage: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, userMessage: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(`${code}: ${userMessage}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.userMessage = userMessage;
    if (options?.details) this.details = options.details;
  }
}

export class ConfigError extends AppError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('CONFIG.INVALID', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * The registry of codes: each layer adds its table's union, e.g. in src/core/error-codes.ts
 *   declare module '../errors.ts' { interface AppErrorCodes extends Record<ErrorCode, true> {} }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AppErrorCodes {
  'CONFIG.INVALID': true;
}

/** Every registered error code, over all layers. */
export type AppErrorCode = keyof AppErrorCodes;

/** An AppError, or (with codes) an AppError carrying one of those codes — `err.code` narrowed to them. */
export function isAppError(err: unknown): err is AppError;
export function isAppError<C extends AppErrorCode>(err: unknown, ...codes: [C, ...C[]]): err is AppError & { code: C };
export function isAppError(err: unknown, ...codes: string[]): boolean {
  return err instanceof AppError && (codes.length === 0 || codes.includes(err.code));
}

/** The message to show a user for any thrown value. */
export function userMessageOf(err: unknown): string {
  return isAppError(err) ? err.userMessage : 'Something went wrong on our side. It has been logged; please try again.';
}
