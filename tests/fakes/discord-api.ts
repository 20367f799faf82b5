/**
 * A loopback Discord REST v10 server that behaves like the real one where our code depends on it, with the
 * limits of Discord's published OpenAPI document (discord/discord-api-spec) and developer docs.
 *
 *   POST  /api/v10/users/@me/channels                       open a DM → { id, type: 1, recipients }
 *   POST  /api/v10/channels/:id/messages                     JSON or multipart (payload_json + files[n])
 *   GET   /api/v10/channels/:id/messages?limit=             newest first (no nonce, like Discord)
 *   POST  /api/v10/interactions/:id/:token/callback          one response per interaction (else 40060)
 *   PATCH /api/v10/webhooks/:app/:token/messages/@original   edit the original response
 *   POST  /api/v10/webhooks/:app/:token                      follow-up message
 *   PUT   /api/v10/applications/:app[/guilds/:g]/commands    bulk overwrite of application commands
 *
 * Behaviour copied from Discord: `Authorization: Bot <token>` (401 otherwise); per-route buckets keyed by
 * route + major parameter (channel) with X-RateLimit-Limit / -Remaining / -Reset / -Reset-After /
 * -Bucket / -Scope on every answer; a global limit (a bucket of 50 refilled at 50 per second) answered with
 * 429, X-RateLimit-Global and `global: true`; 429 bodies { message, retry_after, global } plus a
 * Retry-After header; interaction endpoints are outside the global limit; 403 code 50007 "Cannot send
 * messages to this user" for users whose DMs are closed; 404 code 10003 for unknown channels; 400 code
 * 50035 "Invalid Form Body" with the errors nested along the path (`errors.embeds.0.title._errors`) when a
 * body breaks a documented limit — embeds count 6000 characters per MESSAGE over all its embeds, channel
 * posts may set only the flags SUPPRESS_EMBEDS / SUPPRESS_NOTIFICATIONS / IS_VOICE_MESSAGE /
 * IS_COMPONENTS_V2 (EPHEMERAL only on interaction responses); `nonce` + `enforce_nonce` returns the
 * earlier message by the same author instead of creating a second one.
 *
 * Interactions: the test hands each gateway payload to `interaction(payload)` on its way to the client.
 * A callback for an interaction never delivered, or later than 3 s after it arrived, is 404 10062
 * "Unknown interaction"; a second one is 400 40060. Callbacks are checked per type (4/7 as messages with
 * the path under `data`, 5/6 flags, 9 as modals: custom_id 1–100, title 1–45, 1–5 labelled text inputs or
 * selects, values within max_length…; 6/7 only for components, no modal in answer to a modal submit).
 * The token (edits, follow-ups) works only after the initial response and for 15 minutes from arrival:
 * 404 10015 "Unknown Webhook" before, 401 50027 "Invalid Webhook Token" after. `advanceClock(ms)` moves
 * that clock. Application commands are checked like Discord checks a bulk overwrite (names, lengths,
 * ≤ 25 options / choices, required before optional, 8000 characters per command).
 *
 * Counters: received (every request), rateLimited (429s sent, of which globalRateLimited were global),
 * duplicates (posts carrying a nonce seen before), deduplicated (of those, answered with the earlier
 * message because enforce_nonce was set). `messages` records every created message with its files.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDiscordOptions {
  token?: string;
  botUserId?: string;
  /** Requests per second across all non-interaction routes. Default 50. */
  globalLimitPerSecond?: number;
  /** Requests per bucket window per route + major parameter. Default 5 (Discord's message route). */
  routeLimit?: number;
  /** Bucket window, ms. Default 5000. */
  routeWindowMs?: number;
  /** Guild text channels that exist (DM channels are created by opening a DM). */
  channels?: string[];
  /** Users whose privacy settings block DMs from the bot. */
  closedDmUserIds?: string[];
  /** How long enforce_nonce remembers a nonce. Default 5 minutes ("the past few minutes"). */
  nonceWindowMs?: number;
  /** The clock of the interaction deadlines (3 s to respond, 15 min token). Default Date.now; see advanceClock(). */
  now?: () => number;
}

/** An interaction the gateway delivered (registered with `interaction(payload)`), and how it was answered. */
interface InteractionRecord {
  id: string;
  token: string;
  /** 2 application command, 3 component, 5 modal submit. */
  type: number;
  receivedAt: number;
  /** The callback type it was answered with. */
  callback?: number;
  /** Flags of the initial response (a deferred ephemeral reply stays ephemeral when edited in). */
  flags?: number;
}

