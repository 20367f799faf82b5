import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isProviderError } from '../../src/wearables/errors.ts';
import { IntervalsProvider } from '../../src/wearables/intervals.ts';
import { TokenManager } from '../../src/wearables/tokens.ts';
import { INTERVALS_ATHLETE, INTERVALS_CLIENT, IntervalsFake, intervalsActivity, intervalsWellness } from '../fakes/intervals.ts';
import { connection, fastHttp, newStore } from './helpers.ts';

const API_KEY = 'k3y-0123456789abcdef';
const range = { from: '2024-03-01', to: '2024-03-09', timezone: 'America/Denver' };

function seed(fake: IntervalsFake): void {
  fake.wellness.push(
    intervalsWellness('2024-03-01', { restingHR: 48, hrv: 72.5, hrvSDNN: 85.1, sleepSecs: 27000, sleepScore: 84, readiness: 77, sleepQuality: 2, ctl: 61.2, atl: 70.4, soreness: 2, fatigue: 3, comments: 'legs heavy' }),
    intervalsWellness('2024-03-04', { restingHR: 51, hrv: 61, sleepSecs: 24840 }),
    intervalsWellness('2024-03-09', { restingHR: 47, sleepSecs: 29160 }),
  );
  fake.activities.push(
    intervalsActivity({ id: 'i1001', start_date_local: '2024-03-02T07:15:00', start_date: '2024-03-02T14:15:00Z', type: 'Ride', moving_time: 5400, icu_training_load: 92, average_heartrate: 141, max_heartrate: 168, distance: 45210.3 }),
    // 18:30 in Denver on 03-05 is already 03-06 in UTC.
    intervalsActivity({ id: 'i1002', start_date_local: '2024-03-05T18:30:00', start_date: '2024-03-06T01:30:00Z', type: 'Run', moving_time: 2700, icu_rpe: 6, distance: 8400 }),
    // A Strava stub: the API does not expose Strava-sourced activities (no duration) → skipped.
    { id: '10584392', start_date_local: '2024-03-07T12:00:00', type: null, source: 'STRAVA', _note: 'STRAVA activities are not available via the API' },
    intervalsActivity({ id: 'i1004', start_date_local: '2024-03-09T17:00:00', start_date: '2024-03-10T00:00:00Z', type: 'WeightTraining', moving_time: 3600 }),
  );
}

