import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderId } from '../../src/core/metrics.ts';
import { InMemoryConnectionStore, type ConnectionStore } from '../../src/wearables/connection-store.ts';
import { isProviderError, ProviderError } from '../../src/wearables/errors.ts';
import { OuraProvider } from '../../src/wearables/oura.ts';
import type { TokenSet } from '../../src/wearables/provider.ts';
import { TokenManager, type TokenManagerOptions } from '../../src/wearables/tokens.ts';
import { OURA_CLIENT, OuraFake } from '../fakes/oura.ts';
import { fastHttp, tokensFrom } from './helpers.ts';

const ATHLETE = 'athlete-1';
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let fake: OuraFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(expiresInMs: number, store: ConnectionStore = new InMemoryConnectionStore()) {
  fake = await OuraFake.start();
  const provider = new OuraProvider({ ...OURA_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...fastHttp().options });
  const minted = fake.auth.mint();
  await store.upsert(ATHLETE, 'oura', tokensFrom(minted, { expiresAt: Date.now() + expiresInMs }));
  const onNeedsReauth = vi.fn();
  const manager = (extra: Partial<TokenManagerOptions> = {}) =>
    new TokenManager({ store, providers: { oura: provider }, onNeedsReauth, sleep: async () => {}, ...extra });
  return { fake, provider, store, minted, onNeedsReauth, manager };
}

const tokenCalls = () => fake!.server.requestsTo('/oauth/token');

