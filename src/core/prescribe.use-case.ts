/**
 * prescribeForDay: the morning decision for one athlete-day, idempotent.
 *
 *   validate → load history (DailyMetrics + Feedback → DailyObservation[]), constraints, override
 *            → compute the inputs hash → decide (only when needed) → save → (delivery is the job's)
 *
 * Rules for a second call on the same athlete-day:
 * - same inputs hash → the stored prescription, untouched ('unchanged');
 * - inputs changed, not delivered and not approved → recomputed, revision + 1 ('recomputed');
 * - inputs changed but already delivered or approved → kept as the athlete/coach saw it ('kept');
 * - a coach override is carried into every recompute (the engine must honour it, and we enforce it), so
 *   it is never silently replaced.
 *
 * Concurrency (FerretDB: no atomic conditional update): the first prescription of an athlete-day is an
 * insert on the unique (athleteId, date) key — concurrent callers compute, one insert wins, the others
 * read the winner ('raced'). Every later change happens under the athlete-day lock, re-reading the
 * document and checking its revision is still the one we computed from.
 *
 * prescribeMany is the batched form for the morning job (10,000 athletes): one query per collection per
 * chunk, one engine call per chunk, one insertMany per chunk.
 */
import { createHash } from 'node:crypto';
import type { ConstraintInput, Decision, DecisionRequest, OverrideInput } from '../../agent/decision.ts';
import { SESSION_TYPES } from '../../twin/types.ts';
import { isAppError } from '../errors.ts';
import { loadProfile, optionsOf, requireSelfOrCoach } from './context.ts';
import { fail } from './error-codes.ts';
import { addDays } from './local-time.ts';
import { historyForDay } from './observations.ts';
import type { CoreDeps } from './ports.ts';
import { prescriptionIdOf, type Actor, type AthleteProfile, type ConstraintRecord, type DeliveryRecord, type OverrideRecord, type PrescriptionRecord } from './types.ts';
import { requireDate } from './validation.ts';

export type PrescribeOutcome = 'created' | 'unchanged' | 'recomputed' | 'kept' | 'raced';

export interface PrescribeResult {
  athleteId: string;
  date: string;
  outcome: PrescribeOutcome | 'skipped' | 'failed';
  prescription?: PrescriptionRecord;
  error?: { code: string; message: string };
}

export const rxLockKey = (athleteId: string, date: string) => `rx:${athleteId}:${date}`;
const keyOf = (athleteId: string, date: string) => `${athleteId}|${date}`;

/** Delivered to any channel in its current revision. */
export function isDelivered(p: PrescriptionRecord): boolean {
  return Object.values(p.delivery).some((d) => d.status === 'sent' && d.revision === p.revision);
}

/** Frozen prescriptions are not recomputed when inputs change: the athlete or the coach has seen them. */
export function isFrozen(p: PrescriptionRecord): boolean {
  return isDelivered(p) || p.approval.state === 'approved';
}

/** May the athlete see it? (approval mode hides pending prescriptions) */
export function isVisibleToAthlete(p: PrescriptionRecord): boolean {
  return p.approval.state !== 'pending';
}

// ---------------------------------------------------------------------------------------------------
// Building requests

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v instanceof Date ? v.toISOString() : v) ?? 'null';
}

export function inputsHash(request: DecisionRequest): string {
  return createHash('sha256').update(stableJson(request)).digest('hex');
}

/** Shown in reasons; the chat layer renders the coach's name from override.by / constraint.by. */
const COACH_LABEL = 'your coach';

export function overrideInput(o: OverrideRecord): OverrideInput {
  return { type: o.session.type, minutes: o.session.minutes, reason: o.reason, by: COACH_LABEL };
}

function constraintInput(c: ConstraintRecord): ConstraintInput {
  const out: ConstraintInput = { kind: c.kind, from: c.from, by: COACH_LABEL };
  if (c.value !== undefined) out.value = c.value;
  if (c.to !== undefined) out.to = c.to;
  if (c.reason !== undefined) out.reason = c.reason;
  return out;
}

