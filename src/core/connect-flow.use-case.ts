/**
 * Connecting a wearable provider, as the athlete experiences it:
 *
 *   /connect oura      → beginConnect: a one-time sign-in link (vendor authorization URL carrying a signed,
 *                        single-use, 10-minute state; PKCE S256 where the vendor supports it)
 *   vendor → callback  → completeConnect: verify the state (signature, expiry, provider, single use), exchange
 *                        the code, store the tokens (encrypted by the repository), tell the athlete, start the
 *                        first sync (backfill) in the background
 *   /connect intervals api_key … → connectApiKey: connections.use-case.ts checks the key against the vendor
 *                        (and refuses without a durable token key), then the same notify/sync
 *   /disconnect        → disconnect: connections.use-case.ts revokes at the vendor (best effort), then wipes
 *
 * The vendor side of sign-in (URLs, state signing, PKCE, code exchange) is the OAuthGateway port; key checks,
 * revocation and "which account is this" are the VendorAccess port (ports.ts). Both are implemented in
 * src/wearables/registry.ts.
 */
import { isAppError } from '../errors.ts';
import { publish } from './context.ts';
import { connectApiKey as connectApiKeyCore, connectProvider, disconnectProvider, type ConnectionSummary } from './connections.use-case.ts';
import { fail } from './error-codes.ts';
import type { ProviderId } from './metrics.ts';
import type { CoreDeps } from './ports.ts';
import type { Actor, TokenSet } from './types.ts';

export type StateCheck = { ok: true; athleteId: string; codeVerifier: string } | { ok: false; reason: string };

export interface OAuthGateway {
  /** Providers this server connects with a browser sign-in (configured client id and secret). */
  readonly oauthProviders: readonly ProviderId[];
  /** Providers that connect with an API key instead (intervals.icu). */
  readonly apiKeyProviders: readonly ProviderId[];
  /** The vendor's authorization URL with a fresh signed state for this athlete. */
  begin(input: { athleteId: string; provider: ProviderId }): { url: string; expiresAt: Date };
  /** Check signature, expiry and provider, then consume the state's nonce (a state verifies once). */
  verifyState(provider: ProviderId, state: string): Promise<StateCheck>;
  /** Exchange the code (and register the user where the vendor needs it, e.g. Polar). Rejects with a ProviderError. */
  exchange(provider: ProviderId, input: { code: string; codeVerifier: string; athleteId: string }): Promise<{ tokens: TokenSet; scopes: string[] }>;
}

export interface ConnectDeps extends CoreDeps {
  oauth: OAuthGateway;
  /** After a connection is stored: e.g. ingest.enqueue(athleteId, [provider]) for the first backfill. */
  onConnected?: (athleteId: string, provider: ProviderId) => void;
}

export interface ConnectedResult {
  athleteId: string;
  provider: ProviderId;
  connection: ConnectionSummary;
}

export const PROVIDER_NAMES: Readonly<Record<ProviderId, string>> = {
  oura: 'Oura',
  whoop: 'WHOOP',
  intervals: 'intervals.icu',
  polar: 'Polar',
  simulated: 'Simulated',
};

async function saveConnection(deps: ConnectDeps, athleteId: string, provider: ProviderId, tokens: TokenSet, scopes: string[]): Promise<ConnectedResult> {
  const connection = await connectProvider(deps, athleteId, provider, tokens, scopes);
  // Which vendor account this is goes to the athlete (a forwarded link attaches whoever signed in).
  const account = deps.vendorAccess ? await deps.vendorAccess.accountOf(provider, tokens) : undefined;
  await publish(deps, { type: 'connection.connected', athleteId, provider, via: 'oauth', ...(account ? { account } : {}) });
  try {
    deps.onConnected?.(athleteId, provider);
  } catch (err) {
    deps.logger?.warn({ component: 'connect', athleteId, provider, err: (err as Error).message }, 'could not start the first sync');
  }
  return { athleteId, provider, connection };
}

/** The sign-in link for an athlete (the shape commands/ ConnectLinks expects). */
export async function connectLink(
  deps: ConnectDeps,
  input: { athleteId: string; provider: ProviderId },
): Promise<{ url: string; expiresAt: Date }> {
  const name = PROVIDER_NAMES[input.provider] ?? input.provider;
  if (!deps.oauth.oauthProviders.includes(input.provider)) {
    const hint = deps.oauth.apiKeyProviders.includes(input.provider) ? ` ${name} connects with an API key instead.` : '';
    throw fail('CONNECT.PROVIDER_UNAVAILABLE', `Connecting ${name} with a sign-in link is not set up on this server.${hint}`, { provider: input.provider });
  }
  if (!(await deps.athletes.get(input.athleteId))) throw fail('ATHLETE.NOT_REGISTERED', 'Register as an athlete first (/register), then connect your wearable.');
  return deps.oauth.begin(input);
}

