/**
 * The authorization matrix: every mutating (and private-read) use case × every kind of actor.
 * "ok" means the call succeeds; otherwise the AppError code it must fail with — and a refused call must
 * leave no audit entry behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/types.ts';
import { athlete, coachWithTeam, uid, useCore } from './support/harness.ts';

const h = useCore('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';

type Who = 'self' | 'teammate' | 'coachOfOtherTeam' | 'coach' | 'admin';
const WHO: Who[] = ['self', 'teammate', 'coachOfOtherTeam', 'coach', 'admin'];

interface World {
  teamId: string;
  athlete: Actor;
  actors: Record<Who, Actor>;
}
let w: World;

beforeAll(async () => {
  const { coach, teamId } = await coachWithTeam(h, 'Head Coach', { approvalMode: true });
  const other = await coachWithTeam(h, 'Rival Coach');
  const a = await athlete(h, 'Athlete', { teamId });
  const mate = await athlete(h, 'Teammate', { teamId });
  await athlete(h, 'Rival athlete', { teamId: other.teamId });
  const { actor: admin } = await h.core.registerPerson({ platform: 'slack', platformUserId: uid('adm'), displayName: 'Admin Only' });
  await h.core.setMemberRoles(coach, teamId, admin.personId, ['admin']);
  w = { teamId, athlete: a, actors: { self: a, teammate: mate, coachOfOtherTeam: other.coach, coach, admin } };
});

interface Case {
  name: string;
  run: (actor: Actor) => Promise<unknown>;
  expect: Record<Who, 'ok' | string>;
}

const COACH_ONLY = { self: 'AUTH.NOT_COACH', teammate: 'AUTH.NOT_COACH', coachOfOtherTeam: 'AUTH.NOT_COACH', coach: 'ok', admin: 'ok' } as const;
const SELF_OR_COACH = { self: 'ok', teammate: 'AUTH.NOT_SELF', coachOfOtherTeam: 'AUTH.NOT_SELF', coach: 'ok', admin: 'ok' } as const;

let day = 0;
const nextDate = () => `2026-12-${String(++day).padStart(2, '0')}`;

const CASES: Case[] = [
  {
    name: 'applyOverride',
    run: (actor) => h.core.applyOverride(actor, { athleteId: w.athlete.personId, date: nextDate(), type: 'REST', reason: 'rest' }),
    expect: COACH_ONLY,
  },
  {
    name: 'setConstraint',
    run: (actor) => h.core.setConstraint(actor, { athleteId: w.athlete.personId, kind: 'max_load', value: 80 }),
    expect: COACH_ONLY,
  },
  {
    name: 'removeConstraint',
    run: async (actor) => {
      const c = await h.core.setConstraint(w.actors.coach, { athleteId: w.athlete.personId, kind: 'no_impact' });
      return h.core.removeConstraint(actor, c.id);
    },
    expect: COACH_ONLY,
  },
  {
    name: 'approvePrescriptions',
    run: async (actor) => {
      const date = nextDate();
      await h.core.prescribeForDay(w.athlete.personId, date);
      const r = await h.core.approvePrescriptions(actor, { teamId: w.teamId, date });
      expect(r.approved).toHaveLength(1);
    },
    expect: COACH_ONLY,
  },
  {
    name: 'updateTeamSettings',
    run: (actor) => h.core.updateTeamSettings(actor, w.teamId, { units: 'imperial' }),
    expect: COACH_ONLY,
  },
  {
    name: 'setMemberRoles',
    run: async (actor) => {
      const { actor: p } = await h.core.registerPerson({ platform: 'discord', platformUserId: uid('new'), displayName: 'Newcomer' });
      return h.core.setMemberRoles(actor, w.teamId, p.personId, ['coach']);
    },
    expect: { self: 'AUTH.NOT_ADMIN', teammate: 'AUTH.NOT_ADMIN', coachOfOtherTeam: 'AUTH.NOT_ADMIN', coach: 'AUTH.NOT_ADMIN', admin: 'ok' },
  },
  {
    name: 'pauseAthlete (then resume)',
    run: async (actor) => {
      await h.core.pauseAthlete(actor, w.athlete.personId);
      await h.core.resumeAthlete(actor, w.athlete.personId);
    },
    expect: SELF_OR_COACH,
  },
  {
    name: 'sessionFor (read)',
    run: (actor) => h.core.sessionFor(actor, w.athlete.personId, TODAY),
    expect: SELF_OR_COACH,
  },
  {
    name: 'listConstraints (read)',
    run: (actor) => h.core.listConstraints(actor, w.athlete.personId),
    expect: SELF_OR_COACH,
  },
  {
    name: 'teamBoard (read)',
    run: (actor) => h.core.teamBoard(actor, w.teamId, TODAY),
    expect: COACH_ONLY,
  },
];

const auditCount = () => h.db.connection.collection('audit_log').countDocuments();

describe('authorization matrix', () => {
  for (const c of CASES) {
    for (const who of WHO) {
      const want = c.expect[who];
      it(`when ${who} calls ${c.name} then ${want === 'ok' ? 'it is allowed' : `it is refused with ${want}`}`, async () => {
        // the head coach is also the team's admin; "coach" in the matrix must be a plain coach
        const actor = who === 'coach' ? await plainCoach() : w.actors[who];
        const before = await auditCount();
        if (want === 'ok') {
          await expect(c.run(actor)).resolves.not.toThrow();
        } else {
          const err = await c.run(actor).then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toMatchObject({ code: want });
          expect((err as { userMessage: string }).userMessage).toMatch(/^(Only|You can only)/);
          // the case may have prepared data as the coach (which is audited); compare after that
          if (!['removeConstraint', 'approvePrescriptions', 'setMemberRoles'].includes(c.name)) expect(await auditCount()).toBe(before);
        }
      });
    }
  }
});

let plain: Actor | undefined;
async function plainCoach(): Promise<Actor> {
  if (plain) return plain;
  const { actor } = await h.core.registerPerson({ platform: 'discord', platformUserId: uid('pc'), displayName: 'Plain Coach' });
  await h.core.setMemberRoles(w.actors.coach, w.teamId, actor.personId, ['coach']);
  plain = actor;
  return actor;
}

describe('resolveActor', () => {
  it('when an unknown chat account acts then it is refused with AUTH.UNKNOWN_USER', async () => {
    await expect(h.core.resolveActor('discord', 'nobody')).rejects.toMatchObject({ code: 'AUTH.UNKNOWN_USER' });
  });

  it('when the coach of the team is also the admin then one membership carries both roles', async () => {
    const m = await h.deps.memberships.get(w.teamId, w.actors.coach.personId);
    expect(m?.roles.sort()).toEqual(['admin', 'coach']);
  });

  it('when the last admin would be demoted then it is refused with TEAM.LAST_ADMIN', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Lonely admin');
    await expect(h.core.setMemberRoles(coach, teamId, coach.personId, ['coach'])).rejects.toMatchObject({ code: 'TEAM.LAST_ADMIN' });
  });
});

/**
 * Finding 2 of issue 16: anyone can create a team (in another channel, or another Discord guild) and is
 * its admin. Adding a registered athlete to it must not make its staff their coaches: the athlete role is
 * given only by the athlete (joinTeam, or accepting an invitation).
 */