export interface Prepared {
  profile: AthleteProfile;
  date: string;
  request: DecisionRequest;
  hash: string;
  approvalRequired: boolean;
}

/** Load everything the engine needs for these athlete-days, in one query per collection. */
export async function prepareRequests(
  deps: CoreDeps,
  entries: readonly { profile: AthleteProfile; date: string; override?: OverrideRecord | undefined }[],
): Promise<Prepared[]> {
  if (entries.length === 0) return [];
  const { historyDays } = optionsOf(deps);
  const ids = [...new Set(entries.map((e) => e.profile.id))];
  const dates = entries.map((e) => e.date).sort();
  const minDate = dates[0]!;
  const maxDate = dates[dates.length - 1]!;
  const from = addDays(minDate, -historyDays);
  const [metrics, feedback, constraints, memberships] = await Promise.all([
    deps.dailyMetrics.listRange(ids, from, maxDate),
    deps.feedback.listRange(ids, from, maxDate),
    deps.constraints.listActive(ids, minDate, maxDate),
    deps.memberships.listForPersons(ids),
  ]);
  const teamIds = [...new Set(memberships.filter((m) => m.roles.includes('athlete')).map((m) => m.teamId))];
  const approvalTeams = new Set((await deps.teams.getMany(teamIds)).filter((t) => t.settings.approvalMode).map((t) => t.id));
  const approvalAthletes = new Set(memberships.filter((m) => m.roles.includes('athlete') && approvalTeams.has(m.teamId)).map((m) => m.personId));

  const group = <T extends { athleteId: string }>(rows: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) {
      let list = map.get(r.athleteId);
      if (!list) map.set(r.athleteId, (list = []));
      list.push(r);
    }
    return map;
  };
  const metricsBy = group(metrics);
  const feedbackBy = group(feedback);
  const constraintsBy = group(constraints);

  return entries.map(({ profile, date, override }) => {
    const history = historyForDay(date, historyDays, metricsBy.get(profile.id) ?? [], feedbackBy.get(profile.id) ?? []);
    const active = (constraintsBy.get(profile.id) ?? [])
      .filter((c) => c.from <= date && (c.to === undefined || c.to >= date))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(constraintInput);
    const request: DecisionRequest = { athleteId: profile.id, date, sport: profile.sport, history };
    if (active.length > 0) request.constraints = active;
    if (override) request.override = overrideInput(override);
    if (profile.goalDate) request.goalDate = profile.goalDate;
    return { profile, date, request, hash: inputsHash(request), approvalRequired: approvalAthletes.has(profile.id) };
  });
}

/** Call the engine and check its answer fits the requests. */
export async function decideAll(deps: CoreDeps, requests: DecisionRequest[]): Promise<Decision[]> {
  if (requests.length === 0) return [];
  let decisions: Decision[];
  try {
    decisions = await deps.engine.decide(requests);
  } catch (err) {
    deps.logger?.error({ component: 'core', err: (err as Error).message, requests: requests.length }, 'decision engine failed');
    throw fail('PRESCRIPTION.ENGINE_FAILED', 'I could not work out today’s session right now. I’ll try again shortly.', { cause: (err as Error).message });
  }
  const ok =
    Array.isArray(decisions) &&
    decisions.length === requests.length &&
    decisions.every((d, i) => d.athleteId === requests[i]!.athleteId && d.date === requests[i]!.date && (SESSION_TYPES as readonly string[]).includes(d.session?.type));
  if (!ok) {
    deps.logger?.error({ component: 'core', got: decisions?.length, want: requests.length }, 'decision engine returned decisions that do not match the requests');
    throw fail('PRESCRIPTION.ENGINE_FAILED', 'I could not work out today’s session right now. I’ll try again shortly.');
  }
  return decisions.map((d, i) => enforceOverride(deps, requests[i]!, d));
}

