/**
 * The outbox end to end: LeaseRepository on the test database (embedded FerretDB or MONGODB_URI), the
 * real discord.js REST and Slack WebClient, and the loopback fakes standing in for Discord and Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordSender } from '../../../src/chat/discord/sender.ts';
import { InMemoryDeliveryStatus } from '../../../src/chat/memory.ts';
import { Outbox } from '../../../src/chat/outbox.ts';
import type { DeliveryTarget } from '../../../src/chat/ports.ts';
import { SlackSender } from '../../../src/chat/slack/sender.ts';
import { LeaseRepository, registerLeaseModel } from '../../../src/db/lease.repository.ts';
import { createLogger } from '../../../src/logger.ts';
import { useTestDatabase } from '../../helpers/db.ts';
import { FakeDiscordApi } from '../../fakes/discord-api.ts';
import { FakeSlackApi } from '../../fakes/slack-api.ts';
import { morningMessage } from './sample-message.ts';

const db = useTestDatabase({ register: registerLeaseModel });
const logger = createLogger({ level: 'silent' });

const TEAM_D = '2000000000000000001';
const ALEX_D = '3000000000000000001';
const BEA_D = '3000000000000000002';
const TEAM_S = 'C0TEAM';
const ALEX_S = 'U0ALEX';

let discord: FakeDiscordApi;
let slack: FakeSlackApi;
const senders: { discord: DiscordSender[]; slack: SlackSender[] } = { discord: [], slack: [] };

function newOutbox(owner: string, status = new InMemoryDeliveryStatus()) {
  const d = new DiscordSender({ token: discord.token, apiBaseUrl: discord.apiUrl, teamChannelId: TEAM_D, logger, retries: 1 });
  const s = new SlackSender({
    token: slack.token,
    apiUrl: slack.apiUrl,
    logger,
    perChannelIntervalMs: 1_050,
    retryConfig: { retries: 3, minTimeout: 20, maxTimeout: 100, randomize: false },
  });
  senders.discord.push(d);
  senders.slack.push(s);
  const box = new Outbox({ leases: new LeaseRepository(db.connection), status, senders: [d, s], logger, owner, backoffBaseMs: 50 });
  return { box, status, discordSender: d, slackSender: s };
}

beforeAll(async () => {
  discord = await new FakeDiscordApi({ channels: [TEAM_D], closedDmUserIds: [BEA_D], routeLimit: 50, routeWindowMs: 1_000 }).start();
  slack = await new FakeSlackApi({ channels: [TEAM_S], users: [ALEX_S], burst: 1 }).start();
});
afterAll(async () => {
  senders.discord.forEach((s) => s.close());
  await discord.stop();
  await slack.stop();
});

const dmAlexDiscord: DeliveryTarget = { platform: 'discord', kind: 'dm', userId: ALEX_D };
const dmAlexSlack: DeliveryTarget = { platform: 'slack', kind: 'dm', userId: ALEX_S };
const teamSlack: DeliveryTarget = { platform: 'slack', kind: 'channel', channelId: TEAM_S };

describe('outbox with LeaseRepository and the platform fakes', () => {
  it('when the same key is delivered twice on Discord then the DM holds one message', async () => {
    const { box } = newOutbox('w1');
    const first = await box.deliver('rx-a:discord-dm', dmAlexDiscord, morningMessage());
    const second = await box.deliver('rx-a:discord-dm', dmAlexDiscord, morningMessage());
    expect(first).toMatchObject({ status: 'sent', attempts: 1 });
    expect(second).toEqual({ status: 'already_sent', reason: 'lease_done' });
    expect(discord.messagesIn(discord.dmChannelOf(ALEX_D)!).filter((m) => m.embeds[0]?.title === morningMessage().title)).toHaveLength(1);
  });

  it('when the same key is delivered twice on Slack then the channel holds one message', async () => {
    const { box } = newOutbox('w1');
    await box.deliver('rx-a:slack-team', teamSlack, morningMessage());
    expect(await box.deliver('rx-a:slack-team', teamSlack, morningMessage())).toMatchObject({ status: 'already_sent' });
    expect(slack.messagesIn(TEAM_S).filter((m) => m.metadata?.event_payload.key === 'rx-a:slack-team')).toHaveLength(1);
  });

  it('when a crashed Discord owner had posted before dying then the take-over re-sends with the same nonce and Discord keeps one message', async () => {
    const leases = new LeaseRepository(db.connection);
    const key = 'rx-crash:discord-dm';
    // The dead process: took the lease (now long expired), posted, crashed before completing.
    await leases.acquire(key, 'dead', 1_000, new Date(Date.now() - 60_000));
    const { discordSender: deadSender } = newOutbox('dead');
    await deadSender.send(dmAlexDiscord, morningMessage(), { idempotencyKey: key });
    const dm = discord.dmChannelOf(ALEX_D)!;
    const before = discord.messagesIn(dm).length;

    const { box, status } = newOutbox('w2');
    const outcome = await box.deliver(key, dmAlexDiscord, morningMessage());
    expect(['sent', 'already_sent']).toContain(outcome.status);
    expect(discord.messagesIn(dm).length).toBe(before);
    expect(discord.counters.deduplicated).toBeGreaterThanOrEqual(1);
    expect(await leases.isDone(key)).toBe(true);
    expect((await leases.latest(key))?.gen).toBe(1);
    expect(status.latest(key)?.state).not.toBe('failed');
  });

  it('when a crashed Slack owner had posted before dying then the take-over finds it in history and does not post again', async () => {
    const leases = new LeaseRepository(db.connection);
    const key = 'rx-crash:slack-dm';
    await leases.acquire(key, 'dead', 1_000, new Date(Date.now() - 60_000));
    const { slackSender: deadSender } = newOutbox('dead');
    await deadSender.send(dmAlexSlack, morningMessage({ image: undefined }), { idempotencyKey: key });
    const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage').length;
    const postsBefore = posts();

    const { box, status } = newOutbox('w2');
    const outcome = await box.deliver(key, dmAlexSlack, morningMessage({ image: undefined }));
    expect(outcome).toMatchObject({ status: 'already_sent', reason: 'found_on_platform' });
    expect(posts()).toBe(postsBefore);
    expect(slack.messagesIn(slack.dmOf(ALEX_S)!).filter((m) => m.metadata?.event_payload.key === key)).toHaveLength(1);
    expect(slack.counters.duplicates).toBe(0);
    expect(status.latest(key)).toMatchObject({ state: 'already_sent' });
    expect(await leases.isDone(key)).toBe(true);
  });

  it('when a crashed Slack owner died before posting then the take-over posts exactly once', async () => {
    const leases = new LeaseRepository(db.connection);
    const key = 'rx-crash-early:slack-team';
    await leases.acquire(key, 'dead', 1_000, new Date(Date.now() - 60_000));
    const { box } = newOutbox('w3');
    expect(await box.deliver(key, teamSlack, morningMessage({ image: undefined }))).toMatchObject({ status: 'sent', takeover: true });
    expect(slack.messagesIn(TEAM_S).filter((m) => m.metadata?.event_payload.key === key)).toHaveLength(1);
  });

  it('when two outboxes race for the same keys then each platform receives one message', async () => {
    const a = newOutbox('racer-a');
    const b = newOutbox('racer-b');
    const dKey = 'rx-race:discord-team';
    const sKey = 'rx-race:slack-team';
    const dTarget: DeliveryTarget = { platform: 'discord', kind: 'channel', channelId: TEAM_D };
    const outcomes = await Promise.all([
      a.box.deliver(dKey, dTarget, morningMessage()),
      b.box.deliver(dKey, dTarget, morningMessage()),
      a.box.deliver(sKey, teamSlack, morningMessage({ image: undefined })),
      b.box.deliver(sKey, teamSlack, morningMessage({ image: undefined })),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['in_progress', 'in_progress', 'sent', 'sent']);
    expect(discord.messagesIn(TEAM_D).filter((m) => m.nonce !== undefined && m.embeds[0]?.title === morningMessage().title && m.content === '')).toHaveLength(1);
    expect(slack.messagesIn(TEAM_S).filter((m) => m.metadata?.event_payload.key === sKey)).toHaveLength(1);
  });

  it('when the athlete’s Discord DMs are closed then the mention goes to the team channel and the status says fallback', async () => {
    const { box, status } = newOutbox('w4');
    const outcome = await box.deliver('rx-bea:discord-dm', { platform: 'discord', kind: 'dm', userId: BEA_D }, morningMessage());
    expect(outcome).toMatchObject({ status: 'fallback', message: { channelId: TEAM_D, via: 'fallback' } });
    expect(status.latest('rx-bea:discord-dm')).toMatchObject({ state: 'fallback' });
    expect(discord.messagesIn(TEAM_D).filter((m) => m.content.startsWith(`<@${BEA_D}>`))).toHaveLength(1);
  });

  it('when the Slack channel does not exist then the failure is recorded as permanent and the lease is left free', async () => {
    const { box, status } = newOutbox('w5');
    const key = 'rx-x:slack-nowhere';
    const outcome = await box.deliver(key, { platform: 'slack', kind: 'channel', channelId: 'C0GONE' }, morningMessage({ image: undefined }));
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'CHAT.CHANNEL_NOT_FOUND', permanent: true } });
    expect(status.latest(key)).toMatchObject({ state: 'failed', platform: 'slack' });
    const leases = new LeaseRepository(db.connection);
    expect(await leases.isDone(key)).toBe(false);
    expect((await leases.latest(key))?.state).toBe('released');
  });
});
