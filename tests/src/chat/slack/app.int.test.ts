/**
 * Slack end to end: signed requests → Bolt's HTTPReceiver → the real dispatcher and use cases on the
 * embedded database → replies on the loopback Slack Web API fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackApp } from '../../../../src/chat/slack/app.ts';
import { createLogger } from '../../../../src/logger.ts';
import { count, useCommands } from '../../../commands/support.ts';
import { FakeSlackApi } from '../../../fakes/slack-api.ts';
import { blockAction, CHANNEL, FORM, homeOpened, JSON_TYPE, post, SECRET, slashBody, TEAM, viewSubmission } from './requests.ts';

const h = useCommands('2026-11-22T07:00:00Z');
const COACH = 'U0COACH';
const ALEX = 'U0ALEX';
const BEA = 'U0BEA';
let fake: FakeSlackApi;
let slack: SlackApp;
let url: string;
let n = 0;

/** Run a slash command as `user`; returns what came back through its response_url. */
async function slash(user: string, command: string, text = '') {
  const id = `resp${++n}`;
  const body = slashBody(user, command, text, fake.responseUrl(id));
  const res = await post(url, body, FORM);
  expect(res.status).toBe(200);
  await slack.idle();
  return { reply: fake.responses.find((r) => r.id === id)?.body, triggerId: new URLSearchParams(body).get('trigger_id')! };
}
const header = (reply: Record<string, unknown> | undefined) => ((reply?.blocks as { type: string; text?: { text: string } }[]) ?? []).find((b) => b.type === 'header')?.text?.text;
const summary = (reply: Record<string, unknown> | undefined) => ((reply?.blocks as { type: string; text?: { text: string } }[]) ?? []).filter((b) => b.type === 'section')[0]?.text?.text;

beforeAll(async () => {
  fake = await new FakeSlackApi({ channels: [CHANNEL], users: [COACH, ALEX, BEA, 'U0STRANGER'] }).start();
  slack = new SlackApp({ dispatcher: h.dispatcher, logger: createLogger({ level: 'silent' }), botToken: fake.token, apiUrl: fake.apiUrl, transport: { mode: 'http', signingSecret: SECRET } });
  url = `http://127.0.0.1:${await slack.start(0)}/slack/events`;
  await slash(COACH, '/team', 'create Falcons');
  await slash(ALEX, '/register', 'sport:running agree:yes');
  await slash(BEA, '/register', 'sport:cycling agree:yes');
});
afterAll(async () => {
  await slack.stop();
  await fake.stop();
});

