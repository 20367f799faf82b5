import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../../src/wearables/errors.ts';
import { OuraProvider } from '../../src/wearables/oura.ts';
import type { SkippedDocument } from '../../src/wearables/provider.ts';
import { TokenManager } from '../../src/wearables/tokens.ts';
import { OURA_CLIENT, OuraFake, ouraDailySleep, ouraReadiness, ouraSleep, ouraWorkout } from '../fakes/oura.ts';
import { connection, fastHttp, newStore, tokensFrom } from './helpers.ts';

const range = { from: '2024-03-10', to: '2024-03-12', timezone: 'Europe/Helsinki' };

function seed(fake: OuraFake): void {
  fake.data.sleep.push(
    // Night before the range: ends on 03-09 → excluded.
    ouraSleep({ id: 's0', day: '2024-03-09', bedtime_start: '2024-03-08T23:00:00+02:00', bedtime_end: '2024-03-09T07:00:00+02:00', average_hrv: 40 }),
    ouraSleep({ id: 's1', day: '2024-03-10', bedtime_start: '2024-03-09T23:12:00+02:00', bedtime_end: '2024-03-10T07:05:00+02:00', average_hrv: 48, lowest_heart_rate: 47, total_sleep_duration: 26820 }),
    // An afternoon nap on 03-10: never the main period.
    ouraSleep({ id: 'nap1', day: '2024-03-10', type: 'late_nap', bedtime_start: '2024-03-10T15:00:00+02:00', bedtime_end: '2024-03-10T15:40:00+02:00', average_hrv: 30, lowest_heart_rate: 55, total_sleep_duration: 2100 }),
    ouraSleep({ id: 's2', day: '2024-03-11', bedtime_start: '2024-03-10T22:40:00+02:00', bedtime_end: '2024-03-11T06:30:00+02:00', average_hrv: 55, lowest_heart_rate: 45, total_sleep_duration: 25200 }),
    // A short 'sleep' period the same night: the long_sleep wins.
    ouraSleep({ id: 's2b', day: '2024-03-11', type: 'sleep', bedtime_start: '2024-03-11T06:45:00+02:00', bedtime_end: '2024-03-11T07:35:00+02:00', average_hrv: 70, lowest_heart_rate: 50, total_sleep_duration: 2400 }),
    // Travelling in New York: Oura's own day is 03-11, but in the athlete's zone (Helsinki) it ends on 03-12.
    ouraSleep({ id: 's3', day: '2024-03-11', bedtime_start: '2024-03-11T15:30:00-05:00', bedtime_end: '2024-03-11T23:30:00-05:00', average_hrv: 61.5, lowest_heart_rate: 44, total_sleep_duration: 27900 }),
  );
  fake.data.daily_sleep.push(
    ouraDailySleep('2024-03-10', 82),
    ouraDailySleep('2024-03-11', 88),
    ouraDailySleep('2024-03-12', null),
    ouraDailySleep('2024-03-13', 90),
  );
  fake.data.daily_readiness.push(ouraReadiness('2024-03-10', 79), ouraReadiness('2024-03-11', 85), ouraReadiness('2024-03-12', 71));
  fake.data.workout.push(
    ouraWorkout({ id: 'w1', day: '2024-03-10', start: '2024-03-10T17:30:00+02:00', end: '2024-03-10T18:30:00+02:00', intensity: 'moderate' }),
    ouraWorkout({ id: 'w2', day: '2024-03-11', start: '2024-03-11T06:50:00+02:00', end: '2024-03-11T07:35:00+02:00', intensity: 'hard', activity: 'strengthTraining', distance: null }),
  );
}

