/**
 * exportMyData / deleteMyData over every registered model: the export holds each collection's documents
 * about the person, the delete leaves no trace of them anywhere (raw scan of every collection).
 */
import { Schema } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { MongoPersonalDataStore, personalDataPolicy } from '../../../src/db/personal-data.ts';
import type { Actor } from '../../../src/core/types.ts';
import { athlete, coachWithTeam, datesBefore, ouraDays, uid, useCore } from './support/harness.ts';

const h = useCore('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';
const PSEUDONYM = /^erased-person:[0-9a-f]{16}$/;

interface Seeded {
  athlete: Actor;
  coach: Actor;
  teamId: string;
  discordId: string;
  slackId: string;
  name: string;
}

async function seedEverything(): Promise<Seeded> {
  const { coach, teamId } = await coachWithTeam(h, `Coach ${uid('n')}`);
  const name = `Zoë Private ${uid('n')}`;
  const discordId = uid('d');
  const slackId = uid('s');
  const { actor } = await h.core.registerAthlete({
    platform: 'discord',
    platformUserId: discordId,
    displayName: name,
    timezone: 'Europe/Berlin',
    sport: 'cycling',
    level: 'trained',
    consentVersion: '2026-11',
  });
  await h.core.joinTeam(actor, teamId);
  const inviter = await coachWithTeam(h, `Inviter ${uid('n')}`);
  await h.core.inviteAthlete(inviter.coach, inviter.teamId, actor.personId);
  const { code } = await h.core.createLinkCode(actor);
  await h.core.linkIdentity('slack', slackId, code);
  await h.core.connectProvider(actor.personId, 'oura', { accessToken: 'PLAINTEXT-ACCESS', refreshToken: 'PLAINTEXT-REFRESH' }, ['daily']);
  await h.core.recordSourceDays(actor.personId, ouraDays(datesBefore(TODAY, 3).concat(TODAY), () => ({ hrv: 65, rhr: 47, sleep: 7, load: 70 })));
  await h.core.recordFeedback(actor, { date: TODAY, rpe: 6, notes: 'felt fine' });
  await h.core.prescribeForDay(actor.personId, TODAY);
  await h.core.applyOverride(coach, { athleteId: actor.personId, date: '2026-11-23', type: 'REST', reason: 'travel' });
  await h.core.approvePrescriptions(coach, { teamId, date: TODAY }).catch(() => undefined);
  await h.core.setConstraint(coach, { athleteId: actor.personId, kind: 'max_load', value: 90, reason: 'build back' });
  await h.core.saveTwinCalibration(actor.personId, { tau1: 38 }, { tau1: 4 });
  const model = await h.core.publishPolicyModel({ name: 'dqn', weights: new Uint8Array([1]), featureSpec: { version: 'f1', names: ['atl'] }, trainingConfig: {}, evaluation: {} });
  await h.deps.policyModels.activate(model.id, coach.personId, h.clock.now(), 'coach promoted it');
  return { athlete: actor, coach, teamId, discordId, slackId, name };
}

/** Every document of every collection in the database, as text. */
async function rawDump(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const db = h.db.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    out.set(name, (await db.collection(name).find({}).toArray()).map((d) => JSON.stringify(d)));
  }
  return out;
}

function occurrences(dump: Map<string, string[]>, needles: string[]): string[] {
  const hits: string[] = [];
  for (const [col, docs] of dump) for (const d of docs) for (const n of needles) if (d.includes(n)) hits.push(`${col}: ${n} in ${d.slice(0, 160)}`);
  return hits;
}

let s: Seeded;
beforeAll(async () => {
  s = await seedEverything();
});

describe('exportMyData', () => {
  it('when an athlete exports then every model holding their data contributes its documents', async () => {
    const exp = await h.core.exportMyData(s.athlete);
    const conn = h.db.connection;
    for (const name of conn.modelNames()) {
      const policy = personalDataPolicy(name)!;
      const collection = conn.model(name).collection.collectionName;
      if (policy.owned) expect(exp.collections[collection]?.length, `${name} (${collection})`).toBeGreaterThan(0);
      if (policy.none) expect(exp.collections[collection], name).toBeUndefined();
    }
    expect(exp.collections.identities!.map((i) => (i as { platform: string }).platform).sort()).toEqual(['discord', 'slack']);
    expect(exp.collections.persons).toEqual([expect.objectContaining({ displayName: s.name })]);
  });

  it('when the export holds provider tokens then they are masked, not ciphertext and not plaintext', async () => {
    const exp = await h.core.exportMyData(s.athlete);
    const json = JSON.stringify(exp);
    expect(json).not.toContain('PLAINTEXT-ACCESS');
    expect(json).not.toMatch(/v1\.[0-9a-f]{8}\./);
    expect(exp.collections.provider_connections).toEqual([expect.objectContaining({ accessToken: '[encrypted token — not exported]', provider: 'oura' })]);
  });

  it('when a coach exports then records of others that mention the coach are included', async () => {
    const exp = await h.core.exportMyData(s.coach);
    expect(exp.collections.prescriptions!.length).toBeGreaterThan(0);
    expect(exp.collections.policy_activations!.length).toBe(1);
    expect(exp.collections.audit_log!.length).toBeGreaterThan(0);
  });

  it('when a model without a personal-data policy is registered then export and erase refuse to run', async () => {
    const conn = h.db.connection;
    const orphan = conn.model('OrphanWithoutPolicy', new Schema({ athleteId: String }));
    try {
      const store = new MongoPersonalDataStore(conn);
      await expect(store.export('x')).rejects.toThrow(/OrphanWithoutPolicy have no personal-data policy/);
      await expect(store.erase('x')).rejects.toThrow(/OrphanWithoutPolicy/);
    } finally {
      conn.deleteModel(orphan.modelName);
    }
  });
});

