import { afterEach, describe, expect, it } from 'vitest';
import { DiscordSender } from '../../../src/chat/discord/sender.ts';
import type { RateGate } from '../../../src/chat/pacing.ts';
import { SlackSender } from '../../../src/chat/slack/sender.ts';
import { createLogger } from '../../../src/logger.ts';
import { FakeDiscordApi } from '../../fakes/discord-api.ts';
import { FakeSlackApi } from '../../fakes/slack-api.ts';
import { morningMessage } from './sample-message.ts';

const logger = createLogger({ level: 'silent' });

/** Records every key taken; refuses (like a busy shared limit) when `refuse` is set. */
class RecordingGate implements RateGate {
  readonly taken: string[] = [];
  refuse = false;
  async take(key: string): Promise<void> {
    if (this.refuse) throw Object.assign(new Error('RATE.BUSY: no slot'), { code: 'RATE.BUSY' });
    this.taken.push(key);
  }
}

describe('shared rate gate in the senders', () => {
  const stops: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  it('when Discord sends a DM then the gate is taken before every REST request (open DM + post); a refused gate sends nothing and is a transient rate limit', async () => {
    const fake = await new FakeDiscordApi({ channels: ['2000000000000000001'] }).start();
    const gate = new RecordingGate();
    const sender = new DiscordSender({ token: fake.token, apiBaseUrl: fake.apiUrl, logger, retries: 1, timeoutMs: 5_000, rateGate: gate });
    stops.push(() => sender.close(), () => fake.stop());
    await sender.send({ platform: 'discord', kind: 'dm', userId: '3000000000000000001' }, morningMessage(), { idempotencyKey: 'g1:discord-dm' });
    expect(gate.taken).toEqual(['global', 'global']);
    gate.refuse = true;
    await expect(
      sender.send({ platform: 'discord', kind: 'channel', channelId: '2000000000000000001' }, morningMessage(), { idempotencyKey: 'g2:discord-team' }),
    ).rejects.toMatchObject({ code: 'CHAT.RATE_LIMITED', permanent: false, ambiguous: false });
    expect(fake.messagesIn('2000000000000000001')).toEqual([]);
  });

  it('when Slack posts to a channel then the gate is taken per channel', async () => {
    const fake = await new FakeSlackApi({ channels: ['C0TEAM', 'C0TWO'], users: [] }).start();
    const gate = new RecordingGate();
    const sender = new SlackSender({ token: fake.token, apiUrl: fake.apiUrl, logger, perChannelIntervalMs: 0, rateGate: gate });
    stops.push(() => fake.stop());
    const m = { ...morningMessage(), image: undefined };
    await sender.send({ platform: 'slack', kind: 'channel', channelId: 'C0TEAM' }, m, { idempotencyKey: 's1' });
    await sender.send({ platform: 'slack', kind: 'channel', channelId: 'C0TWO' }, m, { idempotencyKey: 's2' });
    expect(gate.taken).toEqual(['C0TEAM', 'C0TWO']);
    gate.refuse = true;
    await expect(sender.send({ platform: 'slack', kind: 'channel', channelId: 'C0TEAM' }, m, { idempotencyKey: 's3' })).rejects.toMatchObject({
      code: 'CHAT.RATE_LIMITED',
      permanent: false,
    });
    expect(fake.messagesIn('C0TEAM')).toHaveLength(1);
  });
});
