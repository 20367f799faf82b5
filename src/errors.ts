/**
 * Errors that carry a stable machine-readable code (e.g. FEEDBACK.RPE_OUT_OF_RANGE) and a message fit to
 * show a user. Anything that is not an AppError is an internal fault: it is logged with its stack and the
 * user sees a generic apology, never the internals.
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

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** The message to show a user for any thrown value. */
export function userMessageOf(err: unknown): string {
  return isAppError(err) ? err.userMessage : 'Something went wrong on our side. It has been logged; please try again.';
}
