/**
 * The OAuth connect flow end to end through the real HTTP server (startHttpServer on port 0): the core's
 * connect flow, the OAuth gateway over the real clients pointed at the loopback fakes, the DB-backed nonce
 * store and the encrypted connection repository on the embedded database.
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnectFlow, type ConnectFlow } from '../../../src/core/connect-flow.use-case.ts';
import { isCiphertext } from '../../../src/core/crypto.ts';
import type { ProviderId } from '../../../src/core/metrics.ts';
import { MongoNonceStore } from '../../../src/db/oauth-nonce.repository.ts';
import { oauthRoutes } from '../../../src/http/oauth.routes.ts';
import { startHttpServer, type RunningHttpServer } from '../../../src/http/server.ts';
import { createLogger } from '../../../src/logger.ts';
import { createOAuthGateway, createVendorAccess, oauthCallbackUrl } from '../../../src/wearables/registry.ts';
import { OURA_CLIENT } from '../../fakes/oura.ts';
import { POLAR_USER_ID } from '../../fakes/polar.ts';
import { useIngestWorld } from '../core/ingest.support.ts';

const w = useIngestWorld();
const SECRET = 'test-oauth-state-secret-0123456789-abcdef';
const logs: string[] = [];
let server: RunningHttpServer;
let flow: ConnectFlow;
let nowMs = Date.parse('2026-11-22T07:00:00Z');
const connected: [string, ProviderId][] = [];

beforeAll(async () => {
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: new Registry(),
    health: async () => ({ status: 'ok', version: 'test', uptimeSeconds: 0, db: { ok: true, embedded: true }, tfBackend: 'cpu' }),
  });
  // WHOOP names the user through a profile call after the exchange; Oura through personal_info (its fake
  // follows the spec's PersonalInfoResponse).
  w.whoop.server.on('GET', '/developer/v2/user/profile/basic', () => ({ body: { user_id: 10129, email: 'a@example.org', first_name: 'A', last_name: 'B' } }));
  const oauth = createOAuthGateway({
    registry: w.registry,
    stateSecret: SECRET,
    publicBaseUrl: server.url,
    nonceStore: new MongoNonceStore(w.h.db.connection, () => nowMs),
    now: () => nowMs,
    logger,
  });
  const vendorAccess = createVendorAccess({ registry: w.registry, secretsSurviveRestart: true });
  flow = createConnectFlow({ ...w.h.deps, logger, oauth, vendorAccess, onConnected: (a, p) => void connected.push([a, p]) });
  for (const r of oauthRoutes({ flow, providers: oauth.oauthProviders, logger })) server.addRoute(r);
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  nowMs = Date.parse('2026-11-22T07:00:00Z');
  w.h.notifier.events = [];
  connected.length = 0;
});

/** /connect → the vendor's authorization URL; the fake vendor is told which code it will hand back. */
async function startConnect(athleteId: string, provider: ProviderId, code: string) {
  const { url, expiresAt } = await flow.beginConnect({ personId: athleteId, platform: 'discord' }, provider);
  const u = new URL(url);
  const state = u.searchParams.get('state')!;
  const fake = provider === 'oura' ? w.oura : provider === 'polar' ? w.polar : provider === 'whoop' ? w.whoop : w.intervals;
  fake.auth.addCode(code, oauthCallbackUrl(server.url, provider), u.searchParams.get('code_challenge') ?? undefined);
  return { url: u, state, expiresAt, callback: `${server.url}/oauth/${provider}/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}` };
}

const rawConnection = (athleteId: string, provider: ProviderId) =>
  w.h.db.connection.collection('provider_connections').findOne({ _id: `${provider}:${athleteId}` as never });

