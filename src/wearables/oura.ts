/**
 * Oura API v2 client.
 *
 * Docs (confirmed via search, 2026): API v2 reference https://cloud.ouraring.com/v2/docs
 *   (OpenAPI mirrored at https://github.com/api-evangelist/oura-ring, openapi/oura-ring-*-routes-api-openapi.yml);
 *   OAuth2 https://cloud.ouraring.com/docs/authentication — authorize https://cloud.ouraring.com/oauth/authorize,
 *   token https://api.ouraring.com/oauth/token (client_id/client_secret in the form body; personal access tokens
 *   are deprecated). Refresh tokens are treated as single-use (rotated on every refresh).
 *   Rate limit: 5000 requests / 5 min → 429. Webhooks: see webhooks.ts (signatures) and oura-webhooks.ts
 *   (subscriptions).
 *   Scopes: the least we read — `personal` (personal_info id, the webhook user), `email` (personal_info email,
 *   told to the athlete after connecting so a forwarded link cannot attach someone else's account unseen),
 *   `daily` (sleep, daily_sleep, daily_readiness), `workout`. `heartrate` and `session` are not read: not asked.
 *   Revocation: POST https://api.ouraring.com/oauth/revoke?access_token=<token> (Oura's "OAuth2
 *   Authentication" page): ends the grant, so the refresh token dies with it.
 *   403 (Oura API v2 OpenAPI document, every usercollection route): "Usually means the user's subscription to
 *   Oura has expired and their data is not available via the API" → PROVIDER.MEMBERSHIP_EXPIRED, not a
 *   reconnect request.
 *
 * Endpoints: GET /v2/usercollection/{sleep,daily_sleep,daily_readiness,workout}?start_date=&end_date=&next_token=
 *   → { data: [...], next_token: string | null }. We ask for [from − 1, to + 1] (end_date exclusivity differs
 *   between collections) and keep only documents whose local day falls in [from, to].
 *
 * Mapping (→ canonical, units):
 *   sleep.average_hrv            → hrvRmssd (ms; Oura's nightly average rMSSD)      main sleep period only
 *   sleep.lowest_heart_rate      → restingHr (bpm)                                   main sleep period only
 *   sleep.total_sleep_duration   → sleepHours (s / 3600, 2 dp)                       main sleep period only
 *   daily_sleep.score            → sleepScore (0–100)                                by its `day`
 *   daily_readiness.score        → readiness (0–100); contributors.* kept in raw     by its `day`
 *   workout                      → WorkoutRecord: minutes = end − start; load = duration estimate
 *                                  hours · IF² · 100 with IF easy .65 / moderate .75 / hard .85
 *                                  (loadMethod 'duration_estimate', rawLoad {value: minutes, unit: 'oura_<intensity>_minutes'})
 *   Day of a sleep: the athlete-local date (IANA zone, luxon) of bedtime_end — the day you wake up. Oura's own
 *   `day` is kept in raw. The night = the longest `long_sleep` ending that day. PublicSleepType in the Oura
 *   API v2 OpenAPI document: `sleep` = "user confirmed sleep / nap, min 15 minutes, max 3 hours";
 *   `long_sleep` = "sleep that is long enough (>3h)"; `late_nap` a nap after 18:00; `rest` a rejected
 *   detection; `deleted`. So `sleep` is a nap unless it breaks its own documented bound: a `sleep` (or a
 *   period whose `type` is null — the spec allows null) lasting more than 3 h asleep is classified by the
 *   spec's own length rule and may be the night when that day has no `long_sleep`; anything of 3 h or less
 *   never supplies HRV, resting HR or sleep hours (src/wearables/README.md: naps never provide the night's
 *   metrics). Unknown future types are ignored.
 *   Workout day: athlete-local date of start_datetime.
 */
import { z } from 'zod';
import type { SourceDay, WorkoutRecord } from '../core/metrics.ts';
import { addDays, inRange, localDate, localIso, minutesBetween } from './dates.ts';
import { ProviderError } from './errors.ts';
import { durationEstimateTss } from './load.ts';
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

export const OURA_DEFAULTS = {
  baseUrl: 'https://api.ouraring.com',
  tokenUrl: 'https://api.ouraring.com/oauth/token',
  authorizeUrl: 'https://cloud.ouraring.com/oauth/authorize',
  scopes: ['personal', 'email', 'daily', 'workout'],
};

