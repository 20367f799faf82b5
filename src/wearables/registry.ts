/**
 * Provider registry: the four clients built from configuration, and the two core ports they back —
 * WearableSource (src/core/ingest.use-case.ts: fetch with token refresh) and OAuthGateway
 * (src/core/connect-flow.use-case.ts: sign-in links, state check, code exchange, API-key check).
 *
 * Composition root:
 *
 *   const registry = buildProviders(config);                                   // clients from config
 *   const { sources } = createWearableSources(registry, repos.connectionStore); // + TokenManager
 *   const oauth = createOAuthGateway({ registry, stateSecret: config.OAUTH_STATE_SECRET!,
 *     publicBaseUrl: config.PUBLIC_BASE_URL!, nonceStore: new MongoNonceStore(conn) });
 *
 * Which providers exist: Oura, WHOOP and Polar when their client id + secret are configured (OAuth only);
 * intervals.icu always (personal API keys need no app registration), and with OAuth when its client id +
 * secret are configured.
 *
 * Base URLs: `<P>_API_BASE_URL` replaces the vendor's API host (tests point it at the loopback fakes; a
 * staging double). The token endpoint is then taken from the same origin with the vendor's path (Oura
 * /oauth/token, WHOOP /oauth/oauth2/token, intervals.icu /api/oauth/token, Polar /v2/oauth2/token), because a
 * double serves both; without an override every URL is the vendor's production one.
 *
 * Webhooks name the vendor's user, so a connection needs `externalUserId`: Polar (x_user_id) and intervals.icu
 * (athlete.id) return it with the token; for Oura (GET /v2/usercollection/personal_info → id) and WHOOP
 * (GET /v2/user/profile/basic → user_id, scope read:profile) it is looked up right after the exchange
 * (best effort: without it only webhooks are lost, the nightly sync still runs).
 *
 * createVendorAccess backs the core's VendorAccess port: revocation through each client's revoke() (an
 * expired access token is refreshed once and the fresh one revoked, so a grant whose access token lapsed
 * still ends), the intervals.icu key check (GET /api/v1/athlete/{id}, one call) and "which account is this"
 * (Oura personal_info id + email, WHOOP profile user_id + email, intervals.icu athlete id + name, Polar
 * x_user_id) for the message the athlete gets after connecting.
 */
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { OAuthGateway, StateCheck } from '../core/connect-flow.use-case.ts';
import type { RevocationOutcome, VendorAccess, VendorAccount } from '../core/ports.ts';
import { isAppError } from '../errors.ts';
import { isProviderError } from './errors.ts';
import type { DayRange, WearableSource, WearableSources } from '../core/ingest.use-case.ts';
import type { ProviderId, SourceDay } from '../core/metrics.ts';
import type { ConnectionStore } from './connection-store.ts';
import { HttpClient, type HttpOptions } from './http.ts';
import { IntervalsProvider } from './intervals.ts';
import { beginAuthorization, OAuthStateError, verifyOAuthState, type NonceStore } from './oauth.ts';
import { OURA_DEFAULTS, OuraProvider } from './oura.ts';
import { PolarProvider } from './polar.ts';
import type { ProviderClientOptions, TokenSet, WearableProvider } from './provider.ts';
import { TokenManager, type TokenManagerOptions } from './tokens.ts';
import { WHOOP_DEFAULTS, WhoopProvider } from './whoop.ts';

export type ProviderConfig = Pick<
  Config,
  | 'OURA_CLIENT_ID'
  | 'OURA_CLIENT_SECRET'
  | 'OURA_API_BASE_URL'
  | 'WHOOP_CLIENT_ID'
  | 'WHOOP_CLIENT_SECRET'
  | 'WHOOP_API_BASE_URL'
  | 'INTERVALS_CLIENT_ID'
  | 'INTERVALS_CLIENT_SECRET'
  | 'INTERVALS_API_BASE_URL'
  | 'POLAR_CLIENT_ID'
  | 'POLAR_CLIENT_SECRET'
  | 'POLAR_API_BASE_URL'
>;

export interface BuildProvidersOptions {
  /** Transport knobs for every client (timeouts, retries, injected sleep/now in tests). */
  http?: Partial<Omit<HttpOptions, 'baseUrl'>>;
  /** Polar training_load → TSS factor (default 1.0, see polar.ts). */
  polarTrainingLoadToTss?: number;
  /** A document left out of a range because it did not match its schema (log it). */
  onSkippedDocument?: ProviderClientOptions['onSkippedDocument'];
}

