/**
 * What the jobs need from the rest of the service, as small interfaces. The composition root
 * (src/app.ts) implements them from the repositories, the outbox and the wearables service; tests pass
 * in-memory versions. Jobs import src/core (use cases, presenters, local time) and these ports only —
 * never a chat SDK, mongoose, or an adapter folder.
 */
import type { ChatMessage } from '../src/core/chat.ts';
import type { DailyObservation, Level, Sport } from '../twin/types.ts';
import type { AthleteStatus, Platform, PrescriptionRecord, TeamChannelShare } from '../src/core/types.ts';

/** When an athlete's day happens: enough to schedule their morning, nightly ingest and evening reminder. */
export interface AthleteSchedule {
  athleteId: string;
  /** IANA zone. */
  timezone: string;
  /** HH:MM local: the morning message. */
  morningTime: string;
  status: AthleteStatus;
  simulated: boolean;
  sport: Sport;
  level: Level;
  /**
   * Set by jobs/partitions.ts when this worker took the athlete's partition over from another worker (wall
   * time): a DueIndex that has not seen the athlete before offers today's run even if its time has passed.
   */
  adoptedAt?: Date;
}

export interface ScheduleSource {
  /** Every athlete the service coaches (active and paused). */
  list(): Promise<AthleteSchedule[]>;
}

/** Where a message goes (structurally src/chat/ports.ts DeliveryTarget). */
export type DeliveryTarget = { platform: Platform; kind: 'dm'; userId: string } | { platform: Platform; kind: 'channel'; channelId: string };

/** What the outbox answered (structurally a subset of src/chat/outbox.ts DeliveryOutcome). */
export type DeliveryResult =
  | { status: 'sent' | 'fallback'; message: { messageId: string; channelId: string }; attempts: number }
  | { status: 'already_sent'; reason: string; message?: { messageId: string; channelId: string } }
  | { status: 'in_progress'; owner: string; until: Date }
  | { status: 'failed'; error: { code: string; message: string; permanent: boolean }; attempts: number };

/** Exactly-once delivery of one message to one place (src/chat/outbox.ts Outbox). */
export interface MessageDelivery {
  deliver(deliveryKey: string, target: DeliveryTarget, message: ChatMessage): Promise<DeliveryResult>;
}

/**
 * One place an athlete's morning goes. `channel` names it in the prescription's delivery record and in
 * the delivery key: "dm" for the athlete, "team:<teamId>:<platform>" for a team channel summary.
 */
export interface Recipient {
  channel: string;
  audience: 'athlete' | 'team';
  target: DeliveryTarget;
  teamId?: string;
}

export interface AthleteContact {
  athleteId: string;
  displayName: string;
  timezone: string;
  /** What team channels may show: 'session' (default) or 'readiness' too — the athlete's choice. */
  teamChannel: TeamChannelShare;
  /** Every place this athlete's messages go on the configured platforms (may be empty). */
  recipients: Recipient[];
}

export interface ContactDirectory {
  contacts(athleteIds: readonly string[]): Promise<Map<string, AthleteContact>>;
}

/**
 * Claims on a piece of work across processes and restarts (src/db LeaseRepository: insert-with-unique-key
 * leases, atomic on MongoDB and FerretDB). "done" is final.
 */
export interface Claims {
  acquire(key: string, owner: string, ttlMs: number, now?: Date): Promise<{ acquired: true; gen: number; takeover: boolean } | { acquired: false; reason: 'done' | 'held'; owner: string; until: Date }>;
  complete(key: string, gen: number, now?: Date): Promise<boolean>;
  release(key: string, gen: number): Promise<void>;
}

/**
 * The nightly wearable sync of one athlete (src/wearables' ingest service when wired; local mode's
 * simulated provider for simulated athletes). `date` is the athlete's local day being ingested (the
 * night that ended this morning belongs to it).
 */
export interface AthleteIngest {
  ingestAthlete(athleteId: string, options: { now: Date; date: string }): Promise<{ days: number; sources?: string[] } | void>;
}

/** Recent canonical history of many athletes (stored metrics + feedback, src/core/observations buildHistory). */
export interface HistorySource {
  /** Every day in [from, to] with data, in date order, per athlete. */
  histories(athleteIds: readonly string[], from: string, to: string): Promise<Map<string, DailyObservation[]>>;
}

/** What the evening reminder needs to know about athlete-days. */
export interface DayFacts {
  /** Per `${athleteId}|${date}`: the athlete's status, the day's prescription (if any) and whether session feedback was given. */
  facts(keys: readonly { athleteId: string; date: string }[]): Promise<Map<string, { status: AthleteStatus; prescription: PrescriptionRecord | null; feedbackGiven: boolean }>>;
}

/** Token refresh ahead of expiry (src/wearables TokenManager). */
export interface TokenRenewal {
  /** Refresh every active connection whose access token expires before `before`. */
  renewExpiring(before: Date, now: Date): Promise<{ checked: number; renewed: number; failed: number; needsReauth: number }>;
}

/** Provider webhook subscriptions (Oura's expire). */
export interface WebhookRenewal {
  /** Subscriptions that expire before `before`; `renew` is absent while the provider layer offers no renewal. */
  due(before: Date): Promise<{ provider: string; id: string; expiresAt: Date }[]>;
  renew?(subscription: { provider: string; id: string }): Promise<void>;
  /** Create the subscriptions that should exist and do not (idempotent); called before `due`. */
  ensure?(): Promise<{ created: number }>;
}

/** Renders the morning messages (presenters + charts). */
export interface MorningRenderer {
  render(input: { prescription: PrescriptionRecord; contact: AthleteContact; audience: 'athlete' | 'team' }): Promise<ChatMessage>;
}
