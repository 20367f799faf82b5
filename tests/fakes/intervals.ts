/**
 * Loopback fake of intervals.icu (https://intervals.icu/api-docs.html): GET /api/v1/athlete/{id}/wellness and
 * /activities with inclusive oldest/newest dates (no pagination, plain JSON arrays); auth by HTTP Basic
 * "API_KEY:<key>" or an OAuth bearer token; athlete id "0" = the caller's own athlete; 401 for bad credentials,
 * 403 for someone else's athlete; POST /api/oauth/token (code exchange only — no refresh tokens).
 */
import { FakeServer, FakeTokenAuthority, basic, bearer, form, type FakeRequest, type FakeResponse } from './fake-server.ts';

export const INTERVALS_CLIENT = { clientId: 'intervals-client', clientSecret: 'intervals-secret' };
export const INTERVALS_ATHLETE = 'i123456';

type Rec = Record<string, unknown>;

/** A wellness record as intervals.icu returns it (most fields null unless entered/synced). */
export function intervalsWellness(day: string, values: Rec): Rec {
  return {
    id: day,
    ctl: null,
    atl: null,
    rampRate: null,
    ctlLoad: null,
    atlLoad: null,
    sportInfo: [],
    updated: `${day}T09:12:44.123+00:00`,
    weight: null,
    restingHR: null,
    hrv: null,
    hrvSDNN: null,
    menstrualPhase: null,
    menstrualPhasePredicted: null,
    kcalConsumed: null,
    sleepSecs: null,
    sleepScore: null,
    sleepQuality: null,
    avgSleepingHR: null,
    soreness: null,
    fatigue: null,
    stress: null,
    mood: null,
    motivation: null,
    injury: null,
    spO2: null,
    systolic: null,
    diastolic: null,
    hydration: null,
    hydrationVolume: null,
    readiness: null,
    baevskySI: null,
    bloodGlucose: null,
    lactate: null,
    bodyFat: null,
    abdomen: null,
    vo2max: null,
    comments: null,
    steps: null,
    respiration: null,
    locked: null,
    ...values,
  };
}

export function intervalsActivity(values: Rec & { id: string; start_date_local: string }): Rec {
  return {
    icu_athlete_id: INTERVALS_ATHLETE,
    source: 'GARMIN_CONNECT',
    external_id: `garmin-${values.id}`,
    name: 'Morning session',
    description: null,
    type: 'Ride',
    trainer: false,
    commute: false,
    elapsed_time: values.moving_time ?? null,
    icu_ftp: 265,
    icu_intensity: 78.4,
    icu_efficiency_factor: 1.42,
    average_heartrate: null,
    max_heartrate: null,
    icu_training_load: null,
    icu_rpe: null,
    feel: null,
    ...values,
  };
}

export class IntervalsFake {
  readonly auth = new FakeTokenAuthority('intervals', { issueRefresh: false });
  readonly apiKeys = new Set<string>(['k3y-0123456789abcdef']);
  wellness: Rec[] = [];
  activities: Rec[] = [];

  private constructor(readonly server: FakeServer) {}

  static async start(): Promise<IntervalsFake> {
    const fake = new IntervalsFake(await FakeServer.start());
    fake.server.on('GET', '/api/v1/athlete/:id/wellness', (req) => fake.list(req, fake.wellness, (r) => String(r.id)));
    // Activities are compared by their local start date-time: a date-only `newest` means its midnight (the
    // intervals.icu API reference: oldest/newest are "Local ISO-8601 date or date and time").
    fake.server.on('GET', '/api/v1/athlete/:id/activities', (req) => fake.list(req, fake.activities, (r) => String(r.start_date_local), true));
    fake.server.on('GET', '/api/v1/athlete/:id', (req) => fake.athlete(req));
    fake.server.on('POST', '/api/oauth/token', (req) => fake.token(req));
    return fake;
  }

  get baseUrl(): string {
    return this.server.url;
  }
  get tokenUrl(): string {
    return `${this.server.url}/api/oauth/token`;
  }
  close(): Promise<void> {
    return this.server.close();
  }

  private authorized(req: FakeRequest): boolean {
    const b = basic(req);
    if (b) return b.user === 'API_KEY' && this.apiKeys.has(b.pass);
    return this.auth.isValid(bearer(req));
  }

  private list(req: FakeRequest, rows: Rec[], keyOf: (r: Rec) => string, dateTime = false): FakeResponse {
    if (!this.authorized(req)) return { status: 401, body: { status: 401, error: 'Unauthorized' } };
    if (req.params.id !== '0' && req.params.id !== INTERVALS_ATHLETE) return { status: 403, body: { status: 403, error: 'Access denied' } };
    const asBound = (v: string | null) => (v !== null && dateTime && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00` : v);
    const oldest = asBound(req.query.get('oldest'));
    const newest = asBound(req.query.get('newest'));
    if (!oldest) return { status: 422, body: { status: 422, error: 'oldest is required' } };
    return { body: rows.filter((r) => keyOf(r) >= oldest && (newest === null || keyOf(r) <= newest)) };
  }

  /** GET /api/v1/athlete/{id}: the athlete behind the key or token. */
  private athlete(req: FakeRequest): FakeResponse {
    if (!this.authorized(req)) return { status: 401, body: { status: 401, error: 'Unauthorized' } };
    if (req.params.id !== '0' && req.params.id !== INTERVALS_ATHLETE) return { status: 403, body: { status: 403, error: 'Access denied' } };
    return { body: { id: INTERVALS_ATHLETE, name: 'Test Athlete', email: 'athlete@example.org', sex: 'F', timezone: 'America/Denver' } };
  }

  private token(req: FakeRequest): FakeResponse {
    const f = form(req);
    if (f.get('client_id') !== INTERVALS_CLIENT.clientId || f.get('client_secret') !== INTERVALS_CLIENT.clientSecret) {
      return { status: 401, body: { error: 'invalid_client' } };
    }
    const t = this.auth.redeemCode(f.get('code') ?? '', f.get('redirect_uri'), null, (v) => v);
    if (!t) return { status: 400, body: { error: 'invalid_grant' } };
    return {
      body: { token_type: 'Bearer', access_token: t.access_token, scope: 'ACTIVITY:READ,WELLNESS:READ', athlete: { id: INTERVALS_ATHLETE, name: 'Test Athlete' } },
    };
  }
}
