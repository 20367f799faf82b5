import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackDeliveryMetadata } from '../../../../src/chat/idempotency.ts';
import { SlackSender } from '../../../../src/chat/slack/sender.ts';
import { createLogger } from '../../../../src/logger.ts';
import { FakeSlackApi } from '../../../fakes/slack-api.ts';
import { morningMessage } from '../sample-message.ts';

const TEAM = 'C0TEAM';
const ALEX = 'U0ALEX';
const logger = createLogger({ level: 'silent' });
const fastRetries = { retries: 3, factor: 2, minTimeout: 20, maxTimeout: 100, randomize: false };

describe('Slack sender (WebClient against the loopback fake)', () => {
  let fake: FakeSlackApi;
  let sender: SlackSender;

  beforeEach(async () => {
    fake = await new FakeSlackApi({ channels: [TEAM], users: [ALEX], burst: 1 }).start();
    sender = new SlackSender({ token: fake.token, apiUrl: fake.apiUrl, logger, retryConfig: fastRetries, perChannelIntervalMs: 0 });
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('when a message with a chart is posted then the PNG is uploaded and the blocks show it by file id', async () => {
    const m = morningMessage();
    const sent = await sender.send({ platform: 'slack', kind: 'channel', channelId: TEAM }, m, { idempotencyKey: 'rx1:slack-team' });
    const [upload, ...others] = [...fake.uploads.values()];
    expect(others).toEqual([]);
    expect(upload).toMatchObject({ filename: 'alex 2026-11-22.png', length: 4, completed: true, data: m.image!.png });
    const [msg, ...rest] = fake.messagesIn(TEAM);
    expect(rest).toEqual([]);
    expect(sent).toEqual({ platform: 'slack', channelId: TEAM, messageId: msg!.ts, via: 'channel' });
    expect(msg!.blocks!.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'image', 'actions', 'context']);
    expect(msg!.blocks![4]).toEqual({ type: 'image', slack_file: { id: upload!.id }, alt_text: m.image!.alt });
    expect(msg!.text).toBe(`${m.title}\n${m.summary}`);
    expect(msg!.metadata).toEqual(slackDeliveryMetadata('rx1:slack-team'));
  });

  it('when a DM is sent then the conversation is opened and the message lands in the D channel', async () => {
    const sent = await sender.send({ platform: 'slack', kind: 'dm', userId: ALEX }, morningMessage({ image: undefined }), { idempotencyKey: 'rx1:slack-dm' });
    expect(sent.channelId).toBe(fake.dmOf(ALEX));
    expect(sent.via).toBe('dm');
    expect(fake.messagesIn(fake.dmOf(ALEX)!)).toHaveLength(1);
  });

  it('when Slack answers 429 with Retry-After then WebClient waits it out and the message arrives once', async () => {
    fake.failNext(1, { method: 'chat.postMessage', status: 429, retryAfterSec: 1 });
    const started = Date.now();
    await sender.send({ platform: 'slack', kind: 'channel', channelId: TEAM }, morningMessage({ image: undefined }), { idempotencyKey: 'rx2' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(fake.counters.rateLimited).toBe(1);
    expect(fake.messagesIn(TEAM)).toHaveLength(1);
  });

  it('when two messages go to one channel back to back without pacing then the fake rate-limits the second and it still arrives', async () => {
    const target = { platform: 'slack' as const, kind: 'channel' as const, channelId: TEAM };
    await Promise.all([
      sender.send(target, morningMessage({ image: undefined }), { idempotencyKey: 'a' }),
      sender.send(target, morningMessage({ image: undefined }), { idempotencyKey: 'b' }),
    ]);
    expect(fake.counters.rateLimited).toBeGreaterThanOrEqual(1);
    expect(fake.messagesIn(TEAM).map((x) => x.metadata!.event_payload.key).sort()).toEqual(['a', 'b']);
  });

  it('when the pacer spaces posts per channel then the same burst draws no 429 at all', async () => {
    const paced = new SlackSender({ token: fake.token, apiUrl: fake.apiUrl, logger, retryConfig: fastRetries, perChannelIntervalMs: 1_050 });
    const target = { platform: 'slack' as const, kind: 'channel' as const, channelId: TEAM };
    await Promise.all(['a', 'b'].map((k) => paced.send(target, morningMessage({ image: undefined }), { idempotencyKey: k })));
    expect(fake.counters.rateLimited).toBe(0);
    expect(fake.messagesIn(TEAM)).toHaveLength(2);
  });

  it('when the channel does not exist then the send fails permanently with CHAT.CHANNEL_NOT_FOUND', async () => {
    await expect(
      sender.send({ platform: 'slack', kind: 'channel', channelId: 'C0NOPE' }, morningMessage({ image: undefined }), { idempotencyKey: 'k' }),
    ).rejects.toMatchObject({ code: 'CHAT.CHANNEL_NOT_FOUND', permanent: true });
  });

  it('when Slack keeps failing with internal_error then the send fails as transient and ambiguous', async () => {
    fake.failNext(1, { method: 'chat.postMessage', error: 'internal_error' });
    await expect(
      sender.send({ platform: 'slack', kind: 'channel', channelId: TEAM }, morningMessage({ image: undefined }), { idempotencyKey: 'k' }),
    ).rejects.toMatchObject({ code: 'CHAT.PLATFORM_UNAVAILABLE', permanent: false, ambiguous: true });
  });

  it('when a fresh upload is rejected in the image block twice then the message is posted without the chart', async () => {
    const s = new SlackSender({ token: fake.token, apiUrl: fake.apiUrl, logger, retryConfig: fastRetries, perChannelIntervalMs: 0, fileReadyDelayMs: 10 });
    fake.failNext(2, { method: 'chat.postMessage', error: 'invalid_blocks' });
    await s.send({ platform: 'slack', kind: 'channel', channelId: TEAM }, morningMessage(), { idempotencyKey: 'img' });
    const [msg] = fake.messagesIn(TEAM);
    expect(msg!.blocks!.some((b) => b.type === 'image')).toBe(false);
    expect(fake.uploads.size).toBe(1);
  });

  it('when a message with our key is in the channel history then findDelivered returns it, and null for another key', async () => {
    const target = { platform: 'slack' as const, kind: 'channel' as const, channelId: TEAM };
    const sent = await sender.send(target, morningMessage({ image: undefined }), { idempotencyKey: 'rx9:slack-team' });
    const since = new Date(Date.now() - 3_600_000);
    expect(await sender.findDelivered(target, 'rx9:slack-team', since)).toEqual(sent);
    expect(await sender.findDelivered(target, 'rx10:slack-team', since)).toBeNull();
  });

  it('when hundreds of newer posts followed ours then findDelivered pages back through the history and still finds it', async () => {
    const busy = await new FakeSlackApi({ channels: [TEAM], perChannelPerSecond: 1_000_000, burst: 1_000_000 }).start();
    try {
      const at = (o: Partial<ConstructorParameters<typeof SlackSender>[0]> = {}) => new SlackSender({ token: busy.token, apiUrl: busy.apiUrl, logger, retryConfig: fastRetries, perChannelIntervalMs: 0, ...o });
      const target = { platform: 'slack' as const, kind: 'channel' as const, channelId: TEAM };
      const since = new Date(Date.now() - 1_000);
      const poster = at();
      const ours = await poster.send(target, morningMessage({ image: undefined }), { idempotencyKey: 'crashed:team' });
      for (let i = 0; i < 450; i++) await poster.send(target, { title: `line ${i}`, summary: 'x' }, { idempotencyKey: `later:${i}` });
      const paging = at({ historyLimit: 100 });
      expect(await paging.findDelivered(target, 'crashed:team', since)).toEqual(ours); // 5 pages of 100 back
      expect(await paging.findDelivered(target, 'never:sent', since)).toBeNull(); // every page read: not there
      // …and when the window holds more than the pages it may read, it cannot tell
      expect(await at({ historyLimit: 100, historyPages: 3 }).findDelivered(target, 'crashed:team', since)).toBe('unknown');
    } finally {
      await busy.stop();
    }
  });

  it('when conversations.history is refused then findDelivered says unknown rather than guessing', async () => {
    fake.failNext(1, { method: 'conversations.history', error: 'missing_scope' });
    expect(await sender.findDelivered({ platform: 'slack', kind: 'channel', channelId: TEAM }, 'k', new Date(0))).toBe('unknown');
  });
});
