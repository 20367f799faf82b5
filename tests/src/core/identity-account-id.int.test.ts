/**
 * Regression (found by bench:fuzz): a chat account id longer than the 64 characters an identity holds got as
 * far as the database — the person (and athlete) were inserted, the identity insert failed mongoose
 * validation, and the dispatcher answered "Something went wrong" leaving an orphan nobody could reach.
 * Such an id is now refused with a coded error before anything is stored.
 */
import { describe, expect, it } from 'vitest';
import { useCore } from './support/harness.ts';

const h = useCore();
const long = 'u'.repeat(65);
const documents = async () => ({
  persons: await h.db.connection.model('Person').countDocuments(),
  athletes: await h.db.connection.model('Athlete').countDocuments(),
  identities: await h.db.connection.model('Identity').countDocuments(),
});

describe('chat account ids beyond what an identity holds', () => {
  it('when a person or an athlete registers with a 65-character account id then it is refused and nothing is stored', async () => {
    const before = await documents();
    await expect(h.core.registerPerson({ platform: 'console', platformUserId: long, displayName: 'Long' })).rejects.toMatchObject({ code: 'IDENTITY.ACCOUNT_ID_INVALID' });
    await expect(
      h.core.registerAthlete({ platform: 'console', platformUserId: long, displayName: 'Long', timezone: 'Europe/London', sport: 'running', level: 'trained', consentVersion: '2026-11' }),
    ).rejects.toMatchObject({ code: 'IDENTITY.ACCOUNT_ID_INVALID' });
    await expect(h.core.registerPerson({ platform: 'console', platformUserId: '', displayName: 'Empty' })).rejects.toMatchObject({ code: 'IDENTITY.ACCOUNT_ID_INVALID' });
    expect(await documents()).toEqual(before);
  });

  it('when a 65-character account id redeems a link code then it is refused and the code stays usable', async () => {
    const { actor } = await h.core.registerPerson({ platform: 'discord', platformUserId: 'linker-1', displayName: 'Linker' });
    const { code } = await h.core.createLinkCode(actor);
    await expect(h.core.linkIdentity('slack', long, code)).rejects.toMatchObject({ code: 'IDENTITY.ACCOUNT_ID_INVALID' });
    expect(await h.core.linkIdentity('slack', 'U0LINKER', code)).toEqual({ personId: actor.personId, platform: 'slack' });
  });

  it('when the account id has exactly 64 characters then registration works', async () => {
    const { created } = await h.core.registerPerson({ platform: 'console', platformUserId: 'v'.repeat(64), displayName: 'Sixty-four' });
    expect(created).toBe(true);
  });
});
