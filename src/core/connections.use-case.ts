/**
 * Provider connections: saved after an OAuth callback (src/http) or a checked API key, ended by the athlete
 * (/disconnect) or with all their data (/privacy delete). Token refresh and needs-reauth transitions go
 * through the repository's ConnectionStore face (src/wearables/tokens.ts).
 *
 * Ending a connection ends the grant at the vendor first (deps.vendorAccess.revoke: Oura, WHOOP and Polar
 * revoke; intervals.icu has no such call and says what the athlete can do), then wipes the tokens here. A
 * failed revocation never blocks the local deletion: it is logged, audited and returned, so the reply tells
 * the athlete to remove twincoach in the vendor's own settings.
 *
 * An API key is stored only after one authenticated call to the vendor accepted it, and only when the
 * server's token key survives a restart (TOKEN_ENCRYPTION_KEY set): a key encrypted under a per-run key
 * would be silently unreadable after the next restart, so it is refused with a clear error instead.
 */
import { isAppError } from '../errors.ts';
import { audit, publish } from './context.ts';
import { fail } from './error-codes.ts';
import type { ProviderId } from './metrics.ts';
import type { CoreDeps, RevocationOutcome, VendorAccount } from './ports.ts';
import type { Actor, ProviderConnectionRecord, TokenSet } from './types.ts';

/** Never hand tokens to a caller that only needs to show the connection. */
export type ConnectionSummary = Omit<ProviderConnectionRecord, 'tokens'> & { hasRefreshToken: boolean; expiresAt?: number };

export function summarize(c: ProviderConnectionRecord): ConnectionSummary {
  const { tokens, ...rest } = c;
  const out: ConnectionSummary = { ...rest, hasRefreshToken: tokens.refreshToken !== undefined };
  if (tokens.expiresAt !== undefined) out.expiresAt = tokens.expiresAt;
  return out;
}

/** After the OAuth callback: create or replace the athlete's connection (status active). */
export async function connectProvider(deps: CoreDeps, athleteId: string, provider: ProviderId, tokens: TokenSet, scopes: string[] = []): Promise<ConnectionSummary> {
  if (!(await deps.athletes.get(athleteId))) throw fail('ATHLETE.NOT_FOUND', 'I could not find that athlete.', { athleteId });
  const saved = await deps.connections.upsertTokens(athleteId, provider, tokens, scopes);
  await audit(deps, { system: 'oauth' }, 'connection.connected', { kind: 'connection', athleteId, id: provider }, { after: { provider, scopes } });
  return summarize(saved);
}

export async function listMyConnections(deps: CoreDeps, actor: Actor): Promise<ConnectionSummary[]> {
  return (await deps.connections.listForAthlete(actor.personId)).map(summarize);
}

/** End the grant at the vendor; never throws (a failure is logged and returned). Undefined: nothing to revoke. */
export async function revokeAtVendor(deps: CoreDeps, athleteId: string, c: ProviderConnectionRecord | undefined | null): Promise<RevocationOutcome | undefined> {
  if (!c || c.status === 'revoked' || !c.tokens.accessToken || !deps.vendorAccess) return undefined;
  let out: RevocationOutcome;
  try {
    out = await deps.vendorAccess.revoke(athleteId, c.provider, c.tokens);
  } catch (err) {
    out = { status: 'failed', code: isAppError(err) ? err.code : 'INTERNAL' };
  }
  if (out.status === 'failed') deps.logger?.warn({ component: 'connections', athleteId, provider: c.provider, code: out.code }, 'revocation at the provider failed; tokens wiped here anyway');
  return out;
}

/** The athlete disconnects a provider: the grant is revoked at the vendor (best effort), tokens are wiped, the status says revoked. */
export async function disconnectProvider(deps: CoreDeps, actor: Actor, provider: ProviderId): Promise<ConnectionSummary & { revocation?: RevocationOutcome }> {
  const revocation = await revokeAtVendor(deps, actor.personId, await deps.connections.get(actor.personId, provider));
  const next = await deps.connections.patch(actor.personId, provider, { status: 'revoked', tokens: { accessToken: '' }, syncCursor: null });
  if (!next) throw fail('CONNECTION.NOT_FOUND', `You have no ${provider} connection.`);
  await audit(deps, actor, 'connection.revoked', { kind: 'connection', athleteId: actor.personId, id: provider }, { after: { revocation: revocation?.status ?? 'none' } });
  return revocation ? { ...summarize(next), revocation } : summarize(next);
}

/** Before an erasure: end every grant the person holds at the vendors. One outcome per connection. */
export async function revokeAllAtVendors(deps: CoreDeps, personId: string): Promise<{ provider: ProviderId; outcome: RevocationOutcome }[]> {
  const out: { provider: ProviderId; outcome: RevocationOutcome }[] = [];
  for (const c of await deps.connections.listForAthlete(personId)) {
    const outcome = await revokeAtVendor(deps, personId, c);
    if (outcome) out.push({ provider: c.provider, outcome });
  }
  return out;
}

/**
 * /connect intervals api_key:… athlete_id:…: refused without a durable token key, then checked with one
 * authenticated call, then stored. Returns the account the key belongs to (shown to the athlete).
 */
export async function connectApiKey(
  deps: CoreDeps,
  actor: Actor,
  provider: ProviderId,
  input: { apiKey: string; externalUserId: string },
): Promise<{ connection: ConnectionSummary; account: VendorAccount }> {
  const access = deps.vendorAccess;
  if (!access) throw fail('CONNECT.PROVIDER_UNAVAILABLE', 'Connecting with an API key is not set up on this server.', { provider });
  if (!access.secretsSurviveRestart)
    throw fail(
      'CONNECT.NOT_DURABLE',
      'This server has no TOKEN_ENCRYPTION_KEY, so your API key would be unreadable after its next restart. I did not store it; ask the person who runs twincoach to set the key.',
      { provider },
    );
  let verified: { tokens: TokenSet; account: VendorAccount };
  try {
    verified = await access.verifyApiKey(provider, { apiKey: input.apiKey.trim(), externalUserId: input.externalUserId.trim() });
  } catch (err) {
    const code = isAppError(err) ? err.code : 'INTERNAL';
    deps.logger?.warn({ component: 'connections', provider, athleteId: actor.personId, code }, 'API key check failed');
    if (code === 'PROVIDER.UNAUTHORIZED' || code === 'PROVIDER.FORBIDDEN' || code === 'PROVIDER.BAD_REQUEST')
      throw fail('CONNECT.API_KEY_INVALID', `intervals.icu did not accept that API key for athlete ${input.externalUserId.slice(0, 40)}. Check both under Settings → Developer.`, { reason: code });
    throw err;
  }
  const connection = await connectProvider(deps, actor.personId, provider, verified.tokens, []);
  await publish(deps, { type: 'connection.connected', athleteId: actor.personId, provider, via: 'api_key', account: verified.account });
  return { connection, account: verified.account };
}
