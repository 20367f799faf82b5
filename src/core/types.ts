/**
 * Domain records: what the use cases read and write through the ports (src/core/ports.ts). Plain data —
 * no mongoose, no ObjectIds: every id is a string, every local calendar day is `yyyy-mm-dd` in the
 * athlete's own time zone, every instant is a Date.
 *
 * People (see README "Person, Athlete, Membership"):
 * - Person: one human, whatever they do here. Holds what every user needs: display name, time zone,
 *   DM preference. Chat identities (Discord user, Slack user) point at a Person.
 * - Athlete: the athlete profile of a Person, keyed by the same id (athleteId === personId). Coaches who
 *   do not train have a Person and no Athlete.
 * - Membership: (team, person) → roles. Roles are per team, so one person can coach team A and train in
 *   team B.
 */
import type { BlockedAction, ConstraintKind, Reason, SessionPlan } from '../../agent/decision.ts';
import type { Level, SessionType, Sport, Wellness } from '../../twin/types.ts';
import type { Platform } from './chat.ts';
import type { MetricField, MetricSource, ProviderId, SourceDay, WorkoutRecord } from './metrics.ts';

export type { Platform };

/** Who is acting: resolved from a chat identity by resolveActor. */
export interface Actor {
  personId: string;
  platform: Platform;
}

