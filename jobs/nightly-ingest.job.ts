/**
 * Nightly ingest: for each athlete, once their local INGEST_LOCAL_TIME (~04:00) has passed, pull the
 * night's wearable data (the wearables ingest service; local mode's simulated provider) — once per local
 * day per athlete, whatever the number of instances.
 *
 * Claim: the lease `ingest:<athlete>:<local date>` (insert-with-unique-key, so exactly one instance wins).
 * Success completes it ("done" is final: a restart or a second instance skips the day); a failure
 * releases it, and the athlete is retried after `retryAfterMs` until their local day is over. A claim
 * held by another live instance is looked at again when its lease would expire.
 */
import type { Job, JobSummary } from './job.ts';
import { DueIndex, ScheduledIndex, type SharedSchedules } from './due-index.ts';
import type { AthleteIngest, Claims } from './ports.ts';

export const INGEST_JOB = 'nightly-ingest';

export interface NightlyIngestDeps {
  ingest: AthleteIngest;
  claims: Claims;
  schedules: SharedSchedules;
  /** Lease owner id of this process. */
  owner: string;
  options: {
    /** HH:MM local (config INGEST_LOCAL_TIME). */
    ingestLocalTime: string;
    /** Lease TTL: bounds how long a crashed instance blocks an athlete-day. Default 10 min. */
    leaseTtlMs?: number;
    retryAfterMs?: number;
    /** Athletes ingested at once (provider calls are I/O bound). Default 2. */
    concurrency?: number;
  };
}

export const ingestClaimKey = (athleteId: string, date: string) => `ingest:${athleteId}:${date}`;

export function nightlyIngestJob(deps: NightlyIngestDeps): Job & { readonly index: DueIndex } {
  const { ingest, claims, owner, options } = deps;
  const ttl = options.leaseTtlMs ?? 10 * 60_000;
  const retryMs = options.retryAfterMs ?? 15 * 60_000;
  const index = new DueIndex({ timeOf: () => options.ingestLocalTime });
  const scheduled = new ScheduledIndex(deps.schedules, index);

  return {
    name: INGEST_JOB,
    schedule: '* * * * *',
    index,
    due: (now) => scheduled.due(now),
    async run(ctx) {
      const { now } = ctx;
      const items = await scheduled.take(now);
      const c = { due: items.length, ingested: 0, days: 0, skippedDone: 0, heldElsewhere: 0, failed: 0 };
      const queue = [...items];
      const worker = async () => {
        for (let it = queue.shift(); it; it = queue.shift()) {
          if (ctx.signal.aborted) return;
          const key = ingestClaimKey(it.athleteId, it.date);
          const claim = await claims.acquire(key, owner, ttl);
          if (!claim.acquired) {
            if (claim.reason === 'done') {
              c.skippedDone += 1;
              index.done(it.athleteId, it.date);
            } else {
              c.heldElsewhere += 1;
              index.retry(it.athleteId, it.date, new Date(now.getTime() + Math.max(60_000, claim.until.getTime() - Date.now())));
            }
            continue;
          }
          try {
            const r = await ingest.ingestAthlete(it.athleteId, { now, date: it.date });
            await claims.complete(key, claim.gen);
            c.ingested += 1;
            c.days += r?.days ?? 0;
            index.done(it.athleteId, it.date);
          } catch (err) {
            c.failed += 1;
            ctx.logger.warn({ err, athleteId: it.athleteId, date: it.date }, 'ingest failed; will retry');
            await claims.release(key, claim.gen).catch(() => undefined);
            index.retry(it.athleteId, it.date, new Date(now.getTime() + retryMs));
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, items.length)) }, worker));
      const summary: JobSummary = {};
      for (const [k, v] of Object.entries(c)) if (v > 0) summary[k] = v;
      return summary;
    },
  };
}
