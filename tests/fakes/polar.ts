/**
 * Loopback fake of Polar AccessLink v3, after the Polar AccessLink OpenAPI document: POST /v3/users
 * registration (409 when already registered), DELETE /v3/users/{user-id} (de-registration: 204, the token stops
 * working), GET /v3/users/nightly-recharge {recharges}, /v3/users/sleep {nights} (the `sleep` schema requires
 * no field: `nightWithout` drops some), /v3/exercises [...] (no paging, 204 when empty, 403 before
 * registration, 401 for bad tokens), RateLimit-Usage/-Limit/-Reset headers, POST /v2/oauth2/token with HTTP
 * Basic client credentials (long-lived access token + x_user_id, no refresh token), and the webhook routes
 * (HTTP Basic client credentials): POST /v3/webhooks {events, url} sends the PING {event: "PING", timestamp}
 * to the url — signed with the new webhook's key, which the receiver cannot know yet — while the POST is
 * still open, creates nothing unless the PING gets 200, answers 201 {data: {id, events, url,
 * signature_secret_key}} (the only time the key is shown), 409 when a webhook exists; GET /v3/webhooks;
 * DELETE /v3/webhooks/{id}.
 */
import { createHmac } from 'node:crypto';
import { FakeServer, FakeTokenAuthority, basic, bearer, form, type FakeRequest, type FakeResponse } from './fake-server.ts';

export const POLAR_CLIENT = { clientId: 'polar-client', clientSecret: 'polar-secret' };
export const POLAR_USER_ID = 475;

type Rec = Record<string, unknown>;

export function polarRecharge(date: string, v: { hr: number; hrv: number; status: number; ans: number }): Rec {
  return {
    polar_user: `https://www.polaraccesslink.com/v3/users/${POLAR_USER_ID}`,
    date,
    heart_rate_avg: v.hr,
    beat_to_beat_avg: Math.round(60000 / v.hr),
    heart_rate_variability_avg: v.hrv,
    breathing_rate_avg: 14.1,
    nightly_recharge_status: v.status,
    ans_charge: v.ans,
    ans_charge_status: 3,
    hrv_samples: { '00:41': 14, '00:46': 14, '00:51': 15 },
    breathing_samples: { '00:39': 13.4, '00:44': 13.5, '00:49': 13.5 },
  };
}

export function polarNight(p: { date: string; start: string; end: string; light: number; deep: number; rem: number; score: number }): Rec {
  return {
    polar_user: `https://www.polaraccesslink.com/v3/users/${POLAR_USER_ID}`,
    date: p.date,
    sleep_start_time: p.start,
    sleep_end_time: p.end,
    device_id: '1111AAAA',
    continuity: 2.9,
    continuity_class: 3,
    light_sleep: p.light,
    deep_sleep: p.deep,
    rem_sleep: p.rem,
    unrecognized_sleep_stage: 0,
    sleep_score: p.score,
    total_interruption_duration: 1740,
    sleep_charge: 3,
    sleep_goal: 28800,
    sleep_rating: 0,
    short_interruption_duration: 1020,
    long_interruption_duration: 720,
    sleep_cycles: 5,
    group_duration_score: 100,
    group_solidity_score: 75,
    group_regeneration_score: 54.2,
    hypnogram: { '00:39': 2, '00:50': 3, '01:23': 5 },
    heart_rate_samples: { '00:41': 76, '00:46': 77, '00:51': 76 },
  };
}

export function polarExercise(p: {
  id: string;
  start: string;
  offset: number;
  duration: string;
  sport: string;
  trainingLoad?: number;
  hr?: { average: number; maximum: number };
  distance?: number;
}): Rec {
  const e: Rec = {
    id: p.id,
    upload_time: `${p.start}.000Z`,
    polar_user: `https://www.polaraccesslink.com/v3/users/${POLAR_USER_ID}`,
    device: 'Polar Vantage V3',
    device_id: '1111AAAA',
    start_time: p.start,
    start_time_utc_offset: p.offset,
    duration: p.duration,
    calories: 530,
    sport: p.sport,
    has_route: p.distance !== undefined,
    detailed_sport_info: p.sport,
  };
  if (p.trainingLoad !== undefined) e.training_load = p.trainingLoad;
  if (p.hr) e.heart_rate = p.hr;
  if (p.distance !== undefined) e.distance = p.distance;
  return e;
}