/** A `sleep` longer than this (asleep) breaks the spec's 3 h bound for naps and is judged by length. */
export const OURA_NAP_MAX_SECONDS = 3 * 3600;

const num = z.number().nullable().optional();

const sleepSchema = z.object({
  id: z.string(),
  day: z.string(),
  bedtime_start: z.string(),
  bedtime_end: z.string(),
  type: z.string().nullable().optional(),
  average_hrv: num,
  lowest_heart_rate: num,
  average_heart_rate: num,
  total_sleep_duration: num,
  time_in_bed: num,
  efficiency: num,
  deep_sleep_duration: num,
  rem_sleep_duration: num,
  light_sleep_duration: num,
  awake_time: num,
});
type OuraSleep = z.infer<typeof sleepSchema>;

const dailySleepSchema = z.object({
  id: z.string(),
  day: z.string(),
  score: num,
  contributors: z.record(z.string(), z.number().nullable()).optional(),
});

const dailyReadinessSchema = z.object({
  id: z.string(),
  day: z.string(),
  score: num,
  temperature_deviation: num,
  temperature_trend_deviation: num,
  contributors: z.record(z.string(), z.number().nullable()).optional(),
});

const workoutSchema = z.object({
  id: z.string(),
  activity: z.string(),
  calories: num,
  day: z.string(),
  distance: num,
  start_datetime: z.string(),
  end_datetime: z.string(),
  intensity: z.enum(['easy', 'moderate', 'hard']),
  label: z.string().nullable().optional(),
  source: z.string().optional(),
});

/** GET /v2/usercollection/personal_info (PersonalInfoResponse: only `id` is required). */
const personalInfoSchema = z.object({ id: z.string().min(1), email: z.string().nullable().optional() });

export interface OuraOptions extends ProviderClientOptions {}

export class OuraProvider extends ProviderClient {
  readonly supportsRefresh = true;

  constructor(options: OuraOptions) {
    super('oura', options, OURA_DEFAULTS);
  }

  authorizationUrl(p: AuthorizationParams): string {
    return buildAuthorizationUrl(this.options.authorizeUrl ?? OURA_DEFAULTS.authorizeUrl, {
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: p.redirectUri,
      scope: (p.scopes ?? this.options.scopes ?? OURA_DEFAULTS.scopes).join(' '),
      state: p.state,
      code_challenge: p.codeChallenge,
      code_challenge_method: p.codeChallenge ? 'S256' : undefined,
    });
  }

