/**
 * A loopback Discord REST v10 server that behaves like the real one where our code depends on it.
 *
 *   POST  /api/v10/users/@me/channels                       open a DM → { id, type: 1, recipients }
 *   POST  /api/v10/channels/:id/messages                     JSON or multipart (payload_json + files[n])
 *   GET   /api/v10/channels/:id/messages?limit=             newest first (no nonce, like Discord)
 *   POST  /api/v10/interactions/:id/:token/callback          one response per interaction (else 40060)
 *   PATCH /api/v10/webhooks/:app/:token/messages/@original   edit the original response
 *   POST  /api/v10/webhooks/:app/:token                      follow-up message
 *
 * Behaviour copied from Discord: `Authorization: Bot <token>` (401 otherwise); per-route buckets keyed by
 * route + major parameter (channel) with X-RateLimit-Limit / -Remaining / -Reset / -Reset-After /
 * -Bucket / -Scope on every answer; a global limit (a bucket of 50 refilled at 50 per second) answered with
 * 429, X-RateLimit-Global and `global: true`; 429 bodies { message, retry_after, global } plus a
 * Retry-After header; interaction endpoints are outside the global limit; 403 code 50007 "Cannot send
 * messages to this user" for users whose DMs are closed; 404 code 10003 for unknown channels; 400 code
 * 50035 when an embed, component or attachment breaks a documented limit; `nonce` + `enforce_nonce`
 * returns the earlier message by the same author instead of creating a second one.
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

  private server: Server | undefined;
  private readonly opts: Required<Omit<FakeDiscordOptions, 'token' | 'botUserId' | 'channels' | 'closedDmUserIds'>>;
  private readonly channels = new Map<string, { type: 0 | 1; recipientId?: string }>();
  private readonly dmByUser = new Map<string, string>();
  private readonly closedDm = new Set<string>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly global: { tokens: number; at: number };
  private readonly nonces = new Map<string, { message: FakeDiscordMessage; at: number }>();
  private readonly scripted: (ScriptedRateLimit & { left: number })[] = [];
  private nextId = 1_100_000_000_000_000_000n;

  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? 'fake-discord-token';
    this.botUserId = options.botUserId ?? '1000000000000000001';
    this.opts = {
      globalLimitPerSecond: options.globalLimitPerSecond ?? 50,
      routeLimit: options.routeLimit ?? 5,
      routeWindowMs: options.routeWindowMs ?? 5000,
      nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
    };
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
      const invalid = validateMessage(json, files);
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
    if (method === 'POST' && (m = /^\/interactions\/([^/]+)\/([^/]+)\/callback$/.exec(p))) {
      const { json, files } = await this.readBody(req);
      const [interactionId, token] = [m[1]!, m[2]!];
      if (this.interactionCallbacks.some((c) => c.interactionId === interactionId))
        return this.send(res, req, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      if (typeof json.type !== 'number') return this.send(res, req, 400, invalidForm('type', 'This field is required'));
      const data = json.data as Record<string, unknown> | undefined;
      this.interactionCallbacks.push({ interactionId, token, type: json.type, ...(data ? { data } : {}), files });
      if ((json.type === 4 || json.type === 7) && data) this.create(`interaction:${token}`, data, files, 'original');
      return url.searchParams.get('with_response') === 'true'
        ? this.send(res, req, 200, { interaction: { id: interactionId, type: 2 } })
        : this.send(res, req, 204, undefined);
    }
    if (method === 'PATCH' && (m = /^\/webhooks\/([^/]+)\/([^/]+)\/messages\/@original$/.exec(p))) {
      const { json, files } = await this.readBody(req);
      const token = m[2]!;
      const invalid = validateMessage(json, files, true);
      if (invalid) return this.send(res, req, 400, invalid);
      const existing = this.messages.find((x) => x.channel_id === `interaction:${token}` && x.via === 'original');
      const message = existing ?? this.create(`interaction:${token}`, json, files, 'original');
      if (existing) Object.assign(existing, { content: json.content ?? existing.content, embeds: json.embeds ?? existing.embeds, components: json.components ?? existing.components });
      return this.send(res, req, 200, publicMessage(message, true));
    }
    if (method === 'POST' && (m = /^\/webhooks\/([^/]+)\/([^/]+)$/.exec(p))) {
      const { json, files } = await this.readBody(req);
      const invalid = validateMessage(json, files);
      if (invalid) return this.send(res, req, 400, invalid);
      return this.send(res, req, 200, publicMessage(this.create(`interaction:${m[2]!}`, json, files, 'followup'), true));
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

/** The documented limits, checked the way Discord checks them (400 / 50035, or 50006 for empty). */
function validateMessage(json: Record<string, unknown>, files: FakeDiscordFile[], partial = false): Record<string, unknown> | undefined {
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
