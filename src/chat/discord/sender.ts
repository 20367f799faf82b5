/**
 * Outbound Discord: opens DMs and posts messages (embed + PNG attachment + buttons) with discord.js's
 * REST client — the real one, pointed at `apiBaseUrl` (tests: the loopback fake).
 *
 * - Rate limits: REST reads X-RateLimit-* headers, queues per bucket, waits out 429s (Retry-After) and
 *   keeps a global limiter of `globalRequestsPerSecond` (50). A wait longer than `maxRateLimitWaitMs`
 *   is not slept through: REST rejects with RateLimitError, which we report as a transient
 *   CHAT.RATE_LIMITED so the outbox can back off and keep its lease honest.
 * - 5xx and timeouts: REST retries `retries` times, then we report a transient, ambiguous error.
 * - Idempotency: every post carries nonce = hash(delivery key) with enforce_nonce, so Discord answers a
 *   repeat within its window ("the past few minutes") with the earlier message instead of a second one.
 *   A message too long for one Discord message (a big team board) goes as several, each with its own
 *   nonce (render.ts).
 * - DMs refused (50007 "Cannot send messages to this user"): we post in the team channel instead,
 *   mentioning the athlete (only they are pinged). By default the mention carries the title only —
 *   the full morning message stays private; `dmFallback: 'full'` posts everything.
 */
import { DiscordAPIError, HTTPError, RateLimitError, REST, Routes, type RateLimitData } from 'discord.js';
import type { ChatMessage } from '../../core/chat.ts';
import { isAppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { DeliveryError } from '../errors.ts';
import { discordNonce } from '../idempotency.ts';
import { takeGate, type RateGate } from '../pacing.ts';
import type { ChatSender, DeliveryTarget, SendOptions, SentMessage } from '../ports.ts';
import { renderDiscordMessage, type DiscordMessagePayload } from './render.ts';

export interface DiscordSenderOptions {
  token: string;
  /** REST base without the version, e.g. "https://discord.com/api" (config DISCORD_API_BASE_URL). */
  apiBaseUrl?: string;
  /** Channel for DM-closed fallbacks (config DISCORD_TEAM_CHANNEL_ID). */
  teamChannelId?: string;
  /** 'mention' (default): a mention and the title; 'full': the whole message in the channel. */
  dmFallback?: 'mention' | 'full';
  logger: Logger;
  /** REST retries on 5xx / network errors. Default 3. */
  retries?: number;
  /** Per-request timeout, ms. Default 15 000. */
  timeoutMs?: number;
  /** Global limiter. Default 50 (Discord's global limit for bots). */
  globalRequestsPerSecond?: number;
  /** Longest 429 wait slept through inside one send, ms. Default 60 000. */
  maxRateLimitWaitMs?: number;
  /** Shared per-bot limit across workers (key 'global'), taken before every REST request. Default none. */
  rateGate?: RateGate;
}

interface APIMessage {
  id: string;
  channel_id: string;
  nonce?: string | number;
  timestamp?: string;
}

export class DiscordSender implements ChatSender {
  readonly platform = 'discord' as const;
  readonly rest: REST;
  private readonly dmChannels = new Map<string, string>();
  private readonly log: Logger;

  constructor(private readonly options: DiscordSenderOptions) {
    this.log = options.logger.child({ component: 'discord-sender' });
    const maxWait = options.maxRateLimitWaitMs ?? 60_000;
    this.rest = new REST({
      version: '10',
      ...(options.apiBaseUrl ? { api: options.apiBaseUrl.replace(/\/+$/, '') } : {}),
      retries: options.retries ?? 3,
      timeout: options.timeoutMs ?? 15_000,
      globalRequestsPerSecond: options.globalRequestsPerSecond ?? 50,
      rejectOnRateLimit: (data: RateLimitData) => data.retryAfter > maxWait,
    }).setToken(options.token);
    this.rest.on('rateLimited', (info) =>
      this.log.info({ route: info.route, retryAfterMs: info.retryAfter, global: info.global, scope: info.scope }, 'discord rate limit'),
    );
  }

  /** Stop REST's background sweepers (graceful shutdown). */
  close(): void {
    this.rest.clearHashSweeper();
    this.rest.clearHandlerSweeper();
  }

  async openDm(userId: string): Promise<string> {
    const cached = this.dmChannels.get(userId);
    if (cached) return cached;
    const channel = (await this.call(() => this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } }))) as { id: string };
    this.dmChannels.set(userId, channel.id);
    return channel.id;
  }

  async send(target: DeliveryTarget, message: ChatMessage, { idempotencyKey }: SendOptions): Promise<SentMessage> {
    if (target.kind === 'channel') {
      const sent = await this.postAll(target.channelId, renderDiscordMessage(message, { nonce: discordNonce(idempotencyKey) }));
      return { ...sent, via: 'channel' };
    }
    const dm = await this.openDm(target.userId);
    try {
      const sent = await this.postAll(dm, renderDiscordMessage(message, { nonce: discordNonce(idempotencyKey) }));
      return { ...sent, via: 'dm' };
    } catch (err) {
      if (!(err instanceof DeliveryError && isAppError(err, 'CHAT.DM_CLOSED')) || !this.options.teamChannelId) throw err;
      this.log.warn({ userId: target.userId }, 'DMs closed; posting a mention in the team channel');
      const payloads = renderDiscordMessage(this.fallbackMessage(message), {
        content: `<@${target.userId}> I couldn’t send you a direct message — your privacy settings block DMs from this server’s apps. Allow “Direct Messages” for this server to get your sessions privately.`,
        mentionUserIds: [target.userId],
        nonce: discordNonce(`${idempotencyKey}:fallback`),
      });
      const sent = await this.postAll(this.options.teamChannelId, payloads);
      return { ...sent, via: 'fallback' };
    }
  }

  /** Discord cannot be asked afterwards (fetched messages carry no nonce); the nonce on send covers it. */
  async findDelivered(): Promise<'unknown'> {
    return 'unknown';
  }

  private fallbackMessage(message: ChatMessage): ChatMessage {
    if (this.options.dmFallback === 'full') return message;
    const slim: ChatMessage = { title: message.title, summary: 'Your session for today is ready. Run /today here to see it.' };
    if (message.tone) slim.tone = message.tone;
    return slim;
  }

  /**
   * A long message is several Discord messages (a big team board): posted in order, each with its own
   * nonce, so a retry after a failure in the middle re-sends the rest and Discord answers the parts that
   * already went out with the earlier messages. The first part stands for the whole.
   */
  private async postAll(channelId: string, payloads: readonly DiscordMessagePayload[]): Promise<Omit<SentMessage, 'via'>> {
    let first: Omit<SentMessage, 'via'> | undefined;
    for (const payload of payloads) {
      const sent = await this.post(channelId, payload);
      first ??= sent;
    }
    return first!;
  }

  private async post(channelId: string, payload: DiscordMessagePayload): Promise<Omit<SentMessage, 'via'>> {
    const started = Date.now();
    const res = (await this.call(() =>
      this.rest.post(Routes.channelMessages(channelId), {
        body: payload.body,
        ...(payload.files.length > 0 ? { files: payload.files.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType })) } : {}),
      }),
    )) as APIMessage;
    // Best effort: an answer older than our request is the earlier message Discord returned for the nonce.
    const deduplicated = res.timestamp !== undefined && Date.parse(res.timestamp) < started - 2_000;
    return { platform: 'discord', channelId: res.channel_id ?? channelId, messageId: res.id, ...(deduplicated ? { deduplicated } : {}) };
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    if (this.options.rateGate) await takeGate(this.options.rateGate, 'global');
    try {
      return await request();
    } catch (err) {
      throw toDeliveryError(err);
    }
  }
}

