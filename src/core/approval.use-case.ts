/**
 * Approval mode: with the team setting on, new prescriptions are 'pending' and athletes see them only
 * after a coach approves — one athlete's, or every pending one of the team for a date.
 */
import { audit, publish, requireTeamRole } from './context.ts';
import { fail } from './error-codes.ts';
import type { CoreDeps } from './ports.ts';
import { rxLockKey } from './prescribe.use-case.ts';
import type { Actor, PrescriptionRecord } from './types.ts';
import { requireDate } from './validation.ts';

export interface ApproveInput {
  teamId: string;
  date: string;
  /** Only this athlete's; all pending of the team when absent. */
  athleteId?: string;
}

export async function approvePrescriptions(deps: CoreDeps, actor: Actor, input: ApproveInput): Promise<{ approved: PrescriptionRecord[]; alreadyApproved: number }> {
  const date = requireDate(input.date);
  if (!(await deps.teams.get(input.teamId))) throw fail('TEAM.NOT_FOUND', 'I could not find that team.');
  await requireTeamRole(deps, actor, input.teamId, ['coach', 'admin'], 'approve sessions');
  const athletes = (await deps.memberships.listForTeam(input.teamId)).filter((m) => m.roles.includes('athlete')).map((m) => m.personId);
  if (input.athleteId !== undefined && !athletes.includes(input.athleteId))
    throw fail('TEAM.NOT_MEMBER', 'That athlete is not in this team.');
  const targets = input.athleteId !== undefined ? [input.athleteId] : athletes;
  const pending = (await deps.prescriptions.listForDate(targets, date)).filter((p) => p.approval.state === 'pending');
  if (input.athleteId !== undefined && pending.length === 0 && !(await deps.prescriptions.get(input.athleteId, date)))
    throw fail('PRESCRIPTION.NOT_FOUND', `There is no session for ${date} to approve yet.`);

  const approved: PrescriptionRecord[] = [];
  let alreadyApproved = 0;
  for (const p of pending) {
    const saved = await deps.mutex.withLock(rxLockKey(p.athleteId, date), async () => {
      const cur = await deps.prescriptions.get(p.athleteId, date);
      if (!cur || cur.approval.state !== 'pending') return null;
      const now = deps.clock.now();
      const next: PrescriptionRecord = { ...cur, approval: { state: 'approved', by: actor.personId, at: now }, updatedAt: now };
      await deps.prescriptions.replace(next);
      return next;
    });
    if (!saved) {
      alreadyApproved++;
      continue;
    }
    approved.push(saved);
    await audit(deps, actor, 'prescription.approved', { kind: 'prescription', id: saved.id, athleteId: saved.athleteId, teamId: input.teamId, date }, {
      before: 'pending',
      after: { approval: 'approved', session: saved.session },
    });
    await publish(deps, { type: 'prescription.approved', athleteId: saved.athleteId, date, prescriptionId: saved.id, by: actor.personId });
  }
  return { approved, alreadyApproved };
}
