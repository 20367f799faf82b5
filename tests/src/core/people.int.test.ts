/** Registration, identities and linking, teams and settings, constraints. */
import { describe, expect, it } from 'vitest';
import { athlete, coachWithTeam, uid, useCore } from './support/harness.ts';

const h = useCore('2026-11-22T07:00:00Z');

describe('registerAthlete and resolveActor', () => {
  it('when an athlete registers then the chat account resolves to them and the profile joins person and athlete', async () => {
    const userId = uid('d');
    const { actor, profile } = await h.core.registerAthlete({
      platform: 'discord',
      platformUserId: userId,
      displayName: '  Ana  ',
      timezone: 'America/New_York',
      morningTime: '05:45',
      sport: 'sprint400',
      level: 'elite',
      goalDate: '2027-06-01',
      consentVersion: '2026-11',
    });
    expect(await h.core.resolveActor('discord', userId)).toEqual(actor);
    expect(profile).toMatchObject({ id: actor.personId, displayName: 'Ana', timezone: 'America/New_York', morningTime: '05:45', sport: 'sprint400', status: 'active', simulated: false });
    expect(profile.consent).toEqual({ givenAt: h.clock.now(), version: '2026-11' });
  });

  it.each([
    [{ consentVersion: null }, 'CONSENT.REQUIRED'],
    [{ timezone: 'Europe/Atlantis' }, 'SETTINGS.TIMEZONE_INVALID'],
    [{ morningTime: '6:30' }, 'SETTINGS.MORNING_TIME_INVALID'],
    [{ sport: 'curling' }, 'SETTINGS.SPORT_INVALID'],
    [{ level: 'god' }, 'SETTINGS.LEVEL_INVALID'],
    [{ goalDate: '2020-01-01' }, 'SETTINGS.GOAL_DATE_INVALID'],
    [{ displayName: '' }, 'SETTINGS.DISPLAY_NAME_INVALID'],
  ])('when registering with %j then it is refused with %s and nothing is stored', async (bad, code) => {
    const userId = uid('bad');
    const input = { platform: 'discord' as const, platformUserId: userId, displayName: 'X', timezone: 'UTC', sport: 'running' as const, level: 'novice' as const, consentVersion: '1', ...bad };
    await expect(h.core.registerAthlete(input as never)).rejects.toMatchObject({ code });
    expect(await h.deps.identities.find('discord', userId)).toBeNull();
  });

  it('when the time zone is wrong then the message cites it', async () => {
    await expect(
      h.core.registerAthlete({ platform: 'slack', platformUserId: uid('s'), displayName: 'Y', timezone: 'Berlin', sport: 'running', level: 'novice', consentVersion: '1' }),
    ).rejects.toMatchObject({ userMessage: 'Time zone must be an IANA zone like Europe/Berlin or America/New_York; you sent "Berlin"' });
  });

  it('when the same chat account registers twice concurrently then one person exists and the other call is refused', async () => {
    const userId = uid('race');
    const input = { platform: 'discord' as const, platformUserId: userId, displayName: 'Racer', timezone: 'UTC', sport: 'running' as const, level: 'novice' as const, consentVersion: '1' };
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => h.core.registerAthlete(input)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'ATHLETE.ALREADY_REGISTERED' });
    expect(await h.db.connection.collection('persons').countDocuments({ displayName: 'Racer' })).toBe(1);
    expect(await h.db.connection.collection('athletes').countDocuments()).toBe(await h.db.connection.collection('persons').countDocuments({ _id: { $in: (await h.db.connection.collection('athletes').find().toArray()).map((a) => a._id) } }));
  });

  it('when a registered coach later registers as an athlete then the same person gets an athlete profile', async () => {
    const userId = uid('c');
    const { actor } = await h.core.registerPerson({ platform: 'slack', platformUserId: userId, displayName: 'Coach Then Athlete' });
    const { actor: again, profile } = await h.core.registerAthlete({ platform: 'slack', platformUserId: userId, displayName: 'Coach Then Athlete', timezone: 'UTC', sport: 'team', level: 'recreational', consentVersion: '1' });
    expect(again.personId).toBe(actor.personId);
    expect(profile.sport).toBe('team');
    await expect(
      h.core.registerAthlete({ platform: 'slack', platformUserId: userId, displayName: 'X', timezone: 'UTC', sport: 'team', level: 'recreational', consentVersion: '1' }),
    ).rejects.toMatchObject({ code: 'ATHLETE.ALREADY_REGISTERED' });
  });
});

