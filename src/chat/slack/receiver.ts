/**
 * Slack's HTTP endpoint as one route of the service's HTTP front, and a Bolt receiver behind it: the
 * server (src/http/server.ts) has already matched `POST /slack/events` exactly and read the body within
 * its limit; this file decides whether Slack sent it and hands Bolt a parsed, well-formed body.
 *
 *   1. signature: v0=HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>") compared in constant time;
 *      the timestamp must lie within ±5 minutes of now (Slack's own window, made symmetric: a request
 *      stamped in the future is refused like a stale one)                                       else 401
 *   2. body: form-encoded (slash commands; `payload=<JSON object>` for interactivity) or JSON (events);
 *      the JSON must be an object — `payload=null`, arrays, numbers are refused           else 400 / 415
 *   3. Slack's own checks: ssl_check=1 → 200; url_verification → 200 {challenge}
 *   4. replay: the request's signature (a byte-for-byte replay repeats it) and, for events, the event_id
 *      (Slack's retries carry it under a new signature) go into a ReplayGuard for twice the window; a
 *      repeat is acknowledged with 200 and not processed
 *   5. Bolt: app.processEvent({ body, ack, retryNum, retryReason }); the HTTP answer is whatever the
 *      listener acks (200, with its body if any). A body Bolt cannot route (processEvent settles without
 *      an ack, or throws on its shape) gets 404 / 400 — never an exception out of the route.
 *
 * Replaces Bolt's HTTPReceiver, which was mounted by path prefix, threw HTTPReceiverDeferredRequestError
 * out of its listener for any other method or path, read the whole body before the signature check and
 * crashed on a signed `payload=null` (a rejection nobody caught).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { HttpRequest, HttpResponse, Route } from '../../http/server.ts';
import { ReplayGuard } from '../../http/replay-guard.ts';
import type { Logger } from '../../logger.ts';

export interface SlackReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** Where Slack posts (commands, interactivity and events on one URL). Default "/slack/events". */
  path?: string;
  /** Accepted clock difference, both ways. Default 5 minutes (Slack's). */
  toleranceMs?: number;
  /** An event no listener acknowledged within this time is answered 404 (Bolt's own default, 3,001 ms). */
  unhandledAfterMs?: number;
  replay?: ReplayGuard;
  now?: () => number;
}

export const SLACK_TOLERANCE_MS = 5 * 60_000;

type Verdict = { ok: true } | { ok: false; reason: 'missing' | 'timestamp' | 'mismatch' };

/** Slack's v0 request signature with a symmetric timestamp window. */
export function verifySlackSignature(input: { secret: string; body: Buffer; signature: unknown; timestamp: unknown; now: number; toleranceMs: number }): Verdict {
  const { signature, timestamp } = input;
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'timestamp' };
  if (Math.abs(input.now - Number(timestamp) * 1000) > input.toleranceMs) return { ok: false, reason: 'timestamp' };
  const m = /^v0=([0-9a-f]{64})$/.exec(signature);
  if (!m) return { ok: false, reason: 'mismatch' };
  const expected = createHmac('sha256', input.secret).update(`v0:${timestamp}:`).update(input.body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, 'hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

type Parsed = { ok: true; body: Record<string, unknown> } | { ok: false; status: 400 | 415; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Slack's two body encodings, to the object Bolt expects. */
export function parseSlackBody(contentType: string | undefined, raw: Buffer): Parsed {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload === null) return { ok: true, body: Object.fromEntries(form) };
    const body = parseJsonObject(payload);
    return body ? { ok: true, body } : { ok: false, status: 400, error: 'payload is not a JSON object' };
  }
  if (type === 'application/json') {
    const body = parseJsonObject(text);
    return body ? { ok: true, body } : { ok: false, status: 400, error: 'body is not a JSON object' };
  }
  return { ok: false, status: 415, error: 'unsupported content type' };
}