describe('TokenManager', () => {
  it('when the access token expires within the refresh skew, then it is refreshed before use', async () => {
    const { manager, minted, store } = await setup(60_000);
    const conn = await manager().getConnection(ATHLETE, 'oura');
    expect(tokenCalls()).toHaveLength(1);
    expect(conn.tokens.accessToken).not.toBe(minted.access_token);
    expect(fake!.auth.isValid(conn.tokens.accessToken)).toBe(true);
    expect((await store.get(ATHLETE, 'oura'))?.version).toBe(2);
  });

  it('when the access token is comfortably valid, then no refresh happens', async () => {
    const { manager, minted } = await setup(3_600_000);
    const conn = await manager().getConnection(ATHLETE, 'oura');
    expect(conn.tokens.accessToken).toBe(minted.access_token);
    expect(tokenCalls()).toHaveLength(0);
  });

  it('when two callers in one process need a refresh at once, then one token request serves both', async () => {
    const { manager, onNeedsReauth, store } = await setup(30_000);
    const m = manager();
    const [a, b, c] = await Promise.all([
      m.getConnection(ATHLETE, 'oura'),
      m.getConnection(ATHLETE, 'oura'),
      m.withAccessToken(ATHLETE, 'oura', async (conn) => conn.tokens.accessToken),
    ]);
    expect(tokenCalls()).toHaveLength(1);
    expect(b.tokens.accessToken).toBe(a.tokens.accessToken);
    expect(c).toBe(a.tokens.accessToken);
    expect((await store.get(ATHLETE, 'oura'))?.tokens.accessToken).toBe(a.tokens.accessToken);
    expect(onNeedsReauth).not.toHaveBeenCalled();
  });

  it('when two processes race with the same rotating refresh token, then exactly one succeeds and both use its tokens', async () => {
    const { manager, onNeedsReauth, store } = await setup(30_000);
    // Both token requests are in flight together (each answered after 200 ms), as two workers would be.
    fake!.server.fail({ path: '/oauth/token', delayMs: 200, times: 2 });
    const processA = manager({ sleep: realSleep, raceGrace: { reads: 5, delayMs: 20 } });
    const processB = manager({ sleep: realSleep, raceGrace: { reads: 5, delayMs: 20 } });

    const [a, b] = await Promise.all([processA.getConnection(ATHLETE, 'oura'), processB.getConnection(ATHLETE, 'oura')]);

    expect(fake!.auth.refreshLog.map((r) => r.ok).sort()).toEqual([false, true]); // one spent it, one got invalid_grant
    const stored = await store.get(ATHLETE, 'oura');
    expect(a.tokens.accessToken).toBe(stored?.tokens.accessToken);
    expect(b.tokens.accessToken).toBe(stored?.tokens.accessToken);
    expect(fake!.auth.isValid(stored?.tokens.accessToken)).toBe(true);
    expect(stored?.status).toBe('active');
    expect(stored?.version).toBe(2);
    expect(onNeedsReauth).not.toHaveBeenCalled();
  });

  it('when the winner’s write lands after the loser’s invalid_grant, then the loser waits for it instead of marking needs-reauth', async () => {
    const inner = new InMemoryConnectionStore();
    // The winner's compare-and-set is slow (a busy database).
    const slowStore: ConnectionStore = {
      get: (a, p) => inner.get(a, p),
      upsert: (a, p, t) => inner.upsert(a, p, t),
      markNeedsReauth: (a, p, v, r) => inner.markNeedsReauth(a, p, v, r),
      compareAndSetTokens: async (a, p, v, t) => {
        await realSleep(80);
        return inner.compareAndSetTokens(a, p, v, t);
      },
    };
    const { manager, onNeedsReauth } = await setup(30_000, slowStore);
    fake!.server.fail({ path: '/oauth/token', delayMs: 100, times: 2 });
    const sleeps: number[] = [];
    const graceSleep = async (ms: number) => {
      sleeps.push(ms);
      await realSleep(ms);
    };
    const processA = manager({ sleep: graceSleep, raceGrace: { reads: 20, delayMs: 25 } });
    const processB = manager({ sleep: graceSleep, raceGrace: { reads: 20, delayMs: 25 } });

    const [a, b] = await Promise.all([processA.getConnection(ATHLETE, 'oura'), processB.getConnection(ATHLETE, 'oura')]);

    expect(a.tokens.accessToken).toBe(b.tokens.accessToken);
    expect(onNeedsReauth).not.toHaveBeenCalled();
    expect(sleeps.length).toBeGreaterThan(0); // the loser did have to wait for the write
    expect((await inner.get(ATHLETE, 'oura'))?.status).toBe('active');
  });

  it('when the refresh token was revoked, then needs-reauth is set and the athlete is notified exactly once', async () => {
    const { manager, onNeedsReauth, store } = await setup(3_600_000);
    fake!.auth.revokeAll();
    const m = manager();
    const callApi = (conn: { tokens: TokenSet }) =>
      fake!.auth.isValid(conn.tokens.accessToken)
        ? Promise.resolve('data')
        : Promise.reject(new ProviderError('PROVIDER.UNAUTHORIZED', 'oura', '401'));

    const results = await Promise.allSettled([1, 2, 3].map(() => m.withAccessToken(ATHLETE, 'oura', callApi)));
    const later = await m.withAccessToken(ATHLETE, 'oura', callApi).catch((e: unknown) => e);

    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(isProviderError((r as PromiseRejectedResult).reason, 'PROVIDER.NEEDS_REAUTH')).toBe(true);
    }
    expect(isProviderError(later, 'PROVIDER.NEEDS_REAUTH')).toBe(true);
    expect(tokenCalls()).toHaveLength(1);
    expect(onNeedsReauth).toHaveBeenCalledTimes(1);
    expect(onNeedsReauth).toHaveBeenCalledWith(ATHLETE, 'oura', 'refresh token rejected (invalid_grant)');
    const stored = await store.get(ATHLETE, 'oura');
    expect(stored?.status).toBe('needs_reauth');
    expect(stored?.needsReauthReason).toContain('invalid_grant');
  });

  it('when two processes both find the grant revoked, then only one transition and one notification happen', async () => {
    const { manager, onNeedsReauth } = await setup(30_000);
    fake!.auth.revokeAll();
    const [a, b] = await Promise.allSettled([manager().getConnection(ATHLETE, 'oura'), manager().getConnection(ATHLETE, 'oura')]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect(onNeedsReauth).toHaveBeenCalledTimes(1);
  });

  it('when the athlete reconnects after needs-reauth, then the connection is active again and usable', async () => {
    const { manager, store, onNeedsReauth } = await setup(30_000);
    fake!.auth.revokeAll();
    await manager().getConnection(ATHLETE, 'oura').catch(() => {});
    expect((await store.get(ATHLETE, 'oura'))?.status).toBe('needs_reauth');
    await store.upsert(ATHLETE, 'oura', tokensFrom(fake!.auth.mint(), { expiresAt: Date.now() + 3_600_000 }));
    await expect(manager().getConnection(ATHLETE, 'oura')).resolves.toMatchObject({ status: 'active' });
    expect(onNeedsReauth).toHaveBeenCalledTimes(1);
  });

  it('when the token endpoint is down but the token is still valid, then the old token keeps being used', async () => {
    const { manager, minted, store, onNeedsReauth } = await setup(60_000);
    fake!.server.fail({ path: '/oauth/token', status: 503 });
    const conn = await manager().getConnection(ATHLETE, 'oura');
    expect(conn.tokens.accessToken).toBe(minted.access_token);
    expect((await store.get(ATHLETE, 'oura'))?.status).toBe('active');
    expect(onNeedsReauth).not.toHaveBeenCalled();
    expect(tokenCalls()).toHaveLength(1); // token calls are not retried: a rotating token may be spent
  });

  it('when the token endpoint is down and the token has expired, then PROVIDER.UNAVAILABLE and the connection stays active', async () => {
    const { manager, store, onNeedsReauth } = await setup(-1_000);
    fake!.server.fail({ path: '/oauth/token', status: 502 });
    const err = await manager().getConnection(ATHLETE, 'oura').catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAVAILABLE')).toBe(true);
    expect((await store.get(ATHLETE, 'oura'))?.status).toBe('active');
    expect(onNeedsReauth).not.toHaveBeenCalled();
  });

  it('when a data call is rejected again right after a successful refresh, then the grant is treated as revoked', async () => {
    const { manager, store, onNeedsReauth } = await setup(3_600_000);
    const alwaysUnauthorized = vi.fn(async () => {
      throw new ProviderError('PROVIDER.UNAUTHORIZED', 'oura', '401');
    });
    const err = await manager().withAccessToken(ATHLETE, 'oura', alwaysUnauthorized).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.NEEDS_REAUTH')).toBe(true);
    expect(alwaysUnauthorized).toHaveBeenCalledTimes(2); // once, then once more after the single refresh
    expect(tokenCalls()).toHaveLength(1);
    expect(onNeedsReauth).toHaveBeenCalledTimes(1);
    expect((await store.get(ATHLETE, 'oura'))?.status).toBe('needs_reauth');
  });

  it('when a data call fails for another reason, then no refresh is attempted and the error passes through', async () => {
    const { manager } = await setup(3_600_000);
    const err = await manager()
      .withAccessToken(ATHLETE, 'oura', async () => {
        throw new ProviderError('PROVIDER.UNAVAILABLE', 'oura', '503');
      })
      .catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAVAILABLE')).toBe(true);
    expect(tokenCalls()).toHaveLength(0);
  });

  it('when onNeedsReauth throws, then the error is reported and the caller still gets NEEDS_REAUTH', async () => {
    const { store } = await setup(30_000);
    fake!.auth.revokeAll();
    const onCallbackError = vi.fn();
    const provider = new OuraProvider({ ...OURA_CLIENT, baseUrl: fake!.baseUrl, tokenUrl: fake!.tokenUrl, ...fastHttp().options });
    const m = new TokenManager({
      store,
      providers: { oura: provider },
      sleep: async () => {},
      onNeedsReauth: () => {
        throw new Error('chat down');
      },
      onCallbackError,
    });
    const err = await m.getConnection(ATHLETE, 'oura').catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.NEEDS_REAUTH')).toBe(true);
    expect(onCallbackError).toHaveBeenCalledTimes(1);
  });
});

