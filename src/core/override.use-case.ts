/**
 * applyOverride: a coach sets the session of today or a future day. It always wins: the engine gets it
 * as DecisionRequest.override (and core enforces it), every later recompute carries it, it counts as the
 * coach's approval, and it is audited with the session before and after.
 *
 * A session the safety rules block today needs the coach's confirmation (issue 17): without `confirm`
 * nothing is saved, the attempt is audited (`prescription.override_unconfirmed`) and the coach gets
 * OVERRIDE.CONFIRM_REQUIRED naming each rule with its numbers (details.breaks). With `confirm` the rules
 * are stored on the override (`breaks`), audited with it, and the athlete's message says the coach chose
 * the session despite them.
 */
import type { Decision, SessionPlan } from '../../agent/decision.ts';
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
  /** The coach has seen which safety rules the session breaks and sets it anyway. */
  confirm?: boolean;
}

export type BrokenRule = NonNullable<OverrideRecord['breaks']>[number];

/** The safety rules the decision's session breaks: the engine's own list, else the blocked entries of that session. */
export function brokenRulesOf(d: Pick<Decision, 'session' | 'blocked' | 'overrideBreaks'>): BrokenRule[] {
  if (d.overrideBreaks) return d.overrideBreaks.map((b) => ({ rule: b.rule, reason: b.reason }));
  const out: BrokenRule[] = [];
  for (const b of d.blocked)
    if (b.type === d.session.type && (d.session.actionId === undefined || b.actionId === undefined || b.actionId === d.session.actionId) && !out.some((o) => o.rule === b.rule))
      out.push({ rule: b.rule, reason: b.reason });
  return out;
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
  const { saved, before, breaks } = await deps.mutex.withLock(rxLockKey(profile.id, date), async () => {
    const cur = await deps.prescriptions.get(profile.id, date);
    const now = deps.clock.now();
    const provisional: SessionPlan = { type: input.type, minutes: minutes!, targetLoad: 0, intensity: '', description: reason };
    const override: OverrideRecord = { session: provisional, reason, by: actor.personId, at: now, previous: cur ? { ...cur.session } : null };
    const [prepared] = await prepareRequests(deps, [{ profile, date, override }]);
    const [decision] = await decideAll(deps, [prepared!.request]);
    const breaks = brokenRulesOf(decision!);
    if (breaks.length > 0 && input.confirm !== true) return { saved: null, before: cur?.session ?? null, breaks };
    if (breaks.length > 0) override.breaks = breaks;
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
      return { saved: next, before: raced.session, breaks };
    }
    return { saved: next, before: cur?.session ?? null, breaks };
  });

  const target = { kind: 'prescription' as const, id: saved?.id ?? prescriptionIdOf(profile.id, date), athleteId: profile.id, date };
  if (!saved) {
    await audit(deps, actor, 'prescription.override_unconfirmed', target, { before, after: { type: input.type, minutes, breaks }, reason });
    const rules = breaks.map((b, i) => `${i + 1}. ${b.rule}: ${b.reason}`).join('\n');
    throw fail(
      'OVERRIDE.CONFIRM_REQUIRED',
      `The safety rules block ${input.type} for ${profile.displayName} on ${date}:\n${rules}\nNothing was changed. Send the override again with confirm:true to set it anyway; ${profile.displayName} will be told which rule you overrode.`,
      { breaks, athleteId: profile.id, date, type: input.type },
    );
  }

  // audit + notify
  await audit(deps, actor, 'prescription.override', target, { before, after: breaks.length > 0 ? { ...saved.session, breaks } : saved.session, reason });
  await publish(deps, { type: 'prescription.overridden', athleteId: profile.id, date, prescriptionId: saved.id, by: actor.personId });
  return saved;
}
