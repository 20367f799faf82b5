/**
 * WHOOP API v2 client.
 *
 * Docs (confirmed via search, 2026): https://developer.whoop.com/api (v2 reference; OpenAPI mirrored at
 *   https://github.com/api-evangelist/whoop-co, openapi/whoop-co-*-api-openapi.yml); OAuth
 *   https://developer.whoop.com/docs/developing/oauth — authorize https://api.prod.whoop.com/oauth/oauth2/auth,
 *   token https://api.prod.whoop.com/oauth/oauth2/token. Ask for the `offline` scope or no refresh token is
 *   issued; refresh tokens rotate (each usable once). Rate limits
 *   https://developer.whoop.com/docs/developing/rate-limiting — 100 req/min and 10 000/day per client, 429 with
 *   X-RateLimit-Limit / X-RateLimit-Remaining / X-RateLimit-Reset (seconds until the window resets).
 *   Webhooks https://developer.whoop.com/docs/developing/webhooks (see webhooks.ts).
 *   Revocation: DELETE /v2/user/access with the user's bearer token → 204 (WHOOP API OpenAPI document,
 *   operation revokeUserOAuthAccess: "Revoke the access token granted by the user"; webhooks for the user stop).
 *
 * Endpoints (base https://api.prod.whoop.com/developer): GET /v2/recovery, /v2/activity/sleep,
 *   /v2/activity/workout, /v2/cycle with limit (≤ 25), start, end (ISO date-time), nextToken → { records, next_token }.
 *   We ask for [local midnight of from − 1, local midnight of to + 1) and keep what maps into [from, to].
 *
 * Mapping (→ canonical, units); only records with score_state = SCORED:
 *   recovery.score.hrv_rmssd_milli     → hrvRmssd (ms)
 *   recovery.score.resting_heart_rate  → restingHr (bpm)
 *   recovery.score.recovery_score      → readiness (0–100 %)
 *   sleep (nap = false), longest per day:
 *     stage_summary light + slow_wave + rem (ms) → sleepHours (/ 3 600 000, 2 dp)
 *     score.sleep_performance_percentage     → sleepScore (0–100)
 *   workout.score.strain (0–21, log)   → load via whoopStrainToTss (load.ts: strain 14 ≈ 100 TSS, 18 ≈ 250),
 *                                        loadMethod 'strain', rawLoad {value: strain, unit: 'whoop_strain'};
 *                                        average/max_heart_rate → avgHr/maxHr; distance_meter → distanceM
 *   cycle.score.strain / kilojoule     → raw only (day strain includes non-workout strain; adding it to load
 *                                        would double count the workouts)
 *   Days: a sleep belongs to the athlete-local date of its `end` (the day you wake up, IANA zone via luxon);
 *   a recovery to the day of its sleep (sleep_id), falling back to the local date of created_at when that
 *   sleep lies outside the fetched window; a cycle to its recovery's day (same cycle_id), else to the local
 *   date of start + 12 h (cycles start at sleep onset); a workout to the local date of its start.
 */
import { z } from 'zod';
import type { SourceDay, WorkoutRecord } from '../core/metrics.ts';
import { addDays, inRange, localDate, localDateShifted, localIso, minutesBetween, startOfLocalDayIso } from './dates.ts';
import { xRateLimitPolicy } from './http.ts';
import { DEFAULT_STRAIN_CALIBRATION, whoopStrainToTss, type StrainCalibration } from './load.ts';
import {
  buildAuthorizationUrl,
  DayBuilder,
  ProviderClient,
  round,
  type AuthorizationParams,
  type FetchRange,
  type ProviderClientOptions,
  type ProviderConnection,
  type RevocationResult,
  type TokenSet,
} from './provider.ts';

export const WHOOP_DEFAULTS = {
  baseUrl: 'https://api.prod.whoop.com/developer',
  tokenUrl: 'https://api.prod.whoop.com/oauth/oauth2/token',
  authorizeUrl: 'https://api.prod.whoop.com/oauth/oauth2/auth',
  scopes: ['offline', 'read:recovery', 'read:cycles', 'read:workout', 'read:sleep'],
  pageLimit: 25,
  rateLimitPolicy: xRateLimitPolicy,
};

const scoreState = z.enum(['SCORED', 'PENDING_SCORE', 'UNSCORABLE']);

