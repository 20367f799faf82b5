import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../../src/wearables/errors.ts';
import { whoopStrainToTss } from '../../src/wearables/load.ts';
import { TokenManager } from '../../src/wearables/tokens.ts';
import { WhoopProvider } from '../../src/wearables/whoop.ts';
import { WHOOP_CLIENT, WhoopFake, whoopCycle, whoopRecovery, whoopSleep, whoopWorkout } from '../fakes/whoop.ts';
import { connection, fastHttp, newStore, tokensFrom } from './helpers.ts';

// Tokyo: a night that ends at 06:40 JST on 03-10 ends on 03-09 in UTC — the athlete's zone decides.
const range = { from: '2024-03-10', to: '2024-03-11', timezone: 'Asia/Tokyo' };

function seed(fake: WhoopFake): void {
  fake.data.sleep.push(
    whoopSleep({ id: 'sl1', cycleId: 93845, start: '2024-03-09T14:05:00.000Z', end: '2024-03-09T21:40:00.000Z', light: 13_560_000, sws: 6_120_000, rem: 6_120_000, performance: 94.1 }),
    whoopSleep({ id: 'nap', cycleId: 93845, nap: true, start: '2024-03-10T05:00:00.000Z', end: '2024-03-10T05:45:00.000Z', light: 2_000_000, sws: 300_000, rem: 100_000, performance: 100 }),
    whoopSleep({ id: 'sl2', cycleId: 93846, start: '2024-03-10T13:30:00.000Z', end: '2024-03-10T21:00:00.000Z', light: 12_600_000, sws: 5_400_000, rem: 5_760_000, performance: 81 }),
    // Ends on the morning of 03-12 in Tokyo: outside the range although the query window returns it.
    whoopSleep({ id: 'sl3', cycleId: 93847, start: '2024-03-11T14:00:00.000Z', end: '2024-03-11T21:00:00.000Z', light: 12_000_000, sws: 5_000_000, rem: 5_000_000, performance: 70 }),
  );
  fake.data.recovery.push(
    whoopRecovery({ cycleId: 93845, sleepId: 'sl1', createdAt: '2024-03-09T21:55:00.000Z', recovery: 66, rhr: 52, hrv: 65.27 }),
    whoopRecovery({ cycleId: 93846, sleepId: 'sl2', createdAt: '2024-03-10T21:15:00.000Z', recovery: 44, rhr: 55, hrv: 48.6 }),
  );
  fake.data.workout.push(
    whoopWorkout({ id: 'wk1', start: '2024-03-10T09:30:00.000Z', end: '2024-03-10T10:32:14.000Z', strain: 12.4163, avgHr: 152, maxHr: 178, distance: 8123.4 }),
    whoopWorkout({ id: 'wk2', start: '2024-03-10T23:00:00.000Z', end: '2024-03-10T23:45:00.000Z', strain: 8.2, avgHr: 118, maxHr: 149, sport: 'weightlifting' }),
    whoopWorkout({ id: 'wk3', start: '2024-03-11T02:00:00.000Z', end: '2024-03-11T03:00:00.000Z', strain: 0, avgHr: 0, maxHr: 0, state: 'PENDING_SCORE' }),
  );
  fake.data.cycle.push(
    whoopCycle({ id: 93845, start: '2024-03-09T14:05:00.000Z', end: '2024-03-10T13:30:00.000Z', strain: 15.2 }),
    whoopCycle({ id: 93846, start: '2024-03-10T13:30:00.000Z', end: null, strain: 9.8 }),
  );
}

