/** Helpers the command handlers share: who is acting, which team, which athlete, and reply shapes. */
import type { ChatMessage, CommandReply } from '../src/core/chat.ts';
import { localDate } from '../src/core/local-time.ts';
import { fail } from '../src/core/error-codes.ts';
import type { AthleteProfile } from '../src/core/types.ts';
import type { Me, RosterMember } from '../src/core/views.use-case.ts';
import { isAppError } from '../src/errors.ts';
import { commandError } from './errors.ts';
import type { CommandContext, CommandDeps, OptionValue } from './types.ts';

export function str(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function int(ctx: CommandContext, name: string): number | undefined {
  const v = ctx.values[name];
  return typeof v === 'number' ? v : undefined;
}

export function bool(ctx: CommandContext, name: string): boolean | undefined {
  const v = ctx.values[name];
  return typeof v === 'boolean' ? v : undefined;
}

export function has(ctx: CommandContext, name: string): boolean {
  return ctx.values[name] !== undefined;
}

export function raw(ctx: CommandContext, name: string): OptionValue | undefined {
  return ctx.values[name];
}

/** The acting person (dispatcher guarantees it for every audience but 'anyone'). */
export function me(ctx: CommandContext): Me & { actor: NonNullable<CommandContext['actor']> } {
  if (!ctx.me || !ctx.actor) throw commandError('AUTH.NOT_ATHLETE', 'Register first with /register.');
  return { ...ctx.me, actor: ctx.actor };
}

export function athleteOf(ctx: CommandContext): AthleteProfile {
  const m = me(ctx);
  if (!m.athlete) throw commandError('AUTH.NOT_ATHLETE', 'That is for athletes. Register as an athlete with /register first.');
  return m.athlete;
}

export const STAFF = (roles: readonly string[]) => roles.includes('coach') || roles.includes('admin');

/**
 * The team a coach means: an explicit team id (buttons), else the team bound to this channel, else their
 * only team. Refuses politely when none or several fit.
 */
export async function resolveTeam(ctx: CommandContext, deps: CommandDeps, options: { teamId?: string; staff?: boolean } = {}): Promise<{ teamId: string; teamName: string }> {
  const m = me(ctx);
  const mine = m.teams.filter((t) => (options.staff === false ? true : STAFF(t.roles)));
  if (options.teamId) {
    const t = mine.find((x) => x.teamId === options.teamId);
    if (t) return { teamId: t.teamId, teamName: t.teamName };
    throw fail('AUTH.NOT_COACH', 'You don’t coach that team.'); // the core's code: a coach, but not of this team
  }
  const { workspaceId, channelId, platform } = ctx.input;
  if (workspaceId && channelId) {
    try {
      const bound = await deps.core.findTeamByChannel(platform, workspaceId, channelId);
      const t = mine.find((x) => x.teamId === bound.id);
      if (t) return { teamId: t.teamId, teamName: t.teamName };
    } catch (err) {
      if (!isAppError(err, 'TEAM.NOT_FOUND')) throw err;
    }
  }
  if (mine.length === 1) return { teamId: mine[0]!.teamId, teamName: mine[0]!.teamName };
  if (mine.length === 0) throw commandError('AUTH.COACHES_ONLY', 'You don’t coach a team yet. Create one in your team’s channel with /team create name:<team name>.');
  throw commandError('TEAM.AMBIGUOUS', `You coach ${mine.length} teams (${mine.map((t) => t.teamName).join(', ')}). Run this in the team’s channel.`);
}

/**
 * An athlete named by a coach: a chat mention / user id of this platform, or a display name in one of the
 * coach's teams. Returns the roster entry (with the athlete's time zone).
 */
export async function resolveAthlete(ctx: CommandContext, deps: CommandDeps, ref: string): Promise<RosterMember & { teamId: string }> {
  const m = me(ctx);
  const staffTeams = m.teams.filter((t) => STAFF(t.roles));
  const rosters = await Promise.all(staffTeams.map(async (t) => ({ teamId: t.teamId, roster: await deps.core.teamRoster(m.actor, t.teamId) })));
  const athletes = rosters.flatMap(({ teamId, roster }) => roster.members.filter((x) => x.roles.includes('athlete')).map((x) => ({ ...x, teamId })));
  let personId: string | undefined;
  try {
    personId = (await deps.core.resolveActor(ctx.input.platform, ref)).personId;
  } catch (err) {
    if (!isAppError(err, 'AUTH.UNKNOWN_USER')) throw err;
  }
  const byId = athletes.find((a) => a.personId === (personId ?? ref));
  if (byId) return byId;
  if (personId !== undefined)
    throw commandError('ATHLETE.NOT_IN_TEAMS', 'That person is not an athlete in a team you coach.', { athlete: ref });
  const needle = ref.trim().toLowerCase();
  const exact = athletes.filter((a) => a.displayName.toLowerCase() === needle);
  const found = exact.length > 0 ? exact : athletes.filter((a) => a.displayName.toLowerCase().startsWith(needle));
  const unique = [...new Map(found.map((a) => [a.personId, a])).values()];
  if (unique.length === 1) return unique[0]!;
  if (unique.length > 1)
    throw commandError('ATHLETE.NOT_IN_TEAMS', `"${ref}" fits ${unique.length} athletes (${unique.map((a) => a.displayName).join(', ')}). Mention them instead.`);
  throw commandError('ATHLETE.NOT_IN_TEAMS', `I couldn’t find an athlete "${ref}" in your teams. Mention them (@name) or check /roster.`);
}

/** The athlete's own local day (roster entries carry their time zone). */
export function todayOf(deps: CommandDeps, timezone: string): string {
  return localDate(deps.clock.now(), timezone);
}

export function reply(message: ChatMessage): CommandReply {
  return { message };
}

export function note(title: string, summary: string, extra: Partial<ChatMessage> = {}): CommandReply {
  return { message: { title, summary, tone: 'neutral', ...extra } };
}

export function done(title: string, summary: string, extra: Partial<ChatMessage> = {}): CommandReply {
  return { message: { title, summary, tone: 'green', ...extra } };
}
