/** The loopback fakes answer like Discord and Slack do (what the adapters, now and later, rely on). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../fakes/discord-api.ts';
import { FakeSlackApi } from '../../fakes/slack-api.ts';

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
    expect(await (await call('views.open', { trigger_id: 't1', view })).json()).toMatchObject({ ok: true, view: { type: 'modal' } });
    expect(await (await call('views.publish', { user_id: 'U1', view: JSON.stringify({ type: 'home', blocks: [] }) })).json()).toMatchObject({ ok: true });
    expect(await (await call('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'only you' })).json()).toMatchObject({ ok: true });
    await fetch(fake.responseUrl('r1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi', replace_original: true }) });
    expect(fake.views.map((v) => v.method)).toEqual(['views.open', 'views.publish']);
    expect(fake.ephemerals).toEqual([{ channel: 'C1', user: 'U1', text: 'only you' }]);
    expect(fake.responses).toEqual([{ id: 'r1', body: { text: 'hi', replace_original: true } }]);
  });

  it('when a modal title is longer than 24 characters then views.open refuses it', async () => {
    const view = JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] });
    expect(await (await call('views.open', { trigger_id: 't1', view })).json()).toMatchObject({ ok: false, error: 'invalid_arguments' });
  });
});
