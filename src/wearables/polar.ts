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
 *   Webhooks (Polar-Webhook-Signature): see webhooks.ts. Creating one (createWebhook, HTTP Basic with the
 *   client credentials, Polar AccessLink OpenAPI document operation createWebhook): POST /v3/webhooks
 *   {events, url} → 201 {data: {id, events, url, signature_secret_key}}. While that call is still running
 *   Polar POSTs a PING ({event: "PING", timestamp}) to the url and creates nothing unless it gets 200; the
 *   secret is in that one response only ("the only chance to get it"), 409 = a webhook already exists.
 *   Revocation: DELETE /v3/users/{user-id} with the user's token → 204, "de-registered … This will revoke the
 *   access token authorized by user" (operation deleteUser).
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
 *     (the `sleep` schema in the OpenAPI document requires no field: a night without stage figures gives no
 *     sleepHours instead of failing the fetch; a night without date and end time has no day and is left out)
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
import { polarRateLimitPolicy } from './http.ts';
import { durationEstimateTss } from './load.ts';
import {
  buildAuthorizationUrl,
  DayBuilder,
  ProviderClient,
  round,
  type AuthorizationParams,
  type ExchangeContext,
  type FetchRange,
  type ProviderClientOptions,
  type ProviderConnection,
  type RevocationResult,
  type TokenSet,
} from './provider.ts';

export const POLAR_DEFAULTS = {
  baseUrl: 'https://www.polaraccesslink.com',
  tokenUrl: 'https://polarremote.com/v2/oauth2/token',
  authorizeUrl: 'https://flow.polar.com/oauth2/authorization',
  scopes: ['accesslink.read_all'],
  rateLimitPolicy: polarRateLimitPolicy,
  /** Events our webhook subscribes to (the ones the nightly fetch reads). */
  webhookEvents: ['EXERCISE', 'SLEEP'] as string[],
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
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  sleep_start_time: z.string().optional(),
  sleep_end_time: z.string().optional(),
  device_id: z.string().optional(),
  continuity: n,
  continuity_class: n,
  light_sleep: n,
  deep_sleep: n,
  rem_sleep: n,
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

const createdWebhookSchema = z.object({
  data: z.object({ id: z.string().min(1), events: z.array(z.string()).optional(), url: z.string().optional(), signature_secret_key: z.string().min(1) }),
});
const webhookInfoSchema = z.object({ data: z.array(z.object({ id: z.string(), events: z.array(z.string()).optional(), url: z.string().optional(), active: z.boolean().optional() })) }).nullable();

export interface PolarWebhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
}

export class PolarProvider extends ProviderClient {
  readonly supportsRefresh = false;
  private readonly loadFactor: number;

  constructor(protected override readonly options: PolarOptions) {
    super('polar', options, POLAR_DEFAULTS);
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
    const tokens = await this.exchangeWithClientCredentials('basic', { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
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

  /** DELETE /v3/users/{user-id}: de-registers the user and revokes the token (see the header). */
  async revoke(tokens: TokenSet): Promise<RevocationResult> {
    if (tokens.externalUserId === undefined) throw new ProviderError('PROVIDER.BAD_REQUEST', 'polar', 'no Polar user id stored: cannot de-register');
    await this.http.request({ method: 'DELETE', path: `/v3/users/${encodeURIComponent(tokens.externalUserId)}`, auth: { bearer: tokens.accessToken }, schema: z.unknown() });
    return { status: 'revoked' };
  }

  private get clientAuth() {
    return { basic: { username: this.options.clientId, password: this.options.clientSecret } };
  }

  /**
   * POST /v3/webhooks (see the header). Resolves with the secret, or null when Polar says a webhook exists
   * already (409: its secret cannot be read again — delete it and create a new one to get one).
   */
  async createWebhook(url: string, events: string[] = POLAR_DEFAULTS.webhookEvents): Promise<{ id: string; signatureSecretKey: string } | null> {
    const { status, data } = await this.http.request({
      method: 'POST',
      path: '/v3/webhooks',
      json: { events, url },
      auth: this.clientAuth,
      schema: z.union([createdWebhookSchema, z.unknown()]),
      acceptStatus: [409],
    });
    if (status === 409) return null;
    const created = createdWebhookSchema.safeParse(data);
    if (!created.success) throw new ProviderError('PROVIDER.MALFORMED_RESPONSE', 'polar', 'POST /v3/webhooks: no signature_secret_key in the answer');
    return { id: created.data.data.id, signatureSecretKey: created.data.data.signature_secret_key };
  }

  /** GET /v3/webhooks: the app's webhook, if any. */
  async getWebhook(): Promise<PolarWebhook | null> {
    const { data } = await this.http.request({ path: '/v3/webhooks', auth: this.clientAuth, schema: webhookInfoSchema });
    const w = data?.data[0];
    return w ? { id: w.id, url: w.url ?? '', events: w.events ?? [], active: w.active ?? true } : null;
  }

  /** DELETE /v3/webhooks/{id}. */
  async deleteWebhook(id: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v3/webhooks/${encodeURIComponent(id)}`, auth: this.clientAuth, schema: z.unknown(), acceptStatus: [404] });
  }

  async fetchRange(connection: ProviderConnection, range: FetchRange): Promise<SourceDay[]> {
    const auth = { bearer: connection.tokens.accessToken };
    // A 204 / empty body means "nothing in the last 28–30 days".
    const recharges = await this.collect({ request: () => ({ path: '/v3/users/nightly-recharge', auth }), item: rechargeSchema, itemsKey: 'recharges', emptyAllowed: true });
    const nights = await this.collect({ request: () => ({ path: '/v3/users/sleep', auth }), item: sleepSchema, itemsKey: 'nights', emptyAllowed: true });
    const exercises = await this.collect({ request: () => ({ path: '/v3/exercises', auth }), item: exerciseSchema, emptyAllowed: true });

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
      if (date === undefined || !within(date)) continue;
      const d = days.day(date);
      const stages = [s.light_sleep, s.deep_sleep, s.rem_sleep].filter(isNum);
      if (stages.length > 0) d.metrics.sleepHours = round(stages.reduce((a, b) => a + b, 0) / 3600, 2);
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
