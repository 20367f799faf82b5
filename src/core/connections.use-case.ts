/**
 * Provider connections: saved after an OAuth callback (src/http), revoked by the athlete. Token refresh
 * and needs-reauth transitions go through the repository's ConnectionStore face (src/wearables/tokens.ts).
 */
import { audit } from './context.ts';
import { fail } from './error-codes.ts';
import type { ProviderId } from './metrics.ts';
import type { CoreDeps } from './ports.ts';
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

/** The athlete disconnects a provider: tokens are wiped, the status says revoked. */
export async function disconnectProvider(deps: CoreDeps, actor: Actor, provider: ProviderId): Promise<ConnectionSummary> {
  const next = await deps.connections.patch(actor.personId, provider, { status: 'revoked', tokens: { accessToken: '' }, syncCursor: null });
  if (!next) throw fail('CONNECTION.NOT_FOUND', `You have no ${provider} connection.`);
  await audit(deps, actor, 'connection.revoked', { kind: 'connection', athleteId: actor.personId, id: provider });
  return summarize(next);
}
