/**
 * Revocation at the vendor (issue #16 finding 5): each client ends the grant where the vendor offers it, and
 * the fakes then refuse the old tokens — the same check the real APIs would make.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../../src/wearables/errors.ts';
import { IntervalsProvider } from '../../src/wearables/intervals.ts';
import { OuraProvider } from '../../src/wearables/oura.ts';
import { PolarProvider } from '../../src/wearables/polar.ts';
import { WhoopProvider } from '../../src/wearables/whoop.ts';
import { INTERVALS_CLIENT, IntervalsFake } from '../fakes/intervals.ts';
import { OURA_CLIENT, OuraFake } from '../fakes/oura.ts';
import { POLAR_CLIENT, POLAR_USER_ID, PolarFake } from '../fakes/polar.ts';
import { WHOOP_CLIENT, WhoopFake } from '../fakes/whoop.ts';
import { connection, fastHttp, tokensFrom } from './helpers.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('revocation at the vendor', () => {
  it('when an Oura grant is revoked, then its access token is refused and its refresh token no longer refreshes', async () => {
    const fake = await OuraFake.start();
    closers.push(() => fake.close());
    const p = new OuraProvider({ ...OURA_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...fastHttp().options });
    const tokens = tokensFrom(fake.auth.mint());
    await expect(p.revoke(tokens)).resolves.toEqual({ status: 'revoked' });
    expect(fake.revoked).toEqual([tokens.accessToken]);
    const range = { from: '2024-03-10', to: '2024-03-10', timezone: 'UTC' };
    const err = await p.fetchRange(connection('oura', tokens), range).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAUTHORIZED')).toBe(true);
    const refreshErr = await p.refresh(tokens.refreshToken!).catch((e: unknown) => e);
    expect(isProviderError(refreshErr, 'PROVIDER.INVALID_GRANT')).toBe(true);
  });

  it('when a WHOOP grant is revoked, then DELETE /v2/user/access was called with the bearer token and the token is refused', async () => {
    const fake = await WhoopFake.start();
    closers.push(() => fake.close());
    const p = new WhoopProvider({ ...WHOOP_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...fastHttp().options });
    const tokens = tokensFrom(fake.auth.mint());
    await expect(p.revoke(tokens)).resolves.toEqual({ status: 'revoked' });
    expect(fake.server.requestsTo('/developer/v2/user/access', 'DELETE').map((r) => r.headers.authorization)).toEqual([`Bearer ${tokens.accessToken}`]);
    const refreshErr = await p.refresh(tokens.refreshToken!).catch((e: unknown) => e);
    expect(isProviderError(refreshErr, 'PROVIDER.INVALID_GRANT')).toBe(true);
  });

  it('when a WHOOP access token has already expired, then revoke rejects with PROVIDER.UNAUTHORIZED (the caller refreshes first)', async () => {
    const fake = await WhoopFake.start();
    closers.push(() => fake.close());
    const p = new WhoopProvider({ ...WHOOP_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...fastHttp().options });
    const tokens = tokensFrom(fake.auth.mint());
    fake.auth.expire(tokens.accessToken);
    const err = await p.revoke(tokens).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAUTHORIZED')).toBe(true);
  });

  it('when a Polar user is revoked, then it is de-registered with DELETE /v3/users/{x_user_id} and the token stops working', async () => {
    const fake = await PolarFake.start();
    closers.push(() => fake.close());
    const p = new PolarProvider({ ...POLAR_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...fastHttp().options });
    const accessToken = fake.connect();
    await expect(p.revoke({ accessToken, externalUserId: String(POLAR_USER_ID) })).resolves.toEqual({ status: 'revoked' });
    expect(fake.deregistered).toEqual([accessToken]);
    const err = await p.fetchRange(connection('polar', { accessToken }), { from: '2024-03-10', to: '2024-03-10', timezone: 'UTC' }).catch((e: unknown) => e);
    expect(isProviderError(err, 'PROVIDER.UNAUTHORIZED')).toBe(true);
  });

  it('when intervals.icu is revoked, then nothing is called and the athlete is told how to revoke it themselves', async () => {
    const fake = await IntervalsFake.start();
    closers.push(() => fake.close());
    const p = new IntervalsProvider({ ...INTERVALS_CLIENT, baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, ...fastHttp().options });
    await expect(p.revoke(IntervalsProvider.apiKeyTokens('k3y-0123456789abcdef', 'i12345'))).resolves.toEqual({
      status: 'not_offered',
      how: 'intervals.icu has no way for us to cancel a personal API key: create a new one under Settings → Developer and the old one stops working.',
    });
    expect(fake.server.requests).toEqual([]);
  });
});
