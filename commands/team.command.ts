import type { Platform } from '../src/core/chat.ts';
import { fail } from '../src/core/error-codes.ts';
import { presentTeamBoard } from '../src/core/presenters/index.ts';
import { isAppError } from '../src/errors.ts';
import { dateOption, hiddenTeamOption } from './shared-options.ts';
import { done, resolveTeam } from './support.ts';
import { defineCommand, type CommandDeps } from './types.ts';

/** The team bound to a channel, or null. */
async function channelTeam(deps: CommandDeps, platform: Platform, workspaceId: string, channelId: string): Promise<{ id: string } | null> {
  try {
    return await deps.core.findTeamByChannel(platform, workspaceId, channelId);
  } catch (err) {
    if (isAppError(err, 'TEAM.NOT_FOUND')) return null;
    throw err;
  }
}

export const teamCommand = defineCommand({
  name: 'team',
  description: 'Your team: the readiness board, or create a team in this channel',
  audience: 'coach',
  defaultSubcommand: 'board',
  slow: false,
  subcommands: [
    { name: 'board', description: 'Today’s readiness of every athlete, worst first, with a chart', slow: true, options: [dateOption('Which day (default today)'), hiddenTeamOption] },
    {
      name: 'create',
      description: 'Create a team bound to this channel (you become its admin and coach)',
      audience: 'anyone',
      options: [{ name: 'name', label: 'Team name', description: 'The team’s name', type: 'string', required: true, max: 80 }],
    },
  ],
  examples: ['/team', '/team create name:Falcons'],
  async handler(ctx, deps) {
    if (ctx.subcommand === 'create') {
      const { platform, platformUserId, workspaceId, channelId, displayName } = ctx.input;
      // A taken channel is refused before anything is stored: a newcomer would otherwise be registered for nothing.
      // (createTeam still checks atomically, for two creates racing.)
      if (workspaceId && channelId && (await channelTeam(deps, platform, workspaceId, channelId)))
        throw fail('TEAM.CHANNEL_TAKEN', 'This channel already belongs to another team. Use a different channel, or join that team.');
      // Coaches need no athlete profile: creating a team registers the person when they are new.
      const actor = ctx.actor ?? (await deps.core.registerPerson({ platform, platformUserId, displayName: displayName ?? platformUserId }, deps.defaultTimezone)).actor;
      const team = await deps.core.createTeam(actor, {
        name: ctx.values.name,
        ...(workspaceId && channelId ? { binding: { platform, workspaceId, channelId } } : {}),
      });
      return done(
        `Team ${team.name} created`,
        `${workspaceId && channelId ? 'It lives in this channel. ' : ''}You are its admin and coach. Athletes join with /join${workspaceId && channelId ? ' here' : ''}; /team shows their readiness each morning.`,
      );
    }
    const hidden = ctx.values.team;
    const { teamId } = await resolveTeam(ctx, deps, hidden ? { teamId: hidden } : {});
    const board = await deps.core.teamBoard(ctx.actor!, teamId, ctx.values.date);
    return { message: presentTeamBoard(board, { detail: 'full', ...(deps.charts ? { charts: deps.charts } : {}) }) };
  },
});