export interface ProviderRegistry {
  providers: Partial<Record<ProviderId, WearableProvider>>;
  /** Providers with a configured OAuth app (sign-in links). */
  oauthProviders: ProviderId[];
  /** Providers that connect with an API key. */
  apiKeyProviders: ProviderId[];
  /** The vendor's user id for an access token, where the token response does not carry it. */
  userIdLookup: Partial<Record<ProviderId, (accessToken: string) => Promise<string>>>;
  /** The account behind an access token, as far as the vendor's API says (Oura, WHOOP). */
  accountLookup: Partial<Record<ProviderId, (accessToken: string) => Promise<VendorAccount>>>;
}

/** Vendor token paths, used when a base URL override moves the whole API to another origin. */
const TOKEN_PATHS = { oura: '/oauth/token', whoop: '/oauth/oauth2/token', intervals: '/api/oauth/token', polar: '/v2/oauth2/token' } as const;

function overrides(baseUrl: string | undefined, provider: keyof typeof TOKEN_PATHS): { baseUrl?: string; tokenUrl?: string } {
  if (!baseUrl) return {};
  const base = baseUrl.replace(/\/+$/, '');
  return { baseUrl: base, tokenUrl: new URL(TOKEN_PATHS[provider], base).toString() };
}

export function buildProviders(config: ProviderConfig, options: BuildProvidersOptions = {}): ProviderRegistry {
  const http = { ...(options.http ?? {}), ...(options.onSkippedDocument ? { onSkippedDocument: options.onSkippedDocument } : {}) };
  const providers: Partial<Record<ProviderId, WearableProvider>> = {};
  const oauthProviders: ProviderId[] = [];
  const userIdLookup: ProviderRegistry['userIdLookup'] = {};
  const accountLookup: ProviderRegistry['accountLookup'] = {};

  if (config.OURA_CLIENT_ID && config.OURA_CLIENT_SECRET) {
    const o = overrides(config.OURA_API_BASE_URL, 'oura');
    const oura = new OuraProvider({ ...http, clientId: config.OURA_CLIENT_ID, clientSecret: config.OURA_CLIENT_SECRET, ...o });
    providers.oura = oura;
    oauthProviders.push('oura');
    accountLookup.oura = (accessToken) => oura.account(accessToken);
    userIdLookup.oura = async (accessToken) => (await oura.account(accessToken)).id;
  }
  if (config.WHOOP_CLIENT_ID && config.WHOOP_CLIENT_SECRET) {
    const o = overrides(config.WHOOP_API_BASE_URL, 'whoop');
    providers.whoop = new WhoopProvider({
      ...http,
      clientId: config.WHOOP_CLIENT_ID,
      clientSecret: config.WHOOP_CLIENT_SECRET,
      scopes: [...WHOOP_DEFAULTS.scopes, 'read:profile'],
      ...o,
    });
    oauthProviders.push('whoop');
    const api = new HttpClient('whoop', { ...http, baseUrl: o.baseUrl ?? WHOOP_DEFAULTS.baseUrl });
    // UserBasicProfile (WHOOP API OpenAPI document): user_id, email, first_name, last_name.
    const profile = z.object({ user_id: z.union([z.number(), z.string()]).transform(String), email: z.string().nullable().optional() });
    accountLookup.whoop = async (accessToken) => {
      const { data } = await api.request({ path: '/v2/user/profile/basic', auth: { bearer: accessToken }, schema: profile });
      return data.email ? { id: data.user_id, email: data.email } : { id: data.user_id };
    };
    userIdLookup.whoop = async (accessToken) => (await accountLookup.whoop!(accessToken)).id!;
  }
  {
    const hasApp = Boolean(config.INTERVALS_CLIENT_ID && config.INTERVALS_CLIENT_SECRET);
    providers.intervals = new IntervalsProvider({
      ...http,
      clientId: config.INTERVALS_CLIENT_ID ?? '',
      clientSecret: config.INTERVALS_CLIENT_SECRET ?? '',
      ...overrides(config.INTERVALS_API_BASE_URL, 'intervals'),
    });
    if (hasApp) oauthProviders.push('intervals');
  }
  if (config.POLAR_CLIENT_ID && config.POLAR_CLIENT_SECRET) {
    providers.polar = new PolarProvider({
      ...http,
      clientId: config.POLAR_CLIENT_ID,
      clientSecret: config.POLAR_CLIENT_SECRET,
      ...overrides(config.POLAR_API_BASE_URL, 'polar'),
      ...(options.polarTrainingLoadToTss !== undefined ? { trainingLoadToTss: options.polarTrainingLoadToTss } : {}),
    });
    oauthProviders.push('polar');
  }
  return { providers, oauthProviders, apiKeyProviders: ['intervals'], userIdLookup, accountLookup };
}

