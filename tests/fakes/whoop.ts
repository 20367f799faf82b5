/**
 * Loopback fake of the WHOOP API v2 (https://developer.whoop.com/api): /developer/v2/{recovery,
 * activity/sleep, activity/workout, cycle} with limit (≤ 25, else 400), start/end and nextToken paging
 * ({records, next_token}), newest first; X-RateLimit-* headers; 401 for unknown/expired tokens; and
 * POST /oauth/oauth2/token with rotating, single-use refresh tokens (refresh requires scope=offline).
 */
import { createHash } from 'node:crypto';
import { FakeServer, FakeTokenAuthority, bearer, form, invalidGrant, paginate, type FakeRequest, type FakeResponse } from './fake-server.ts';

export const WHOOP_CLIENT = { clientId: 'whoop-client', clientSecret: 'whoop-secret' };

type Rec = Record<string, unknown>;

export function whoopSleep(p: {
  id: string;
  start: string;
  end: string;
  nap?: boolean;
  light: number;
  sws: number;
  rem: number;
  awake?: number;
  performance?: number;
  cycleId?: number;
  state?: 'SCORED' | 'PENDING_SCORE' | 'UNSCORABLE';
}): Rec {
  const awake = p.awake ?? 1_380_000;
  return {
    id: p.id,
    cycle_id: p.cycleId ?? 93845,
    v1_id: 93845,
    user_id: 10129,
    created_at: p.end,
    updated_at: p.end,
    start: p.start,
    end: p.end,
    timezone_offset: '+09:00',
    nap: p.nap ?? false,
    score_state: p.state ?? 'SCORED',
    score: {
      stage_summary: {
        total_in_bed_time_milli: p.light + p.sws + p.rem + awake,
        total_awake_time_milli: awake,
        total_no_data_time_milli: 0,
        total_light_sleep_time_milli: p.light,
        total_slow_wave_sleep_time_milli: p.sws,
        total_rem_sleep_time_milli: p.rem,
        sleep_cycle_count: 4,
        disturbance_count: 6,
      },
      sleep_needed: {
        baseline_milli: 27_395_716,
        need_from_sleep_debt_milli: 1_200_000,
        need_from_recent_strain_milli: 850_000,
        need_from_recent_nap_milli: 0,
      },
      respiratory_rate: 15.86,
      sleep_performance_percentage: p.performance ?? 94.1,
      sleep_consistency_percentage: 78.0,
      sleep_efficiency_percentage: 94.9,
    },
  };
}

export function whoopRecovery(p: {
  cycleId: number;
  sleepId: string;
  createdAt: string;
  recovery: number;
  rhr: number;
  hrv: number;
  state?: 'SCORED' | 'PENDING_SCORE' | 'UNSCORABLE';
}): Rec {
  const r: Rec = {
    cycle_id: p.cycleId,
    sleep_id: p.sleepId,
    user_id: 10129,
    created_at: p.createdAt,
    updated_at: p.createdAt,
    score_state: p.state ?? 'SCORED',
  };
  if ((p.state ?? 'SCORED') === 'SCORED') {
    r.score = {
      user_calibrating: false,
      recovery_score: p.recovery,
      resting_heart_rate: p.rhr,
      hrv_rmssd_milli: p.hrv,
      spo2_percentage: 95.6875,
      skin_temp_celsius: 33.7,
    };
  }
  return r;
}

export function whoopWorkout(p: {
  id: string;
  start: string;
  end: string;
  strain: number;
  avgHr: number;
  maxHr: number;
  distance?: number;
  sport?: string;
  state?: 'SCORED' | 'PENDING_SCORE' | 'UNSCORABLE';
}): Rec {
  const score: Rec = {
    strain: p.strain,
    average_heart_rate: p.avgHr,
    max_heart_rate: p.maxHr,
    kilojoule: 1832.74,
    percent_recorded: 100,
    altitude_gain_meter: 64.2,
    altitude_change_meter: -1.8,
    zone_durations: {
      zone_zero_milli: 0,
      zone_one_milli: 240_000,
      zone_two_milli: 540_000,
      zone_three_milli: 1_500_000,
      zone_four_milli: 1_380_000,
      zone_five_milli: 60_000,
    },
  };
  if (p.distance !== undefined) score.distance_meter = p.distance;
  const w: Rec = {
    id: p.id,
    v1_id: 1043,
    user_id: 10129,
    created_at: p.end,
    updated_at: p.end,
    start: p.start,
    end: p.end,
    timezone_offset: '+09:00',
    sport_name: p.sport ?? 'running',
    sport_id: 0,
    score_state: p.state ?? 'SCORED',
  };
  if ((p.state ?? 'SCORED') === 'SCORED') w.score = score;
  return w;
}

