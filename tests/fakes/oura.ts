/**
 * Loopback fake of the Oura API v2, after the Oura API v2 OpenAPI document:
 *
 * - GET /v2/usercollection/{sleep,daily_sleep,daily_readiness,workout}?start_date=&end_date=&next_token= →
 *   MultiDocumentResponse {data, next_token} (next_token always present, null on the last page); documents
 *   carry `meta` {updated_at, version}; sleep `type` is PublicSleepType or null (the spec allows null);
 * - GET /v2/usercollection/personal_info → PersonalInfoResponse {id, age, weight, height, biological_sex,
 *   email} (only id is required; email is null without the `email` scope);
 * - 401 for unknown, expired or revoked bearer tokens; 403 when the user's membership has expired
 *   (`membershipExpired`), as the spec documents for every usercollection route;
 * - POST /oauth/token (client credentials in the form body, rotating refresh tokens) and
 *   POST /oauth/revoke?access_token= (the grant ends: access and refresh tokens of that grant stop working);
 * - the webhook subscription routes, authenticated by x-client-id / x-client-secret headers:
 *   GET/POST /v2/webhook/subscription, GET/PUT/DELETE /v2/webhook/subscription/{id},
 *   PUT /v2/webhook/subscription/renew/{id}. Creating one calls the callback_url with
 *   GET ?verification_token=&challenge= first and creates nothing unless it answers {challenge}; one
 *   subscription per (event_type, data_type, callback_url); 422 for values outside WebhookOperation /
 *   ExtApiV2DataType; 403 for an unknown id. Subscriptions expire at `expiration_time` (`subscriptionTtlMs`).
 */
import { createHash } from 'node:crypto';
import { FakeServer, FakeTokenAuthority, bearer, form, invalidGrant, paginate, type FakeRequest, type FakeResponse } from './fake-server.ts';

export const OURA_CLIENT = { clientId: 'oura-client', clientSecret: 'oura-secret' };

type Doc = Record<string, unknown> & { day: string };

const META = { updated_at: '2024-03-12T08:00:00+00:00', version: 1 };

/** WebhookOperation and ExtApiV2DataType in the spec. */
const EVENT_TYPES = ['create', 'update', 'delete'];
const DATA_TYPES = ['tag', 'enhanced_tag', 'workout', 'session', 'sleep', 'daily_sleep', 'daily_readiness', 'daily_activity', 'daily_spo2', 'sleep_time', 'rest_mode_period', 'ring_configuration', 'daily_stress', 'daily_cycle_phases', 'activation_status', 'daily_cardiovascular_age', 'daily_resilience', 'vo2_max'];

export interface OuraSubscription {
  id: string;
  callback_url: string;
  event_type: string;
  data_type: string;
  expiration_time: string;
}

export function ouraSleep(p: {
  id: string;
  day: string;
  bedtime_start: string;
  bedtime_end: string;
  type?: string | null;
  average_hrv?: number | null;
  lowest_heart_rate?: number | null;
  total_sleep_duration?: number | null;
}): Doc {
  return {
    id: p.id,
    meta: META,
    average_breath: 14.875,
    average_heart_rate: 52.25,
    average_hrv: p.average_hrv === undefined ? 48 : p.average_hrv,
    awake_time: 2310,
    bedtime_end: p.bedtime_end,
    bedtime_start: p.bedtime_start,
    day: p.day,
    deep_sleep_duration: 4890,
    efficiency: 91,
    heart_rate: { interval: 300, items: [58, 55, 53, null, 51], timestamp: p.bedtime_start },
    hrv: { interval: 300, items: [41, 47, 52, null, 50], timestamp: p.bedtime_start },
    latency: 540,
    light_sleep_duration: 15690,
    low_battery_alert: false,
    lowest_heart_rate: p.lowest_heart_rate === undefined ? 47 : p.lowest_heart_rate,
    movement_30_sec: '1111211111',
    period: 0,
    readiness: null,
    readiness_score_delta: null,
    rem_sleep_duration: 6240,
    restless_periods: 231,
    sleep_phase_5_min: '4422211123',
    sleep_score_delta: null,
    sleep_algorithm_version: 'v2',
    time_in_bed: 29130,
    total_sleep_duration: p.total_sleep_duration === undefined ? 26820 : p.total_sleep_duration,
    type: p.type === undefined ? 'long_sleep' : p.type,
  };
}

export function ouraDailySleep(day: string, score: number | null): Doc {
  return {
    id: `ds-${day}`,
    meta: META,
    contributors: { deep_sleep: 84, efficiency: 91, latency: 88, rem_sleep: 79, restfulness: 71, timing: 95, total_sleep: 86 },
    day,
    score,
    timestamp: `${day}T00:00:00+00:00`,
  };
}

