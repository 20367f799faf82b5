/**
 * The Discord adapter with a stub dispatcher: raw interaction payloads go into the discord.js client
 * (client.actions.InteractionCreate.handle), the client answers the loopback Discord REST fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DiscordInteractions } from '../../../../src/chat/discord/interactions.ts';
import type { InboundDispatcher, InboundResult } from '../../../../src/chat/inbound.ts';
import type { CommandInput } from '../../../../src/core/chat.ts';
import { createLogger } from '../../../../src/logger.ts';
import { FakeDiscordApi } from '../../../fakes/discord-api.ts';
import { APP_ID, button, CHANNEL, GUILD, INTEGER, modalSubmit, slash, STRING, SUB_COMMAND } from './payloads.ts';

class StubDispatcher implements InboundDispatcher {
  inputs: CommandInput[] = [];
  delayMs = 0;
  /** When set, dispatch waits for it (the test decides when the command finishes). */
  gate: Promise<void> | undefined;
  slow = new Set<string>();
  publicCommands = new Set<string>();
  reply: (input: CommandInput) => InboundResult = (input) => ({ message: { title: `ran ${input.command}`, summary: JSON.stringify(input.options), ephemeral: true } });
  async dispatch(input: CommandInput): Promise<InboundResult> {
    this.inputs.push(input);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.gate) await this.gate;
    return this.reply(input);
  }
  describe(input: Pick<CommandInput, 'command'>) {
    return { known: true, slow: this.slow.has(input.command), ephemeral: !this.publicCommands.has(input.command) };
  }
  parseLine(): never {
    throw new Error('not used');
  }
}

