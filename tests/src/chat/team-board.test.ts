/**
 * A big team board end to end on both platforms: the presenter's message, rendered, sent by the real
 * clients to the loopback fakes (which enforce the platforms' limits), read back. A coach must see every
 * athlete: nothing may be cut silently — split across fields, embeds, blocks or messages instead.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordInteractions } from '../../../src/chat/discord/interactions.ts';
import { DiscordSender } from '../../../src/chat/discord/sender.ts';
import type { InboundDispatcher, InboundResult } from '../../../src/chat/inbound.ts';
import { SlackApp } from '../../../src/chat/slack/app.ts';
import { SlackSender } from '../../../src/chat/slack/sender.ts';
import type { ChatMessage, CommandInput } from '../../../src/core/chat.ts';
import { createLogger } from '../../../src/logger.ts';
import { FakeDiscordApi, type FakeDiscordMessage } from '../../fakes/discord-api.ts';
import { FakeSlackApi, type FakeSlackMessage } from '../../fakes/slack-api.ts';
import { slash } from './discord/payloads.ts';
import { athleteName, teamBoardMessage } from './sample-message.ts';
import { CHANNEL as SLACK_CHANNEL, FORM, post, slashBody } from './slack/requests.ts';

const logger = createLogger({ level: 'silent' });
const TEAM = '2000000000000000001';
const COACH = 'U0COACH';

/** Every text a coach can read in a Discord message: content, embed titles, descriptions, fields, footers. */
function discordText(messages: readonly Pick<FakeDiscordMessage, 'content' | 'embeds'>[]): string {
  return messages
    .flatMap((m) => [
      m.content,
      ...m.embeds.flatMap((e) => {
        const x = e as { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } };
        return [x.title ?? '', x.description ?? '', ...(x.fields ?? []).flatMap((f) => [f.name, f.value]), x.footer?.text ?? ''];
      }),
    ])
    .join('\n');
}

/** Every text of Slack blocks (header, sections, fields, context). */
function slackText(messages: readonly { blocks?: readonly Record<string, unknown>[] }[]): string {
  const texts: string[] = [];
  for (const m of messages)
    for (const b of m.blocks ?? []) {
      const t = b.text as { text?: string } | undefined;
      if (t?.text) texts.push(t.text);
      for (const f of (b.fields as { text: string }[] | undefined) ?? []) texts.push(f.text);
      for (const e of (b.elements as { text?: string }[] | undefined) ?? []) if (typeof e.text === 'string') texts.push(e.text);
    }
  return texts.join('\n');
}

function missing(text: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => athleteName(i)).filter((name) => !text.includes(name));
}