describe('linkIdentity', () => {
  it('when a Discord athlete links Slack with a one-time code then both accounts resolve to the same person', async () => {
    const a = await athlete(h, 'Linker');
    const { code, expiresAt } = await h.core.createLinkCode(a);
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(expiresAt.getTime() - h.clock.now().getTime()).toBe(15 * 60_000);
    const slackId = uid('S');
    const linked = await h.core.linkIdentity('slack', slackId, code.toLowerCase().replace('-', ' '));
    expect(linked).toEqual({ personId: a.personId, platform: 'slack' });
    expect(await h.core.resolveActor('slack', slackId)).toEqual({ personId: a.personId, platform: 'slack' });
    await expect(h.core.linkIdentity('slack', uid('S'), code)).rejects.toMatchObject({ code: 'LINK.CODE_USED' });
  });

  it('when the code is unknown or expired then linking is refused', async () => {
    const a = await athlete(h, 'Slow linker');
    await expect(h.core.linkIdentity('slack', uid('S'), 'ABCD-EFGH')).rejects.toMatchObject({ code: 'LINK.CODE_INVALID' });
    const { code } = await h.core.createLinkCode(a);
    h.clock.set('2026-11-22T07:16:00Z');
    await expect(h.core.linkIdentity('slack', uid('S'), code)).rejects.toMatchObject({ code: 'LINK.CODE_EXPIRED' });
    h.clock.set('2026-11-22T07:00:00Z');
  });

  it('when the target account is registered on its own or the person already has that platform then linking is refused', async () => {
    const a = await athlete(h, 'Has Slack', { platform: 'discord' });
    const other = await athlete(h, 'Other', { platform: 'slack' });
    const otherSlack = (await h.deps.identities.listForPerson(other.personId))[0]!.userId;
    await expect(h.core.linkIdentity('slack', otherSlack, (await h.core.createLinkCode(a)).code)).rejects.toMatchObject({ code: 'IDENTITY.ALREADY_REGISTERED' });
    await h.core.linkIdentity('slack', uid('S'), (await h.core.createLinkCode(a)).code);
    await expect(h.core.linkIdentity('slack', uid('S'), (await h.core.createLinkCode(a)).code)).rejects.toMatchObject({ code: 'IDENTITY.PLATFORM_ALREADY_LINKED' });
  });
});