function bind(store: InMemoryConnectionStore): ConnectionStore {
  return {
    get: (a, p) => store.get(a, p),
    upsert: (a, p, t) => store.upsert(a, p, t),
    compareAndSetTokens: (a, p, v, t) => store.compareAndSetTokens(a, p, v, t),
    markNeedsReauth: (a, p, v, r) => store.markNeedsReauth(a, p, v, r),
  };
}

describe('TokenManager with a stub vendor', () => {
  function stub(answer: TokenSet) {
    const refresh = vi.fn(async (_rt: string) => answer);
    return { id: 'whoop' as ProviderId, supportsRefresh: true, refresh } as const;
  }

  it('when the vendor does not rotate the refresh token, then the old one is kept with the new access token', async () => {
    const store = new InMemoryConnectionStore();
    await store.upsert(ATHLETE, 'whoop', { accessToken: 'a1', refreshToken: 'r1', expiresAt: Date.now() - 1, externalUserId: 'u9' });
    const v = stub({ accessToken: 'a2', expiresAt: Date.now() + 3_600_000 });
    const m = new TokenManager({ store, providers: { whoop: v } });
    const conn = await m.getConnection(ATHLETE, 'whoop');
    expect(v.refresh).toHaveBeenCalledWith('r1');
    expect(conn.tokens).toMatchObject({ accessToken: 'a2', refreshToken: 'r1', externalUserId: 'u9' });
  });

  it('when the athlete disconnected (status revoked), then PROVIDER.NOT_CONNECTED and no refresh is tried', async () => {
    const store = new InMemoryConnectionStore();
    const conn = await store.upsert(ATHLETE, 'whoop', { accessToken: 'a1', refreshToken: 'r1', expiresAt: Date.now() - 1 });
    const revokedStore: ConnectionStore = { ...bind(store), get: async () => ({ ...conn, status: 'revoked' }) };
    const v = stub({ accessToken: 'a2' });
    const err = await new TokenManager({ store: revokedStore, providers: { whoop: v } }).getConnection(ATHLETE, 'whoop').catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.NOT_CONNECTED')).toBe(true);
    expect(v.refresh).not.toHaveBeenCalled();
  });

  it('when there is no connection, then PROVIDER.NOT_CONNECTED', async () => {
    const m = new TokenManager({ store: new InMemoryConnectionStore(), providers: {} });
    const err = await m.getConnection(ATHLETE, 'whoop').catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.NOT_CONNECTED')).toBe(true);
  });
});
