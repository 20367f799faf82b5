/**
 * The connect flow's other doors: links for providers this server cannot connect, the intervals.icu API key
 * (checked against the vendor fake before it is stored, refused without a durable token key), and the ends
 * of a connection — /disconnect and /privacy delete — which revoke the grant at the vendor first (issue #16
 * finding 5) and never let a vendor failure block the local deletion.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createConnectFlow, type ConnectFlow } from '../../../src/core/connect-flow.use-case.ts';
import { isCiphertext } from '../../../src/core/crypto.ts';
import { InMemoryNonceStore } from '../../../src/wearables/oauth.ts';
import { disconnectProvider } from '../../../src/core/connections.use-case.ts';
import { deleteMyData } from '../../../src/core/privacy.use-case.ts';
import { buildProviders, createOAuthGateway, createVendorAccess } from '../../../src/wearables/registry.ts';
import { INTERVALS_ATHLETE } from '../../fakes/intervals.ts';
import { useIngestWorld } from '../core/ingest.support.ts';

const w = useIngestWorld();
const SECRET = 'test-oauth-state-secret-0123456789-abcdef';
let flow: ConnectFlow;
let limited: ConnectFlow;
const queued: string[] = [];

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'resolved';
}

const withVendors = (registry = w.registry, secretsSurviveRestart = true) => ({ ...w.h.deps, vendorAccess: createVendorAccess({ registry, secretsSurviveRestart }) });

beforeAll(() => {
  const make = (registry = w.registry) =>
    createConnectFlow({
      ...withVendors(registry),
      oauth: createOAuthGateway({ registry, stateSecret: SECRET, publicBaseUrl: 'https://coach.example.org/base/', nonceStore: new InMemoryNonceStore() }),
      onConnected: (a, p) => void queued.push(`${p}:${a}`),
    });
  flow = make();
  // A server with no OAuth apps configured: only intervals.icu API keys work.
  limited = make(buildProviders({ INTERVALS_API_BASE_URL: w.intervals.baseUrl }, { http: { maxAttempts: 1 } }));
});

describe('connect links', () => {
  it('when a configured provider is asked for then the link carries the callback under PUBLIC_BASE_URL and a one-time state', async () => {
    const a = await w.athleteWith('Linker', {});
    const link = await flow.authorizeUrl({ athleteId: a, provider: 'oura' });
    const u = new URL(link.url);
    expect(u.searchParams.get('redirect_uri')).toBe('https://coach.example.org/base/oauth/oura/callback');
    expect(u.searchParams.get('state')).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(link.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('when the provider is not configured, or connects with a key, or the person is no athlete, then a coded error explains it', async () => {
    const a = await w.athleteWith('No apps', {});
    expect(await code(limited.beginConnect({ personId: a, platform: 'discord' }, 'oura'))).toBe('CONNECT.PROVIDER_UNAVAILABLE');
    expect(await code(limited.beginConnect({ personId: a, platform: 'discord' }, 'intervals'))).toBe('CONNECT.PROVIDER_UNAVAILABLE');
    expect(await code(flow.beginConnect({ personId: 'not-an-athlete', platform: 'discord' }, 'oura'))).toBe('ATHLETE.NOT_REGISTERED');
    expect(await code(flow.completeConnect('oura', { code: 'x' }))).toBe('CONNECT.LINK_INVALID');
  });
});

describe('intervals.icu API key', () => {
  it('when the key and athlete id work at intervals.icu then the connection is stored encrypted, the athlete is told and the backfill is queued', async () => {
    const a = await w.athleteWith('Key holder', {});
    const before = w.intervals.server.requests.length;
    const r = await limited.connectApiKey({ personId: a, platform: 'slack' }, 'intervals', { apiKey: ' k3y-0123456789abcdef ', externalUserId: INTERVALS_ATHLETE });
    expect(r.connection).toMatchObject({ provider: 'intervals', status: 'active', externalUserId: INTERVALS_ATHLETE });
    // One cheap authenticated call tried the key before it was stored.
    expect(w.intervals.server.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual([`GET /api/v1/athlete/${INTERVALS_ATHLETE}`]);
    const conn = await w.h.deps.connections.get(a, 'intervals');
    expect(conn?.tokens).toMatchObject({ accessToken: 'k3y-0123456789abcdef', kind: 'api_key' });
    const raw = await w.h.db.connection.collection('provider_connections').findOne({ _id: `intervals:${a}` as never });
    expect(isCiphertext(raw?.accessToken)).toBe(true);
    expect(w.h.notifier.events).toContainEqual({
      type: 'connection.connected',
      athleteId: a,
      provider: 'intervals',
      via: 'api_key',
      account: { id: INTERVALS_ATHLETE, name: 'Test Athlete', email: 'athlete@example.org' },
    });
    expect(queued).toContain(`intervals:${a}`);
  });

  it('when intervals.icu rejects the key then nothing is stored and the error says to check key and id', async () => {
    const a = await w.athleteWith('Wrong key', {});
    expect(await code(limited.connectApiKey({ personId: a, platform: 'slack' }, 'intervals', { apiKey: 'not-a-key', externalUserId: INTERVALS_ATHLETE }))).toBe('CONNECT.API_KEY_INVALID');
    expect(await code(limited.connectApiKey({ personId: a, platform: 'slack' }, 'intervals', { apiKey: 'k3y-0123456789abcdef', externalUserId: 'i999' }))).toBe('CONNECT.API_KEY_INVALID');
    expect(await code(limited.connectApiKey({ personId: a, platform: 'slack' }, 'oura', { apiKey: 'k', externalUserId: '1' }))).toBe('CONNECT.PROVIDER_UNAVAILABLE');
    expect(await w.h.deps.connections.get(a, 'intervals')).toBeNull();
  });

  it('when the server has no TOKEN_ENCRYPTION_KEY, then the key is refused with a clear error, never sent anywhere and not stored', async () => {
    const a = await w.athleteWith('No durable key', {});
    const before = w.intervals.server.requests.length;
    const flowWithoutKey = createConnectFlow({
      ...withVendors(w.registry, false),
      oauth: createOAuthGateway({ registry: w.registry, stateSecret: SECRET, publicBaseUrl: 'https://coach.example.org/', nonceStore: new InMemoryNonceStore() }),
    });
    const err = await flowWithoutKey.connectApiKey({ personId: a, platform: 'slack' }, 'intervals', { apiKey: 'k3y-0123456789abcdef', externalUserId: INTERVALS_ATHLETE }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONNECT.NOT_DURABLE' });
    expect((err as { userMessage: string }).userMessage).toContain('TOKEN_ENCRYPTION_KEY');
    expect(w.intervals.server.requests.length).toBe(before);
    expect(await w.h.deps.connections.get(a, 'intervals')).toBeNull();
  });
});

describe('revocation at the vendor', () => {
  it('when an Oura athlete disconnects, then the grant is revoked at Oura before the tokens are wiped', async () => {
    const tokens = w.ouraTokens();
    const a = await w.athleteWith('Revoker', { oura: tokens });
    const r = await disconnectProvider(withVendors(), { personId: a, platform: 'discord' }, 'oura');
    expect(r.revocation).toEqual({ status: 'revoked' });
    expect(w.oura.revoked).toContain(tokens.accessToken);
    expect(w.oura.auth.isValid(tokens.accessToken)).toBe(false);
    expect(w.oura.auth.validRefresh.has(tokens.refreshToken!)).toBe(false);
  });

  it('when the vendor is down during /disconnect, then the tokens are wiped anyway and the failure is returned and audited', async () => {
    const tokens = w.ouraTokens();
    const a = await w.athleteWith('Down', { oura: tokens });
    w.oura.server.fail({ path: '/oauth/revoke', status: 503, times: 10 });
    const r = await disconnectProvider(withVendors(), { personId: a, platform: 'discord' }, 'oura');
    w.oura.server.clearFaults();
    expect(r).toMatchObject({ status: 'revoked', revocation: { status: 'failed', code: 'PROVIDER.UNAVAILABLE' } });
    const raw = await w.h.db.connection.collection('provider_connections').findOne({ _id: `oura:${a}` as never });
    expect(raw?.accessToken).toBeUndefined();
    expect(w.oura.auth.isValid(tokens.accessToken)).toBe(true); // still valid at the vendor: the reply says so
  });

  it('when /privacy delete runs, then every grant is revoked at its vendor first and the outcomes come back with the counts', async () => {
    const oura = w.ouraTokens();
    const a = await w.athleteWith('Eraser', { oura, intervals: { accessToken: 'k3y-0123456789abcdef', kind: 'api_key', externalUserId: INTERVALS_ATHLETE } });
    const out = await deleteMyData(withVendors(), { personId: a, platform: 'discord' }, { confirm: true });
    expect(out.revocations).toEqual([
      { provider: 'intervals', outcome: { status: 'not_offered', how: 'intervals.icu has no way for us to cancel a personal API key: create a new one under Settings → Developer and the old one stops working.' } },
      { provider: 'oura', outcome: { status: 'revoked' } },
    ]);
    expect(w.oura.auth.isValid(oura.accessToken)).toBe(false);
    expect(await w.h.deps.connections.listForAthlete(a)).toEqual([]);
  });
});

describe('disconnect', () => {
  it('when the athlete disconnects then the tokens are wiped, the status is revoked and the nightly list no longer has them', async () => {
    const a = await w.athleteWith('Leaving', { oura: w.ouraTokens() });
    const { ingest } = w.service();
    expect(await ingest.connectedAthleteIds()).toContain(a);
    const summary = await flow.disconnect({ personId: a, platform: 'discord' }, 'oura');
    expect(summary).toMatchObject({ provider: 'oura', status: 'revoked', hasRefreshToken: false });
    const raw = await w.h.db.connection.collection('provider_connections').findOne({ _id: `oura:${a}` as never });
    expect(raw?.accessToken).toBeUndefined();
    expect(raw?.refreshToken).toBeUndefined();
    expect(await ingest.connectedAthleteIds()).not.toContain(a);
    expect(await code(flow.disconnect({ personId: a, platform: 'discord' }, 'whoop'))).toBe('CONNECTION.NOT_FOUND');
  });
});