const recoverySchema = z.object({
  cycle_id: z.number(),
  sleep_id: z.string(),
  user_id: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  score_state: scoreState,
  score: z
    .object({
      user_calibrating: z.boolean(),
      recovery_score: z.number(),
      resting_heart_rate: z.number(),
      hrv_rmssd_milli: z.number(),
      spo2_percentage: z.number().optional(),
      skin_temp_celsius: z.number().optional(),
    })
    .optional(),
});

const sleepSchema = z.object({
  id: z.string(),
  cycle_id: z.number().optional(),
  start: z.string(),
  end: z.string(),
  timezone_offset: z.string().optional(),
  nap: z.boolean(),
  score_state: scoreState,
  score: z
    .object({
      stage_summary: z.object({
        total_in_bed_time_milli: z.number(),
        total_awake_time_milli: z.number(),
        total_no_data_time_milli: z.number(),
        total_light_sleep_time_milli: z.number(),
        total_slow_wave_sleep_time_milli: z.number(),
        total_rem_sleep_time_milli: z.number(),
        sleep_cycle_count: z.number().optional(),
        disturbance_count: z.number().optional(),
      }),
      respiratory_rate: z.number().optional(),
      sleep_performance_percentage: z.number().optional(),
      sleep_consistency_percentage: z.number().optional(),
      sleep_efficiency_percentage: z.number().optional(),
    })
    .optional(),
});
type WhoopSleep = z.infer<typeof sleepSchema>;

const workoutSchema = z.object({
  id: z.string(),
  start: z.string(),
  end: z.string(),
  timezone_offset: z.string().optional(),
  sport_name: z.string().optional(),
  score_state: scoreState,
  score: z
    .object({
      strain: z.number(),
      average_heart_rate: z.number(),
      max_heart_rate: z.number(),
      kilojoule: z.number(),
      percent_recorded: z.number().optional(),
      distance_meter: z.number().optional(),
    })
    .optional(),
});

const cycleSchema = z.object({
  id: z.number(),
  start: z.string(),
  end: z.string().nullable().optional(),
  timezone_offset: z.string().optional(),
  score_state: scoreState,
  score: z
    .object({
      strain: z.number(),
      kilojoule: z.number(),
      average_heart_rate: z.number(),
      max_heart_rate: z.number(),
    })
    .optional(),
});

export interface WhoopOptions extends ProviderClientOptions {
  /** Page size, 1–25 (WHOOP's maximum). */
  pageLimit?: number;
  strainCalibration?: StrainCalibration;
}

export class WhoopProvider extends ProviderClient {
  readonly supportsRefresh = true;
  private readonly pageLimit: number;
  private readonly calibration: StrainCalibration;

  constructor(protected override readonly options: WhoopOptions) {
    super('whoop', options, WHOOP_DEFAULTS);
    this.pageLimit = Math.min(25, Math.max(1, options.pageLimit ?? WHOOP_DEFAULTS.pageLimit));
    this.calibration = options.strainCalibration ?? DEFAULT_STRAIN_CALIBRATION;
  }

  authorizationUrl(p: AuthorizationParams): string {
    const scopes = p.scopes ?? this.options.scopes ?? WHOOP_DEFAULTS.scopes;
    return buildAuthorizationUrl(this.options.authorizeUrl ?? WHOOP_DEFAULTS.authorizeUrl, {
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: p.redirectUri,
      // Without `offline` WHOOP issues no refresh token and the connection dies with the first access token.
      scope: (scopes.includes('offline') ? scopes : ['offline', ...scopes]).join(' '),
      state: p.state,
      code_challenge: p.codeChallenge,
      code_challenge_method: p.codeChallenge ? 'S256' : undefined,
    });
  }