export function whoopCycle(p: { id: number; start: string; end: string | null; strain: number }): Rec {
  return {
    id: p.id,
    user_id: 10129,
    created_at: p.start,
    updated_at: p.start,
    start: p.start,
    end: p.end,
    timezone_offset: '+09:00',
    score_state: 'SCORED',
    score: { strain: p.strain, kilojoule: 8288.297, average_heart_rate: 68, max_heart_rate: 141 },
  };
}

type Collection = 'recovery' | 'sleep' | 'workout' | 'cycle';

export class WhoopFake {
  readonly auth = new FakeTokenAuthority('whoop', { expiresIn: 3600 });
  readonly data: Record<Collection, Rec[]> = { recovery: [], sleep: [], workout: [], cycle: [] };
  /** Requests left in the current rate-limit window (sent as X-RateLimit-Remaining). */
  rateLimitRemaining = 99;
  /** Per-request overrides of X-RateLimit-Remaining, consumed in order (then rateLimitRemaining). */
  remainingSequence: number[] = [];
  rateLimitResetSeconds = 37;
  /** Access tokens whose grant was revoked with DELETE /v2/user/access. */
  readonly revoked: string[] = [];

  private constructor(readonly server: FakeServer) {}

  static async start(): Promise<WhoopFake> {
    const fake = new WhoopFake(await FakeServer.start());
    fake.server.on('GET', '/developer/v2/recovery', (req) => fake.list(req, 'recovery'));
    fake.server.on('GET', '/developer/v2/activity/sleep', (req) => fake.list(req, 'sleep'));
    fake.server.on('GET', '/developer/v2/activity/workout', (req) => fake.list(req, 'workout'));
    fake.server.on('GET', '/developer/v2/cycle', (req) => fake.list(req, 'cycle'));
    fake.server.on('POST', '/oauth/oauth2/token', (req) => fake.token(req));
    fake.server.on('DELETE', '/developer/v2/user/access', (req) => fake.revokeAccess(req));
    return fake;
  }

  get baseUrl(): string {
    return `${this.server.url}/developer`;
  }
  get tokenUrl(): string {
    return `${this.server.url}/oauth/oauth2/token`;
  }
  close(): Promise<void> {
    return this.server.close();
  }

  private rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': '100, 100;window=60, 10000;window=86400',
      'x-ratelimit-remaining': String(this.remainingSequence.shift() ?? this.rateLimitRemaining),
      'x-ratelimit-reset': String(this.rateLimitResetSeconds),
    };
  }

  private list(req: FakeRequest, c: Collection): FakeResponse {
    if (!this.auth.isValid(bearer(req))) return { status: 401, headers: this.rateHeaders(), body: { message: 'Authorization was not valid' } };
    const limit = Number(req.query.get('limit') ?? '10');
    if (!Number.isInteger(limit) || limit < 1 || limit > 25) {
      return { status: 400, body: { message: 'limit must be between 1 and 25' } };
    }
    const start = req.query.get('start');
    const end = req.query.get('end');
    const startMs = start ? Date.parse(start) : -Infinity;
    const endMs = end ? Date.parse(end) : Infinity;
    const matching = this.data[c]
      .filter((r) => {
        if (c === 'recovery') {
          const t = Date.parse(String(r.created_at));
          return t >= startMs && t < endMs;
        }
        const s = Date.parse(String(r.start));
        const e = r.end ? Date.parse(String(r.end)) : Date.now();
        return s < endMs && e >= startMs;
      })
      .sort((a, b) => String(b.start ?? b.created_at).localeCompare(String(a.start ?? a.created_at)));
    const { page, next } = paginate(matching, req.query.get('nextToken'), limit);
    const body: Rec = { records: page };
    if (next !== null) body.next_token = next;
    return { headers: this.rateHeaders(), body };
  }

  /** DELETE /v2/user/access (revokeUserOAuthAccess): 204; the grant's access and refresh tokens stop working. */
  private revokeAccess(req: FakeRequest): FakeResponse {
    const token = bearer(req);
    if (!this.auth.isValid(token)) return { status: 401, headers: this.rateHeaders(), body: { message: 'Authorization was not valid' } };
    this.auth.expire(token as string);
    this.auth.validRefresh.delete((token as string).replace('-at-', '-rt-'));
    this.revoked.push(token as string);
    return { status: 204 };
  }

  private token(req: FakeRequest): FakeResponse {
    const f = form(req);
    if (f.get('client_id') !== WHOOP_CLIENT.clientId || f.get('client_secret') !== WHOOP_CLIENT.clientSecret) {
      return { status: 401, body: { error: 'invalid_client' } };
    }
    if (f.get('grant_type') === 'refresh_token') {
      if (!(f.get('scope') ?? '').split(' ').includes('offline')) {
        return { status: 400, body: { error: 'invalid_request', error_description: 'scope offline required' } };
      }
      const t = this.auth.refresh(f.get('refresh_token') ?? '');
      return t ? { body: { ...t, scope: 'offline read:recovery read:cycles read:workout read:sleep' } } : invalidGrant;
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
