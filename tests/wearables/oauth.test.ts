import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beginAuthorization,
  createOAuthState,
  createPkcePair,
  InMemoryNonceStore,
  OAuthStateError,
  pkceChallenge,
  verifyOAuthState,
} from '../../src/wearables/oauth.ts';

const SECRET = 'a-server-secret-of-at-least-32-chars!!';
const T0 = Date.parse('2024-03-12T08:00:00Z');

async function rejection(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OAuthStateError);
  return (e as OAuthStateError).code;
}

describe('PKCE', () => {
  it('when given the RFC 7636 appendix B verifier, then the S256 challenge matches the published value', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('when a pair is created, then the verifier is 43 unreserved chars and the challenge is its unpadded SHA-256', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const { verifier, challenge, method } = createPkcePair();
        expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
        expect(challenge).not.toContain('=');
        expect(method).toBe('S256');
      }),
      { numRuns: 50 },
    );
  });

  it('when a verifier is too short, then it is refused', () => {
    expect(() => pkceChallenge('short')).toThrow(RangeError);
  });
});

describe('signed single-use OAuth state', () => {
  it('when a fresh state comes back once, then it verifies and yields the athlete, provider and PKCE verifier', async () => {
    const now = () => T0;
    const begun = beginAuthorization({ athleteId: 'athlete-7', provider: 'whoop' }, { secret: SECRET, now });
    const out = await verifyOAuthState(begun.state, { secret: SECRET, now, nonceStore: new InMemoryNonceStore(now), expectedProvider: 'whoop' });
    expect(out).toMatchObject({ athleteId: 'athlete-7', provider: 'whoop', exp: T0 + 600_000 });
    expect(out.codeVerifier).toBe(begun.codeVerifier);
    expect(pkceChallenge(out.codeVerifier)).toBe(begun.codeChallenge);
    expect(begun.state).not.toContain(begun.codeVerifier); // the verifier never travels through the browser
  });

  it('when the same state is presented twice, then the replay is rejected', async () => {
    const now = () => T0;
    const nonceStore = new InMemoryNonceStore(now);
    const { state } = createOAuthState({ athleteId: 'a', provider: 'oura' }, { secret: SECRET, now });
    await verifyOAuthState(state, { secret: SECRET, now, nonceStore });
    expect(await rejection(verifyOAuthState(state, { secret: SECRET, now, nonceStore }))).toBe('OAUTH.STATE_REPLAYED');
  });

  it('when the payload is tampered with (another athlete), then the signature check rejects it', async () => {
    const now = () => T0;
    const { state } = createOAuthState({ athleteId: 'victim', provider: 'oura' }, { secret: SECRET, now });
    const [v, payload, sig] = state.split('.') as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
    forged.athleteId = 'attacker';
    const tampered = `${v}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`;
    expect(await rejection(verifyOAuthState(tampered, { secret: SECRET, now, nonceStore: new InMemoryNonceStore() }))).toBe('OAUTH.STATE_BAD_SIGNATURE');
  });

  it('when any single character of the state changes, then it never verifies', async () => {
    const now = () => T0;
    const { state } = createOAuthState({ athleteId: 'a', provider: 'polar' }, { secret: SECRET, now });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: state.length - 1 }), fc.constantFrom('A', 'b', '0', '-', '_', '.'), async (i, ch) => {
        fc.pre(state[i] !== ch);
        const mutated = state.slice(0, i) + ch + state.slice(i + 1);
        const code = await rejection(verifyOAuthState(mutated, { secret: SECRET, now, nonceStore: new InMemoryNonceStore() }));
        expect(['OAUTH.STATE_BAD_SIGNATURE', 'OAUTH.STATE_MALFORMED']).toContain(code);
      }),
      { numRuns: 100 },
    );
  });

  it('when the signature is spelled differently but decodes to the same bytes, then it is rejected', async () => {
    const now = () => T0;
    const { state } = createOAuthState({ athleteId: 'a', provider: 'polar' }, { secret: SECRET, now });
    const sig = state.slice(state.lastIndexOf('.') + 1);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = [...alphabet].map((c) => sig.slice(0, -1) + c).find((s) => s !== sig && Buffer.from(s, 'base64url').equals(Buffer.from(sig, 'base64url')));
    expect(twin).toBeDefined(); // 32 bytes → 43 characters: the last one has 2 unused bits
    const mutated = state.slice(0, state.lastIndexOf('.') + 1) + twin!;
    expect(await rejection(verifyOAuthState(mutated, { secret: SECRET, now, nonceStore: new InMemoryNonceStore() }))).toBe('OAUTH.STATE_BAD_SIGNATURE');
  });

  it('when signed with another secret, then it is rejected', async () => {
    const { state } = createOAuthState({ athleteId: 'a', provider: 'oura' }, { secret: `${SECRET}-old`, now: () => T0 });
    expect(await rejection(verifyOAuthState(state, { secret: SECRET, now: () => T0, nonceStore: new InMemoryNonceStore() }))).toBe('OAUTH.STATE_BAD_SIGNATURE');
  });

  it('when the state is older than its TTL, then it is rejected as expired even with a valid signature', async () => {
    const { state } = createOAuthState({ athleteId: 'a', provider: 'oura', ttlMs: 60_000 }, { secret: SECRET, now: () => T0 });
    const ok = await verifyOAuthState(state, { secret: SECRET, now: () => T0 + 59_999, nonceStore: new InMemoryNonceStore() });
    expect(ok.athleteId).toBe('a');
    expect(await rejection(verifyOAuthState(state, { secret: SECRET, now: () => T0 + 60_000, nonceStore: new InMemoryNonceStore() }))).toBe('OAUTH.STATE_EXPIRED');
  });

  it('when the state was issued for another provider, then it is rejected', async () => {
    const { state } = createOAuthState({ athleteId: 'a', provider: 'oura' }, { secret: SECRET, now: () => T0 });
    expect(
      await rejection(verifyOAuthState(state, { secret: SECRET, now: () => T0, nonceStore: new InMemoryNonceStore(), expectedProvider: 'whoop' })),
    ).toBe('OAUTH.STATE_WRONG_PROVIDER');
  });

  it('when the state is garbage, then it is rejected as malformed', async () => {
    for (const s of ['', 'abc', 'v2.x.y', 'v1..sig', 'v1.payload']) {
      expect(await rejection(verifyOAuthState(s, { secret: SECRET, now: () => T0, nonceStore: new InMemoryNonceStore() }))).toBe('OAUTH.STATE_MALFORMED');
    }
  });

  it('when a correctly signed payload is not a valid state, then it is rejected as malformed', async () => {
    // Sign a bogus payload with the real key derivation to reach the schema check.
    const key = createHmac('sha256', SECRET).update('twincoach/oauth-state').digest();
    const body = `v1.${Buffer.from(JSON.stringify({ athleteId: 'a', provider: 'garmin', nonce: 'n'.repeat(20), exp: T0 + 1 })).toString('base64url')}`;
    const sig = createHmac('sha256', key).update(body).digest('base64url');
    expect(await rejection(verifyOAuthState(`${body}.${sig}`, { secret: SECRET, now: () => T0, nonceStore: new InMemoryNonceStore() }))).toBe('OAUTH.STATE_MALFORMED');
  });

  it('when the secret is too short, then creating a state fails loudly', () => {
    expect(() => createOAuthState({ athleteId: 'a', provider: 'oura' }, { secret: 'short' })).toThrow(RangeError);
  });
});

describe('InMemoryNonceStore', () => {
  it('when a nonce has expired, then it is pruned (and its state is rejected by expiry anyway)', async () => {
    let now = T0;
    const store = new InMemoryNonceStore(() => now);
    expect(await store.consume('n1', T0 + 10)).toBe(true);
    expect(await store.consume('n1', T0 + 10)).toBe(false);
    now = T0 + 11;
    expect(await store.consume('n2', T0 + 100)).toBe(true);
    expect(await store.consume('n1', T0 + 100)).toBe(true); // forgotten after expiry
  });
});
