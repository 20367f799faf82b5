/**
 * The one provider interface every wearable API adapter implements, and the skeleton they share.
 * Adapters only translate: vendor JSON (zod-validated) → canonical SourceDay[] (src/core/metrics.ts).
 * Token lifecycle (refresh ahead of expiry, races, 401 → refresh → retry, needs-reauth) lives in tokens.ts.
 *
 * `ProviderClient` is that skeleton, written once for the four clients (oura.ts, whoop.ts, intervals.ts,
 * polar.ts): the API and token-endpoint HTTP clients built from the options and the vendor's defaults, the
 * OAuth code exchange and refresh (client credentials in the form body or as HTTP Basic), the collection
 * read (`collect`: one request or a cursor followed to the end, every document validated on its own), and the
 * revocation contract. A client adds its endpoints and its mapping, nothing else.
 *
 * Documents are validated one by one: the envelope (`{data, next_token}`, `{records}`, a bare array) must
 * match or the whole range fails (PROVIDER.MALFORMED_RESPONSE, nothing partial), but one document that does
 * not match its schema is left out and reported through `onSkippedDocument` (the sync goes on with the
 * others) — a vendor adding a value to an enum or sending null where it documents null must not cost the
 * athlete the whole range. Tried and dropped: all-or-nothing per page (one odd sleep document lost 3 weeks).
 */
import { z } from 'zod';
import type { ProviderId, SourceDay } from '../core/metrics.ts';
import { ProviderError } from './errors.ts';
import { HttpClient, type Auth, type HttpOptions, type RateLimitPolicy, type RequestSpec } from './http.ts';

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

/**
 * What revoking a grant at the vendor did. 'not_offered': the vendor has no revocation call (`how` says what
 * the athlete can do instead).
 */
export type RevocationResult = { status: 'revoked' } | { status: 'not_offered'; how: string };

export interface WearableProvider {
  readonly id: ProviderId;
  /** False when the vendor never issues refresh tokens: an expired or revoked token needs a reconnect. */
  readonly supportsRefresh: boolean;
  /**
   * End the grant at the vendor (the access and refresh tokens stop working there). Rejects with a
   * ProviderError when the vendor refuses or is unreachable; PROVIDER.UNAUTHORIZED means the access token is
   * no longer accepted (the caller may refresh and try once more).
   */
  revoke(tokens: TokenSet): Promise<RevocationResult>;
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
  /** A document that did not match its schema was left out of the range (see the header). */
  onSkippedDocument?: (info: SkippedDocument) => void;
}

export interface SkippedDocument {
  provider: ProviderId;
  /** The collection, e.g. "GET /v2/usercollection/sleep". */
  collection: string;
  /** The document's id when it has one. */
  id?: string;
  /** The first schema issues, "path: message". */
  issues: string;
}

/** The vendor's production URLs and transport defaults (each client's *_DEFAULTS). */
export interface ProviderDefaults {
  baseUrl: string;
  tokenUrl: string;
  rateLimitPolicy?: RateLimitPolicy;
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

/** How a client sends its OAuth client credentials to the token endpoint. */
export type ClientAuthStyle = 'form' | 'basic';

/** A collection read: one request, or (with `next`) a cursor followed to the end. */
export interface CollectSpec<T extends z.ZodType> {
  /** Method, path, query (`cursor` is the previous page's next token), auth, headers. */
  request: (cursor: string | undefined) => Omit<RequestSpec<z.ZodType>, 'schema'>;
  /** The document schema; each document is validated alone. */
  item: T;
  /** Where the documents are in the envelope: a key (`data`, `records`, `nights`), or undefined for a bare array. */
  itemsKey?: string;
  /** Where the next-page token is (`next_token`); absent = the collection is not paginated. */
  nextKey?: string;
  /** The vendor answers 204 / an empty body for "nothing": an empty collection. */
  emptyAllowed?: boolean;
}

/**
 * The skeleton every client extends (see the header). Subclasses call `super(id, options, defaults)`, then use
 * `this.http`, `this.collect`, `this.exchangeWithClientCredentials`, `this.refreshWithClientCredentials`.
 */
export abstract class ProviderClient implements WearableProvider {
  abstract readonly supportsRefresh: boolean;
  protected readonly http: HttpClient;
  protected readonly token: { http: HttpClient; path: string };
  protected readonly now: () => number;

