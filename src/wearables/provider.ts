/**
 * The one provider interface every wearable API adapter implements, and the OAuth2 token-endpoint plumbing
 * they share. Adapters only translate: vendor JSON (zod-validated) → canonical SourceDay[] (src/core/metrics.ts).
 * Token lifecycle (refresh ahead of expiry, races, 401 → refresh → retry, needs-reauth) lives in tokens.ts.
 */
import { z } from 'zod';
import type { ProviderId, SourceDay } from '../core/metrics.ts';
import { ProviderError } from './errors.ts';
import { HttpClient, type HttpOptions } from './http.ts';

export interface TokenSet {
  accessToken: string;
  /** Absent when the vendor issues none (Polar, intervals.icu) or the `offline` scope was not granted (WHOOP). */
  refreshToken?: string;
  /** Epoch ms. Absent = the vendor does not say it expires (intervals.icu OAuth tokens, API keys). */
  expiresAt?: number;
  scope?: string;
  /** 'bearer' (OAuth access token) or 'api_key' (intervals.icu personal key, sent as Basic API_KEY:<key>). */
  kind?: 'bearer' | 'api_key';
  /** The vendor's id for the user when the token response carries it (Polar x_user_id, intervals athlete.id). */
  externalUserId?: string;
}

/** What a data call needs to know about a connection. */
export interface ProviderConnection {
  athleteId: string;
  provider: ProviderId;
  tokens: TokenSet;
}

/** Inclusive range of the athlete's local calendar days (yyyy-mm-dd) and their IANA time zone. */
export interface FetchRange {
  from: string;
  to: string;
  timezone: string;
}

export interface AuthorizationParams {
  state: string;
  /** S256 PKCE challenge (oauth.ts). Sent where the vendor supports it; harmless elsewhere. */
  codeChallenge?: string;
  redirectUri: string;
  /** Override the default scopes. */
  scopes?: string[];
}

export interface ExchangeContext {
  /** Our athlete id; Polar uses it as `member-id` when registering the user after the exchange. */
  athleteId?: string;
}

export interface WearableProvider {
  readonly id: ProviderId;
  /** False when the vendor never issues refresh tokens: an expired or revoked token needs a reconnect. */
  readonly supportsRefresh: boolean;
  authorizationUrl(params: AuthorizationParams): string;
  exchangeCode(code: string, verifier: string | undefined, redirectUri: string, ctx?: ExchangeContext): Promise<TokenSet>;
  /** Rejects with PROVIDER.INVALID_GRANT when the refresh token is spent, expired or revoked. */
  refresh(refreshToken: string): Promise<TokenSet>;
  /**
   * All canonical days in [from, to] (athlete-local) that have data, with workouts and their TSS-scale load.
   * Either the whole range or a ProviderError: never a partial result.
   */
  fetchRange(connection: ProviderConnection, range: FetchRange): Promise<SourceDay[]>;
}

/** Options shared by every provider client's constructor. */
export interface ProviderClientOptions extends Omit<HttpOptions, 'baseUrl'> {
  clientId: string;
  clientSecret: string;
  /** API base URL. Defaults to the vendor's production URL. */
  baseUrl?: string;
  /** Full URL of the OAuth2 token endpoint. Defaults to the vendor's. */
  tokenUrl?: string;
  /** Full URL of the OAuth2 authorization page. Defaults to the vendor's. */
  authorizeUrl?: string;
  /** Default scopes for authorizationUrl. */
  scopes?: string[];
}

export function buildAuthorizationUrl(
  authorizeUrl: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(authorizeUrl);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** A token endpoint lives on its own origin (Polar: polarremote.com; WHOOP: /oauth vs /developer). */
export function tokenEndpoint(
  provider: ProviderId,
  tokenUrl: string,
  options: Omit<HttpOptions, 'baseUrl'>,
): { http: HttpClient; path: string } {
  const url = new URL(tokenUrl);
  return { http: new HttpClient(provider, { ...options, baseUrl: url.origin }), path: url.pathname };
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().nonnegative().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  x_user_id: z.union([z.number(), z.string()]).optional(),
  athlete: z.object({ id: z.union([z.number(), z.string()]) }).optional(),
});

const oauthErrorSchema = z.object({ error: z.string() });

