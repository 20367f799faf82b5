/**
 * jobs/: one module per scheduled job and the scheduler that runs them. The composition root builds the
 * ports (read-models.ts over the repositories, the outbox, the ingest service) and calls createJobs.
 *
 * | job | schedule (UTC cron) | what |
 * |---|---|---|
 * | nightly-ingest | every minute, due per athlete after local INGEST_LOCAL_TIME | wearable sync, once per local day (lease) |
 * | morning-delivery | every minute, due per athlete at their local morning time | that night's ingest first (when not yet run) → prescribe → render → deliver (DM + team channel) |
 * | evening-reminder | every minute, due per athlete at local REMINDER_LOCAL_TIME | one reminder when today's session has no feedback |
 * | twin-recalibration | Monday 02:30 | re-fit every athlete's twin, store the next version |
 * | policy-retrain | Sunday 03:00 | train a candidate DQN, gate it against the active policy, activate only if better |
 * | renewals | hourly at :07 | refresh expiring provider tokens; list/renew webhook subscriptions |
 */
import type { UseCases } from '../src/core/index.ts';
import type { TwinUpdater } from '../src/core/ports.ts';
import type { SharedSchedules } from './due-index.ts';
import { eveningReminderJob } from './evening-reminder.job.ts';
import type { Job } from './job.ts';
import { morningDeliveryJob, type MorningDeliveryJob } from './morning-delivery.job.ts';
import { ingestGate, nightlyIngestJob } from './nightly-ingest.job.ts';
import { policyRetrainJob, type PolicyRetrainDeps } from './policy-retrain.job.ts';
import type { AthleteIngest, Claims, ContactDirectory, DayFacts, HistorySource, MessageDelivery, MorningRenderer, TokenRenewal, WebhookRenewal } from './ports.ts';
import { renewalsJob } from './renewals.job.ts';
import { twinRecalibrationJob } from './twin-recalibration.job.ts';

export { Scheduler, type JobStats, type SchedulerOptions } from './scheduler.ts';
export type { Job, JobContext, JobSummary } from './job.ts';
export { DueIndex, ScheduledIndex, SharedSchedules, type DueItem } from './due-index.ts';
export { presenterRenderer, teamSummaryMessage } from './morning-messages.ts';
export { repositoryContacts, repositoryDayFacts, repositoryHistory, repositorySchedules } from './read-models.ts';
export { MORNING_JOB, deliveryKeyOf, type MorningDeliveryJob } from './morning-delivery.job.ts';
export { INGEST_JOB, ingestClaimKey } from './nightly-ingest.job.ts';
export { REMINDER_JOB, reminderDecision, reminderKey, reminderMessage } from './evening-reminder.job.ts';
export { RECALIBRATION_JOB } from './twin-recalibration.job.ts';
export { RETRAIN_JOB, DEFAULT_RETRAIN_BUDGET, parseStoredModel, type RetrainBudget, type ActiveModel } from './policy-retrain.job.ts';
export { RENEWALS_JOB } from './renewals.job.ts';
export type * from './ports.ts';

export interface JobsConfig {
  DEFAULT_MORNING_TIME: string;
  INGEST_LOCAL_TIME: string;
  REMINDER_LOCAL_TIME: string;
  CATCH_UP_YESTERDAY: boolean;
}

export interface JobsDeps {
  core: UseCases;
  config: JobsConfig;
  schedules: SharedSchedules;
  contacts: ContactDirectory;
  renderer: MorningRenderer;
  delivery: MessageDelivery;
  ingest: AthleteIngest;
  facts: DayFacts;
  history: HistorySource;
  twin: TwinUpdater;
  claims: Claims;
  /** Lease owner id of this process. */
  owner: string;
  /** Policy retraining; null leaves the job out (e.g. no TF runtime). */
  retrain: Omit<PolicyRetrainDeps, 'core' | 'claims' | 'owner'> | null;
  tokens?: TokenRenewal;
  webhooks?: WebhookRenewal;
  onCalibrated?: (athleteId: string, params: Record<string, unknown>) => void;
  /** Jobs of other modules (local mode's simulated athletes), run after these each minute. */
  extra?: Job[];
  /** Tuning (tests and the demo). */
  tuning?: { retryAfterMs?: number; deliveryConcurrency?: number };
}

export interface ServiceJobs {
  all: Job[];
  morning: MorningDeliveryJob;
}

export function createJobs(deps: JobsDeps): ServiceJobs {
  const { core, config, schedules, claims, owner } = deps;
  const ingest = nightlyIngestJob({
    ingest: deps.ingest,
    claims,
    schedules,
    owner,
    options: { ingestLocalTime: config.INGEST_LOCAL_TIME, ...(deps.tuning?.retryAfterMs ? { retryAfterMs: deps.tuning.retryAfterMs } : {}) },
  });
  const morning = morningDeliveryJob({
    core,
    ingestFirst: ingestGate({ ingest: deps.ingest, claims, owner }),
    schedules,
    contacts: deps.contacts,
    renderer: deps.renderer,
    delivery: deps.delivery,
    options: {
      defaultMorningTime: config.DEFAULT_MORNING_TIME,
      catchUpYesterday: config.CATCH_UP_YESTERDAY,
      ...(deps.tuning?.retryAfterMs ? { retryAfterMs: deps.tuning.retryAfterMs } : {}),
      ...(deps.tuning?.deliveryConcurrency ? { concurrency: deps.tuning.deliveryConcurrency } : {}),
    },
  });
  const reminder = eveningReminderJob({ facts: deps.facts, contacts: deps.contacts, delivery: deps.delivery, schedules, options: { reminderLocalTime: config.REMINDER_LOCAL_TIME } });
  const recalibration = twinRecalibrationJob({
    core,
    twin: deps.twin,
    history: deps.history,
    schedules,
    claims,
    owner,
    ...(deps.onCalibrated ? { options: { onCalibrated: deps.onCalibrated } } : {}),
  });
  const all: Job[] = [ingest, morning, reminder, recalibration];
  if (deps.retrain) all.push(policyRetrainJob({ ...deps.retrain, core, claims, owner }));
  all.push(renewalsJob({ claims, owner, ...(deps.tokens ? { tokens: deps.tokens } : {}), ...(deps.webhooks ? { webhooks: deps.webhooks } : {}) }));
  all.push(...(deps.extra ?? []));
  return { all, morning };
}