export interface FakeDiscordFile {
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

export interface FakeDiscordMessage {
  id: string;
  channel_id: string;
  author: { id: string; username: string; bot: true };
  content: string;
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
  attachments: { id: string; filename: string; size: number; content_type: string; url: string; description?: string }[];
  nonce?: string | number;
  timestamp: string;
  flags?: number;
  allowed_mentions?: unknown;
  /** The uploaded bytes (not part of Discord's answer). */
  files: FakeDiscordFile[];
  /** Where it came from (not part of Discord's answer). */
  via: 'channel' | 'followup' | 'original';
}

export interface ScriptedRateLimit {
  /** Seconds; sent as retry_after (float) and Retry-After. */
  retryAfterSec: number;
  global?: boolean;
  /** Only requests whose path matches. Default: message posts. */
  match?: RegExp;
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

const API = '/api/v10';

export class FakeDiscordApi {
  readonly token: string;
  readonly botUserId: string;
  readonly messages: FakeDiscordMessage[] = [];
  readonly interactionCallbacks: { interactionId: string; token: string; type: number; data?: Record<string, unknown>; files: FakeDiscordFile[] }[] = [];
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly counters = { received: 0, rateLimited: 0, globalRateLimited: 0, duplicates: 0, deduplicated: 0 };
  /** Application commands as the last bulk overwrite left them, per scope ("global" or the guild id). */
  readonly commands = new Map<string, Record<string, unknown>[]>();

  private server: Server | undefined;
  private readonly opts: Required<Omit<FakeDiscordOptions, 'token' | 'botUserId' | 'channels' | 'closedDmUserIds' | 'now'>>;
  private readonly channels = new Map<string, { type: 0 | 1; recipientId?: string }>();
  private readonly dmByUser = new Map<string, string>();
  private readonly closedDm = new Set<string>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly global: { tokens: number; at: number };
  private readonly nonces = new Map<string, { message: FakeDiscordMessage; at: number }>();
  private readonly scripted: (ScriptedRateLimit & { left: number })[] = [];
  private nextId = 1_100_000_000_000_000_000n;
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly nowFn: () => number;
  private clockOffsetMs = 0;

  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? 'fake-discord-token';
    this.botUserId = options.botUserId ?? '1000000000000000001';
    this.opts = {
      globalLimitPerSecond: options.globalLimitPerSecond ?? 50,
      routeLimit: options.routeLimit ?? 5,
      routeWindowMs: options.routeWindowMs ?? 5000,
      nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
    };
    this.nowFn = options.now ?? Date.now;
    this.global = { tokens: this.opts.globalLimitPerSecond, at: Date.now() };
    for (const c of options.channels ?? []) this.channels.set(c, { type: 0 });
    for (const u of options.closedDmUserIds ?? []) this.closedDm.add(u);
  }