export class PolarFake {
  readonly auth = new FakeTokenAuthority('polar', { issueRefresh: false, expiresIn: 315_360_000 });
  readonly registered = new Set<string>();
  /** Tokens whose user was de-registered (DELETE /v3/users/{user-id}). */
  readonly deregistered: string[] = [];
  recharges: Rec[] = [];
  nights: Rec[] = [];
  exercises: Rec[] = [];
  /** The app's webhook (one per client, as in AccessLink). */
  webhook: { id: string; url: string; events: string[]; signature_secret_key: string; active: boolean } | undefined;
  /** What the PING got back when the last webhook creation tried it. */
  lastPing: { status: number } | { error: string } | undefined;
  private webhookSeq = 0;
  /** Sent as RateLimit-Usage on data answers (short, long window). */
  usage: [number, number] = [12, 140];
  reset: [number, number] = [600, 80_000];

  private constructor(readonly server: FakeServer) {}

  static async start(): Promise<PolarFake> {
    const fake = new PolarFake(await FakeServer.start());
    fake.server.on('POST', '/v2/oauth2/token', (req) => fake.token(req));
    fake.server.on('POST', '/v3/users', (req) => fake.register(req));
    fake.server.on('GET', '/v3/users/nightly-recharge', (req) => fake.data(req, () => (fake.recharges.length ? { recharges: fake.recharges } : undefined)));
    fake.server.on('GET', '/v3/users/sleep', (req) => fake.data(req, () => (fake.nights.length ? { nights: fake.nights } : undefined)));
    fake.server.on('GET', '/v3/exercises', (req) => fake.data(req, () => (fake.exercises.length ? fake.exercises : undefined)));
    fake.server.on('DELETE', '/v3/users/:userId', (req) => fake.deregister(req));
    fake.server.on('POST', '/v3/webhooks', (req) => fake.clientAuthed(req, () => fake.createWebhook(req)));
    fake.server.on('GET', '/v3/webhooks', (req) =>
      fake.clientAuthed(req, () => ({ body: { data: fake.webhook ? [{ id: fake.webhook.id, events: fake.webhook.events, url: fake.webhook.url, active: fake.webhook.active }] : [] } })),
    );
    fake.server.on('DELETE', '/v3/webhooks/:id', (req) =>
      fake.clientAuthed(req, () => {
        if (!fake.webhook || fake.webhook.id !== req.params.id) return { status: 404, body: { status: 404, errorType: 'NOT_FOUND', message: 'Webhook not found' } };
        fake.webhook = undefined;
        return { status: 204 };
      }),
    );
    return fake;
  }

  get baseUrl(): string {
    return this.server.url;
  }
  get tokenUrl(): string {
    return `${this.server.url}/v2/oauth2/token`;
  }
  close(): Promise<void> {
    return this.server.close();
  }

  /** A connected, registered user's token. */
  connect(): string {
    const t = this.auth.mint();
    this.registered.add(t.access_token);
    return t.access_token;
  }

  private clientAuthed(req: FakeRequest, then: () => FakeResponse | Promise<FakeResponse>): FakeResponse | Promise<FakeResponse> {
    const b = basic(req);
    if (!b || b.user !== POLAR_CLIENT.clientId || b.pass !== POLAR_CLIENT.clientSecret) return { status: 401, body: { status: 401, errorType: 'UNAUTHORIZED', message: 'Unauthorized' } };
    return then();
  }

