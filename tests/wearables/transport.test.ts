/**
 * The same transport contract, checked for every provider against its own fake: 429 + Retry-After,
 * 5xx retried with jittered exponential backoff, bounded attempts, timeouts, malformed bodies, 401.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../src/core/metrics.ts';
import { isProviderError } from '../../src/wearables/errors.ts';
import { IntervalsProvider } from '../../src/wearables/intervals.ts';
import { OuraProvider } from '../../src/wearables/oura.ts';
import { PolarProvider } from '../../src/wearables/polar.ts';
import type { FetchRange, ProviderConnection, WearableProvider } from '../../src/wearables/provider.ts';
import { WhoopProvider } from '../../src/wearables/whoop.ts';
import type { FakeServer } from '../fakes/fake-server.ts';
import { INTERVALS_CLIENT, IntervalsFake, intervalsWellness } from '../fakes/intervals.ts';
import { OURA_CLIENT, OuraFake, ouraSleep } from '../fakes/oura.ts';
import { POLAR_CLIENT, PolarFake, polarRecharge } from '../fakes/polar.ts';
import { WHOOP_CLIENT, WhoopFake, whoopSleep } from '../fakes/whoop.ts';
import { connection, fastHttp } from './helpers.ts';

type HttpOpts = ReturnType<typeof fastHttp>['options'];

interface Harness {
  server: FakeServer;
  close(): Promise<void>;
  make(http: HttpOpts): WearableProvider;
  conn: ProviderConnection;
  /** The first data path the provider requests. */
  firstPath: string;
  range: FetchRange;
}

const cases: { id: ProviderId; start: () => Promise<Harness> }[] = [
  {
    id: 'oura',
    start: async () => {
      const fake = await OuraFake.start();
      fake.data.sleep.push(ouraSleep({ id: 's1', day: '2024-03-10', bedtime_start: '2024-03-09T23:00:00+02:00', bedtime_end: '2024-03-10T07:00:00+02:00' }));
      return {
        server: fake.server,
        close: () => fake.close(),
        make: (http) => new OuraProvider({ ...OURA_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...http }),
        conn: connection('oura', { accessToken: fake.auth.mint().access_token }),
        firstPath: '/v2/usercollection/sleep',
        range: { from: '2024-03-10', to: '2024-03-10', timezone: 'Europe/Helsinki' },
      };
    },
  },
  {
    id: 'whoop',
    start: async () => {
      const fake = await WhoopFake.start();
      fake.data.sleep.push(whoopSleep({ id: 'sl1', start: '2024-03-09T14:05:00.000Z', end: '2024-03-09T21:40:00.000Z', light: 13_560_000, sws: 6_120_000, rem: 6_120_000 }));
      return {
        server: fake.server,
        close: () => fake.close(),
        make: (http) => new WhoopProvider({ ...WHOOP_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...http }),
        conn: connection('whoop', { accessToken: fake.auth.mint().access_token }),
        firstPath: '/developer/v2/activity/sleep',
        range: { from: '2024-03-10', to: '2024-03-10', timezone: 'Asia/Tokyo' },
      };
    },
  },
  {
    id: 'intervals',
    start: async () => {
      const fake = await IntervalsFake.start();
      fake.wellness.push(intervalsWellness('2024-03-10', { restingHR: 48 }));
      return {
        server: fake.server,
        close: () => fake.close(),
        make: (http) => new IntervalsProvider({ ...INTERVALS_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...http }),
        conn: connection('intervals', IntervalsProvider.apiKeyTokens('k3y-0123456789abcdef')),
        firstPath: '/api/v1/athlete/0/wellness',
        range: { from: '2024-03-10', to: '2024-03-10', timezone: 'America/Denver' },
      };
    },
  },
  {
    id: 'polar',
    start: async () => {
      const fake = await PolarFake.start();
      fake.recharges.push(polarRecharge('2024-03-10', { hr: 54, hrv: 41, status: 3, ans: 2.5 }));
      return {
        server: fake.server,
        close: () => fake.close(),
        make: (http) => new PolarProvider({ ...POLAR_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...http }),
        conn: connection('polar', { accessToken: fake.connect() }),
        firstPath: '/v3/users/nightly-recharge',
        range: { from: '2024-03-10', to: '2024-03-10', timezone: 'Europe/Helsinki' },
      };
    },
  },
];