/** Overrides always win, even over an engine that forgot to honour one. */
function enforceOverride(deps: CoreDeps, request: DecisionRequest, d: Decision): Decision {
  const o = request.override;
  if (!o || (d.session.type === o.type && (o.minutes === undefined || d.session.minutes === o.minutes))) return d;
  deps.logger?.warn({ component: 'core', athleteId: d.athleteId, date: d.date, engine: d.session.type, override: o.type }, 'engine ignored a coach override; enforcing it');
  return {
    ...d,
    session: { ...d.session, type: o.type, minutes: o.minutes ?? d.session.minutes, description: `Your coach’s session: ${o.reason}` },
    reasons: [{ kind: 'override', text: `Set by ${o.by}: ${o.reason}` }, ...d.reasons],
    policy: `override@${d.policy}`,
  };
}

/** The decision as a prescription document (id, revision, approval, delivery and override come from `base`). */
export function toRecord(
  d: Decision,
  hash: string,
  base: Pick<PrescriptionRecord, 'id' | 'revision' | 'createdAt' | 'approval' | 'delivery'> & { override?: OverrideRecord | undefined },
  now: Date,
): PrescriptionRecord {
  const rec: PrescriptionRecord = {
    id: base.id,
    athleteId: d.athleteId,
    date: d.date,
    revision: base.revision,
    state: { ...d.state },
    mask: { allowed: [...d.allowed], blocked: d.blocked.map((b) => ({ ...b })) },
    session: { ...d.session },
    alternatives: d.allowed.filter((t) => t !== d.session.type),
    reasons: d.reasons.map((r) => ({ ...r })),
    policy: d.policy,
    inputsHash: hash,
    approval: base.approval,
    delivery: base.delivery,
    createdAt: base.createdAt,
    updatedAt: now,
  };
  if (base.override) rec.override = base.override;
  return rec;
}

// ---------------------------------------------------------------------------------------------------
// Use cases

/** Prescribe many athlete-days (the morning job). Never throws for one athlete's problem: see each result. */
export async function prescribeMany(deps: CoreDeps, items: readonly { athleteId: string; date: string }[]): Promise<PrescribeResult[]> {
  const { chunkSize } = optionsOf(deps);
  const results: PrescribeResult[] = [];
  for (let i = 0; i < items.length; i += chunkSize) results.push(...(await prescribeChunk(deps, items.slice(i, i + chunkSize))));
  return results;
}

function failure(athleteId: string, date: string, err: unknown): PrescribeResult {
  if (isAppError(err)) return { athleteId, date, outcome: 'failed', error: { code: err.code, message: err.userMessage } };
  return { athleteId, date, outcome: 'failed', error: { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) } };
}