describe('deleteMyData', () => {
  it('when deletion is not confirmed then nothing is deleted', async () => {
    await expect(h.core.deleteMyData(s.athlete, { confirm: false })).rejects.toMatchObject({ code: 'DELETE.CONFIRMATION_REQUIRED' });
    expect(await h.deps.persons.get(s.athlete.personId)).not.toBeNull();
  });

  it('when an athlete deletes their data then no collection holds their id, name or chat ids, and a tombstone without personal data remains', async () => {
    const before = occurrences(await rawDump(), [s.athlete.personId]);
    expect(before.length).toBeGreaterThan(10); // the seed really spread the id around
    const { erased } = await h.core.deleteMyData(s.athlete, { confirm: true });
    expect(erased.persons).toBe(1);
    const after = await rawDump();
    expect(occurrences(after, [s.athlete.personId, s.name, s.discordId, s.slackId, 'felt fine'])).toEqual([]);
    const tomb = (await h.deps.audit.list({ action: 'person.erased' }))[0]!;
    expect(tomb).toMatchObject({ actor: { kind: 'system', name: 'privacy' }, target: { kind: 'person' } });
    expect(JSON.stringify(tomb)).not.toContain(s.athlete.personId);
    await expect(h.core.resolveActor('discord', s.discordId)).rejects.toMatchObject({ code: 'AUTH.UNKNOWN_USER' });
    // the coach and the team are untouched
    expect(await h.deps.persons.get(s.coach.personId)).not.toBeNull();
    expect(await h.deps.teams.get(s.teamId)).not.toBeNull();
  });

  it('when a coach deletes their data then athletes keep their records with the coach anonymised', async () => {
    const other = await seedEverything();
    await h.core.deleteMyData(other.coach, { confirm: true });
    expect(occurrences(await rawDump(), [other.coach.personId])).toEqual([]);
    const p = (await h.deps.prescriptions.get(other.athlete.personId, '2026-11-23'))!;
    expect(p.override).toMatchObject({ by: expect.stringMatching(PSEUDONYM), reason: 'travel' });
    expect((await h.core.listConstraints(other.athlete, other.athlete.personId))[0]).toMatchObject({ by: p.override!.by, value: 90 });
    // the coach's audit entries about the athlete survive, the coach pseudonymised, the texts about the athlete kept
    const entries = await h.deps.audit.list({ athleteId: other.athlete.personId, action: 'prescription.override' });
    expect(entries).toEqual([expect.objectContaining({ actor: expect.objectContaining({ kind: 'person', personId: p.override!.by }), reason: 'travel' })]);
  });

  it('when an athlete deletes their data then the audit entries other people made about them survive under one pseudonym, their own entries go, and quotes of them are redacted', async () => {
    const x = await seedEverything();
    await h.core.applyOverride(x.coach, { athleteId: x.athlete.personId, date: '2026-11-24', type: 'REST', reason: `${x.name.split(' ').at(-1)} told me (${x.discordId}) she is ill` });
    const entries = await h.deps.audit.list({ athleteId: x.athlete.personId, limit: 1000 });
    const byOthers = entries.filter((e) => e.actor.kind === 'person' && e.actor.personId !== x.athlete.personId);
    const own = entries.filter((e) => !byOthers.includes(e));
    expect(byOthers.map((e) => e.action)).toEqual(expect.arrayContaining(['constraint.set', 'prescription.override', 'team.invited']));
    expect(own.map((e) => e.action)).toContain('team.joined');

    await h.core.deleteMyData(x.athlete, { confirm: true });
    const col = h.db.connection.collection('audit_log');
    const survivors = await col.find({ _id: { $in: byOthers.map((e) => e.id) } as never }).toArray();
    expect(survivors).toHaveLength(byOthers.length);
    const pseudonyms = new Set(survivors.map((d) => (d.target as { athleteId: string }).athleteId));
    expect(pseudonyms.size).toBe(1);
    const [pseudonym] = [...pseudonyms];
    expect(pseudonym).toMatch(PSEUDONYM);
    expect(pseudonym).not.toContain(x.athlete.personId.slice(0, 8));
    // the actors stay who they were: the record of who did what to the athlete is intact
    for (const d of survivors) expect(d.actor, String(d.action)).toEqual(byOthers.find((e) => e.id === String(d._id))!.actor);
    // what others wrote about the athlete is the athlete's data: gone, the fact that they wrote stays
    const overrides = survivors.filter((d) => d.action === 'prescription.override');
    expect(overrides.map((d) => d.reason)).toEqual(['[erased with the person’s data]', '[erased with the person’s data]']);
    expect(survivors.find((d) => d.action === 'constraint.set')).toMatchObject({ reason: '[erased with the person’s data]', after: { reason: '[erased with the person’s data]', value: 90 } });
    expect(await col.countDocuments({ _id: { $in: own.map((e) => e.id) } as never })).toBe(0);
    expect(occurrences(await rawDump(), [x.athlete.personId, x.name, x.name.split(' ').at(-1)!, x.discordId, x.slackId])).toEqual([]);
    // another erasure draws another pseudonym: nothing links the two
    const y = await seedEverything();
    await h.core.deleteMyData(y.athlete, { confirm: true });
    const yEntry = await col.findOne({ 'actor.personId': y.coach.personId, action: 'constraint.set' });
    expect((yEntry!.target as { athleteId: string }).athleteId).toMatch(PSEUDONYM);
    expect((yEntry!.target as { athleteId: string }).athleteId).not.toBe(pseudonym);
  });
});