  /** Base URL for discord.js REST's `api` option (without the version). */
  get apiUrl(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error('FakeDiscordApi: not started');
    return `http://127.0.0.1:${addr.port}/api`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.send(res, req, 500, { message: String(err), code: 0 });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  addChannel(id: string): void {
    this.channels.set(id, { type: 0 });
  }

  closeDms(userId: string): void {
    this.closedDm.add(userId);
  }

  /**
   * The gateway delivered this interaction (pass the INTERACTION_CREATE payload on its way to the client):
   * from now on it has 3 seconds for its initial response and its token lives 15 minutes. Callbacks for
   * interactions never delivered are refused like Discord refuses them (10062 Unknown interaction).
   */
  interaction<T extends { id: string; token: string; type: number }>(payload: T): T {
    this.interactions.set(payload.id, { id: payload.id, token: payload.token, type: payload.type, receivedAt: this.clock() });
    return payload;
  }

  /** Move the deadline clock forward (an interaction answered late, a token used after 15 minutes). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  private clock(): number {
    return this.nowFn() + this.clockOffsetMs;
  }

  /** The DM channel id of a user, once opened. */
  dmChannelOf(userId: string): string | undefined {
    return this.dmByUser.get(userId);
  }

  messagesIn(channelId: string): FakeDiscordMessage[] {
    return this.messages.filter((m) => m.channel_id === channelId);
  }

  /** Answer the next `count` matching requests with a 429. */
  rateLimitNext(count: number, limit: ScriptedRateLimit): void {
    this.scripted.push({ ...limit, left: count });
  }

  /** A message as if an earlier process had posted it (e.g. before a crash). */
  seedMessage(channelId: string, body: Record<string, unknown>): FakeDiscordMessage {
    return this.create(channelId, body, [], 'channel');
  }

  // ---------------------------------------------------------------------------------------------------

  private snowflake(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }

  private send(res: ServerResponse, req: IncomingMessage, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', status });
    if (status === 204) {
      res.writeHead(204, headers).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
  }

  private async readBody(req: IncomingMessage): Promise<{ json: Record<string, unknown>; files: FakeDiscordFile[] }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const files: FakeDiscordFile[] = [];
      let json: Record<string, unknown> = {};
      for (const [field, value] of form.entries()) {
        if (field === 'payload_json' && typeof value === 'string') json = JSON.parse(value) as Record<string, unknown>;
        else if (typeof value !== 'string')
          files.push({ field, name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
      }
      return { json, files };
    }
    if (raw.length === 0) return { json: {}, files: [] };
    return { json: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files: [] };
  }

  private rateLimitHeaders(route: string, b: Bucket, now: number): Record<string, string> {
    const resetAfter = Math.max(0, (b.resetAt - now) / 1000);
    return {
      'x-ratelimit-limit': String(this.opts.routeLimit),
      'x-ratelimit-remaining': String(Math.max(0, b.remaining)),
      'x-ratelimit-reset': (b.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': createHash('sha1').update(route).digest('hex').slice(0, 16),
      'x-ratelimit-scope': 'user',
    };
  }

  private tooMany(req: IncomingMessage, res: ServerResponse, retryAfterSec: number, global: boolean, headers: Record<string, string>): void {
    this.counters.rateLimited += 1;
    if (global) this.counters.globalRateLimited += 1;
    const h: Record<string, string> = { ...headers, 'retry-after': String(retryAfterSec) };
    if (global) {
      h['x-ratelimit-global'] = 'true';
      h['x-ratelimit-scope'] = 'global';
    }
    this.send(res, req, 429, { message: 'You are being rate limited.', retry_after: retryAfterSec, global }, h);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.received += 1;
    const url = new URL(req.url ?? '/', 'http://x');
    // Clients may percent-encode path characters (discord.js sends @original as %40original); Discord decodes.
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    if (!path.startsWith(API)) return this.send(res, req, 404, { message: '404: Not Found', code: 0 });
    const p = path.slice(API.length);
    const isInteraction = p.startsWith('/interactions/') || p.startsWith('/webhooks/');

    if (!isInteraction && req.headers.authorization !== `Bot ${this.token}`)
      return this.send(res, req, 401, { message: '401: Unauthorized', code: 0 });

    const now = Date.now();
    // Scripted 429s first (they stand for a limit we cannot see, e.g. a shared or sub-limit).
    const scripted = this.scripted.find((s) => s.left > 0 && (s.match ?? /\/channels\/[^/]+\/messages$/).test(p) && method !== 'GET');
    if (scripted) {
      scripted.left -= 1;
      const headers: Record<string, string> = scripted.global
        ? {}
        : {
            'x-ratelimit-limit': String(this.opts.routeLimit),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': String(scripted.retryAfterSec),
            'x-ratelimit-reset': ((now + scripted.retryAfterSec * 1000) / 1000).toFixed(3),
            'x-ratelimit-bucket': 'scripted',
            'x-ratelimit-scope': 'shared',
          };
      return this.tooMany(req, res, scripted.retryAfterSec, scripted.global ?? false, headers);
    }

    // Global limit: a token bucket of `globalLimitPerSecond`, refilled continuously; interactions are exempt.
    if (!isInteraction) {
      const rate = this.opts.globalLimitPerSecond;
      this.global.tokens = Math.min(rate, this.global.tokens + ((now - this.global.at) / 1000) * rate);
      this.global.at = now;
      if (this.global.tokens < 1) {
        const retry = Math.max(0.001, (1 - this.global.tokens) / rate);
        return this.tooMany(req, res, Number(retry.toFixed(3)), true, {});
      }
      this.global.tokens -= 1;
    }

    // Per-route bucket: route template + major parameter.
    const routeTemplate = `${method} ${p.replace(/\/channels\/\d[^/]*/, '/channels/:id').replace(/\/(interactions|webhooks)\/[^/]+\/[^/]+/, '/$1/:id/:token')}`;
    const major = /\/channels\/([^/]+)/.exec(p)?.[1] ?? /\/(?:interactions|webhooks)\/([^/]+)/.exec(p)?.[1] ?? '';
    const bucketKey = `${routeTemplate}|${major}`;
    let bucket = this.buckets.get(bucketKey);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { remaining: this.opts.routeLimit, resetAt: now + this.opts.routeWindowMs };
      this.buckets.set(bucketKey, bucket);
    }
    if (bucket.remaining <= 0) {
      const retry = Math.max(0.001, (bucket.resetAt - now) / 1000);
      return this.tooMany(req, res, Number(retry.toFixed(3)), false, this.rateLimitHeaders(routeTemplate, bucket, now));
    }
    bucket.remaining -= 1;
    const rl = this.rateLimitHeaders(routeTemplate, bucket, now);

    let m: RegExpExecArray | null;
    if (method === 'POST' && p === '/users/@me/channels') {
      const { json } = await this.readBody(req);
      const recipient = String(json.recipient_id ?? '');
      if (!/^\d+$/.test(recipient)) return this.send(res, req, 400, invalidForm('recipient_id', 'Value "' + recipient + '" is not snowflake.'), rl);
      let id = this.dmByUser.get(recipient);
      if (!id) {
        id = this.snowflake();
        this.dmByUser.set(recipient, id);
        this.channels.set(id, { type: 1, recipientId: recipient });
      }
      return this.send(res, req, 200, { id, type: 1, last_message_id: null, flags: 0, recipients: [{ id: recipient, username: `user${recipient}` }] }, rl);
    }
    if ((m = /^\/channels\/([^/]+)\/messages$/.exec(p))) {
      const channelId = m[1]!;
      const channel = this.channels.get(channelId);
      if (!channel) return this.send(res, req, 404, { message: 'Unknown Channel', code: 10003 }, rl);
      if (method === 'GET') {
        const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 50));
        const list = this.messagesIn(channelId).slice(-limit).reverse().map((x) => publicMessage(x));
        return this.send(res, req, 200, list, rl);
      }
      if (method !== 'POST') return this.send(res, req, 405, { message: '405: Method Not Allowed', code: 0 }, rl);
      const { json, files } = await this.readBody(req);
      if (channel.type === 1 && channel.recipientId && this.closedDm.has(channel.recipientId))
        return this.send(res, req, 403, { message: 'Cannot send messages to this user', code: 50007 }, rl);
      const invalid = validateMessage(json, files, { flags: CHANNEL_FLAGS });
      if (invalid) return this.send(res, req, 400, invalid, rl);
      const nonce = json.nonce as string | number | undefined;
      if (nonce !== undefined) {
        const key = `${this.botUserId}|${String(nonce)}`;
        const seen = this.nonces.get(key);
        if (seen && now - seen.at <= this.opts.nonceWindowMs) {
          this.counters.duplicates += 1;
          if (json.enforce_nonce === true) {
            this.counters.deduplicated += 1;
            return this.send(res, req, 200, publicMessage(seen.message, true), rl);
          }
        }
      }
      const message = this.create(channelId, json, files, 'channel');
      if (nonce !== undefined) this.nonces.set(`${this.botUserId}|${String(nonce)}`, { message, at: now });
      return this.send(res, req, 200, publicMessage(message, true), rl);
    }
    if (method === 'PUT' && (m = /^\/applications\/([^/]+)(?:\/guilds\/([^/]+))?\/commands$/.exec(p))) {
      const { json } = await this.readBody(req);
      const list = json as unknown;
      const invalid = validateCommands(list);
      if (invalid) return this.send(res, req, 400, invalid, rl);
      const saved = (list as Record<string, unknown>[]).map((c) => ({ ...c, id: this.snowflake(), application_id: m![1]!, version: this.snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) }));
      this.commands.set(m[2] ?? 'global', saved);
      return this.send(res, req, 200, saved, rl);
    }
    if (method === 'GET' && (m = /^\/applications\/([^/]+)(?:\/guilds\/([^/]+))?\/commands$/.exec(p)))
      return this.send(res, req, 200, this.commands.get(m[2] ?? 'global') ?? [], rl);
    if (method === 'POST' && (m = /^\/interactions\/([^/]+)\/([^/]+)\/callback$/.exec(p))) {
      const { json, files } = await this.readBody(req);
      const [interactionId, token] = [m[1]!, m[2]!];
      const interaction = this.interactions.get(interactionId);
      // Discord forgets an interaction that was not answered within 3 seconds: the same answer as for one it never sent.
      if (!interaction || interaction.token !== token || (interaction.callback === undefined && this.clock() - interaction.receivedAt > INITIAL_RESPONSE_MS))
        return this.send(res, req, 404, { message: 'Unknown interaction', code: 10062 });
      if (interaction.callback !== undefined) return this.send(res, req, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      const invalid = validateCallback(interaction, json, files);
      if (invalid) return this.send(res, req, 400, invalid);
      const type = json.type as number;
      const data = json.data as Record<string, unknown> | undefined;
      interaction.callback = type;
      if (typeof data?.flags === 'number') interaction.flags = data.flags;
      this.interactionCallbacks.push({ interactionId, token, type, ...(data ? { data } : {}), files });
      if ((type === 4 || type === 7) && data) this.create(`interaction:${token}`, data, files, 'original');
      return url.searchParams.get('with_response') === 'true'
        ? this.send(res, req, 200, { interaction: { id: interactionId, type: interaction.type } })
        : this.send(res, req, 204, undefined);
    }
    if ((m = /^\/webhooks\/([^/]+)\/([^/]+)(\/messages\/@original)?$/.exec(p))) {
      const token = m[2]!;
      const interaction = [...this.interactions.values()].find((x) => x.token === token);
      // A token works once the interaction is acknowledged, for 15 minutes after it arrived.
      if (!interaction || interaction.callback === undefined) return this.send(res, req, 404, { message: 'Unknown Webhook', code: 10015 });
      if (this.clock() - interaction.receivedAt > TOKEN_LIFETIME_MS) return this.send(res, req, 401, { message: 'Invalid Webhook Token', code: 50027 });
      const { json, files } = await this.readBody(req);
      if (method === 'PATCH' && m[3]) {
        const invalid = validateMessage(json, files, { partial: true, flags: EDIT_FLAGS });
        if (invalid) return this.send(res, req, 400, invalid);
        const existing = this.messages.find((x) => x.channel_id === `interaction:${token}` && x.via === 'original');
        // The deferred response's flags (ephemeral) stay with the message it becomes.
        const message = existing ?? this.create(`interaction:${token}`, { ...json, ...(interaction.flags !== undefined ? { flags: interaction.flags } : {}) }, files, 'original');
        if (existing) Object.assign(existing, { content: json.content ?? existing.content, embeds: json.embeds ?? existing.embeds, components: json.components ?? existing.components });
        return this.send(res, req, 200, publicMessage(message, true));
      }
      if (method === 'POST' && !m[3]) {
        const invalid = validateMessage(json, files, { flags: FOLLOWUP_FLAGS });
        if (invalid) return this.send(res, req, 400, invalid);
        return this.send(res, req, 200, publicMessage(this.create(`interaction:${token}`, json, files, 'followup'), true));
      }
      return this.send(res, req, 405, { message: '405: Method Not Allowed', code: 0 });
    }
    return this.send(res, req, 404, { message: '404: Not Found', code: 0 });
  }

