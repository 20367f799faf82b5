import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isProviderError } from '../../src/wearables/errors.ts';
import { PolarProvider } from '../../src/wearables/polar.ts';
import { TokenManager } from '../../src/wearables/tokens.ts';
import { POLAR_CLIENT, POLAR_USER_ID, PolarFake, polarExercise, polarNight, polarRecharge } from '../fakes/polar.ts';
import { connection, fastHttp, newStore } from './helpers.ts';

const range = { from: '2024-03-10', to: '2024-03-11', timezone: 'Europe/Helsinki' };

function seed(fake: PolarFake): void {
  fake.recharges.push(
    polarRecharge('2024-03-05', { hr: 50, hrv: 48, status: 4, ans: 5.1 }),
    polarRecharge('2024-03-10', { hr: 54, hrv: 41, status: 3, ans: 2.5 }),
    polarRecharge('2024-03-11', { hr: 57, hrv: 35, status: 2, ans: -3.4 }),
  );
  fake.nights.push(
    polarNight({ date: '2024-03-10', start: '2024-03-09T23:39:07+02:00', end: '2024-03-10T07:19:37+02:00', light: 14400, deep: 5400, rem: 6300, score: 80 }),
    polarNight({ date: '2024-03-11', start: '2024-03-11T00:10:00+02:00', end: '2024-03-11T06:40:00+02:00', light: 12600, deep: 4500, rem: 4860, score: 68 }),
  );
  fake.exercises.push(
    polarExercise({ id: '2AC312F', start: '2024-03-10T17:40:02', offset: 120, duration: 'PT1H14M30S', sport: 'RUNNING', trainingLoad: 103.4, hr: { average: 139, maximum: 171 }, distance: 15830 }),
    polarExercise({ id: '3BD4A01', start: '2024-03-11T06:00:00', offset: 120, duration: 'PT45M', sport: 'STRENGTH_TRAINING' }),
    polarExercise({ id: '1FF0000', start: '2024-03-08T18:00:00', offset: 120, duration: 'PT30M', sport: 'CYCLING', trainingLoad: 30 }),
  );
}