async function prescribeChunk(deps: CoreDeps, items: readonly { athleteId: string; date: string }[]): Promise<PrescribeResult[]> {
  const out = new Map<string, PrescribeResult>();
  const valid: { athleteId: string; date: string }[] = [];
  for (const it of items) {
    try {
      requireDate(it.date);
      valid.push(it);
    } catch (err) {
      out.set(keyOf(it.athleteId, it.date), failure(it.athleteId, it.date, err));
    }
  }
  const ids = [...new Set(valid.map((v) => v.athleteId))];
  const [profiles, existingList] = await Promise.all([deps.athletes.profiles(ids), deps.prescriptions.findMany(valid)]);
  const profileBy = new Map(profiles.map((p) => [p.id, p]));
  const existing = new Map(existingList.map((p) => [keyOf(p.athleteId, p.date), p]));

  const entries: { profile: AthleteProfile; date: string; override?: OverrideRecord | undefined }[] = [];
  for (const it of valid) {
    const k = keyOf(it.athleteId, it.date);
    if (out.has(k)) continue; // duplicate item in the batch
    const profile = profileBy.get(it.athleteId);
    if (!profile) out.set(k, failure(it.athleteId, it.date, fail('ATHLETE.NOT_FOUND', 'I could not find that athlete.')));
    else if (profile.status === 'paused') out.set(k, { athleteId: it.athleteId, date: it.date, outcome: 'skipped', error: { code: 'ATHLETE.PAUSED', message: 'paused' } });
    else {
      entries.push({ profile, date: it.date, override: existing.get(k)?.override });
      out.set(k, { athleteId: it.athleteId, date: it.date, outcome: 'failed' }); // placeholder, keeps order
    }
  }

  const prepared = await prepareRequests(deps, entries);
  const toDecide: Prepared[] = [];
  for (const p of prepared) {
    const k = keyOf(p.profile.id, p.date);
    const ex = existing.get(k);
    if (ex && ex.inputsHash === p.hash) out.set(k, { athleteId: p.profile.id, date: p.date, outcome: 'unchanged', prescription: ex });
    else if (ex && isFrozen(ex)) out.set(k, { athleteId: p.profile.id, date: p.date, outcome: 'kept', prescription: ex });
    else toDecide.push(p);
  }

  let decisions: Decision[];
  try {
    decisions = await decideAll(deps, toDecide.map((p) => p.request));
  } catch (err) {
    for (const p of toDecide) out.set(keyOf(p.profile.id, p.date), failure(p.profile.id, p.date, err));
    return [...out.values()];
  }

  const now = deps.clock.now();
  const created: PrescriptionRecord[] = [];
  const recomputes: { prepared: Prepared; decision: Decision; ex: PrescriptionRecord }[] = [];
  toDecide.forEach((p, i) => {
    const ex = existing.get(keyOf(p.profile.id, p.date));
    if (ex) recomputes.push({ prepared: p, decision: decisions[i]!, ex });
    else
      created.push(
        toRecord(decisions[i]!, p.hash, { id: prescriptionIdOf(p.profile.id, p.date), revision: 1, createdAt: now, approval: { state: p.approvalRequired ? 'pending' : 'not_required' }, delivery: {} }, now),
      );
  });

  if (created.length > 0) {
    const { duplicates } = await deps.prescriptions.insertMany(created);
    const dup = new Set(duplicates);
    const winners = dup.size > 0 ? await deps.prescriptions.findMany(created.filter((c) => dup.has(keyOf(c.athleteId, c.date)))) : [];
    const winnerBy = new Map(winners.map((w) => [keyOf(w.athleteId, w.date), w]));
    for (const c of created) {
      const k = keyOf(c.athleteId, c.date);
      if (!dup.has(k)) out.set(k, { athleteId: c.athleteId, date: c.date, outcome: 'created', prescription: c });
      else {
        const w = winnerBy.get(k);
        out.set(k, w ? { athleteId: c.athleteId, date: c.date, outcome: 'raced', prescription: w } : failure(c.athleteId, c.date, new Error('duplicate key but no stored prescription')));
      }
    }
  }

  for (const r of recomputes) {
    const k = keyOf(r.ex.athleteId, r.ex.date);
    try {
      out.set(k, await replaceIfUnchanged(deps, r.ex, r.decision, r.prepared));
    } catch (err) {
      out.set(k, failure(r.ex.athleteId, r.ex.date, err));
    }
  }
  return [...out.values()];
}

/** Under the athlete-day lock: write the recomputed prescription unless somebody changed it meanwhile. */
async function replaceIfUnchanged(deps: CoreDeps, ex: PrescriptionRecord, decision: Decision, p: Prepared): Promise<PrescribeResult> {
  return deps.mutex.withLock(rxLockKey(ex.athleteId, ex.date), async () => {
    const cur = await deps.prescriptions.get(ex.athleteId, ex.date);
    const base = { athleteId: ex.athleteId, date: ex.date };
    if (!cur) return { ...base, outcome: 'failed', error: { code: 'PRESCRIPTION.NOT_FOUND', message: 'deleted while recomputing' } };
    if (cur.revision !== ex.revision || cur.inputsHash === p.hash) return { ...base, outcome: 'raced', prescription: cur };
    if (isFrozen(cur)) return { ...base, outcome: 'kept', prescription: cur };
    const now = deps.clock.now();
    const next = toRecord(
      decision,
      p.hash,
      {
        id: cur.id,
        revision: cur.revision + 1,
        createdAt: cur.createdAt,
        approval: { state: p.approvalRequired ? 'pending' : 'not_required' },
        delivery: cur.delivery,
        override: cur.override,
      },
      now,
    );
    await deps.prescriptions.replace(next);
    return { ...base, outcome: 'recomputed', prescription: next };
  });
}