describe('WHOOP provider against the loopback fake', () => {
  let fake: WhoopFake;
  beforeEach(async () => {
    fake = await WhoopFake.start();
    seed(fake);
  });
  afterEach(() => fake.close());

  function provider(extra: { pageLimit?: number; now?: () => number } = {}) {
    const http = fastHttp(extra.now ? { now: extra.now } : {});
    const p = new WhoopProvider({ ...WHOOP_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...http.options, ...(extra.pageLimit ? { pageLimit: extra.pageLimit } : {}) });
    return { p, http };
  }

  it('when recovery, sleep, workouts and cycles exist, then each Tokyo wake day gets the exact canonical metrics', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range);

    expect(days.map((d) => [d.date, d.metrics])).toEqual([
      // 13 560 000 + 6 120 000 + 6 120 000 ms asleep = 7.1667 h; strain 12.4163 → 68.9 TSS
      ['2024-03-10', { hrvRmssd: 65.27, restingHr: 52, readiness: 66, sleepHours: 7.17, sleepScore: 94.1, load: 68.9 }],
      // 12 600 000 + 5 400 000 + 5 760 000 ms = 6.6 h; the 08:00 JST workout (strain 8.2 → 24.2 TSS) is on 03-11
      ['2024-03-11', { hrvRmssd: 48.6, restingHr: 55, readiness: 44, sleepHours: 6.6, sleepScore: 81, load: 24.2 }],
    ]);
    expect(days[0]!.raw['cycle.score.strain']).toBe(15.2);
    expect(days[1]!.raw['cycle.score.strain']).toBe(9.8);
    expect(days[0]!.raw['recovery.sleep_id']).toBe('sl1');
    expect(days[0]!.raw['sleep.id']).toBe('sl1'); // not the nap
  });

  it('when a workout is scored, then strain is converted to TSS with the raw strain and HR kept', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range);
    expect(days[0]!.workouts).toEqual([
      {
        source: 'whoop',
        externalId: 'wk1',
        date: '2024-03-10',
        start: '2024-03-10T18:30:00+09:00',
        minutes: 62.2,
        load: 68.9,
        loadMethod: 'strain',
        rawLoad: { value: 12.4163, unit: 'whoop_strain' },
        avgHr: 152,
        maxHr: 178,
        sport: 'running',
        distanceM: 8123.4,
      },
    ]);
    expect(days[1]!.workouts.map((w) => w.externalId)).toEqual(['wk2']); // the PENDING_SCORE one is skipped
  });

  it('when strain is converted, then the published anchors hold (0 → 0, 14 → 100, 18 ≈ 2.5×) and it is monotonic', () => {
    expect(whoopStrainToTss(0)).toBe(0);
    expect(whoopStrainToTss(14)).toBeCloseTo(100, 10);
    expect(whoopStrainToTss(18)).toBeCloseTo(249.92, 2);
    expect(whoopStrainToTss(10)).toBeCloseTo(38.37, 2);
    expect(whoopStrainToTss(25)).toBe(whoopStrainToTss(21)); // clamped to WHOOP's 0–21 scale
    for (let s = 0; s < 21; s += 0.5) expect(whoopStrainToTss(s + 0.5)).toBeGreaterThan(whoopStrainToTss(s));
  });

  it('when a collection spans several pages, then nextToken is followed with limit and window unchanged', async () => {
    const { p } = provider({ pageLimit: 1 });
    const days = await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range);

    const calls = fake.server.requestsTo('/developer/v2/activity/sleep');
    expect(calls).toHaveLength(4); // 4 sleeps intersect the window, 1 per page
    expect(calls.map((r) => r.query.get('limit'))).toEqual(['1', '1', '1', '1']);
    expect(calls[0]!.query.get('nextToken')).toBeNull();
    expect(new Set(calls.slice(1).map((r) => r.query.get('nextToken'))).size).toBe(3);
    expect(calls.every((r) => r.query.get('start') === '2024-03-08T15:00:00.000Z' && r.query.get('end') === '2024-03-11T15:00:00.000Z')).toBe(true);
    expect(days.map((d) => d.metrics.sleepHours)).toEqual([7.17, 6.6]);
  });

  it('when no page size is configured, then WHOOP’s maximum of 25 is requested', async () => {
    const { p } = provider();
    await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range);
    expect(fake.server.requests.filter((r) => r.method === 'GET').every((r) => r.query.get('limit') === '25')).toBe(true);
  });

  it('when X-RateLimit-Remaining hits 0, then the next request waits X-RateLimit-Reset seconds', async () => {
    fake.remainingSequence = [0];
    fake.rateLimitResetSeconds = 7;
    const T0 = Date.parse('2024-03-12T00:00:00Z');
    const { p, http } = provider({ now: () => T0 }); // frozen clock: the wait is exact
    await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range);
    expect(http.waits()).toEqual([7000]);
  });

  it('when WHOOP answers 429 with only X-RateLimit-Reset, then the client waits that long and retries', async () => {
    fake.server.fail({
      path: '/developer/v2/recovery',
      status: 429,
      headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '12' },
      body: { message: 'Too Many Requests' },
    });
    const { p, http } = provider();
    const days = await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range);
    expect(http.waits()).toEqual([12_000]);
    expect(fake.server.requestsTo('/developer/v2/recovery')).toHaveLength(2);
    expect(days[0]!.metrics.hrvRmssd).toBe(65.27);
  });

  it('when the access token has expired, then a refresh asking for `offline` happens once and the call is retried', async () => {
    const { p } = provider();
    const store = newStore();
    const minted = fake.auth.mint();
    await store.upsert('athlete-1', 'whoop', tokensFrom(minted, { expiresAt: Date.now() + 3_600_000 }));
    fake.auth.expire(minted.access_token);
    const manager = new TokenManager({ store, providers: { whoop: p } });

    const days = await manager.withAccessToken('athlete-1', 'whoop', (c) => p.fetchRange(c, range));

    expect(days).toHaveLength(2);
    expect(fake.auth.successfulRefreshes).toBe(1);
    const tokenCall = fake.server.requestsTo('/oauth/oauth2/token')[0]!;
    expect(new URLSearchParams(tokenCall.body).get('scope')).toBe('offline');
    const stored = await store.get('athlete-1', 'whoop');
    expect(stored?.tokens.refreshToken).not.toBe(minted.refresh_token);
    expect(stored?.version).toBe(2);
  });

  it('when the authorization URL is built without `offline`, then `offline` is added so a refresh token is issued', () => {
    const { p } = provider();
    const url = new URL(p.authorizationUrl({ state: 'state-123456', redirectUri: 'https://coach.example/cb/whoop', scopes: ['read:recovery'] }));
    expect(url.origin + url.pathname).toBe(`https://api.prod.whoop.com/oauth/oauth2/auth`);
    expect(url.searchParams.get('scope')).toBe('offline read:recovery');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.has('code_challenge')).toBe(false);
  });

  it('when a record misses its documented score fields, then that record is left out and the rest of the range is kept', async () => {
    const { p } = provider();
    const before = await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range);
    fake.data.recovery.push({ cycle_id: 1, sleep_id: 'x', user_id: 1, created_at: '2024-03-10T21:15:00.000Z', updated_at: 'x', score_state: 'SCORED', score: { recovery_score: 'high' } });
    const after = await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range);
    expect(after).toEqual(before);
  });

  it('when the envelope has no records array, then the whole range fails with PROVIDER.MALFORMED_RESPONSE', async () => {
    fake.server.fail({ path: '/developer/v2/recovery', status: 200, body: { data: [] } });
    const { p } = provider();
    const err = await p.fetchRange(connection('whoop', tokensFrom(fake.auth.mint())), range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.MALFORMED_RESPONSE')).toBe(true);
  });
});
