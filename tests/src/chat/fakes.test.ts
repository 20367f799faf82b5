/** The loopback fakes answer like Discord and Slack do (what the adapters, now and later, rely on). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../fakes/discord-api.ts';
import { FakeSlackApi } from '../../fakes/slack-api.ts';
import { triggerId } from './slack/requests.ts';

describe('Discord fake', () => {
  let fake: FakeDiscordApi;
  const post = (path: string, body: unknown, auth = `Bot ${fake.token}`) =>
    fetch(`${fake.apiUrl}/v10${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(body) });

  beforeEach(async () => {
    fake = await new FakeDiscordApi({ channels: ['10'], routeLimit: 2, routeWindowMs: 60_000 }).start();
  });
  afterEach(async () => fake.stop());

  it('when a bucket is used up then the answer is 429 with the rate-limit headers and a retry_after body', async () => {
    const ok = await post('/channels/10/messages', { content: 'a' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('2');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(ok.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(59);
    expect(ok.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{16}$/);
    await post('/channels/10/messages', { content: 'b' });
    const limited = await post('/channels/10/messages', { content: 'c' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(59);
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(await limited.json()).toEqual({ message: 'You are being rate limited.', retry_after: expect.any(Number), global: false });
    expect(fake.counters).toMatchObject({ received: 3, rateLimited: 1 });
    expect(fake.messages).toHaveLength(2);
  });

  it('when an embed breaks a limit then the answer is 400 Invalid Form Body (50035) and nothing is created', async () => {
    const res = await post('/channels/10/messages', { embeds: [{ description: 'x'.repeat(4097) }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 50035, message: 'Invalid Form Body' });
    expect(fake.messages).toHaveLength(0);
  });

  it('when the token is wrong then the answer is 401', async () => {
    expect((await post('/channels/10/messages', { content: 'a' }, 'Bot nope')).status).toBe(401);
  });

  it('when an interaction is answered twice then the second callback is refused with 40060', async () => {
    fake.interaction({ id: '99', token: 'tok', type: 2 });
    const cb = (body: unknown) => fetch(`${fake.apiUrl}/v10/interactions/99/tok/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await cb({ type: 5 })).status).toBe(204);
    const again = await cb({ type: 4, data: { content: 'late' } });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: 40060 });
    const edit = await fetch(`${fake.apiUrl}/v10/webhooks/app/tok/messages/@original`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'done' }) });
    expect(edit.status).toBe(200);
    expect(fake.interactionCallbacks).toEqual([{ interactionId: '99', token: 'tok', type: 5, files: [] }]);
    expect(fake.messages.find((m) => m.channel_id === 'interaction:tok')).toMatchObject({ content: 'done', via: 'original' });
  });

  it('when two embeds of one message pass 6000 characters together then the message is refused (the limit is per message, not per embed)', async () => {
    const res = await post('/channels/10/messages', { embeds: [{ description: 'x'.repeat(3500) }, { description: 'y'.repeat(3500) }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Invalid Form Body', code: 50035, errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }] } } });
    expect((await post('/channels/10/messages', { embeds: [{ description: 'x'.repeat(2900) }, { description: 'y'.repeat(3100) }] })).status).toBe(200);
  });

  it('when a channel message sets the EPHEMERAL flag (64) then it is refused: only interaction responses can be ephemeral', async () => {
    const res = await post('/channels/10/messages', { content: 'a', flags: 64 });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 50035, errors: { flags: { _errors: [{ code: 'MESSAGE_FLAGS_INVALID' }] } } });
    expect((await post('/channels/10/messages', { content: 'quiet', flags: 4096 })).status).toBe(200);
  });
});

describe('Discord fake: interactions (callbacks, deadlines, tokens)', () => {
  let fake: FakeDiscordApi;
  let seq = 0;
  const json = { 'content-type': 'application/json' };
  const delivered = (type = 2) => fake.interaction({ id: `5${++seq}`, token: `t${seq}`, type });
  const callback = (i: { id: string; token: string }, body: unknown) =>
    fetch(`${fake.apiUrl}/v10/interactions/${i.id}/${i.token}/callback`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  const followUp = (i: { token: string }, body: unknown) => fetch(`${fake.apiUrl}/v10/webhooks/app/${i.token}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  const editOriginal = (i: { token: string }, body: unknown) =>
    fetch(`${fake.apiUrl}/v10/webhooks/app/${i.token}/messages/@original`, { method: 'PATCH', headers: json, body: JSON.stringify(body) });
  const modal = (over: Record<string, unknown> = {}, input: Record<string, unknown> = {}) => ({
    type: 9,
    data: { custom_id: 'form:feedback', title: 'How did it go?', components: [{ type: 18, label: 'Notes', component: { type: 4, custom_id: 'notes', style: 2, ...input } }], ...over },
  });

  beforeEach(async () => {
    fake = await new FakeDiscordApi().start();
  });
  afterEach(async () => fake.stop());

  it('when a callback names an interaction the gateway never delivered then it is 404 Unknown interaction (10062)', async () => {
    const res = await callback({ id: '1', token: 'nope' }, { type: 4, data: { content: 'hi' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Unknown interaction', code: 10062 });
  });

  it('when the initial response comes after 3 seconds then it is 404 Unknown interaction (10062); at 3 seconds it is accepted', async () => {
    const late = delivered();
    fake.advanceClock(3_001);
    expect(await (await callback(late, { type: 5 })).json()).toEqual({ message: 'Unknown interaction', code: 10062 });
    const onTime = delivered();
    fake.advanceClock(2_900);
    expect((await callback(onTime, { type: 5 })).status).toBe(204);
  });

  it('when the token is used before any response then it is 404 Unknown Webhook (10015); after 15 minutes 401 Invalid Webhook Token (50027)', async () => {
    const i = delivered();
    expect(await (await followUp(i, { content: 'too soon' })).json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
    expect((await callback(i, { type: 5, data: { flags: 64 } })).status).toBe(204);
    fake.advanceClock(14 * 60_000);
    expect((await editOriginal(i, { content: 'in time' })).status).toBe(200);
    expect(fake.messages.find((m) => m.channel_id === `interaction:${i.token}`)).toMatchObject({ content: 'in time', flags: 64 });
    fake.advanceClock(60_001);
    const res = await followUp(i, { content: 'too late' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
  });

  it('when a reply (type 4) breaks a message limit then it is refused with the path under data; follow-ups are checked the same way', async () => {
    const i = delivered();
    const res = await callback(i, { type: 4, data: { embeds: [{ description: 'x'.repeat(3500) }, { description: 'y'.repeat(3500) }] } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 50035, errors: { data: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } } } });
    expect((await callback(i, { type: 4, data: { content: 'x'.repeat(2001) } })).status).toBe(400);
    expect((await callback(i, { type: 4, data: { content: 'ok', flags: 64 } })).status).toBe(204);
    expect((await followUp(i, { embeds: [{ description: 'd'.repeat(4097) }] })).status).toBe(400);
    expect((await followUp(i, { content: 'more', flags: 64 })).status).toBe(200);
  });

  it.each([
    ['a title over 45 characters', 'title', modal({ title: 't'.repeat(46) })],
    ['no components', 'components', modal({ components: [] })],
    ['six components', 'components', modal({ components: Array.from({ length: 6 }, (_, k) => ({ type: 18, label: `L${k}`, component: { type: 4, custom_id: `c${k}`, style: 1 } })) })],
    ['a custom_id over 100 characters', 'custom_id', modal({ custom_id: 'f'.repeat(101) })],
    ['a label over 45 characters', 'components', modal({ components: [{ type: 18, label: 'l'.repeat(46), component: { type: 4, custom_id: 'n', style: 1 } }] })],
    ['a prefilled value longer than its max_length', 'components', modal({}, { max_length: 200, value: 'v'.repeat(201) })],
    ['a placeholder over 100 characters', 'components', modal({}, { placeholder: 'p'.repeat(101) })],
    ['max_length over 4000', 'components', modal({}, { max_length: 4001 })],
    ['a text input style other than 1 or 2', 'components', modal({}, { style: 3 })],
    ['two inputs with one custom_id', 'components', modal({ components: [1, 2].map(() => ({ type: 18, label: 'L', component: { type: 4, custom_id: 'same', style: 1 } })) })],
    ['a select with 26 options', 'components', modal({ components: [{ type: 18, label: 'Pick', component: { type: 3, custom_id: 's', options: Array.from({ length: 26 }, (_, k) => ({ label: `o${k}`, value: `${k}` })) } }] })],
    ['a select option value over 100 characters', 'components', modal({ components: [{ type: 18, label: 'Pick', component: { type: 3, custom_id: 's', options: [{ label: 'o', value: 'v'.repeat(101) }] } }] })],
  ])('when a modal (type 9) has %s then it is refused (400 / 50035 under data.%s)', async (_what, path, body) => {
    const res = await callback(delivered(), body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { code: number; errors: { data: Record<string, unknown> } };
    expect(answer.code).toBe(50035);
    expect(Object.keys(answer.errors.data)).toEqual([path]);
  });

  it('when a modal submit is answered with a modal, or a slash command with an update (7), then the callback type is refused', async () => {
    expect((await callback(delivered(5), modal())).status).toBe(400);
    expect((await callback(delivered(2), { type: 7, data: { content: 'x' } })).status).toBe(400);
    expect((await callback(delivered(3), { type: 7, data: { content: 'x' } })).status).toBe(204);
    expect((await callback(delivered(2), modal())).status).toBe(204);
  });
});

describe('Discord fake: application commands (bulk overwrite)', () => {
  let fake: FakeDiscordApi;
  const put = (body: unknown, guild?: string) =>
    fetch(`${fake.apiUrl}/v10/applications/42${guild ? `/guilds/${guild}` : ''}/commands`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bot ${fake.token}` }, body: JSON.stringify(body) });
  const cmd = (over: Record<string, unknown> = {}) => ({ type: 1, name: 'feedback', description: 'Log a session', options: [{ type: 4, name: 'rpe', description: 'RPE 1–10', required: true }], ...over });
  const code = async (res: Response) => {
    const text = JSON.stringify(await res.json());
    return [res.status, /"code":"([A-Z_]+)"/.exec(text)?.[1]];
  };

  beforeEach(async () => {
    fake = await new FakeDiscordApi().start();
  });
  afterEach(async () => fake.stop());

  it('when valid commands are PUT then they are saved with ids and replace the earlier set of that scope', async () => {
    const res = await put([cmd(), cmd({ name: 'today', options: [] })], '7');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject([{ name: 'feedback', id: expect.any(String), application_id: '42', guild_id: '7' }, { name: 'today' }]);
    await put([cmd()], '7');
    expect(fake.commands.get('7')!.map((c) => c.name)).toEqual(['feedback']);
    expect(fake.commands.get('global')).toBeUndefined();
  });

  it.each([
    ['an upper-case name', 'APPLICATION_COMMAND_INVALID_NAME', [cmd({ name: 'Feedback' })]],
    ['a name over 32 characters', 'APPLICATION_COMMAND_INVALID_NAME', [cmd({ name: 'f'.repeat(33) })]],
    ['a name with a space', 'APPLICATION_COMMAND_INVALID_NAME', [cmd({ name: 'log session' })]],
    ['a description over 100 characters', 'BASE_TYPE_BAD_LENGTH', [cmd({ description: 'd'.repeat(101) })]],
    ['two commands of one name', 'APPLICATION_COMMANDS_DUPLICATE_NAME', [cmd(), cmd()]],
    ['a required option after an optional one', 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', [cmd({ options: [{ type: 3, name: 'a', description: 'a' }, { type: 3, name: 'b', description: 'b', required: true }] })]],
    ['26 options', 'BASE_TYPE_MAX_LENGTH', [cmd({ options: Array.from({ length: 26 }, (_, k) => ({ type: 3, name: `o${k}`, description: 'o' })) })]],
    ['26 choices', 'BASE_TYPE_MAX_LENGTH', [cmd({ options: [{ type: 3, name: 'c', description: 'c', choices: Array.from({ length: 26 }, (_, k) => ({ name: `n${k}`, value: `${k}` })) }] })]],
    ['a choice name over 100 characters', 'BASE_TYPE_BAD_LENGTH', [cmd({ options: [{ type: 3, name: 'c', description: 'c', choices: [{ name: 'n'.repeat(101), value: 'v' }] }] })]],
    ['sub-commands mixed with options', 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', [cmd({ options: [{ type: 1, name: 's', description: 's' }, { type: 3, name: 'o', description: 'o' }] })]],
    ['an option description missing', 'BASE_TYPE_BAD_LENGTH', [cmd({ options: [{ type: 3, name: 'o', description: '' }] })]],
    ['more than 8000 characters', 'APPLICATION_COMMAND_TOO_LARGE', [cmd({ options: Array.from({ length: 4 }, (_, k) => ({ type: 3, name: `o${k}`, description: 'o', choices: Array.from({ length: 25 }, (_, j) => ({ name: 'n'.repeat(100), value: `${j}` })) })) })]],
  ])('when a command has %s then the overwrite is refused (400 / 50035 %s) and nothing changes', async (_what, expected, body) => {
    expect(await code(await put(body))).toEqual([400, expected]);
    expect(fake.commands.size).toBe(0);
  });

  it('when the registry is registered through the real client then the stricter fake accepts every command', async () => {
    const { registerDiscordCommands } = await import('../../../src/chat/discord/commands.ts');
    const { COMMANDS } = await import('../../../commands/registry.ts');
    const out = await registerDiscordCommands({ token: fake.token, applicationId: '42', guildId: '7', apiBaseUrl: fake.apiUrl, commands: COMMANDS });
    expect(out).toMatchObject({ scope: 'guild', count: COMMANDS.length });
    expect(fake.commands.get('7')).toHaveLength(COMMANDS.length);
  });
});

describe('Slack fake', () => {
  let fake: FakeSlackApi;
  const call = (method: string, args: Record<string, string>, token = fake.token) =>
    fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
      body: new URLSearchParams(args).toString(),
    });

  beforeEach(async () => {
    fake = await new FakeSlackApi({ channels: ['C1'], users: ['U1'], burst: 1 }).start();
  });
  afterEach(async () => fake.stop());

  it('when a channel gets two posts within a second then the second is HTTP 429 with Retry-After and ratelimited', async () => {
    expect(await (await call('chat.postMessage', { channel: 'C1', text: 'a' })).json()).toMatchObject({ ok: true, channel: 'C1' });
    const limited = await call('chat.postMessage', { channel: 'C1', text: 'b' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(fake.counters).toMatchObject({ rateLimited: 1 });
  });

  it('when history is read then metadata is included only with include_all_metadata', async () => {
    const metadata = JSON.stringify({ event_type: 'twincoach_delivery', event_payload: { key: 'k1' } });
    await call('chat.postMessage', { channel: 'C1', text: 'a', metadata });
    const plain = (await (await call('conversations.history', { channel: 'C1' })).json()) as { messages: { metadata?: unknown }[] };
    const full = (await (await call('conversations.history', { channel: 'C1', include_all_metadata: 'true' })).json()) as { messages: { metadata?: unknown }[] };
    expect(plain.messages[0]!.metadata).toBeUndefined();
    expect(full.messages[0]!.metadata).toEqual({ event_type: 'twincoach_delivery', event_payload: { key: 'k1' } });
  });

  it('when the same metadata key is posted twice to a channel then duplicates counts it', async () => {
    const metadata = JSON.stringify({ event_type: 'twincoach_delivery', event_payload: { key: 'k2' } });
    await call('chat.postMessage', { channel: 'C1', text: 'a', metadata });
    await new Promise((r) => setTimeout(r, 1_050));
    await call('chat.postMessage', { channel: 'C1', text: 'a', metadata });
    expect(fake.counters.duplicates).toBe(1);
  });

  it('when the token is wrong or a block uses an unfinished upload then the answer is 200 with ok:false', async () => {
    expect(await (await call('chat.postMessage', { channel: 'C1', text: 'a' }, 'xoxb-wrong')).json()).toEqual({ ok: false, error: 'invalid_auth' });
    const blocks = JSON.stringify([{ type: 'image', slack_file: { id: 'F404' }, alt_text: 'x' }]);
    const res = await call('chat.postMessage', { channel: 'C1', blocks });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });

  it('when views, ephemerals and response_url are used then each is recorded', async () => {
    const view = JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'Feedback' }, blocks: [] });
    expect(await (await call('views.open', { trigger_id: triggerId(), view })).json()).toMatchObject({ ok: true, view: { type: 'modal' } });
    expect(await (await call('views.publish', { user_id: 'U1', view: JSON.stringify({ type: 'home', blocks: [] }) })).json()).toMatchObject({ ok: true });
    expect(await (await call('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'only you' })).json()).toMatchObject({ ok: true });
    await fetch(fake.responseUrl('r1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi', replace_original: true }) });
    expect(fake.views.map((v) => v.method)).toEqual(['views.open', 'views.publish']);
    expect(fake.ephemerals).toEqual([{ channel: 'C1', user: 'U1', text: 'only you' }]);
    expect(fake.responses).toEqual([{ id: 'r1', body: { text: 'hi', replace_original: true } }]);
  });

  it('when a modal title is longer than 24 characters then views.open refuses it', async () => {
    const view = JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] });
    expect(await (await call('views.open', { trigger_id: triggerId(), view })).json()).toEqual({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] },
    });
  });
});

describe('Slack fake: response_url, views, Block Kit limits, uploads', () => {
  let fake: FakeSlackApi;
  const call = async (method: string, args: Record<string, unknown>) => {
    const res = await fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${fake.token}` },
      body: JSON.stringify(args),
    });
    return (await res.json()) as { ok: boolean; error?: string; errors?: string[]; view?: { id: string; hash: string }; response_metadata?: { messages: string[] } };
  };
  const respond = async (id: string, body: unknown) => {
    const res = await fetch(fake.responseUrl(id), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return [res.status, ((await res.json()) as { error?: string }).error ?? 'ok'];
  };
  const plain = (text: string) => ({ type: 'plain_text', text });
  const modal = (over: Record<string, unknown> = {}, blocks: unknown[] = [input()]) => ({ type: 'modal', title: plain('Feedback'), submit: plain('Submit'), blocks, ...over });
  const input = (element: Record<string, unknown> = {}, over: Record<string, unknown> = {}) => ({
    type: 'input',
    block_id: 'notes',
    label: plain('Notes'),
    element: { type: 'plain_text_input', action_id: 'notes', ...element },
    ...over,
  });
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

  beforeEach(async () => {
    fake = await new FakeSlackApi({ channels: ['C1'], users: ['U1'], burst: 100, perChannelPerSecond: 100 }).start();
  });
  afterEach(async () => fake.stop());

  it('when a response_url is used a sixth time then it is 404 used_url; after 30 minutes 404 expired_url; an unknown one 404 invalid_url', async () => {
    for (let k = 0; k < 5; k++) expect(await respond('r1', { text: `reply ${k}` })).toEqual([200, 'ok']);
    expect(await respond('r1', { text: 'sixth' })).toEqual([404, 'used_url']);
    fake.responseUrl('r2');
    fake.advanceClock(30 * 60_000 + 1);
    expect(await respond('r2', { text: 'late' })).toEqual([404, 'expired_url']);
    const res = await fetch(`${fake.origin}/response/never-issued`, { method: 'POST', body: '{"text":"x"}' });
    expect(res.status).toBe(404);
    expect(fake.responses.map((r) => r.id)).toEqual(['r1', 'r1', 'r1', 'r1', 'r1']);
  });

  it.each([
    ['no text and no blocks', 'no_text', { response_type: 'ephemeral' }],
    ['51 blocks', 'invalid_blocks', { text: 't', blocks: Array.from({ length: 51 }, () => section('x')) }],
    ['a section of 3001 characters', 'invalid_blocks', { text: 't', blocks: [section('x'.repeat(3001))] }],
    ['an unknown response_type', 'invalid_payload', { text: 't', response_type: 'everyone' }],
    ['text over 40,000 characters', 'msg_too_long', { text: 'x'.repeat(40_001) }],
  ])('when a response_url body has %s then it is 400 %s and nothing is shown', async (_what, error, body) => {
    expect(await respond('r3', body)).toEqual([400, error]);
    expect(fake.responses).toEqual([]);
  });

  it('when views.open gets a trigger older than 3 seconds, one used before, or one Slack never issued then it is refused', async () => {
    expect(await call('views.open', { trigger_id: triggerId(Date.now() - 3_001), view: modal() })).toEqual({ ok: false, error: 'expired_trigger_id' });
    const once = triggerId();
    expect(await call('views.open', { trigger_id: once, view: modal() })).toMatchObject({ ok: true });
    expect(await call('views.open', { trigger_id: once, view: modal() })).toEqual({ ok: false, error: 'exchanged_trigger_id' });
    expect(await call('views.open', { trigger_id: 'made-up', view: modal() })).toEqual({ ok: false, error: 'invalid_trigger_id' });
    expect(await call('views.push', { trigger_id: triggerId(Date.now() - 5_000), view: modal() })).toEqual({ ok: false, error: 'expired_trigger_id' });
  });

  it('when views.update names no open view or a stale hash then not_found / hash_conflict; with the current hash the view is replaced', async () => {
    const opened = await call('views.open', { trigger_id: triggerId(), view: modal() });
    expect(await call('views.update', { view_id: 'V404', view: modal() })).toEqual({ ok: false, error: 'not_found' });
    expect(await call('views.update', { view_id: opened.view!.id, hash: 'stale', view: modal() })).toEqual({ ok: false, error: 'hash_conflict' });
    expect(await call('views.update', { view_id: opened.view!.id, hash: opened.view!.hash, view: modal({ title: plain('Thanks') }) })).toMatchObject({ ok: true, view: { id: opened.view!.id } });
  });

  it.each([
    ['a title of 25 characters', '/view/title/text', modal({ title: plain('t'.repeat(25)) })],
    ['a submit label of 25 characters', '/view/submit/text', modal({ submit: plain('s'.repeat(25)) })],
    ['a close label of 25 characters', '/view/close/text', modal({ close: plain('c'.repeat(25)) })],
    ['input blocks but no submit', '/view/submit', modal({ submit: undefined })],
    ['101 blocks', '/view/blocks', modal({}, Array.from({ length: 101 }, (_, k) => input({ action_id: `a${k}` }, { block_id: `b${k}` })))],
    ['a callback_id of 256 characters', '/view/callback_id', modal({ callback_id: 'c'.repeat(256) })],
    ['private_metadata of 3001 characters', '/view/private_metadata', modal({ private_metadata: 'm'.repeat(3001) })],
    ['an input label of 2001 characters', '/view/blocks/0/label/text', modal({}, [input({}, { label: plain('l'.repeat(2001)) })])],
    ['a prefill longer than the input’s max_length', '/view/blocks/0/element/initial_value', modal({}, [input({ max_length: 200, initial_value: 'v'.repeat(201) })])],
    ['a prefill longer than 3000 characters', '/view/blocks/0/element/initial_value', modal({}, [input({ multiline: true, initial_value: 'v'.repeat(3001) })])],
    ['a max_length of 3001', '/view/blocks/0/element/max_length', modal({}, [input({ max_length: 3001 })])],
    ['a placeholder of 151 characters', '/view/blocks/0/element/placeholder/text', modal({}, [input({ placeholder: plain('p'.repeat(151)) })])],
    ['a number input prefilled with words', '/view/blocks/0/element/initial_value', modal({}, [input({ type: 'number_input', is_decimal_allowed: true, initial_value: 'seven' })])],
    ['a select of 101 options', '/view/blocks/0/element/options', modal({}, [input({ type: 'static_select', options: Array.from({ length: 101 }, (_, k) => ({ text: plain(`o${k}`), value: `${k}` })) })])],
    ['an option text of 76 characters', '/view/blocks/0/element/options/0/text/text', modal({}, [input({ type: 'static_select', options: [{ text: plain('o'.repeat(76)), value: 'v' }] })])],
    ['an option value of 151 characters', '/view/blocks/0/element/options/0/value', modal({}, [input({ type: 'static_select', options: [{ text: plain('o'), value: 'v'.repeat(151) }] })])],
    ['an initial_option that is not an option', '/view/blocks/0/element/initial_option', modal({}, [input({ type: 'static_select', options: [{ text: plain('o'), value: 'v' }], initial_option: { text: plain('x'), value: 'x' } })])],
    ['two blocks with one block_id', '/view/blocks/1/block_id', modal({}, [input(), input({ action_id: 'other' })])],
  ])('when a modal has %s then views.open is invalid_arguments at %s', async (_what, pointer, view) => {
    const answer = await call('views.open', { trigger_id: triggerId(), view });
    expect(answer).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(answer.response_metadata!.messages[0]).toContain(`[json-pointer:${pointer}]`);
    expect(fake.views).toEqual([]);
  });

  it.each([
    ['51 blocks', '/blocks', Array.from({ length: 51 }, () => section('x'))],
    ['a header of 151 characters', '/blocks/0/text/text', [{ type: 'header', text: plain('h'.repeat(151)) }]],
    ['a section of 3001 characters', '/blocks/0/text/text', [section('s'.repeat(3001))]],
    ['11 fields', '/blocks/0/fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }]],
    ['a field of 2001 characters', '/blocks/0/fields/0/text', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }]],
    ['a block_id of 256 characters', '/blocks/0/block_id', [{ ...section('x'), block_id: 'b'.repeat(256) }]],
    ['11 context elements', '/blocks/0/elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }]],
    ['26 buttons in one actions block', '/blocks/0/elements', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, k) => ({ type: 'button', action_id: `a${k}`, text: plain('b') })) }]],
    ['a button text of 76 characters', '/blocks/0/elements/0/text/text', [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: plain('b'.repeat(76)) }] }]],
    ['a button value of 2001 characters', '/blocks/0/elements/0/value', [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: plain('b'), value: 'v'.repeat(2001) }] }]],
    ['an image alt_text of 2001 characters', '/blocks/0/alt_text', [{ type: 'image', image_url: 'https://example.com/a.png', alt_text: 'a'.repeat(2001) }]],
    ['an input block', '/blocks/0/type', [input()]],
  ])('when a message has %s then chat.postMessage is invalid_blocks at %s', async (_what, pointer, blocks) => {
    const answer = await call('chat.postMessage', { channel: 'C1', text: 'fallback', blocks });
    expect(answer).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(answer.errors![0]).toContain(`[json-pointer:${pointer}]`);
    expect(fake.messages).toEqual([]);
  });

  it('when a message text passes 40,000 characters then chat.postMessage is msg_too_long', async () => {
    expect(await call('chat.postMessage', { channel: 'C1', text: 'x'.repeat(40_001) })).toEqual({ ok: false, error: 'msg_too_long' });
  });

  it('when an image block names a file completed a moment ago then it is invalid_blocks; once Slack has processed it, it is accepted', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const url = (await call('files.getUploadURLExternal', { filename: 'c.png', length: png.length })) as unknown as { upload_url: string; file_id: string };
    await fetch(url.upload_url, { method: 'POST', body: png });
    expect(await call('files.completeUploadExternal', { files: [{ id: url.file_id }] })).toMatchObject({ ok: true });
    const blocks = [{ type: 'image', slack_file: { id: url.file_id }, alt_text: 'chart' }];
    expect(await call('chat.postMessage', { channel: 'C1', text: 't', blocks })).toMatchObject({ ok: false, error: 'invalid_blocks', errors: ['invalid slack file [json-pointer:/blocks/0/slack_file]'] });
    fake.advanceClock(300);
    expect(await call('chat.postMessage', { channel: 'C1', text: 't', blocks })).toMatchObject({ ok: true });
  });
});
