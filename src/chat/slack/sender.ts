/**
 * Outbound Slack: Block Kit messages to the team channel and to athletes' DMs with @slack/web-api's
 * WebClient — the real one, pointed at `apiUrl` (tests: the loopback fake).
 *
 * - Pacing: chat.postMessage is spaced ≥ `perChannelIntervalMs` (1.1 s) per channel by a KeyedPacer,
 *   so bursts to one channel queue up locally instead of collecting 429s. The gap is measured from the end
 *   of the previous post to the channel (KeyedPacer.run): spacing at dispatch was compressed whenever
 *   WebClient paused its queue after a 429, which caused more 429s (bench:deliver found the cascade).
 * - 429: WebClient waits Retry-After (pausing its queue) and retries, within `retryConfig` (default: 3
 *   retries, 0.5–5 s backoff). Exhausted retries surface as transient CHAT.RATE_LIMITED.
 * - The chart: uploaded privately with files.getUploadURLExternal → POST upload_url →
 *   files.completeUploadExternal (WebClient.filesUploadV2, no channel), then shown with an image block
 *   `slack_file: { id }`. Slack may need a moment before a new file can be used in a block
 *   (invalid_blocks); we retry that once after `fileReadyDelayMs`, then post without the image rather
 *   than not at all (postWithFreshImage, also used by the inbound replies in app.ts). The upload is cached per delivery key so retries do not upload it again.
 * - Idempotency: every message carries metadata { event_type: 'twincoach_delivery', event_payload:
 *   { key } }; findDelivered() looks it up with conversations.history(include_all_metadata), every page since
 *   the earlier attempt began (up to historyPages) — needs the
 *   channels:history / groups:history / im:history scopes for the channels we post to.
 */
import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { ChatMessage } from '../../core/chat.ts';
import type { Logger } from '../../logger.ts';
import { DeliveryError } from '../errors.ts';
import { SLACK_DELIVERY_EVENT, slackDeliveryMetadata } from '../idempotency.ts';
import { KeyedPacer, realSleep, takeGate, type RateGate, type Sleep } from '../pacing.ts';
import type { ChatSender, DeliveryTarget, SendOptions, SentMessage } from '../ports.ts';
import { renderSlackMessage } from './render.ts';

export interface SlackSenderOptions {
  token: string;
  /** Web API base ending in "/api/", e.g. "https://slack.com/api/" (config SLACK_API_BASE_URL). */
  apiUrl?: string;
  logger: Logger;
  /** Min spacing of posts to one channel, ms. Default 1100. */
  perChannelIntervalMs?: number;
  /** p-retry options for WebClient (rate limits, 5xx, network). Default 3 retries, 500 ms–5 s. */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number; randomize?: boolean };
  /** Per-request timeout, ms. Default 15 000. */
  timeoutMs?: number;
  /** Wait before re-posting when a fresh upload is not usable in a block yet. Default 1500 ms. */
  fileReadyDelayMs?: number;
  /** Messages per conversations.history page in findDelivered(). Default 200 (Slack's recommended most). */
  historyLimit?: number;
  /** Most history pages findDelivered() reads before answering "unknown". Default 25 (5,000 messages). */
  historyPages?: number;
  /** Shared per-channel limit across workers (key = channel id), taken before each chat.postMessage. Default none. */
  rateGate?: RateGate;
  sleep?: Sleep;
  now?: () => number;
}

