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
    expect(p.override).toMatchObject({ by: 'erased-person', reason: 'travel' });
    expect((await h.core.listConstraints(other.athlete, other.athlete.personId))[0]).toMatchObject({ by: 'erased-person', value: 90 });
  });
});
