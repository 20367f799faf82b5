/**
 * Regression (found by bench:fuzz): a newcomer's /team create in a channel that already has a team was
 * refused, but only after the newcomer had been registered as a person (persons + identities written on an
 * error). The taken channel is now refused before anything is stored.
 */
import { describe, expect, it } from 'vitest';
import { count, useCommands } from './support.ts';

const h = useCommands();

describe('/team create in a taken channel', () => {
  it('when a newcomer creates a team in a channel that has one then it is refused and nothing is stored about them', async () => {
    const chan = { workspaceId: 'g-taken', channelId: 'c-taken' };
    expect((await h.say('founder-1', '/team create Falcons', chan)).failure).toBeUndefined();
    const before = { persons: await count(h, 'Person'), identities: await count(h, 'Identity'), teams: await count(h, 'Team') };

    const r = await h.say('newcomer-1', '/team create Hawks', chan);

    expect(r.failure?.code).toBe('TEAM.CHANNEL_TAKEN');
    expect(r.message?.summary).toBe('This channel already belongs to another team. Use a different channel, or join that team.');
    expect({ persons: await count(h, 'Person'), identities: await count(h, 'Identity'), teams: await count(h, 'Team') }).toEqual(before);
    await expect(h.core.resolveActor('discord', 'newcomer-1')).rejects.toMatchObject({ code: 'AUTH.UNKNOWN_USER' });
  });

  it('when the newcomer then creates a team in a free channel then it works and they are registered', async () => {
    const r = await h.say('newcomer-2', '/team create Hawks', { workspaceId: 'g-free', channelId: 'c-free' });
    expect(r.message?.title).toBe('Team Hawks created');
    expect((await h.core.resolveActor('discord', 'newcomer-2')).personId).toBeTruthy();
  });
});
