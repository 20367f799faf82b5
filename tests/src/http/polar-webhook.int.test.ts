/**
 * Issue #19: the Polar webhook could never be created — Polar PINGs the url while POST /v3/webhooks is still
 * open and shows the signing key only in that call's answer, while our route only existed once a secret was
 * configured and checked the PING's signature first. Now: the route exists with a stored-secret lookup, the
 * PING is answered 200 before any signature check, ensurePolarWebhook creates the webhook against the Polar
 * fake (which really PINGs our server) and stores the key encrypted; signed events then verify with it.
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCiphertext } from '../../../src/core/crypto.ts';
import type { IngestService } from '../../../src/core/ingest.use-case.ts';
import { MongoWebhookSecretStore } from '../../../src/db/webhook-secret.repository.ts';
import { startHttpServer, type RunningHttpServer } from '../../../src/http/server.ts';
import { webhookRoutes } from '../../../src/http/webhooks.routes.ts';
import { createLogger } from '../../../src/logger.ts';
import { ensurePolarWebhook } from '../../../src/wearables/polar-webhook.ts';
import { PolarProvider } from '../../../src/wearables/polar.ts';
import { signPolarWebhook } from '../../../src/wearables/webhooks.ts';
import { POLAR_CLIENT, POLAR_USER_ID } from '../../fakes/polar.ts';
import { useIngestWorld } from '../core/ingest.support.ts';

const w = useIngestWorld('2026-11-22T07:00:00Z');
let server: RunningHttpServer;
let store: MongoWebhookSecretStore;
let client: PolarProvider;
const events: string[] = [];

beforeAll(async () => {
  const logger = createLogger({ level: 'silent' as never, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: new Registry(),
    health: async () => ({ status: 'ok', version: 'test', uptimeSeconds: 0, db: { ok: true, embedded: true }, tfBackend: 'cpu' }),
  });
  store = new MongoWebhookSecretStore(w.h.db.connection, w.h.cipher);
  const ingest: Pick<IngestService, 'onProviderEvent'> = {
    onProviderEvent: async (_p, u) => {
      events.push(u);
      return { status: 'unknown_user' as const };
    },
  };
  for (const r of webhookRoutes({ ingest, logger, polar: { signatureSecret: async () => (await store.get('polar'))?.secret } })) server.addRoute(r);
  client = new PolarProvider({ ...POLAR_CLIENT, baseUrl: w.polar.baseUrl, tokenUrl: w.polar.tokenUrl, maxAttempts: 1 });
});
afterAll(async () => {
  await server?.close();
});

const post = (body: string, secret: string) =>
  fetch(`${server.url}/webhooks/polar`, { method: 'POST', headers: { 'content-type': 'application/json', 'polar-webhook-event': 'EXERCISE', 'polar-webhook-signature': signPolarWebhook(body, secret) }, body });

describe('creating the Polar webhook', () => {
  it('when it is created, then Polar’s PING gets 200 before we know the key, the key is stored encrypted and signed events verify with it', async () => {
    const url = `${server.url}/webhooks/polar`;
    const out = await ensurePolarWebhook({ client, store, url });
    expect(out).toEqual({ status: 'created', webhookId: w.polar.webhook!.id });
    expect(w.polar.lastPing).toEqual({ status: 200 });
    const raw = await w.h.db.connection.collection('webhook_secrets').findOne({ _id: 'polar' as never });
    expect(isCiphertext(raw?.secret)).toBe(true);
    expect(JSON.stringify(raw)).not.toContain(w.polar.webhook!.signature_secret_key);
    expect((await store.get('polar'))?.secret).toBe(w.polar.webhook!.signature_secret_key);

    const body = JSON.stringify({ event: 'EXERCISE', user_id: POLAR_USER_ID, entity_id: 'abc', timestamp: new Date().toISOString(), url: 'https://x' });
    expect((await post(body, 'not-the-key')).status).toBe(401);
    expect((await post(body, w.polar.webhook!.signature_secret_key)).status).toBe(204);
    expect(events).toEqual([String(POLAR_USER_ID)]);
  });

  it('when it runs again, then nothing is sent to Polar; when Polar holds a webhook whose key we lost, then it is replaced', async () => {
    const url = `${server.url}/webhooks/polar`;
    const first = w.polar.webhook!.id;
    const before = w.polar.server.requestsTo('/v3/webhooks', 'POST').length;
    expect(await ensurePolarWebhook({ client, store, url })).toEqual({ status: 'exists', webhookId: first });
    expect(w.polar.server.requestsTo('/v3/webhooks', 'POST').length).toBe(before);
    await store.delete('polar');
    const again = await ensurePolarWebhook({ client, store, url });
    expect(again).toEqual({ status: 'created', webhookId: w.polar.webhook!.id, replaced: first });
    expect((await store.get('polar'))?.secret).toBe(w.polar.webhook!.signature_secret_key);
  });

  it('when the PING is not answered 200 (the old route: signature first), then Polar creates nothing', async () => {
    w.polar.webhook = undefined;
    const err = await client.createWebhook(`${server.url}/webhooks/does-not-exist`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PROVIDER.BAD_REQUEST' });
    expect(w.polar.lastPing).toEqual({ status: 404 });
    expect(w.polar.webhook).toBeUndefined();
  });
});