export function ouraReadiness(day: string, score: number | null, temperatureDeviation = -0.12): Doc {
  return {
    id: `dr-${day}`,
    meta: META,
    contributors: {
      activity_balance: 82,
      body_temperature: 100,
      hrv_balance: 76,
      previous_day_activity: 93,
      previous_night: 85,
      recovery_index: 100,
      resting_heart_rate: 91,
      sleep_balance: 84,
    },
    day,
    score,
    temperature_deviation: temperatureDeviation,
    temperature_trend_deviation: 0.05,
    timestamp: `${day}T00:00:00+00:00`,
  };
}

export function ouraWorkout(p: {
  id: string;
  day: string;
  start: string;
  end: string;
  activity?: string;
  intensity?: 'easy' | 'moderate' | 'hard';
  distance?: number | null;
}): Doc {
  return {
    id: p.id,
    meta: META,
    activity: p.activity ?? 'running',
    calories: 612.4,
    day: p.day,
    distance: p.distance === undefined ? 10240.5 : p.distance,
    end_datetime: p.end,
    intensity: p.intensity ?? 'moderate',
    label: null,
    source: 'confirmed',
    start_datetime: p.start,
  };
}

export const OURA_COLLECTIONS = ['sleep', 'daily_sleep', 'daily_readiness', 'workout'] as const;
export type OuraCollection = (typeof OURA_COLLECTIONS)[number];

export class OuraFake {
  readonly auth = new FakeTokenAuthority('oura', { expiresIn: 86_400 });
  readonly data: Record<OuraCollection, Doc[]> = { sleep: [], daily_sleep: [], daily_readiness: [], workout: [] };
  pageSize = 50;
  /** The personal_info document of every token's user. */
  personalInfo = { id: 'oura-user-8f2c', age: 34, weight: 61.5, height: 1.68, biological_sex: 'female', email: 'runner@example.org' as string | null };
  /** Users whose Oura membership has lapsed: their data routes answer 403. */
  membershipExpired = false;
  readonly subscriptions = new Map<string, OuraSubscription>();
  subscriptionTtlMs = 30 * 86_400_000;
  now: () => number = Date.now;
  /** Access tokens revoked through /oauth/revoke (with their grant's refresh token). */
  readonly revoked: string[] = [];
  private subSeq = 0;

  private constructor(readonly server: FakeServer) {}

  static async start(): Promise<OuraFake> {
    const fake = new OuraFake(await FakeServer.start());
    fake.routes();
    return fake;
  }

