/**
 * Nightly ingest: for each athlete, once their local INGEST_LOCAL_TIME (~04:00) has passed, pull the
 * night's wearable data (the wearables ingest service; local mode's simulated provider) — once per local
 * day per athlete, whatever the number of instances.
 *
 * Claim: the lease `ingest:<athlete>:<local date>` (insert-with-unique-key, so exactly one instance wins).
 * The morning job takes the same claim first (ingestGate) when an athlete's morning comes before this
 * job has reached them, so a session is never computed without that night's data.
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

export type IngestOnceResult =
  | { outcome: 'ingested'; days: number }
  | { outcome: 'done' }
  | { outcome: 'held'; until: Date }
  | { outcome: 'failed'; err: unknown };

/**
 * The night's ingest of one athlete-day, at most once across jobs and instances: the claim
 * `ingest:<athlete>:<date>` is taken, the sync runs, the claim is completed (a failure releases it).
 * Shared by the nightly job and the morning's ingest-first gate.
 */
export async function ingestOnce(
  deps: Pick<NightlyIngestDeps, 'ingest' | 'claims' | 'owner'> & { leaseTtlMs: number },
  athleteId: string,
  date: string,
  now: Date,
): Promise<IngestOnceResult> {
  const key = ingestClaimKey(athleteId, date);
  const claim = await deps.claims.acquire(key, deps.owner, deps.leaseTtlMs);
  if (!claim.acquired) return claim.reason === 'done' ? { outcome: 'done' } : { outcome: 'held', until: claim.until };
  try {
    const r = await deps.ingest.ingestAthlete(athleteId, { now, date });
    await deps.claims.complete(key, claim.gen);
    return { outcome: 'ingested', days: r?.days ?? 0 };
  } catch (err) {
    await deps.claims.release(key, claim.gen).catch(() => undefined);
    return { outcome: 'failed', err };
  }
}

/** What the morning asks before prescribing: has this athlete's night been ingested? */
export interface IngestGate {
  /** 'ready': ingested now or before (or the sync failed: the morning goes ahead with what is stored); else wait until. */
  beforeMorning(athleteId: string, date: string, now: Date): Promise<'ready' | { waitUntil: Date }>;
}

/**
 * Ingest first, whatever the times (issue 17): a morning earlier than INGEST_LOCAL_TIME, or one caught up
 * at start before the ingest job's tick, runs that athlete's night ingest itself. A sync another instance
 * is running is waited for (at most one lease); a failed sync does not hold the session back.
 */
export function ingestGate(deps: Pick<NightlyIngestDeps, 'ingest' | 'claims' | 'owner'> & { leaseTtlMs?: number; onFailure?: (athleteId: string, date: string, err: unknown) => void }): IngestGate {
  const ttl = deps.leaseTtlMs ?? 10 * 60_000;
  const waitingSince = new Map<string, number>();
  return {
    async beforeMorning(athleteId, date, now) {
      const k = `${athleteId}|${date}`;
      const r = await ingestOnce({ ...deps, leaseTtlMs: ttl }, athleteId, date, now);
      if (r.outcome === 'held') {
        const since = waitingSince.get(k) ?? now.getTime();
        waitingSince.set(k, since);
        if (now.getTime() - since < ttl) return { waitUntil: new Date(Math.min(now.getTime() + 60_000, Math.max(now.getTime(), r.until.getTime()))) };
      }
      if (r.outcome === 'failed') deps.onFailure?.(athleteId, date, r.err);
      waitingSince.delete(k);
      return 'ready';
    },
  };
}

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
          const r = await ingestOnce({ ingest, claims, owner, leaseTtlMs: ttl }, it.athleteId, it.date, now);
          switch (r.outcome) {
            case 'done':
              c.skippedDone += 1;
              index.done(it.athleteId, it.date);
              break;
            case 'held':
              c.heldElsewhere += 1;
              index.retry(it.athleteId, it.date, new Date(now.getTime() + Math.max(60_000, r.until.getTime() - Date.now())));
              break;
            case 'ingested':
              c.ingested += 1;
              c.days += r.days;
              index.done(it.athleteId, it.date);
              break;
            case 'failed':
              c.failed += 1;
              ctx.logger.warn({ err: r.err, athleteId: it.athleteId, date: it.date }, 'ingest failed; will retry');
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
