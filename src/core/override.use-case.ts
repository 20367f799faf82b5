/**
 * applyOverride: a coach sets the session of today or a future day. It always wins: the engine gets it
 * as DecisionRequest.override (and core enforces it), every later recompute carries it, it counts as the
 * coach's approval, and it is audited with the session before and after.
 */
import type { SessionPlan } from '../../agent/decision.ts';
import { SESSION_TYPES, type SessionType } from '../../twin/types.ts';
import { audit, loadProfile, publish, requireCoachOf, todayIn } from './context.ts';
import { fail } from './error-codes.ts';
import type { CoreDeps } from './ports.ts';
import { decideAll, prepareRequests, rxLockKey, toRecord } from './prescribe.use-case.ts';
import { prescriptionIdOf, type Actor, type OverrideRecord, type PrescriptionRecord } from './types.ts';
import { isSessionType, optionalText, requireDate, requireIntIn, shown } from './validation.ts';

export interface OverrideRequest {
  athleteId: string;
  date: string;
  type: SessionType;
  /** Required except for REST. */
  minutes?: number;
  reason: string;
}

export async function applyOverride(deps: CoreDeps, actor: Actor, input: OverrideRequest): Promise<PrescriptionRecord> {
  // validate
  const date = requireDate(input.date);
  if (!isSessionType(input.type))
    throw fail('OVERRIDE.SESSION_INVALID', `Session must be one of ${SESSION_TYPES.join(', ')}; you sent ${shown(input.type)}`);
  const minutes = input.type === 'REST' ? (input.minutes ?? 0) : input.minutes;
  if (input.type === 'REST' && minutes !== 0) throw fail('OVERRIDE.MINUTES_OUT_OF_RANGE', `A REST day has 0 minutes; you sent ${shown(minutes)}`);
  if (input.type !== 'REST') requireIntIn(minutes, 5, 600, 'OVERRIDE.MINUTES_OUT_OF_RANGE', 'Minutes');
  const reason = optionalText(input.reason, 500, 'OVERRIDE.REASON_REQUIRED', 'The reason');
  if (!reason) throw fail('OVERRIDE.REASON_REQUIRED', 'Please give a reason for the change; the athlete sees it next to the session.');

  // load + authorize
  const profile = await loadProfile(deps, input.athleteId);
  await requireCoachOf(deps, actor, profile.id, 'change a session', profile.displayName);
  const today = todayIn(deps, profile.timezone);
  if (date < today) throw fail('OVERRIDE.DATE_IN_PAST', `${date} is already over for ${profile.displayName} (their today is ${today}); you can change today or later.`);

  // compute + save under the athlete-day lock
  const { saved, before } = await deps.mutex.withLock(rxLockKey(profile.id, date), async () => {
    const cur = await deps.prescriptions.get(profile.id, date);
    const now = deps.clock.now();
    const provisional: SessionPlan = { type: input.type, minutes: minutes!, targetLoad: 0, intensity: '', description: reason };
    const override: OverrideRecord = { session: provisional, reason, by: actor.personId, at: now, previous: cur ? { ...cur.session } : null };
    const [prepared] = await prepareRequests(deps, [{ profile, date, override }]);
    const [decision] = await decideAll(deps, [prepared!.request]);
    override.session = { ...decision!.session };
    const approval = { state: 'approved' as const, by: actor.personId, at: now };
    const base = cur
      ? { id: cur.id, revision: cur.revision + 1, createdAt: cur.createdAt, delivery: cur.delivery, approval, override }
      : { id: prescriptionIdOf(profile.id, date), revision: 1, createdAt: now, delivery: {}, approval, override };
    let next = toRecord(decision!, prepared!.hash, base, now);
    if (cur) await deps.prescriptions.replace(next);
    else if ((await deps.prescriptions.insert(next)) === 'duplicate') {
      // prescribeMany inserted the first version without the lock a moment ago: replace it (we hold the lock now).
      const raced = (await deps.prescriptions.get(profile.id, date))!;
      override.previous = { ...raced.session };
      next = toRecord(decision!, prepared!.hash, { ...base, id: raced.id, revision: raced.revision + 1, createdAt: raced.createdAt, delivery: raced.delivery }, now);
      await deps.prescriptions.replace(next);
      return { saved: next, before: raced.session };
    }
    return { saved: next, before: cur?.session ?? null };
  });

  // audit + notify
  await audit(deps, actor, 'prescription.override', { kind: 'prescription', id: saved.id, athleteId: profile.id, date }, { before, after: saved.session, reason });
  await publish(deps, { type: 'prescription.overridden', athleteId: profile.id, date, prescriptionId: saved.id, by: actor.personId });
  return saved;
}
