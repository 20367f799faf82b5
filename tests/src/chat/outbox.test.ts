/** Outbox logic with in-memory leases and a scripted sender: deterministic, no network, no clock. */
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/core/chat.ts';
import { DeliveryError } from '../../../src/chat/errors.ts';
import { InMemoryDeliveryLeases, InMemoryDeliveryStatus } from '../../../src/chat/memory.ts';
import { Outbox } from '../../../src/chat/outbox.ts';
import type { ChatSender, DeliveryTarget, SentMessage } from '../../../src/chat/ports.ts';
import { createLogger } from '../../../src/logger.ts';

const logger = createLogger({ level: 'silent' });
const target: DeliveryTarget = { platform: 'slack', kind: 'channel', channelId: 'C1' };
const message: ChatMessage = { title: 'T', summary: 'S' };

type Step = 'ok' | 'fallback' | 'dedup' | DeliveryError | Error;

/** A sender that plays a script and remembers what it did. */
class ScriptedSender implements ChatSender {
  readonly platform = 'slack' as const;
  sends = 0;
  checks = 0;
  delivered: SentMessage | null = null;
  constructor(
    private readonly script: Step[],
    private readonly findResult: () => SentMessage | null | 'unknown' = () => null,
  ) {}
  async send(): Promise<SentMessage> {
    const step = this.script[this.sends] ?? 'ok';
    this.sends += 1;
    if (step instanceof Error) throw step;
    this.delivered = { platform: 'slack', channelId: 'C1', messageId: `m${this.sends}`, via: step === 'fallback' ? 'fallback' : 'channel', ...(step === 'dedup' ? { deduplicated: true } : {}) };
    return this.delivered;
  }
  async findDelivered(): Promise<SentMessage | null | 'unknown'> {
    this.checks += 1;
    return this.findResult();
  }
}

function outbox(sender: ChatSender, extra: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) {
  const leases = new InMemoryDeliveryLeases();
  const status = new InMemoryDeliveryStatus();
  const sleeps: number[] = [];
  let clock = Date.parse('2026-11-22T06:30:00Z');
  const box = new Outbox({
    leases,
    status,
    senders: [sender],
    logger,
    owner: 'me',
    random: () => 0.5,
    now: () => new Date(clock),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...extra,
  });
  return { box, leases, status, sleeps, advance: (ms: number) => (clock += ms) };
}

const transient = () => new DeliveryError('CHAT.PLATFORM_UNAVAILABLE', { permanent: false });
const ambiguous = () => new DeliveryError('CHAT.NETWORK', { permanent: false, ambiguous: true });
const permanent = () => new DeliveryError('CHAT.CHANNEL_NOT_FOUND', { permanent: true });

