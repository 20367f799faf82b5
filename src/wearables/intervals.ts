/**
 * intervals.icu client.
 *
 * Docs (confirmed via search, 2026): API reference https://intervals.icu/api-docs.html; API access
 *   https://forum.intervals.icu/t/api-access-to-intervals-icu/609 — personal API key as HTTP Basic
 *   "API_KEY:<key>", athlete id "0" = the key's/token's own athlete; OAuth
 *   https://forum.intervals.icu/t/intervals-icu-oauth-support/2759 — authorize https://intervals.icu/oauth/authorize
 *   (scope e.g. "ACTIVITY:READ,WELLNESS:READ"), token POST https://intervals.icu/api/oauth/token (form client_id,
 *   client_secret, code) → { token_type: "Bearer", access_token, scope, athlete: { id, name } }. No refresh tokens
 *   and no expiry are documented: a revoked token needs a reconnect (supportsRefresh = false).
 *
 * Endpoints: GET /api/v1/athlete/{id}/wellness?oldest=&newest= (inclusive dates) → Wellness[];
 *   GET /api/v1/athlete/{id}/activities?oldest=&newest= → Activity[]. Neither is paginated, so we page the
 *   range ourselves in windows of `windowDays` (default 30) to keep each answer bounded. `newest` on
 *   /activities is a local date-time compared with each activity's start (intervals.icu API reference:
 *   "Local ISO-8601 date or date and time"): a bare date means its midnight and loses that day's activities,
 *   so it is sent as the end of the day (yyyy-mm-ddT23:59:59).
 *   GET /api/v1/athlete/{id} → the athlete (id, name, email where shared): the cheap authenticated call
 *   that checks a personal API key before it is stored, and names the account to the athlete.
 * Revocation: intervals.icu documents no revocation call (OAuth support thread: the athlete revokes an app
 *   under Settings → Connections); a personal API key is the athlete's own and only they can regenerate it.
 *   revoke() says so ('not_offered') instead of pretending.
 *
 * Mapping (→ canonical, units); the wellness record's `id` is already the athlete-local day (intervals.icu
 *   attributes a night's sleep to the day you wake up, like we do):
 *   wellness.hrv           → hrvRmssd (ms)          wellness.hrvSDNN  → hrvSdnn (ms, kept apart)
 *   wellness.restingHR     → restingHr (bpm)        wellness.sleepSecs → sleepHours (/ 3600, 2 dp)
 *   wellness.sleepScore    → sleepScore (0–100)     wellness.readiness → readiness (0–100)
 *   everything else (ctl, atl, sleepQuality, soreness, fatigue, stress, mood, motivation, …) → raw, verbatim
 *   activity.icu_training_load → load as is (already TSS-like; loadMethod 'tss', rawLoad unit 'icu_training_load');
 *     without it: icu_rpe × minutes / 4.5 ('srpe'), else 60-min-at-IF-.75 duration estimate ('duration_estimate').
 *   activity minutes = moving_time (else elapsed_time) / 60; average/max_heartrate → avgHr/maxHr; distance → distanceM.
 *   Activity day: local date in the athlete's zone of start_date (UTC), else the date of start_date_local.
 *   Activities without any duration (e.g. Strava stubs the API does not expose) are skipped.
 */
import { z } from 'zod';
import type { SourceDay, WorkoutRecord } from '../core/metrics.ts';
import { dateWindows, inRange, localDate, localIso, wallClockIso } from './dates.ts';
import { ProviderError } from './errors.ts';
import { durationEstimateTss, srpeToTss } from './load.ts';
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

export const INTERVALS_DEFAULTS = {
  baseUrl: 'https://intervals.icu',
  tokenUrl: 'https://intervals.icu/api/oauth/token',
  authorizeUrl: 'https://intervals.icu/oauth/authorize',
  scopes: ['ACTIVITY:READ', 'WELLNESS:READ'],
  windowDays: 30,
};

const n = z.number().nullable().optional();

