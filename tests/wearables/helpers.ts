import { vi } from 'vitest';
import type { ProviderId } from '../../src/core/metrics.ts';
import { InMemoryConnectionStore } from '../../src/wearables/connection-store.ts';
import type { ProviderConnection, TokenSet } from '../../src/wearables/provider.ts';

/** Deterministic, instant transport knobs: sleeps are recorded, not slept; jitter is fixed at 0.5. */
export function fastHttp(extra: { timeoutMs?: number; maxAttempts?: number; now?: () => number } = {}) {
  const sleep = vi.fn(async (_ms: number) => {});
  return {
    sleep,
    options: {
      sleep,
      random: () => 0.5,
      timeoutMs: extra.timeoutMs ?? 2_000,
      maxAttempts: extra.maxAttempts ?? 4,
      baseDelayMs: 500,
      maxDelayMs: 20_000,
      ...(extra.now ? { now: extra.now } : {}),
    },
    /** The waits the client asked for, in ms. */
    waits: () => sleep.mock.calls.map((c) => c[0]),
  };
}

export function connection(provider: ProviderId, tokens: TokenSet, athleteId = 'athlete-1'): ProviderConnection {
  return { athleteId, provider, tokens };
}

export function tokensFrom(minted: { access_token: string; refresh_token?: string }, extra: Partial<TokenSet> = {}): TokenSet {
  const t: TokenSet = { accessToken: minted.access_token, kind: 'bearer', ...extra };
  if (minted.refresh_token !== undefined) t.refreshToken = minted.refresh_token;
  return t;
}

export function newStore(): InMemoryConnectionStore {
  return new InMemoryConnectionStore();
}
