/**
 * /join — become an athlete of a team, by your own act: in the team's channel (`/join`), or by answering
 * an invitation a coach sent you (`/join invite:CODE`, or the buttons on the invitation). `/join` where no
 * team lives (a DM) lists your open invitations. `share` is what the team channel's daily summary shows of
 * you: your session only (the default) or your readiness too; change it any time in /settings.
 */
import { presentInvitation, presentInvitationList } from '../src/core/presenters/index.ts';
import { hiddenTeamOption, TEAM_CHANNEL_CHOICES } from './shared-options.ts';
import { done, me } from './support.ts';
import { defineCommand } from './types.ts';

const SHARED = {
  session: 'The team channel shows your session each morning, not your readiness; your coaches see your readiness on the team board and can adjust your sessions.',
  readiness: 'The team channel shows your session and readiness band each morning; your coaches see the details on the team board and can adjust your sessions.',
} as const;

export const joinCommand = defineCommand({
  name: 'join',
  description: 'Join the team of this channel as an athlete, or answer an invitation',
  audience: 'athlete',
  options: [
    { name: 'invite', label: 'Invitation code', description: 'The code from a coach’s invitation, like ABCD-EFGH', type: 'string', max: 20 },
    { name: 'share', label: 'Team channel shows', description: 'What the team channel shows of you (default: session only)', type: 'choice', choices: TEAM_CHANNEL_CHOICES },
    { name: 'decline', label: 'Decline', description: 'Decline the invitation instead', type: 'boolean' },
    hiddenTeamOption,
  ],
  examples: ['/join', '/join share:readiness', '/join invite:ABCD-EFGH'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const share = ctx.values.share;
    const options = share ? { teamChannel: share } : {};
    const code = ctx.values.invite;
    if (code !== undefined) {
      const accept = ctx.values.decline !== true;
      const r = await deps.core.answerInvitation(actor, code, { accept, ...options });
      if (!accept) return done(`Invitation to ${r.teamName} declined`, 'Nothing changes: its coaches have no access to your data. They can’t invite you again until this invitation would have expired.');
      const saved = share ?? ctx.me?.athlete?.teamChannel ?? 'session';
      return done(`You joined ${r.teamName}`, `${SHARED[saved]} Change what the channel shows with /settings team_channel.`);
    }
    let teamId = ctx.values.team;
    let teamName: string | undefined;
    const { platform, workspaceId, channelId } = ctx.input;
    if (!teamId) {
      if (!workspaceId || !channelId) {
        const open = await deps.core.myInvitations(actor);
        if (open.length === 1) return { message: presentInvitation(open[0]!) };
        return { message: presentInvitationList(open) };
      }
      const team = await deps.core.findTeamByChannel(platform, workspaceId, channelId);
      teamId = team.id;
      teamName = team.name;
    }
    await deps.core.joinTeam(actor, teamId, options);
    const saved = share ?? ctx.me?.athlete?.teamChannel ?? 'session';
    return done(`You joined ${teamName ?? 'the team'}`, `${SHARED[saved]} Change what the channel shows with /settings team_channel.`);
  },
});