/** discord.js REST errors → transient / permanent delivery errors. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof DiscordAPIError) {
    const details = { status: err.status, discordCode: err.code, url: err.url };
    if (err.code === 50007) return new DeliveryError('CHAT.DM_CLOSED', { permanent: true, cause: err, details });
    if (err.code === 10003 || err.code === 10013 || err.status === 404) return new DeliveryError('CHAT.CHANNEL_NOT_FOUND', { permanent: true, cause: err, details });
    if (err.status === 401) return new DeliveryError('CHAT.AUTH_FAILED', { permanent: true, cause: err, details });
    if (err.status === 403) return new DeliveryError('CHAT.NO_ACCESS', { permanent: true, cause: err, details });
    if (err.status >= 500) return new DeliveryError('CHAT.PLATFORM_UNAVAILABLE', { permanent: false, ambiguous: true, cause: err, details });
    return new DeliveryError('CHAT.PAYLOAD_REJECTED', { permanent: true, cause: err, details: { ...details, message: err.message } });
  }
  if (err instanceof RateLimitError)
    return new DeliveryError('CHAT.RATE_LIMITED', { permanent: false, cause: err, details: { retryAfterMs: err.retryAfter, route: err.route } });
  if (err instanceof HTTPError)
    return new DeliveryError('CHAT.PLATFORM_UNAVAILABLE', { permanent: false, ambiguous: true, cause: err, details: { status: err.status } });
  // AbortError (timeout), ECONNRESET, ECONNREFUSED…: the request may or may not have arrived.
  return new DeliveryError('CHAT.NETWORK', { permanent: false, ambiguous: true, cause: err, details: { message: String((err as Error)?.message ?? err) } });
}