class OneReply implements InboundDispatcher {
  constructor(
    private readonly message: ChatMessage,
    private readonly delayMs = 0,
  ) {}
  async dispatch(): Promise<InboundResult> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return { message: { ...this.message, ephemeral: true } };
  }
  describe() {
    return { known: true, slow: false, ephemeral: true };
  }
  parseLine(line: string): Pick<CommandInput, 'command' | 'options'> {
    return { command: line.trim().replace(/^\//, '').split(/\s+/)[0]!, options: {} };
  }
}

describe('a 60-athlete team board on Discord', () => {
  let fake: FakeDiscordApi;
  beforeEach(async () => {
    fake = await new FakeDiscordApi({ channels: [TEAM] }).start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it.each([40, 60])('when a board of %i athletes is posted in the team channel then every athlete is in the posted messages, in order', async (n) => {
    const sender = new DiscordSender({ token: fake.token, apiBaseUrl: fake.apiUrl, logger, retries: 0 });
    try {
      await sender.send({ platform: 'discord', kind: 'channel', channelId: TEAM }, teamBoardMessage(n), { idempotencyKey: `board-${n}:discord` });
    } finally {
      sender.close();
    }
    const posted = fake.messagesIn(TEAM);
    expect(missing(discordText(posted), n)).toEqual([]);
    expect(discordText(posted)).not.toMatch(/not shown/);
    // the chart once, on the first message; the approve button once, on the last
    expect(posted[0]!.files).toHaveLength(1);
    expect(posted.slice(1).flatMap((m) => m.files)).toEqual([]);
    expect(posted.flatMap((m) => m.components)).toHaveLength(1);
    expect(posted.at(-1)!.components).toHaveLength(1);
  });

  it('when a coach runs /team board then the reply and its follow-ups hold all 60 athletes, all ephemeral', async () => {
    const adapter = new DiscordInteractions({ dispatcher: new OneReply(teamBoardMessage(60)), logger, token: fake.token, apiBaseUrl: fake.apiUrl, deferAfterMs: 2_000 });
    try {
      (adapter.client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(fake.interaction(slash('700000000000000009', 'team')));
      await adapter.idle();
    } finally {
      await adapter.client.destroy();
    }
    const shown = fake.messages.filter((m) => m.channel_id.startsWith('interaction:'));
    expect(shown.length).toBeGreaterThan(1);
    expect(shown.every((m) => m.flags === 64)).toBe(true);
    expect(missing(discordText(shown), 60)).toEqual([]);
  });
  it('when /team board is slow and deferred then the edited reply and its follow-ups hold all 60 athletes, all ephemeral', async () => {
    const adapter = new DiscordInteractions({ dispatcher: new OneReply(teamBoardMessage(60), 400), logger, token: fake.token, apiBaseUrl: fake.apiUrl, deferAfterMs: 100 });
    try {
      (adapter.client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(fake.interaction(slash('700000000000000010', 'team')));
      await adapter.idle();
    } finally {
      await adapter.client.destroy();
    }
    expect(fake.interactionCallbacks.map((c) => c.type)).toEqual([5]);
    const shown = fake.messages.filter((m) => m.channel_id.startsWith('interaction:'));
    expect(shown.map((m) => m.via)).toEqual(['original', 'followup']);
    expect(shown.every((m) => m.flags === 64)).toBe(true);
    expect(missing(discordText(shown), 60)).toEqual([]);
  });
});

describe('a 60-athlete team board on Slack', () => {
  let fake: FakeSlackApi;
  beforeEach(async () => {
    fake = await new FakeSlackApi({ channels: ['C0TEAM'], users: [COACH] }).start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it.each([40, 60])('when a board of %i athletes is posted in the team channel then every athlete is in the message', async (n) => {
    const sender = new SlackSender({ token: fake.token, apiUrl: fake.apiUrl, logger, perChannelIntervalMs: 0 });
    await sender.send({ platform: 'slack', kind: 'channel', channelId: 'C0TEAM' }, teamBoardMessage(n), { idempotencyKey: `board-${n}:slack` });
    const posted: FakeSlackMessage[] = fake.messagesIn('C0TEAM');
    expect(missing(slackText(posted), n)).toEqual([]);
    expect(slackText(posted)).not.toMatch(/not shown/);
  });

  it('when a coach runs /team board then the response_url reply holds all 60 athletes', async () => {
    const slack = new SlackApp({ dispatcher: new OneReply(teamBoardMessage(60)), logger, botToken: fake.token, apiUrl: fake.apiUrl, transport: { mode: 'http', signingSecret: 'slack-signing-secret-for-tests' } });
    const url = `http://127.0.0.1:${await slack.start(0)}/slack/events`;
    try {
      expect((await post(url, slashBody(COACH, '/team', 'board', fake.responseUrl('board')), FORM)).status).toBe(200);
      await slack.idle();
    } finally {
      await slack.stop();
    }
    expect(SLACK_CHANNEL).toBe('C0TEAM');
    const replies = fake.responses.filter((r) => r.id === 'board').map((r) => r.body as { blocks?: Record<string, unknown>[] });
    expect(replies.length).toBeGreaterThan(0);
    expect(missing(slackText(replies), 60)).toEqual([]);
  });
});
