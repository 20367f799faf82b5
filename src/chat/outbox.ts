/**
 * The outbox: deliver one message to one place exactly once, across retries, restarts and racing
 * processes. Platform-neutral; everything it touches is a port (src/chat/ports.ts).
 *
 *   deliver(deliveryKey, target, message)
 *     1. take the lease on the key (an insert-with-unique-key lease: atomic on MongoDB and FerretDB);
 *        done → already sent; held by a live owner → in progress elsewhere;
 *     2. gen > 0 means an earlier attempt existed (a crashed owner whose lease expired, or one that gave
 *        up): ask the platform whether the message already went out (Slack: our metadata key in
 *        conversations.history). If it did: complete, record, stop. Discord cannot be asked, but every
 *        Discord post carries nonce = hash(key) + enforce_nonce, so re-sending returns the earlier
 *        message instead of a second one;
 *     3. send; transient errors are retried with exponential backoff (jittered) while the lease has
 *        time left; after an ambiguous failure (timeout, 5xx) the platform is asked again first;
 *     4. success → complete the lease and record sent / fallback; permanent error (channel gone, no
 *        access, DMs closed without fallback) or retries used up → release the lease and record failed,
 *        so a later run (or an operator after fixing the configuration) can try again.
 *
 * The lease TTL bounds how long a crashed owner blocks the key; it must exceed one send with its
 * retries (default 2 min vs. ≤ ~1 min of retrying). Retries stop early rather than outlive the lease.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ChatMessage, Platform } from '../core/chat.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { DeliveryError, isDeliveryError } from './errors.ts';
import { realSleep, type Sleep } from './pacing.ts';
import type { ChatSender, DeliveryLeases, DeliveryStatusPort, DeliveryStatusRecord, DeliveryTarget, SentMessage } from './ports.ts';

export interface OutboxOptions {
  leases: DeliveryLeases;
  senders: readonly ChatSender[];
  logger: Logger;
  status?: DeliveryStatusPort;
  /** Lease owner id. Default host:pid:random. */
  owner?: string;
  /** Default 120 000 ms. */
  leaseTtlMs?: number;
  /** Attempts per deliver() for transient errors. Default 4. */
  maxAttempts?: number;
  /** Backoff: base · 2^(attempt−1), capped, with ±25 % jitter. Default 1 000 / 20 000 ms. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How far back the platform is searched for an earlier delivery. Default 36 h. */
  lookbackMs?: number;
  now?: () => Date;
  sleep?: Sleep;
  random?: () => number;
}

export type DeliveryOutcome =
  | { status: 'sent'; message: SentMessage; attempts: number; takeover: boolean }
  | { status: 'fallback'; message: SentMessage; attempts: number; takeover: boolean }
  | { status: 'already_sent'; reason: 'lease_done' | 'found_on_platform' | 'platform_dedup'; message?: SentMessage }
  | { status: 'in_progress'; owner: string; until: Date }
  | { status: 'failed'; error: { code: string; message: string; permanent: boolean }; attempts: number };

