/**
 * Discord end to end: raw interaction payloads → discord.js client → the real dispatcher and use cases on
 * the embedded database → interaction callbacks on the loopback Discord REST fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordInteractions } from '../../../../src/chat/discord/interactions.ts';
import { createLogger } from '../../../../src/logger.ts';
import { count, useCommands } from '../../../commands/support.ts';
import { FakeDiscordApi } from '../../../fakes/discord-api.ts';
import { BOOLEAN, button, CHANNEL, GUILD, INTEGER, modalSubmit, slash, STRING, SUB_COMMAND, USER } from './payloads.ts';

const h = useCommands('2026-11-22T07:00:00Z');
let fake: FakeDiscordApi;
let adapter: DiscordInteractions;

beforeAll(async () => {
  fake = await new FakeDiscordApi().start();
  adapter = new DiscordInteractions({ dispatcher: h.dispatcher, logger: createLogger({ level: 'silent' }), token: fake.token, apiBaseUrl: fake.apiUrl });
});
afterAll(async () => {
  await adapter.client.destroy();
  await fake.stop();
});

async function feed(payload: { id: string; token: string; type: number }) {
  (adapter.client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(fake.interaction(payload));
  await adapter.idle();
  return fake.interactionCallbacks.filter((c) => c.interactionId === payload.id);
}
/** The deferred reply's edited message for an interaction token. */
const original = (token: string) => fake.messages.find((m) => m.channel_id === `interaction:${token}` && m.via === 'original');

const COACH = '710000000000000001';
const ALEX = '710000000000000002';
const BEA = '710000000000000003';

describe('Discord → commands → core', () => {
  beforeAll(async () => {
    await feed(slash(COACH, 'team', [{ name: 'create', type: SUB_COMMAND, options: [{ name: 'name', type: STRING, value: 'Falcons' }] }]));
    for (const id of [ALEX, BEA])
      await feed(
        slash(id, 'register', [
          { name: 'sport', type: STRING, value: 'running' },
          { name: 'agree', type: BOOLEAN, value: true },
        ]),
      );
  });

  it('when the team was created and athletes registered in its channel then both are in the team', async () => {
    const team = await h.core.findTeamByChannel('discord', GUILD, CHANNEL);
    const alex = await h.core.resolveActor('discord', ALEX);
    expect((await h.deps.memberships.get(team.id, alex.personId))!.roles).toEqual(['athlete']);
  });

  it('when an athlete runs /override then Discord shows a clear refusal and nothing is stored', async () => {
    const before = { rx: await count(h, 'Prescription'), audit: await count(h, 'AuditLog') };
    const p = slash(ALEX, 'override', [
      { name: 'athlete', type: USER, value: BEA },
      { name: 'session', type: STRING, value: 'REST' },
      { name: 'reason', type: STRING, value: 'I say so' },
    ]);
    const [cb] = await feed(p);
    expect(cb!.type).toBe(5); // /override is slow: deferred first
    expect(cb!.data).toEqual({ flags: 64 });
    expect(original(p.token)!.embeds[0]).toMatchObject({
      title: 'Not allowed',
      description: 'Only a team’s coaches can use /override. You’re registered as an athlete. Ask your coach, or create your own team with /team create.',
    });
    expect(await count(h, 'Prescription')).toBe(before.rx);
    expect(await count(h, 'AuditLog')).toBe(before.audit);
  });

  it('when the coach overrides with a user option then the athlete’s session is stored', async () => {
    const p = slash(COACH, 'override', [
      { name: 'athlete', type: USER, value: BEA },
      { name: 'session', type: STRING, value: 'REST' },
      { name: 'reason', type: STRING, value: 'travel day' },
    ]);
    await feed(p);
    expect(original(p.token)!.embeds[0]).toMatchObject({ title: 'Session set for User0003 — Sun 22 Nov' });
    const bea = await h.core.resolveActor('discord', BEA);
    expect((await h.deps.prescriptions.get(bea.personId, '2026-11-22'))!.override!.reason).toBe('travel day');
  });

  it('when /feedback carries RPE 15 then the reply names the problem and nothing is stored', async () => {
    const alex = await h.core.resolveActor('discord', ALEX);
    const [cb] = await feed(slash(ALEX, 'feedback', [{ name: 'rpe', type: INTEGER, value: 15 }]));
    expect(cb).toMatchObject({ type: 4, data: { flags: 64, embeds: [{ title: 'Check the command', description: 'RPE must be 1–10; you sent 15' }] } });
    expect(await count(h, 'Feedback', { athleteId: alex.personId })).toBe(0);
  });

  it('when /today runs then the morning message is edited in after the defer, with the chart attached and the feedback buttons', async () => {
    const p = slash(ALEX, 'today');
    const [cb] = await feed(p);
    expect(cb!.type).toBe(5);
    const m = original(p.token)!;
    expect(m.embeds[0]).toMatchObject({ title: expect.stringMatching(/^Sun 22 Nov — /), image: { url: 'attachment://2026-11-22-load-hrv.png' } });
    expect(m.files.map((f) => f.name)).toEqual(['2026-11-22-load-hrv.png']);
    const labels = (m.components as { components: { label: string }[] }[]).flatMap((r) => r.components.map((c) => c.label));
    expect(labels).toEqual(['Done', 'Too hard', 'Skipped', 'Why?']);
  });

  it('when the Done button is pressed and the modal submitted then the feedback is stored', async () => {
    const today = slash(ALEX, 'today');
    await feed(today);
    const done = (original(today.token)!.components as { components: { label: string; custom_id: string }[] }[])[0]!.components.find((c) => c.label === 'Done')!;
    const [modal] = await feed(button(ALEX, done.custom_id));
    expect(modal!.type).toBe(9);
    const customId = modal!.data!.custom_id as string;
    expect(customId).toBe('form:feedback?date=2026-11-22');
    const [cb] = await feed(modalSubmit(ALEX, customId, { rpe: '6', minutes: '50', completion: ['done'], soreness: '', notes: 'felt good' }));
    expect(cb).toMatchObject({ type: 4, data: { embeds: [{ title: 'Feedback saved — Sun 22 Nov' }] } });
    const alex = await h.core.resolveActor('discord', ALEX);
    expect(await h.deps.feedback.get(alex.personId, '2026-11-22', 'main')).toMatchObject({ rpe: 6, minutes: 50, completion: 'done', notes: 'felt good' });
  });
});