export const ROLES = ['athlete', 'coach', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A chat account that belongs to a person. Unique per (platform, userId) and per (person, platform). */
export interface Identity {
  platform: Platform;
  userId: string;
  personId: string;
  linkedAt: Date;
}

export interface Person {
  id: string;
  displayName: string;
  /** IANA zone, e.g. Europe/Berlin: defines the person's "today". */
  timezone: string;
  /** Whether the bot may DM this person (else: team channel mentions only). */
  dmsEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type AthleteStatus = 'active' | 'paused';

export interface Consent {
  givenAt: Date;
  /** Version of the privacy notice the athlete agreed to, e.g. "2026-11". */
  version: string;
}

/** The athlete profile of a person (same id). */
export interface Athlete {
  id: string;
  sport: Sport;
  level: Level;
  /** Goal / event date (yyyy-mm-dd) the plan aims at. */
  goalDate?: string;
  goalName?: string;
  /** Local wall-clock time of the morning message, HH:MM. */
  morningTime: string;
  status: AthleteStatus;
  pausedAt?: Date;
  consent: Consent;
  /** A simulated athlete driven by the twin in local mode. */
  simulated: boolean;
  /**
   * What the daily summary in a team channel shows of this athlete: 'session' (name and session only —
   * the default when unset) or 'readiness' (also the readiness band from HRV, resting HR and sleep).
   * The athlete chooses when joining and in /settings; coaches see readiness on the board either way.
   */
  teamChannel?: TeamChannelShare;
  createdAt: Date;
  updatedAt: Date;
}

export const TEAM_CHANNEL_SHARES = ['session', 'readiness'] as const;
export type TeamChannelShare = (typeof TEAM_CHANNEL_SHARES)[number];
/** The privacy-preserving default: a shared channel sees the session, not the body behind it. */
export const DEFAULT_TEAM_CHANNEL_SHARE: TeamChannelShare = 'session';

/** Athlete joined with its person: what use cases mostly need. */
export interface AthleteProfile extends Athlete {
  displayName: string;
  timezone: string;
  dmsEnabled: boolean;
}

export type Units = 'metric' | 'imperial';

export interface TeamSettings {
  /** On: athletes see a session only after a coach approves it. */
  approvalMode: boolean;
  units: Units;
  /** Morning time given to athletes who join without choosing one. */
  defaultMorningTime: string;
}

/** A chat channel bound to a team. workspaceId = Discord guild id or Slack workspace (team) id. */
export interface ChatBinding {
  platform: Platform;
  workspaceId: string;
  channelId: string;
}

export interface Team {
  id: string;
  name: string;
  bindings: ChatBinding[];
  settings: TeamSettings;
  createdAt: Date;
  updatedAt: Date;
}

export interface Membership {
  teamId: string;
  personId: string;
  roles: Role[];
  joinedAt: Date;
}

/**
 * An invitation to train in a team: a coach asks, the athlete answers. Until the athlete accepts there
 * is no membership, so the coach has no power over them. One per (team, person): `id` is
 * `<teamId>:<personId>`; `code` is what the athlete types or their button carries (bound to them).
 */
export interface Invitation {
  id: string;
  teamId: string;
  personId: string;
  code: string;
  invitedBy: string;
  status: 'pending' | 'accepted' | 'declined';
  createdAt: Date;
  expiresAt: Date;
  answeredAt?: Date;
}

// ---------------------------------------------------------------------------------------------------
// Provider connections (tokens are plaintext here; the repository stores them encrypted)

/** Same shape as src/wearables/provider.ts TokenSet (kept structurally identical; a test checks it). */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
  scope?: string;
  kind?: 'bearer' | 'api_key';
  externalUserId?: string;
}

export type ConnectionStatus = 'active' | 'needs_reauth' | 'revoked';

export interface ProviderConnectionRecord {
  athleteId: string;
  provider: ProviderId;
  externalUserId?: string;
  tokens: TokenSet;
  scopes: string[];
  status: ConnectionStatus;
  needsReauthReason?: string;
  needsReauthNotifiedAt?: Date;
  /** Provider-specific position of the last sync (a date, a next_token, …). */
  syncCursor?: string;
  lastSyncAt?: Date;
  /** Incremented on every write (compare-and-set key). */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

// ---------------------------------------------------------------------------------------------------
// Daily metrics

export interface FieldValue {
  value: number;
  source: MetricSource;
}

/** One athlete-day of canonical metrics: the merged value and its source per field, plus every source's own day. */
export interface DailyMetricsRecord {
  athleteId: string;
  date: string;
  fields: Partial<Record<MetricField, FieldValue>>;
  /** Every source's day as received (metrics, raw fields, workouts). */
  sources: SourceDay[];
  /** Workouts of the source chosen for the day's load, with their TSS-scale loads. */
  workouts: WorkoutRecord[];
  updatedAt: Date;
}

// ---------------------------------------------------------------------------------------------------
// Feedback

export const COMPLETIONS = ['done', 'partial', 'skipped'] as const;
export type Completion = (typeof COMPLETIONS)[number];

export interface TestResultRecord {
  test: string;
  value: number;
  unit: string;
  higherIsBetter: boolean;
}

/**
 * What the athlete told us about one day (one document per athlete + date + slot; slot "main" is the
 * day's prescribed session). Post-session feedback, the morning check-in and test results all land in
 * the same document, so a second submission edits it.
 */
export interface FeedbackRecord {
  id: string;
  athleteId: string;
  date: string;
  slot: string;
  /** The prescription this feedback is about, when known. */
  sessionRef?: string;
  sessionType?: SessionType;
  /** Session RPE, CR-10, 1–10. */
  rpe?: number;
  minutes?: number;
  completion?: Completion;
  /** Muscle soreness after the session, 1–5 (5 = very sore). */
  soreness?: number;
  /** Morning check-in, each item 1–5 where 5 is best (twin/types.ts Wellness). */
  wellness?: Wellness;
  tests: TestResultRecord[];
  illness?: boolean;
  injury?: boolean;
  notes?: string;
  createdAt: Date;
  updatedAt: Date;
  /** Edits are refused after this instant (createdAt + 7 days). */
  editableUntil: Date;
  editCount: number;
}

// ---------------------------------------------------------------------------------------------------
// Prescriptions

export type ApprovalState = 'pending' | 'approved' | 'not_required';

export interface OverrideRecord {
  session: SessionPlan;
  reason: string;
  /** personId of the coach. */
  by: string;
  at: Date;
  /** The session this override replaced (null when there was none yet). */
  previous: SessionPlan | null;
  /** Safety rules the coach confirmed breaking, each with the reason that cites its numbers (absent: none). */
  breaks?: { rule: string; reason: string }[];
}

export interface DeliveryRecord {
  status: 'pending' | 'sent' | 'failed';
  /** The prescription revision that was (or failed to be) delivered. */
  revision: number;
  at: Date;
  messageRef?: string;
  error?: string;
}

/**
 * A prescription's id: one per athlete-day, derived from it, so that a stored prescription is found by
 * its `_id` (the one filter the embedded FerretDB answers from an index; see src/db/README.md).
 */
export const prescriptionIdOf = (athleteId: string, date: string) => `${athleteId}:${date}`;

/** One per athlete + local date. Idempotent: prescribeForDay returns it unless inputs changed before delivery. */
export interface PrescriptionRecord {
  id: string;
  athleteId: string;
  date: string;
  /** Bumped on every change of the session or its explanation. */
  revision: number;
  /** Named state values the decision used (ATL, CTL, TSB, acwr, hrvZ, …). */
  state: Record<string, number | boolean | string | null>;
  mask: { allowed: SessionType[]; blocked: BlockedAction[] };
  session: SessionPlan;
  /** Other allowed session types (allowed minus the chosen one). */
  alternatives: SessionType[];
  reasons: Reason[];
  /** "<name>@<version>" of the policy, or "override@…". */
  policy: string;
  /** sha256 of the decision request (history, constraints, override, sport, goal). */
  inputsHash: string;
  override?: OverrideRecord;
  approval: { state: ApprovalState; by?: string; at?: Date };
  /** Per delivery channel (e.g. "discord", "slack", "discord_dm"). */
  delivery: Record<string, DeliveryRecord>;
  createdAt: Date;
  updatedAt: Date;
}

// ---------------------------------------------------------------------------------------------------
// Constraints, twin parameters, policy models, audit, link codes

export interface ConstraintRecord {
  id: string;
  athleteId: string;
  kind: ConstraintKind;
  value?: number;
  /** Inclusive local dates; `to` open-ended when absent. */
  from: string;
  to?: string;
  reason?: string;
  /** personId of the coach who set it. */
  by: string;
  active: boolean;
  createdAt: Date;
  removedAt?: Date;
  removedBy?: string;
}

export type TwinParamsSource = 'default' | 'calibration' | 'feedback';

export interface TwinParamsRecord {
  athleteId: string;
  /** 1, 2, 3, … per athlete; the highest wins. */
  version: number;
  params: Record<string, unknown>;
  /** Posterior SDs (or similar) per parameter. */
  uncertainty?: Record<string, number>;
  source: TwinParamsSource;
  /** What produced it, e.g. "feedback:2026-11-22". */
  basedOn?: string;
  createdAt: Date;
}

export interface PolicyModelRecord {
  id: string;
  name: string;
  /** 1, 2, 3, … per name. */
  version: number;
  weights: Uint8Array;
  featureSpec: { version: string; names: string[] };
  trainingConfig: Record<string, unknown>;
  evaluation: Record<string, unknown>;
  createdAt: Date;
}

export interface PolicyActivation {
  /** 1, 2, 3, …: the highest is the active model. */
  seq: number;
  modelId: string;
  by: string;
  reason?: string;
  at: Date;
}

export type AuditActor = { kind: 'person'; personId: string; platform: Platform } | { kind: 'system'; name: string };

export interface AuditEntry {
  id: string;
  at: Date;
  actor: AuditActor;
  /** e.g. "prescription.override", "constraint.set", "person.erased". */
  action: string;
  target: { kind: string; id?: string; athleteId?: string; teamId?: string; date?: string };
  before?: unknown;
  after?: unknown;
  reason?: string;
}

export interface LinkCode {
  code: string;
  personId: string;
  /** Platform the code was created on. */
  platform: Platform;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}
