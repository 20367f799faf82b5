/**
 * A loopback Slack Web API that behaves like the real one where our code depends on it. Point
 * @slack/web-api's WebClient at it with `slackApiUrl: fake.apiUrl` (ends with "/api/").
 *
 *   chat.postMessage, chat.postEphemeral, conversations.open, conversations.history,
 *   files.getUploadURLExternal → POST <upload_url> → files.completeUploadExternal,
 *   views.open, views.publish, views.update, auth.test, and response_url endpoints (POST /response/:id).
 *
 * Behaviour copied from Slack: form-encoded or JSON arguments (objects such as blocks and metadata
 * arrive JSON-encoded inside form fields), `Authorization: Bearer xoxb-…` or a `token` argument, every
 * error is HTTP 200 with { ok: false, error } except rate limits, which are HTTP 429 with a Retry-After
 * header (whole seconds) and { ok: false, error: 'ratelimited' }. chat.postMessage allows about one
 * message per second per channel (a token bucket per channel, `burst` deep, refilled at
 * `perChannelPerSecond`). Block Kit limits are checked (invalid_blocks), and an image block's
 * slack_file must be an upload that was completed. conversations.history returns newest first and
 * carries each message's metadata only with include_all_metadata.
 *
 * Counters: received (every request), rateLimited (429s sent), duplicates (posts whose metadata
 * event_payload.key was already posted to that channel). `messages` records every posted message.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackOptions {
  token?: string;
  botUserId?: string;
  /** Public and private channels the bot is in. */
  channels?: string[];
  /** Users that exist (conversations.open accepts them). */
  users?: string[];
  /** Refill rate of each channel's chat.postMessage bucket. Default 1 per second. */
  perChannelPerSecond?: number;
  /** Bucket depth (short bursts Slack tolerates). Default 1. */
  burst?: number;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: Record<string, unknown>[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  user: string;
  bot_id: string;
  /** Files shared by files.completeUploadExternal with a channel_id. */
  files?: { id: string; title?: string }[];
}

export interface FakeSlackUpload {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  data?: Buffer;
  completed: boolean;
  title?: string;
}

export interface ScriptedSlackFailure {
  method: string;
  /** 429 with Retry-After, 5xx, or an { ok: false, error } answer. */
  status?: 429 | 500 | 503;
  error?: string;
  retryAfterSec?: number;
}

type Args = Record<string, unknown>;

export class FakeSlackApi {
  readonly token: string;
  readonly botUserId: string;
  readonly botId = 'B0TWINCOACH';
  readonly messages: FakeSlackMessage[] = [];
  readonly ephemerals: { channel: string; user: string; text?: string; blocks?: unknown[] }[] = [];
  readonly views: { method: 'views.open' | 'views.publish' | 'views.update'; trigger_id?: string; user_id?: string; view: Record<string, unknown> }[] = [];
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly uploads = new Map<string, FakeSlackUpload>();
  readonly calls: { method: string; status: number; error?: string }[] = [];
  readonly counters = { received: 0, rateLimited: 0, duplicates: 0 };

  private server: Server | undefined;
  private readonly channels = new Set<string>();
  private readonly users = new Set<string>();
  private readonly dms = new Map<string, string>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly scripted: (ScriptedSlackFailure & { left: number })[] = [];
  private lastTsMicros = 0;

  constructor(options: FakeSlackOptions = {}) {
    this.token = options.token ?? 'xoxb-fake-slack-token';
    this.botUserId = options.botUserId ?? 'U0TWINCOACH';
    for (const c of options.channels ?? []) this.channels.add(c);
    for (const u of options.users ?? []) this.users.add(u);
    this.perSecond = options.perChannelPerSecond ?? 1;
    this.burst = options.burst ?? 1;
  }

  get origin(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error('FakeSlackApi: not started');
    return `http://127.0.0.1:${addr.port}`;
  }