/** pino → the Logger interface WebClient (and Bolt) expect. */
export function slackLogger(log: Logger): SlackLogger {
  let level = LogLevel.WARN;
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => log.debug(join(msg)),
    info: (...msg) => log.info(join(msg)),
    warn: (...msg) => log.warn(join(msg)),
    error: (...msg) => log.error(join(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

const PERMANENT: Record<string, 'CHAT.CHANNEL_NOT_FOUND' | 'CHAT.NO_ACCESS' | 'CHAT.AUTH_FAILED' | 'CHAT.PAYLOAD_REJECTED' | 'CHAT.DM_CLOSED'> = {
  channel_not_found: 'CHAT.CHANNEL_NOT_FOUND',
  is_archived: 'CHAT.CHANNEL_NOT_FOUND',
  not_in_channel: 'CHAT.NO_ACCESS',
  restricted_action: 'CHAT.NO_ACCESS',
  missing_scope: 'CHAT.NO_ACCESS',
  no_permission: 'CHAT.NO_ACCESS',
  ekm_access_denied: 'CHAT.NO_ACCESS',
  invalid_auth: 'CHAT.AUTH_FAILED',
  not_authed: 'CHAT.AUTH_FAILED',
  account_inactive: 'CHAT.AUTH_FAILED',
  token_revoked: 'CHAT.AUTH_FAILED',
  token_expired: 'CHAT.AUTH_FAILED',
  user_not_found: 'CHAT.DM_CLOSED',
  user_disabled: 'CHAT.DM_CLOSED',
  cannot_dm_bot: 'CHAT.DM_CLOSED',
  invalid_blocks: 'CHAT.PAYLOAD_REJECTED',
  msg_too_long: 'CHAT.PAYLOAD_REJECTED',
  no_text: 'CHAT.PAYLOAD_REJECTED',
  invalid_arguments: 'CHAT.PAYLOAD_REJECTED',
  invalid_metadata_format: 'CHAT.PAYLOAD_REJECTED',
};
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'team_added_to_org']);

/** WebClient errors → transient / permanent delivery errors. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
  if (e?.code === ErrorCode.PlatformError) {
    const slackError = e.data?.error ?? 'unknown';
    if (TRANSIENT.has(slackError))
      return new DeliveryError(slackError === 'ratelimited' ? 'CHAT.RATE_LIMITED' : 'CHAT.PLATFORM_UNAVAILABLE', { permanent: false, ambiguous: slackError !== 'ratelimited', cause: err, details: { slackError } });
    return new DeliveryError(PERMANENT[slackError] ?? 'CHAT.PAYLOAD_REJECTED', { permanent: true, cause: err, details: { slackError } });
  }
  if (e?.code === ErrorCode.RateLimitedError) return new DeliveryError('CHAT.RATE_LIMITED', { permanent: false, cause: err });
  if (e?.code === ErrorCode.HTTPError)
    return new DeliveryError('CHAT.PLATFORM_UNAVAILABLE', { permanent: false, ambiguous: true, cause: err, details: { status: e.statusCode } });
  if (typeof e?.message === 'string' && e.message.startsWith('A rate limit was exceeded'))
    return new DeliveryError('CHAT.RATE_LIMITED', { permanent: false, cause: err });
  return new DeliveryError('CHAT.NETWORK', { permanent: false, ambiguous: true, cause: err, details: { message: String(e?.message ?? err) } });
}

/** Slack refused a block (a fresh file not processed yet): a WebClient error, or a response_url's HTTP 400 (axios). */
export function imageRejected(err: unknown): boolean {
  const e = err as { data?: { error?: string }; response?: { data?: { error?: string } } } | undefined;
  return e?.data?.error === 'invalid_blocks' || e?.response?.data?.error === 'invalid_blocks';
}

/**
 * Post a message showing a chart uploaded a moment ago. Slack may not let a new file into an image block yet
 * (invalid_blocks): once more after `delayMs`, then without the image rather than not at all. The one copy
 * of this rule, used by the outbox sender and by the inbound replies (slack/app.ts).
 */
export async function postWithFreshImage<T>(
  fileId: string | undefined,
  post: (fileId: string | undefined) => Promise<T>,
  o: { delayMs: number; sleep: Sleep; log: Logger },
): Promise<T> {
  try {
    return await post(fileId);
  } catch (err) {
    if (!(fileId && imageRejected(err))) throw err;
  }
  o.log.warn({ fileId }, 'image block rejected; retrying once');
  await o.sleep(o.delayMs);
  try {
    return await post(fileId);
  } catch (again) {
    if (!imageRejected(again)) throw again;
  }
  o.log.warn({ fileId }, 'image block still rejected; posting without the chart');
  return post(undefined);
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: { key?: unknown } };
}

export class SlackSender implements ChatSender {
  readonly platform = 'slack' as const;
  readonly client: WebClient;
  private readonly pacer: KeyedPacer;
  private readonly dmChannels = new Map<string, string>();
  private readonly uploaded = new Map<string, string>();
  private readonly log: Logger;
  private readonly sleep: Sleep;

