/**
 * A ChatSender that records what the outbox delivered (platform 'console' by default): the e2e tests read
 * what every athlete and the team channel received, and count duplicates per delivery key.
 */
import type { ChatMessage, Platform } from '../../../src/core/chat.ts';
import type { ChatSender, DeliveryTarget, SendOptions, SentMessage } from '../../../src/chat/ports.ts';

export interface Recorded {
  key: string;
  target: DeliveryTarget;
  message: ChatMessage;
}

export class RecordingSender implements ChatSender {
  readonly sent: Recorded[] = [];
  constructor(readonly platform: Platform = 'console') {}

  async send(target: DeliveryTarget, message: ChatMessage, { idempotencyKey }: SendOptions): Promise<SentMessage> {
    this.sent.push({ key: idempotencyKey, target, message });
    const id = target.kind === 'dm' ? target.userId : target.channelId;
    return { platform: this.platform, channelId: id, messageId: String(this.sent.length), via: target.kind === 'dm' ? 'dm' : 'channel' };
  }

  async findDelivered(): Promise<'unknown'> {
    return 'unknown';
  }

  to(userId: string): Recorded[] {
    return this.sent.filter((r) => r.target.kind === 'dm' && r.target.userId === userId);
  }

  channel(channelId: string): Recorded[] {
    return this.sent.filter((r) => r.target.kind === 'channel' && r.target.channelId === channelId);
  }
}