const wellnessSchema = z
  .object({
    id: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    ctl: n,
    atl: n,
    rampRate: n,
    restingHR: n,
    hrv: n,
    hrvSDNN: n,
    avgSleepingHR: n,
    sleepSecs: n,
    sleepScore: n,
    sleepQuality: n,
    readiness: n,
    soreness: n,
    fatigue: n,
    stress: n,
    mood: n,
    motivation: n,
    injury: n,
    weight: n,
    spO2: n,
    respiration: n,
    steps: n,
    comments: z.string().nullable().optional(),
  })
  .loose();

const activitySchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    start_date_local: z.string(),
    start_date: z.string().nullable().optional(),
    type: z.string().nullable().optional(),
    name: z.string().nullable().optional(),
    moving_time: n,
    elapsed_time: n,
    distance: n,
    icu_training_load: n,
    icu_rpe: n,
    average_heartrate: n,
    max_heartrate: n,
  })
  .loose();

const WELLNESS_FIELDS = [
  'ctl',
  'atl',
  'rampRate',
  'restingHR',
  'hrv',
  'hrvSDNN',
  'avgSleepingHR',
  'sleepSecs',
  'sleepScore',
  'sleepQuality',
  'readiness',
  'soreness',
  'fatigue',
  'stress',
  'mood',
  'motivation',
  'injury',
  'weight',
  'spO2',
  'respiration',
  'steps',
  'comments',
] as const;

export interface IntervalsOptions extends ProviderClientOptions {
  /** Days per wellness/activities request. Default 30. */
  windowDays?: number;
}

const athleteSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String), name: z.string().nullable().optional(), email: z.string().nullable().optional() }).loose();

export class IntervalsProvider extends ProviderClient {
  readonly supportsRefresh = false;
  private readonly windowDays: number;

  constructor(protected override readonly options: IntervalsOptions) {
    super('intervals', options, INTERVALS_DEFAULTS);
    this.windowDays = Math.max(1, options.windowDays ?? INTERVALS_DEFAULTS.windowDays);
  }

  authorizationUrl(p: AuthorizationParams): string {
    return buildAuthorizationUrl(this.options.authorizeUrl ?? INTERVALS_DEFAULTS.authorizeUrl, {
      client_id: this.options.clientId,
      redirect_uri: p.redirectUri,
      scope: (p.scopes ?? this.options.scopes ?? INTERVALS_DEFAULTS.scopes).join(','),
      state: p.state,
    });
  }

  exchangeCode(code: string, _verifier: string | undefined, redirectUri: string): Promise<TokenSet> {
    return this.exchangeWithClientCredentials('form', { code, redirect_uri: redirectUri });
  }

  refresh(_refreshToken: string): Promise<TokenSet> {
    return Promise.reject(
      new ProviderError('PROVIDER.REFRESH_UNSUPPORTED', 'intervals', 'intervals.icu issues no refresh tokens'),
    );
  }

  revoke(tokens: TokenSet): Promise<RevocationResult> {
    const how =
      tokens.kind === 'api_key'
        ? 'intervals.icu has no way for us to cancel a personal API key: create a new one under Settings → Developer and the old one stops working.'
        : 'intervals.icu has no revocation call: remove twincoach under Settings → Connections on intervals.icu.';
    return Promise.resolve({ status: 'not_offered', how });
  }

  /** GET /api/v1/athlete/{id}: the account behind the token (checks an API key with one cheap call). */
  async account(tokens: TokenSet): Promise<{ id: string; name?: string; email?: string }> {
    const athlete = encodeURIComponent(tokens.externalUserId ?? '0');
    const { data } = await this.http.request({ path: `/api/v1/athlete/${athlete}`, auth: this.authOf(tokens), schema: athleteSchema });
    return { id: data.id, ...(data.name ? { name: data.name } : {}), ...(data.email ? { email: data.email } : {}) };
  }

