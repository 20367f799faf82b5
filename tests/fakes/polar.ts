/**
 * Loopback fake of Polar AccessLink v3 (https://www.polar.com/accesslink-api/): POST /v3/users registration
 * (409 when already registered), GET /v3/users/nightly-recharge {recharges}, /v3/users/sleep {nights},
 * /v3/exercises [...] (no paging, 204 when empty, 403 before registration, 401 for bad tokens),
 * RateLimit-Usage/-Limit/-Reset headers, and POST /v2/oauth2/token with HTTP Basic client credentials
 * (long-lived access token + x_user_id, no refresh token).
 */
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
  recharges: Rec[] = [];
  nights: Rec[] = [];
  exercises: Rec[] = [];
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
