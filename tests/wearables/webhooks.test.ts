import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ouraChallengeResponse,
  signOuraWebhook,
  signPolarWebhook,
  signWhoopWebhook,
  verifyOuraWebhook,
  verifyPolarWebhook,
  verifyWhoopWebhook,
} from '../../src/wearables/webhooks.ts';

const NOW = Date.parse('2024-03-12T08:00:00Z');
const now = () => NOW;

describe('WHOOP webhook signatures', () => {
  const secret = 'whoop-client-secret';
  const body = '{"user_id":10129,"id":"ecfc6a15-4661-442f-a9a4-f160dd7afae8","type":"recovery.updated","trace_id":"d3709ee7-104e-4f70-a928-2932964b017b"}';
  const ts = String(NOW - 2_000); // ms since epoch
  // Computed independently of the code under test: base64(HMAC-SHA256(secret, timestamp + body)).
  const expected = createHmac('sha256', secret).update(ts + body).digest('base64');

  it('when signed per the docs, then it verifies', () => {
    expect(signWhoopWebhook(body, ts, secret)).toBe(expected);
    expect(verifyWhoopWebhook({ rawBody: body, signature: expected, timestamp: ts, secret, now })).toEqual({ ok: true });
    expect(verifyWhoopWebhook({ rawBody: Buffer.from(body), signature: [expected], timestamp: ts, secret, now })).toEqual({ ok: true });
  });

  it('when the body, timestamp or secret differ, then it is rejected as bad_signature', () => {
    expect(verifyWhoopWebhook({ rawBody: body.replace('10129', '10130'), signature: expected, timestamp: ts, secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWhoopWebhook({ rawBody: body, signature: expected, timestamp: String(NOW - 1_000), secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWhoopWebhook({ rawBody: body, signature: expected, timestamp: ts, secret: 'other', now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWhoopWebhook({ rawBody: body, signature: 'not base64 !', timestamp: ts, secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('when the timestamp is older (or newer) than the tolerance, then it is rejected as stale even if signed', () => {
    const old = String(NOW - 5 * 60_000 - 1);
    const sig = signWhoopWebhook(body, old, secret);
    expect(verifyWhoopWebhook({ rawBody: body, signature: sig, timestamp: old, secret, now })).toEqual({ ok: false, reason: 'stale_timestamp' });
    const future = String(NOW + 6 * 60_000);
    expect(verifyWhoopWebhook({ rawBody: body, signature: signWhoopWebhook(body, future, secret), timestamp: future, secret, now })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyWhoopWebhook({ rawBody: body, signature: sig, timestamp: old, secret, now, toleranceMs: 10 * 60_000 })).toEqual({ ok: true });
  });

  it('when headers are missing or the timestamp is not a number, then it is rejected with the reason', () => {
    expect(verifyWhoopWebhook({ rawBody: body, signature: undefined, timestamp: ts, secret, now })).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyWhoopWebhook({ rawBody: body, signature: expected, timestamp: null, secret, now })).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verifyWhoopWebhook({ rawBody: body, signature: expected, timestamp: '2024-03-12T08:00:00Z', secret, now })).toEqual({ ok: false, reason: 'bad_timestamp' });
  });
});

describe('Oura webhook signatures', () => {
  const secret = 'oura-client-secret';
  const body = '{"event_type":"update","data_type":"sleep","object_id":"12345abc","event_time":"2024-03-12T07:59:58+00:00","user_id":"8c1e9f"}';
  const ts = String(Math.floor(NOW / 1000) - 3); // seconds
  const expected = createHmac('sha256', secret).update(ts + body).digest('hex').toUpperCase();

  it('when signed per the docs (uppercase hex over timestamp + body), then it verifies', () => {
    expect(signOuraWebhook(body, ts, secret)).toBe(expected);
    expect(verifyOuraWebhook({ rawBody: body, signature: expected, timestamp: ts, secret, now })).toEqual({ ok: true });
    expect(verifyOuraWebhook({ rawBody: body, signature: expected.toLowerCase(), timestamp: ts, secret, now })).toEqual({ ok: true });
  });

  it('when tampered, then bad_signature; when old, then stale_timestamp', () => {
    expect(verifyOuraWebhook({ rawBody: body.replace('sleep', 'workout'), signature: expected, timestamp: ts, secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyOuraWebhook({ rawBody: body, signature: expected.slice(0, 62), timestamp: ts, secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
    const old = String(Math.floor(NOW / 1000) - 301);
    expect(verifyOuraWebhook({ rawBody: body, signature: signOuraWebhook(body, old, secret), timestamp: old, secret, now })).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('when Oura checks the subscription callback, then the challenge is echoed only for the right verification token', () => {
    expect(ouraChallengeResponse({ verification_token: 'tok-123', challenge: 'abc' }, 'tok-123')).toEqual({ challenge: 'abc' });
    expect(ouraChallengeResponse({ verification_token: 'tok-124', challenge: 'abc' }, 'tok-123')).toBeNull();
    expect(ouraChallengeResponse({ verification_token: 'tok-123' }, 'tok-123')).toBeNull();
  });
});

describe('Polar webhook signatures', () => {
  const secret = 'polar-signature-secret-key';
  const body = '{"event":"EXERCISE","user_id":475,"entity_id":"aQlC83","timestamp":"2024-03-12T07:58:24Z","url":"https://www.polaraccesslink.com/v3/exercises/aQlC83"}';
  const expected = createHmac('sha256', secret).update(body).digest('hex');

  it('when signed per the docs (hex HMAC-SHA256 of the body), then it verifies', () => {
    expect(signPolarWebhook(body, secret)).toBe(expected);
    expect(verifyPolarWebhook({ rawBody: body, signature: expected, secret, now })).toEqual({ ok: true });
  });

  it('when the body or secret differ, then bad_signature', () => {
    expect(verifyPolarWebhook({ rawBody: body.replace('475', '476'), signature: expected, secret, now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyPolarWebhook({ rawBody: body, signature: expected, secret: 'x', now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyPolarWebhook({ rawBody: body, signature: undefined, secret, now })).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('when the body timestamp is older than the tolerance, then stale_timestamp (unless the check is disabled)', () => {
    const stale = body.replace('2024-03-12T07:58:24Z', '2024-03-12T06:59:59Z');
    const sig = signPolarWebhook(stale, secret);
    expect(verifyPolarWebhook({ rawBody: stale, signature: sig, secret, now })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyPolarWebhook({ rawBody: stale, signature: sig, secret, now, toleranceMs: null })).toEqual({ ok: true });
  });

  it('when the signed PING has no timestamp, then it is reported as missing_timestamp', () => {
    const ping = '{"event":"PING","timestamp":null}';
    expect(verifyPolarWebhook({ rawBody: ping, signature: signPolarWebhook(ping, secret), secret, now })).toEqual({ ok: false, reason: 'missing_timestamp' });
  });
});
