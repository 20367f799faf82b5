/**
 * Polar AccessLink v3 client.
 *
 * Docs (confirmed via search, 2026): https://www.polar.com/accesslink-api/ (OpenAPI v3 mirrored at
 *   https://github.com/api-evangelist/polar, openapi/polar-{exercises,sleep,nightly-recharge,users}-api-openapi.yml).
 *   OAuth2: authorize https://flow.polar.com/oauth2/authorization (scope accesslink.read_all), token
 *   https://polarremote.com/v2/oauth2/token with HTTP Basic client_id:client_secret → { access_token, expires_in,
 *   x_user_id }. No refresh tokens (long-lived access tokens): expiry or revocation needs a reconnect.
 *   The user must be registered with our client before any data is visible: POST /v3/users {"member-id"}
 *   (409 = already registered) — done in exchangeCode when ctx.athleteId is given.
 *   Rate limits scale with registered users; headers RateLimit-Usage / RateLimit-Limit / RateLimit-Reset
 *   (short, long window) are honoured by polarRateLimitPolicy. 403 = the user has not accepted the consents.
 *   Webhooks (Polar-Webhook-Signature): see webhooks.ts.
 *
 * Endpoints (base https://www.polaraccesslink.com), non-transactional, no date parameters and no pagination:
 *   GET /v3/users/nightly-recharge → { recharges: [...] } (last 28 days)
 *   GET /v3/users/sleep            → { nights: [...] }    (last 28 days)
 *   GET /v3/exercises              → [...]                (last 30 days, uploaded after registration)
 *   We keep what falls in [from, to]; older ranges are simply not available from Polar.
 *
 * Mapping (→ canonical, units):
 *   nightly_recharge.heart_rate_variability_avg → hrvRmssd (ms; Polar: average RMSSD over the 4 h window from
 *                                                 30 min after falling asleep)
 *   nightly_recharge.heart_rate_avg             → restingHr (bpm; average over that same 4 h window — Polar's
 *                                                 closest figure to resting HR, so it ranks below Oura/WHOOP in merge)
 *   nightly_recharge.ans_charge / nightly_recharge_status / beat_to_beat_avg / breathing_rate_avg → raw only
 *                                                 (not on a 0–100 scale, so no `readiness`)
 *   sleep light_sleep + deep_sleep + rem_sleep (s) → sleepHours (/ 3600, 2 dp); sleep.sleep_score → sleepScore
 *   exercise.training_load (Polar cardio load, TRIMP-based) → load × `trainingLoadToTss` (default 1.0, an
 *     assumption: Polar scales cardio load so an hour near threshold lands around 100), loadMethod 'trimp',
 *     rawLoad unit 'polar_training_load'; without it → duration estimate at IF .75. duration (ISO 8601) → minutes,
 *     heart_rate.average/maximum → avgHr/maxHr, distance → distanceM, sport (detailed_sport_info if set).
 *   Days: nightly recharge → its `date` (Polar's result date = the morning you wake up); sleep → the athlete-local
 *   date of sleep_end_time (the day you wake up), else its `date`; exercise → athlete-local date of
 *   start_time + start_time_utc_offset.
 */
import { z } from 'zod';
import type { SourceDay, WorkoutRecord } from '../core/metrics.ts';
import { inRange, isoDurationSeconds, isoFromLocalAndOffset, localDate, localIso } from './dates.ts';
import { ProviderError } from './errors.ts';
import { HttpClient, polarRateLimitPolicy } from './http.ts';
import { durationEstimateTss } from './load.ts';
import {
  buildAuthorizationUrl,
  DayBuilder,
  requestToken,
  round,
  tokenEndpoint,
  type AuthorizationParams,
  type ExchangeContext,
  type FetchRange,
  type ProviderClientOptions,
  type ProviderConnection,
  type TokenSet,
  type WearableProvider,
} from './provider.ts';

