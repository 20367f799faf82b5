/**
 * Membership by consent: a coach invites, the athlete answers.
 *
 * An athlete trains in a team only after they said so themselves — `/join` in the team's channel
 * (joinTeam) or accepting an invitation here. Until then there is no membership with the athlete role,
 * so every coach power (override, constraints, approval, board, readiness in the channel summary) stays
 * off: those powers are derived from memberships in context.ts and nothing else. Before this, an admin
 * of any team (a team anyone can create in any channel or guild) could add any registered athlete with
 * `/roster roles:athlete` and read their readiness the next morning.
 *
 * Order: validate → authorize → bound → insert-first on `<teamId>:<personId>` (the primary key makes one
 * invitation per pair, atomically on MongoDB and FerretDB) → audit → tell the person (the chat layer
 * DMs them who invited them, with Join/Decline buttons).
 *
 * Invitations are
 * - bounded: at most MAX_OPEN_PER_TEAM open invitations per team and MAX_OPEN_PER_PERSON per person
 *   (creating teams is free, so the second bound is what keeps one person from being flooded);
 * - expiring: INVITATION_TTL_DAYS; an expired one is refused and can be sent again;
 * - idempotent: inviting again while one is open returns it unchanged (no second notice); accepting or
 *   declining twice answers the same; a declined invitation blocks re-invites until it would have
 *   expired (no pestering).
 *
 * Accepting joins first and marks the invitation second, so an interrupted accept can simply be
 * repeated (joinTeam is idempotent).
 */
import { randomInt } from 'node:crypto';
import { audit, publish, requireTeamRole } from './context.ts';
import { fail } from './error-codes.ts';
import type { CoreDeps } from './ports.ts';
import { joinTeam } from './team.use-case.ts';
import type { Actor, Invitation, Membership, Team, TeamChannelShare } from './types.ts';

export const INVITATION_TTL_DAYS = 7;
export const MAX_OPEN_PER_TEAM = 25;
export const MAX_OPEN_PER_PERSON = 10;

/** Crockford-like alphabet without look-alikes (0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_RE = /^[A-HJKMNP-Z2-9]{4}-?[A-HJKMNP-Z2-9]{4}$/;

export function newInvitationCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** What a person typed, in the stored form (upper case, with the dash); null when it cannot be a code. */
export function normalizeInvitationCode(input: string): string | null {
  const s = input.trim().toUpperCase();
  if (!CODE_RE.test(s)) return null;
  const bare = s.replace('-', '');
  return `${bare.slice(0, 4)}-${bare.slice(4)}`;
}

export const invitationIdOf = (teamId: string, personId: string) => `${teamId}:${personId}`;

const isOpen = (inv: Invitation, now: Date) => inv.status === 'pending' && inv.expiresAt > now;

export interface InviteResult {
  invitation: Invitation;
  /** sent: a new (or renewed) invitation went out; pending: one was open already; member: they train here already. */
  outcome: 'sent' | 'pending' | 'member';
  /** The invited person's display name. */
  displayName: string;
}

async function requireTeam(deps: CoreDeps, teamId: string): Promise<Team> {
  const team = await deps.teams.get(teamId);
  if (!team) throw fail('TEAM.NOT_FOUND', 'I could not find that team.', { teamId });
  return team;
}

/** A coach or admin invites a registered athlete to train in their team. */
export async function inviteAthlete(deps: CoreDeps, actor: Actor, teamId: string, personId: string): Promise<InviteResult> {
  const team = await requireTeam(deps, teamId);
  await requireTeamRole(deps, actor, teamId, ['coach', 'admin'], 'invite athletes');
  const person = await deps.persons.get(personId);
  if (!person) throw fail('PERSON.NOT_FOUND', 'I could not find that person; they need to /register first.');
  if (!(await deps.athletes.get(personId)))
    throw fail('ATHLETE.NOT_REGISTERED', `${person.displayName} has no athlete profile yet; they need to /register as an athlete first.`);
  const now = deps.clock.now();
  const current = await deps.memberships.get(teamId, personId);
  const existing = await deps.invitations.get(teamId, personId);
  if (current?.roles.includes('athlete')) return { invitation: existing ?? placeholder(teamId, personId, actor, now), outcome: 'member', displayName: person.displayName };
  if (existing && isOpen(existing, now)) return { invitation: existing, outcome: 'pending', displayName: person.displayName };
  if (existing?.status === 'declined' && existing.expiresAt > now)
    throw fail('INVITE.DECLINED', `${person.displayName} declined an invitation to ${team.name}; you can invite them again after ${existing.expiresAt.toISOString().slice(0, 10)}.`);
  await requireBelowLimits(deps, teamId, personId, now);

  const invitation: Invitation = {
    id: invitationIdOf(teamId, personId),
    teamId,
    personId,
    code: newInvitationCode(),
    invitedBy: actor.personId,
    status: 'pending',
    createdAt: now,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000),
  };
  let sent: Invitation;
  if ((await deps.invitations.insert(invitation)) === 'inserted') sent = invitation;
  else {
    // An earlier invitation exists (expired, answered, or a racer's): renew it under its lock, re-checking inside.
    const renewed = await deps.mutex.withLock(`invite:${invitation.id}`, async () => {
      const cur = await deps.invitations.get(teamId, personId);
      if (cur && isOpen(cur, now)) return { inv: cur, fresh: false };
      if (cur?.status === 'declined' && cur.expiresAt > now)
        throw fail('INVITE.DECLINED', `${person.displayName} declined an invitation to ${team.name}; you can invite them again after ${cur.expiresAt.toISOString().slice(0, 10)}.`);
      await deps.invitations.replace(invitation);
      return { inv: invitation, fresh: true };
    });
    if (!renewed.fresh) return { invitation: renewed.inv, outcome: 'pending', displayName: person.displayName };
    sent = renewed.inv;
  }
  await audit(deps, actor, 'team.invited', { kind: 'invitation', id: sent.id, teamId, athleteId: personId }, { after: { expiresAt: sent.expiresAt } });
  const inviter = await deps.persons.get(actor.personId);
  await publish(deps, {
    type: 'team.invited',
    personId,
    teamId,
    teamName: team.name,
    by: actor.personId,
    byName: inviter?.displayName ?? 'A coach',
    code: sent.code,
    expiresAt: sent.expiresAt,
  });
  return { invitation: sent, outcome: 'sent', displayName: person.displayName };
}

