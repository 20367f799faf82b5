/**
 * Regression (found by bench:deliver): the Slack sender spaced posts per channel when it *dispatched*
 * them, but a 429 anywhere makes WebClient pause its whole request queue for Retry-After. Posts paced
 * during the pause were held and then released together with the next one, so they reached Slack closer
 * than the channel's limit, drew 429s of their own, which paused the queue again — a cascade (bench:
 * 495 × 429 on 1,000 posts while Discord traffic ran in the same process). Spacing is now measured from
 * when the previous post to the channel *finished*, which holds at Slack's end whatever delayed us.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyedPacer } from '../../../../src/chat/pacing.ts';
import { SlackSender } from '../../../../src/chat/slack/sender.ts';
import { createLogger } from '../../../../src/logger.ts';
import { FakeSlackApi } from '../../../fakes/slack-api.ts';

const logger = createLogger({ level: 'silent' });
const line = (i: number) => ({ title: `Athlete ${i}`, summary: `line ${i}` });

describe('Slack pacing when WebClient pauses its queue after a 429', () => {
  let fake: FakeSlackApi;
  beforeEach(async () => {
    // 4 posts per second per channel (250 ms), burst 1; Retry-After is at least 1 s, as on Slack.
    fake = await new FakeSlackApi({ channels: ['C0A', 'C0B'], perChannelPerSecond: 4, burst: 1 }).start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('when one channel draws a 429 then the posts paced meanwhile for another channel still arrive spaced and draw none', async () => {
    const sender = new SlackSender({
      token: fake.token,
      apiUrl: fake.apiUrl,
      logger,
      perChannelIntervalMs: 275,
      retryConfig: { retries: 3, factor: 2, minTimeout: 20, maxTimeout: 100, randomize: false },
    });
    fake.failNext(1, { method: 'chat.postMessage', status: 429, retryAfterSec: 1 });
    const first = sender.send({ platform: 'slack', kind: 'channel', channelId: 'C0A' }, line(0), { idempotencyKey: 'a0' });
    await new Promise((r) => setTimeout(r, 30)); // C0A's 429 has paused WebClient's queue by now
    const others = Array.from({ length: 5 }, (_, i) => sender.send({ platform: 'slack', kind: 'channel', channelId: 'C0B' }, line(i + 1), { idempotencyKey: `b${i}` }));
    await Promise.all([first, ...others]);

    expect(fake.messagesIn('C0A')).toHaveLength(1);
    expect(fake.messagesIn('C0B')).toHaveLength(5);
    expect(fake.counters.rateLimited).toBe(1); // only the scripted one
  });
});

describe('KeyedPacer.run', () => {
  it('when a call for a key finishes late then the next call for that key starts one interval after it finished', async () => {
    let t = 0;
    const sleeps: number[] = [];
    const pacer = new KeyedPacer(100, { now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) });
    const starts: number[] = [];
    await Promise.all([
      pacer.run('c', async () => {
        starts.push(t);
        t += 400; // held 400 ms (a paused queue, a slow answer)
      }),
      pacer.run('c', async () => {
        starts.push(t);
      }),
      pacer.run('other', async () => {
        starts.push(-1);
      }),
    ]);
    expect(starts).toEqual([0, -1, 500]);
  });

  it('when a call throws then the key is not blocked for the next one', async () => {
    const pacer = new KeyedPacer(0);
    await expect(pacer.run('c', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(pacer.run('c', async () => 'ok')).resolves.toBe('ok');
  });
});