  private create(channelId: string, json: Record<string, unknown>, files: FakeDiscordFile[], via: FakeDiscordMessage['via']): FakeDiscordMessage {
    const id = this.snowflake();
    const declared = (json.attachments as { id: number | string; filename?: string; description?: string }[] | undefined) ?? [];
    const message: FakeDiscordMessage = {
      id,
      channel_id: channelId,
      author: { id: this.botUserId, username: 'twincoach', bot: true },
      content: typeof json.content === 'string' ? json.content : '',
      embeds: (json.embeds as Record<string, unknown>[] | undefined) ?? [],
      components: (json.components as Record<string, unknown>[] | undefined) ?? [],
      attachments: files.map((f, i) => {
        const d = declared.find((a) => String(a.id) === /\[(\d+)\]/.exec(f.field)?.[1]) ?? declared[i];
        return {
          id: this.snowflake(),
          filename: d?.filename ?? f.name,
          size: f.data.length,
          content_type: f.contentType,
          url: `https://cdn.discordapp.com/attachments/${channelId}/${id}/${d?.filename ?? f.name}`,
          ...(d?.description ? { description: d.description } : {}),
        };
      }),
      timestamp: new Date().toISOString(),
      files,
      via,
    };
    if (json.nonce !== undefined) message.nonce = json.nonce as string | number;
    if (typeof json.flags === 'number') message.flags = json.flags;
    if (json.allowed_mentions !== undefined) message.allowed_mentions = json.allowed_mentions;
    this.messages.push(message);
    return message;
  }
}

function publicMessage(m: FakeDiscordMessage, withNonce = false): Record<string, unknown> {
  const { files: _f, via: _v, nonce, allowed_mentions: _a, ...rest } = m;
  return withNonce && nonce !== undefined ? { ...rest, nonce } : rest;
}

/** Discord's 400 for a body that breaks a rule: 50035 with the errors nested along the path ("embeds.0.title"). */
function invalidForm(path: string, message: string, code = 'BASE_TYPE_INVALID'): Record<string, unknown> {
  let errors: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of path.split('.').reverse()) errors = { [key]: errors };
  return { message: 'Invalid Form Body', code: 50035, errors };
}