function ackAnswer(response: unknown): HttpResponse {
  if (response === undefined || response === null || response === '') return { status: 200 };
  if (typeof response === 'string') return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: response };
  return { status: 200, body: response as object };
}

const header = (req: HttpRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export class SlackReceiver implements Receiver {
  private app: App | undefined;
  private readonly log: Logger;
  private readonly replay: ReplayGuard;
  private readonly tolerance: number;
  private readonly now: () => number;

  constructor(private readonly options: SlackReceiverOptions) {
    this.log = options.logger.child({ component: 'slack-receiver' });
    this.replay = options.replay ?? new ReplayGuard();
    this.tolerance = options.toleranceMs ?? SLACK_TOLERANCE_MS;
    this.now = options.now ?? Date.now;
  }

  init(app: App): void {
    this.app = app;
  }
  /** Nothing to start: the route is served by the service's HTTP server. */
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  get route(): Route {
    return { method: 'POST', path: this.options.path ?? '/slack/events', handler: (req) => this.handle(req) };
  }

  async handle(req: HttpRequest): Promise<HttpResponse> {
    const signature = header(req, 'x-slack-signature');
    const verdict = verifySlackSignature({ secret: this.options.signingSecret, body: req.body, signature, timestamp: header(req, 'x-slack-request-timestamp'), now: this.now(), toleranceMs: this.tolerance });
    if (!verdict.ok) {
      this.log.warn({ reason: verdict.reason }, 'slack request rejected: signature');
      return { status: 401, body: { error: 'invalid signature' } };
    }
    const parsed = parseSlackBody(header(req, 'content-type'), req.body);
    if (!parsed.ok) {
      this.log.warn({ error: parsed.error }, 'slack request rejected: body');
      return { status: parsed.status, body: { error: parsed.error } };
    }
    const body = parsed.body;
    if (body.ssl_check === '1') return { status: 200 };
    if (body.type === 'url_verification') return { status: 200, body: { challenge: typeof body.challenge === 'string' ? body.challenge : '' } };

    const ids = [`slack:sig:${signature!}`, ...(typeof body.event_id === 'string' ? [`slack:event:${body.event_id}`] : [])];
    if (!this.replay.firstSightingOfAll(ids, 2 * this.tolerance)) {
      this.log.warn({ eventId: body.event_id, retryNum: header(req, 'x-slack-retry-num') }, 'slack request already seen: acknowledged, not processed');
      return { status: 200 };
    }
    return this.process(req, body);
  }

  private process(req: HttpRequest, body: Record<string, unknown>): Promise<HttpResponse> {
    const app = this.app;
    if (!app) return Promise.resolve({ status: 503, body: { error: 'not ready' } });
    return new Promise<HttpResponse>((resolve) => {
      let answered = false;
      const answer = (r: HttpResponse) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.log.warn({ type: body.type }, 'slack request not acknowledged in time');
        answer({ status: 404, body: { error: 'unhandled request' } });
      }, this.options.unhandledAfterMs ?? 3_001);
      timer.unref();
      const retryNum = Number(header(req, 'x-slack-retry-num'));
      const retryReason = header(req, 'x-slack-retry-reason');
      const event: ReceiverEvent = {
        body,
        ack: async (response?: unknown) => answer(ackAnswer(response)),
        ...(Number.isInteger(retryNum) ? { retryNum } : {}),
        ...(retryReason ? { retryReason } : {}),
      };
      let processing: Promise<void>;
      try {
        processing = app.processEvent(event);
      } catch (err) {
        processing = Promise.reject(err);
      }
      processing.then(
        () => {
          if (!answered) this.log.info({ type: body.type }, 'slack request matched no listener');
          answer({ status: 404, body: { error: 'unhandled request' } });
        },
        (err: unknown) => {
          this.log.warn({ err, type: body.type }, 'slack request could not be processed');
          answer({ status: 400, body: { error: 'unprocessable request' } });
        },
      );
    });
  }
}