describe('Oura provider against the loopback fake', () => {
  let fake: OuraFake;
  beforeEach(async () => {
    fake = await OuraFake.start();
    seed(fake);
  });
  afterEach(() => fake.close());

  function provider(extra: Parameters<typeof fastHttp>[0] = {}, onSkippedDocument?: (d: SkippedDocument) => void) {
    const http = fastHttp(extra);
    const p = new OuraProvider({ ...OURA_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...http.options, ...(onSkippedDocument ? { onSkippedDocument } : {}) });
    return { p, http };
  }

  it('when sleep, daily scores and workouts exist, then each wake day gets the exact canonical metrics', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), range);

    expect(days.map((d) => [d.date, d.metrics])).toEqual([
      ['2024-03-10', { hrvRmssd: 48, restingHr: 47, sleepHours: 7.45, sleepScore: 82, readiness: 79, load: 56.3 }],
      ['2024-03-11', { hrvRmssd: 55, restingHr: 45, sleepHours: 7, sleepScore: 88, readiness: 85, load: 54.2 }],
      ['2024-03-12', { hrvRmssd: 61.5, restingHr: 44, sleepHours: 7.75, readiness: 71 }],
    ]);
    const d12 = days[2]!;
    expect(d12.source).toBe('oura');
    expect(d12.raw['sleep.id']).toBe('s3');
    expect(d12.raw['sleep.day']).toBe('2024-03-11'); // Oura's own day kept verbatim
    expect(d12.raw['daily_sleep.score']).toBeNull();
    expect(days[0]!.raw['daily_readiness.contributors.hrv_balance']).toBe(76);
    expect(days[0]!.raw['sleep.id']).toBe('s1');
  });

  it('when a day has only a nap or a rest period, then no sleep metrics are taken from it', async () => {
    fake.data.sleep.push(
      ouraSleep({ id: 'nap-only', day: '2024-03-20', type: 'late_nap', bedtime_start: '2024-03-20T13:00:00+02:00', bedtime_end: '2024-03-20T14:30:00+02:00', average_hrv: 33 }),
      ouraSleep({ id: 'rest-only', day: '2024-03-21', type: 'rest', bedtime_start: '2024-03-21T13:00:00+02:00', bedtime_end: '2024-03-21T14:30:00+02:00', average_hrv: 34 }),
    );
    const { p } = provider();
    const days = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), { ...range, from: '2024-03-20', to: '2024-03-21' });
    expect(days).toEqual([]);
  });

  it('when workouts are mapped, then load is the duration × intensity estimate with the raw minutes kept', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), range);
    expect(days[0]!.workouts).toEqual([
      {
        source: 'oura',
        externalId: 'w1',
        date: '2024-03-10',
        start: '2024-03-10T17:30:00+02:00',
        sport: 'running',
        minutes: 60,
        load: 56.3, // 1 h × 0.75² × 100 = 56.25
        loadMethod: 'duration_estimate',
        rawLoad: { value: 60, unit: 'oura_moderate_minutes' },
        distanceM: 10240.5,
      },
    ]);
    expect(days[1]!.workouts[0]).toMatchObject({ externalId: 'w2', minutes: 45, load: 54.2, rawLoad: { value: 45, unit: 'oura_hard_minutes' } });
    expect(days[1]!.workouts[0]).not.toHaveProperty('distanceM');
  });

  it('when a collection spans several pages, then every next_token page is followed with the same date window', async () => {
    fake.pageSize = 2;
    const { p } = provider();
    const days = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), range);

    const sleepCalls = fake.server.requestsTo('/v2/usercollection/sleep');
    expect(sleepCalls).toHaveLength(3); // 6 documents in [03-09, 03-13], 2 per page
    expect(sleepCalls[0]!.query.get('next_token')).toBeNull();
    expect(sleepCalls[1]!.query.get('next_token')).not.toBeNull();
    expect(sleepCalls.map((r) => [r.query.get('start_date'), r.query.get('end_date')])).toEqual([
      ['2024-03-09', '2024-03-13'],
      ['2024-03-09', '2024-03-13'],
      ['2024-03-09', '2024-03-13'],
    ]);
    expect(days.map((d) => d.metrics.hrvRmssd)).toEqual([48, 55, 61.5]);
  });

  it('when the access token has expired, then one refresh with the rotating token happens and the call is retried', async () => {
    const { p } = provider();
    const store = newStore();
    const minted = fake.auth.mint();
    await store.upsert('athlete-1', 'oura', tokensFrom(minted, { expiresAt: Date.now() + 3_600_000 }));
    fake.auth.expire(minted.access_token);
    const manager = new TokenManager({ store, providers: { oura: p } });

    const days = await manager.withAccessToken('athlete-1', 'oura', (c) => p.fetchRange(c, range));

    expect(days).toHaveLength(3);
    expect(fake.auth.refreshLog).toEqual([{ refreshToken: minted.refresh_token, ok: true }]);
    const stored = await store.get('athlete-1', 'oura');
    expect(stored?.tokens.accessToken).not.toBe(minted.access_token);
    expect(fake.auth.isValid(stored?.tokens.accessToken)).toBe(true);
    expect(stored?.tokens.refreshToken).not.toBe(minted.refresh_token);
    const first = fake.server.requestsTo('/v2/usercollection/sleep');
    expect(first.map((r) => r.headers.authorization)).toEqual([`Bearer ${minted.access_token}`, `Bearer ${stored?.tokens.accessToken}`]);
  });

  it('when page 2 is malformed, then the range fails with PROVIDER.MALFORMED_RESPONSE and nothing partial is returned', async () => {
    fake.pageSize = 2;
    // Page 1 passes through (a no-op delay fault), page 2 is a truncated JSON body.
    fake.server.fail({ path: '/v2/usercollection/sleep', delayMs: 1 });
    fake.server.fail({ path: '/v2/usercollection/sleep', malformed: true });
    const { p } = provider();

    const err = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), range).catch((e: unknown) => e);

    expect(isProviderError(err, 'PROVIDER.MALFORMED_RESPONSE')).toBe(true);
    expect(fake.server.requestsTo('/v2/usercollection/sleep')).toHaveLength(2);
    expect(fake.server.requestsTo('/v2/usercollection/daily_sleep')).toHaveLength(0); // stopped at the failure
  });

  it('when one document lacks a documented required field, then only it is left out and reported by name and field', async () => {
    const broken = ouraSleep({ id: 'bad', day: '2024-03-10', bedtime_start: '2024-03-09T23:00:00+02:00', bedtime_end: '2024-03-10T07:00:00+02:00' });
    delete broken.bedtime_end;
    fake.data.sleep.push(broken);
    const skipped: SkippedDocument[] = [];
    const { p } = provider({}, (d) => skipped.push(d));
    const days = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), range);
    expect(days.map((d) => [d.date, d.metrics.hrvRmssd])).toEqual([['2024-03-10', 48], ['2024-03-11', 55], ['2024-03-12', 61.5]]);
    expect(skipped).toEqual([{ provider: 'oura', collection: 'GET /v2/usercollection/sleep', id: 'bad', issues: expect.stringContaining('bedtime_end') }]);
  });

  it('when the envelope itself is wrong (no data array), then the whole range fails with PROVIDER.MALFORMED_RESPONSE', async () => {
    fake.server.fail({ path: '/v2/usercollection/daily_sleep', status: 200, body: { items: [], next_token: null } });
    const { p } = provider();
    const err = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.MALFORMED_RESPONSE')).toBe(true);
    expect(String((err as Error).message)).toContain('data');
  });

  it('when a sleep document has type null (the spec allows it), then the sync succeeds and the night is still found by its length', async () => {
    fake.data.sleep.push(
      ouraSleep({ id: 'untyped', day: '2024-03-14', type: null, bedtime_start: '2024-03-13T23:00:00+02:00', bedtime_end: '2024-03-14T07:00:00+02:00', average_hrv: 51, total_sleep_duration: 25000 }),
    );
    const { p } = provider();
    const days = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), { ...range, from: '2024-03-10', to: '2024-03-14' });
    expect(days.find((d) => d.date === '2024-03-14')?.metrics).toEqual({ hrvRmssd: 51, restingHr: 47, sleepHours: 6.94 });
    expect(days.find((d) => d.date === '2024-03-14')?.raw['sleep.type']).toBeNull();
  });

  it('when a day has no long_sleep but a 20-minute `sleep` nap, then the nap supplies no HRV, resting HR or sleep hours', async () => {
    fake.data.sleep.push(
      ouraSleep({ id: 'nap20', day: '2024-03-20', type: 'sleep', bedtime_start: '2024-03-20T13:00:00+02:00', bedtime_end: '2024-03-20T13:20:00+02:00', average_hrv: 80, lowest_heart_rate: 58, total_sleep_duration: 1200 }),
      // The boundary: exactly 3 h asleep is still a nap by the spec (`sleep` max 3 hours).
      ouraSleep({ id: 'nap3h', day: '2024-03-21', type: 'sleep', bedtime_start: '2024-03-21T12:00:00+02:00', bedtime_end: '2024-03-21T15:10:00+02:00', average_hrv: 70, total_sleep_duration: 10800 }),
      // Over 3 h asleep with type `sleep` breaks the spec's nap bound: the night, as long_sleep would be.
      ouraSleep({ id: 'long-sleep-typed-sleep', day: '2024-03-22', type: 'sleep', bedtime_start: '2024-03-22T02:00:00+02:00', bedtime_end: '2024-03-22T06:00:00+02:00', average_hrv: 44, total_sleep_duration: 10801 }),
    );
    const { p } = provider();
    const days = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), { ...range, from: '2024-03-20', to: '2024-03-22' });
    expect(days.map((d) => [d.date, d.metrics.hrvRmssd, d.raw['sleep.id']])).toEqual([['2024-03-22', 44, 'long-sleep-typed-sleep']]);
  });

  it('when Oura answers 403, then the error says the membership has most likely expired instead of asking for a reconnect', async () => {
    fake.server.fail({ path: '/v2/usercollection/sleep', status: 403, body: { detail: 'Forbidden' } });
    const { p } = provider();
    const err = await p.fetchRange(connection('oura', tokensFrom(fake.auth.mint())), range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.MEMBERSHIP_EXPIRED')).toBe(true);
    expect((err as { userMessage: string }).userMessage).toBe(
      'Oura stopped sharing your data: this usually means your Oura membership has expired. Reconnecting won’t help — once the membership is active again, syncing resumes by itself.',
    );
  });

  it('when building the authorization URL and exchanging the code, then PKCE and client credentials go where Oura expects them', async () => {
    const { p } = provider();
    const url = new URL(p.authorizationUrl({ state: 'st4te', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', redirectUri: 'https://coach.example/cb/oura' }));
    expect(url.origin + url.pathname).toBe('https://cloud.ouraring.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'oura-client',
      redirect_uri: 'https://coach.example/cb/oura',
      scope: 'personal email daily workout',
      state: 'st4te',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });

    // RFC 7636 appendix B example pair.
    fake.auth.addCode('code-1', 'https://coach.example/cb/oura', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const tokens = await p.exchangeCode('code-1', 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'https://coach.example/cb/oura');
    expect(fake.auth.isValid(tokens.accessToken)).toBe(true);
    expect(tokens.refreshToken).toMatch(/^oura-rt-/);
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 86_000_000);
    const err = await p.exchangeCode('code-1', 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'https://coach.example/cb/oura').catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.INVALID_GRANT')).toBe(true); // codes are single-use
  });
});
