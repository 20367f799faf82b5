import { commandError } from './errors.ts';
import { hiddenTeamOption } from './shared-options.ts';
import { done, me } from './support.ts';
import { defineCommand } from './types.ts';

export const joinCommand = defineCommand({
  name: 'join',
  description: 'Join the team of this channel as an athlete',
  audience: 'athlete',
  options: [hiddenTeamOption],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    let teamId = ctx.values.team;
    let teamName: string | undefined;
    const { platform, workspaceId, channelId } = ctx.input;
    if (!teamId) {
      if (!workspaceId || !channelId) throw commandError('COMMAND.SUBCOMMAND', 'Run /join in your team’s channel.');
      const team = await deps.core.findTeamByChannel(platform, workspaceId, channelId);
      teamId = team.id;
      teamName = team.name;
    }
    await deps.core.joinTeam(actor, teamId);
    return done(`You joined ${teamName ?? 'the team'}`, 'Your coaches now see your readiness on the team board and can adjust your sessions.');
  },
});