  /** POST /v3/webhooks: PING the url first (while this request is still open), create only on 200. */
  private async createWebhook(req: FakeRequest): Promise<FakeResponse> {
    const bad = (message: string): FakeResponse => ({ status: 400, body: { timestamp: new Date().toISOString(), status: 400, errorType: 'BAD_REQUEST', message } });
    let body: Rec;
    try {
      body = JSON.parse(req.body) as Rec;
    } catch {
      return bad('Request body is not JSON');
    }
    const { url, events } = body;
    if (typeof url !== 'string' || !Array.isArray(events) || events.length === 0) return bad('events and url are required');
    if (this.webhook) return { status: 409, body: { status: 409, errorType: 'CONFLICT', message: 'Webhook already exists' } };
    const key = `whsec-${++this.webhookSeq}-${Math.random().toString(36).slice(2)}`;
    const ping = JSON.stringify({ timestamp: new Date().toISOString(), event: 'PING' });
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'polar-webhook-event': 'PING', 'polar-webhook-signature': createHmac('sha256', key).update(ping).digest('hex') },
        body: ping,
      });
      this.lastPing = { status: res.status };
    } catch (e) {
      this.lastPing = { error: String(e) };
    }
    if (!('status' in this.lastPing) || this.lastPing.status !== 200) return bad('Webhook ping to the url did not return 200 OK');
    this.webhook = { id: `wh-${this.webhookSeq}`, url, events: events.map(String), signature_secret_key: key, active: true };
    return { status: 201, body: { data: { id: this.webhook.id, events: this.webhook.events, url, signature_secret_key: key } } };
  }

  /** DELETE /v3/users/{user-id}: de-registers the user; the token is revoked. */
  private deregister(req: FakeRequest): FakeResponse {
    const token = bearer(req);
    if (!this.auth.isValid(token)) return { status: 401, body: { error: 'Unauthorized' } };
    if (req.params.userId !== String(POLAR_USER_ID)) return { status: 403, body: { error: 'Not your user' } };
    this.registered.delete(token as string);
    this.auth.expire(token as string);
    this.deregistered.push(token as string);
    return { status: 204 };
  }

  private rateHeaders(): Record<string, string> {
    return {
      'ratelimit-usage': `${this.usage[0]}, ${this.usage[1]}`,
      'ratelimit-limit': '500, 5000',
      'ratelimit-reset': `${this.reset[0]}, ${this.reset[1]}`,
    };
  }

  private data(req: FakeRequest, body: () => unknown): FakeResponse {
    const token = bearer(req);
    if (!this.auth.isValid(token)) return { status: 401, body: { error: 'Unauthorized' } };
    if (!this.registered.has(token as string)) return { status: 403, body: { error: 'User not registered or consents missing' } };
    const b = body();
    return b === undefined ? { status: 204, headers: this.rateHeaders() } : { headers: this.rateHeaders(), body: b };
  }

  private register(req: FakeRequest): FakeResponse {
    const token = bearer(req);
    if (!this.auth.isValid(token)) return { status: 401, body: { error: 'Unauthorized' } };
    const memberId = (JSON.parse(req.body || '{}') as Rec)['member-id'];
    if (typeof memberId !== 'string') return { status: 400, body: { error: 'member-id required' } };
    if (this.registered.has(token as string)) return { status: 409, body: { error: 'User already registered' } };
    this.registered.add(token as string);
    return {
      body: {
        'polar-user-id': POLAR_USER_ID,
        'member-id': memberId,
        'registration-date': '2024-03-01T10:00:00.000Z',
        'first-name': 'Test',
        'last-name': 'Athlete',
      },
    };
  }

  private token(req: FakeRequest): FakeResponse {
    const b = basic(req);
    if (!b || b.user !== POLAR_CLIENT.clientId || b.pass !== POLAR_CLIENT.clientSecret) {
      return { status: 401, body: { error: 'invalid_client' } };
    }
    const f = form(req);
    if (f.get('grant_type') !== 'authorization_code') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const t = this.auth.redeemCode(f.get('code') ?? '', f.get('redirect_uri'), null, (v) => v);
    if (!t) return { status: 400, body: { error: 'invalid_grant' } };
    return { body: { access_token: t.access_token, token_type: 'bearer', expires_in: t.expires_in, x_user_id: POLAR_USER_ID } };
  }
}