function placeholder(teamId: string, personId: string, actor: Actor, now: Date): Invitation {
  return { id: invitationIdOf(teamId, personId), teamId, personId, code: '', invitedBy: actor.personId, status: 'accepted', createdAt: now, expiresAt: now };
}

async function requireBelowLimits(deps: CoreDeps, teamId: string, personId: string, now: Date): Promise<void> {
  const [ofTeam, ofPerson] = await Promise.all([deps.invitations.listForTeam(teamId), deps.invitations.listForPerson(personId)]);
  if (ofTeam.filter((i) => isOpen(i, now)).length >= MAX_OPEN_PER_TEAM)
    throw fail('INVITE.LIMIT', `This team has ${MAX_OPEN_PER_TEAM} open invitations already; wait for answers (they expire after ${INVITATION_TTL_DAYS} days).`);
  if (ofPerson.filter((i) => isOpen(i, now)).length >= MAX_OPEN_PER_PERSON)
    throw fail('INVITE.LIMIT', `That person has ${MAX_OPEN_PER_PERSON} open invitations already; ask them to answer those first.`);
}

/** The actor's open invitations, newest first, with the team's name. */
export async function myInvitations(deps: CoreDeps, actor: Actor): Promise<(Invitation & { teamName: string; invitedByName: string })[]> {
  const now = deps.clock.now();
  const open = (await deps.invitations.listForPerson(actor.personId)).filter((i) => isOpen(i, now)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const [teams, people] = await Promise.all([deps.teams.getMany(open.map((i) => i.teamId)), deps.persons.getMany(open.map((i) => i.invitedBy))]);
  return open.map((i) => ({
    ...i,
    teamName: teams.find((t) => t.id === i.teamId)?.name ?? 'a team',
    invitedByName: people.find((p) => p.id === i.invitedBy)?.displayName ?? 'a coach',
  }));
}

export interface InvitationAnswer {
  accept: boolean;
  /** When accepting: what the team channel may show of you (default: your setting, else session only). */
  teamChannel?: TeamChannelShare;
}

/** The invited person accepts (joins the team) or declines. Only the person the code was made for can. */
export async function answerInvitation(
  deps: CoreDeps,
  actor: Actor,
  code: string,
  answer: InvitationAnswer,
): Promise<{ invitation: Invitation; teamName: string; membership?: Membership }> {
  const normalized = normalizeInvitationCode(code);
  const inv = normalized ? await deps.invitations.findByCode(normalized) : null;
  // Someone else's code answers like a wrong one: a code reveals nothing to whoever holds it.
  if (!inv || inv.personId !== actor.personId) throw fail('INVITE.NOT_FOUND', `I have no invitation for you with the code ${code.slice(0, 20)}; /invitations lists yours.`);
  const team = await requireTeam(deps, inv.teamId);
  const now = deps.clock.now();
  if (answer.accept) {
    if (inv.status === 'declined') throw fail('INVITE.DECLINED', `You declined this invitation to ${team.name}. Ask the coach for a new one after ${inv.expiresAt.toISOString().slice(0, 10)}, or /join in the team’s channel.`);
    if (inv.status === 'pending' && inv.expiresAt <= now) throw fail('INVITE.EXPIRED', `This invitation to ${team.name} expired on ${inv.expiresAt.toISOString().slice(0, 10)}. Ask the coach for a new one.`);
    const membership = await joinTeam(deps, actor, inv.teamId, answer.teamChannel ? { teamChannel: answer.teamChannel } : {});
    const saved = await settle(deps, actor, inv, 'accepted', now);
    return { invitation: saved, teamName: team.name, membership };
  }
  if (inv.status === 'accepted') throw fail('INVITE.NOT_FOUND', `You already accepted this invitation to ${team.name}; leave the team by asking its coach.`);
  const saved = await settle(deps, actor, inv, 'declined', now);
  return { invitation: saved, teamName: team.name };
}

async function settle(deps: CoreDeps, actor: Actor, inv: Invitation, status: 'accepted' | 'declined', now: Date): Promise<Invitation> {
  return deps.mutex.withLock(`invite:${inv.id}`, async () => {
    const cur = (await deps.invitations.get(inv.teamId, inv.personId)) ?? inv;
    if (cur.status === status || cur.code !== inv.code) return cur;
    const next: Invitation = { ...cur, status, answeredAt: now };
    await deps.invitations.replace(next);
    await audit(deps, actor, `team.invitation_${status}`, { kind: 'invitation', id: inv.id, teamId: inv.teamId, athleteId: inv.personId });
    return next;
  });
}
