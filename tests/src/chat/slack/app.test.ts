/**
 * The Slack adapter with a stub dispatcher: signed requests to Bolt's HTTPReceiver on a loopback port,
 * Bolt's WebClient answering the loopback Slack Web API fake.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundDispatcher, InboundResult } from '../../../../src/chat/inbound.ts';
import { SlackApp } from '../../../../src/chat/slack/app.ts';
import type { CommandInput } from '../../../../src/core/chat.ts';
import { createLogger } from '../../../../src/logger.ts';
import { createMetricsRegistry, startHttpServer, type RunningHttpServer } from '../../../../src/http/server.ts';
import { FakeSlackApi } from '../../../fakes/slack-api.ts';
import { blockAction, CHANNEL, FORM, homeOpened, JSON_TYPE, post, SECRET, slashBody, TEAM, viewSubmission } from './requests.ts';

const ALEX = 'U0ALEX';
const logger = createLogger({ level: 'silent' });

class StubDispatcher implements InboundDispatcher {
  inputs: CommandInput[] = [];
  delayMs = 0;
  /** When set, dispatch waits for it (the test decides when the command finishes). */
  gate: Promise<void> | undefined;
  reply: (input: CommandInput) => InboundResult = (input) => ({ message: { title: `ran ${input.command}`, summary: JSON.stringify(input.options), ephemeral: true } });
  async dispatch(input: CommandInput): Promise<InboundResult> {
    this.inputs.push(input);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.gate) await this.gate;
    return this.reply(input);
  }
  /** Commands whose input opens their form (what the real dispatcher's describe() says for a bare /feedback). */
  formCommands = new Set<string>();
  describe(input: Pick<CommandInput, 'command'>) {
    return { known: true, slow: false, ephemeral: true, ...(this.formCommands.has(input.command) ? { form: true } : {}) };
  }
  parseLine(line: string) {
    const [cmd, ...rest] = line.trim().replace(/^\//, '').split(/\s+/);
    return { command: cmd!, options: Object.fromEntries(rest.filter(Boolean).map((t) => t.split(':') as [string, string])) };
  }
}

