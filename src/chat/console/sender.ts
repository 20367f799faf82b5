/**
 * Local mode's "chat platform": messages are printed as boxed text (renderConsoleMessage) and charts are
 * written as PNG files next to the data, with their path in the box. Deliveries still go through the
 * outbox, so local mode exercises the same exactly-once path as Discord and Slack.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChatMessage } from '../../core/chat.ts';
import type { ChatSender, DeliveryTarget, SendOptions, SentMessage } from '../ports.ts';
import { renderConsoleMessage } from './render.ts';

export interface ConsoleSenderOptions {
  /** Where the text goes, e.g. (t) => process.stdout.write(t). */
  write: (text: string) => void;
  color?: boolean;
  width?: number;
  /** Directory for chart PNGs; without it charts are only described. */
  imageDir?: string;
  /** Display name for a target (e.g. the athlete's name); default the id. */
  describe?: (target: DeliveryTarget) => string;
}

export class ConsoleSender implements ChatSender {
  readonly platform = 'console' as const;
  private seq = 0;

  constructor(private readonly options: ConsoleSenderOptions) {}

  async send(target: DeliveryTarget, message: ChatMessage, { idempotencyKey }: SendOptions): Promise<SentMessage> {
    let imagePath: string | undefined;
    if (message.image && this.options.imageDir) {
      const safeKey = idempotencyKey.replace(/[^A-Za-z0-9._-]+/g, '_');
      const name = `${safeKey}-${message.image.filename.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
      await mkdir(this.options.imageDir, { recursive: true });
      imagePath = path.join(this.options.imageDir, name);
      await writeFile(imagePath, message.image.png);
    }
    const id = target.kind === 'dm' ? target.userId : target.channelId;
    const who = this.options.describe?.(target) ?? (target.kind === 'dm' ? `${id} (DM)` : `#${id}`);
    const text = renderConsoleMessage(message, {
      recipient: who,
      ...(this.options.color !== undefined ? { color: this.options.color } : {}),
      ...(this.options.width !== undefined ? { width: this.options.width } : {}),
      ...(imagePath ? { imagePath: path.relative(process.cwd(), imagePath) || imagePath } : {}),
    });
    this.options.write(`${text}\n`);
    this.seq += 1;
    return { platform: 'console', channelId: id, messageId: String(this.seq), via: target.kind === 'dm' ? 'dm' : 'channel' };
  }

  /** The terminal keeps no history; printing twice is harmless, and leases already prevent it. */
  async findDelivered(): Promise<'unknown'> {
    return 'unknown';
  }
}
