import type { Role } from '../src/core/types.ts';
import { hiddenTeamOption } from './shared-options.ts';
import { done, me, note, resolveTeam } from './support.ts';
import { isAppError } from '../src/errors.ts';
import { defineCommand } from './types.ts';

export const rosterCommand = defineCommand({
  name: 'roster',
  description: 'Who is in your team; admins can change roles',
  audience: 'coach',
  options: [
    { name: 'member', label: 'Member', description: 'Admins: whose roles to change', type: 'user' },
    { name: 'roles', label: 'Roles', description: 'Admins: athlete, coach and/or admin, comma-separated', type: 'string', max: 40 },
    hiddenTeamOption,
  ],
  examples: ['/roster', '/roster member:@sam roles:coach,athlete'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const hidden = ctx.values.team;
    const team = await resolveTeam(ctx, deps, hidden ? { teamId: hidden } : {});
    const member = ctx.values.member;
    const roles = ctx.values.roles;
    if (member !== undefined || roles !== undefined) {
      if (member === undefined || roles === undefined) return note('Both, please', 'Give member and roles together, e.g. /roster member:@sam roles:coach,athlete.');
      let personId = member;
      try {
        personId = (await deps.core.resolveActor(ctx.input.platform, member)).personId;
      } catch (err) {
        if (!isAppError(err, 'AUTH.UNKNOWN_USER')) throw err;
        const roster = await deps.core.teamRoster(actor, team.teamId);
        personId = roster.members.find((m) => m.displayName.toLowerCase() === member.toLowerCase())?.personId ?? member;
      }
      const list = roles.split(/[\s,]+/).filter(Boolean).map((r) => r.toLowerCase()) as Role[];
      const roster = await deps.core.teamRoster(actor, team.teamId);
      const current = roster.members.find((m) => m.personId === personId);
      // The athlete role takes the athlete's consent: it becomes an invitation they answer themselves.
      if (list.includes('athlete') && !current?.roles.includes('athlete')) {
        const others = list.filter((r) => r !== 'athlete');
        if (others.length > 0) await deps.core.setMemberRoles(actor, team.teamId, personId, [...new Set([...(current?.roles ?? []), ...others])]);
        const { invitation, outcome, displayName: name } = await deps.core.inviteAthlete(actor, team.teamId, personId);
        const rolesNow = others.length > 0 ? ` ${name} is now ${others.join(' and ')} in ${team.teamName}.` : '';
        if (outcome === 'member') return done('Already an athlete', `${name} already trains in ${team.teamName}.${rolesNow}`);
        return done(
          outcome === 'sent' ? 'Invitation sent' : 'Invitation still open',
          `${name} becomes an athlete of ${team.teamName} once they accept — until then you can’t see or change their training. ` +
            `I told them who invited them; they can also answer with /join invite:${invitation.code} (until ${invitation.expiresAt.toISOString().slice(0, 10)}).${rolesNow}`,
        );
      }
      const saved = await deps.core.setMemberRoles(actor, team.teamId, personId, list);
      const name = (await deps.core.teamRoster(actor, team.teamId)).members.find((m) => m.personId === saved.personId)?.displayName ?? member;
      return done('Roles changed', `${name}: ${saved.roles.join(', ')} in ${team.teamName}.`);
    }
    const roster = await deps.core.teamRoster(actor, team.teamId);
    const line = (m: (typeof roster.members)[number]) =>
      `• *${m.displayName}* — ${m.roles.join(', ')}${m.status === 'paused' ? ' · paused' : ''} · ${m.platforms.join('+') || 'no chat account'}`;
    return note(`${roster.team.name}: ${roster.members.length} member${roster.members.length === 1 ? '' : 's'}`, roster.members.map(line).join('\n') || 'Nobody yet.', {
      footer: `Approval mode ${roster.team.settings.approvalMode ? 'on' : 'off'} · athletes join with /join in the team channel, or accept an invitation (/roster member:@name roles:athlete)`,
    });
  },
});
