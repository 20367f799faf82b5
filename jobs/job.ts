/**
 * A scheduled job: a name, a cron schedule (UTC, 5 fields) and a run function that calls use cases.
 * Jobs never talk to a chat SDK; they return a summary the scheduler logs.
 */
import type { Logger } from '../src/logger.ts';

export interface JobContext {
  /** The instant this run is for (the virtual clock's time in demos and tests). */
  now: Date;
  logger: Logger;
  /** Aborted when the scheduler stops: long runs should stop between athletes. */
  signal: AbortSignal;
}

export type JobSummary = Record<string, number | string | boolean>;

export interface Job {
  name: string;
  /** Cron expression evaluated in UTC; per-athlete local times are handled inside the job. */
  schedule: string;
  run(ctx: JobContext): Promise<JobSummary | void>;
  /**
   * Optional cheap pre-check: false means "certainly nothing to do at `now`", so the scheduler skips the
   * run without logging. Lets a minute tick cost nothing on the virtual clock.
   */
  due?(now: Date): boolean;
}