  exchangeCode(code: string, verifier: string | undefined, redirectUri: string): Promise<TokenSet> {
    return this.exchangeWithClientCredentials('form', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.refreshWithClientCredentials('form', refreshToken, { scope: 'offline' });
  }

  /** DELETE /v2/user/access (see the header). */
  async revoke(tokens: TokenSet): Promise<RevocationResult> {
    await this.http.request({ method: 'DELETE', path: '/v2/user/access', auth: { bearer: tokens.accessToken }, schema: z.unknown() });
    return { status: 'revoked' };
  }

  private list<T extends z.ZodType>(path: string, item: T, accessToken: string, start: string, end: string): Promise<z.output<T>[]> {
    return this.collect({
      request: (cursor) => ({ path, query: { limit: this.pageLimit, start, end, nextToken: cursor }, auth: { bearer: accessToken } }),
      item,
      itemsKey: 'records',
      nextKey: 'next_token',
    });
  }

  async fetchRange(connection: ProviderConnection, range: FetchRange): Promise<SourceDay[]> {
    const tz = range.timezone;
    const token = connection.tokens.accessToken;
    const start = startOfLocalDayIso(addDays(range.from, -1), tz);
    const end = startOfLocalDayIso(addDays(range.to, 1), tz);
    const sleeps = await this.list('/v2/activity/sleep', sleepSchema, token, start, end);
    const recoveries = await this.list('/v2/recovery', recoverySchema, token, start, end);
    const workouts = await this.list('/v2/activity/workout', workoutSchema, token, start, end);
    const cycles = await this.list('/v2/cycle', cycleSchema, token, start, end);

    const days = new DayBuilder('whoop');
    const within = (date: string) => inRange(date, range.from, range.to);

    // Sleep → wake day; remember every sleep's day for recoveries.
    const sleepDay = new Map<string, string>();
    const mainSleep = new Map<string, { s: WhoopSleep; asleepMs: number }>();
    for (const s of sleeps) {
      const date = localDate(s.end, tz);
      sleepDay.set(s.id, date);
      if (s.nap || s.score_state !== 'SCORED' || !s.score) continue;
      const st = s.score.stage_summary;
      const asleepMs =
        st.total_light_sleep_time_milli + st.total_slow_wave_sleep_time_milli + st.total_rem_sleep_time_milli;
      const cur = mainSleep.get(date);
      if (!cur || asleepMs > cur.asleepMs) mainSleep.set(date, { s, asleepMs });
    }
    for (const [date, { s, asleepMs }] of mainSleep) {
      if (!within(date)) continue;
      const d = days.day(date);
      d.metrics.sleepHours = round(asleepMs / 3_600_000, 2);
      if (s.score?.sleep_performance_percentage !== undefined) d.metrics.sleepScore = s.score.sleep_performance_percentage;
      d.raw['sleep.id'] = s.id;
      d.raw['sleep.start'] = s.start;
      d.raw['sleep.end'] = s.end;
      DayBuilder.flatten(d.raw, 'sleep.score', s.score);
    }

    const cycleDay = new Map<number, string>();
    for (const r of recoveries) {
      const date = sleepDay.get(r.sleep_id) ?? localDate(r.created_at, tz);
      cycleDay.set(r.cycle_id, date);
      if (r.score_state !== 'SCORED' || !r.score || !within(date)) continue;
      const d = days.day(date);
      d.metrics.hrvRmssd = r.score.hrv_rmssd_milli;
      d.metrics.restingHr = r.score.resting_heart_rate;
      d.metrics.readiness = r.score.recovery_score;
      d.raw['recovery.cycle_id'] = r.cycle_id;
      d.raw['recovery.sleep_id'] = r.sleep_id;
      DayBuilder.flatten(d.raw, 'recovery.score', r.score);
    }

    for (const c of cycles) {
      if (c.score_state !== 'SCORED' || !c.score) continue;
      const date = cycleDay.get(c.id) ?? localDateShifted(c.start, tz, 12);
      if (!within(date)) continue;
      const d = days.day(date);
      d.raw['cycle.id'] = c.id;
      DayBuilder.flatten(d.raw, 'cycle.score', c.score);
    }

    for (const w of workouts) {
      if (w.score_state !== 'SCORED' || !w.score) continue;
      const date = localDate(w.start, tz);
      if (!within(date)) continue;
      const minutes = minutesBetween(w.start, w.end);
      const rec: WorkoutRecord = {
        source: 'whoop',
        externalId: w.id,
        date,
        start: localIso(w.start, tz),
        minutes: round(minutes, 1),
        load: round(whoopStrainToTss(w.score.strain, this.calibration), 1),
        loadMethod: 'strain',
        rawLoad: { value: w.score.strain, unit: 'whoop_strain' },
        avgHr: w.score.average_heart_rate,
        maxHr: w.score.max_heart_rate,
      };
      if (w.sport_name !== undefined) rec.sport = w.sport_name;
      if (w.score.distance_meter !== undefined) rec.distanceM = w.score.distance_meter;
      days.day(date).workouts.push(rec);
    }

    return days.build();
  }
}