  /** For WebClient's slackApiUrl. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url for an interaction or slash command. */
  responseUrl(id: string): string {
    return `${this.origin}/response/${id}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.json(res, 500, { ok: false, error: 'fatal_error', detail: String(err) }));
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
    this.channels.add(id);
  }

  /** The DM channel (D…) of a user, once opened. */
  dmOf(userId: string): string | undefined {
    return this.dms.get(userId);
  }

  messagesIn(channel: string): FakeSlackMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  /** Answer the next `count` calls of `method` with the given failure. */
  failNext(count: number, failure: ScriptedSlackFailure): void {
    this.scripted.push({ ...failure, left: count });
  }

  /** A message as if an earlier process had posted it (e.g. before a crash). */
  seedMessage(channel: string, message: Omit<FakeSlackMessage, 'channel' | 'ts' | 'user' | 'bot_id'>): FakeSlackMessage {
    const m: FakeSlackMessage = { channel, ts: this.nextTs(), user: this.botUserId, bot_id: this.botId, ...message };
    this.messages.push(m);
    return m;
  }

  // ---------------------------------------------------------------------------------------------------

  /** Slack-style "seconds.micros" from the clock, strictly increasing. */
  private nextTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, Date.now() * 1000);
    return `${Math.floor(this.lastTsMicros / 1e6)}.${String(this.lastTsMicros % 1e6).padStart(6, '0')}`;
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
  }

  private async raw(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private async args(req: IncomingMessage, body: Buffer): Promise<Args> {
    const type = req.headers['content-type'] ?? '';
    let args: Args = {};
    if (type.startsWith('application/json')) args = body.length ? (JSON.parse(body.toString('utf8')) as Args) : {};
    else if (type.startsWith('multipart/form-data')) {
      const form = await new Response(body, { headers: { 'content-type': type } }).formData();
      for (const [k, v] of form.entries()) args[k] = typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer());
    } else args = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    // Objects arrive JSON-encoded inside form fields.
    for (const k of ['blocks', 'metadata', 'files', 'view', 'attachments'])
      if (typeof args[k] === 'string' && /^[[{]/.test(args[k] as string)) args[k] = JSON.parse(args[k] as string);
    return args;
  }

  private takeToken(channel: string, now: number): number | undefined {
    const b = this.buckets.get(channel) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(channel, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  private resolveChannel(channel: string): string | undefined {
    if (this.channels.has(channel) || [...this.dms.values()].includes(channel)) return channel;
    if (this.users.has(channel)) return this.openDm(channel); // posting to a user id lands in the app DM
    return undefined;
  }

  private openDm(user: string): string {
    let id = this.dms.get(user);
    if (!id) {
      id = `D${user.slice(1)}`;
      this.dms.set(user, id);
    }
    return id;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.received += 1;
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await this.raw(req);

    let m: RegExpExecArray | null;
    if ((m = /^\/upload\/v1\/([^/]+)$/.exec(url.pathname))) {
      const upload = this.uploads.get(m[1]!);
      if (!upload) return void res.writeHead(404).end('not found');
      let data = body;
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data')) {
        const form = await new Response(body, { headers: { 'content-type': type } }).formData();
        const file = [...form.values()].find((v) => typeof v !== 'string');
        data = file && typeof file !== 'string' ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
      }
      upload.data = data;
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${data.length}`);
    }
    if ((m = /^\/response\/([^/]+)$/.exec(url.pathname))) {
      this.responses.push({ id: m[1]!, body: JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown> });
      return this.json(res, 200, { ok: true });
    }
    if (!url.pathname.startsWith('/api/')) return this.json(res, 404, { ok: false, error: 'unknown_method' });
    const method = url.pathname.slice('/api/'.length);
    const args = { ...Object.fromEntries(url.searchParams), ...(await this.args(req, body)) };
    const answer = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
      this.calls.push({ method, status, ...(typeof payload.error === 'string' ? { error: payload.error } : {}) });
      this.json(res, status, payload, headers);
    };

    const auth = req.headers.authorization === `Bearer ${this.token}` || args.token === this.token;
    if (!auth) return answer(200, { ok: false, error: req.headers.authorization || args.token ? 'invalid_auth' : 'not_authed' });

    const scripted = this.scripted.find((s) => s.left > 0 && s.method === method);
    if (scripted) {
      scripted.left -= 1;
      if (scripted.status === 429) {
        this.counters.rateLimited += 1;
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(scripted.retryAfterSec ?? 1) });
      }
      if (scripted.status) return answer(scripted.status, { ok: false, error: scripted.error ?? 'internal_error' });
      return answer(200, { ok: false, error: scripted.error ?? 'internal_error' });
    }

    switch (method) {
      case 'auth.test':
        return answer(200, { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'twincoach', team_id: 'T0FAKE', user_id: this.botUserId, bot_id: this.botId });

      case 'conversations.open': {
        const users = String(args.users ?? '').split(',').filter(Boolean);
        if (users.length !== 1) return answer(200, { ok: false, error: users.length === 0 ? 'users_list_not_supplied' : 'not_enough_users' });
        if (!this.users.has(users[0]!)) return answer(200, { ok: false, error: 'user_not_found' });
        return answer(200, { ok: true, channel: { id: this.openDm(users[0]!) } });
      }

      case 'chat.postMessage': {
        const channel = this.resolveChannel(String(args.channel ?? ''));
        if (!channel) return answer(200, { ok: false, error: 'channel_not_found' });
        const retry = this.takeToken(channel, Date.now());
        if (retry !== undefined) {
          this.counters.rateLimited += 1;
          return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retry) });
        }
        const blocks = args.blocks as Record<string, unknown>[] | undefined;
        const text = typeof args.text === 'string' ? args.text : undefined;
        if (!text && !(blocks && blocks.length)) return answer(200, { ok: false, error: 'no_text' });
        const problem = blocks ? this.checkBlocks(blocks) : undefined;
        if (problem) return answer(200, { ok: false, error: 'invalid_blocks', errors: [problem] });
        const metadata = args.metadata as FakeSlackMessage['metadata'] | undefined;
        const key = metadata?.event_payload?.key;
        if (key !== undefined && this.messagesIn(channel).some((x) => x.metadata?.event_payload?.key === key)) this.counters.duplicates += 1;
        const message: FakeSlackMessage = { channel, ts: this.nextTs(), user: this.botUserId, bot_id: this.botId };
        if (text !== undefined) message.text = text;
        if (blocks) message.blocks = blocks;
        if (metadata) message.metadata = metadata;
        this.messages.push(message);
        return answer(200, { ok: true, channel, ts: message.ts, message: { type: 'message', ...publicMessage(message, true) } });
      }

      case 'chat.postEphemeral': {
        const channel = this.resolveChannel(String(args.channel ?? ''));
        if (!channel) return answer(200, { ok: false, error: 'channel_not_found' });
        if (!this.users.has(String(args.user ?? ''))) return answer(200, { ok: false, error: 'user_not_in_channel' });
        const blocks = args.blocks as Record<string, unknown>[] | undefined;
        const problem = blocks ? this.checkBlocks(blocks) : undefined;
        if (problem) return answer(200, { ok: false, error: 'invalid_blocks', errors: [problem] });
        this.ephemerals.push({ channel, user: String(args.user), ...(typeof args.text === 'string' ? { text: args.text } : {}), ...(blocks ? { blocks } : {}) });
        return answer(200, { ok: true, message_ts: this.nextTs() });
      }

      case 'conversations.history': {
        const channel = String(args.channel ?? '');
        if (!this.resolveChannel(channel) || channel.startsWith('U')) return answer(200, { ok: false, error: 'channel_not_found' });
        const limit = Math.min(999, Number(args.limit ?? 100));
        const withMeta = ['true', '1', true].includes(args.include_all_metadata as string | boolean);
        const oldest = args.oldest !== undefined ? Number(args.oldest) : undefined;
        const all = this.messagesIn(channel)
          .filter((x) => oldest === undefined || Number(x.ts) > oldest)
          .reverse();
        // cursor pagination as Slack does it: an opaque next_cursor while has_more (here: the offset, encoded)
        let offset = 0;
        if (args.cursor !== undefined && args.cursor !== '') {
          const decoded = Number(Buffer.from(String(args.cursor), 'base64').toString('utf8').replace(/^next_ts:/, ''));
          if (!Number.isInteger(decoded) || decoded < 0) return answer(200, { ok: false, error: 'invalid_cursor' });
          offset = decoded;
        }
        const page = all.slice(offset, offset + limit);
        const more = all.length > offset + limit;
        return answer(200, {
          ok: true,
          messages: page.map((x) => ({ type: 'message', ...publicMessage(x, withMeta) })),
          has_more: more,
          response_metadata: { next_cursor: more ? Buffer.from(`next_ts:${offset + limit}`).toString('base64') : '' },
        });
      }

      case 'files.getUploadURLExternal': {
        const filename = args.filename;
        const length = Number(args.length);
        if (typeof filename !== 'string' || filename === '' || !Number.isInteger(length) || length <= 0)
          return answer(200, { ok: false, error: 'invalid_arguments' });
        const id = `F${String(this.uploads.size + 1).padStart(8, '0')}`;
        const upload: FakeSlackUpload = { id, filename, length, completed: false };
        const alt = args.alt_txt ?? args.alt_text;
        if (typeof alt === 'string') upload.altText = alt;
        this.uploads.set(id, upload);
        return answer(200, { ok: true, upload_url: `${this.origin}/upload/v1/${id}`, file_id: id });
      }

      case 'files.completeUploadExternal': {
        const files = args.files as { id: string; title?: string }[] | undefined;
        if (!Array.isArray(files) || files.length === 0) return answer(200, { ok: false, error: 'invalid_arguments' });
        for (const f of files) {
          const u = this.uploads.get(f.id);
          if (!u) return answer(200, { ok: false, error: 'file_not_found' });
          if (!u.data || u.data.length !== u.length) return answer(200, { ok: false, error: 'file_upload_size_mismatch' });
        }
        const channelId = typeof args.channel_id === 'string' ? args.channel_id : undefined;
        if (channelId !== undefined && !this.resolveChannel(channelId)) return answer(200, { ok: false, error: 'channel_not_found' });
        const out = files.map((f) => {
          const u = this.uploads.get(f.id)!;
          u.completed = true;
          if (f.title) u.title = f.title;
          return { id: u.id, name: u.filename, title: f.title ?? u.filename, mimetype: 'image/png', size: u.length, url_private: `https://files.slack.com/files-pri/T0FAKE-${u.id}/${u.filename}` };
        });
        if (channelId) {
          const m: FakeSlackMessage = { channel: channelId, ts: this.nextTs(), user: this.botUserId, bot_id: this.botId, files: files.map((f) => ({ id: f.id, ...(f.title ? { title: f.title } : {}) })) };
          if (typeof args.initial_comment === 'string') m.text = args.initial_comment;
          this.messages.push(m);
        }
        return answer(200, { ok: true, files: out });
      }

      case 'views.open':
      case 'views.publish':
      case 'views.update': {
        const view = args.view as Record<string, unknown> | undefined;
        if (!view || typeof view !== 'object') return answer(200, { ok: false, error: 'invalid_arguments' });
        if (method === 'views.open' && typeof args.trigger_id !== 'string') return answer(200, { ok: false, error: 'invalid_trigger_id' });
        if (method === 'views.publish' && !this.users.has(String(args.user_id ?? ''))) return answer(200, { ok: false, error: 'user_not_found' });
        const blocks = (view.blocks as Record<string, unknown>[] | undefined) ?? [];
        if (blocks.length > 100) return answer(200, { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must provide no more than 100 items [json-pointer:/view/blocks]'] } });
        const title = (view.title as { text?: string } | undefined)?.text ?? '';
        if (view.type === 'modal' && (title.length === 0 || title.length > 24)) return answer(200, { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] } });
        this.views.push({ method, view, ...(typeof args.trigger_id === 'string' ? { trigger_id: args.trigger_id } : {}), ...(typeof args.user_id === 'string' ? { user_id: args.user_id } : {}) });
        return answer(200, { ok: true, view: { id: `V${String(this.views.length).padStart(8, '0')}`, ...view } });
      }

      default:
        return answer(404, { ok: false, error: 'unknown_method' });
    }
  }

  /** Block Kit limits; returns the first problem or undefined. */
  private checkBlocks(blocks: Record<string, unknown>[]): string | undefined {
    if (blocks.length > 50) return 'must provide no more than 50 items [json-pointer:/blocks]';
    const actionIds = new Set<string>();
    for (const [i, b] of blocks.entries()) {
      const text = b.text as { type?: string; text?: string } | undefined;
      switch (b.type) {
        case 'header':
          if (text?.type !== 'plain_text' || !text.text || text.text.length > 150) return `invalid header [json-pointer:/blocks/${i}/text]`;
          break;
        case 'section': {
          const fields = (b.fields as { text?: string }[] | undefined) ?? [];
          if (!text && fields.length === 0) return `section needs text or fields [json-pointer:/blocks/${i}]`;
          if (text && (!text.text || text.text.length > 3000)) return `must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`;
          if (fields.length > 10) return `must provide no more than 10 items [json-pointer:/blocks/${i}/fields]`;
          for (const [j, f] of fields.entries())
            if (!f.text || f.text.length > 2000) return `must be less than 2001 characters [json-pointer:/blocks/${i}/fields/${j}/text]`;
          break;
        }
        case 'image': {
          const file = b.slack_file as { id?: string; url?: string } | undefined;
          if (!b.alt_text) return `missing alt_text [json-pointer:/blocks/${i}]`;
          if (file?.id !== undefined && !this.uploads.get(file.id)?.completed) return `invalid slack file [json-pointer:/blocks/${i}/slack_file]`;
          if (!file && typeof b.image_url !== 'string') return `image needs image_url or slack_file [json-pointer:/blocks/${i}]`;
          break;
        }
        case 'actions': {
          const elements = (b.elements as { action_id?: string; text?: { text?: string }; value?: string }[] | undefined) ?? [];
          if (elements.length === 0 || elements.length > 25) return `must provide between 1 and 25 items [json-pointer:/blocks/${i}/elements]`;
          for (const [j, e] of elements.entries()) {
            if (!e.action_id || e.action_id.length > 255 || actionIds.has(e.action_id)) return `invalid or duplicate action_id [json-pointer:/blocks/${i}/elements/${j}]`;
            actionIds.add(e.action_id);
            if ((e.text?.text ?? '').length > 75) return `must be less than 76 characters [json-pointer:/blocks/${i}/elements/${j}/text/text]`;
          }
          break;
        }
        case 'context': {
          const elements = (b.elements as unknown[] | undefined) ?? [];
          if (elements.length === 0 || elements.length > 10) return `must provide between 1 and 10 items [json-pointer:/blocks/${i}/elements]`;
          break;
        }
        case 'divider':
        case 'input':
        case 'rich_text':
          break;
        default:
          return `unknown block type [json-pointer:/blocks/${i}/type]`;
      }
    }
    return undefined;
  }
}

function publicMessage(m: FakeSlackMessage, withMetadata: boolean): Record<string, unknown> {
  const { metadata, channel: _c, ...rest } = m;
  return withMetadata && metadata ? { ...rest, metadata } : rest;
}
