/**
 * Ports: what the use cases need from the outside world. src/db implements the repositories with
 * mongoose; the decision engine, twin updater and notifier are wired in src/main.ts.
 *
 * Concurrency contract (FerretDB 1.24 has no atomic conditional update, and two concurrent updates of
 * *different* fields of one document can lose one of them): repositories never promise compare-and-set
 * by update. They offer
 *   - inserts guarded by a unique key, reported as 'duplicate' (the one atomic primitive), and
 *   - plain replace/patch writes that the use cases serialise with Mutex.withLock on the record's key.
 * Every read-modify-write of a shared record in src/core runs inside withLock.
 */
import type { Decision, DecisionRequest } from '../../agent/decision.ts';
import type { DailyObservation, Level, Sport } from '../../twin/types.ts';
import type { Clock } from './clock.ts';
import type { MetricField, MetricSource, ProviderId, SourceDay, WorkoutRecord } from './metrics.ts';
import type {
  Athlete,
  AthleteProfile,
  AuditEntry,
  ChatBinding,
  ConnectionStatus,
  ConstraintRecord,
  DailyMetricsRecord,
  FeedbackRecord,
  Identity,
  Invitation,
  LinkCode,
  Membership,
  Person,
  Platform,
  PolicyActivation,
  PolicyModelRecord,
  PrescriptionRecord,
  ProviderConnectionRecord,
  Team,
  TokenSet,
  TwinParamsRecord,
} from './types.ts';

export type { Clock };

/** Outcome of an insert guarded by a unique key. */
export type InsertResult = 'inserted' | 'duplicate';

