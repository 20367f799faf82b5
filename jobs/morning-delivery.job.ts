/**
 * Morning delivery: every minute, the athletes whose local morning time (their setting) has come today
 * and whose session has not gone out get it — one explained session in their DM and a one-line summary
 * in each team channel.
 *
 *   due athletes (in-memory DueIndex; a quiet minute costs one comparison)
 *     → that night's ingest first, when it has not run yet (ingestGate: a 03:00 morning before the 04:00
 *       ingest, or a morning caught up at start, never decides without last night's sleep, HRV and RHR)
 *     → prescribeMany (batched; idempotent per athlete-day; paused athletes are skipped)
 *     → approval mode: pending prescriptions are held; a coach's approval releases them on the next tick
 *     → render (presenters) → outbox.deliver per channel → recordDelivery
 *
 * Exactly once: the delivery key is `${prescription.id}:${channel}` (one per athlete, local date and
 * channel, since a prescription is unique per athlete-day); the outbox claims it with an
 * insert-with-unique-key lease with expiry, so restarts and several instances cannot double-send, and a
 * crashed holder's key is taken over after the lease expires (with the platform asked first).
 *
 * At start the index offers today's overdue mornings (caught up at once); yesterday's only with
 * CATCH_UP_YESTERDAY. A channel that failed transiently is retried every `retryAfterMs` until the local
 * day is over; a permanent failure is recorded and left to an operator.
 */
import type { UseCases } from '../src/core/index.ts';
import { addDays, localDate } from '../src/core/local-time.ts';
import type { PrescriptionRecord } from '../src/core/types.ts';
import type { Job, JobContext, JobSummary } from './job.ts';
import { DueIndex, ScheduledIndex, type DueItem, type SharedSchedules } from './due-index.ts';
import type { IngestGate } from './nightly-ingest.job.ts';
import type { AthleteContact, ContactDirectory, MessageDelivery, MorningRenderer, Recipient } from './ports.ts';

export const MORNING_JOB = 'morning-delivery';

export interface MorningDeliveryOptions {
  /** HH:MM used when an athlete has no morning time (config DEFAULT_MORNING_TIME). */
  defaultMorningTime: string;
  /** Offer yesterday's undelivered mornings at start (config CATCH_UP_YESTERDAY). */
  catchUpYesterday: boolean;
  /** Wait before retrying a failed channel or prescription. Default 5 min. */
  retryAfterMs?: number;
  /** How often held (awaiting approval) sessions are re-checked without an approval signal. Default 5 min. */
  heldRecheckMs?: number;
  /** Deliveries in flight at once. Default 4. */
  concurrency?: number;
}

export interface MorningDeliveryDeps {
  core: Pick<UseCases, 'prescribeMany' | 'deliverablePrescriptions' | 'recordDelivery'>;
  schedules: SharedSchedules;
  contacts: ContactDirectory;
  renderer: MorningRenderer;
  delivery: MessageDelivery;
  options: MorningDeliveryOptions;
  /** Runs an athlete's night ingest before their morning when it has not run yet (nightly-ingest.job.ts ingestGate). */
  ingestFirst?: IngestGate;
}

export interface MorningDeliveryJob extends Job {
  /** A coach approved (or overrode) something: re-check held sessions on the next tick. */
  approvalsChanged(): void;
  /** Athlete-days waiting for a coach's approval. */
  heldCount(): number;
  readonly index: DueIndex;
}

export const deliveryKeyOf = (prescriptionId: string, channel: string) => `${prescriptionId}:${channel}`;
const keyOf = (athleteId: string, date: string) => `${athleteId}|${date}`;

type ChannelOutcome = 'sent' | 'already' | 'in_progress' | 'failed_transient' | 'failed_permanent';

interface Counters {
  due: number;
  prescribed: number;
  held: number;
  released: number;
  sent: number;
  alreadySent: number;
  inProgress: number;
  failed: number;
  paused: number;
  unreachable: number;
}

