/**
 * Webhook routes through the real HTTP server: signatures over the raw body, the vendor user → athlete
 * lookup, and the background fetch they trigger (real clients on the loopback fakes, embedded database).
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IngestService } from '../../../src/core/ingest.use-case.ts';
import { startHttpServer, type RunningHttpServer } from '../../../src/http/server.ts';
import { webhookRoutes } from '../../../src/http/webhooks.routes.ts';
import { createLogger } from '../../../src/logger.ts';
import { signOuraWebhook, signPolarWebhook, signWhoopWebhook } from '../../../src/wearables/webhooks.ts';
import { OURA_CLIENT, ouraReadiness } from '../../fakes/oura.ts';
import { POLAR_USER_ID, polarRecharge } from '../../fakes/polar.ts';
import { WHOOP_CLIENT, whoopRecovery, whoopSleep } from '../../fakes/whoop.ts';
import { useIngestWorld } from '../core/ingest.support.ts';

const w = useIngestWorld('2026-11-22T07:00:00Z');
const POLAR_SECRET = 'polar-webhook-signature-secret';
const VERIFY_TOKEN = 'oura-verification-token-1';
const NOW = Date.parse('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';
const logs: string[] = [];
let server: RunningHttpServer;
let ingest: IngestService;
let events: [string, string][] = [];

beforeAll(async () => {
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: new Registry(),
    health: async () => ({ status: 'ok', version: 'test', uptimeSeconds: 0, db: { ok: true, embedded: true }, tfBackend: 'cpu' }),
  });
  ingest = w.service({ backfillDays: 3 }).ingest;
  const counting = {
    onProviderEvent: (p: Parameters<IngestService['onProviderEvent']>[0], u: string) => {
      events.push([p, u]);
      return ingest.onProviderEvent(p, u);
    },
  };
  for (const r of webhookRoutes({
    ingest: counting,
    logger,
    now: () => NOW,
    oura: { clientSecret: OURA_CLIENT.clientSecret, verificationToken: VERIFY_TOKEN },
    whoop: { clientSecret: WHOOP_CLIENT.clientSecret },
    polar: { signatureSecret: POLAR_SECRET },
  }))
    server.addRoute(r);
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  events = [];
  logs.length = 0;
  w.oura.data.daily_readiness = [ouraReadiness(TODAY, 73)];
  w.oura.server.requests.length = 0;
  w.whoop.server.requests.length = 0;
  w.polar.server.requests.length = 0;
});

const post = (path: string, body: string, headers: Record<string, string>) =>
  fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

function ouraPost(body: string, opts: { secret?: string; ts?: number } = {}) {
  const ts = String(Math.floor((opts.ts ?? NOW) / 1000));
  return post('/webhooks/oura', body, { 'x-oura-timestamp': ts, 'x-oura-signature': signOuraWebhook(body, ts, opts.secret ?? OURA_CLIENT.clientSecret) });
}
function whoopPost(body: string, opts: { secret?: string; ts?: number } = {}) {
  const ts = String(opts.ts ?? NOW);
  return post('/webhooks/whoop', body, { 'x-whoop-signature-timestamp': ts, 'x-whoop-signature': signWhoopWebhook(body, ts, opts.secret ?? WHOOP_CLIENT.clientSecret) });
}
function polarPost(body: string, secret = POLAR_SECRET) {
  return post('/webhooks/polar', body, { 'polar-webhook-event': 'SLEEP', 'polar-webhook-signature': signPolarWebhook(body, secret) });
}
const stored = async (athleteId: string) =>
  (await w.h.db.connection.collection('daily_metrics').find({ athleteId }).sort({ date: 1 }).toArray()).map((d) => d.date as string);

describe('Oura webhook', () => {
  it('when a correctly signed event names a connected user then 204 comes back and that athlete\'s Oura data is fetched in the background', async () => {
    const a = await w.athleteWith('Oura hook', { oura: { ...w.ouraTokens(), externalUserId: 'oura-u-1' } });
    const body = JSON.stringify({ event_type: 'update', data_type: 'daily_readiness', object_id: 'dr-x', event_time: '2026-11-22T06:59:00+00:00', user_id: 'oura-u-1' });

    const res = await ouraPost(body);
    expect(res.status).toBe(204);
    await ingest.idle();

    expect(events).toEqual([['oura', 'oura-u-1']]);
    expect(await stored(a)).toEqual([TODAY]);
    expect(w.oura.server.requestsTo('/v2/usercollection/daily_readiness')).toHaveLength(1);
  });

  it('when the signature is wrong, missing or stale then 401 comes back and nothing is looked up or fetched', async () => {
    await w.athleteWith('Oura forged', { oura: { ...w.ouraTokens(), externalUserId: 'oura-u-2' } });
    const body = JSON.stringify({ event_type: 'update', data_type: 'sleep', user_id: 'oura-u-2' });
    const forged = await ouraPost(body, { secret: 'not-the-client-secret' });
    const stale = await ouraPost(body, { ts: NOW - 10 * 60_000 });
    const unsigned = await post('/webhooks/oura', body, {});
    const ts = String(Math.floor(NOW / 1000));
    const otherBody = await post('/webhooks/oura', body.replace('oura-u-2', 'oura-u-3'), { 'x-oura-timestamp': ts, 'x-oura-signature': signOuraWebhook(body, ts, OURA_CLIENT.clientSecret) });

    expect([forged.status, stale.status, unsigned.status, otherBody.status]).toEqual([401, 401, 401, 401]);
    await ingest.idle();
    expect(events).toEqual([]);
    expect(w.oura.server.requests).toHaveLength(0);
  });

  it('when a signed body is not JSON or has no user then 400 comes back', async () => {
    expect((await ouraPost('{"user_id": "trunc')).status).toBe(400);
    expect((await ouraPost(JSON.stringify({ event_type: 'update' }))).status).toBe(400);
    expect(events).toEqual([]);
  });

  it('when the user is not connected here then the answer is the same 204 and only a log line records it', async () => {
    const res = await ouraPost(JSON.stringify({ event_type: 'create', data_type: 'sleep', user_id: 'stranger' }));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await ingest.idle();
    expect(w.oura.server.requests).toHaveLength(0);
    expect(logs.join('')).toContain('not connected here');
  });

  it('when Oura verifies the subscription then the challenge is echoed only for the right verification token', async () => {
    const ok = await fetch(`${server.url}/webhooks/oura?verification_token=${VERIFY_TOKEN}&challenge=abc123`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: 'abc123' });
    const bad = await fetch(`${server.url}/webhooks/oura?verification_token=wrong&challenge=abc123`);
    expect(bad.status).toBe(401);
  });
});

describe('WHOOP webhook', () => {
  it('when a signed recovery event arrives then the athlete with that WHOOP user id gets a WHOOP fetch; a forged one gets 401', async () => {
    w.whoop.data.sleep = [whoopSleep({ id: 'sl-1', start: '2026-11-21T22:30:00Z', end: '2026-11-22T06:30:00Z', light: 14_400_000, sws: 5_400_000, rem: 6_000_000 })];
    w.whoop.data.recovery = [whoopRecovery({ cycleId: 93845, sleepId: 'sl-1', createdAt: '2026-11-22T06:35:00Z', recovery: 66, rhr: 48, hrv: 81 })];
    const a = await w.athleteWith('Whoop hook', { whoop: { ...w.whoopTokens(), externalUserId: '10129' } });
    const body = JSON.stringify({ user_id: 10129, id: 'sl-1', type: 'recovery.updated', trace_id: 't-1' });

    expect((await whoopPost(body, { secret: 'wrong-secret' })).status).toBe(401);
    expect(events).toEqual([]);
    expect((await whoopPost(body)).status).toBe(204);
    await ingest.idle();

    expect(events).toEqual([['whoop', '10129']]);
    expect(await stored(a)).toEqual([TODAY]);
    expect((await w.h.deps.dailyMetrics.get(a, TODAY))?.fields.hrvRmssd).toEqual({ value: 81, source: 'whoop' });
  });
});

describe('Polar webhook', () => {
  it('when a signed event arrives then the Polar user is fetched; PING is answered without a lookup; a bad signature gets 401', async () => {
    w.polar.recharges = [polarRecharge(TODAY, { hr: 50, hrv: 66, status: 4, ans: 5.2 })];
    const a = await w.athleteWith('Polar hook', { polar: { ...w.polarTokens(), externalUserId: String(POLAR_USER_ID) } });
    const ping = JSON.stringify({ event: 'PING', timestamp: new Date(NOW).toISOString() });
    const sleep = JSON.stringify({ event: 'SLEEP', user_id: POLAR_USER_ID, entity_id: '2026-11-22', timestamp: new Date(NOW).toISOString(), url: 'https://x' });

    expect((await polarPost(ping)).status).toBe(200); // Polar creates the webhook only on 200 OK
    expect((await polarPost(sleep, 'wrong')).status).toBe(401);
    expect((await polarPost('not json at all')).status).toBe(400);
    expect(events).toEqual([]);
    expect((await polarPost(sleep)).status).toBe(204);
    await ingest.idle();

    expect(events).toEqual([['polar', String(POLAR_USER_ID)]]);
    expect((await w.h.deps.dailyMetrics.get(a, TODAY))?.fields.hrvRmssd).toEqual({ value: 66, source: 'polar' });
  });

  it('when a Polar event is older than an hour then it is refused as stale', async () => {
    const old = JSON.stringify({ event: 'SLEEP', user_id: POLAR_USER_ID, timestamp: new Date(NOW - 2 * 3_600_000).toISOString() });
    expect((await polarPost(old)).status).toBe(401);
    expect(events).toEqual([]);
  });
});

describe('replayed and oversized deliveries', () => {
  it('when the same signed delivery arrives twice (even with the signature re-cased) then both get 204 and the fetch is queued once', async () => {
    await w.athleteWith('Oura replay', { oura: { ...w.ouraTokens(), externalUserId: 'oura-u-replay' } });
    const body = JSON.stringify({ event_type: 'update', data_type: 'sleep', object_id: 'sl-r', event_time: '2026-11-22T06:58:00+00:00', user_id: 'oura-u-replay' });
    const ts = String(Math.floor(NOW / 1000));
    const sig = signOuraWebhook(body, ts, OURA_CLIENT.clientSecret);
    const first = await post('/webhooks/oura', body, { 'x-oura-timestamp': ts, 'x-oura-signature': sig });
    const again = await post('/webhooks/oura', body, { 'x-oura-timestamp': ts, 'x-oura-signature': sig });
    const recased = await post('/webhooks/oura', body, { 'x-oura-timestamp': ts, 'x-oura-signature': sig.toLowerCase() === sig ? sig.toUpperCase() : sig.toLowerCase() });
    await ingest.idle();

    expect([first.status, again.status, recased.status]).toEqual([204, 204, 204]);
    expect(events).toEqual([['oura', 'oura-u-replay']]);
    expect(logs.join('')).toContain('webhook already received');
  });

  it('when a new delivery repeats the body under a new timestamp then it is processed (only exact repeats are dropped)', async () => {
    const body = JSON.stringify({ user_id: 'whoop-u-repeat', id: 'x', type: 'sleep.updated', trace_id: 't-r' });
    expect((await whoopPost(body, { ts: NOW - 1_000 })).status).toBe(204);
    expect((await whoopPost(body, { ts: NOW })).status).toBe(204);
    expect(events).toEqual([
      ['whoop', 'whoop-u-repeat'],
      ['whoop', 'whoop-u-repeat'],
    ]);
  });

  it('when a body is over the 1 MiB limit then the answer is 413 and no signature is even checked', async () => {
    const big = JSON.stringify({ user_id: 'x', pad: 'a'.repeat(1024 * 1024) });
    const res = await whoopPost(big);
    expect(res.status).toBe(413);
    expect(events).toEqual([]);
    expect(logs.join('')).not.toContain('webhook rejected');
  });
});