/** Days back each vendor serves at all (the ingest's backfill starts no earlier). */
export const PROVIDER_HISTORY_DAYS: Partial<Record<ProviderId, number>> = { polar: 30 };

/** WearableSource over a client: every data call goes through the token manager (refresh, 401 → retry, needs-reauth). */
export class TokenManagedSource implements WearableSource {
  readonly historyDays?: number;
  constructor(
    private readonly client: WearableProvider,
    private readonly tokens: TokenManager,
    historyDays?: number,
  ) {
    if (historyDays !== undefined) this.historyDays = historyDays;
  }
  get provider(): ProviderId {
    return this.client.id;
  }
  fetchDays(athleteId: string, range: DayRange): Promise<SourceDay[]> {
    return this.tokens.withAccessToken(athleteId, this.client.id, (c) =>
      this.client.fetchRange({ athleteId, provider: this.client.id, tokens: c.tokens }, { from: range.from, to: range.to, timezone: range.timezone }),
    );
  }
}

export function createWearableSources(
  registry: Pick<ProviderRegistry, 'providers'>,
  store: ConnectionStore,
  options: Omit<TokenManagerOptions, 'store' | 'providers'> = {},
): { sources: WearableSources; tokens: TokenManager } {
  const tokens = new TokenManager({ ...options, store, providers: registry.providers });
  const sources: WearableSources = {};
  for (const [id, client] of Object.entries(registry.providers) as [ProviderId, WearableProvider][]) {
    sources[id] = new TokenManagedSource(client, tokens, PROVIDER_HISTORY_DAYS[id]);
  }
  return { sources, tokens };
}

/**
 * The jobs/ TokenRenewal port: refresh, ahead of time, every active connection whose access token expires
 * before `before` (vendors with refresh tokens only; Polar and intervals.icu tokens cannot be renewed).
 * Each refresh goes through the token manager (single-flight, compare-and-set, invalid_grant → needs-reauth
 * and its onNeedsReauth callback, which should be the ingest service's reportLostAccess).
 */
export function createTokenRenewal(deps: {
  connections: { listByStatus(status: 'active'): Promise<{ athleteId: string; provider: ProviderId; tokens: TokenSet }[]> };
  tokens: TokenManager;
  registry: Pick<ProviderRegistry, 'providers'>;
}): { renewExpiring(before: Date, now: Date): Promise<{ checked: number; renewed: number; failed: number; needsReauth: number }> } {
  return {
    async renewExpiring(before) {
      const out = { checked: 0, renewed: 0, failed: 0, needsReauth: 0 };
      for (const c of await deps.connections.listByStatus('active')) {
        const client = deps.registry.providers[c.provider];
        const exp = c.tokens.expiresAt;
        if (!client?.supportsRefresh || !c.tokens.refreshToken || exp === undefined || exp >= before.getTime()) continue;
        out.checked++;
        try {
          // Treat the current access token as spent: the manager refreshes unless someone already did.
          const next = await deps.tokens.refreshAfterUnauthorized(c.athleteId, c.provider, c.tokens.accessToken);
          if (next.tokens.accessToken !== c.tokens.accessToken) out.renewed++;
        } catch (e) {
          if (isAppError(e, 'PROVIDER.NEEDS_REAUTH')) out.needsReauth++;
          else out.failed++;
        }
      }
      return out;
    },
  };
}

export interface OAuthGatewayOptions {
  registry: ProviderRegistry;
  /** OAUTH_STATE_SECRET (≥ 32 characters). */
  stateSecret: string;
  /** PUBLIC_BASE_URL: callbacks are <base>/oauth/<provider>/callback. */
  publicBaseUrl: string;
  nonceStore: NonceStore;
  now?: () => number;
  /** How long a sign-in link works. Default 10 min. */
  stateTtlMs?: number;
  logger?: { warn(obj: object, msg?: string): void };
}

