/**
 * Oura webhook subscriptions (issue #19): created (one per event and data type, after Oura's challenge to our
 * real route), never twice, and renewed before they expire — against the Oura fake's subscription routes.
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../src/http/server.ts';
import { webhookRoutes } from '../../src/http/webhooks.routes.ts';
import { createLogger } from '../../src/logger.ts';
import { OuraSubscriptions } from '../../src/wearables/oura-webhooks.ts';
import { OURA_CLIENT, OuraFake } from '../fakes/oura.ts';

const TOKEN = 'oura-verification-token-xyz';
let server: RunningHttpServer;
let fake: OuraFake;

beforeAll(async () => {
  const logger = createLogger({ level: 'silent' as never, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: new Registry(),
    health: async () => ({ status: 'ok', version: 'test', uptimeSeconds: 0, db: { ok: true, embedded: true }, tfBackend: 'cpu' }),
  });
  for (const r of webhookRoutes({ ingest: { onProviderEvent: async () => ({ status: 'unknown_user' as const }) }, logger, oura: { clientSecret: OURA_CLIENT.clientSecret, verificationToken: TOKEN } })) server.addRoute(r);
  fake = await OuraFake.start();
});
afterAll(async () => {
  await fake?.close();
  await server?.close();
});

const subs = (token = TOKEN) => new OuraSubscriptions({ ...OURA_CLIENT, baseUrl: fake.baseUrl, callbackUrl: `${server.url}/webhooks/oura`, verificationToken: token, maxAttempts: 1 });

describe('Oura webhook subscriptions', () => {
  it('when the verification token is wrong, then Oura creates nothing (our route refuses its challenge)', async () => {
    await expect(subs('not-our-token').ensure()).rejects.toMatchObject({ code: 'PROVIDER.BAD_REQUEST' });
    expect(fake.subscriptions.size).toBe(0);
  });

  it('when ensured twice, then the 8 (event, data type) subscriptions exist once each, with the client headers', async () => {
    expect(await subs().ensure()).toEqual({ created: 8, existing: 0 });
    expect(await subs().ensure()).toEqual({ created: 0, existing: 8 });
    expect([...fake.subscriptions.values()].map((s) => `${s.event_type}:${s.data_type}`).sort()).toEqual(
      ['create:daily_readiness', 'create:daily_sleep', 'create:sleep', 'create:workout', 'update:daily_readiness', 'update:daily_sleep', 'update:sleep', 'update:workout'],
    );
    expect(fake.server.requestsTo('/v2/webhook/subscription', 'POST').every((r) => r.headers['x-client-id'] === OURA_CLIENT.clientId)).toBe(true);
  });

  it('when subscriptions expire within the window, then they are due and renewal moves their expiry forward', async () => {
    const t0 = Date.now();
    const soon = new Date(t0 + 24 * 3_600_000);
    const first = [...fake.subscriptions.values()][0]!;
    first.expiration_time = new Date(t0 + 3_600_000).toISOString();
    const due = await subs().due(soon);
    expect(due).toEqual([{ provider: 'oura', id: first.id, expiresAt: new Date(first.expiration_time) }]);
    await subs().renew(due[0]!);
    expect(Date.parse(fake.subscriptions.get(first.id)!.expiration_time)).toBeGreaterThan(soon.getTime());
    expect(await subs().due(soon)).toEqual([]);
  });
});