/** One athlete-day. Throws AppErrors (ATHLETE.NOT_FOUND, ATHLETE.PAUSED, PRESCRIPTION.ENGINE_FAILED, …). */
export async function prescribeForDay(deps: CoreDeps, athleteId: string, date: string): Promise<PrescriptionRecord & { outcome: PrescribeOutcome }> {
  requireDate(date);
  const [r] = await prescribeMany(deps, [{ athleteId, date }]);
  if (r?.prescription) return { ...r.prescription, outcome: r.outcome as PrescribeOutcome };
  if (r?.outcome === 'skipped') throw fail('ATHLETE.PAUSED', 'Coaching is paused, so there is no session today. Use /resume to start again.');
  if (r?.error?.code === 'ATHLETE.NOT_FOUND') throw fail('ATHLETE.NOT_FOUND', 'I could not find that athlete.');
  throw fail('PRESCRIPTION.ENGINE_FAILED', r?.error?.message ?? 'I could not work out today’s session right now. I’ll try again shortly.');
}

export type SessionView =
  | { status: 'none' }
  | { status: 'awaiting_approval'; date: string }
  | { status: 'ready'; prescription: PrescriptionRecord };

/**
 * What the actor may see of an athlete's day. The athlete sees nothing of a pending prescription in
 * approval mode; their coaches see everything.
 */
export async function sessionFor(deps: CoreDeps, actor: Actor, athleteId: string, date: string): Promise<SessionView> {
  requireDate(date);
  await loadProfile(deps, athleteId);
  const who = await requireSelfOrCoach(deps, actor, athleteId, 'see sessions');
  const p = await deps.prescriptions.get(athleteId, date);
  if (!p) return { status: 'none' };
  if (who === 'self' && !isVisibleToAthlete(p)) return { status: 'awaiting_approval', date };
  return { status: 'ready', prescription: p };
}

/** Prescriptions of these athlete-days that may be delivered now (approved or not needing approval). */
export async function deliverablePrescriptions(deps: CoreDeps, keys: readonly { athleteId: string; date: string }[]): Promise<PrescriptionRecord[]> {
  return (await deps.prescriptions.findMany(keys)).filter(isVisibleToAthlete);
}

/** The delivery job records what happened per channel (serialised with every other change). */
export async function recordDelivery(
  deps: CoreDeps,
  athleteId: string,
  date: string,
  channel: string,
  delivery: Omit<DeliveryRecord, 'at'> & { at?: Date },
): Promise<PrescriptionRecord> {
  return deps.mutex.withLock(rxLockKey(athleteId, date), async () => {
    const cur = await deps.prescriptions.get(athleteId, date);
    if (!cur) throw fail('PRESCRIPTION.NOT_FOUND', 'There is no session for that day yet.');
    const rec: DeliveryRecord = { status: delivery.status, revision: delivery.revision, at: delivery.at ?? deps.clock.now() };
    if (delivery.messageRef !== undefined) rec.messageRef = delivery.messageRef;
    if (delivery.error !== undefined) rec.error = delivery.error.slice(0, 500);
    const next = { ...cur, delivery: { ...cur.delivery, [channel]: rec }, updatedAt: deps.clock.now() };
    await deps.prescriptions.replace(next);
    return next;
  });
}
