/**
 * Vendor webhooks: "something changed for user X" → an incremental fetch of that provider for the athlete,
 * queued in the background (the response never waits for the fetch).
 *
 *   POST /webhooks/oura    x-oura-signature / x-oura-timestamp (HMAC-SHA256 with the client secret)
 *                          body {event_type, data_type, object_id, event_time, user_id}
 *   GET  /webhooks/oura    subscription handshake: ?verification_token=&challenge= → {challenge}
 *   POST /webhooks/whoop   X-WHOOP-Signature / -Timestamp (HMAC-SHA256 with the client secret)
 *                          body {user_id, id, type, trace_id}
 *   POST /webhooks/polar   Polar-Webhook-Signature (HMAC-SHA256 with the webhook's signature_secret_key)
 *                          body {event, user_id, entity_id, timestamp, url}. A PING ({event: "PING"}) is
 *                          answered 200 BEFORE any signature check: Polar sends it while POST /v3/webhooks is
 *                          still running, i.e. before we know the key it is signed with, and creates the
 *                          webhook only on 200 (src/wearables/polar-webhook.ts). A PING triggers nothing.
 *
 * Order: signature over the RAW body first (401 for a missing/bad/stale signature — nothing is parsed or
 * looked up before), then JSON (400 when malformed or without a user id), then replay: a delivery whose
 * timestamp and raw body were already accepted within the vendor's window (twice its tolerance: ±5 min
 * for Oura and WHOOP, ±1 h for Polar's body timestamp) is answered 204 and not enqueued again — keyed on
 * the content, not the signature's spelling (Oura's hex compares case-blind). Then the vendor user →
 * athlete lookup (ProviderConnection.externalUserId) and the enqueue, then 204. Bodies are limited by the
 * HTTP front (src/http/server.ts) before any of this runs. An unknown or disconnected user also
 * gets 204 (with a log line): the answer reveals nothing about who is connected here.
 *
 * Only providers given a secret get a route; Polar's secret may be a lookup (the one stored when the webhook
 * was created), so its route exists before the secret does.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IngestService } from '../core/ingest.use-case.ts';
import type { ProviderId } from '../core/metrics.ts';
import type { Logger } from '../logger.ts';
import { ouraChallengeResponse, verifyOuraWebhook, verifyPolarWebhook, verifyWhoopWebhook, WEBHOOK_HEADERS, type WebhookVerification } from '../wearables/webhooks.ts';
import { ReplayGuard } from './replay-guard.ts';
import type { HttpRequest, HttpResponse, Route } from './server.ts';

export interface WebhookRoutesDeps {
  ingest: Pick<IngestService, 'onProviderEvent'>;
  logger: Logger;
  /** Oura signs with the OAuth client secret; the verification token answers the subscription handshake. */
  oura?: { clientSecret: string; verificationToken?: string };
  /** WHOOP signs with the OAuth client secret. */
  whoop?: { clientSecret: string };
  /** Polar signs with the signature_secret_key returned when the webhook was created (fixed, or looked up). */
  polar?: { signatureSecret: string | (() => Promise<string | undefined>) };
  /** Deliveries already accepted (default: one of its own). */
  replay?: ReplayGuard;
  now?: () => number;
}

/** How long a delivery can be replayed: twice the accepted clock difference (src/wearables/webhooks.ts). */
const REPLAY_WINDOW_MS: Record<'oura' | 'whoop' | 'polar', number> = { oura: 10 * 60_000, whoop: 10 * 60_000, polar: 2 * 3_600_000 };

/** One id per delivery: the signed content (timestamp header + raw body). */
const deliveryId = (provider: ProviderId, timestamp: unknown, body: Buffer) =>
  `${provider}:${createHash('sha256').update(String(Array.isArray(timestamp) ? timestamp[0] : (timestamp ?? ''))).update('\n').update(body).digest('hex')}`;

const userId = z.union([z.string().min(1).max(100), z.number().int().nonnegative()]).transform(String);
const ouraBody = z.object({ user_id: userId, event_type: z.string().optional(), data_type: z.string().optional() }).loose();
const whoopBody = z.object({ user_id: userId, type: z.string().optional() }).loose();
const polarBody = z.object({ event: z.string(), user_id: userId.optional() }).loose();

const json = (status: number, body: object): HttpResponse => ({ status, body });
const noContent: HttpResponse = { status: 204 };

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** Polar's PING (webhookPing in the AccessLink OpenAPI document): {event: "PING", timestamp} and nothing else. */
function isPolarPing(req: HttpRequest): boolean {
  if (req.body.length > 512) return false;
  const parsed = parseJson(req.body);
  if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object') return false;
  const v = parsed.value as Record<string, unknown>;
  return v.event === 'PING' && Object.keys(v).every((k) => k === 'event' || k === 'timestamp');
}