describe('outbox', () => {
  it('when the same key is delivered twice then the sender is called once and the second call reports already sent', async () => {
    const sender = new ScriptedSender([]);
    const { box } = outbox(sender);
    expect(await box.deliver('rx1:slack', target, message)).toMatchObject({ status: 'sent', attempts: 1, takeover: false });
    expect(await box.deliver('rx1:slack', target, message)).toEqual({ status: 'already_sent', reason: 'lease_done' });
    expect(sender.sends).toBe(1);
  });

  it('when another owner holds a live lease then nothing is sent and the outcome names the holder', async () => {
    const sender = new ScriptedSender([]);
    const { box, leases } = outbox(sender);
    await leases.acquire('rx1:slack', 'other', 60_000, new Date('2026-11-22T06:29:59Z'));
    expect(await box.deliver('rx1:slack', target, message)).toMatchObject({ status: 'in_progress', owner: 'other' });
    expect(sender.sends).toBe(0);
  });

  it('when a send fails transiently then it is retried after an exponential backoff and recorded as sent', async () => {
    const sender = new ScriptedSender([transient(), transient(), 'ok']);
    const { box, status, sleeps } = outbox(sender);
    expect(await box.deliver('k', target, message)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(sleeps).toEqual([1_000, 2_000]);
    expect(status.latest('k')).toMatchObject({ state: 'sent', attempts: 3, message: { messageId: 'm3' } });
  });

  it('when a send fails permanently then it is not retried, the lease is released and the failure recorded', async () => {
    const sender = new ScriptedSender([permanent()]);
    const { box, leases, status } = outbox(sender);
    expect(await box.deliver('k', target, message)).toEqual({
      status: 'failed',
      attempts: 1,
      error: { code: 'CHAT.CHANNEL_NOT_FOUND', message: expect.any(String), permanent: true },
    });
    expect(sender.sends).toBe(1);
    expect(await leases.isDone('k')).toBe(false);
    expect(await leases.acquire('k', 'next', 1_000)).toMatchObject({ acquired: true, gen: 1, takeover: false });
    expect(status.latest('k')).toMatchObject({ state: 'failed', error: { permanent: true } });
  });

  it('when every attempt fails transiently then it gives up after maxAttempts with a non-permanent failure', async () => {
    const sender = new ScriptedSender([transient(), transient(), transient()]);
    const { box } = outbox(sender, { maxAttempts: 3 });
    expect(await box.deliver('k', target, message)).toMatchObject({ status: 'failed', attempts: 3, error: { permanent: false } });
    expect(sender.sends).toBe(3);
  });

  it('when retrying would outlive the lease then it stops early instead of risking a second owner', async () => {
    const sender = new ScriptedSender([transient(), transient(), transient(), transient()]);
    const { box } = outbox(sender, { leaseTtlMs: 5_000, backoffBaseMs: 2_000 });
    // deadline = 0.8 × 5 s = 4 s: retry after 2 s, then a 4 s wait would pass the deadline.
    expect(await box.deliver('k', target, message)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('when an ambiguous failure had in fact gone through then the platform check finds it and nothing is sent again', async () => {
    let out: SentMessage | null = null;
    const sender = new ScriptedSender([ambiguous()], () => out);
    const origSend = sender.send.bind(sender);
    sender.send = async () => {
      out = { platform: 'slack', channelId: 'C1', messageId: 'landed', via: 'channel' }; // it arrived, the answer was lost
      return origSend();
    };
    const { box } = outbox(sender);
    expect(await box.deliver('k', target, message)).toMatchObject({ status: 'sent', message: { messageId: 'landed' }, attempts: 1 });
    expect(sender.sends).toBe(1);
  });

  it('when a crashed owner’s lease expired and the platform has the message then the take-over does not send', async () => {
    const found = { platform: 'slack' as const, channelId: 'C1', messageId: 'before-crash', via: 'channel' as const };
    const sender = new ScriptedSender([], () => found);
    const { box, leases, status } = outbox(sender);
    await leases.acquire('k', 'dead', 1_000, new Date('2026-11-22T06:00:00Z'));
    expect(await box.deliver('k', target, message)).toEqual({ status: 'already_sent', reason: 'found_on_platform', message: found });
    expect(sender.sends).toBe(0);
    expect(await leases.isDone('k')).toBe(true);
    expect(status.latest('k')).toMatchObject({ state: 'already_sent' });
  });

  it('when a take-over cannot ask the platform then it sends, relying on the idempotent send', async () => {
    const sender = new ScriptedSender(['dedup'], () => 'unknown');
    const { box, leases } = outbox(sender);
    await leases.acquire('k', 'dead', 1_000, new Date('2026-11-22T06:00:00Z'));
    expect(await box.deliver('k', target, message)).toMatchObject({ status: 'already_sent', reason: 'platform_dedup' });
    expect(sender.checks).toBe(1);
    expect(sender.sends).toBe(1);
  });

  it('when the first delivery ever is attempted then the platform is not asked (gen 0 has no history)', async () => {
    const sender = new ScriptedSender([]);
    const { box } = outbox(sender);
    await box.deliver('k', target, message);
    expect(sender.checks).toBe(0);
  });

  it('when the sender falls back to a channel mention then the outcome and the status say fallback', async () => {
    const sender = new ScriptedSender(['fallback']);
    const { box, status } = outbox(sender);
    expect(await box.deliver('k', target, message)).toMatchObject({ status: 'fallback' });
    expect(status.latest('k')).toMatchObject({ state: 'fallback' });
  });

  it('when recording the status fails then the delivery still counts as done and is not repeated', async () => {
    const sender = new ScriptedSender([]);
    const { box } = outbox(sender, { status: { record: async () => Promise.reject(new Error('db down')) } });
    expect(await box.deliver('k', target, message)).toMatchObject({ status: 'sent' });
    expect(await box.deliver('k', target, message)).toMatchObject({ status: 'already_sent' });
    expect(sender.sends).toBe(1);
  });

  it('when no sender exists for the platform then deliver throws CHAT.NO_SENDER', async () => {
    const { box } = outbox(new ScriptedSender([]));
    await expect(box.deliver('k', { platform: 'discord', kind: 'channel', channelId: '1' }, message)).rejects.toMatchObject({ code: 'CHAT.NO_SENDER' });
  });
});