  get baseUrl(): string {
    return this.server.url;
  }
  get tokenUrl(): string {
    return `${this.server.url}/oauth/token`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private routes(): void {
    this.server.on('GET', '/v2/usercollection/personal_info', (req) => this.personal(req));
    this.server.on('GET', '/v2/usercollection/:collection', (req) => this.list(req));
    this.server.on('POST', '/oauth/token', (req) => this.token(req));
    this.server.on('POST', '/oauth/revoke', (req) => this.revoke(req));
    this.server.on('GET', '/v2/webhook/subscription', (req) => this.clientAuthed(req, () => ({ body: [...this.subscriptions.values()] })));
    this.server.on('POST', '/v2/webhook/subscription', (req) => this.clientAuthed(req, () => this.subscribe(req)));
    this.server.on('GET', '/v2/webhook/subscription/:id', (req) => this.clientAuthed(req, () => this.subscriptionById(req.params.id, (s) => ({ body: s }))));
    this.server.on('DELETE', '/v2/webhook/subscription/:id', (req) =>
      this.clientAuthed(req, () => this.subscriptionById(req.params.id, (s) => (this.subscriptions.delete(s.id), { status: 204 }))),
    );
    this.server.on('PUT', '/v2/webhook/subscription/renew/:id', (req) =>
      this.clientAuthed(req, () => this.subscriptionById(req.params.id, (s) => ({ body: Object.assign(s, { expiration_time: this.expiry() }) }))),
    );
  }

  private expiry(): string {
    return new Date(this.now() + this.subscriptionTtlMs).toISOString();
  }

  private clientAuthed(req: FakeRequest, then: () => FakeResponse | Promise<FakeResponse>): FakeResponse | Promise<FakeResponse> {
    if (req.headers['x-client-id'] !== OURA_CLIENT.clientId || req.headers['x-client-secret'] !== OURA_CLIENT.clientSecret) {
      return { status: 401, body: { detail: 'Invalid client credentials' } };
    }
    return then();
  }

  private subscriptionById(id: string | undefined, then: (s: OuraSubscription) => FakeResponse): FakeResponse {
    const s = id === undefined ? undefined : this.subscriptions.get(id);
    return s ? then(s) : { status: 403, body: { detail: 'Webhook with specified id does not exist.' } };
  }

  /** POST /v2/webhook/subscription: the callback must echo the challenge first (Oura's verification GET). */
  private async subscribe(req: FakeRequest): Promise<FakeResponse> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return { status: 422, body: { detail: [{ loc: ['body'], msg: 'invalid JSON', type: 'value_error' }] } };
    }
    const { callback_url, verification_token, event_type, data_type } = body;
    const bad = (loc: string, msg: string): FakeResponse => ({ status: 422, body: { detail: [{ loc: ['body', loc], msg, type: 'value_error' }] } });
    if (typeof callback_url !== 'string') return bad('callback_url', 'field required');
    if (typeof verification_token !== 'string') return bad('verification_token', 'field required');
    if (typeof event_type !== 'string' || !EVENT_TYPES.includes(event_type)) return bad('event_type', `value is not a valid enumeration member; permitted: ${EVENT_TYPES.join(', ')}`);
    if (typeof data_type !== 'string' || !DATA_TYPES.includes(data_type)) return bad('data_type', 'value is not a valid enumeration member');
    for (const s of this.subscriptions.values()) {
      if (s.callback_url === callback_url && s.event_type === event_type && s.data_type === data_type) return { status: 409, body: { detail: 'Subscription already exists' } };
    }
    const challenge = `ch-${++this.subSeq}`;
    const check = new URL(callback_url);
    check.searchParams.set('verification_token', verification_token);
    check.searchParams.set('challenge', challenge);
    let echoed: unknown;
    try {
      const res = await fetch(check);
      echoed = res.ok ? ((await res.json()) as { challenge?: unknown }).challenge : undefined;
    } catch {
      echoed = undefined;
    }
    if (echoed !== challenge) return { status: 400, body: { detail: 'Callback verification failed' } };
    const sub: OuraSubscription = { id: `sub-${this.subSeq}`, callback_url, event_type, data_type, expiration_time: this.expiry() };
    this.subscriptions.set(sub.id, sub);
    return { status: 201, body: sub };
  }

  private personal(req: FakeRequest): FakeResponse {
    if (!this.auth.isValid(bearer(req))) return { status: 401, body: { detail: 'Unauthorized: invalid or expired access token' } };
    if (this.membershipExpired) return { status: 403, body: { detail: 'Access forbidden' } };
    return { body: this.personalInfo };
  }

  /** POST /oauth/revoke?access_token=: ends the grant (its access and refresh tokens). */
  private revoke(req: FakeRequest): FakeResponse {
    const token = req.query.get('access_token');
    if (!token || !this.auth.isValid(token)) return { status: 400, body: { error: 'invalid_token' } };
    this.auth.expire(token);
    this.auth.validRefresh.delete(token.replace('-at-', '-rt-'));
    this.revoked.push(token);
    return { status: 200, body: {} };
  }

  private list(req: FakeRequest) {
    if (!this.auth.isValid(bearer(req))) {
      return { status: 401, body: { detail: 'Unauthorized: invalid or expired access token' } };
    }
    if (this.membershipExpired) return { status: 403, body: { detail: 'Access forbidden' } };
    const collection = req.params.collection as OuraCollection;
    const docs = this.data[collection];
    if (!docs) return { status: 404, body: { detail: 'Not Found' } };
    const start = req.query.get('start_date');
    const end = req.query.get('end_date');
    if (!start || !end) return { status: 400, body: { detail: 'start_date and end_date are required' } };
    const matching = docs.filter((d) => d.day >= start && d.day <= end);
    const { page, next } = paginate(matching, req.query.get('next_token'), this.pageSize);
    return { body: { data: page, next_token: next } };
  }

  private token(req: FakeRequest) {
    const f = form(req);
    if (f.get('client_id') !== OURA_CLIENT.clientId || f.get('client_secret') !== OURA_CLIENT.clientSecret) {
      return { status: 401, body: { error: 'invalid_client' } };
    }
    if (f.get('grant_type') === 'refresh_token') {
      const t = this.auth.refresh(f.get('refresh_token') ?? '');
      return t ? { body: t } : invalidGrant;
    }
    if (f.get('grant_type') === 'authorization_code') {
      const t = this.auth.redeemCode(f.get('code') ?? '', f.get('redirect_uri'), f.get('code_verifier'), (v) =>
        createHash('sha256').update(v).digest('base64url'),
      );
      return t ? { body: t } : { status: 400, body: { error: 'invalid_grant' } };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }
}
