/**
 * Coach-set constraints (agent/decision.ts ConstraintKind) with a validity window. The mask applies them
 * at the next prescribe; removing one keeps it (inactive) for the record.
 */
import type { ConstraintKind } from '../../agent/decision.ts';
import { audit, loadProfile, publish, requireCoachOf, requireSelfOrCoach, todayIn } from './context.ts';
import { fail } from './error-codes.ts';
import type { CoreDeps } from './ports.ts';
import type { Actor, ConstraintRecord } from './types.ts';
import { optionalText, requireDate, requireIntIn, shown } from './validation.ts';

export const CONSTRAINT_KINDS: readonly ConstraintKind[] = ['no_high_intensity', 'max_load', 'rest_only', 'no_impact'];

export interface SetConstraintInput {
  athleteId: string;
  kind: ConstraintKind;
  /** max_load: the highest target load (TSS-scale) of a session. */
  value?: number;
  /** Defaults to the athlete's today. */
  from?: string;
  to?: string;
  reason?: string;
}

export async function setConstraint(deps: CoreDeps, actor: Actor, input: SetConstraintInput): Promise<ConstraintRecord> {
  // validate
  if (!CONSTRAINT_KINDS.includes(input.kind))
    throw fail('CONSTRAINT.KIND_INVALID', `Constraint must be one of ${CONSTRAINT_KINDS.join(', ')}; you sent ${shown(input.kind)}`);
  if (input.kind === 'max_load') {
    if (input.value === undefined) throw fail('CONSTRAINT.VALUE_REQUIRED', 'max_load needs a load, e.g. 80 (TSS points per session).');
    requireIntIn(input.value, 1, 1000, 'CONSTRAINT.VALUE_REQUIRED', 'The maximum load');
  }
  const reason = optionalText(input.reason, 500, 'CONSTRAINT.REASON_TOO_LONG', 'The reason');

  // load + authorize
  const profile = await loadProfile(deps, input.athleteId);
  await requireCoachOf(deps, actor, profile.id, 'set constraints', profile.displayName);
  const today = todayIn(deps, profile.timezone);
  const from = input.from === undefined ? today : requireDate(input.from, 'Start date');
  const to = input.to === undefined ? undefined : requireDate(input.to, 'End date');
  if (to !== undefined && (to < from || to < today))
    throw fail('CONSTRAINT.WINDOW_INVALID', `The constraint would end (${to}) before it starts (${from}) or before today (${today}).`);

  // save
  const c: ConstraintRecord = { id: deps.newId(), athleteId: profile.id, kind: input.kind, from, by: actor.personId, active: true, createdAt: deps.clock.now() };
  if (input.kind === 'max_load') c.value = input.value!;
  if (to !== undefined) c.to = to;
  if (reason !== undefined) c.reason = reason;
  await deps.constraints.insert(c);

  // audit + notify
  await audit(deps, actor, 'constraint.set', { kind: 'constraint', id: c.id, athleteId: profile.id }, { after: c, ...(reason ? { reason } : {}) });
  await publish(deps, { type: 'constraint.set', athleteId: profile.id, constraintId: c.id, by: actor.personId });
  return c;
}

export async function removeConstraint(deps: CoreDeps, actor: Actor, constraintId: string): Promise<ConstraintRecord> {
  const found = await deps.constraints.get(constraintId);
  if (!found || !found.active) throw fail('CONSTRAINT.NOT_FOUND', 'I could not find an active constraint with that id. /constraint list shows them.');
  const profile = await loadProfile(deps, found.athleteId);
  await requireCoachOf(deps, actor, profile.id, 'remove constraints', profile.displayName);
  const removed = await deps.mutex.withLock(`constraint:${constraintId}`, async () => {
    const cur = await deps.constraints.get(constraintId);
    if (!cur || !cur.active) throw fail('CONSTRAINT.NOT_FOUND', 'That constraint was removed already.');
    const next: ConstraintRecord = { ...cur, active: false, removedAt: deps.clock.now(), removedBy: actor.personId };
    await deps.constraints.replace(next);
    return next;
  });
  await audit(deps, actor, 'constraint.removed', { kind: 'constraint', id: constraintId, athleteId: profile.id }, { before: found, after: { active: false } });
  await publish(deps, { type: 'constraint.removed', athleteId: profile.id, constraintId, by: actor.personId });
  return removed;
}

/** The athlete's constraints (active only unless asked): the athlete themself or their coaches. */
export async function listConstraints(deps: CoreDeps, actor: Actor, athleteId: string, options: { includeInactive?: boolean } = {}): Promise<ConstraintRecord[]> {
  await loadProfile(deps, athleteId);
  await requireSelfOrCoach(deps, actor, athleteId, 'see constraints');
  return deps.constraints.listForAthlete(athleteId, options);
}