  protected constructor(
    readonly id: ProviderId,
    protected readonly options: ProviderClientOptions,
    defaults: ProviderDefaults,
  ) {
    const { baseUrl, tokenUrl, clientId: _id, clientSecret: _secret, authorizeUrl: _a, scopes: _s, onSkippedDocument: _o, ...transport } = options;
    const http = defaults.rateLimitPolicy ? { rateLimitPolicy: defaults.rateLimitPolicy, ...transport } : transport;
    this.http = new HttpClient(id, { ...http, baseUrl: baseUrl ?? defaults.baseUrl });
    this.token = tokenEndpoint(id, tokenUrl ?? defaults.tokenUrl, http);
    this.now = options.now ?? Date.now;
  }

  abstract authorizationUrl(params: AuthorizationParams): string;
  abstract exchangeCode(code: string, verifier: string | undefined, redirectUri: string, ctx?: ExchangeContext): Promise<TokenSet>;
  abstract refresh(refreshToken: string): Promise<TokenSet>;
  abstract revoke(tokens: TokenSet): Promise<RevocationResult>;
  abstract fetchRange(connection: ProviderConnection, range: FetchRange): Promise<SourceDay[]>;

  /** OAuth2 authorization-code exchange with this client's credentials (RFC 6749 §4.1.3). */
  protected exchangeWithClientCredentials(style: ClientAuthStyle, form: Record<string, string | undefined>): Promise<TokenSet> {
    return this.tokenCall(style, form);
  }

  /** OAuth2 refresh (RFC 6749 §6) with this client's credentials. */
  protected refreshWithClientCredentials(style: ClientAuthStyle, refreshToken: string, extra: Record<string, string | undefined> = {}): Promise<TokenSet> {
    return this.tokenCall(style, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
  }

  private tokenCall(style: ClientAuthStyle, form: Record<string, string | undefined>): Promise<TokenSet> {
    const { clientId, clientSecret } = this.options;
    if (style === 'basic') return requestToken(this.id, this.token, form, { basicAuth: { username: clientId, password: clientSecret }, now: this.now });
    return requestToken(this.id, this.token, { ...form, client_id: clientId, client_secret: clientSecret }, { now: this.now });
  }

  /** A bearer token, or intervals.icu's personal API key as HTTP Basic API_KEY:<key>. */
  protected authOf(tokens: TokenSet): Auth {
    return tokens.kind === 'api_key' ? { basic: { username: 'API_KEY', password: tokens.accessToken } } : { bearer: tokens.accessToken };
  }

  /** Every document of a collection, each validated alone (see the header); a bad envelope fails the range. */
  protected collect<T extends z.ZodType>(spec: CollectSpec<T>): Promise<z.output<T>[]> {
    const list = z.array(z.unknown());
    const envelope = spec.itemsKey === undefined ? list : z.object({ [spec.itemsKey]: list, ...(spec.nextKey ? { [spec.nextKey]: z.string().nullable().optional() } : {}) });
    const schema = spec.emptyAllowed ? envelope.nullable() : envelope;
    const fetchPage = async (cursor: string | undefined) => {
      const req = spec.request(cursor);
      const { data } = await this.http.request({ ...req, schema });
      const label = `${req.method ?? 'GET'} ${req.path}`;
      if (data === null) return { items: [], next: null };
      const raw = (spec.itemsKey === undefined ? data : (data as Record<string, unknown>)[spec.itemsKey]) as unknown[];
      const next = spec.nextKey ? ((data as Record<string, unknown>)[spec.nextKey] as string | null | undefined) : null;
      return { items: this.validEach(label, spec.item, raw), next };
    };
    if (!spec.nextKey) return fetchPage(undefined).then((p) => p.items);
    return collectPages(this.id, spec.request(undefined).path, fetchPage);
  }

  private validEach<T extends z.ZodType>(collection: string, item: T, raw: unknown[]): z.output<T>[] {
    const out: z.output<T>[] = [];
    for (const doc of raw) {
      const parsed = item.safeParse(doc);
      if (parsed.success) {
        out.push(parsed.data);
        continue;
      }
      const id = doc && typeof doc === 'object' && 'id' in doc ? String((doc as { id: unknown }).id) : undefined;
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      this.options.onSkippedDocument?.({ provider: this.id, collection, ...(id !== undefined ? { id } : {}), issues });
    }
    return out;
  }
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