export const POLAR_DEFAULTS = {
  baseUrl: 'https://www.polaraccesslink.com',
  tokenUrl: 'https://polarremote.com/v2/oauth2/token',
  authorizeUrl: 'https://flow.polar.com/oauth2/authorization',
  scopes: ['accesslink.read_all'],
};

const n = z.number().nullable().optional();

const rechargeSchema = z.object({
  polar_user: z.string().optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  heart_rate_avg: n,
  beat_to_beat_avg: n,
  heart_rate_variability_avg: n,
  breathing_rate_avg: n,
  nightly_recharge_status: n,
  ans_charge: n,
  ans_charge_status: n,
});

const sleepSchema = z.object({
  polar_user: z.string().optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  sleep_start_time: z.string().optional(),
  sleep_end_time: z.string().optional(),
  device_id: z.string().optional(),
  continuity: n,
  continuity_class: n,
  light_sleep: z.number(),
  deep_sleep: z.number(),
  rem_sleep: z.number(),
  unrecognized_sleep_stage: n,
  sleep_score: n,
  total_interruption_duration: n,
  sleep_charge: n,
  sleep_goal: n,
  sleep_rating: n,
  short_interruption_duration: n,
  long_interruption_duration: n,
  sleep_cycles: n,
});

const exerciseSchema = z.object({
  id: z.string(),
  upload_time: z.string().optional(),
  device: z.string().optional(),
  start_time: z.string(),
  start_time_utc_offset: z.number(),
  duration: z.string(),
  calories: n,
  distance: n,
  heart_rate: z.object({ average: n, maximum: n }).optional(),
  training_load: n,
  sport: z.string().optional(),
  detailed_sport_info: z.string().optional(),
});

const RECHARGE_RAW = [
  'heart_rate_avg',
  'beat_to_beat_avg',
  'heart_rate_variability_avg',
  'breathing_rate_avg',
  'nightly_recharge_status',
  'ans_charge',
  'ans_charge_status',
] as const;

const SLEEP_RAW = [
  'date',
  'sleep_start_time',
  'sleep_end_time',
  'light_sleep',
  'deep_sleep',
  'rem_sleep',
  'unrecognized_sleep_stage',
  'sleep_score',
  'total_interruption_duration',
  'continuity',
  'sleep_charge',
  'sleep_rating',
  'sleep_cycles',
] as const;

export interface PolarOptions extends ProviderClientOptions {
  /** Factor from Polar training_load (cardio load) to TSS. Default 1.0 — see the mapping notes above. */
  trainingLoadToTss?: number;
}

export class PolarProvider implements WearableProvider {
  readonly id = 'polar' as const;
  readonly supportsRefresh = false;
  private readonly http: HttpClient;
  private readonly token: ReturnType<typeof tokenEndpoint>;
  private readonly now: () => number;
  private readonly loadFactor: number;

  constructor(private readonly options: PolarOptions) {
    const { baseUrl, tokenUrl, ...http } = options;
    const httpOptions = { rateLimitPolicy: polarRateLimitPolicy, ...http };
    this.http = new HttpClient('polar', { ...httpOptions, baseUrl: baseUrl ?? POLAR_DEFAULTS.baseUrl });
    this.token = tokenEndpoint('polar', tokenUrl ?? POLAR_DEFAULTS.tokenUrl, httpOptions);
    this.now = options.now ?? Date.now;
    this.loadFactor = options.trainingLoadToTss ?? 1.0;
  }

  authorizationUrl(p: AuthorizationParams): string {
    return buildAuthorizationUrl(this.options.authorizeUrl ?? POLAR_DEFAULTS.authorizeUrl, {
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: p.redirectUri,
      scope: (p.scopes ?? this.options.scopes ?? POLAR_DEFAULTS.scopes).join(' '),
      state: p.state,
    });
  }

  async exchangeCode(
    code: string,
    _verifier: string | undefined,
    redirectUri: string,
    ctx?: ExchangeContext,
  ): Promise<TokenSet> {
    const tokens = await requestToken(
      'polar',
      this.token,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
      { basicAuth: { username: this.options.clientId, password: this.options.clientSecret }, now: this.now },
    );
    if (ctx?.athleteId !== undefined) await this.registerUser(tokens.accessToken, ctx.athleteId);
    return tokens;
  }

