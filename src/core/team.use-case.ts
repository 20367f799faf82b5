/**
 * Teams: create one bound to a chat channel, join it, give roles, change its settings.
 * A chat channel belongs to at most one team (claimed by an insert on a unique key).
 *
 * Consent: only the athlete makes themself an athlete of a team — joinTeam, reached by `/join` in the
 * team's channel or by accepting an invitation (invitation.use-case.ts). setMemberRoles gives and takes
 * coach and admin roles and may take the athlete role away, but never gives it (TEAM.CONSENT_REQUIRED):
 * anyone can create a team, so an admin's word is no consent.
 */
import { audit, requireTeamRole } from './context.ts';
import { fail } from './error-codes.ts';
import type { CoreDeps } from './ports.ts';
import { ROLES, type Actor, type ChatBinding, type Membership, type Platform, type Role, type Team, type TeamChannelShare, type TeamSettings } from './types.ts';
import { requireMorningTime, requireTeamChannelShare, requireUnits, shown } from './validation.ts';

export const DEFAULT_TEAM_SETTINGS: Readonly<TeamSettings> = Object.freeze({ approvalMode: false, units: 'metric', defaultMorningTime: '06:30' });

function requireTeamName(name: unknown): string {
  const s = typeof name === 'string' ? name.trim() : '';
  if (s.length < 1 || s.length > 80) throw fail('TEAM.NAME_INVALID', `A team name must be 1–80 characters; you sent ${shown(name)}`);
  return s;
}

async function loadTeam(deps: CoreDeps, teamId: string): Promise<Team> {
  const team = await deps.teams.get(teamId);
  if (!team) throw fail('TEAM.NOT_FOUND', 'I could not find that team.', { teamId });
  return team;
}

export interface CreateTeamInput {
  name: string;
  binding?: ChatBinding;
  settings?: Partial<TeamSettings>;
}

/** Create a team; the creator becomes its admin and coach. */
export async function createTeam(deps: CoreDeps, actor: Actor, input: CreateTeamInput): Promise<Team> {
  const name = requireTeamName(input.name);
  const settings = validateSettings({ ...DEFAULT_TEAM_SETTINGS, ...input.settings });
  const now = deps.clock.now();
  const team: Team = { id: deps.newId(), name, bindings: input.binding ? [{ ...input.binding }] : [], settings, createdAt: now, updatedAt: now };
  await deps.teams.insert(team);
  if (input.binding && (await deps.teams.claimBinding(input.binding, team.id)) === 'duplicate') {
    await deps.teams.delete(team.id);
    throw fail('TEAM.CHANNEL_TAKEN', 'This channel already belongs to another team. Use a different channel, or join that team.');
  }
  await deps.memberships.insert({ teamId: team.id, personId: actor.personId, roles: ['admin', 'coach'], joinedAt: now });
  await audit(deps, actor, 'team.created', { kind: 'team', id: team.id, teamId: team.id }, { after: { name, settings, bindings: team.bindings } });
  return team;
}

export async function findTeamByChannel(deps: CoreDeps, platform: Platform, workspaceId: string, channelId: string): Promise<Team> {
  const team = await deps.teams.findByBinding(platform, workspaceId, channelId);
  if (!team) throw fail('TEAM.NOT_FOUND', 'No team is set up in this channel yet. A coach can create one with /team create.');
  return team;
}

export interface JoinOptions {
  /** What team channels may show of you from now on (stored on your profile, see /settings). Unset: unchanged. */
  teamChannel?: TeamChannelShare;
}

/** Join a team as an athlete (the actor needs an athlete profile) — the athlete's own act. Idempotent. */
export async function joinTeam(deps: CoreDeps, actor: Actor, teamId: string, options: JoinOptions = {}): Promise<Membership> {
  const team = await loadTeam(deps, teamId);
  const share = options.teamChannel === undefined ? undefined : requireTeamChannelShare(options.teamChannel);
  if (!(await deps.athletes.get(actor.personId)))
    throw fail('ATHLETE.NOT_REGISTERED', 'Register as an athlete first (/register), then join the team.');
  if (share !== undefined) await setTeamChannelShare(deps, actor, share);
  const membership: Membership = { teamId: team.id, personId: actor.personId, roles: ['athlete'], joinedAt: deps.clock.now() };
  if ((await deps.memberships.insert(membership)) === 'inserted') {
    await audit(deps, actor, 'team.joined', { kind: 'membership', teamId: team.id, athleteId: actor.personId }, { after: membership.roles });
    return membership;
  }
  return deps.mutex.withLock(`team:${team.id}:members`, async () => {
    const current = (await deps.memberships.get(team.id, actor.personId))!;
    if (current.roles.includes('athlete')) return current;
    const next = { ...current, roles: [...current.roles, 'athlete' as const] };
    await deps.memberships.replace(next);
    await audit(deps, actor, 'team.joined', { kind: 'membership', teamId: team.id, athleteId: actor.personId }, { before: current.roles, after: next.roles });
    return next;
  });
}

