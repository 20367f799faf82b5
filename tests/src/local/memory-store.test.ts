import { describe, expect, it } from 'vitest';
import { InProcessMutex } from '../../../src/local/in-process-mutex.ts';
import { createMemoryRepositories } from '../../../src/local/memory-store.ts';

let n = 0;
const repos = () => createMemoryRepositories(() => `id${++n}`);

describe('in-memory store', () => {
  it('when a unique key is inserted twice then the second is a duplicate, like the database', async () => {
    const r = repos();
    const person = { id: 'p1', displayName: 'P', timezone: 'UTC', dmsEnabled: true, createdAt: new Date(), updatedAt: new Date() };
    expect(await r.persons.insert(person)).toBe('inserted');
    expect(await r.persons.insert(person)).toBe('duplicate');
    expect(await r.identities.insert({ platform: 'console', userId: 'x', personId: 'p1', linkedAt: new Date() })).toBe('inserted');
    // one account per platform per person
    expect(await r.identities.insert({ platform: 'console', userId: 'y', personId: 'p1', linkedAt: new Date() })).toBe('duplicate');
  });

  it('when a stored record is changed by the caller then the store is not (records are copied in and out)', async () => {
    const r = repos();
    await r.dailyMetrics.put({ athleteId: 'a', date: '2026-01-01', fields: { hrvRmssd: { value: 50, source: 'oura' } }, sources: [], workouts: [], updatedAt: new Date() });
    const got = (await r.dailyMetrics.get('a', '2026-01-01'))!;
    got.fields.hrvRmssd!.value = 1;
    expect((await r.dailyMetrics.get('a', '2026-01-01'))!.fields.hrvRmssd!.value).toBe(50);
  });

  it('when twin parameters and policy models are appended then versions count up and the newest activation is active', async () => {
    const r = repos();
    await r.twinParams.append({ athleteId: 'a', params: { x: 1 }, source: 'feedback', createdAt: new Date() });
    const v2 = await r.twinParams.append({ athleteId: 'a', params: { x: 2 }, source: 'feedback', createdAt: new Date() });
    expect(v2.version).toBe(2);
    expect((await r.twinParams.latest('a'))!.params).toEqual({ x: 2 });
    const m1 = await r.policyModels.publish({ name: 'dqn', weights: new Uint8Array([1]), featureSpec: { version: 'f', names: ['a'] }, trainingConfig: {}, evaluation: {}, createdAt: new Date() });
    const m2 = await r.policyModels.publish({ name: 'dqn', weights: new Uint8Array([2]), featureSpec: { version: 'f', names: ['a'] }, trainingConfig: {}, evaluation: {}, createdAt: new Date() });
    expect([m1.version, m2.version]).toEqual([1, 2]);
    await r.policyModels.activate(m2.id, 'test', new Date());
    expect((await r.policyModels.active())!.model.id).toBe(m2.id);
  });

  it('when two callers take the same lock then the second runs after the first finishes', async () => {
    const mutex = new InProcessMutex();
    const order: string[] = [];
    const slow = mutex.withLock('k', async () => {
      order.push('a start');
      await new Promise((r) => setTimeout(r, 20));
      order.push('a end');
    });
    const fast = mutex.withLock('k', async () => void order.push('b'));
    const other = mutex.withLock('other', async () => void order.push('c'));
    await Promise.all([slow, fast, other]);
    expect(order.indexOf('b')).toBeGreaterThan(order.indexOf('a end'));
    expect(order.indexOf('c')).toBeLessThan(order.indexOf('a end'));
  });
});
