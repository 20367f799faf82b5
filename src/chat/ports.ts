/**
 * The ports of the outbound chat side. The outbox is platform-neutral and knows no database: the
 * composition root passes
 *
 *   - DeliveryLeases — implemented by src/db's LeaseRepository as it is (insert-with-unique-key
 *     leases, the one primitive that is atomic on MongoDB *and* on the embedded FerretDB);
 *   - DeliveryStatusPort — where per-channel outcomes are recorded (a repository, or the in-memory one);
 *   - one ChatSender per platform (src/chat/discord/sender.ts, src/chat/slack/sender.ts,
 *     src/chat/console/sender.ts).
 */
import type { ChatMessage, Platform } from '../core/chat.ts';

/** Where a message goes. The platform picks the sender. */
export type DeliveryTarget =
  | { platform: Platform; kind: 'dm'; userId: string }
  | { platform: Platform; kind: 'channel'; channelId: string };

/** A message the platform accepted. */
export interface SentMessage {
  platform: Platform;
  channelId: string;
  /** Discord message id, Slack ts, console sequence number. */
  messageId: string;
  /** 'fallback' = the DM was refused and a mention was posted in the team channel instead. */
  via: 'dm' | 'channel' | 'fallback';
  /** The platform answered with an earlier message for the same idempotency key (best effort). */
  deduplicated?: boolean;
}

export interface SendOptions {
  /** The delivery key; senders derive their idempotency token (Discord nonce, Slack metadata) from it. */
  idempotencyKey: string;
}

export interface ChatSender {
  readonly platform: Platform;
  send(target: DeliveryTarget, message: ChatMessage, options: SendOptions): Promise<SentMessage>;
  /**
   * Was a message for this idempotency key already delivered to the target? Asked after a take-over
   * and after a failure that may have reached the platform. 'unknown' when the platform cannot say
   * (Discord: messages fetched later carry no nonce — there the idempotent send itself is the check).
   */
  findDelivered(target: DeliveryTarget, idempotencyKey: string, since: Date): Promise<SentMessage | null | 'unknown'>;
}

export type LeaseAcquireResult =
  | { acquired: true; gen: number; takeover: boolean }
  | { acquired: false; reason: 'done' | 'held'; owner: string; until: Date };

/** Structurally the LeaseRepository of src/db (pass it as is). */
export interface DeliveryLeases {
  acquire(key: string, owner: string, ttlMs: number, now?: Date): Promise<LeaseAcquireResult>;
  /** false when a newer generation exists (our lease expired and somebody took over). */
  complete(key: string, gen: number, now?: Date): Promise<boolean>;
  release(key: string, gen: number): Promise<void>;
  isDone(key: string): Promise<boolean>;
}

export type DeliveryState = 'sent' | 'fallback' | 'already_sent' | 'failed';

export interface DeliveryStatusRecord {
  deliveryKey: string;
  platform: Platform;
  target: DeliveryTarget;
  state: DeliveryState;
  at: Date;
  attempts: number;
  message?: SentMessage;
  error?: { code: string; message: string; permanent: boolean };
}

export interface DeliveryStatusPort {
  record(status: DeliveryStatusRecord): Promise<void>;
}