/** The athlete's choice of what team channels show of them (under the person lock, audited when it changes). */
export async function setTeamChannelShare(deps: CoreDeps, actor: Actor, share: TeamChannelShare): Promise<void> {
  await deps.mutex.withLock(`person:${actor.personId}`, async () => {
    const a = await deps.athletes.get(actor.personId);
    if (!a || (a.teamChannel ?? 'session') === share) return;
    await deps.athletes.replace({ ...a, teamChannel: share, updatedAt: deps.clock.now() });
    await audit(deps, actor, 'athlete.team_channel', { kind: 'athlete', athleteId: actor.personId }, { before: a.teamChannel ?? 'session', after: share });
  });
}

/**
 * Admins set a member's coach/admin roles (adding the person when not yet a member) and may remove the
 * athlete role. The athlete role is never given here: that takes the athlete's consent (TEAM.CONSENT_REQUIRED;
 * invite them instead). The last admin cannot be removed.
 */
export async function setMemberRoles(deps: CoreDeps, actor: Actor, teamId: string, personId: string, roles: Role[]): Promise<Membership> {
  const unique = [...new Set(roles)];
  if (unique.length === 0 || unique.some((r) => !(ROLES as readonly string[]).includes(r)))
    throw fail('TEAM.ROLES_INVALID', `Roles must be one or more of ${ROLES.join(', ')}; you sent ${shown(roles.join(', '))}`);
  await loadTeam(deps, teamId);
  await requireTeamRole(deps, actor, teamId, ['admin'], 'change roles');
  if (!(await deps.persons.get(personId))) throw fail('PERSON.NOT_FOUND', 'I could not find that person; they need to /register first.');
  if (unique.includes('athlete') && !(await deps.athletes.get(personId)))
    throw fail('ATHLETE.NOT_REGISTERED', 'That person has no athlete profile yet; they need to /register as an athlete first.');
  return deps.mutex.withLock(`team:${teamId}:members`, async () => {
    const members = await deps.memberships.listForTeam(teamId);
    const current = members.find((m) => m.personId === personId) ?? null;
    const adminsAfter = members.filter((m) => m.personId !== personId && m.roles.includes('admin')).length + (unique.includes('admin') ? 1 : 0);
    if (adminsAfter === 0) throw fail('TEAM.LAST_ADMIN', 'A team needs at least one admin. Make someone else admin first.');
    if (unique.includes('athlete') && !current?.roles.includes('athlete'))
      throw fail('TEAM.CONSENT_REQUIRED', 'Athletes join a team themselves: invite them (/roster member:@name roles:athlete sends an invitation) or ask them to /join in the team’s channel.');
    const next: Membership = { teamId, personId, roles: unique, joinedAt: current?.joinedAt ?? deps.clock.now() };
    if (current) await deps.memberships.replace(next);
    else await deps.memberships.insert(next);
    await audit(deps, actor, 'team.roles', { kind: 'membership', teamId, athleteId: personId }, { before: current?.roles ?? [], after: unique });
    return next;
  });
}

function validateSettings(s: TeamSettings): TeamSettings {
  return { approvalMode: s.approvalMode === true, units: requireUnits(s.units), defaultMorningTime: requireMorningTime(s.defaultMorningTime) };
}

/** Coaches and admins change the team's name and settings (approval mode, units, default morning time). */
export async function updateTeamSettings(deps: CoreDeps, actor: Actor, teamId: string, patch: Partial<TeamSettings> & { name?: string }): Promise<Team> {
  await loadTeam(deps, teamId);
  await requireTeamRole(deps, actor, teamId, ['coach', 'admin'], 'change team settings');
  const { name, ...settingsPatch } = patch;
  if (name === undefined && Object.keys(settingsPatch).length === 0) throw fail('SETTINGS.EMPTY', 'Tell me which setting to change.');
  return deps.mutex.withLock(`team:${teamId}`, async () => {
    const team = await loadTeam(deps, teamId);
    const next: Team = {
      ...team,
      name: name === undefined ? team.name : requireTeamName(name),
      settings: validateSettings({ ...team.settings, ...settingsPatch }),
      updatedAt: deps.clock.now(),
    };
    await deps.teams.replace(next);
    await audit(deps, actor, 'team.settings', { kind: 'team', id: teamId, teamId }, { before: { name: team.name, ...team.settings }, after: { name: next.name, ...next.settings } });
    return next;
  });
}
