/**
 * Slack's endpoint without a network: signature with a symmetric window, body parsing to an object,
 * Slack's own checks, replay (byte-for-byte and by event_id across retries) and what Bolt answers.
 */
import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { parseSlackBody, SlackReceiver, verifySlackSignature } from '../../../../src/chat/slack/receiver.ts';
import type { HttpRequest } from '../../../../src/http/server.ts';
import { createLogger } from '../../../../src/logger.ts';
import { SECRET, signature } from './requests.ts';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const TS = NOW / 1000;
const logger = createLogger({ level: 'silent' });

function request(body: string, opts: { ts?: number; type?: string; headers?: Record<string, string> } = {}): HttpRequest {
  const ts = opts.ts ?? TS;
  return {
    method: 'POST',
    path: '/slack/events',
    query: new URLSearchParams(),
    body: Buffer.from(body),
    headers: { 'content-type': opts.type ?? 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(SECRET, ts, body), ...opts.headers },
  };
}

/** A Bolt stand-in: records bodies and acks (or not, or throws) as told. */
function receiverWith(behaviour: 'ack' | 'silent' | 'throw' = 'ack') {
  const seen: Record<string, unknown>[] = [];
  const r = new SlackReceiver({ signingSecret: SECRET, logger, now: () => NOW, unhandledAfterMs: 200 });
  r.init({
    processEvent: async (e: { body: Record<string, unknown>; ack: (x?: unknown) => Promise<void> }) => {
      seen.push(e.body);
      if (behaviour === 'throw') throw new TypeError("Cannot read properties of undefined (reading 'id')");
      if (behaviour === 'ack') await e.ack();
    },
  } as unknown as App);
  return { r, seen };
}

describe('verifySlackSignature', () => {
  const base = { secret: SECRET, body: Buffer.from('x=1'), now: NOW, toleranceMs: 300_000 };
  it('when the timestamp is within ±5 minutes then a correct signature passes; 5 min + 1 s either way is refused', () => {
    for (const dt of [-300, 0, 300]) expect(verifySlackSignature({ ...base, timestamp: String(TS + dt), signature: signature(SECRET, TS + dt, 'x=1') })).toEqual({ ok: true });
    for (const dt of [-301, 301, 600]) expect(verifySlackSignature({ ...base, timestamp: String(TS + dt), signature: signature(SECRET, TS + dt, 'x=1') })).toEqual({ ok: false, reason: 'timestamp' });
  });
  it('when the signature is missing, malformed or for other bytes then it is refused', () => {
    expect(verifySlackSignature({ ...base, timestamp: String(TS), signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(verifySlackSignature({ ...base, timestamp: '1e9', signature: signature(SECRET, TS, 'x=1') })).toEqual({ ok: false, reason: 'timestamp' });
    expect(verifySlackSignature({ ...base, timestamp: String(TS), signature: 'v0=zz' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySlackSignature({ ...base, timestamp: String(TS), signature: signature(SECRET, TS, 'x=2') })).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('parseSlackBody', () => {
  it('when payload is not a JSON object (null, array, number, broken) then 400; an unknown content type is 415', () => {
    for (const p of ['null', '[]', '7', '"s"', '{']) expect(parseSlackBody('application/x-www-form-urlencoded', Buffer.from(`payload=${encodeURIComponent(p)}`))).toMatchObject({ ok: false, status: 400 });
    for (const b of ['null', '[1]', '']) expect(parseSlackBody('application/json', Buffer.from(b))).toMatchObject({ ok: false, status: 400 });
    expect(parseSlackBody('text/plain', Buffer.from('{}'))).toMatchObject({ ok: false, status: 415 });
    expect(parseSlackBody(undefined, Buffer.from('{}'))).toMatchObject({ ok: false, status: 415 });
  });
  it('when the body is a slash command, an interactive payload or an event then Bolt gets the object', () => {
    expect(parseSlackBody('application/x-www-form-urlencoded; charset=utf-8', Buffer.from('command=%2Fhelp&text='))).toEqual({ ok: true, body: { command: '/help', text: '' } });
    expect(parseSlackBody('application/x-www-form-urlencoded', Buffer.from(`payload=${encodeURIComponent('{"type":"block_actions"}')}`))).toEqual({ ok: true, body: { type: 'block_actions' } });
    expect(parseSlackBody('application/json', Buffer.from('{"type":"event_callback"}'))).toEqual({ ok: true, body: { type: 'event_callback' } });
  });
});

describe('SlackReceiver', () => {
  it('when a signed payload=null arrives then 400 and Bolt never sees it', async () => {
    const { r, seen } = receiverWith();
    expect((await r.handle(request('payload=null'))).status).toBe(400);
    expect(seen).toEqual([]);
  });

  it('when the request is stamped 10 minutes ahead then 401', async () => {
    const { r, seen } = receiverWith();
    expect((await r.handle(request('command=%2Fhelp', { ts: TS + 600 }))).status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('when Slack checks the URL or SSL then it is answered without Bolt', async () => {
    const { r, seen } = receiverWith();
    expect(await r.handle(request('{"type":"url_verification","challenge":"c-1"}', { type: 'application/json' }))).toEqual({ status: 200, body: { challenge: 'c-1' } });
    expect((await r.handle(request('ssl_check=1&token=x'))).status).toBe(200);
    expect(seen).toEqual([]);
  });

  it('when the same bytes come twice, or Slack retries an event_id under a new signature, then Bolt sees it once and every answer is 200', async () => {
    const { r, seen } = receiverWith();
    const event = (ts: number) => request(JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: { type: 'app_home_opened' } }).replace('}', `,"event_time":${ts}}`), { type: 'application/json', ts, headers: {} });
    const answers = [await r.handle(request('command=%2Fhelp')), await r.handle(request('command=%2Fhelp')), await r.handle(event(TS)), await r.handle({ ...event(TS + 1), headers: { ...event(TS + 1).headers, 'x-slack-retry-num': '1' } })];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(seen.map((b) => b.command ?? b.event_id)).toEqual(['/help', 'Ev1']);
  });

  it('when no listener acknowledges then 404 after the wait; when Bolt throws on the body then 400', async () => {
    expect((await receiverWith('silent').r.handle(request('command=%2Fnobody'))).status).toBe(404);
    expect((await receiverWith('throw').r.handle(request(`payload=${encodeURIComponent('{"type":"block_actions"}')}`))).status).toBe(400);
  });
});