export class Outbox {
  readonly owner: string;
  private readonly senders = new Map<Platform, ChatSender>();
  private readonly log: Logger;
  private readonly ttl: number;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(private readonly options: OutboxOptions) {
    for (const s of options.senders) this.senders.set(s.platform, s);
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.log = options.logger.child({ component: 'outbox', owner: this.owner });
    this.ttl = options.leaseTtlMs ?? 120_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  async deliver(deliveryKey: string, target: DeliveryTarget, message: ChatMessage): Promise<DeliveryOutcome> {
    const sender = this.senders.get(target.platform);
    if (!sender) throw new AppError('CHAT.NO_SENDER', 'This chat platform is not configured.', { details: { platform: target.platform, deliveryKey } });
    const log = this.log.child({ deliveryKey, platform: target.platform });

    const started = this.now();
    const lease = await this.options.leases.acquire(deliveryKey, this.owner, this.ttl, started);
    if (!lease.acquired) {
      if (lease.reason === 'done') return { status: 'already_sent', reason: 'lease_done' };
      log.info({ holder: lease.owner, until: lease.until }, 'delivery in progress elsewhere');
      return { status: 'in_progress', owner: lease.owner, until: lease.until };
    }
    const { gen, takeover } = lease;
    const deadline = started.getTime() + this.ttl * 0.8;
    const since = new Date(started.getTime() - (this.options.lookbackMs ?? 36 * 3_600_000));

    // An earlier generation existed: it may have posted before it died or gave up.
    if (gen > 0) {
      const earlier = await sender.findDelivered(target, deliveryKey, since);
      if (earlier && earlier !== 'unknown') {
        log.info({ gen, takeover, messageId: earlier.messageId }, 'take-over found the message already delivered');
        await this.finish(deliveryKey, gen, log);
        await this.record({ deliveryKey, platform: target.platform, target, state: 'already_sent', at: this.now(), attempts: 0, message: earlier });
        return { status: 'already_sent', reason: 'found_on_platform', message: earlier };
      }
      log.info({ gen, takeover, check: earlier ?? 'not found' }, 'earlier attempt left no message; sending (idempotently)');
    }

    let attempts = 0;
    let lastError: DeliveryError | undefined;
    while (attempts < this.maxAttempts) {
      attempts += 1;
      try {
        const sent = await sender.send(target, message, { idempotencyKey: deliveryKey });
        await this.finish(deliveryKey, gen, log);
        if (sent.deduplicated) {
          await this.record({ deliveryKey, platform: target.platform, target, state: 'already_sent', at: this.now(), attempts, message: sent });
          return { status: 'already_sent', reason: 'platform_dedup', message: sent };
        }
        const state = sent.via === 'fallback' ? 'fallback' : 'sent';
        await this.record({ deliveryKey, platform: target.platform, target, state, at: this.now(), attempts, message: sent });
        log.info({ attempts, via: sent.via, messageId: sent.messageId }, 'delivered');
        return { status: state, message: sent, attempts, takeover };
      } catch (err) {
        lastError = classify(err);
        if (lastError.permanent) break;
        const delay = this.backoff(attempts);
        if (attempts >= this.maxAttempts || this.now().getTime() + delay > deadline) break;
        log.warn({ err: lastError, attempts, retryInMs: delay }, 'delivery failed; retrying');
        await this.sleep(delay);
        if (lastError.ambiguous) {
          const earlier = await sender.findDelivered(target, deliveryKey, since);
          if (earlier && earlier !== 'unknown') {
            await this.finish(deliveryKey, gen, log);
            await this.record({ deliveryKey, platform: target.platform, target, state: 'sent', at: this.now(), attempts, message: earlier });
            log.info({ attempts, messageId: earlier.messageId }, 'the failed attempt had gone through');
            return { status: 'sent', message: earlier, attempts, takeover };
          }
        }
      }
    }

    const error = { code: lastError!.code, message: lastError!.userMessage, permanent: lastError!.permanent };
    log.error({ err: lastError, attempts }, 'delivery failed');
    await this.options.leases.release(deliveryKey, gen);
    await this.record({ deliveryKey, platform: target.platform, target, state: 'failed', at: this.now(), attempts, error });
    return { status: 'failed', error, attempts };
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 1_000;
    const max = this.options.backoffMaxMs ?? 20_000;
    const raw = Math.min(max, base * 2 ** (attempt - 1));
    return Math.round(raw * (0.75 + this.random() * 0.5));
  }

  private async finish(key: string, gen: number, log: Logger): Promise<void> {
    const stillOurs = await this.options.leases.complete(key, gen, this.now());
    if (!stillOurs) log.warn({ gen }, 'our lease had expired and was taken over while sending; a duplicate is possible');
  }

  private async record(r: DeliveryStatusRecord): Promise<void> {
    try {
      await this.options.status?.record(r);
    } catch (err) {
      // The message is out (or failed) either way; a lost status must not turn into a re-send.
      this.log.error({ err, deliveryKey: r.deliveryKey }, 'could not record delivery status');
    }
  }
}

function classify(err: unknown): DeliveryError {
  if (isDeliveryError(err)) return err;
  // Our own AppErrors (e.g. a payload a renderer refused) will not get better by retrying.
  if (isAppError(err)) return new DeliveryError('CHAT.PAYLOAD_REJECTED', { permanent: true, cause: err, details: { code: err.code } });
  return new DeliveryError('CHAT.NETWORK', { permanent: false, ambiguous: true, cause: err });
}