export function webhookRoutes(deps: WebhookRoutesDeps): Route[] {
  const log = deps.logger.child({ component: 'webhooks' });
  const now = deps.now ?? Date.now;
  const replay = deps.replay ?? new ReplayGuard({ now });

  const handle = async (
    provider: 'oura' | 'whoop' | 'polar',
    req: HttpRequest,
    timestamp: unknown,
    verified: WebhookVerification,
    schema: z.ZodType<{ user_id?: string | undefined; event?: string; type?: string; event_type?: string; data_type?: string }>,
    /** Checks that need the parsed body (Polar's staleness lives in the body's timestamp). */
    afterParse?: () => WebhookVerification,
  ): Promise<HttpResponse> => {
    if (!verified.ok) {
      log.warn({ provider, reason: verified.reason }, 'webhook rejected: signature');
      return json(401, { error: 'invalid signature' });
    }
    const parsed = parseJson(req.body);
    if (!parsed.ok) {
      log.warn({ provider }, 'webhook rejected: body is not JSON');
      return json(400, { error: 'malformed JSON' });
    }
    const fresh = afterParse?.();
    if (fresh && !fresh.ok) {
      log.warn({ provider, reason: fresh.reason }, 'webhook rejected: timestamp');
      return json(401, { error: 'invalid signature' });
    }
    const body = schema.safeParse(parsed.value);
    if (!body.success) {
      log.warn({ provider }, 'webhook rejected: unexpected body');
      return json(400, { error: 'unexpected body' });
    }
    const event = body.data.event ?? body.data.type ?? [body.data.event_type, body.data.data_type].filter(Boolean).join('.');
    if (!replay.firstSighting(deliveryId(provider, timestamp, req.body), REPLAY_WINDOW_MS[provider])) {
      log.warn({ provider, event }, 'webhook already received: acknowledged, not processed again');
      return noContent;
    }
    if (provider === 'polar' && body.data.event === 'PING') {
      log.info({ provider, event }, 'webhook ping');
      return noContent;
    }
    const vendorUser = body.data.user_id;
    if (vendorUser === undefined) {
      log.warn({ provider, event }, 'webhook rejected: no user id');
      return json(400, { error: 'unexpected body' });
    }
    const r = await deps.ingest.onProviderEvent(provider, vendorUser);
    if (r.status === 'queued') log.info({ provider, event, athleteId: r.athleteId }, 'webhook: fetch queued');
    else if (r.status === 'inactive') log.info({ provider, event, athleteId: r.athleteId }, 'webhook for an inactive connection: ignored');
    else log.info({ provider, event }, 'webhook for a user who is not connected here: ignored');
    return noContent;
  };

  const routes: Route[] = [];
  if (deps.oura) {
    const { clientSecret, verificationToken } = deps.oura;
    const h = WEBHOOK_HEADERS.oura;
    routes.push(
      {
        method: 'POST',
        path: '/webhooks/oura',
        handler: (req) =>
          handle('oura', req, req.headers[h.timestamp], verifyOuraWebhook({ rawBody: req.body, signature: req.headers[h.signature], timestamp: req.headers[h.timestamp], secret: clientSecret, now }), ouraBody),
      },
      {
        method: 'GET',
        path: '/webhooks/oura',
        handler: (req) => {
          const answer = verificationToken
            ? ouraChallengeResponse({ verification_token: req.query.get('verification_token'), challenge: req.query.get('challenge') }, verificationToken)
            : null;
          if (!answer) {
            log.warn({ provider: 'oura' }, 'webhook verification challenge refused');
            return json(401, { error: 'verification failed' });
          }
          return json(200, answer);
        },
      },
    );
  }
  if (deps.whoop) {
    const { clientSecret } = deps.whoop;
    const h = WEBHOOK_HEADERS.whoop;
    routes.push({
      method: 'POST',
      path: '/webhooks/whoop',
      handler: (req) =>
        handle('whoop', req, req.headers[h.timestamp], verifyWhoopWebhook({ rawBody: req.body, signature: req.headers[h.signature], timestamp: req.headers[h.timestamp], secret: clientSecret, now }), whoopBody),
    });
  }
  if (deps.polar) {
    const { signatureSecret } = deps.polar;
    const h = WEBHOOK_HEADERS.polar;
    routes.push({
      method: 'POST',
      path: '/webhooks/polar',
      handler: async (req) => {
        if (isPolarPing(req)) {
          log.info({ provider: 'polar' }, 'webhook ping answered');
          return json(200, { ok: true });
        }
        const secret = typeof signatureSecret === 'string' ? signatureSecret : await signatureSecret();
        if (secret === undefined) {
          log.warn({ provider: 'polar' }, 'webhook rejected: no signing secret stored yet');
          return json(401, { error: 'invalid signature' });
        }
        const input = { rawBody: req.body, signature: req.headers[h.signature], secret, now };
        // Signature first (without the body's timestamp, so a signed non-JSON body is a 400, not a 401), then staleness.
        return handle('polar', req, undefined, verifyPolarWebhook({ ...input, toleranceMs: null }), polarBody, () => verifyPolarWebhook(input));
      },
    });
  }
  return routes;
}