describe('Slack app (Bolt HTTPReceiver, signed requests)', () => {
  let fake: FakeSlackApi;
  let stub: StubDispatcher;
  let slack: SlackApp;
  let url: string;

  beforeEach(async () => {
    fake = await new FakeSlackApi({ channels: [CHANNEL], users: [ALEX] }).start();
    stub = new StubDispatcher();
    slack = new SlackApp({ dispatcher: stub, logger, botToken: fake.token, apiUrl: fake.apiUrl, transport: { mode: 'http', signingSecret: SECRET }, ackWithinMs: 300 });
    url = `http://127.0.0.1:${await slack.start(0)}/slack/events`;
  });
  afterEach(async () => {
    await slack.stop();
    await fake.stop();
  });

  it.each([
    ['unsigned', { signature: null }],
    ['signed with another secret', { secret: 'not-the-secret' }],
    ['signed six minutes ago', { ts: Math.floor(Date.now() / 1000) - 360 }],
  ])('when a request arrives %s then Bolt answers 401 and nothing is dispatched', async (_what, sign) => {
    const res = await post(url, slashBody(ALEX, '/today', '', fake.responseUrl('r0')), FORM, sign);
    expect(res.status).toBe(401);
    await slack.idle();
    expect(stub.inputs).toEqual([]);
    expect(fake.responses).toEqual([]);
  });

  it('when a signed slash command arrives then it is acknowledged, dispatched with user, team and channel, and answered through the response_url', async () => {
    const res = await post(url, slashBody(ALEX, '/feedback', 'rpe:7 completion:done', fake.responseUrl('r1')), FORM);
    expect(res).toEqual({ status: 200, body: '' });
    await slack.idle();
    expect(stub.inputs).toEqual([
      { platform: 'slack', platformUserId: ALEX, displayName: 'u0alex', workspaceId: TEAM, channelId: CHANNEL, command: 'feedback', options: { rpe: '7', completion: 'done' }, source: 'slash' },
    ]);
    expect(fake.responses).toHaveLength(1);
    expect(fake.responses[0]).toMatchObject({ id: 'r1', body: { response_type: 'ephemeral', replace_original: false, text: 'ran feedback\n{"rpe":"7","completion":"done"}' } });
    expect((fake.responses[0]!.body.blocks as { type: string }[]).map((b) => b.type)).toEqual(['header', 'section']);
  });

  it('when the command is still running then Slack already has its ack, and the answer follows when it finishes', async () => {
    let release!: () => void;
    stub.gate = new Promise((r) => (release = r));
    const res = await post(url, slashBody(ALEX, '/today', '', fake.responseUrl('r2')), FORM);
    expect(res).toEqual({ status: 200, body: '' });
    expect(stub.inputs).toHaveLength(1);
    expect(fake.responses).toEqual([]);
    release();
    await slack.idle();
    expect(fake.responses.map((r) => r.id)).toEqual(['r2']);
  });

  it('when the reply has a chart then it is uploaded and shown as an image block', async () => {
    stub.reply = () => ({ message: { title: 'today', summary: 's', image: { png: Buffer.from([1, 2, 3]), filename: 'c.png', alt: 'load chart' }, ephemeral: true } });
    await post(url, slashBody(ALEX, '/today', '', fake.responseUrl('r3')), FORM);
    await slack.idle();
    const [upload] = [...fake.uploads.values()];
    expect(upload).toMatchObject({ filename: 'c.png', completed: true });
    expect((fake.responses[0]!.body.blocks as Record<string, unknown>[]).find((b) => b.type === 'image')).toEqual({ type: 'image', slack_file: { id: upload!.id }, alt_text: 'load chart' });
  });

  it('when Slack has not processed the fresh chart yet then the reply is sent once, with the chart, after one wait', async () => {
    stub.reply = () => ({ message: { title: 'today', summary: 's', image: { png: Buffer.from([1, 2, 3]), filename: 'c.png', alt: 'load chart' }, ephemeral: true } });
    await post(url, slashBody(ALEX, '/today', '', fake.responseUrl('r3b')), FORM);
    await slack.idle();
    // the first answer was refused (the fake keeps a new file unusable for 300 ms); the retry after 1.5 s got through
    expect(fake.responses.map((r) => r.id)).toEqual(['r3b']);
    expect((fake.responses[0]!.body.blocks as { type: string }[]).some((b) => b.type === 'image')).toBe(true);
    expect(fake.ephemerals).toEqual([]);
    expect(fake.messages).toEqual([]);
  });

  it('when the fresh chart stays unusable then the reply goes through the response_url without it, not down to a DM', async () => {
    const slow = await new FakeSlackApi({ channels: [CHANNEL], users: [ALEX], fileReadyAfterMs: 60_000 }).start();
    const app = new SlackApp({ dispatcher: stub, logger, botToken: slow.token, apiUrl: slow.apiUrl, transport: { mode: 'http', signingSecret: SECRET }, fileReadyDelayMs: 20 });
    const at = `http://127.0.0.1:${await app.start(0)}/slack/events`;
    try {
      stub.reply = () => ({ message: { title: 'today', summary: 's', image: { png: Buffer.from([1, 2, 3]), filename: 'c.png', alt: 'load chart' }, ephemeral: true } });
      await post(at, slashBody(ALEX, '/today', '', slow.responseUrl('r3c')), FORM);
      await app.idle();
      expect(slow.responses.map((r) => r.id)).toEqual(['r3c']);
      expect((slow.responses[0]!.body.blocks as { type: string }[]).map((b) => b.type)).toEqual(['header', 'section']);
      expect(slow.messages).toEqual([]);
    } finally {
      await app.stop();
      await slow.stop();
    }
  });

  it('when a form command takes longer than the trigger’s 3 seconds then the modal is already open (Loading…) and the form is put in with views.update', async () => {
    stub.formCommands.add('feedback');
    stub.delayMs = 150;
    stub.reply = () => {
      fake.advanceClock(3_500); // looking the athlete up took 3.5 s: the trigger id has expired by now
      return { form: { command: 'feedback', title: 'Feedback — Sun 22 Nov', context: { date: '2026-11-22' }, inputs: [{ name: 'rpe', label: 'RPE', kind: 'number' }] } };
    };
    const body = slashBody(ALEX, '/feedback', '', fake.responseUrl('r4s'));
    await post(url, body, FORM);
    await slack.idle();
    expect(fake.calls.filter((c) => c.method.startsWith('views.')).map((c) => [c.method, c.error ?? 'ok'])).toEqual([
      ['views.open', 'ok'],
      ['views.update', 'ok'],
    ]);
    expect(fake.views[0]).toMatchObject({ trigger_id: new URLSearchParams(body).get('trigger_id'), view: { title: { text: '/feedback' } } });
    expect(fake.views[1]).toMatchObject({ view_id: fake.views[0]!.view_id, view: { callback_id: 'form:feedback' } });
    expect(fake.responses).toEqual([]);
  });

  it('when a form command answers with a message instead (not allowed) then the open modal shows that message', async () => {
    stub.formCommands.add('override');
    stub.reply = () => ({ message: { title: 'Not allowed', summary: 'Only coaches can use /override.', tone: 'red', ephemeral: true } });
    await post(url, slashBody(ALEX, '/override', '', fake.responseUrl('r4m')), FORM);
    await slack.idle();
    expect(fake.views.map((v) => v.method)).toEqual(['views.open', 'views.update']);
    expect(JSON.stringify(fake.views[1]!.view)).toContain('Only coaches can use /override.');
    expect(fake.responses).toEqual([]);
  });

  it('when a command answers with a form then a modal opens with the command’s trigger id', async () => {
    stub.reply = () => ({ form: { command: 'feedback', title: 'Feedback — Sun 22 Nov', context: { date: '2026-11-22' }, inputs: [{ name: 'rpe', label: 'RPE', kind: 'number' }] } });
    const body = slashBody(ALEX, '/feedback', '', fake.responseUrl('r4'));
    await post(url, body, FORM);
    await slack.idle();
    expect(fake.views).toHaveLength(1);
    expect(fake.views[0]).toMatchObject({ method: 'views.open', trigger_id: new URLSearchParams(body).get('trigger_id'), view: { type: 'modal', callback_id: 'form:feedback' } });
    expect(fake.responses).toEqual([]);
  });

  it('when a button is pressed then its command runs from a button and the reply goes through the response_url', async () => {
    await post(url, blockAction(ALEX, 'tc:why?date=2026-11-22', fake.responseUrl('r5')), FORM);
    await slack.idle();
    expect(stub.inputs[0]).toMatchObject({ platformUserId: ALEX, command: 'why', options: { date: '2026-11-22' }, source: 'button' });
    expect(fake.responses.map((r) => r.id)).toEqual(['r5']);
  });

  it('when a modal comes back with a wrong value then the error is shown on that field and the modal stays open', async () => {
    stub.reply = () => ({
      message: { title: 'Check the command', summary: 'RPE must be 1–10; you sent 15\nNotes can be at most 3 characters; yours has 5', ephemeral: true },
      failure: { code: 'COMMAND.INVALID_OPTION', field: 'rpe', fields: { rpe: 'RPE must be 1–10; you sent 15', notes: 'Notes can be at most 3 characters; yours has 5', date: 'not in the modal' } },
    });
    const view = { callback_id: 'form:feedback', private_metadata: JSON.stringify({ id: 'form:feedback?date=2026-11-22' }), blocks: [{ type: 'input', block_id: 'rpe' }, { type: 'input', block_id: 'notes' }] };
    const res = await post(url, viewSubmission(ALEX, view, { rpe: { type: 'number_input', value: '15' }, notes: { type: 'plain_text_input', value: '' } }), FORM);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ response_action: 'errors', errors: { rpe: 'RPE must be 1–10; you sent 15', notes: 'Notes can be at most 3 characters; yours has 5' } });
    await slack.idle();
    expect(stub.inputs[0]).toMatchObject({ command: 'feedback', options: { date: '2026-11-22', rpe: '15' }, source: 'form' });
    expect(fake.messages).toEqual([]);
  });

  it('when a modal is accepted then the modal closes and the confirmation lands in the user’s DM', async () => {
    const view = { callback_id: 'form:feedback', private_metadata: JSON.stringify({ id: 'form:feedback?date=2026-11-22' }), blocks: [{ type: 'input', block_id: 'rpe' }] };
    const res = await post(url, viewSubmission(ALEX, view, { rpe: { type: 'number_input', value: '7' } }), FORM);
    expect(res).toEqual({ status: 200, body: '' });
    await slack.idle();
    expect(fake.messagesIn(fake.dmOf(ALEX)!)[0]).toMatchObject({ text: 'ran feedback\n{"date":"2026-11-22","rpe":"7"}' });
  });

  it('when the App Home is opened then the week is published as the home view', async () => {
    stub.reply = () => ({ message: { title: 'Alex’s week', summary: '1 of 2 planned sessions reported done so far.', sections: [{ text: '▶ *Sun 22 Nov* — Tempo 50 min' }] } });
    const res = await post(url, homeOpened(ALEX), JSON_TYPE);
    expect(res.status).toBe(200);
    await slack.idle();
    expect(stub.inputs[0]).toMatchObject({ platformUserId: ALEX, workspaceId: TEAM, command: 'week' });
    expect(fake.views[0]).toMatchObject({ method: 'views.publish', user_id: ALEX, view: { type: 'home' } });
    expect((fake.views[0]!.view.blocks as { type: string }[]).map((b) => b.type)).toEqual(['header', 'section', 'section']);
  });
});

