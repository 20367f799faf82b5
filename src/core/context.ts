/**
 * Small helpers every use case shares: options, "today" for a person, audit entries, notifications,
 * and authorization. Authorization lives here (not in commands/) so every entry point gets the same rules:
 *
 * - an athlete sees and changes only their own data;
 * - only a coach or admin of a team the athlete trains in may override, constrain or approve;
 * - only an admin may change roles; coaches and admins may change team settings.
 */
import type { AppError } from '../errors.ts';
import { fail } from './error-codes.ts';
import { localDate } from './local-time.ts';
import { DEFAULT_CORE_OPTIONS, type CoreDeps, type CoreEvent, type CoreOptions } from './ports.ts';
import type { Actor, AthleteProfile, AuditEntry, Membership, Role } from './types.ts';

export function optionsOf(deps: CoreDeps): CoreOptions {
  return { ...DEFAULT_CORE_OPTIONS, ...deps.options };
}

/** The local calendar day of `timezone` at the clock's now. */
export function todayIn(deps: CoreDeps, timezone: string): string {
  return localDate(deps.clock.now(), timezone);
}

export async function audit(
  deps: CoreDeps,
  actor: Actor | { system: string },
  action: string,
  target: AuditEntry['target'],
  change: { before?: unknown; after?: unknown; reason?: string } = {},
): Promise<void> {
  const entry: AuditEntry = {
    id: deps.newId(),
    at: deps.clock.now(),
    actor: 'system' in actor ? { kind: 'system', name: actor.system } : { kind: 'person', personId: actor.personId, platform: actor.platform },
    action,
    target,
  };
  if (change.before !== undefined) entry.before = change.before;
  if (change.after !== undefined) entry.after = change.after;
  if (change.reason !== undefined) entry.reason = change.reason;
  await deps.audit.append(entry);
}

/** Tell the chat layer; a failing notifier never undoes the change that was already saved. */
export async function publish(deps: CoreDeps, event: CoreEvent): Promise<void> {
  try {
    await deps.notifier.publish(event);
  } catch (err) {
    deps.logger?.warn({ component: 'core', event: event.type, err: (err as Error).message }, 'notification failed');
  }
}

// ---------------------------------------------------------------------------------------------------
// Loading with not-found errors

export async function loadProfile(deps: CoreDeps, athleteId: string): Promise<AthleteProfile> {
  const [p] = await deps.athletes.profiles([athleteId]);
  if (!p) throw fail('ATHLETE.NOT_FOUND', 'I could not find that athlete. They may not have registered yet.', { athleteId });
  return p;
}

// ---------------------------------------------------------------------------------------------------
// Authorization

const isStaff = (m: Membership) => m.roles.includes('coach') || m.roles.includes('admin');

/** Teams in which the person trains as an athlete. */
export async function teamsOfAthlete(deps: CoreDeps, athleteId: string): Promise<string[]> {
  return (await deps.memberships.listForPersons([athleteId])).filter((m) => m.roles.includes('athlete')).map((m) => m.teamId);
}

/** Teams the actor coaches or administers that the athlete trains in. */
async function sharedStaffTeams(deps: CoreDeps, actor: Actor, athleteId: string): Promise<string[]> {
  const rows = await deps.memberships.listForPersons(actor.personId === athleteId ? [athleteId] : [actor.personId, athleteId]);
  const staffOf = new Set(rows.filter((m) => m.personId === actor.personId && isStaff(m)).map((m) => m.teamId));
  return rows.filter((m) => m.personId === athleteId && m.roles.includes('athlete') && staffOf.has(m.teamId)).map((m) => m.teamId);
}

export function notCoach(what: string, athleteName?: string): AppError {
  return fail('AUTH.NOT_COACH', `Only a coach or admin of ${athleteName ? `${athleteName}’s` : 'the athlete’s'} team can ${what}.`);
}

/** The actor coaches (or administers) a team the athlete trains in. Returns those team ids. */
export async function requireCoachOf(deps: CoreDeps, actor: Actor, athleteId: string, what: string, athleteName?: string): Promise<string[]> {
  const teams = await sharedStaffTeams(deps, actor, athleteId);
  if (teams.length === 0) throw notCoach(what, athleteName);
  return teams;
}

export function requireSelf(actor: Actor, personId: string, what: string): void {
  if (actor.personId !== personId) throw fail('AUTH.NOT_SELF', `You can only ${what} for yourself.`);
}

/** The athlete themself, or a coach/admin of one of their teams. */
export async function requireSelfOrCoach(deps: CoreDeps, actor: Actor, athleteId: string, what: string): Promise<'self' | 'coach'> {
  if (actor.personId === athleteId) return 'self';
  if ((await sharedStaffTeams(deps, actor, athleteId)).length > 0) return 'coach';
  throw fail('AUTH.NOT_SELF', `You can only ${what} for yourself (or, as a coach, for athletes in your team).`);
}

/** The actor holds one of `roles` in the team. Returns their membership. */
export async function requireTeamRole(deps: CoreDeps, actor: Actor, teamId: string, roles: readonly Role[], what: string): Promise<Membership> {
  const m = await deps.memberships.get(teamId, actor.personId);
  if (m && m.roles.some((r) => roles.includes(r))) return m;
  if (roles.includes('coach')) throw fail('AUTH.NOT_COACH', `Only a coach or admin of this team can ${what}.`);
  throw fail('AUTH.NOT_ADMIN', `Only an admin of this team can ${what}.`);
}
