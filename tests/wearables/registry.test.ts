import { describe, expect, it } from 'vitest';
import { InMemoryConnectionStore } from '../../src/wearables/connection-store.ts';
import { InMemoryNonceStore } from '../../src/wearables/oauth.ts';
import { buildProviders, createOAuthGateway, createWearableSources, oauthCallbackUrl } from '../../src/wearables/registry.ts';
import { OuraFake, ouraReadiness } from '../fakes/oura.ts';

const ALL = {
  OURA_CLIENT_ID: 'o',
  OURA_CLIENT_SECRET: 'os',
  WHOOP_CLIENT_ID: 'w',
  WHOOP_CLIENT_SECRET: 'ws',
  INTERVALS_CLIENT_ID: 'i',
  INTERVALS_CLIENT_SECRET: 'is',
  POLAR_CLIENT_ID: 'p',
  POLAR_CLIENT_SECRET: 'ps',
};
const SECRET = 'a-state-secret-that-is-long-enough-123456';

describe('buildProviders', () => {
  it('when no OAuth app is configured then only intervals.icu exists, for API keys', () => {
    const r = buildProviders({});
    expect(Object.keys(r.providers)).toEqual(['intervals']);
    expect(r.oauthProviders).toEqual([]);
    expect(r.apiKeyProviders).toEqual(['intervals']);
  });

  it('when every client id and secret is configured then all four connect with a sign-in link', () => {
    const r = buildProviders(ALL);
    expect(Object.keys(r.providers).sort()).toEqual(['intervals', 'oura', 'polar', 'whoop']);
    expect(r.oauthProviders).toEqual(['oura', 'whoop', 'intervals', 'polar']);
    expect(Object.keys(r.userIdLookup).sort()).toEqual(['oura', 'whoop']);
  });

  it('when only a client id is given without its secret then that provider is left out', () => {
    expect(buildProviders({ OURA_CLIENT_ID: 'o' }).providers.oura).toBeUndefined();
  });
});

describe('OAuth gateway', () => {
  it('when links are made then each provider gets its vendor authorization URL, our callback and PKCE only where supported', () => {
    const g = createOAuthGateway({ registry: buildProviders(ALL), stateSecret: SECRET, publicBaseUrl: 'https://coach.example.org/', nonceStore: new InMemoryNonceStore() });
    const link = (p: 'oura' | 'whoop' | 'intervals' | 'polar') => new URL(g.begin({ athleteId: 'a1', provider: p }).url);
    expect(link('oura').origin + link('oura').pathname).toBe('https://cloud.ouraring.com/oauth/authorize');
    expect(link('whoop').origin).toBe('https://api.prod.whoop.com');
    expect(link('polar').origin).toBe('https://flow.polar.com');
    expect(link('intervals').origin).toBe('https://intervals.icu');
    expect(link('oura').searchParams.get('redirect_uri')).toBe('https://coach.example.org/oauth/oura/callback');
    expect(link('oura').searchParams.get('code_challenge_method')).toBe('S256');
    expect(link('whoop').searchParams.get('code_challenge_method')).toBe('S256');
    expect(link('polar').searchParams.get('code_challenge')).toBeNull();
    expect(link('intervals').searchParams.get('code_challenge')).toBeNull();
  });

  it('when a state is verified then it works once, only for its provider, and not after it expires', async () => {
    let now = 1_000_000;
    const g = createOAuthGateway({ registry: buildProviders(ALL), stateSecret: SECRET, publicBaseUrl: 'https://c.example', nonceStore: new InMemoryNonceStore(() => now), now: () => now });
    const state = (p: 'oura' | 'whoop') => new URL(g.begin({ athleteId: 'a1', provider: p }).url).searchParams.get('state')!;
    const s1 = state('oura');
    expect(await g.verifyState('whoop', s1)).toEqual({ ok: false, reason: 'OAUTH.STATE_WRONG_PROVIDER' });
    expect(await g.verifyState('oura', s1)).toMatchObject({ ok: true, athleteId: 'a1' });
    expect(await g.verifyState('oura', s1)).toEqual({ ok: false, reason: 'OAUTH.STATE_REPLAYED' });
    const s2 = state('oura');
    now += 10 * 60_000;
    expect(await g.verifyState('oura', s2)).toEqual({ ok: false, reason: 'OAUTH.STATE_EXPIRED' });
  });

  it('when the state secret is short then the gateway refuses to start', () => {
    expect(() => createOAuthGateway({ registry: buildProviders({}), stateSecret: 'short', publicBaseUrl: 'https://c.example', nonceStore: new InMemoryNonceStore() })).toThrow(/32 characters/);
  });

  it('when the public base URL has a path or a trailing slash then the callback sits under it', () => {
    expect(oauthCallbackUrl('https://x.example/coach//', 'polar')).toBe('https://x.example/coach/oauth/polar/callback');
    expect(oauthCallbackUrl('http://127.0.0.1:3000', 'oura')).toBe('http://127.0.0.1:3000/oauth/oura/callback');
  });
});

describe('token-managed sources', () => {
  it('when a base URL override points at a fake then the source fetches through the token manager with the stored tokens', async () => {
    const fake = await OuraFake.start();
    try {
      fake.data.daily_readiness = [ouraReadiness('2026-11-22', 81)];
      const registry = buildProviders({ OURA_CLIENT_ID: 'oura-client', OURA_CLIENT_SECRET: 'oura-secret', OURA_API_BASE_URL: `${fake.baseUrl}/` }, { http: { maxAttempts: 1 } });
      const store = new InMemoryConnectionStore();
      const minted = fake.auth.mint();
      await store.upsert('a1', 'oura', { accessToken: minted.access_token, refreshToken: minted.refresh_token!, kind: 'bearer' });
      const { sources } = createWearableSources(registry, store);
      expect(Object.keys(sources)).toEqual(['oura', 'intervals']);
      expect(sources.polar).toBeUndefined();
      const days = await sources.oura!.fetchDays('a1', { from: '2026-11-22', to: '2026-11-22', timezone: 'Europe/London' });
      expect(days.map((d) => [d.date, d.metrics.readiness])).toEqual([['2026-11-22', 81]]);

      // The access token dies: the source refreshes at the derived token URL (same origin) and retries.
      fake.auth.expire(minted.access_token);
      await sources.oura!.fetchDays('a1', { from: '2026-11-22', to: '2026-11-22', timezone: 'Europe/London' });
      expect(fake.server.requestsTo('/oauth/token', 'POST')).toHaveLength(1);
      expect((await store.get('a1', 'oura'))?.tokens.accessToken).not.toBe(minted.access_token);
    } finally {
      await fake.close();
    }
  });
});