describe('teams and settings', () => {
  it('when a channel already belongs to a team then creating another team there is refused and no orphan team remains', async () => {
    const { actor } = await h.core.registerPerson({ platform: 'discord', platformUserId: uid('c'), displayName: 'C' });
    const binding = { platform: 'discord' as const, workspaceId: 'G1', channelId: 'C1' };
    const first = await h.core.createTeam(actor, { name: 'First', binding });
    const teams = await h.db.connection.collection('teams').countDocuments();
    await expect(h.core.createTeam(actor, { name: 'Second', binding })).rejects.toMatchObject({ code: 'TEAM.CHANNEL_TAKEN' });
    expect(await h.db.connection.collection('teams').countDocuments()).toBe(teams);
    expect((await h.core.findTeamByChannel('discord', 'G1', 'C1')).id).toBe(first.id);
  });

  it('when an athlete joins twice then there is one membership with the athlete role', async () => {
    const { teamId } = await coachWithTeam(h, 'Joiner coach');
    const a = await athlete(h, 'Joiner');
    await h.core.joinTeam(a, teamId);
    await h.core.joinTeam(a, teamId);
    expect(await h.db.connection.collection('memberships').countDocuments({ teamId, personId: a.personId })).toBe(1);
  });

  it('when someone without an athlete profile joins a team then it is refused', async () => {
    const { teamId } = await coachWithTeam(h, 'Another');
    const { actor } = await h.core.registerPerson({ platform: 'slack', platformUserId: uid('p'), displayName: 'Just a person' });
    await expect(h.core.joinTeam(actor, teamId)).rejects.toMatchObject({ code: 'ATHLETE.NOT_REGISTERED' });
  });

  it('when an athlete updates settings then person and athlete fields change and bad values are refused', async () => {
    const a = await athlete(h, 'Settler');
    const r = await h.core.updateSettings(a, { timezone: 'Asia/Tokyo', morningTime: '07:15', dmsEnabled: false, goalDate: '2027-03-01' });
    expect(r).toMatchObject({ timezone: 'Asia/Tokyo', dmsEnabled: false, athlete: { morningTime: '07:15', goalDate: '2027-03-01' } });
    await expect(h.core.updateSettings(a, { morningTime: '7am' })).rejects.toMatchObject({ code: 'SETTINGS.MORNING_TIME_INVALID' });
    await expect(h.core.updateSettings(a, {})).rejects.toMatchObject({ code: 'SETTINGS.EMPTY' });
    const cleared = await h.core.updateSettings(a, { goalDate: null });
    expect(cleared.athlete?.goalDate).toBeUndefined();
  });

  it('when two settings are wrong then both are named in one refusal and nothing changes', async () => {
    const a = await athlete(h, 'Twice wrong');
    const err = await h.core.updateSettings(a, { timezone: 'Europe/Atlantis', goalDate: '2020-01-01', morningTime: '07:00' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SETTINGS.TIMEZONE_INVALID' });
    expect((err as { userMessage: string }).userMessage.split('\n')).toEqual([
      'Time zone must be an IANA zone like Europe/Berlin or America/New_York; you sent "Europe/Atlantis"',
      'Goal date must be a date like 2027-04-18, today or later; you sent "2020-01-01"',
    ]);
    expect((await h.core.whoAmI(a)).athlete?.morningTime).not.toBe('07:00');
  });

  it('when a coach changes team settings then the change is audited with before and after', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Auditor');
    await h.core.updateTeamSettings(coach, teamId, { approvalMode: true, defaultMorningTime: '06:00' });
    const [entry] = await h.deps.audit.list({ teamId, action: 'team.settings' });
    expect(entry).toMatchObject({ actor: { kind: 'person', personId: coach.personId }, before: { approvalMode: false, defaultMorningTime: '06:30' }, after: { approvalMode: true, defaultMorningTime: '06:00' } });
  });

  it('when a coach pauses an athlete then it is audited and notified, and resume brings them back', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Pauser');
    const a = await athlete(h, 'Pausee', { teamId });
    expect((await h.core.pauseAthlete(coach, a.personId)).status).toBe('paused');
    expect((await h.deps.audit.list({ athleteId: a.personId, action: 'athlete.paused' })).length).toBe(1);
    expect(h.notifier.events).toContainEqual({ type: 'athlete.paused', athleteId: a.personId, by: coach.personId });
    expect((await h.core.resumeAthlete(a)).status).toBe('active');
  });
});