describe('intervals.icu provider against the loopback fake', () => {
  let fake: IntervalsFake;
  beforeEach(async () => {
    fake = await IntervalsFake.start();
    seed(fake);
  });
  afterEach(() => fake.close());

  function provider(windowDays = 30) {
    const http = fastHttp();
    const p = new IntervalsProvider({ ...INTERVALS_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, windowDays, ...http.options });
    return { p, http };
  }

  it('when wellness and activities exist, then days carry the exact canonical metrics and TSS-like loads', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('intervals', IntervalsProvider.apiKeyTokens(API_KEY)), range);

    expect(days.map((d) => [d.date, d.metrics])).toEqual([
      ['2024-03-01', { hrvRmssd: 72.5, hrvSdnn: 85.1, restingHr: 48, sleepHours: 7.5, sleepScore: 84, readiness: 77 }],
      ['2024-03-02', { load: 92 }],
      ['2024-03-04', { hrvRmssd: 61, restingHr: 51, sleepHours: 6.9 }],
      ['2024-03-05', { load: 60 }], // sRPE: 6 × 45 min / 4.5
      ['2024-03-09', { restingHr: 47, sleepHours: 8.1, load: 56.3 }], // 60 min at IF .75
    ]);
    expect(days[0]!.raw).toMatchObject({ 'wellness.ctl': 61.2, 'wellness.atl': 70.4, 'wellness.soreness': 2, 'wellness.sleepQuality': 2, 'wellness.comments': 'legs heavy', 'wellness.mood': null });
  });

  it('when activities are mapped, then the raw load and method are kept next to the converted one', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('intervals', IntervalsProvider.apiKeyTokens(API_KEY)), range);
    const byId = Object.fromEntries(days.flatMap((d) => d.workouts).map((w) => [w.externalId, w]));
    expect(Object.keys(byId).sort()).toEqual(['i1001', 'i1002', 'i1004']);
    expect(byId.i1001).toEqual({
      source: 'intervals',
      externalId: 'i1001',
      date: '2024-03-02',
      start: '2024-03-02T07:15:00-07:00',
      minutes: 90,
      load: 92,
      loadMethod: 'tss',
      rawLoad: { value: 92, unit: 'icu_training_load' },
      sport: 'Ride',
      avgHr: 141,
      maxHr: 168,
      distanceM: 45210.3,
    });
    expect(byId.i1002).toMatchObject({ date: '2024-03-05', load: 60, loadMethod: 'srpe', rawLoad: { value: 6, unit: 'rpe_cr10' }, rpe: 6 });
    expect(byId.i1004).toMatchObject({ date: '2024-03-09', load: 56.3, loadMethod: 'duration_estimate', rawLoad: { value: 60, unit: 'minutes' } });
  });

  it('when the range is longer than the window, then it is fetched in consecutive inclusive windows (3 pages)', async () => {
    const { p } = provider(3);
    const days = await p.fetchRange(connection('intervals', IntervalsProvider.apiKeyTokens(API_KEY)), range);
    const windows = fake.server.requestsTo('/api/v1/athlete/0/wellness').map((r) => [r.query.get('oldest'), r.query.get('newest')]);
    expect(windows).toEqual([
      ['2024-03-01', '2024-03-03'],
      ['2024-03-04', '2024-03-06'],
      ['2024-03-07', '2024-03-09'],
    ]);
    expect(fake.server.requestsTo('/api/v1/athlete/0/activities')).toHaveLength(3);
    expect(days.map((d) => d.date)).toEqual(['2024-03-01', '2024-03-02', '2024-03-04', '2024-03-05', '2024-03-09']);
  });

  it('when connected with an API key, then Basic auth "API_KEY:<key>" and athlete 0 are used', async () => {
    const { p } = provider();
    await p.fetchRange(connection('intervals', IntervalsProvider.apiKeyTokens(API_KEY)), range);
    const auth = fake.server.requests[0]!.headers.authorization!;
    expect(auth).toBe(`Basic ${Buffer.from(`API_KEY:${API_KEY}`).toString('base64')}`);
    expect(fake.server.requests[0]!.path).toBe('/api/v1/athlete/0/wellness');
  });

  it('when connected through OAuth, then the bearer token and the athlete id from the token answer are used', async () => {
    const { p } = provider();
    fake.auth.addCode('c0de', 'https://coach.example/cb/intervals');
    const url = new URL(p.authorizationUrl({ state: 's', redirectUri: 'https://coach.example/cb/intervals' }));
    expect(url.searchParams.get('scope')).toBe('ACTIVITY:READ,WELLNESS:READ');

    const tokens = await p.exchangeCode('c0de', undefined, 'https://coach.example/cb/intervals');
    expect(tokens).toMatchObject({ kind: 'bearer', externalUserId: INTERVALS_ATHLETE });
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.expiresAt).toBeUndefined();

    await p.fetchRange(connection('intervals', tokens), range);
    expect(fake.server.requestsTo(`/api/v1/athlete/${INTERVALS_ATHLETE}/wellness`)[0]!.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
  });

  it('when the key is revoked, then the connection is marked needs-reauth and the athlete is notified once', async () => {
    const { p } = provider();
    const store = newStore();
    await store.upsert('athlete-1', 'intervals', IntervalsProvider.apiKeyTokens(API_KEY));
    fake.apiKeys.clear();
    const onNeedsReauth = vi.fn();
    const manager = new TokenManager({ store, providers: { intervals: p }, onNeedsReauth });

    const first = await manager.withAccessToken('athlete-1', 'intervals', (c) => p.fetchRange(c, range)).catch((e: unknown) => e);
    const second = await manager.withAccessToken('athlete-1', 'intervals', (c) => p.fetchRange(c, range)).catch((e: unknown) => e);

    expect(isProviderError(first, 'PROVIDER.NEEDS_REAUTH')).toBe(true);
    expect(isProviderError(second, 'PROVIDER.NEEDS_REAUTH')).toBe(true);
    expect(onNeedsReauth).toHaveBeenCalledTimes(1);
    expect(onNeedsReauth).toHaveBeenCalledWith('athlete-1', 'intervals', expect.stringContaining('no refresh'));
    expect((await store.get('athlete-1', 'intervals'))?.status).toBe('needs_reauth');
    expect(fake.server.requests.filter((r) => r.method === 'GET')).toHaveLength(1); // the second call never reached the API
  });

  it('when a wellness field has the wrong type, then that day is left out and the others are kept', async () => {
    fake.wellness.push(intervalsWellness('2024-03-05', { restingHR: 'fifty' }));
    const { p } = provider();
    const days = await p.fetchRange(connection('intervals', IntervalsProvider.apiKeyTokens(API_KEY)), range);
    expect(days.some((d) => d.date === '2024-03-05' && d.raw['wellness.restingHR'] !== undefined)).toBe(false);
    expect(days.length).toBeGreaterThan(0);
  });

  it('when the answer is not an array, then PROVIDER.MALFORMED_RESPONSE', async () => {
    fake.server.fail({ path: /\/wellness$/, status: 200, body: { wellness: [] } });
    const { p } = provider();
    const err = await p.fetchRange(connection('intervals', IntervalsProvider.apiKeyTokens(API_KEY)), range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.MALFORMED_RESPONSE')).toBe(true);
  });
});