  constructor(private readonly options: SlackSenderOptions) {
    this.log = options.logger.child({ component: 'slack-sender' });
    this.sleep = options.sleep ?? realSleep;
    this.client = new WebClient(options.token, {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/` } : {}),
      logger: slackLogger(this.log),
      logLevel: LogLevel.WARN,
      retryConfig: options.retryConfig ?? { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true },
      timeout: options.timeoutMs ?? 15_000,
      rejectRateLimitedCalls: false,
    });
    this.pacer = new KeyedPacer(options.perChannelIntervalMs ?? 1_100, { now: options.now ?? Date.now, sleep: this.sleep });
  }

  async openDm(userId: string): Promise<string> {
    const cached = this.dmChannels.get(userId);
    if (cached) return cached;
    const res = await this.call(() => this.client.conversations.open({ users: userId }));
    const id = res.channel?.id;
    if (!id) throw new DeliveryError('CHAT.DM_CLOSED', { permanent: true, details: { userId } });
    this.dmChannels.set(userId, id);
    return id;
  }

  private async channelOf(target: DeliveryTarget): Promise<string> {
    return target.kind === 'dm' ? this.openDm(target.userId) : target.channelId;
  }

  /** Upload the chart privately; returns its file id (cached per delivery key). */
  async uploadImage(image: NonNullable<ChatMessage['image']>, cacheKey: string): Promise<string> {
    const cached = this.uploaded.get(cacheKey);
    if (cached) return cached;
    const res = await this.call(() =>
      this.client.filesUploadV2({ file: image.png, filename: image.filename, alt_text: image.alt, title: image.alt }),
    );
    const files = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
    const id = files[0]?.files?.[0]?.id;
    if (!id) throw new DeliveryError('CHAT.PLATFORM_UNAVAILABLE', { permanent: false, details: { reason: 'upload returned no file id' } });
    this.uploaded.set(cacheKey, id);
    return id;
  }

  async send(target: DeliveryTarget, message: ChatMessage, { idempotencyKey }: SendOptions): Promise<SentMessage> {
    const channel = await this.channelOf(target);
    const imageFileId = message.image ? await this.uploadImage(message.image, idempotencyKey) : undefined;
    const post = async (fileId: string | undefined) => {
      const { text, blocks } = renderSlackMessage(message, fileId ? { imageFileId: fileId } : {});
      // Spaced from when the previous post to this channel finished, not when it was dispatched: after a 429
      // WebClient pauses every request for Retry-After and then lets the held ones go at once.
      return this.pacer.run(channel, async () => {
        if (this.options.rateGate) await takeGate(this.options.rateGate, channel);
        return this.client.chat.postMessage({
          channel,
          text,
          blocks,
          metadata: slackDeliveryMetadata(idempotencyKey),
          unfurl_links: false,
          unfurl_media: false,
        });
      });
    };
    const res = await postWithFreshImage(imageFileId, post, { delayMs: this.options.fileReadyDelayMs ?? 1_500, sleep: this.sleep, log: this.log.child({ channel }) }).catch(
      (err: unknown) => {
        throw toDeliveryError(err);
      },
    );
    this.uploaded.delete(idempotencyKey);
    return { platform: 'slack', channelId: res.channel ?? channel, messageId: res.ts!, via: target.kind === 'dm' ? 'dm' : 'channel' };
  }

  /** Look for our metadata key among the channel's recent messages (conversations.history). */
  async findDelivered(target: DeliveryTarget, idempotencyKey: string, since: Date): Promise<SentMessage | null | 'unknown'> {
    let channel: string;
    try {
      channel = await this.channelOf(target);
    } catch (err) {
      this.log.warn({ err }, 'cannot open the conversation to check for an earlier delivery');
      return 'unknown';
    }
    // Every message since the earlier attempt began, page by page: a busy team channel can hold hundreds of
    // newer posts by the time a crashed holder's lease has expired (one page missed such a message in a
    // crash trial, and the take-over posted it again).
    const pages = this.options.historyPages ?? 25;
    try {
      let cursor: string | undefined;
      for (let page = 0; page < pages; page++) {
        const res = await this.client.conversations.history({
          channel,
          oldest: (since.getTime() / 1000).toFixed(6),
          limit: this.options.historyLimit ?? 200,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        });
        const hit = ((res.messages ?? []) as HistoryMessage[]).find(
          (m) => m.metadata?.event_type === SLACK_DELIVERY_EVENT && m.metadata.event_payload?.key === idempotencyKey,
        );
        if (hit?.ts) return { platform: 'slack', channelId: channel, messageId: hit.ts, via: target.kind === 'dm' ? 'dm' : 'channel' };
        cursor = res.has_more ? res.response_metadata?.next_cursor || undefined : undefined;
        if (!cursor) return null; // read to the start of the window: it is not there
      }
      this.log.warn({ channel, pages }, 'too many messages since the earlier attempt to tell whether it went out');
      return 'unknown';
    } catch (err) {
      this.log.warn({ err: toDeliveryError(err), channel }, 'conversations.history failed; cannot tell whether the message went out');
      return 'unknown';
    }
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw toDeliveryError(err);
    }
  }
}