/** Mutual exclusion across processes (src/db: insert-based leases). */
export interface Mutex {
  /** Run fn while holding the lock on key; throws AppError RECORD.BUSY when the lock cannot be taken in time. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface PersonRepository {
  insert(person: Person): Promise<InsertResult>;
  get(id: string): Promise<Person | null>;
  getMany(ids: readonly string[]): Promise<Person[]>;
  /** Replace the stored person (callers hold the person's lock). */
  replace(person: Person): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface IdentityRepository {
  /** 'duplicate' when the (platform, userId) is taken or the person already has an identity on that platform. */
  insert(identity: Identity): Promise<InsertResult>;
  find(platform: Platform, userId: string): Promise<Identity | null>;
  listForPerson(personId: string): Promise<Identity[]>;
  /** The identities of many persons in one query, each person's in link order. */
  listForPersons(personIds: readonly string[]): Promise<Identity[]>;
}

export interface AthleteRepository {
  /** 'duplicate' when the person already has an athlete profile. */
  insert(athlete: Athlete): Promise<InsertResult>;
  get(id: string): Promise<Athlete | null>;
  /** Athletes joined with their persons; missing ids are left out. */
  profiles(ids: readonly string[]): Promise<AthleteProfile[]>;
  replace(athlete: Athlete): Promise<void>;
  listIds(filter?: { status?: Athlete['status']; simulated?: boolean }): Promise<string[]>;
}

export interface TeamRepository {
  insert(team: Team): Promise<void>;
  get(id: string): Promise<Team | null>;
  getMany(ids: readonly string[]): Promise<Team[]>;
  replace(team: Team): Promise<void>;
  delete(id: string): Promise<void>;
  /** Claim a chat channel for a team: 'duplicate' when another team holds it. */
  claimBinding(binding: ChatBinding, teamId: string): Promise<InsertResult>;
  findByBinding(platform: Platform, workspaceId: string, channelId: string): Promise<Team | null>;
}

export interface InvitationRepository {
  /** 'duplicate' when the (team, person) pair already has an invitation (whatever its state). */
  insert(invitation: Invitation): Promise<InsertResult>;
  get(teamId: string, personId: string): Promise<Invitation | null>;
  findByCode(code: string): Promise<Invitation | null>;
  /** Replace the stored invitation (callers hold the invitation's lock). */
  replace(invitation: Invitation): Promise<void>;
  listForPerson(personId: string): Promise<Invitation[]>;
  listForTeam(teamId: string): Promise<Invitation[]>;
}

export interface MembershipRepository {
  insert(membership: Membership): Promise<InsertResult>;
  get(teamId: string, personId: string): Promise<Membership | null>;
  replace(membership: Membership): Promise<void>;
  listForTeam(teamId: string): Promise<Membership[]>;
  listForPersons(personIds: readonly string[]): Promise<Membership[]>;
}

export interface ConnectionPatch {
  tokens?: TokenSet;
  scopes?: string[];
  externalUserId?: string;
  status?: ConnectionStatus;
  needsReauthReason?: string | null;
  needsReauthNotifiedAt?: Date | null;
  syncCursor?: string | null;
  lastSyncAt?: Date;
}

/** Tokens go in and out as plaintext; the implementation stores them encrypted (AES-256-GCM). */
export interface ProviderConnectionRepository {
  get(athleteId: string, provider: ProviderId): Promise<ProviderConnectionRecord | null>;
  listForAthlete(athleteId: string): Promise<ProviderConnectionRecord[]>;
  listByStatus(status: ConnectionStatus, provider?: ProviderId): Promise<ProviderConnectionRecord[]>;
  findByExternalUser(provider: ProviderId, externalUserId: string): Promise<ProviderConnectionRecord | null>;
  /** Create or replace the connection's tokens (status active), serialised per connection. */
  upsertTokens(athleteId: string, provider: ProviderId, tokens: TokenSet, scopes?: string[]): Promise<ProviderConnectionRecord>;
  /** Apply a patch, serialised per connection; bumps the version. Null when there is no connection. */
  patch(athleteId: string, provider: ProviderId, patch: ConnectionPatch): Promise<ProviderConnectionRecord | null>;
}

export interface DailyMetricsRepository {
  get(athleteId: string, date: string): Promise<DailyMetricsRecord | null>;
  /** Inclusive date range, for many athletes at once (the morning batch). */
  listRange(athleteIds: readonly string[], from: string, to: string): Promise<DailyMetricsRecord[]>;
  /** Insert or replace the athlete-day (callers hold the athlete-day lock). */
  put(record: DailyMetricsRecord): Promise<void>;
}

export interface FeedbackRepository {
  get(athleteId: string, date: string, slot: string): Promise<FeedbackRecord | null>;
  listRange(athleteIds: readonly string[], from: string, to: string): Promise<FeedbackRecord[]>;
  insert(feedback: FeedbackRecord): Promise<InsertResult>;
  replace(feedback: FeedbackRecord): Promise<void>;
}

export interface PrescriptionRepository {
  get(athleteId: string, date: string): Promise<PrescriptionRecord | null>;
  /** The stored prescriptions among the given athlete-days. */
  findMany(keys: readonly { athleteId: string; date: string }[]): Promise<PrescriptionRecord[]>;
  listForDate(athleteIds: readonly string[], date: string): Promise<PrescriptionRecord[]>;
  listRange(athleteIds: readonly string[], from: string, to: string): Promise<PrescriptionRecord[]>;
  insert(p: PrescriptionRecord): Promise<InsertResult>;
  /** Insert many; returns the keys (athleteId|date) that already existed. */
  insertMany(ps: readonly PrescriptionRecord[]): Promise<{ duplicates: string[] }>;
  /** Replace the stored prescription (callers hold the athlete-day lock). */
  replace(p: PrescriptionRecord): Promise<void>;
}

export interface ConstraintRepository {
  insert(c: ConstraintRecord): Promise<void>;
  get(id: string): Promise<ConstraintRecord | null>;
  replace(c: ConstraintRecord): Promise<void>;
  /** Active constraints of these athletes whose window touches [from, to]. */
  listActive(athleteIds: readonly string[], from: string, to: string): Promise<ConstraintRecord[]>;
  listForAthlete(athleteId: string, options?: { includeInactive?: boolean }): Promise<ConstraintRecord[]>;
}

export interface TwinParamsRepository {
  latest(athleteId: string): Promise<TwinParamsRecord | null>;
  /** Store the next version (latest + 1, retried on a lost race); returns what was stored. */
  append(entry: Omit<TwinParamsRecord, 'version'>): Promise<TwinParamsRecord>;
  list(athleteId: string): Promise<TwinParamsRecord[]>;
}

export interface PolicyModelRepository {
  /** Store as the next version of its name; returns the stored record. */
  publish(model: Omit<PolicyModelRecord, 'version' | 'id'>): Promise<PolicyModelRecord>;
  get(id: string): Promise<PolicyModelRecord | null>;
  list(name?: string): Promise<Omit<PolicyModelRecord, 'weights'>[]>;
  /** Insert the next activation pointer; the highest seq is the active model. */
  activate(modelId: string, by: string, at: Date, reason?: string): Promise<PolicyActivation>;
  active(): Promise<{ model: PolicyModelRecord; activation: PolicyActivation } | null>;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  list(filter: { athleteId?: string; teamId?: string; action?: string; limit?: number }): Promise<AuditEntry[]>;
}

export interface LinkCodeRepository {
  insert(code: LinkCode): Promise<InsertResult>;
  get(code: string): Promise<LinkCode | null>;
  markUsed(code: string, at: Date): Promise<void>;
}

/**
 * Everything stored about a person, across every collection. The implementation must cover every
 * registered model (src/db refuses to run with a model that has no personal-data policy).
 */
export interface PersonalDataStore {
  /** Collection name → documents about the person (secrets masked). */
  export(personId: string): Promise<Record<string, unknown[]>>;
  /** Hard-delete (or, for records that belong to others too, anonymise) everything; returns counts per collection. */
  erase(personId: string): Promise<Record<string, number>>;
}

/** The decision engine (agent/): state → mask → policy → explanation. One decision per request, in order. */
export interface DecisionEngine {
  decide(requests: DecisionRequest[]): Promise<Decision[]>;
}

export interface TwinUpdateInput {
  athleteId: string;
  sport: Sport;
  level: Level;
  /** The latest stored parameters, or null before the first calibration. */
  current: TwinParamsRecord | null;
  /** The day the feedback is about, merged with that day's wearable metrics. */
  observation: DailyObservation;
  /** Recent history in date order, ending with `observation`'s day. */
  history: DailyObservation[];
}

/**
 * Online update of an athlete's twin from one new observation (twin/ calibration API). Returns the new
 * parameters to store as the next version, or null when nothing changed.
 */
export interface TwinUpdater {
  update(input: TwinUpdateInput): Promise<{ params: Record<string, unknown>; uncertainty?: Record<string, number> } | null>;
}

/** The merged view of several sources' days (same shape as src/wearables/merge.ts MergedDay). */
export interface MergedDayLike {
  date: string;
  metrics: Partial<Record<MetricField, number>>;
  sources: Partial<Record<MetricField, MetricSource>>;
  workouts: WorkoutRecord[];
}

/** Merge function for several sources of the same days (wired to src/wearables/merge.ts mergeSourceDays). */
export type SourceDayMerger = (days: readonly SourceDay[]) => MergedDayLike[];

/** Things that happened, for the chat layer to tell people about. Delivery of the morning message is the job's. */
export type CoreEvent =
  | { type: 'prescription.overridden'; athleteId: string; date: string; prescriptionId: string; by: string }
  | { type: 'prescription.approved'; athleteId: string; date: string; prescriptionId: string; by: string }
  | { type: 'constraint.set'; athleteId: string; constraintId: string; by: string }
  | { type: 'constraint.removed'; athleteId: string; constraintId: string; by: string }
  | { type: 'feedback.recorded'; athleteId: string; date: string; created: boolean }
  | { type: 'athlete.paused' | 'athlete.resumed'; athleteId: string; by: string }
  | { type: 'identity.linked'; personId: string; platform: Platform }
  /** A coach invited a person to train in a team: tell them who, and let them answer (buttons). */
  | { type: 'team.invited'; personId: string; teamId: string; teamName: string; by: string; byName: string; code: string; expiresAt: Date }
  | { type: 'connection.connected'; athleteId: string; provider: ProviderId; via?: 'oauth' | 'api_key'; account?: VendorAccount }
  /** Published once per loss of access (ingest): the athlete has to /connect the provider again. */
  | { type: 'connection.needs_reauth'; athleteId: string; provider: ProviderId; reason: string };

export interface Notifier {
  publish(event: CoreEvent): Promise<void>;
}

export interface CoreOptions {
  /** Days of history before the prescribed day handed to the engine. Default 90. */
  historyDays: number;
  /**
   * Athletes per chunk in the batched prescribe. Default 1,000: each chunk reads its history with one
   * query per collection, and on the embedded FerretDB such a query reads the whole collection whatever
   * it asks for, so fewer, larger chunks cost proportionally less (250 → 1,000 took bench:morning at
   * 1,000 athletes from 95.5 s to 50.7 s, peak RSS 534 → 428 MiB). A chunk holds its athletes' 90 days of
   * history in memory at once (1,000 athletes: ~90,000 daily documents).
   */
  chunkSize: number;
  /** How long feedback stays editable. Default 7 days. */
  feedbackEditDays: number;
  linkCodeTtlMinutes: number;
}

export const DEFAULT_CORE_OPTIONS: Readonly<CoreOptions> = Object.freeze({
  historyDays: 90,
  chunkSize: 1000,
  feedbackEditDays: 7,
  linkCodeTtlMinutes: 15,
});

export interface Repositories {
  persons: PersonRepository;
  identities: IdentityRepository;
  athletes: AthleteRepository;
  teams: TeamRepository;
  memberships: MembershipRepository;
  connections: ProviderConnectionRepository;
  dailyMetrics: DailyMetricsRepository;
  feedback: FeedbackRepository;
  prescriptions: PrescriptionRepository;
  constraints: ConstraintRepository;
  twinParams: TwinParamsRepository;
  policyModels: PolicyModelRepository;
  audit: AuditRepository;
  linkCodes: LinkCodeRepository;
  invitations: InvitationRepository;
  personalData: PersonalDataStore;
  mutex: Mutex;
}

/** Everything a use case may use. Built once by the composition root. */
export interface CoreDeps extends Repositories {
  clock: Clock;
  newId: () => string;
  engine: DecisionEngine;
  twin: TwinUpdater;
  notifier: Notifier;
  mergeDays: SourceDayMerger;
  logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
  options?: Partial<CoreOptions>;
  /** The vendors' side of a connection (revocation, API-key checks): src/wearables/registry.ts. Absent: no vendor calls. */
  vendorAccess?: VendorAccess;
}

/** What ending a grant at the vendor did ('not_offered': the vendor has no such call; `how` tells the athlete). */
export type RevocationOutcome = { status: 'revoked' } | { status: 'not_offered'; how: string } | { status: 'failed'; code: string };

/** The account a token belongs to at the vendor, as far as its API says. */
export interface VendorAccount {
  id?: string;
  email?: string;
  name?: string;
}

export interface VendorAccess {
  /** End the grant at the vendor (refreshing first when the access token has expired). Never rejects. */
  revoke(athleteId: string, provider: ProviderId, tokens: TokenSet): Promise<RevocationOutcome>;
  /** One cheap authenticated call with the key: the tokens to store and the account, or a ProviderError. */
  verifyApiKey(provider: ProviderId, input: { apiKey: string; externalUserId: string }): Promise<{ tokens: TokenSet; account: VendorAccount }>;
  /** The account behind fresh OAuth tokens (best effort: {} when the vendor does not say). */
  accountOf(provider: ProviderId, tokens: TokenSet): Promise<VendorAccount>;
  /** False when stored secrets could not be read after a restart (TOKEN_ENCRYPTION_KEY unset: a per-run key). */
  readonly secretsSurviveRestart: boolean;
}