describe('Polar AccessLink provider against the loopback fake', () => {
  let fake: PolarFake;
  beforeEach(async () => {
    fake = await PolarFake.start();
    seed(fake);
  });
  afterEach(() => fake.close());

  function provider() {
    const T0 = Date.parse('2024-03-12T09:00:00Z');
    const http = fastHttp({ now: () => T0 }); // a frozen clock: waits are exact
    const p = new PolarProvider({ ...POLAR_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...http.options });
    return { p, http };
  }

  it('when nightly recharge, sleep and exercises exist, then each wake day gets the exact canonical metrics', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('polar', { accessToken: fake.connect() }), range);
    expect(days.map((d) => [d.date, d.metrics])).toEqual([
      // 14 400 + 5 400 + 6 300 s asleep = 7.25 h
      ['2024-03-10', { hrvRmssd: 41, restingHr: 54, sleepHours: 7.25, sleepScore: 80, load: 103.4 }],
      // 12 600 + 4 500 + 4 860 s = 6.1 h; 45 min without training_load → 45/60 × 0.75² × 100 = 42.19
      ['2024-03-11', { hrvRmssd: 35, restingHr: 57, sleepHours: 6.1, sleepScore: 68, load: 42.2 }],
    ]);
    expect(days[1]!.raw).toMatchObject({ 'nightly_recharge.ans_charge': -3.4, 'nightly_recharge.nightly_recharge_status': 2, 'sleep.sleep_end_time': '2024-03-11T06:40:00+02:00' });
    expect(days[1]!.metrics).not.toHaveProperty('readiness'); // Polar's scales are not 0–100
  });

  it('when exercises are mapped, then training_load is kept raw next to the TSS-scale value', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('polar', { accessToken: fake.connect() }), range);
    expect(days[0]!.workouts).toEqual([
      {
        source: 'polar',
        externalId: '2AC312F',
        date: '2024-03-10',
        start: '2024-03-10T17:40:02+02:00',
        minutes: 74.5,
        load: 103.4,
        loadMethod: 'trimp',
        rawLoad: { value: 103.4, unit: 'polar_training_load' },
        sport: 'RUNNING',
        avgHr: 139,
        maxHr: 171,
        distanceM: 15830,
      },
    ]);
    expect(days[1]!.workouts[0]).toMatchObject({ externalId: '3BD4A01', minutes: 45, loadMethod: 'duration_estimate', rawLoad: { value: 45, unit: 'minutes' } });
  });

  it('when the lists cover the last 28–30 days, then each is fetched once and only the range is kept', async () => {
    const { p } = provider();
    const days = await p.fetchRange(connection('polar', { accessToken: fake.connect() }), range);
    expect(fake.server.requests.map((r) => r.path)).toEqual(['/v3/users/nightly-recharge', '/v3/users/sleep', '/v3/exercises']);
    expect(days.flatMap((d) => d.workouts.map((w) => w.externalId))).not.toContain('1FF0000');
  });

  it('when Polar answers 204 (no data in its window), then the range is simply empty', async () => {
    fake.recharges = [];
    fake.nights = [];
    fake.exercises = [];
    const { p } = provider();
    expect(await p.fetchRange(connection('polar', { accessToken: fake.connect() }), range)).toEqual([]);
  });

  it('when the short-window usage reaches its limit, then the next request waits for RateLimit-Reset', async () => {
    fake.usage = [500, 4000];
    fake.reset = [9, 70_000];
    const { p, http } = provider();
    await p.fetchRange(connection('polar', { accessToken: fake.connect() }), range);
    expect(http.waits()).toEqual([9000, 9000]); // before the 2nd and the 3rd request
  });

  it('when the reset is further away than we are willing to wait, then PROVIDER.RATE_LIMITED with retryAfterMs and no partial data', async () => {
    fake.usage = [120, 5000];
    fake.reset = [300, 41_000];
    const { p, http } = provider();
    const err = await p.fetchRange(connection('polar', { accessToken: fake.connect() }), range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.RATE_LIMITED')).toBe(true);
    expect((err as { retryAfterMs: number }).retryAfterMs).toBe(41_000_000);
    expect(http.waits()).toEqual([]);
    expect(fake.server.requests).toHaveLength(1);
  });

  it('when the code is exchanged, then Basic client auth is used and the user is registered (409 tolerated)', async () => {
    const { p } = provider();
    fake.auth.addCode('pc1', 'https://coach.example/cb/polar');
    fake.auth.addCode('pc2', 'https://coach.example/cb/polar');
    const url = new URL(p.authorizationUrl({ state: 'st', redirectUri: 'https://coach.example/cb/polar' }));
    expect(url.origin + url.pathname).toBe('https://flow.polar.com/oauth2/authorization');
    expect(url.searchParams.get('scope')).toBe('accesslink.read_all');

    const tokens = await p.exchangeCode('pc1', undefined, 'https://coach.example/cb/polar', { athleteId: 'athlete-1' });
    expect(tokens).toMatchObject({ externalUserId: String(POLAR_USER_ID), kind: 'bearer' });
    expect(tokens.refreshToken).toBeUndefined();
    const reg = fake.server.requestsTo('/v3/users', 'POST')[0]!;
    expect(JSON.parse(reg.body)).toEqual({ 'member-id': 'athlete-1' });
    expect(fake.server.requestsTo('/v2/oauth2/token')[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('polar-client:polar-secret').toString('base64')}`,
    );
    await p.registerUser(tokens.accessToken, 'athlete-1'); // 409 → fine
    expect(fake.server.requestsTo('/v3/users', 'POST')).toHaveLength(2);
    await expect(p.fetchRange(connection('polar', tokens), range)).resolves.toHaveLength(2);
  });

  it('when the user was never registered, then PROVIDER.FORBIDDEN', async () => {
    const { p } = provider();
    const err = await p.fetchRange(connection('polar', { accessToken: fake.auth.mint().access_token }), range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.FORBIDDEN')).toBe(true);
  });

  it('when the long-lived token has expired, then no API call is made and needs-reauth is notified once', async () => {
    const { p } = provider();
    const store = newStore();
    await store.upsert('athlete-1', 'polar', { accessToken: fake.connect(), kind: 'bearer', expiresAt: Date.now() - 1000 });
    const onNeedsReauth = vi.fn();
    const manager = new TokenManager({ store, providers: { polar: p }, onNeedsReauth });

    for (let i = 0; i < 3; i++) {
      const err = await manager.withAccessToken('athlete-1', 'polar', (c) => p.fetchRange(c, range)).catch((e: unknown) => e);
      expect(isProviderError(err, 'PROVIDER.NEEDS_REAUTH')).toBe(true);
    }
    expect(onNeedsReauth).toHaveBeenCalledTimes(1);
    expect(fake.server.requests).toHaveLength(0);
  });

  it('when a night has no sleep-stage figures (optional in the spec), then the fetch succeeds and that day has no sleep hours', async () => {
    const night = polarNight({ date: '2024-03-11', start: '2024-03-11T00:10:00+02:00', end: '2024-03-11T06:40:00+02:00', light: 0, deep: 0, rem: 0, score: 68 });
    delete night.light_sleep;
    delete night.deep_sleep;
    delete night.rem_sleep;
    fake.nights.splice(1, 1, night);
    const { p } = provider();
    const days = await p.fetchRange(connection('polar', { accessToken: fake.connect() }), range);
    expect(days.map((d) => [d.date, d.metrics.sleepHours ?? null, d.metrics.sleepScore ?? null])).toEqual([
      ['2024-03-10', 7.25, 80],
      ['2024-03-11', null, 68],
    ]);
  });
});