/**
 * POST form to a token endpoint. `invalid_grant` (RFC 6749 §5.2) → PROVIDER.INVALID_GRANT, whatever the status
 * (vendors use 400 or 401). Not retried on 5xx/timeouts: a rotating refresh token may already be spent.
 */
export async function requestToken(
  provider: ProviderId,
  endpoint: { http: HttpClient; path: string },
  form: Record<string, string | undefined>,
  opts: { basicAuth?: { username: string; password: string }; now: () => number },
): Promise<TokenSet> {
  const { data } = await endpoint.http.request({
    method: 'POST',
    path: endpoint.path,
    form,
    ...(opts.basicAuth ? { auth: { basic: opts.basicAuth } } : {}),
    schema: tokenResponseSchema,
    retry: false,
    classifyError: (status, text) => {
      let error: string | undefined;
      try {
        const parsed = oauthErrorSchema.safeParse(JSON.parse(text));
        if (parsed.success) error = parsed.data.error;
      } catch {
        /* not JSON */
      }
      if (error === 'invalid_grant' || error === 'invalid_token') {
        return new ProviderError('PROVIDER.INVALID_GRANT', provider, `token endpoint: ${error}`, {
          status,
          request: `POST ${endpoint.path}`,
        });
      }
      if (status >= 400 && status < 500 && status !== 429) {
        return new ProviderError('PROVIDER.BAD_REQUEST', provider, `token endpoint returned ${status} ${error ?? ''}`.trim(), {
          status,
          request: `POST ${endpoint.path}`,
        });
      }
      return undefined;
    },
  });
  const tokens: TokenSet = { accessToken: data.access_token, kind: 'bearer' };
  if (data.refresh_token !== undefined) tokens.refreshToken = data.refresh_token;
  if (data.expires_in !== undefined) tokens.expiresAt = opts.now() + data.expires_in * 1000;
  if (data.scope !== undefined) tokens.scope = data.scope;
  const userId = data.x_user_id ?? data.athlete?.id;
  if (userId !== undefined) tokens.externalUserId = String(userId);
  return tokens;
}

/** Sum of workout loads, rounded to 0.1, or undefined when there are no workouts. */
export function sumLoad(workouts: { load: number }[]): number | undefined {
  if (workouts.length === 0) return undefined;
  return round(workouts.reduce((s, w) => s + w.load, 0), 1);
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Follow a cursor to the end. A cursor that repeats (or more than maxPages pages) is a vendor bug that would
 * loop forever: reported as PROVIDER.MALFORMED_RESPONSE rather than returning a partial range.
 */
export async function collectPages<T>(
  provider: ProviderId,
  label: string,
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null | undefined }>,
  maxPages = 500,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) {
      throw new ProviderError('PROVIDER.MALFORMED_RESPONSE', provider, `${label}: more than ${maxPages} pages`);
    }
    const { items, next } = await fetchPage(cursor);
    out.push(...items);
    if (next === null || next === undefined || next === '') return out;
    if (seen.has(next)) {
      throw new ProviderError('PROVIDER.MALFORMED_RESPONSE', provider, `${label}: pagination token repeated`);
    }
    seen.add(next);
    cursor = next;
  }
}

/** Accumulates one SourceDay per local date. */
export class DayBuilder {
  private readonly days = new Map<string, SourceDay>();
  constructor(private readonly source: SourceDay['source']) {}

  day(date: string): SourceDay {
    let d = this.days.get(date);
    if (!d) {
      d = { source: this.source, date, metrics: {}, raw: {}, workouts: [] };
      this.days.set(date, d);
    }
    return d;
  }

  /** Copy scalar fields verbatim into raw under `prefix.` (nested objects flattened with dots). */
  static flatten(into: SourceDay['raw'], prefix: string, obj: unknown): void {
    if (obj === null || obj === undefined) return;
    if (typeof obj === 'object' && !Array.isArray(obj)) {
      for (const [k, v] of Object.entries(obj as Record<string, unknown>)) DayBuilder.flatten(into, `${prefix}.${k}`, v);
      return;
    }
    if (typeof obj === 'number' || typeof obj === 'string' || typeof obj === 'boolean') into[prefix] = obj;
  }

  /** Days sorted by date, with `load` = sum of the day's workout loads. */
  build(): SourceDay[] {
    const out = [...this.days.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (const d of out) {
      d.workouts.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      const load = sumLoad(d.workouts);
      if (load !== undefined) d.metrics.load = load;
    }
    return out;
  }
}