describe('OAuth callback', () => {
  it('when the vendor sends the athlete back with a good state then the tokens are stored as ciphertext, the athlete is told and the first sync is queued', async () => {
    const a = await w.athleteWith('Connecting', {});
    const { url, callback, state } = await startConnect(a, 'oura', 'code-good-1');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toBe(`${server.url}/oauth/oura/callback`);
    logs.length = 0;

    const res = await fetch(callback);
    const page = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(page).toContain('Connected Oura — you can close this tab');
    const conn = await w.h.deps.connections.get(a, 'oura');
    expect(conn).toMatchObject({ status: 'active', version: 1 });
    expect(conn?.externalUserId).toBe(w.oura.personalInfo.id); // personal_info: webhooks name this athlete
    expect(w.oura.auth.validAccess.has(conn!.tokens.accessToken)).toBe(true); // the PKCE-checked exchange happened
    const raw = await rawConnection(a, 'oura');
    expect(isCiphertext(raw?.accessToken)).toBe(true);
    expect(isCiphertext(raw?.refreshToken)).toBe(true);
    expect(JSON.stringify(raw)).not.toContain(conn!.tokens.accessToken);
    expect(JSON.stringify(raw)).not.toContain(conn!.tokens.refreshToken!);
    for (const secret of [conn!.tokens.accessToken, conn!.tokens.refreshToken!, state, 'code-good-1', OURA_CLIENT.clientSecret]) {
      expect(page).not.toContain(secret);
      expect(logs.join('')).not.toContain(secret);
    }
    // Which Oura account was attached goes to the athlete (a forwarded link attaches whoever signs in).
    expect(w.h.notifier.events).toEqual([{ type: 'connection.connected', athleteId: a, provider: 'oura', via: 'oauth', account: { id: 'oura-user-8f2c', email: 'runner@example.org' } }]);
    expect(connected).toEqual([[a, 'oura']]);
  });

  it('when Oura cannot name the account (personal_info fails), then the connection still stands, without a webhook id', async () => {
    const a = await w.athleteWith('Unnamed', {});
    const { callback } = await startConnect(a, 'oura', 'code-unnamed');
    w.oura.server.fail({ path: '/v2/usercollection/personal_info', status: 500, times: 10 });
    const res = await fetch(callback);
    w.oura.server.clearFaults();
    expect(res.status).toBe(200);
    const conn = await w.h.deps.connections.get(a, 'oura');
    expect(conn).toMatchObject({ status: 'active' });
    expect(conn?.externalUserId).toBeUndefined();
    expect(logs.join('')).toContain('vendor user id lookup failed');
    expect(w.h.notifier.events).toEqual([{ type: 'connection.connected', athleteId: a, provider: 'oura', via: 'oauth', account: {} }]);
  });

  it('when the state was tampered with then the answer is 400, the vendor is never asked and nothing is stored', async () => {
    const a = await w.athleteWith('Tampered', {});
    const { state } = await startConnect(a, 'oura', 'code-tampered');
    const [v, payload, sig] = state.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const otherPayload = Buffer.from(JSON.stringify({ ...forged, athleteId: 'someone-else' })).toString('base64url');
    const tokenCalls = w.oura.server.requestsTo('/oauth/token').length;

    for (const bad of [`${v}.${otherPayload}.${sig}`, `${v}.${payload}.${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`, 'garbage']) {
      const res = await fetch(`${server.url}/oauth/oura/callback?code=code-tampered&state=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('invalid, expired or was already used');
    }
    expect(w.oura.server.requestsTo('/oauth/token').length).toBe(tokenCalls);
    expect(await rawConnection(a, 'oura')).toBeNull();
    expect(w.h.notifier.events).toEqual([]);
  });

  it('when the link has expired then the answer is 400 and nothing is stored', async () => {
    const a = await w.athleteWith('Late', {});
    const { callback, expiresAt } = await startConnect(a, 'oura', 'code-late');
    nowMs = expiresAt.getTime() + 1;
    const res = await fetch(callback);
    expect(res.status).toBe(400);
    expect(await rawConnection(a, 'oura')).toBeNull();
  });

  it('when a used link is replayed, or opened twice at the same moment, then exactly one request connects and the others get 400', async () => {
    const a = await w.athleteWith('Replay', {});
    const { callback } = await startConnect(a, 'oura', 'code-replay');
    const tokenCalls = w.oura.server.requestsTo('/oauth/token').length;

    const statuses = (await Promise.all([fetch(callback), fetch(callback), fetch(callback)])).map((r) => r.status).sort();
    const later = await fetch(callback);

    expect(statuses).toEqual([200, 400, 400]);
    expect(later.status).toBe(400);
    expect(w.oura.server.requestsTo('/oauth/token').length).toBe(tokenCalls + 1);
    expect((await w.h.deps.connections.get(a, 'oura'))?.version).toBe(1);
  });

  it('when a state made for one provider arrives on another provider\'s callback then it is refused', async () => {
    const a = await w.athleteWith('Crossed', {});
    const { state } = await startConnect(a, 'oura', 'code-crossed');
    const res = await fetch(`${server.url}/oauth/whoop/callback?code=code-crossed&state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(400);
    expect(await rawConnection(a, 'whoop')).toBeNull();
  });

  it('when the athlete declines at the vendor then the page says so with 400 and the link is spent', async () => {
    const a = await w.athleteWith('Declined', {});
    const { state, callback } = await startConnect(a, 'oura', 'code-declined');
    const res = await fetch(`${server.url}/oauth/oura/callback?error=access_denied&state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('did not grant access');
    expect((await fetch(callback)).status).toBe(400);
    expect(await rawConnection(a, 'oura')).toBeNull();
  });

  it('when a WHOOP user comes back then the offline and profile scopes were asked for and their WHOOP user id is stored for webhooks', async () => {
    const a = await w.athleteWith('Whoop user', {});
    const { url, callback } = await startConnect(a, 'whoop', 'code-whoop');
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['offline', 'read:profile', 'read:recovery']));
    const res = await fetch(callback);
    expect(res.status).toBe(200);
    const conn = await w.h.deps.connections.get(a, 'whoop');
    expect(conn).toMatchObject({ status: 'active', externalUserId: '10129' });
    expect(conn?.tokens.refreshToken).toBeDefined();
  });

  it('when a Polar user comes back then they are registered with AccessLink and their Polar user id is stored', async () => {
    const a = await w.athleteWith('Polar user', {});
    const { url, callback } = await startConnect(a, 'polar', 'code-polar');
    expect(url.searchParams.get('code_challenge')).toBeNull(); // Polar does not do PKCE
    const res = await fetch(callback);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Connected Polar');
    const registrations = w.polar.server.requestsTo('/v3/users', 'POST');
    expect(JSON.parse(registrations.at(-1)!.body)).toEqual({ 'member-id': a });
    expect(await w.h.deps.connections.get(a, 'polar')).toMatchObject({ status: 'active', externalUserId: String(POLAR_USER_ID) });
  });
});