export function oauthCallbackUrl(publicBaseUrl: string, provider: ProviderId): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/oauth/${provider}/callback`;
}

function scopesOf(tokens: TokenSet): string[] {
  return tokens.scope ? tokens.scope.split(/[\s,]+/).filter(Boolean) : [];
}

export function createOAuthGateway(options: OAuthGatewayOptions): OAuthGateway {
  const { registry, stateSecret, publicBaseUrl, nonceStore } = options;
  const now = options.now ?? Date.now;
  if (stateSecret.length < 32) throw new RangeError('OAUTH_STATE_SECRET must be at least 32 characters');
  const client = (provider: ProviderId): WearableProvider => {
    const c = registry.providers[provider];
    if (!c) throw new Error(`provider ${provider} is not configured`);
    return c;
  };
  return {
    oauthProviders: [...registry.oauthProviders],
    apiKeyProviders: registry.apiKeyProviders.filter((p) => registry.providers[p] !== undefined),

    begin({ athleteId, provider }) {
      const { state, codeChallenge, expiresAt } = beginAuthorization(
        { athleteId, provider, ...(options.stateTtlMs !== undefined ? { ttlMs: options.stateTtlMs } : {}) },
        { secret: stateSecret, now },
      );
      // Clients that support PKCE send the challenge; the others (Polar, intervals.icu) leave it out.
      const url = client(provider).authorizationUrl({ state, codeChallenge, redirectUri: oauthCallbackUrl(publicBaseUrl, provider) });
      return { url, expiresAt: new Date(expiresAt) };
    },

    async verifyState(provider, state): Promise<StateCheck> {
      try {
        const v = await verifyOAuthState(state, { secret: stateSecret, now, nonceStore, expectedProvider: provider });
        return { ok: true, athleteId: v.athleteId, codeVerifier: v.codeVerifier };
      } catch (e) {
        if (e instanceof OAuthStateError) return { ok: false, reason: e.code };
        throw e;
      }
    },

    async exchange(provider, { code, codeVerifier, athleteId }) {
      const tokens = await client(provider).exchangeCode(code, codeVerifier, oauthCallbackUrl(publicBaseUrl, provider), { athleteId });
      const lookup = registry.userIdLookup[provider];
      if (tokens.externalUserId === undefined && lookup) {
        try {
          tokens.externalUserId = await lookup(tokens.accessToken);
        } catch (e) {
          options.logger?.warn({ component: 'oauth', provider, athleteId, code: (e as { code?: string }).code ?? 'INTERNAL' }, 'vendor user id lookup failed: webhooks cannot reach this athlete');
        }
      }
      return { tokens, scopes: scopesOf(tokens) };
    },

  };
}

export interface VendorAccessOptions {
  registry: Pick<ProviderRegistry, 'providers' | 'accountLookup'>;
  /** False when TOKEN_ENCRYPTION_KEY is unset (tokens are encrypted under a per-run key). */
  secretsSurviveRestart: boolean;
}

function failed(e: unknown): RevocationOutcome {
  return { status: 'failed', code: (e as { code?: string }).code ?? 'INTERNAL' };
}

/** The core's VendorAccess port over the clients (see the header). */
export function createVendorAccess(options: VendorAccessOptions): VendorAccess {
  const { registry } = options;
  return {
    secretsSurviveRestart: options.secretsSurviveRestart,

    async revoke(_athleteId, provider, tokens) {
      const client = registry.providers[provider];
      if (!client) return { status: 'failed', code: 'CONNECT.PROVIDER_UNAVAILABLE' };
      try {
        return await client.revoke(tokens);
      } catch (e) {
        if (!isProviderError(e, 'PROVIDER.UNAUTHORIZED') || !client.supportsRefresh || !tokens.refreshToken) return failed(e);
        try {
          const fresh = await client.refresh(tokens.refreshToken);
          return await client.revoke({ ...tokens, ...fresh });
        } catch (e2) {
          return failed(e2);
        }
      }
    },

    async verifyApiKey(provider, { apiKey, externalUserId }) {
      const client = registry.providers[provider];
      if (provider !== 'intervals' || !(client instanceof IntervalsProvider)) throw new Error(`${provider} does not take API keys`);
      const tokens = IntervalsProvider.apiKeyTokens(apiKey, externalUserId);
      const account = await client.account(tokens);
      return { tokens, account };
    },

    async accountOf(provider, tokens) {
      try {
        const client = registry.providers[provider];
        if (client instanceof IntervalsProvider) return await client.account(tokens);
        const lookup = registry.accountLookup[provider];
        if (lookup) return await lookup(tokens.accessToken);
      } catch {
        /* best effort: the id we have is still worth showing */
      }
      return tokens.externalUserId ? { id: tokens.externalUserId } : {};
    },
  };
}