describe('Discord interactions adapter', () => {
  let fake: FakeDiscordApi;
  let stub: StubDispatcher;
  let adapter: DiscordInteractions;

  beforeEach(async () => {
    fake = await new FakeDiscordApi().start();
    stub = new StubDispatcher();
    adapter = new DiscordInteractions({ dispatcher: stub, logger: createLogger({ level: 'silent' }), token: fake.token, apiBaseUrl: fake.apiUrl, deferAfterMs: 300 });
  });
  afterEach(async () => {
    await adapter.client.destroy();
    await fake.stop();
  });

  const feed = async (payload: unknown) => {
    (adapter.client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(fake.interaction(payload as { id: string; token: string; type: number }));
    await adapter.idle();
  };

  it('when a slash command arrives then the dispatcher gets its name, options, user, guild and channel, and the reply is an ephemeral embed (type 4)', async () => {
    const p = slash('700000000000000001', 'feedback', [
      { name: 'rpe', type: INTEGER, value: 7 },
      { name: 'completion', type: STRING, value: 'done' },
    ]);
    await feed(p);
    expect(stub.inputs).toEqual([
      { platform: 'discord', platformUserId: '700000000000000001', displayName: 'User0001', command: 'feedback', options: { rpe: '7', completion: 'done' }, source: 'slash', workspaceId: GUILD, channelId: CHANNEL },
    ]);
    expect(fake.interactionCallbacks).toHaveLength(1);
    const cb = fake.interactionCallbacks[0]!;
    expect(cb).toMatchObject({ interactionId: p.id, token: p.token, type: 4 });
    expect(cb.data).toMatchObject({ flags: 64, embeds: [{ title: 'ran feedback', description: '{"rpe":"7","completion":"done"}' }], allowed_mentions: { parse: [] } });
  });

  it('when a sub-command arrives then its name and its options are passed on', async () => {
    await feed(slash('700000000000000002', 'team', [{ name: 'create', type: SUB_COMMAND, options: [{ name: 'name', type: STRING, value: 'Falcons' }] }]));
    expect(stub.inputs[0]).toMatchObject({ command: 'team', subcommand: 'create', options: { name: 'Falcons' } });
  });

  it('when the command is slow then it is deferred first (type 5, ephemeral) and the reply edits the original', async () => {
    stub.slow.add('today');
    stub.delayMs = 50;
    const p = slash('700000000000000003', 'today');
    await feed(p);
    expect(fake.interactionCallbacks.map((c) => [c.type, c.data])).toEqual([[5, { flags: 64 }]]);
    const edit = fake.requests.find((r) => r.method === 'PATCH')!;
    expect(decodeURIComponent(edit.path)).toBe(`/api/v10/webhooks/${APP_ID}/${p.token}/messages/@original`);
    expect(edit.status).toBe(200);
    expect(fake.messages.find((m) => m.via === 'original')!.embeds[0]).toMatchObject({ title: 'ran today' });
  });

  it('when a fast command stalls past the defer threshold then it is deferred while still running, and edited in when done', async () => {
    let release!: () => void;
    stub.gate = new Promise((r) => (release = r));
    (adapter.client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(fake.interaction(slash('700000000000000004', 'why')));
    await vi.waitFor(() => expect(fake.interactionCallbacks.map((c) => c.type)).toEqual([5]), { timeout: 5_000 });
    expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
    release();
    await adapter.idle();
    expect(fake.interactionCallbacks.map((c) => c.type)).toEqual([5]);
    expect(fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([200]);
  });

  it('when a public command replies then the message is not ephemeral', async () => {
    stub.publicCommands.add('team');
    stub.reply = () => ({ message: { title: 'board', summary: 'all green', ephemeral: false } });
    await feed(slash('700000000000000005', 'team'));
    expect(fake.interactionCallbacks[0]!.data!.flags).toBeUndefined();
  });

  it('when the reply has a chart then it goes as a multipart attachment the embed image points at', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    stub.reply = () => ({ message: { title: 'today', summary: 's', image: { png, filename: 'chart.png', alt: 'load chart' }, ephemeral: true } });
    await feed(slash('700000000000000006', 'today'));
    const cb = fake.interactionCallbacks[0]!;
    expect(cb.files).toHaveLength(1);
    expect(cb.files[0]).toMatchObject({ name: 'chart.png', data: png });
    expect(cb.data).toMatchObject({ embeds: [{ image: { url: 'attachment://chart.png' } }], attachments: [{ id: '0', description: 'load chart' }] });
  });

  it('when a button is pressed then its command runs from a button and a form reply opens as a modal (type 9)', async () => {
    stub.reply = () => ({
      form: { command: 'feedback', title: 'Feedback — Sun 22 Nov', context: { date: '2026-11-22' }, inputs: [{ name: 'rpe', label: 'RPE', kind: 'number', initial: '9' }] },
    });
    await feed(button('700000000000000007', 'tc:feedback?date=2026-11-22&completion=done&rpe=9'));
    expect(stub.inputs[0]).toMatchObject({ command: 'feedback', options: { date: '2026-11-22', completion: 'done', rpe: '9' }, source: 'button' });
    const cb = fake.interactionCallbacks[0]!;
    expect(cb.type).toBe(9);
    expect(cb.data).toMatchObject({ custom_id: 'form:feedback?date=2026-11-22', title: 'Feedback — Sun 22 Nov', components: [{ type: 18, component: { type: 4, custom_id: 'rpe', value: '9' } }] });
  });

  it('when a modal is submitted then the form’s command gets its context and the values, from a form', async () => {
    await feed(modalSubmit('700000000000000008', 'form:feedback?date=2026-11-22', { rpe: '8', completion: ['partial'], notes: '' }));
    expect(stub.inputs[0]).toMatchObject({ command: 'feedback', options: { date: '2026-11-22', rpe: '8', completion: 'partial' }, source: 'form' });
    expect(fake.interactionCallbacks[0]!.type).toBe(4);
  });

  it('when a submitted modal is rejected for a value then the error comes with a button that reopens the form with the values sent', async () => {
    stub.reply = () => ({ message: { title: 'Check the command', summary: 'RPE must be 1–10; you sent 15', ephemeral: true }, failure: { code: 'COMMAND.INVALID_OPTION', field: 'rpe', fields: { rpe: 'RPE must be 1–10; you sent 15' } } });
    await feed(modalSubmit('700000000000000012', 'form:feedback?date=2026-11-22', { rpe: '15', notes: 'ok' }));
    const cb = fake.interactionCallbacks[0]!;
    expect(cb.data).toMatchObject({ embeds: [{ description: 'RPE must be 1–10; you sent 15' }], components: [{ type: 1, components: [{ label: 'Fix it', custom_id: 'tc:feedback?date=2026-11-22&rpe=15&notes=ok' }] }] });
  });

  it('when a form must answer after a defer then a button that opens it is sent instead', async () => {
    stub.slow.add('register');
    stub.reply = () => ({ form: { command: 'register', title: 'Join twincoach', inputs: [{ name: 'sport', label: 'Sport', kind: 'short', initial: 'running' }] } });
    await feed(slash('700000000000000009', 'register'));
    const original = fake.messages.find((m) => m.via === 'original')!;
    expect(original.components).toEqual([{ type: 1, components: [{ type: 2, style: 1, label: 'Open the form', custom_id: 'tc:register?sport=running' }] }]);
  });

  it('when a button id is not one of ours then the user gets an ephemeral explanation and nothing is dispatched', async () => {
    await feed(button('700000000000000010', 'something-else'));
    expect(stub.inputs).toEqual([]);
    expect(fake.interactionCallbacks[0]).toMatchObject({ type: 4, data: { flags: 64, embeds: [{ description: 'That button is no longer valid. Please run the command again.' }] } });
  });

  it('when a command comes from a DM then there is no workspace and the user comes from data.user', async () => {
    await feed(slash('700000000000000011', 'today', [], { guild: null, channel: '800000000000000001' }));
    expect(stub.inputs[0]).toMatchObject({ platformUserId: '700000000000000011', channelId: '800000000000000001' });
    expect(stub.inputs[0]!.workspaceId).toBeUndefined();
  });
});