  /** POST /v3/users {"member-id"}: 200 registered, 409 already registered — both fine. */
  async registerUser(accessToken: string, memberId: string): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: '/v3/users',
      json: { 'member-id': memberId },
      auth: { bearer: accessToken },
      schema: z.unknown(),
      acceptStatus: [409],
    });
  }

  refresh(_refreshToken: string): Promise<TokenSet> {
    return Promise.reject(new ProviderError('PROVIDER.REFRESH_UNSUPPORTED', 'polar', 'Polar issues no refresh tokens'));
  }

  async fetchRange(connection: ProviderConnection, range: FetchRange): Promise<SourceDay[]> {
    const auth = { bearer: connection.tokens.accessToken };
    // A 204 / empty body means "nothing in the last 28–30 days".
    const recharges =
      (await this.http.request({
        path: '/v3/users/nightly-recharge',
        auth,
        schema: z.object({ recharges: z.array(rechargeSchema) }).nullable(),
      })).data?.recharges ?? [];
    const nights =
      (await this.http.request({ path: '/v3/users/sleep', auth, schema: z.object({ nights: z.array(sleepSchema) }).nullable() }))
        .data?.nights ?? [];
    const exercises =
      (await this.http.request({ path: '/v3/exercises', auth, schema: z.array(exerciseSchema).nullable() })).data ?? [];

    const tz = range.timezone;
    const days = new DayBuilder('polar');
    const within = (date: string) => inRange(date, range.from, range.to);

    for (const r of recharges) {
      if (!within(r.date)) continue;
      const d = days.day(r.date);
      if (isNum(r.heart_rate_variability_avg)) d.metrics.hrvRmssd = r.heart_rate_variability_avg;
      if (isNum(r.heart_rate_avg)) d.metrics.restingHr = r.heart_rate_avg;
      for (const k of RECHARGE_RAW) if (r[k] !== undefined) d.raw[`nightly_recharge.${k}`] = r[k] ?? null;
    }

    for (const s of nights) {
      const date = s.sleep_end_time ? localDate(s.sleep_end_time, tz) : s.date;
      if (!within(date)) continue;
      const d = days.day(date);
      d.metrics.sleepHours = round((s.light_sleep + s.deep_sleep + s.rem_sleep) / 3600, 2);
      if (isNum(s.sleep_score)) d.metrics.sleepScore = s.sleep_score;
      for (const k of SLEEP_RAW) if (s[k] !== undefined) d.raw[`sleep.${k}`] = s[k] ?? null;
    }

    for (const e of exercises) {
      const startIso = isoFromLocalAndOffset(e.start_time, e.start_time_utc_offset);
      const date = localDate(startIso, tz);
      if (!within(date)) continue;
      const minutes = isoDurationSeconds(e.duration) / 60;
      const rec: WorkoutRecord = {
        source: 'polar',
        externalId: e.id,
        date,
        start: localIso(startIso, tz),
        minutes: round(minutes, 1),
        ...(isNum(e.training_load)
          ? {
              load: round(e.training_load * this.loadFactor, 1),
              loadMethod: 'trimp' as const,
              rawLoad: { value: e.training_load, unit: 'polar_training_load' },
            }
          : {
              load: round(durationEstimateTss(minutes), 1),
              loadMethod: 'duration_estimate' as const,
              rawLoad: { value: round(minutes, 1), unit: 'minutes' },
            }),
      };
      const sport = e.detailed_sport_info ?? e.sport;
      if (sport !== undefined) rec.sport = sport;
      if (isNum(e.heart_rate?.average)) rec.avgHr = e.heart_rate.average;
      if (isNum(e.heart_rate?.maximum)) rec.maxHr = e.heart_rate.maximum;
      if (isNum(e.distance)) rec.distanceM = e.distance;
      days.day(date).workouts.push(rec);
    }
    return days.build();
  }
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