describe('Slack → commands → core', () => {
  it('when the team was created in the channel then athletes who registered there are in it', async () => {
    const team = await h.core.findTeamByChannel('slack', TEAM, CHANNEL);
    const bea = await h.core.resolveActor('slack', BEA);
    expect((await h.deps.memberships.get(team.id, bea.personId))!.roles).toEqual(['athlete']);
  });

  it('when an athlete runs /override then the reply refuses clearly and nothing is stored', async () => {
    const before = { rx: await count(h, 'Prescription'), audit: await count(h, 'AuditLog') };
    const { reply } = await slash(ALEX, '/override', `<@${BEA}|bea> REST I say so`);
    expect(reply).toMatchObject({ response_type: 'ephemeral' });
    expect(header(reply)).toBe('🔴 Not allowed');
    expect(summary(reply)).toBe('Only a team’s coaches can use /override. You’re registered as an athlete. Ask your coach, or create your own team with /team create.');
    expect(await count(h, 'Prescription')).toBe(before.rx);
    expect(await count(h, 'AuditLog')).toBe(before.audit);
  });

  it('when the coach overrides by Slack mention then the session is stored', async () => {
    const { reply } = await slash(COACH, '/override', `<@${BEA}|bea> REST travel day`);
    expect(header(reply)).toBe('🟢 Session set for u0bea — Sun 22 Nov');
    const bea = await h.core.resolveActor('slack', BEA);
    expect((await h.deps.prescriptions.get(bea.personId, '2026-11-22'))!.override!.reason).toBe('travel day');
  });

  it('when /feedback carries RPE 15 then the reply names it and nothing is stored', async () => {
    const alex = await h.core.resolveActor('slack', ALEX);
    const { reply } = await slash(ALEX, '/feedback', 'rpe:15');
    expect(summary(reply)).toBe('RPE must be 1–10; you sent 15');
    expect(await count(h, 'Feedback', { athleteId: alex.personId })).toBe(0);
  });

  it('when /feedback opens the modal and it is submitted then the values are stored and confirmed in the DM', async () => {
    const { triggerId } = await slash(ALEX, '/feedback');
    // a "Loading…" modal opens within the trigger's 3 seconds; views.update puts the form in
    const loading = fake.views.find((v) => v.trigger_id === triggerId)!;
    expect(loading).toMatchObject({ method: 'views.open', view: { type: 'modal', title: { text: '/feedback' } } });
    const opened = fake.views.filter((v) => v.view_id === loading.view_id).at(-1)!;
    expect(opened).toMatchObject({ method: 'views.update', view: { type: 'modal', callback_id: 'form:feedback' } });
    const bad = await post(url, viewSubmission(ALEX, opened.view, { rpe: { type: 'number_input', value: '11' }, minutes: { type: 'number_input', value: '700' }, completion: { type: 'static_select', selected: 'done' } }), FORM);
    expect(JSON.parse(bad.body)).toEqual({ response_action: 'errors', errors: { rpe: 'RPE must be 1–10; you sent 11', minutes: 'Minutes must be 0–600; you sent 700' } });
    await slack.idle();
    const alex = await h.core.resolveActor('slack', ALEX);
    expect(await count(h, 'Feedback', { athleteId: alex.personId })).toBe(0);
    const ok = await post(url, viewSubmission(ALEX, opened.view, { rpe: { type: 'number_input', value: '6' }, minutes: { type: 'number_input', value: '40' }, completion: { type: 'static_select', selected: 'done' } }), FORM);
    expect(ok).toEqual({ status: 200, body: '' });
    await slack.idle();
    expect(await h.deps.feedback.get(alex.personId, '2026-11-22', 'main')).toMatchObject({ rpe: 6, minutes: 40, completion: 'done' });
    expect(fake.messagesIn(fake.dmOf(ALEX)!).at(-1)!.text).toBe('Feedback saved — Sun 22 Nov\ndone · RPE 6 · 40 min');
  });

  it('when /today answers and its Skipped button is pressed then the feedback modal opens prefilled', async () => {
    const { reply } = await slash(ALEX, '/today');
    expect(header(reply)).toMatch(/^(🟢|🟠|🔴)? ?Sun 22 Nov — /);
    const actions = (reply!.blocks as { type: string; elements?: { action_id: string; text: { text: string } }[] }[]).find((b) => b.type === 'actions')!;
    const skipped = actions.elements!.find((e) => e.text.text === 'Skipped')!;
    const views = fake.views.length;
    await post(url, blockAction(ALEX, skipped.action_id, fake.responseUrl('btn1')), FORM);
    await slack.idle();
    const [loading, modal] = fake.views.slice(views);
    expect(loading).toMatchObject({ method: 'views.open', view: { title: { text: '/feedback' } } });
    expect(modal).toMatchObject({ method: 'views.update', view_id: loading!.view_id, view: { callback_id: 'form:feedback' } });
    const completion = (modal!.view.blocks as { block_id: string; element: { initial_option?: { value: string } } }[]).find((b) => b.block_id === 'completion')!;
    expect(completion.element.initial_option!.value).toBe('skipped');
  });

  it('when an athlete opens the App Home then their week is published; a stranger sees how to start', async () => {
    await post(url, homeOpened(ALEX), JSON_TYPE);
    await slack.idle();
    const home = fake.views.filter((v) => v.method === 'views.publish' && v.user_id === ALEX).at(-1)!;
    expect(JSON.stringify(home.view)).toContain('u0alex’s week');
    expect(JSON.stringify(home.view)).toContain('▶ *Sun 22 Nov* — ');
    await post(url, homeOpened('U0STRANGER'), JSON_TYPE);
    await slack.idle();
    const welcome = fake.views.filter((v) => v.method === 'views.publish' && v.user_id === 'U0STRANGER').at(-1)!;
    expect(JSON.stringify(welcome.view)).toContain('Use /register to sign up');
  });
});