/** /connect <provider>: the acting athlete's own link. */
export function beginConnect(deps: ConnectDeps, actor: Actor, provider: ProviderId): Promise<{ url: string; expiresAt: Date }> {
  return connectLink(deps, { athleteId: actor.personId, provider });
}

/**
 * The OAuth callback. The state is verified (and consumed) before anything else, so a forged, expired or
 * replayed link never reaches the vendor's token endpoint and stores nothing.
 */
export async function completeConnect(
  deps: ConnectDeps,
  provider: ProviderId,
  input: { code?: string | null; state?: string | null; error?: string | null },
): Promise<ConnectedResult> {
  const name = PROVIDER_NAMES[provider] ?? provider;
  if (!deps.oauth.oauthProviders.includes(provider)) throw fail('CONNECT.PROVIDER_UNAVAILABLE', `Connecting ${name} is not set up on this server.`, { provider });
  if (!input.state) throw fail('CONNECT.LINK_INVALID', 'This connect link is incomplete. Run /connect again to get a new one.', { reason: 'missing_state' });
  const check = await deps.oauth.verifyState(provider, input.state);
  if (!check.ok) {
    throw fail('CONNECT.LINK_INVALID', 'This connect link is invalid, expired or was already used. Run /connect again to get a new one.', { reason: check.reason });
  }
  if (input.error) {
    throw fail('CONNECT.AUTHORIZATION_FAILED', `${name} did not grant access (${input.error.slice(0, 60)}). Run /connect again if you want to try once more.`, {
      reason: 'denied',
    });
  }
  if (!input.code) throw fail('CONNECT.AUTHORIZATION_FAILED', `${name} sent no authorization code. Run /connect again.`, { reason: 'missing_code' });
  let granted: { tokens: TokenSet; scopes: string[] };
  try {
    granted = await deps.oauth.exchange(provider, { code: input.code, codeVerifier: check.codeVerifier, athleteId: check.athleteId });
  } catch (err) {
    const code = isAppError(err) ? err.code : 'INTERNAL';
    deps.logger?.warn({ component: 'connect', provider, athleteId: check.athleteId, code }, 'authorization code exchange failed');
    throw fail('CONNECT.AUTHORIZATION_FAILED', `${name} did not accept the sign-in. Run /connect again to get a new link.`, { reason: code });
  }
  return saveConnection(deps, check.athleteId, provider, granted.tokens, granted.scopes);
}

/** /connect intervals api_key:<key> athlete_id:<id>: checked and stored by the core, then the first sync. */
export async function connectApiKey(
  deps: ConnectDeps,
  actor: Actor,
  provider: ProviderId,
  input: { apiKey: string; externalUserId: string },
): Promise<ConnectedResult> {
  const name = PROVIDER_NAMES[provider] ?? provider;
  if (!deps.oauth.apiKeyProviders.includes(provider)) throw fail('CONNECT.PROVIDER_UNAVAILABLE', `${name} does not connect with an API key.`, { provider });
  if (!input.apiKey.trim() || !input.externalUserId.trim()) throw fail('CONNECT.API_KEY_INVALID', `${name} needs both the API key and your athlete id.`);
  const { connection } = await connectApiKeyCore(deps, actor, provider, input);
  try {
    deps.onConnected?.(actor.personId, provider);
  } catch (err) {
    deps.logger?.warn({ component: 'connect', athleteId: actor.personId, provider, err: (err as Error).message }, 'could not start the first sync');
  }
  return { athleteId: actor.personId, provider, connection };
}

/** /disconnect <provider>: revoke at the vendor when it offers that (best effort), then wipe the tokens. */
export function disconnect(deps: ConnectDeps, actor: Actor, provider: ProviderId): Promise<ConnectionSummary> {
  return disconnectProvider(deps, actor, provider);
}

export interface ConnectFlow {
  beginConnect(actor: Actor, provider: ProviderId): Promise<{ url: string; expiresAt: Date }>;
  /** commands/ ConnectLinks: `connectLinks: { authorizeUrl: flow.authorizeUrl }`. */
  authorizeUrl(input: { athleteId: string; provider: ProviderId }): Promise<{ url: string; expiresAt: Date }>;
  completeConnect(provider: ProviderId, input: { code?: string | null; state?: string | null; error?: string | null }): Promise<ConnectedResult>;
  connectApiKey(actor: Actor, provider: ProviderId, input: { apiKey: string; externalUserId: string }): Promise<ConnectedResult>;
  disconnect(actor: Actor, provider: ProviderId): Promise<ConnectionSummary>;
}

export function createConnectFlow(deps: ConnectDeps): ConnectFlow {
  return {
    beginConnect: (actor, provider) => beginConnect(deps, actor, provider),
    authorizeUrl: (input) => connectLink(deps, { athleteId: input.athleteId, provider: input.provider }),
    completeConnect: (provider, input) => completeConnect(deps, provider, input),
    connectApiKey: (actor, provider, input) => connectApiKey(deps, actor, provider, input),
    disconnect: (actor, provider) => disconnect(deps, actor, provider),
  };
}
