/**
 * Webhook signature verification (the HTTP routes are wired elsewhere: pass the raw body bytes exactly as
 * received — never a re-serialised JSON object — and the header values).
 *
 * WHOOP  https://developer.whoop.com/docs/developing/webhooks
 *        X-WHOOP-Signature = base64(HMAC-SHA256(client_secret, X-WHOOP-Signature-Timestamp + raw body)),
 *        timestamp in ms since the epoch. Stale or future timestamps (default ±5 min) are rejected.
 * Oura   https://cloud.ouraring.com/v2/docs#tag/Webhook-Subscription-Routes
 *        x-oura-signature = uppercase hex HMAC-SHA256(client_secret, x-oura-timestamp + raw body), timestamp in
 *        seconds. (Subscriptions are created with a verification_token echoed via a GET challenge — that
 *        handshake is the route's job; see ouraChallengeResponse.) Stale timestamps (default ±5 min) rejected.
 * Polar  https://www.polar.com/accesslink-api/#webhooks
 *        Polar-Webhook-Signature = hex HMAC-SHA256(signature_secret_key, raw body); event name in
 *        Polar-Webhook-Event; body {event, user_id, entity_id, timestamp, url}. No timestamp header, so
 *        staleness is judged on the body's `timestamp` (default 1 h, since Polar redelivers failed events;
 *        a missed event is caught by the periodic sync anyway). The PING sent at webhook creation is signed
 *        with the key we only learn from that creation call's answer, so the route answers it 200 unchecked.
 *
 * All comparisons are on decoded digest bytes with crypto.timingSafeEqual.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = {
  whoop: { signature: 'x-whoop-signature', timestamp: 'x-whoop-signature-timestamp' },
  oura: { signature: 'x-oura-signature', timestamp: 'x-oura-timestamp' },
  polar: { signature: 'polar-webhook-signature', event: 'polar-webhook-event' },
} as const;

export type WebhookRejection =
  | 'missing_signature'
  | 'missing_timestamp'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'bad_signature';

export type WebhookVerification = { ok: true } | { ok: false; reason: WebhookRejection };

type RawBody = string | Uint8Array;
type HeaderValue = string | string[] | null | undefined;

interface TimestampedInput {
  rawBody: RawBody;
  signature: HeaderValue;
  timestamp: HeaderValue;
  secret: string;
  now?: () => number;
  toleranceMs?: number;
}

function single(v: HeaderValue): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s === null || s === undefined || s.trim() === '' ? undefined : s.trim();
}

function hmac(secret: string, ...parts: RawBody[]): Buffer {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

function sameBytes(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function checkTimestamp(ts: string | undefined, unit: 'ms' | 's', now: number, toleranceMs: number): WebhookVerification {
  if (ts === undefined) return { ok: false, reason: 'missing_timestamp' };
  if (!/^\d+$/.test(ts)) return { ok: false, reason: 'bad_timestamp' };
  const ms = unit === 'ms' ? Number(ts) : Number(ts) * 1000;
  if (!Number.isSafeInteger(ms)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs(now - ms) > toleranceMs) return { ok: false, reason: 'stale_timestamp' };
  return { ok: true };
}

export function signWhoopWebhook(rawBody: RawBody, timestamp: string, secret: string): string {
  return hmac(secret, timestamp, rawBody).toString('base64');
}

export function verifyWhoopWebhook(input: TimestampedInput): WebhookVerification {
  const signature = single(input.signature);
  if (signature === undefined) return { ok: false, reason: 'missing_signature' };
  const ts = single(input.timestamp);
  const fresh = checkTimestamp(ts, 'ms', (input.now ?? Date.now)(), input.toleranceMs ?? 5 * 60_000);
  if (!fresh.ok) return fresh;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return { ok: false, reason: 'bad_signature' };
  const ok = sameBytes(Buffer.from(signature, 'base64'), hmac(input.secret, ts as string, input.rawBody));
  return ok ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

export function signOuraWebhook(rawBody: RawBody, timestamp: string, clientSecret: string): string {
  return hmac(clientSecret, timestamp, rawBody).toString('hex').toUpperCase();
}

export function verifyOuraWebhook(input: TimestampedInput): WebhookVerification {
  const signature = single(input.signature);
  if (signature === undefined) return { ok: false, reason: 'missing_signature' };
  const ts = single(input.timestamp);
  const fresh = checkTimestamp(ts, 's', (input.now ?? Date.now)(), input.toleranceMs ?? 5 * 60_000);
  if (!fresh.ok) return fresh;
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, reason: 'bad_signature' };
  const ok = sameBytes(Buffer.from(signature, 'hex'), hmac(input.secret, ts as string, input.rawBody));
  return ok ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

/** Oura's subscription handshake: GET ?verification_token=&challenge= → {challenge} iff the token matches. */
export function ouraChallengeResponse(
  query: { verification_token?: string | null; challenge?: string | null },
  expectedToken: string,
): { challenge: string } | null {
  const token = query.verification_token ?? '';
  const a = Buffer.from(token);
  const b = Buffer.from(expectedToken);
  if (!query.challenge || a.length !== b.length || !timingSafeEqual(a, b)) return null;
  return { challenge: query.challenge };
}

export function signPolarWebhook(rawBody: RawBody, signatureSecretKey: string): string {
  return hmac(signatureSecretKey, rawBody).toString('hex');
}

export function verifyPolarWebhook(input: {
  rawBody: RawBody;
  signature: HeaderValue;
  secret: string;
  now?: () => number;
  /** Max age of the body's `timestamp`. Default 1 h; null disables the check. */
  toleranceMs?: number | null;
}): WebhookVerification {
  const signature = single(input.signature);
  if (signature === undefined) return { ok: false, reason: 'missing_signature' };
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, reason: 'bad_signature' };
  if (!sameBytes(Buffer.from(signature, 'hex'), hmac(input.secret, input.rawBody))) {
    return { ok: false, reason: 'bad_signature' };
  }
  const tolerance = input.toleranceMs === undefined ? 60 * 60_000 : input.toleranceMs;
  if (tolerance === null) return { ok: true };
  let ts: unknown;
  try {
    const text = typeof input.rawBody === 'string' ? input.rawBody : Buffer.from(input.rawBody).toString('utf8');
    ts = (JSON.parse(text) as { timestamp?: unknown }).timestamp;
  } catch {
    return { ok: false, reason: 'bad_timestamp' };
  }
  if (typeof ts !== 'string') return { ok: false, reason: 'missing_timestamp' };
  const at = Date.parse(ts);
  if (Number.isNaN(at)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs((input.now ?? Date.now)() - at) > tolerance) return { ok: false, reason: 'stale_timestamp' };
  return { ok: true };
}
