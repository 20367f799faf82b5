import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { TokenCipher, isCiphertext } from '../../../src/core/crypto.ts';
import type { TokenSet as CoreTokenSet } from '../../../src/core/types.ts';
import { createRepositories } from '../../../src/db/index.ts';
import { registerModels } from '../../../src/db/models.ts';
import type { ConnectionStore } from '../../../src/wearables/connection-store.ts';
import type { TokenSet as WearablesTokenSet } from '../../../src/wearables/provider.ts';
import { useTestDatabase } from '../../helpers/db.ts';

const db = useTestDatabase({ register: registerModels });
const key = randomBytes(32).toString('base64');
const cipher = new TokenCipher({ current: key });
const repos = () => createRepositories(db.connection, { cipher });
const now = new Date('2026-11-22T07:00:00Z');

describe('LeaseMutex', () => {
  it('when twelve workers read-modify-write one document under the lock then no increment is lost', async () => {
    const { mutex } = repos();
    const col = db.connection.collection<{ _id: string; n: number }>('mutex_probe');
    await col.insertOne({ _id: 'counter', n: 0 });
    await Promise.all(
      Array.from({ length: 12 }, () =>
        mutex.withLock('probe', async () => {
          const cur = (await col.findOne({ _id: 'counter' }))!;
          await new Promise((r) => setTimeout(r, 2));
          await col.replaceOne({ _id: 'counter' }, { n: cur.n + 1 });
        }),
      ),
    );
    expect((await col.findOne({ _id: 'counter' }))!.n).toBe(12);
    // …and the lock's chain is contiguous from generation 0, every generation released (the lease
    // repository's _id-only lookups rely on it)
    const chain = await db.connection.collection<{ gen: number; state: string }>('leases').find({ key: 'lock:probe' }).sort({ gen: 1 }).toArray();
    expect(chain.length).toBeGreaterThanOrEqual(12);
    expect(chain.map((d) => d.gen)).toEqual(chain.map((_, i) => i));
    expect(chain.every((d) => d.state === 'released')).toBe(true);
  });

  it('when the lock is held past the wait budget then withLock fails with RECORD.BUSY', async () => {
    const { mutex } = createRepositories(db.connection, { cipher, mutex: { waitMs: 150 } });
    let release!: () => void;
    const holding = mutex.withLock('busy', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    await expect(mutex.withLock('busy', async () => 1)).rejects.toMatchObject({ code: 'RECORD.BUSY' });
    release();
    await holding;
  });
});

describe('provider connections: tokens encrypted at rest', () => {
  it('when tokens are saved then the raw collection holds only ciphertext and the repository decrypts them back', async () => {
    const { connections } = repos();
    const athleteId = randomUUID();
    const tokens = { accessToken: 'oura-access-SECRET-123', refreshToken: 'oura-refresh-SECRET-456', expiresAt: now.getTime() + 3_600_000, kind: 'bearer' as const };
    await connections.upsertTokens(athleteId, 'oura', tokens, ['daily', 'heartrate']);
    const raw = (await db.connection.collection('provider_connections').findOne({ athleteId }))!;
    expect(isCiphertext(raw.accessToken)).toBe(true);
    expect(isCiphertext(raw.refreshToken)).toBe(true);
    const rawJson = JSON.stringify(raw);
    expect(rawJson).not.toContain('SECRET');
    expect((await connections.get(athleteId, 'oura'))!.tokens).toEqual(tokens);
  });

  it('when a ciphertext is copied into another athlete’s row then it does not decrypt', async () => {
    const { connections } = repos();
    const [a, b] = [randomUUID(), randomUUID()];
    await connections.upsertTokens(a, 'whoop', { accessToken: 'token-of-a' });
    await connections.upsertTokens(b, 'whoop', { accessToken: 'token-of-b' });
    const col = db.connection.collection('provider_connections');
    const rowA = (await col.findOne({ athleteId: a }))!;
    await col.updateOne({ athleteId: b }, { $set: { accessToken: rowA.accessToken } });
    await expect(connections.get(b, 'whoop')).rejects.toMatchObject({ code: 'CRYPTO.DECRYPT_FAILED' });
  });

  it('when something writes a plaintext token directly through the model then validation rejects it', async () => {
    const M = db.connection.model('ProviderConnection');
    await expect(
      M.create({ _id: 'oura:x', athleteId: 'x', provider: 'oura', accessToken: 'plain-text', status: 'active', version: 1, createdAt: now, updatedAt: now }),
    ).rejects.toThrow(/encrypted only/);
  });

  it('when the key rotates then old ciphertext still decrypts under the previous key and new writes use the new key', async () => {
    const athleteId = randomUUID();
    await repos().connections.upsertTokens(athleteId, 'polar', { accessToken: 'before-rotation' });
    const next = randomBytes(32).toString('base64');
    const rotated = createRepositories(db.connection, { cipher: new TokenCipher({ current: next, previous: [key] }) });
    expect((await rotated.connections.get(athleteId, 'polar'))!.tokens.accessToken).toBe('before-rotation');
    await rotated.connections.patch(athleteId, 'polar', { tokens: { accessToken: 'after-rotation' } });
    const raw = (await db.connection.collection('provider_connections').findOne({ athleteId }))!;
    expect(String(raw.accessToken).split('.')[1]).toBe(new TokenCipher({ current: next }).keyId);
    await expect(repos().connections.get(athleteId, 'polar')).rejects.toMatchObject({ code: 'CRYPTO.UNKNOWN_KEY' });
  });

  it('when a connection under the previous key is read, then it is re-encrypted under the current key with its version unchanged', async () => {
    const athleteId = randomUUID();
    await repos().connections.upsertTokens(athleteId, 'oura', { accessToken: 'at-old-key', refreshToken: 'rt-old-key' });
    const before = (await db.connection.collection('provider_connections').findOne({ athleteId }))!;
    const next = randomBytes(32).toString('base64');
    const nextId = new TokenCipher({ current: next }).keyId;
    const rotated = createRepositories(db.connection, { cipher: new TokenCipher({ current: next, previous: [key] }) });
    const read = (await rotated.connectionStore.get(athleteId, 'oura'))!;
    expect(read.tokens).toMatchObject({ accessToken: 'at-old-key', refreshToken: 'rt-old-key' });
    const raw = (await db.connection.collection('provider_connections').findOne({ athleteId }))!;
    expect([String(raw.accessToken).split('.')[1], String(raw.refreshToken).split('.')[1]]).toEqual([nextId, nextId]);
    expect(raw.version).toBe(before.version);
    // The new key alone now reads it: the previous key can be dropped.
    const onlyNext = createRepositories(db.connection, { cipher: new TokenCipher({ current: next }) });
    expect((await onlyNext.connections.get(athleteId, 'oura'))!.tokens.accessToken).toBe('at-old-key');
  });

  it('when a patch updates the sync cursor then the tokens and version survive and the version goes up', async () => {
    const { connections } = repos();
    const athleteId = randomUUID();
    const first = await connections.upsertTokens(athleteId, 'intervals', { accessToken: 'k', kind: 'api_key' });
    const patched = await connections.patch(athleteId, 'intervals', { syncCursor: '2026-11-21', lastSyncAt: now });
    expect(patched).toMatchObject({ syncCursor: '2026-11-21', version: first.version + 1, tokens: { accessToken: 'k', kind: 'api_key' } });
    expect(await connections.patch(randomUUID(), 'intervals', { syncCursor: 'x' })).toBeNull();
  });
});

describe('MongoConnectionStore (src/wearables ConnectionStore on FerretDB)', () => {
  it('when compared with the wearables port then the token shapes and the store are assignable', () => {
    expectTypeOf<CoreTokenSet>().toEqualTypeOf<WearablesTokenSet>();
    expectTypeOf(repos().connectionStore).toMatchTypeOf<ConnectionStore>();
  });

  it('when six processes compare-and-set the same version at once then exactly one wins', async () => {
    const { connectionStore } = repos();
    const athleteId = randomUUID();
    const c = await connectionStore.upsert(athleteId, 'whoop', { accessToken: 'a0', refreshToken: 'r0' });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => connectionStore.compareAndSetTokens(athleteId, 'whoop', c.version, { accessToken: `a${i + 1}`, refreshToken: `r${i + 1}` })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const stored = (await connectionStore.get(athleteId, 'whoop'))!;
    expect(stored.version).toBe(c.version + 1);
    const winner = results.find((r) => r.ok)!;
    expect(winner.ok && winner.connection.tokens.accessToken).toBe(stored.tokens.accessToken);
  });

  it('when five callers mark needs-reauth for the same version then exactly one transitions', async () => {
    const { connectionStore, connections } = repos();
    const athleteId = randomUUID();
    const c = await connectionStore.upsert(athleteId, 'oura', { accessToken: 'a' });
    const results = await Promise.all(Array.from({ length: 5 }, () => connectionStore.markNeedsReauth(athleteId, 'oura', c.version, 'invalid_grant')));
    expect(results.filter((r) => r.transitioned)).toHaveLength(1);
    expect((await connections.get(athleteId, 'oura'))!).toMatchObject({ status: 'needs_reauth', needsReauthReason: 'invalid_grant' });
  });

  it('when a connection is revoked then the store treats it as absent', async () => {
    const { connectionStore, connections } = repos();
    const athleteId = randomUUID();
    await connectionStore.upsert(athleteId, 'polar', { accessToken: 'a' });
    await connections.patch(athleteId, 'polar', { status: 'revoked', tokens: { accessToken: '' } });
    expect(await connectionStore.get(athleteId, 'polar')).toBeNull();
  });
});

describe('versioned records', () => {
  it('when eight twin updates append at once then they get eight distinct consecutive versions and the latest wins', async () => {
    const { twinParams } = repos();
    const athleteId = randomUUID();
    await Promise.all(Array.from({ length: 8 }, (_, i) => twinParams.append({ athleteId, params: { i }, source: 'feedback', createdAt: now })));
    const versions = (await twinParams.list(athleteId)).map((v) => v.version);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await twinParams.latest(athleteId))!.version).toBe(8);
  });

  it('when two models are activated at once then exactly one is active and the pointer chain has no duplicate', async () => {
    const { policyModels } = repos();
    const spec = { version: 'f1', names: ['atl', 'ctl'] };
    const a = await policyModels.publish({ name: 'dqn', weights: new Uint8Array([1, 2, 3]), featureSpec: spec, trainingConfig: { lr: 1e-3 }, evaluation: { score: 1 }, createdAt: now });
    const b = await policyModels.publish({ name: 'dqn', weights: new Uint8Array([4, 5, 6, 250]), featureSpec: spec, trainingConfig: {}, evaluation: {}, createdAt: now });
    expect([a.version, b.version]).toEqual([1, 2]);
    const acts = await Promise.all([policyModels.activate(a.id, 'job', now), policyModels.activate(b.id, 'job', now)]);
    expect(new Set(acts.map((x) => x.seq)).size).toBe(2);
    const active = (await policyModels.active())!;
    const lastSeq = Math.max(...acts.map((x) => x.seq));
    expect(active.activation.seq).toBe(lastSeq);
    expect(active.model.id).toBe(acts.find((x) => x.seq === lastSeq)!.modelId);
    expect(Array.from((await policyModels.get(b.id))!.weights)).toEqual([4, 5, 6, 250]);
    expect((await policyModels.list('dqn')).map((m) => m.version)).toEqual([1, 2]);
  });
});

