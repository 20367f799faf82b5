/**
 * OAuth2 helpers for the connect flow (the HTTP callback route is wired elsewhere; these are pure functions
 * plus a tiny NonceStore port).
 *
 * - PKCE (RFC 7636) S256: verifier = 32 random bytes base64url (43 chars), challenge = base64url(SHA-256(verifier)).
 * - Signed, single-use state: "v1.<base64url(JSON {athleteId, provider, nonce, exp})>.<base64url(HMAC-SHA256)>".
 *   Verification checks the signature (timing-safe), the expiry, the expected provider, then consumes the nonce
 *   through the NonceStore so a state works once.
 * - The PKCE verifier is derived from the state's nonce with a separate HMAC key, so the callback can recompute
 *   it without storing anything, while the state (which travels through the browser) reveals nothing about it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PROVIDERS, type ProviderId } from '../core/metrics.ts';

export type OAuthStateErrorCode =
  | 'OAUTH.STATE_MALFORMED'
  | 'OAUTH.STATE_BAD_SIGNATURE'
  | 'OAUTH.STATE_EXPIRED'
  | 'OAUTH.STATE_REPLAYED'
  | 'OAUTH.STATE_WRONG_PROVIDER';

export class OAuthStateError extends Error {
  override readonly name = 'OAuthStateError';
  readonly userMessage = 'That connection link is invalid or has expired. Please start connecting again.';
  constructor(
    readonly code: OAuthStateErrorCode,
    message: string,
  ) {
    super(`[${code}] ${message}`);
  }
}

export function base64url(buf: Buffer): string {
  return buf.toString('base64url');
}

/** 32 random bytes → 43-char base64url verifier (RFC 7636 allows 43–128). */
export function createPkceVerifier(): string {
  return base64url(randomBytes(32));
}

export function pkceChallenge(verifier: string): string {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw new RangeError('PKCE verifier must be 43–128 unreserved characters');
  return base64url(createHash('sha256').update(verifier, 'ascii').digest());
}

export function createPkcePair(): { verifier: string; challenge: string; method: 'S256' } {
  const verifier = createPkceVerifier();
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** Single-use enforcement. `consume` resolves true the first time a nonce is seen (before expiresAt), false after. */
export interface NonceStore {
  consume(nonce: string, expiresAt: number): Promise<boolean>;
}

export class InMemoryNonceStore implements NonceStore {
  private readonly used = new Map<string, number>();
  constructor(private readonly now: () => number = Date.now) {}

  async consume(nonce: string, expiresAt: number): Promise<boolean> {
    const t = this.now();
    for (const [n, exp] of this.used) if (exp <= t) this.used.delete(n); // expired states are rejected anyway
    if (this.used.has(nonce)) return false;
    this.used.set(nonce, expiresAt);
    return true;
  }
}

export interface OAuthStatePayload {
  athleteId: string;
  provider: ProviderId;
  nonce: string;
  /** Expiry, epoch ms. */
  exp: number;
}

const payloadSchema = z.object({
  athleteId: z.string().min(1),
  provider: z.enum(PROVIDERS),
  nonce: z.string().min(16),
  exp: z.number().int().positive(),
});

export interface StateKeyOptions {
  /** Server secret, at least 32 characters. Rotate by deploying a new one (outstanding states then fail). */
  secret: string;
  now?: () => number;
}

function subKey(secret: string, purpose: string): Buffer {
  if (secret.length < 32) throw new RangeError('OAuth state secret must be at least 32 characters');
  return createHmac('sha256', secret).update(`twincoach/${purpose}`).digest();
}

function sign(secret: string, data: string): Buffer {
  return createHmac('sha256', subKey(secret, 'oauth-state')).update(data).digest();
}

/** The PKCE verifier bound to a state nonce (recomputable at the callback, never sent to the browser). */
export function pkceVerifierForNonce(secret: string, nonce: string): string {
  return base64url(createHmac('sha256', subKey(secret, 'pkce')).update(nonce).digest());
}

export function createOAuthState(
  input: { athleteId: string; provider: ProviderId; ttlMs?: number; nonce?: string },
  opts: StateKeyOptions,
): { state: string; payload: OAuthStatePayload } {
  const now = opts.now ?? Date.now;
  const payload: OAuthStatePayload = {
    athleteId: input.athleteId,
    provider: input.provider,
    nonce: input.nonce ?? base64url(randomBytes(16)),
    exp: now() + (input.ttlMs ?? 10 * 60_000),
  };
  const body = `v1.${base64url(Buffer.from(JSON.stringify(payload), 'utf8'))}`;
  return { state: `${body}.${base64url(sign(opts.secret, body))}`, payload };
}

/**
 * Start a connect flow: a signed state and the PKCE pair bound to it. Pass `codeChallenge` to
 * provider.authorizationUrl and keep nothing: verifyOAuthState gives the verifier back at the callback.
 */
export function beginAuthorization(
  input: { athleteId: string; provider: ProviderId; ttlMs?: number },
  opts: StateKeyOptions,
): { state: string; codeVerifier: string; codeChallenge: string; expiresAt: number } {
  const { state, payload } = createOAuthState(input, opts);
  const codeVerifier = pkceVerifierForNonce(opts.secret, payload.nonce);
  return { state, codeVerifier, codeChallenge: pkceChallenge(codeVerifier), expiresAt: payload.exp };
}

/**
 * Verify signature, expiry and (optionally) provider, then consume the nonce. Throws OAuthStateError on any
 * failure; returns the payload and the PKCE verifier on success. A state verifies at most once.
 */
export async function verifyOAuthState(
  state: string,
  opts: StateKeyOptions & { nonceStore: NonceStore; expectedProvider?: ProviderId },
): Promise<OAuthStatePayload & { codeVerifier: string }> {
  const parts = state.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1' || !parts[1] || !parts[2]) {
    throw new OAuthStateError('OAUTH.STATE_MALFORMED', 'state is not v1.<payload>.<signature>');
  }
  const body = `${parts[0]}.${parts[1]}`;
  const expected = sign(opts.secret, body);
  const given = Buffer.from(parts[2], 'base64url');
  // Only the canonical spelling: base64url's last character carries unused bits, so without this check a
  // state with a different last character (found by the property test) decoded to the same signature.
  if (given.length !== expected.length || base64url(given) !== parts[2] || !timingSafeEqual(given, expected)) {
    throw new OAuthStateError('OAUTH.STATE_BAD_SIGNATURE', 'state signature does not match');
  }
  let payload: OAuthStatePayload;
  try {
    payload = payloadSchema.parse(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')));
  } catch {
    throw new OAuthStateError('OAUTH.STATE_MALFORMED', 'state payload unreadable');
  }
  const now = (opts.now ?? Date.now)();
  if (payload.exp <= now) throw new OAuthStateError('OAUTH.STATE_EXPIRED', 'state has expired');
  if (opts.expectedProvider !== undefined && payload.provider !== opts.expectedProvider) {
    throw new OAuthStateError('OAUTH.STATE_WRONG_PROVIDER', `state is for ${payload.provider}`);
  }
  if (!(await opts.nonceStore.consume(payload.nonce, payload.exp))) {
    throw new OAuthStateError('OAUTH.STATE_REPLAYED', 'state was already used');
  }
  return { ...payload, codeVerifier: pkceVerifierForNonce(opts.secret, payload.nonce) };
}