describe('membership by consent (cross-team, cross-guild)', () => {
  // The attacker's team lives in a guild of their own; the victim trains in w.teamId only.
  let attacker: Actor;
  let attackerTeam: string;
  beforeAll(async () => {
    const { actor } = await h.core.registerPerson({ platform: 'discord', platformUserId: uid('evil'), displayName: 'Stranger' });
    attacker = actor;
    const team = await h.core.createTeam(actor, { name: 'Not your team', binding: { platform: 'discord', workspaceId: 'other-guild', channelId: uid('evilch') } });
    attackerTeam = team.id;
  });

  const coachPowers: { name: string; run: (actor: Actor) => Promise<unknown>; code: string }[] = [
    { name: 'applyOverride', run: (a) => h.core.applyOverride(a, { athleteId: w.athlete.personId, date: nextDate(), type: 'REST', reason: 'mine now' }), code: 'AUTH.NOT_COACH' },
    { name: 'setConstraint', run: (a) => h.core.setConstraint(a, { athleteId: w.athlete.personId, kind: 'rest_only' }), code: 'AUTH.NOT_COACH' },
    { name: 'sessionFor', run: (a) => h.core.sessionFor(a, w.athlete.personId, TODAY), code: 'AUTH.NOT_SELF' },
    { name: 'listConstraints', run: (a) => h.core.listConstraints(a, w.athlete.personId), code: 'AUTH.NOT_SELF' },
    { name: 'pauseAthlete', run: (a) => h.core.pauseAthlete(a, w.athlete.personId), code: 'AUTH.NOT_SELF' },
  ];

  it('when the admin of another team (another guild) gives a registered athlete the athlete role then it is refused with TEAM.CONSENT_REQUIRED and nothing is stored', async () => {
    const before = await auditCount();
    await expect(h.core.setMemberRoles(attacker, attackerTeam, w.athlete.personId, ['athlete'])).rejects.toMatchObject({ code: 'TEAM.CONSENT_REQUIRED' });
    await expect(h.core.setMemberRoles(attacker, attackerTeam, w.athlete.personId, ['athlete', 'coach'])).rejects.toMatchObject({ code: 'TEAM.CONSENT_REQUIRED' });
    expect(await h.deps.memberships.get(attackerTeam, w.athlete.personId)).toBeNull();
    expect(await auditCount()).toBe(before);
  });

  it('when the admin of another team gives the athlete role to an athlete of their own team (cross-team) then it is refused too', async () => {
    // the head coach administers w.teamId; the rival coach's athlete must not be pulled into it
    const rival = await athlete(h, 'Rival pulled', { teamId: (await coachWithTeam(h, 'Third')).teamId });
    await expect(h.core.setMemberRoles(w.actors.coach, w.teamId, rival.personId, ['athlete'])).rejects.toMatchObject({ code: 'TEAM.CONSENT_REQUIRED' });
    expect(await h.deps.memberships.get(w.teamId, rival.personId)).toBeNull();
  });

  for (const p of coachPowers)
    it(`when the attacker only invited the athlete (not yet accepted) then ${p.name} is refused with ${p.code}`, async () => {
      await h.core.inviteAthlete(attacker, attackerTeam, w.athlete.personId);
      await expect(p.run(attacker)).rejects.toMatchObject({ code: p.code });
    });

  it('when the attacker only invited the athlete then their team board does not show the athlete', async () => {
    await h.core.inviteAthlete(attacker, attackerTeam, w.athlete.personId);
    const board = await h.core.teamBoard(attacker, attackerTeam, TODAY);
    expect(board.rows.map((r) => r.athleteId)).not.toContain(w.athlete.personId);
  });

  it('when a teammate is made coach of another team then they get no power over athletes of their own team (roles are per team)', async () => {
    // coach role in the attacker's team says nothing about w.teamId
    const m = await h.core.setMemberRoles(attacker, attackerTeam, w.actors.teammate.personId, ['coach']);
    expect(m.roles).toEqual(['coach']);
    await expect(h.core.applyOverride(w.actors.teammate, { athleteId: w.athlete.personId, date: nextDate(), type: 'REST', reason: 'x' })).rejects.toMatchObject({ code: 'AUTH.NOT_COACH' });
  });

  it('when someone else answers the athlete’s invitation with its code then it is refused with INVITE.NOT_FOUND and nobody joins', async () => {
    const { invitation } = await h.core.inviteAthlete(attacker, attackerTeam, w.athlete.personId);
    await expect(h.core.answerInvitation(w.actors.teammate, invitation.code, { accept: true })).rejects.toMatchObject({ code: 'INVITE.NOT_FOUND' });
    await expect(h.core.answerInvitation(attacker, invitation.code, { accept: true })).rejects.toMatchObject({ code: 'INVITE.NOT_FOUND' });
    expect(await h.deps.memberships.get(attackerTeam, w.actors.teammate.personId)).toMatchObject({ roles: ['coach'] });
    expect(await h.deps.memberships.get(attackerTeam, w.athlete.personId)).toBeNull();
  });

  it('when the athlete accepts the invitation then (and only then) the inviting team’s coach may override, and the board shows them', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Fair coach');
    const a = await athlete(h, 'Consenting');
    await expect(h.core.applyOverride(coach, { athleteId: a.personId, date: nextDate(), type: 'REST', reason: 'before' })).rejects.toMatchObject({ code: 'AUTH.NOT_COACH' });
    const { invitation, outcome } = await h.core.inviteAthlete(coach, teamId, a.personId);
    expect(outcome).toBe('sent');
    expect(h.notifier.events.filter((e) => e.type === 'team.invited' && e.personId === a.personId)).toEqual([
      expect.objectContaining({ type: 'team.invited', teamId, by: coach.personId, byName: 'Fair coach', code: invitation.code }),
    ]);
    await expect(h.core.applyOverride(coach, { athleteId: a.personId, date: nextDate(), type: 'REST', reason: 'pending' })).rejects.toMatchObject({ code: 'AUTH.NOT_COACH' });
    const r = await h.core.answerInvitation(a, invitation.code.replace('-', '').toLowerCase(), { accept: true });
    expect(r.membership?.roles).toEqual(['athlete']);
    await expect(h.core.applyOverride(coach, { athleteId: a.personId, date: nextDate(), type: 'REST', reason: 'after' })).resolves.toMatchObject({ athleteId: a.personId });
    expect((await h.core.teamBoard(coach, teamId, TODAY)).rows.map((x) => x.athleteId)).toContain(a.personId);
  });
});