  exchangeCode(code: string, verifier: string | undefined, redirectUri: string): Promise<TokenSet> {
    return this.exchangeWithClientCredentials('form', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.refreshWithClientCredentials('form', refreshToken);
  }

  /** POST /oauth/revoke?access_token= on the token endpoint's origin (see the header). */
  async revoke(tokens: TokenSet): Promise<RevocationResult> {
    await this.token.http.request({ method: 'POST', path: '/oauth/revoke', query: { access_token: tokens.accessToken }, schema: z.unknown() });
    return { status: 'revoked' };
  }

  /** The Oura account behind a token: its id (webhooks name it) and, with the `email` scope, its email. */
  async account(accessToken: string): Promise<{ id: string; email?: string }> {
    const { data } = await this.http.request({ path: '/v2/usercollection/personal_info', auth: { bearer: accessToken }, schema: personalInfoSchema, classifyError: membershipExpired });
    return data.email ? { id: data.id, email: data.email } : { id: data.id };
  }

  private list<T extends z.ZodType>(path: string, item: T, accessToken: string, startDate: string, endDate: string): Promise<z.output<T>[]> {
    return this.collect({
      request: (cursor) => ({ path, query: { start_date: startDate, end_date: endDate, next_token: cursor }, auth: { bearer: accessToken }, classifyError: membershipExpired }),
      item,
      itemsKey: 'data',
      nextKey: 'next_token',
    });
  }

  async fetchRange(connection: ProviderConnection, range: FetchRange): Promise<SourceDay[]> {
    const token = connection.tokens.accessToken;
    const start = addDays(range.from, -1);
    const end = addDays(range.to, 1);
    // Sequential on purpose: one athlete's sync should not burst the shared per-app rate limit.
    const sleeps = await this.list('/v2/usercollection/sleep', sleepSchema, token, start, end);
    const dailySleep = await this.list('/v2/usercollection/daily_sleep', dailySleepSchema, token, start, end);
    const readiness = await this.list('/v2/usercollection/daily_readiness', dailyReadinessSchema, token, start, end);
    const workouts = await this.list('/v2/usercollection/workout', workoutSchema, token, start, end);

    const days = new DayBuilder('oura');
    const tz = range.timezone;

    for (const [date, s] of mainSleepByWakeDay(sleeps, tz)) {
      if (!inRange(date, range.from, range.to)) continue;
      const d = days.day(date);
      if (isNum(s.average_hrv)) d.metrics.hrvRmssd = s.average_hrv;
      if (isNum(s.lowest_heart_rate)) d.metrics.restingHr = s.lowest_heart_rate;
      if (isNum(s.total_sleep_duration)) d.metrics.sleepHours = round(s.total_sleep_duration / 3600, 2);
      for (const k of [
        'id',
        'day',
        'type',
        'bedtime_start',
        'bedtime_end',
        'average_hrv',
        'lowest_heart_rate',
        'average_heart_rate',
        'total_sleep_duration',
        'time_in_bed',
        'efficiency',
        'deep_sleep_duration',
        'rem_sleep_duration',
        'light_sleep_duration',
        'awake_time',
      ] as const) {
        const v = s[k];
        if (v !== undefined) d.raw[`sleep.${k}`] = v;
      }
    }

    for (const ds of dailySleep) {
      if (!inRange(ds.day, range.from, range.to)) continue;
      const d = days.day(ds.day);
      if (isNum(ds.score)) d.metrics.sleepScore = ds.score;
      d.raw['daily_sleep.score'] = ds.score ?? null;
      DayBuilder.flatten(d.raw, 'daily_sleep.contributors', ds.contributors);
    }

    for (const r of readiness) {
      if (!inRange(r.day, range.from, range.to)) continue;
      const d = days.day(r.day);
      if (isNum(r.score)) d.metrics.readiness = r.score;
      d.raw['daily_readiness.score'] = r.score ?? null;
      if (r.temperature_deviation !== undefined) d.raw['daily_readiness.temperature_deviation'] = r.temperature_deviation;
      DayBuilder.flatten(d.raw, 'daily_readiness.contributors', r.contributors);
    }

    for (const w of workouts) {
      const date = localDate(w.start_datetime, tz);
      if (!inRange(date, range.from, range.to)) continue;
      const minutes = minutesBetween(w.start_datetime, w.end_datetime);
      const rec: WorkoutRecord = {
        source: 'oura',
        externalId: w.id,
        date,
        start: localIso(w.start_datetime, tz),
        sport: w.activity,
        minutes: round(minutes, 1),
        load: round(durationEstimateTss(minutes, w.intensity), 1),
        loadMethod: 'duration_estimate',
        rawLoad: { value: round(minutes, 1), unit: `oura_${w.intensity}_minutes` },
      };
      if (isNum(w.distance)) rec.distanceM = w.distance;
      days.day(date).workouts.push(rec);
    }

    return days.build();
  }
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** 403 from a data route: Oura's membership lapsed (Oura API v2 OpenAPI document), not a lost login. */
function membershipExpired(status: number): ProviderError | undefined {
  if (status !== 403) return undefined;
  return new ProviderError('PROVIDER.MEMBERSHIP_EXPIRED', 'oura', 'returned 403: the Oura membership has most likely expired', { status });
}

/**
 * 2: long_sleep; 1: a `sleep` or untyped period over the 3 h nap bound (see the header); 0: never the night.
 * Exported for the property test.
 */
export function nightRank(s: Pick<OuraSleep, 'type' | 'total_sleep_duration'>): 0 | 1 | 2 {
  if (s.type === 'long_sleep') return 2;
  if ((s.type === 'sleep' || s.type === null || s.type === undefined) && (s.total_sleep_duration ?? 0) > OURA_NAP_MAX_SECONDS) return 1;
  return 0;
}

function mainSleepByWakeDay(sleeps: OuraSleep[], tz: string): Map<string, OuraSleep> {
  const rank = nightRank;
  const best = new Map<string, OuraSleep>();
  for (const s of sleeps) {
    if (rank(s) === 0) continue;
    const date = localDate(s.bedtime_end, tz);
    const cur = best.get(date);
    if (
      !cur ||
      rank(s) > rank(cur) ||
      (rank(s) === rank(cur) && (s.total_sleep_duration ?? 0) > (cur.total_sleep_duration ?? 0))
    ) {
      best.set(date, s);
    }
  }
  return best;
}