/** Discord forgets an interaction not answered within 3 s; the token for edits and follow-ups lives 15 min. */
const INITIAL_RESPONSE_MS = 3_000;
const TOKEN_LIFETIME_MS = 15 * 60_000;
/** Message flags each route lets a bot set (SUPPRESS_EMBEDS 4, EPHEMERAL 64, SUPPRESS_NOTIFICATIONS 4096, IS_VOICE_MESSAGE 8192, IS_COMPONENTS_V2 32768). */
const CHANNEL_FLAGS = 4 | 4096 | 8192 | 32768;
const RESPONSE_FLAGS = 4 | 64 | 4096 | 32768;
const FOLLOWUP_FLAGS = RESPONSE_FLAGS;
const EDIT_FLAGS = 4 | 32768;

/**
 * An interaction callback, checked per type as Discord does: 1 PONG, 4 message, 5 deferred message,
 * 6 deferred update and 7 update (components and modal submits only), 8 autocomplete, 9 modal (not in
 * answer to a modal submit).
 */
function validateCallback(interaction: InteractionRecord, json: Record<string, unknown>, files: FakeDiscordFile[]): Record<string, unknown> | undefined {
  const type = json.type;
  if (typeof type !== 'number') return invalidForm('type', 'This field is required', 'BASE_TYPE_REQUIRED');
  if (![1, 4, 5, 6, 7, 8, 9, 12].includes(type)) return invalidForm('type', `Value "${type}" is not a valid enum value.`, 'BASE_TYPE_CHOICES');
  if ((type === 6 || type === 7) && interaction.type !== 3 && interaction.type !== 5)
    return invalidForm('type', 'Interaction response type is only valid for message component interactions.', 'INTERACTION_RESPONSE_TYPE_INVALID');
  if (type === 9 && interaction.type === 5) return invalidForm('type', 'A modal submit cannot be answered with a modal.', 'INTERACTION_RESPONSE_TYPE_INVALID');
  const data = (json.data as Record<string, unknown> | undefined) ?? {};
  if (type === 4 || type === 7) {
    const invalid = validateMessage(data, files, { partial: type === 7, flags: RESPONSE_FLAGS });
    return invalid && nest('data', invalid);
  }
  if (type === 5 || type === 6) {
    const flags = data.flags;
    if (flags !== undefined && (typeof flags !== 'number' || (flags & ~RESPONSE_FLAGS) !== 0)) return invalidForm('data.flags', 'Invalid flags', 'MESSAGE_FLAGS_INVALID');
    return undefined;
  }
  if (type === 9) {
    const invalid = validateModal(data);
    return invalid && nest('data', invalid);
  }
  return undefined;
}

/** Prefix the error path of an Invalid Form Body answer (validateMessage checks `data` of a callback). */
function nest(key: string, error: Record<string, unknown>): Record<string, unknown> {
  return error.code === 50035 ? { ...error, errors: { [key]: error.errors } } : error;
}