export function morningDeliveryJob(deps: MorningDeliveryDeps): MorningDeliveryJob {
  const { core, contacts, renderer, delivery, options } = deps;
  const retryMs = options.retryAfterMs ?? 5 * 60_000;
  const heldRecheckMs = options.heldRecheckMs ?? 5 * 60_000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const index = new DueIndex({
    timeOf: (s) => (s.status === 'active' ? s.morningTime || options.defaultMorningTime : null),
    catchUpDays: options.catchUpYesterday ? 1 : 0,
  });
  const scheduled = new ScheduledIndex(deps.schedules, index);
  /** athlete|date → when to look at it again */
  const held = new Map<string, { athleteId: string; date: string; timezone: string; recheckAt: number }>();
  let approvalSignal = false;
  const zones = new Map<string, string>();
  const timezoneOf = (athleteId: string) => zones.get(athleteId) ?? 'UTC';

  const heldDue = (now: Date) => approvalSignal || [...held.values()].some((h) => h.recheckAt <= now.getTime());

  /**
   * One channel, recorded as soon as it is out: the first recorded send freezes the prescription
   * (isFrozen), so changed inputs can no longer alter a session the athlete has already seen. (Recording
   * an athlete-day's channels together to save database round-trips was tried: it left DMs unrecorded —
   * unfrozen — until the team channel's ~1/s lane reached them.)
   */
  async function deliverOne(rx: PrescriptionRecord, contact: AthleteContact, r: Recipient, c: Counters, log: JobContext['logger']): Promise<ChannelOutcome> {
    const prior = rx.delivery[r.channel];
    if (prior?.status === 'sent') return 'already';
    const message = await renderer.render({ prescription: rx, contact, audience: r.audience });
    const outcome = await delivery.deliver(deliveryKeyOf(rx.id, r.channel), r.target, message);
    switch (outcome.status) {
      case 'sent':
      case 'fallback':
      case 'already_sent': {
        if (outcome.status === 'already_sent') c.alreadySent += 1;
        else c.sent += 1;
        const ref = outcome.message?.messageId;
        await core.recordDelivery(rx.athleteId, rx.date, r.channel, { status: 'sent', revision: rx.revision, ...(ref ? { messageRef: ref } : {}) });
        return outcome.status === 'already_sent' ? 'already' : 'sent';
      }
      case 'in_progress':
        c.inProgress += 1;
        return 'in_progress';
      case 'failed':
        c.failed += 1;
        log.warn({ athleteId: rx.athleteId, date: rx.date, channel: r.channel, code: outcome.error.code, permanent: outcome.error.permanent }, 'morning delivery failed');
        await core.recordDelivery(rx.athleteId, rx.date, r.channel, { status: 'failed', revision: rx.revision, error: `${outcome.error.code}: ${outcome.error.message}` });
        return outcome.error.permanent ? 'failed_permanent' : 'failed_transient';
    }
  }

  /**
   * Deliver every channel of these prescriptions. Per athlete-day: done, or when to try again.
   *
   * DMs go out `concurrency` at a time (each to its own conversation); each shared channel (a team's
   * summary lines) is fed by one worker, in order. Platforms pace posts per channel (Slack ~1/s): feeding
   * one channel from several workers only queues them inside the sender, and a delivery waiting in that
   * queue holds its lease — long waits would let the lease expire and another instance take the key over.
   */
  async function deliverAll(rxs: PrescriptionRecord[], now: Date, ctx: JobContext, c: Counters): Promise<Map<string, 'done' | number>> {
    const out = new Map<string, 'done' | number>();
    if (rxs.length === 0) return out;
    const directory = await contacts.contacts([...new Set(rxs.map((r) => r.athleteId))]);
    const retryAt = new Map<string, number>();
    const later = (k: string, at: number) => retryAt.set(k, Math.max(retryAt.get(k) ?? 0, at));
    const attempt = async (rx: PrescriptionRecord, contact: AthleteContact, r: Recipient) => {
      const k = keyOf(rx.athleteId, rx.date);
      if (ctx.signal.aborted) return later(k, now.getTime()); // left for the next run
      try {
        const o = await deliverOne(rx, contact, r, c, ctx.logger);
        if (o === 'failed_transient') later(k, now.getTime() + retryMs);
        // another instance holds the key: look again after a minute (its lease expires if it died)
        if (o === 'in_progress') later(k, now.getTime() + 60_000);
      } catch (err) {
        // e.g. RECORD.BUSY while recording: the outbox key protects the message; try again later
        ctx.logger.warn({ err, athleteId: rx.athleteId, date: rx.date, channel: r.channel }, 'morning delivery step failed; will retry');
        later(k, now.getTime() + retryMs);
      }
    };
    const dms: { rx: PrescriptionRecord; contact: AthleteContact; r: Recipient }[] = [];
    const shared = new Map<string, { rx: PrescriptionRecord; contact: AthleteContact; r: Recipient }[]>();
    for (const rx of rxs) {
      const contact = directory.get(rx.athleteId);
      if (!contact || contact.recipients.length === 0) {
        c.unreachable += 1;
        continue;
      }
      for (const r of contact.recipients) {
        if (r.audience === 'athlete') dms.push({ rx, contact, r });
        else {
          const lane = `${r.target.platform}:${r.target.kind === 'channel' ? r.target.channelId : r.target.userId}`;
          shared.set(lane, [...(shared.get(lane) ?? []), { rx, contact, r }]);
        }
      }
    }
    const drain = async (queue: { rx: PrescriptionRecord; contact: AthleteContact; r: Recipient }[]) => {
      for (let item = queue.shift(); item; item = queue.shift()) await attempt(item.rx, item.contact, item.r);
    };
    await Promise.all([
      ...Array.from({ length: Math.min(concurrency, dms.length) }, () => drain(dms)),
      ...[...shared.values()].map((lane) => drain(lane)),
    ]);
    for (const rx of rxs) {
      const k = keyOf(rx.athleteId, rx.date);
      const at = retryAt.get(k);
      out.set(k, at !== undefined ? at : 'done');
    }
    return out;
  }

  /** The due items whose night is ingested; the others wait in the index (a sync running elsewhere). */
  async function ingestedFirst(items: DueItem[], now: Date): Promise<DueItem[]> {
    const gate = deps.ingestFirst;
    if (!gate || items.length === 0) return items;
    const ready: DueItem[] = [];
    const queue = [...items];
    const worker = async () => {
      for (let it = queue.shift(); it; it = queue.shift()) {
        const r = await gate.beforeMorning(it.athleteId, it.date, now).catch(() => 'ready' as const);
        if (r === 'ready') ready.push(it);
        else index.retry(it.athleteId, it.date, r.waitUntil);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return ready;
  }

  const job: MorningDeliveryJob = {
    name: MORNING_JOB,
    schedule: '* * * * *',
    index,
    due: (now) => scheduled.due(now) || heldDue(now),
    approvalsChanged() {
      approvalSignal = true;
    },
    heldCount: () => held.size,
    async run(ctx) {
      const { now } = ctx;
      const c: Counters = { due: 0, prescribed: 0, held: 0, released: 0, sent: 0, alreadySent: 0, inProgress: 0, failed: 0, paused: 0, unreachable: 0 };

      // 1. Held sessions: approved meanwhile? (one query for all of them)
      const recheck = approvalSignal ? [...held.values()] : [...held.values()].filter((h) => h.recheckAt <= now.getTime());
      approvalSignal = false;
      const released: PrescriptionRecord[] = [];
      if (recheck.length > 0) {
        const ok = await core.deliverablePrescriptions(recheck.map(({ athleteId, date }) => ({ athleteId, date })));
        const okKeys = new Set(ok.map((p) => keyOf(p.athleteId, p.date)));
        for (const h of recheck) {
          if (okKeys.has(keyOf(h.athleteId, h.date))) held.delete(keyOf(h.athleteId, h.date));
          else h.recheckAt = now.getTime() + heldRecheckMs;
        }
        released.push(...ok);
        c.released = ok.length;
      }

      // 2. Mornings that came: that night's data first (ingest gate), then prescribe in one batch.
      const items: DueItem[] = await ingestedFirst((await scheduled.take(now)).filter((i) => !held.has(keyOf(i.athleteId, i.date))), now);
      for (const i of items) zones.set(i.athleteId, i.schedule.timezone);
      c.due = items.length;
      const ready: PrescriptionRecord[] = [...released];
      if (items.length > 0) {
        const results = await core.prescribeMany(items.map(({ athleteId, date }) => ({ athleteId, date })));
        for (const r of results) {
          if (r.outcome === 'skipped') {
            c.paused += 1;
            index.done(r.athleteId, r.date);
          } else if (!r.prescription) {
            ctx.logger.warn({ athleteId: r.athleteId, date: r.date, error: r.error }, 'no prescription this morning; will retry');
            index.retry(r.athleteId, r.date, new Date(now.getTime() + retryMs));
          } else if (r.prescription.approval.state === 'pending') {
            c.held += 1;
            held.set(keyOf(r.athleteId, r.date), { athleteId: r.athleteId, date: r.date, timezone: timezoneOf(r.athleteId), recheckAt: now.getTime() + heldRecheckMs });
            index.done(r.athleteId, r.date); // from now on the held set owns it
          } else {
            c.prescribed += 1;
            ready.push(r.prescription);
          }
        }
      }

      // 3. Deliver. Released (formerly held) days retry through the held set, the others through the index.
      const releasedKeys = new Set(released.map((p) => keyOf(p.athleteId, p.date)));
      const results = await deliverAll(ready, now, ctx, c);
      for (const rx of ready) {
        const k = keyOf(rx.athleteId, rx.date);
        const r = results.get(k) ?? 'done';
        if (releasedKeys.has(k)) {
          if (r !== 'done') held.set(k, { athleteId: rx.athleteId, date: rx.date, timezone: timezoneOf(rx.athleteId), recheckAt: r });
        } else if (r === 'done') index.done(rx.athleteId, rx.date);
        else index.retry(rx.athleteId, rx.date, new Date(r));
      }

      // Held sessions of local days that are over are not delivered any more.
      for (const [k, h] of held) if (h.date < addDays(localDate(now, h.timezone), options.catchUpYesterday ? -1 : 0)) held.delete(k);

      const summary: JobSummary = {};
      for (const [k, v] of Object.entries(c)) if (v > 0) summary[k] = v;
      return summary;
    },
  };
  return job;
}
