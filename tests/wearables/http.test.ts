import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isAppError, userMessageOf } from '../../src/errors.ts';
import { isProviderError, ProviderError } from '../../src/wearables/errors.ts';
import { HttpClient, parseRetryAfter, polarRateLimitPolicy, xRateLimitPolicy } from '../../src/wearables/http.ts';
import { FakeServer } from '../fakes/fake-server.ts';
import { fastHttp } from './helpers.ts';

const NOW = Date.parse('2024-03-12T08:00:00Z');

describe('ProviderError', () => {
  it('when shown to a user, then only the short safe message is used (it is an AppError); logs get the details', () => {
    const e = new ProviderError('PROVIDER.UNAVAILABLE', 'whoop', 'GET /v2/recovery returned 503', { status: 503, request: 'GET /v2/recovery' });
    expect(isAppError(e)).toBe(true);
    expect(userMessageOf(e)).toBe('The wearable service is unavailable right now. We will try again later.');
    expect(e.message).toBe('[PROVIDER.UNAVAILABLE] whoop: GET /v2/recovery returned 503');
    expect(e.details).toEqual({ provider: 'whoop', status: 503, request: 'GET /v2/recovery' });
    expect(e.name).toBe('ProviderError');
  });
});

describe('parseRetryAfter', () => {
  it('when given delta-seconds, then milliseconds', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 1.5 ', NOW)).toBe(1500);
  });
  it('when given an HTTP date, then the time until it (never negative)', () => {
    expect(parseRetryAfter('Tue, 12 Mar 2024 08:01:30 GMT', NOW)).toBe(90_000);
    expect(parseRetryAfter('Tue, 12 Mar 2024 07:00:00 GMT', NOW)).toBe(0);
  });
  it('when absent or garbage, then undefined', () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
  });
});

describe('rate-limit header policies', () => {
  it('when X-RateLimit-Remaining is 0, then hold until now + reset seconds; otherwise no hold', () => {
    expect(xRateLimitPolicy(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '37' }), NOW)).toBe(NOW + 37_000);
    expect(xRateLimitPolicy(new Headers({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '37' }), NOW)).toBeUndefined();
    // An epoch-seconds reset (used by some vendors) is understood too.
    expect(xRateLimitPolicy(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 5) }), NOW)).toBe(NOW + 5000);
  });
  it('when any Polar window is used up, then hold until the latest exhausted window resets', () => {
    const h = (usage: string, reset: string) => new Headers({ 'ratelimit-usage': usage, 'ratelimit-limit': '500, 5000', 'ratelimit-reset': reset });
    expect(polarRateLimitPolicy(h('10, 100', '600, 80000'), NOW)).toBeUndefined();
    expect(polarRateLimitPolicy(h('500, 100', '600, 80000'), NOW)).toBe(NOW + 600_000);
    expect(polarRateLimitPolicy(h('500, 5000', '600, 80000'), NOW)).toBe(NOW + 80_000_000);
  });
});

describe('HttpClient', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('backoff stays within [cap/2, cap] and never exceeds maxDelayMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (failures, r) => {
        const c = new HttpClient('oura', { baseUrl: 'http://127.0.0.1:1', baseDelayMs: 500, maxDelayMs: 20_000, random: () => r });
        const cap = Math.min(20_000, 500 * 2 ** (failures - 1));
        const d = c.backoffMs(failures);
        expect(d).toBeGreaterThanOrEqual(Math.floor(cap / 2));
        expect(d).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it('when a non-GET request hits a 500, then it is not retried (a rotating refresh token may be spent)', async () => {
    server = await FakeServer.start();
    server.fail({ path: '/token', status: 500, times: 5 });
    const http = fastHttp();
    const c = new HttpClient('whoop', { ...http.options, baseUrl: server.url });
    const err = await c.request({ method: 'POST', path: '/token', form: { a: '1' }, schema: z.unknown() }).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAVAILABLE')).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('when a non-GET request hits a 429 with Retry-After, then it is waited out (nothing was processed)', async () => {
    server = await FakeServer.start();
    server.on('POST', '/token', () => ({ body: { ok: true } }));
    server.fail({ path: '/token', status: 429, headers: { 'retry-after': '2' } });
    const http = fastHttp();
    const c = new HttpClient('whoop', { ...http.options, baseUrl: server.url });
    const res = await c.request({ method: 'POST', path: '/token', schema: z.object({ ok: z.boolean() }) });
    expect(res.data.ok).toBe(true);
    expect(http.waits()).toEqual([2000]);
  });

  it('when 429 keeps coming, then PROVIDER.RATE_LIMITED after the bounded attempts', async () => {
    server = await FakeServer.start();
    server.fail({ path: '/x', status: 429, headers: { 'retry-after': '1' }, times: 10 });
    const http = fastHttp({ maxAttempts: 3 });
    const c = new HttpClient('oura', { ...http.options, baseUrl: server.url });
    const err = await c.request({ path: '/x', schema: z.unknown() }).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.RATE_LIMITED')).toBe(true);
    expect(server.requests).toHaveLength(3);
    expect(http.waits()).toEqual([1000, 1000]);
  });

  it('when a 503 carries a Retry-After longer than the backoff, then that is the wait', async () => {
    server = await FakeServer.start();
    server.on('GET', '/x', () => ({ body: { ok: true } }));
    server.fail({ path: '/x', status: 503, headers: { 'retry-after': '30' } });
    const http = fastHttp();
    const c = new HttpClient('oura', { ...http.options, baseUrl: server.url });
    await c.request({ path: '/x', schema: z.object({ ok: z.boolean() }) });
    expect(http.waits()).toEqual([30_000]);
  });

  it('when a 4xx other than 401/403/429 comes back, then PROVIDER.BAD_REQUEST without retry', async () => {
    server = await FakeServer.start();
    server.fail({ path: '/x', status: 422 });
    const c = new HttpClient('intervals', { ...fastHttp().options, baseUrl: server.url });
    const err = await c.request({ path: '/x', schema: z.unknown() }).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.BAD_REQUEST')).toBe(true);
    expect((err as { status: number }).status).toBe(422);
    expect(server.requests).toHaveLength(1);
  });

  it('when nothing listens on the port, then PROVIDER.UNAVAILABLE after the bounded attempts', async () => {
    const closed = await FakeServer.start();
    const url = closed.url;
    await closed.close();
    const http = fastHttp({ maxAttempts: 3 });
    const c = new HttpClient('polar', { ...http.options, baseUrl: url });
    const err = await c.request({ path: '/x', schema: z.unknown() }).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAVAILABLE')).toBe(true);
    expect(http.waits()).toHaveLength(2);
  });

  it('when an error is raised, then its message carries method and path but never the query or token', async () => {
    server = await FakeServer.start();
    server.fail({ path: '/v2/x', status: 401 });
    const c = new HttpClient('oura', { ...fastHttp().options, baseUrl: server.url });
    const err = (await c.request({ path: '/v2/x', query: { token: 'secret-q' }, auth: { bearer: 'secret-t' }, schema: z.unknown() }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('GET /v2/x');
    expect(err.message).not.toContain('secret');
  });
});
