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
