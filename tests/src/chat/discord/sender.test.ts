import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordSender } from '../../../../src/chat/discord/sender.ts';
import { discordNonce } from '../../../../src/chat/idempotency.ts';
import { createLogger } from '../../../../src/logger.ts';
import { FakeDiscordApi } from '../../../fakes/discord-api.ts';
import { morningMessage } from '../sample-message.ts';

const TEAM = '2000000000000000001';
const ALEX = '3000000000000000001';
const BEA = '3000000000000000002';
const logger = createLogger({ level: 'silent' });

describe('Discord sender (discord.js REST against the loopback fake)', () => {
  let fake: FakeDiscordApi;
  let sender: DiscordSender;

  beforeEach(async () => {
    fake = await new FakeDiscordApi({ channels: [TEAM], closedDmUserIds: [BEA] }).start();
    sender = new DiscordSender({ token: fake.token, apiBaseUrl: fake.apiUrl, teamChannelId: TEAM, logger, retries: 1, timeoutMs: 5_000 });
  });
  afterEach(async () => {
    sender.close();
    await fake.stop();
  });

  it('when a DM is sent then the athlete’s DM holds one message with the embed, the PNG attachment and the buttons', async () => {
    const m = morningMessage();
    const sent = await sender.send({ platform: 'discord', kind: 'dm', userId: ALEX }, m, { idempotencyKey: 'rx1:discord-dm' });
    const dm = fake.dmChannelOf(ALEX)!;
    expect(sent).toEqual({ platform: 'discord', channelId: dm, messageId: expect.any(String), via: 'dm' });
    const [msg, ...rest] = fake.messagesIn(dm);
    expect(rest).toEqual([]);
    expect(msg!.embeds[0]).toMatchObject({ title: m.title, image: { url: 'attachment://alex_2026-11-22.png' }, color: 0x2ecc71 });
    expect(msg!.files).toEqual([{ field: 'files[0]', name: 'alex_2026-11-22.png', contentType: 'image/png', data: m.image!.png }]);
    expect(msg!.attachments).toMatchObject([{ filename: 'alex_2026-11-22.png', size: 4, description: m.image!.alt }]);
    expect((msg!.components[0] as { components: { custom_id: string }[] }).components.map((c) => c.custom_id)).toEqual([
      'feedback:done:2026-11-22',
      'feedback:skipped:2026-11-22',
      'why:2026-11-22',
    ]);
    expect(msg!.nonce).toBe(discordNonce('rx1:discord-dm'));
  });

  it('when an ephemeral message (a command reply passed on) is posted to a channel or DM then it goes without the EPHEMERAL flag, which Discord refuses there', async () => {
    const sent = await sender.send({ platform: 'discord', kind: 'channel', channelId: TEAM }, morningMessage({ ephemeral: true }), { idempotencyKey: 'eph:team' });
    expect(sent.via).toBe('channel');
    await sender.send({ platform: 'discord', kind: 'dm', userId: ALEX }, morningMessage({ ephemeral: true }), { idempotencyKey: 'eph:dm' });
    expect(fake.messages.map((m) => m.flags)).toEqual([undefined, undefined]);
  });

  it('when the athlete’s DMs are closed then a mention (title only) is posted in the team channel and nothing private leaks', async () => {
    const sent = await sender.send({ platform: 'discord', kind: 'dm', userId: BEA }, morningMessage(), { idempotencyKey: 'rx2:discord-dm' });
    expect(sent.via).toBe('fallback');
    expect(sent.channelId).toBe(TEAM);
    const [msg, ...rest] = fake.messagesIn(TEAM);
    expect(rest).toEqual([]);
    expect(msg!.content.startsWith(`<@${BEA}> `)).toBe(true);
    expect(msg!.allowed_mentions).toEqual({ parse: [], users: [BEA] });
    expect(msg!.embeds).toEqual([
      { title: morningMessage().title, description: 'Your session for today is ready. Run /today here to see it.', color: 0x2ecc71 },
    ]);
    expect(msg!.files).toEqual([]);
    expect(fake.requests.filter((r) => r.status === 403)).toHaveLength(1);
  });

  it('when DMs are closed and no team channel is configured then the send fails permanently with CHAT.DM_CLOSED', async () => {
    const noTeam = new DiscordSender({ token: fake.token, apiBaseUrl: fake.apiUrl, logger });
    try {
      await expect(noTeam.send({ platform: 'discord', kind: 'dm', userId: BEA }, morningMessage(), { idempotencyKey: 'k' })).rejects.toMatchObject({
        code: 'CHAT.DM_CLOSED',
        permanent: true,
      });
    } finally {
      noTeam.close();
    }
  });

  it('when Discord answers 429 with retry_after then REST waits that long and the message arrives once', async () => {
    fake.rateLimitNext(2, { retryAfterSec: 0.3 });
    const started = Date.now();
    await sender.send({ platform: 'discord', kind: 'channel', channelId: TEAM }, morningMessage(), { idempotencyKey: 'rx3:team' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(fake.counters.rateLimited).toBe(2);
    expect(fake.messagesIn(TEAM)).toHaveLength(1);
  });

  it('when the per-channel bucket is exhausted then REST holds requests until the reset instead of collecting 429s', async () => {
    const strict = await new FakeDiscordApi({ channels: [TEAM], routeLimit: 2, routeWindowMs: 400 }).start();
    const s = new DiscordSender({ token: strict.token, apiBaseUrl: strict.apiUrl, logger });
    try {
      await Promise.all(
        [1, 2, 3, 4, 5].map((i) => s.send({ platform: 'discord', kind: 'channel', channelId: TEAM }, morningMessage(), { idempotencyKey: `b${i}` })),
      );
      expect(strict.messagesIn(TEAM)).toHaveLength(5);
      expect(strict.counters.rateLimited).toBeLessThanOrEqual(1); // the first window is learned from headers
    } finally {
      s.close();
      await strict.stop();
    }
  });

  it('when 60 messages go to 60 channels at once then REST keeps under the global 50/s and the fake sends no global 429', async () => {
    const channels = Array.from({ length: 60 }, (_, i) => `40000000000000000${String(i).padStart(2, '0')}`);
    channels.forEach((c) => fake.addChannel(c));
    const started = Date.now();
    await Promise.all(
      channels.map((c, i) =>
        sender.send({ platform: 'discord', kind: 'channel', channelId: c }, morningMessage({ image: undefined }), { idempotencyKey: `g${i}` }),
      ),
    );
    expect(fake.messages).toHaveLength(60);
    expect(fake.counters.globalRateLimited).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the 51st request waited for the next second
  });

  it('when Discord answers a global 429 then REST pauses and the message still arrives once', async () => {
    fake.rateLimitNext(1, { retryAfterSec: 0.25, global: true });
    await sender.send({ platform: 'discord', kind: 'channel', channelId: TEAM }, morningMessage(), { idempotencyKey: 'glob' });
    expect(fake.counters).toMatchObject({ rateLimited: 1, globalRateLimited: 1 });
    expect(fake.messagesIn(TEAM)).toHaveLength(1);
  });

  it('when the same delivery key is sent twice then Discord returns the first message (nonce + enforce_nonce)', async () => {
    const target = { platform: 'discord' as const, kind: 'channel' as const, channelId: TEAM };
    const a = await sender.send(target, morningMessage(), { idempotencyKey: 'rx4:team' });
    const b = await sender.send(target, morningMessage(), { idempotencyKey: 'rx4:team' });
    expect(b.messageId).toBe(a.messageId);
    expect(fake.messagesIn(TEAM)).toHaveLength(1);
    expect(fake.counters).toMatchObject({ duplicates: 1, deduplicated: 1 });
  });

  it('when the channel does not exist then the send fails permanently with CHAT.CHANNEL_NOT_FOUND', async () => {
    await expect(
      sender.send({ platform: 'discord', kind: 'channel', channelId: '999' }, morningMessage(), { idempotencyKey: 'k' }),
    ).rejects.toMatchObject({ code: 'CHAT.CHANNEL_NOT_FOUND', permanent: true });
  });

  it('when the token is wrong then the send fails permanently with CHAT.AUTH_FAILED', async () => {
    const bad = new DiscordSender({ token: 'wrong', apiBaseUrl: fake.apiUrl, logger });
    try {
      await expect(bad.send({ platform: 'discord', kind: 'channel', channelId: TEAM }, morningMessage(), { idempotencyKey: 'k' })).rejects.toMatchObject({
        code: 'CHAT.AUTH_FAILED',
      });
    } finally {
      bad.close();
    }
  });

  it('when Discord asks for a wait longer than the limit then the send fails fast as transient CHAT.RATE_LIMITED', async () => {
    const impatient = new DiscordSender({ token: fake.token, apiBaseUrl: fake.apiUrl, logger, maxRateLimitWaitMs: 1_000 });
    fake.rateLimitNext(1, { retryAfterSec: 30 });
    try {
      const started = Date.now();
      await expect(
        impatient.send({ platform: 'discord', kind: 'channel', channelId: TEAM }, morningMessage(), { idempotencyKey: 'k' }),
      ).rejects.toMatchObject({ code: 'CHAT.RATE_LIMITED', permanent: false });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      impatient.close();
    }
  });
});