describe.each(cases)('$id transport', ({ id, start }) => {
  let h: Harness;
  afterEach(() => h.close());

  it('when the API answers 429 with Retry-After in seconds, then the client waits exactly that long and retries', async () => {
    h = await start();
    h.server.fail({ path: h.firstPath, status: 429, headers: { 'retry-after': '7' } });
    const http = fastHttp();
    const days = await h.make(http.options).fetchRange(h.conn, h.range);
    expect(http.waits()).toEqual([7000]);
    expect(h.server.requestsTo(h.firstPath)).toHaveLength(2);
    expect(days).toHaveLength(1);
  });

  it('when Retry-After is an HTTP date, then the wait is the time until that date', async () => {
    h = await start();
    const now = Date.parse('2024-03-12T08:00:00Z');
    h.server.fail({ path: h.firstPath, status: 429, headers: { 'retry-after': 'Tue, 12 Mar 2024 08:00:42 GMT' } });
    const http = fastHttp({ now: () => now });
    await h.make(http.options).fetchRange(h.conn, h.range);
    expect(http.waits()).toEqual([42_000]);
  });

  it('when 429 asks for longer than the configured bound, then PROVIDER.RATE_LIMITED carries retryAfterMs without waiting', async () => {
    h = await start();
    h.server.fail({ path: h.firstPath, status: 429, headers: { 'retry-after': '3600' } });
    const http = fastHttp();
    const err = await h.make(http.options).fetchRange(h.conn, h.range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.RATE_LIMITED')).toBe(true);
    expect((err as { retryAfterMs: number }).retryAfterMs).toBe(3_600_000);
    expect(http.waits()).toEqual([]);
  });

  it('when the API fails with 500 twice, then it is retried with jittered exponential backoff and succeeds', async () => {
    h = await start();
    h.server.fail({ path: h.firstPath, status: 500, times: 1 });
    h.server.fail({ path: h.firstPath, status: 503, times: 1 });
    const http = fastHttp();
    const days = await h.make(http.options).fetchRange(h.conn, h.range);
    // base 500 ms, doubling, equal jitter at random() = 0.5: 250 + 125, 500 + 250
    expect(http.waits()).toEqual([375, 750]);
    expect(h.server.requestsTo(h.firstPath)).toHaveLength(3);
    expect(days).toHaveLength(1);
  });

  it('when the API keeps failing with 500, then after the bounded attempts PROVIDER.UNAVAILABLE is raised', async () => {
    h = await start();
    h.server.fail({ path: h.firstPath, status: 500, times: 100 });
    const http = fastHttp({ maxAttempts: 4 });
    const err = await h.make(http.options).fetchRange(h.conn, h.range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAVAILABLE')).toBe(true);
    expect((err as { status: number }).status).toBe(500);
    expect((err as { provider: string }).provider).toBe(id);
    expect(h.server.requestsTo(h.firstPath)).toHaveLength(4);
    expect(http.waits()).toEqual([375, 750, 1500]);
  });

  it('when the connection drops once, then the network error is retried', async () => {
    h = await start();
    h.server.fail({ path: h.firstPath, drop: true });
    const http = fastHttp();
    const days = await h.make(http.options).fetchRange(h.conn, h.range);
    expect(days).toHaveLength(1);
    expect(http.waits()).toEqual([375]);
  });

  it('when every answer is slower than the per-request timeout, then PROVIDER.TIMEOUT after the bounded attempts', async () => {
    h = await start();
    h.server.fail({ path: h.firstPath, delayMs: 1_000, times: 10 });
    const http = fastHttp({ timeoutMs: 80, maxAttempts: 2 });
    const err = await h.make(http.options).fetchRange(h.conn, h.range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.TIMEOUT')).toBe(true);
    expect(h.server.requestsTo(h.firstPath)).toHaveLength(2);
  });

  it('when one answer is slower than the timeout, then the retry succeeds', async () => {
    h = await start();
    h.server.fail({ path: h.firstPath, delayMs: 1_000 });
    const http = fastHttp({ timeoutMs: 80 });
    await expect(h.make(http.options).fetchRange(h.conn, h.range)).resolves.toHaveLength(1);
  });

  it('when the body is not valid JSON, then PROVIDER.MALFORMED_RESPONSE and no retry', async () => {
    h = await start();
    h.server.fail({ path: h.firstPath, malformed: true });
    const http = fastHttp();
    const err = await h.make(http.options).fetchRange(h.conn, h.range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.MALFORMED_RESPONSE')).toBe(true);
    expect(h.server.requestsTo(h.firstPath)).toHaveLength(1);
  });

  it('when the token is rejected with 401, then PROVIDER.UNAUTHORIZED (left to the token manager, no blind retry)', async () => {
    h = await start();
    const http = fastHttp();
    const err = await h.make(http.options).fetchRange({ ...h.conn, tokens: { accessToken: 'nope', kind: 'bearer' } }, h.range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAUTHORIZED')).toBe(true);
    expect(h.server.requestsTo(h.firstPath)).toHaveLength(1);
  });
});