const strLen = (v: unknown) => (typeof v === 'string' ? v.length : -1);

/** A modal (callback type 9): custom_id 1–100, title 1–45, 1–5 components; labels (18) wrapping a text input (4) or a string select (3), or legacy action rows (1) of one text input. */
function validateModal(data: Record<string, unknown>): Record<string, unknown> | undefined {
  if (strLen(data.custom_id) < 1 || strLen(data.custom_id) > 100) return invalidForm('custom_id', 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
  if (strLen(data.title) < 1 || strLen(data.title) > 45) return invalidForm('title', 'Must be between 1 and 45 in length.', 'BASE_TYPE_BAD_LENGTH');
  const components = data.components as Record<string, unknown>[] | undefined;
  if (!Array.isArray(components) || components.length < 1 || components.length > 5) return invalidForm('components', 'Must be between 1 and 5 in length.', 'BASE_TYPE_BAD_LENGTH');
  const ids = new Set<string>();
  for (const [i, c] of components.entries()) {
    let inner: Record<string, unknown>;
    let at: string;
    if (c.type === 18) {
      if (strLen(c.label) < 1 || strLen(c.label) > 45) return invalidForm(`components.${i}.label`, 'Must be between 1 and 45 in length.', 'BASE_TYPE_BAD_LENGTH');
      if (c.description !== undefined && (strLen(c.description) < 1 || strLen(c.description) > 100)) return invalidForm(`components.${i}.description`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
      inner = (c.component as Record<string, unknown> | undefined) ?? {};
      at = `components.${i}.component`;
    } else if (c.type === 1) {
      const row = (c.components as Record<string, unknown>[] | undefined) ?? [];
      if (row.length !== 1 || row[0]!.type !== 4) return invalidForm(`components.${i}.components`, 'An action row in a modal holds exactly one text input.', 'COMPONENT_LAYOUT_WIDTH_EXCEEDED');
      inner = row[0]!;
      at = `components.${i}.components.0`;
    } else return invalidForm(`components.${i}.type`, 'Value must be one of {1, 18}.', 'BASE_TYPE_CHOICES');
    const id = inner.custom_id;
    if (strLen(id) < 1 || strLen(id) > 100) return invalidForm(`${at}.custom_id`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
    if (ids.has(id as string)) return invalidForm(`${at}.custom_id`, 'Component custom id cannot be duplicated', 'COMPONENT_CUSTOM_ID_DUPLICATED');
    ids.add(id as string);
    const invalid = inner.type === 4 ? validateTextInput(inner, at, c.type === 18) : inner.type === 3 ? validateSelect(inner, at) : invalidForm(`${at}.type`, 'Value must be one of {3, 4}.', 'BASE_TYPE_CHOICES');
    if (invalid) return invalid;
  }
  return undefined;
}

function validateTextInput(t: Record<string, unknown>, at: string, inLabel: boolean): Record<string, unknown> | undefined {
  if (t.style !== 1 && t.style !== 2) return invalidForm(`${at}.style`, 'Value must be one of {1, 2}.', 'BASE_TYPE_CHOICES');
  if (!inLabel && (strLen(t.label) < 1 || strLen(t.label) > 45)) return invalidForm(`${at}.label`, 'Must be between 1 and 45 in length.', 'BASE_TYPE_BAD_LENGTH');
  if (t.placeholder !== undefined && strLen(t.placeholder) > 100) return invalidForm(`${at}.placeholder`, 'Must be 100 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  const min = (t.min_length as number | undefined) ?? 0;
  const max = (t.max_length as number | undefined) ?? 4000;
  if (min < 0 || min > 4000) return invalidForm(`${at}.min_length`, 'int value should be between 0 and 4000.', 'NUMBER_TYPE_MAX');
  if (max < 1 || max > 4000) return invalidForm(`${at}.max_length`, 'int value should be between 1 and 4000.', 'NUMBER_TYPE_MAX');
  if (t.value !== undefined && strLen(t.value) > max) return invalidForm(`${at}.value`, `Must be ${max} or fewer in length.`, 'BASE_TYPE_MAX_LENGTH');
  return undefined;
}

function validateSelect(sel: Record<string, unknown>, at: string): Record<string, unknown> | undefined {
  const options = (sel.options as Record<string, unknown>[] | undefined) ?? [];
  if (options.length < 1 || options.length > 25) return invalidForm(`${at}.options`, 'Must be between 1 and 25 in length.', 'BASE_TYPE_BAD_LENGTH');
  if (sel.placeholder !== undefined && strLen(sel.placeholder) > 150) return invalidForm(`${at}.placeholder`, 'Must be 150 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  const minValues = (sel.min_values as number | undefined) ?? 1;
  const maxValues = (sel.max_values as number | undefined) ?? 1;
  if (minValues < 0 || minValues > 25 || maxValues < 1 || maxValues > 25 || minValues > maxValues) return invalidForm(`${at}.min_values`, 'min_values must be 0–25 and at most max_values (1–25).', 'NUMBER_TYPE_MAX');
  const values = new Set<string>();
  for (const [j, o] of options.entries()) {
    if (strLen(o.label) < 1 || strLen(o.label) > 100) return invalidForm(`${at}.options.${j}.label`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
    if (strLen(o.value) < 1 || strLen(o.value) > 100) return invalidForm(`${at}.options.${j}.value`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
    if (o.description !== undefined && strLen(o.description) > 100) return invalidForm(`${at}.options.${j}.description`, 'Must be 100 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
    if (values.has(o.value as string)) return invalidForm(`${at}.options.${j}.value`, 'Select option values must be unique.', 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED');
    values.add(o.value as string);
  }
  if (options.filter((o) => o.default === true).length > maxValues) return invalidForm(`${at}.options`, 'More default options than max_values.', 'SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES');
  return undefined;
}

/**
 * A bulk overwrite of application commands (PUT …/commands): names 1–32 lowercase characters of
 * Discord's set, descriptions 1–100, ≤ 25 options and ≤ 25 choices (names 1–100, string values ≤ 100),
 * required options before optional ones, no duplicate names, sub-commands not mixed with options,
 * ≤ 100 commands, ≤ 8000 characters per command (names, descriptions, choice names and values).
 */
function validateCommands(list: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return invalidForm('_', 'Must be an array.', 'BASE_TYPE_ARRAY');
  if (list.length > 100) return invalidForm('_', 'Must be 100 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  const names = new Set<string>();
  for (const [i, c] of (list as Record<string, unknown>[]).entries()) {
    const invalid = validateCommandNode(c, `${i}`, 0);
    if (invalid) return invalid;
    if (names.has(c.name as string)) return invalidForm(`${i}.name`, 'Application command names must be unique', 'APPLICATION_COMMANDS_DUPLICATE_NAME');
    names.add(c.name as string);
    if (commandSize(c) > 8000) return invalidForm(`${i}`, 'Command exceeds maximum size (8000)', 'APPLICATION_COMMAND_TOO_LARGE');
  }
  return undefined;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateCommandNode(c: Record<string, unknown>, at: string, depth: number): Record<string, unknown> | undefined {
  const name = c.name;
  if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) return invalidForm(`${at}.name`, 'Command name is invalid', 'APPLICATION_COMMAND_INVALID_NAME');
  if (strLen(c.description) < (depth === 0 && c.type !== 1 && c.type !== undefined ? 0 : 1) || strLen(c.description) > 100)
    return invalidForm(`${at}.description`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
  const options = (c.options as Record<string, unknown>[] | undefined) ?? [];
  if (options.length > 25) return invalidForm(`${at}.options`, 'Must be 25 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  const subs = options.filter((o) => o.type === 1 || o.type === 2).length;
  if (subs > 0 && subs < options.length) return invalidForm(`${at}.options`, 'Sub-commands and options cannot be mixed', 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID');
  let optionalSeen = false;
  const names = new Set<string>();
  for (const [j, o] of options.entries()) {
    const oat = `${at}.options.${j}`;
    if (o.type === 1 || o.type === 2) {
      if (depth >= 2 || (o.type === 2 && depth >= 1)) return invalidForm(`${oat}.type`, 'Sub-commands nest at most two levels', 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID');
      const invalid = validateCommandNode(o, oat, depth + 1);
      if (invalid) return invalid;
    } else {
      if (typeof o.name !== 'string' || !COMMAND_NAME.test(o.name) || o.name !== o.name.toLowerCase()) return invalidForm(`${oat}.name`, 'Command name is invalid', 'APPLICATION_COMMAND_INVALID_NAME');
      if (strLen(o.description) < 1 || strLen(o.description) > 100) return invalidForm(`${oat}.description`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
      if (![3, 4, 5, 6, 7, 8, 9, 10, 11].includes(o.type as number)) return invalidForm(`${oat}.type`, 'Value must be a valid option type.', 'BASE_TYPE_CHOICES');
      if (o.required === true && optionalSeen) return invalidForm(`${oat}.required`, 'Required options must be placed before non-required options', 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID');
      if (o.required !== true) optionalSeen = true;
      const choices = (o.choices as Record<string, unknown>[] | undefined) ?? [];
      if (choices.length > 25) return invalidForm(`${oat}.choices`, 'Must be 25 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
      for (const [k, ch] of choices.entries()) {
        if (strLen(ch.name) < 1 || strLen(ch.name) > 100) return invalidForm(`${oat}.choices.${k}.name`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
        if (typeof ch.value === 'string' && ch.value.length > 100) return invalidForm(`${oat}.choices.${k}.value`, 'Must be 100 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
      }
      for (const k of ['min_length', 'max_length'] as const)
        if (o[k] !== undefined && (typeof o[k] !== 'number' || (o[k] as number) < (k === 'min_length' ? 0 : 1) || (o[k] as number) > 6000))
          return invalidForm(`${oat}.${k}`, 'int value should be between 0 and 6000.', 'NUMBER_TYPE_MAX');
    }
    if (names.has(o.name as string)) return invalidForm(`${oat}.name`, 'Option names must be unique', 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS');
    names.add(o.name as string);
  }
  return undefined;
}

function commandSize(c: Record<string, unknown>): number {
  const options = (c.options as Record<string, unknown>[] | undefined) ?? [];
  const choices = (c.choices as Record<string, unknown>[] | undefined) ?? [];
  return (
    strLen(c.name) + Math.max(0, strLen(c.description)) +
    choices.reduce((s, ch) => s + strLen(ch.name) + String(ch.value).length, 0) +
    options.reduce((s, o) => s + commandSize(o), 0)
  );
}

/** The documented limits of a message body, checked the way Discord checks them (400 / 50035, or 50006 for empty). */
function validateMessage(json: Record<string, unknown>, files: FakeDiscordFile[], { partial = false, flags: allowedFlags }: { partial?: boolean; flags: number }): Record<string, unknown> | undefined {
  const flags = json.flags;
  if (flags !== undefined && flags !== null && (typeof flags !== 'number' || (flags & ~allowedFlags) !== 0)) return invalidForm('flags', 'Invalid flags', 'MESSAGE_FLAGS_INVALID');
  const embeds = (json.embeds as Record<string, unknown>[] | undefined) ?? [];
  const components = (json.components as { type: number; components?: Record<string, unknown>[] }[] | undefined) ?? [];
  const content = typeof json.content === 'string' ? json.content : '';
  if (!partial && content === '' && embeds.length === 0 && files.length === 0 && components.length === 0)
    return { message: 'Cannot send an empty message', code: 50006 };
  if (content.length > 2000) return invalidForm('content', 'Must be 2000 or fewer in length.');
  if (embeds.length > 10) return invalidForm('embeds', 'Must be 10 or fewer in length.');
  const nonce = json.nonce;
  if (nonce !== undefined && String(nonce).length > 25) return invalidForm('nonce', 'Must be 25 or fewer in length.');
  const fileNames = new Set(files.map((f) => f.name));
  const declared = (json.attachments as { id: number | string; filename?: string }[] | undefined) ?? [];
  for (const a of declared) {
    const f = files.find((x) => x.field === `files[${a.id}]`);
    if (!f) return invalidForm('attachments', `Attachment id ${a.id} has no files[${a.id}].`);
    if (a.filename) fileNames.add(a.filename);
  }
  // 6000 characters over all the embeds of a message (title, description, field names and values, footer, author).
  let total = 0;
  for (const [i, e] of embeds.entries()) {
    const title = (e.title as string | undefined) ?? '';
    const description = (e.description as string | undefined) ?? '';
    const fields = (e.fields as { name: string; value: string }[] | undefined) ?? [];
    const footer = ((e.footer as { text?: string } | undefined)?.text as string | undefined) ?? '';
    if (title.length > 256) return invalidForm(`embeds.${i}.title`, 'Must be 256 or fewer in length.');
    if (description.length > 4096) return invalidForm(`embeds.${i}.description`, 'Must be 4096 or fewer in length.');
    if (fields.length > 25) return invalidForm(`embeds.${i}.fields`, 'Must be 25 or fewer in length.');
    for (const [j, f] of fields.entries()) {
      if (!f.name || f.name.length > 256) return invalidForm(`embeds.${i}.fields.${j}.name`, 'Must be between 1 and 256 in length.');
      if (!f.value || f.value.length > 1024) return invalidForm(`embeds.${i}.fields.${j}.value`, 'Must be between 1 and 1024 in length.');
    }
    if (footer.length > 2048) return invalidForm(`embeds.${i}.footer.text`, 'Must be 2048 or fewer in length.');
    const author = ((e.author as { name?: string } | undefined)?.name as string | undefined) ?? '';
    total += title.length + description.length + footer.length + author.length + fields.reduce((s, f) => s + f.name.length + f.value.length, 0);
    const image = (e.image as { url?: string } | undefined)?.url;
    if (image?.startsWith('attachment://') && !fileNames.has(image.slice('attachment://'.length)))
      return invalidForm(`embeds.${i}.image.url`, `No attachment named ${image.slice('attachment://'.length)}.`);
  }
  if (total > 6000) return invalidForm('embeds', 'Embed size exceeds maximum size of 6000', 'MAX_EMBED_SIZE_EXCEEDED');
  if (components.length > 5) return invalidForm('components', 'Must be 5 or fewer in length.');
  const ids = new Set<string>();
  for (const [i, row] of components.entries()) {
    if (row.type !== 1) return invalidForm(`components.${i}.type`, 'Top-level components must be action rows.');
    const inner = row.components ?? [];
    if (inner.length === 0 || inner.length > 5) return invalidForm(`components.${i}.components`, 'Must be between 1 and 5 in length.');
    for (const [j, c] of inner.entries()) {
      const id = c.custom_id as string | undefined;
      const label = (c.label as string | undefined) ?? '';
      if (c.type === 2 && c.style !== 5 && (!id || id.length > 100)) return invalidForm(`components.${i}.components.${j}.custom_id`, 'Must be between 1 and 100 in length.');
      if (label.length > 80) return invalidForm(`components.${i}.components.${j}.label`, 'Must be 80 or fewer in length.');
      if (id !== undefined) {
        if (ids.has(id)) return invalidForm(`components.${i}.components.${j}.custom_id`, 'Component custom id cannot be duplicated');
        ids.add(id);
      }
    }
  }
  return undefined;
}
