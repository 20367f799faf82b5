import { describe, expect, it } from 'vitest';
import { decodeAction, presentConnected, revocationLine } from '../../../../src/core/presenters/index.ts';

describe('connections presenter', () => {
  it('when an Oura account with an email was connected, then the DM names it and offers a one-press disconnect', () => {
    const m = presentConnected({ provider: 'oura', providerName: 'Oura', account: { id: 'oura-user-8f2c', email: 'runner@example.org' } });
    expect(m.summary).toBe(
      'The Oura account runner@example.org (user id oura-user-8f2c) is now connected to your twincoach profile. Not your account, or not you? Disconnect it now: /disconnect provider:oura',
    );
    expect(decodeAction(m.buttons![0]!.id)).toMatchObject({ command: 'disconnect', options: { provider: 'oura' } });
  });

  it('when the vendor names no account, then the DM still says a connection was made and how to undo it', () => {
    expect(presentConnected({ provider: 'polar', providerName: 'Polar', account: {} }).summary).toBe(
      'A Polar account is now connected to your twincoach profile. Not your account, or not you? Disconnect it now: /disconnect provider:polar',
    );
    expect(presentConnected({ provider: 'polar', providerName: 'Polar', account: { id: '475' } }).summary).toMatch(/^The Polar account with user id 475 is now connected/);
  });

  it('when a revocation failed, then the athlete is asked to remove twincoach at the vendor, with the code', () => {
    expect(revocationLine('WHOOP', { status: 'failed', code: 'PROVIDER.UNAVAILABLE' })).toBe(
      'I could not reach WHOOP to end twincoach’s access there (PROVIDER.UNAVAILABLE): please remove twincoach in your WHOOP account settings.',
    );
    expect(revocationLine('Oura', { status: 'revoked' })).toBe('Oura confirmed that twincoach’s access has ended.');
    expect(revocationLine('Oura', undefined)).toBeUndefined();
  });
});
