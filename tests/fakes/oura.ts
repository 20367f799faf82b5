/**
 * Loopback fake of the Oura API v2 (https://cloud.ouraring.com/v2/docs): /v2/usercollection/{sleep,
 * daily_sleep,daily_readiness,workout} with start_date/end_date and next_token paging, 401 for unknown or
 * expired bearer tokens, and POST /oauth/token (client credentials in the form body, rotating refresh tokens).
 * Payload builders follow the documented document shapes (extra fields included, as the real API sends them).
 */
import { createHash } from 'node:crypto';
import { FakeServer, FakeTokenAuthority, bearer, form, invalidGrant, paginate, type FakeRequest } from './fake-server.ts';

export const OURA_CLIENT = { clientId: 'oura-client', clientSecret: 'oura-secret' };

type Doc = Record<string, unknown> & { day: string };

export function ouraSleep(p: {
  id: string;
  day: string;
  bedtime_start: string;
  bedtime_end: string;
  type?: string;
  average_hrv?: number | null;
  lowest_heart_rate?: number | null;
  total_sleep_duration?: number | null;
}): Doc {
  return {
    id: p.id,
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
    type: p.type ?? 'long_sleep',
  };
}

export function ouraDailySleep(day: string, score: number | null): Doc {
  return {
    id: `ds-${day}`,
    contributors: { deep_sleep: 84, efficiency: 91, latency: 88, rem_sleep: 79, restfulness: 71, timing: 95, total_sleep: 86 },
    day,
    score,
    timestamp: `${day}T00:00:00+00:00`,
  };
}

export function ouraReadiness(day: string, score: number | null, temperatureDeviation = -0.12): Doc {
  return {
    id: `dr-${day}`,
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
    this.server.on('GET', '/v2/usercollection/:collection', (req) => this.list(req));
    this.server.on('POST', '/oauth/token', (req) => this.token(req));
  }

  private list(req: FakeRequest) {
    if (!this.auth.isValid(bearer(req))) {
      return { status: 401, body: { detail: 'Unauthorized: invalid or expired access token' } };
    }
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
