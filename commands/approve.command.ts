import { dayLabel } from '../src/core/presenters/index.ts';
import { dateOption, hiddenTeamOption } from './shared-options.ts';
import { done, me, resolveAthlete, resolveTeam } from './support.ts';
import { defineCommand } from './types.ts';

export const approveCommand = defineCommand({
  name: 'approve',
  description: 'Approval mode: approve pending sessions, or turn the mode on/off',
  audience: 'coach',
  options: [
    { name: 'athlete', label: 'Athlete', description: 'Only this athlete (default: everyone pending)', type: 'user' },
    dateOption('Which day (default today)'),
    { name: 'mode', label: 'Approval mode', description: 'Turn approval mode on or off for the team', type: 'boolean' },
    hiddenTeamOption,
  ],
  examples: ['/approve', '/approve athlete:@alex', '/approve mode:on'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const hidden = ctx.values.team;
    const team = await resolveTeam(ctx, deps, hidden ? { teamId: hidden } : {});
    const mode = ctx.values.mode;
    if (mode !== undefined) {
      await deps.core.updateTeamSettings(actor, team.teamId, { approvalMode: mode });
      return done(
        `Approval mode ${mode ? 'on' : 'off'} — ${team.teamName}`,
        mode ? 'New sessions wait for a coach’s approval before athletes see them. /team shows what is pending; /approve releases them.' : 'Athletes get their sessions straight away again.',
      );
    }
    const athleteRef = ctx.values.athlete;
    const athlete = athleteRef ? await resolveAthlete(ctx, deps, athleteRef) : undefined;
    const date = ctx.values.date ?? ctx.today;
    const { approved, alreadyApproved } = await deps.core.approvePrescriptions(actor, { teamId: team.teamId, date, ...(athlete ? { athleteId: athlete.personId } : {}) });
    const extra = alreadyApproved > 0 ? ` (${alreadyApproved} had been approved a moment ago)` : '';
    if (approved.length === 0) return done(`Nothing to approve — ${dayLabel(date)}`, `No sessions are waiting for approval${athlete ? ` for ${athlete.displayName}` : ''}${extra}.`);
    return done(`Approved ${approved.length} session${approved.length === 1 ? '' : 's'} — ${dayLabel(date)}`, `Athletes can see them now${extra}.`);
  },
});