describe('Slack app transports', () => {
  it('when mounted on the service’s HTTP server then signed requests work there and unsigned ones get 401', async () => {
    const fake = await new FakeSlackApi({ channels: [CHANNEL], users: [ALEX] }).start();
    const stub = new StubDispatcher();
    const slack = new SlackApp({ dispatcher: stub, logger, botToken: fake.token, apiUrl: fake.apiUrl, transport: { mode: 'http', signingSecret: SECRET } });
    let server: RunningHttpServer | undefined;
    try {
      server = await startHttpServer({
        host: '127.0.0.1',
        port: 0,
        logger,
        metrics: createMetricsRegistry(),
        health: async () => ({ status: 'ok', version: 't', uptimeSeconds: 0, db: { ok: true, embedded: true }, tfBackend: 'cpu' }),
        routes: [slack.route!],
      });
      expect((await post(`${server.url}/slack/events`, slashBody(ALEX, '/today', '', fake.responseUrl('m1')), FORM, { signature: null })).status).toBe(401);
      expect((await post(`${server.url}/slack/events`, slashBody(ALEX, '/today', '', fake.responseUrl('m2')), FORM)).status).toBe(200);
      await slack.idle();
      expect(fake.responses.map((r) => r.id)).toEqual(['m2']);
    } finally {
      await server?.close();
      await fake.stop();
    }
  });

  it('when Socket Mode is chosen then the app is built on the Socket Mode receiver and offers no HTTP listener', () => {
    const slack = new SlackApp({ dispatcher: new StubDispatcher(), logger, botToken: 'xoxb-test', transport: { mode: 'socket', appToken: 'xapp-test' } });
    expect(slack.receiver.constructor.name).toBe('SocketModeReceiver');
    expect(slack.route).toBeUndefined();
  });
});