describe('constraints and overrides', () => {
  it('when a coach sets, lists and removes a constraint then it is active, listed, then inactive and audited', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Constrainer');
    const a = await athlete(h, 'Limited', { teamId });
    const c = await h.core.setConstraint(coach, { athleteId: a.personId, kind: 'max_load', value: 60, to: '2026-11-30', reason: 'return from injury' });
    expect(c).toMatchObject({ from: '2026-11-22', to: '2026-11-30', active: true, by: coach.personId });
    expect((await h.core.listConstraints(a, a.personId)).map((x) => x.id)).toEqual([c.id]);
    await h.core.removeConstraint(coach, c.id);
    expect(await h.core.listConstraints(coach, a.personId)).toEqual([]);
    expect((await h.core.listConstraints(coach, a.personId, { includeInactive: true }))[0]).toMatchObject({ active: false, removedBy: coach.personId });
    await expect(h.core.removeConstraint(coach, c.id)).rejects.toMatchObject({ code: 'CONSTRAINT.NOT_FOUND' });
    const actions = (await h.deps.audit.list({ athleteId: a.personId })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['constraint.set', 'constraint.removed']));
  });

  it.each([
    [{ kind: 'no_sugar' }, 'CONSTRAINT.KIND_INVALID'],
    [{ kind: 'max_load' }, 'CONSTRAINT.VALUE_REQUIRED'],
    [{ kind: 'rest_only', from: '2026-11-25', to: '2026-11-24' }, 'CONSTRAINT.WINDOW_INVALID'],
  ])('when a constraint is %j then it is refused with %s', async (bad, code) => {
    const { coach, teamId } = await coachWithTeam(h, 'Bad constrainer');
    const a = await athlete(h, 'Target', { teamId });
    await expect(h.core.setConstraint(coach, { athleteId: a.personId, ...(bad as { kind: never }) })).rejects.toMatchObject({ code });
  });

  it.each([
    [{ type: 'YOGA' }, 'OVERRIDE.SESSION_INVALID'],
    [{ type: 'ENDURANCE', minutes: 900 }, 'OVERRIDE.MINUTES_OUT_OF_RANGE'],
    [{ type: 'ENDURANCE', minutes: 60, reason: '  ' }, 'OVERRIDE.REASON_REQUIRED'],
    [{ type: 'REST', date: '2026-11-21' }, 'OVERRIDE.DATE_IN_PAST'],
  ])('when an override is %j then it is refused with %s', async (bad, code) => {
    const { coach, teamId } = await coachWithTeam(h, 'Bad overrider');
    const a = await athlete(h, 'Target', { teamId });
    await expect(h.core.applyOverride(coach, { athleteId: a.personId, date: '2026-11-22', reason: 'because', ...(bad as { type: never }) })).rejects.toMatchObject({ code });
  });

  it('when a coach overrides a future day with no prescription yet then it is created, approved, audited and notified', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Planner', { approvalMode: true });
    const a = await athlete(h, 'Planned', { teamId });
    const p = await h.core.applyOverride(coach, { athleteId: a.personId, date: '2026-11-28', type: 'INTERVALS', minutes: 45, reason: 'race simulation' });
    expect(p).toMatchObject({ revision: 1, session: { type: 'INTERVALS', minutes: 45 }, approval: { state: 'approved', by: coach.personId }, override: { previous: null } });
    const [entry] = await h.deps.audit.list({ athleteId: a.personId, action: 'prescription.override' });
    expect(entry).toMatchObject({ before: null, after: { type: 'INTERVALS', minutes: 45 }, reason: 'race simulation' });
    expect(h.notifier.events).toContainEqual({ type: 'prescription.overridden', athleteId: a.personId, date: '2026-11-28', prescriptionId: p.id, by: coach.personId });
    // the morning run of that day keeps it
    h.clock.set('2026-11-28T06:00:00Z');
    const morning = await h.core.prescribeForDay(a.personId, '2026-11-28');
    expect(morning.session.type).toBe('INTERVALS');
    h.clock.set('2026-11-22T07:00:00Z');
  });

  it('when a coach overrides twice then previous holds the first override and before/after are audited each time', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Changer');
    const a = await athlete(h, 'Changed', { teamId });
    await h.core.prescribeForDay(a.personId, '2026-11-22');
    await h.core.applyOverride(coach, { athleteId: a.personId, date: '2026-11-22', type: 'ENDURANCE', minutes: 60, reason: 'first' });
    const second = await h.core.applyOverride(coach, { athleteId: a.personId, date: '2026-11-22', type: 'REST', reason: 'second' });
    expect(second.override?.previous).toMatchObject({ type: 'ENDURANCE', minutes: 60 });
    expect(second.revision).toBe(3);
    const entries = await h.deps.audit.list({ athleteId: a.personId, action: 'prescription.override' });
    expect(entries.map((e) => [(e.before as { type: string }).type, (e.after as { type: string }).type]).sort()).toEqual([
      ['ENDURANCE', 'REST'],
      ['INTERVALS', 'ENDURANCE'],
    ]);
  });
});