describe('model validation and unique indexes', () => {
  it('when a feedback document with RPE 15 is written directly then the schema rejects it', async () => {
    const M = db.connection.model('Feedback');
    await expect(
      M.create({ _id: randomUUID(), athleteId: 'a', date: '2026-11-22', slot: 'main', rpe: 15, tests: [], createdAt: now, updatedAt: now, editableUntil: now, editCount: 0 }),
    ).rejects.toThrow(/rpe/);
  });

  it('when a second prescription for the same athlete-day is inserted then the unique index refuses it', async () => {
    const M = db.connection.model('Prescription');
    const doc = (id: string) => ({
      _id: id,
      athleteId: 'dup',
      date: '2026-11-22',
      revision: 1,
      mask: { allowed: ['REST'], blocked: [] },
      session: { type: 'REST', minutes: 0, targetLoad: 0 },
      policy: 'x@1',
      inputsHash: 'a'.repeat(64),
      approval: { state: 'not_required' },
      createdAt: now,
      updatedAt: now,
    });
    await M.create(doc('p1'));
    await expect(M.create(doc('p2'))).rejects.toMatchObject({ code: 11000 });
  });

  it('when a person has an unknown time zone or an athlete a bad morning time then validation names the problem', async () => {
    await expect(db.connection.model('Person').create({ _id: 'p', displayName: 'X', timezone: 'Mars/Olympus', createdAt: now, updatedAt: now })).rejects.toThrow(/IANA/);
    await expect(
      db.connection.model('Athlete').create({ _id: 'p', sport: 'running', level: 'trained', morningTime: '25:00', status: 'active', consent: { givenAt: now, version: '1' }, createdAt: now, updatedAt: now }),
    ).rejects.toThrow(/HH:MM/);
  });

  it('when a chat account is claimed twice then the second claim is a duplicate', async () => {
    const { identities } = repos();
    expect(await identities.insert({ platform: 'slack', userId: 'U1', personId: 'p1', linkedAt: now })).toBe('inserted');
    expect(await identities.insert({ platform: 'slack', userId: 'U1', personId: 'p2', linkedAt: now })).toBe('duplicate');
    // one account per platform per person
    expect(await identities.insert({ platform: 'slack', userId: 'U2', personId: 'p1', linkedAt: now })).toBe('duplicate');
  });
});