  /** A personal API key (kind 'api_key') connects without OAuth. */
  static apiKeyTokens(apiKey: string, athleteId = '0'): TokenSet {
    return { accessToken: apiKey, kind: 'api_key', externalUserId: athleteId };
  }

  async fetchRange(connection: ProviderConnection, range: FetchRange): Promise<SourceDay[]> {
    const { tokens } = connection;
    const auth = this.authOf(tokens);
    const athlete = encodeURIComponent(tokens.externalUserId ?? '0');
    const wellness: z.output<typeof wellnessSchema>[] = [];
    const activities: z.output<typeof activitySchema>[] = [];
    for (const w of dateWindows(range.from, range.to, this.windowDays)) {
      const path = `/api/v1/athlete/${athlete}`;
      wellness.push(...(await this.collect({ request: () => ({ path: `${path}/wellness`, query: { oldest: w.from, newest: w.to }, auth }), item: wellnessSchema })));
      activities.push(
        ...(await this.collect({ request: () => ({ path: `${path}/activities`, query: { oldest: w.from, newest: `${w.to}T23:59:59` }, auth }), item: activitySchema })),
      );
    }

    const tz = range.timezone;
    const days = new DayBuilder('intervals');
    for (const w of wellness) {
      if (!inRange(w.id, range.from, range.to)) continue;
      const d = days.day(w.id);
      const m = d.metrics;
      if (isNum(w.hrv)) m.hrvRmssd = w.hrv;
      if (isNum(w.hrvSDNN)) m.hrvSdnn = w.hrvSDNN;
      if (isNum(w.restingHR)) m.restingHr = w.restingHR;
      if (isNum(w.sleepSecs)) m.sleepHours = round(w.sleepSecs / 3600, 2);
      if (isNum(w.sleepScore)) m.sleepScore = w.sleepScore;
      if (isNum(w.readiness)) m.readiness = w.readiness;
      for (const k of WELLNESS_FIELDS) {
        const v = w[k];
        if (v !== undefined) d.raw[`wellness.${k}`] = v;
      }
    }

    const seen = new Set<string>();
    for (const a of activities) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      const seconds = a.moving_time ?? a.elapsed_time;
      if (!isNum(seconds)) continue;
      const minutes = seconds / 60;
      const date = a.start_date ? localDate(a.start_date, tz) : a.start_date_local.slice(0, 10);
      if (!inRange(date, range.from, range.to)) continue;
      const rec: WorkoutRecord = {
        source: 'intervals',
        externalId: a.id,
        date,
        start: a.start_date ? localIso(a.start_date, tz) : wallClockIso(a.start_date_local, tz),
        minutes: round(minutes, 1),
        ...loadOf(a, minutes),
      };
      if (a.type) rec.sport = a.type;
      if (isNum(a.average_heartrate)) rec.avgHr = a.average_heartrate;
      if (isNum(a.max_heartrate)) rec.maxHr = a.max_heartrate;
      if (isNum(a.distance)) rec.distanceM = a.distance;
      if (isNum(a.icu_rpe)) rec.rpe = a.icu_rpe;
      days.day(date).workouts.push(rec);
    }
    return days.build();
  }
}

function loadOf(
  a: z.output<typeof activitySchema>,
  minutes: number,
): Pick<WorkoutRecord, 'load' | 'loadMethod' | 'rawLoad'> {
  if (isNum(a.icu_training_load)) {
    return {
      load: a.icu_training_load,
      loadMethod: 'tss',
      rawLoad: { value: a.icu_training_load, unit: 'icu_training_load' },
    };
  }
  if (isNum(a.icu_rpe)) {
    return { load: round(srpeToTss(a.icu_rpe, minutes), 1), loadMethod: 'srpe', rawLoad: { value: a.icu_rpe, unit: 'rpe_cr10' } };
  }
  return {
    load: round(durationEstimateTss(minutes), 1),
    loadMethod: 'duration_estimate',
    rawLoad: { value: round(minutes, 1), unit: 'minutes' },
  };
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
