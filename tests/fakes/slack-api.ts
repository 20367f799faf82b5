/**
 * A loopback Slack Web API that behaves like the real one where our code depends on it, with the limits of
 * Slack's method docs and Block Kit reference. Point @slack/web-api's WebClient at it with
 * `slackApiUrl: fake.apiUrl` (ends with "/api/").
 *
 *   chat.postMessage, chat.postEphemeral, conversations.open, conversations.history,
 *   files.getUploadURLExternal → POST <upload_url> → files.completeUploadExternal,
 *   views.open, views.push, views.publish, views.update, auth.test, and response_url endpoints
 *   (POST /response/:id, issued by responseUrl(id)).
 *
 * Behaviour copied from Slack: form-encoded or JSON arguments (objects such as blocks and metadata
 * arrive JSON-encoded inside form fields), `Authorization: Bearer xoxb-…` or a `token` argument, every
 * error is HTTP 200 with { ok: false, error } except rate limits, which are HTTP 429 with a Retry-After
 * header (whole seconds) and { ok: false, error: 'ratelimited' }. chat.postMessage allows about one
 * message per second per channel (a token bucket per channel, `burst` deep, refilled at
 * `perChannelPerSecond`). Block Kit limits are checked (invalid_blocks with the json-pointer of the
 * first problem: ≤ 50 blocks in a message and 100 in a view, header 150, section text 3000, ≤ 10 fields
 * of 2000, context ≤ 10 elements, ≤ 25 buttons of text 75 / value 2000, block_id ≤ 255 and unique,
 * input blocks only in views); text over 40,000 characters is msg_too_long. An image block's slack_file
 * must be an upload that was completed at least `fileReadyAfterMs` ago (Slack processes a new file before
 * it can be shown). conversations.history returns newest first and carries each message's metadata only
 * with include_all_metadata.
 *
 * Handshakes: a response_url works 5 times within 30 minutes (then HTTP 404 used_url / expired_url) and
 * checks its body like chat.postMessage (HTTP 400 no_text / invalid_blocks); views.open and views.push
 * need a trigger id used once (exchanged_trigger_id) within 3 seconds of the event (expired_trigger_id) —
 * the fake reads the issue time from the id's first part, which tests build with requests.ts' triggerId();
 * views.update needs an open view (not_found) and, when given, its current hash (hash_conflict). Views are
 * checked (invalid_arguments with response_metadata.messages "[ERROR] … [json-pointer:/view/…]"): title,
 * submit and close ≤ 24, submit required with inputs, callback_id ≤ 255, private_metadata ≤ 3000, input
 * labels ≤ 2000, prefills within the input's max_length (≤ 3000), select options ≤ 100 (text 75, value
 * 150), number prefills numeric. `advanceClock(ms)` moves the clock of all of these.
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
  /**
   * How long after files.completeUploadExternal a file cannot yet be shown in an image block (Slack
   * processes it first; a block naming it meanwhile gets invalid_blocks). Default 300 ms.
   */
  fileReadyAfterMs?: number;
  /** Clock of trigger ids (3 s), response_url (30 min) and file readiness. Default Date.now; see advanceClock(). */
  now?: () => number;
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
  /** When completeUploadExternal finished (the file becomes usable fileReadyAfterMs later). */
  completedAt?: number;
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
  readonly views: { method: 'views.open' | 'views.publish' | 'views.update' | 'views.push'; trigger_id?: string; user_id?: string; view_id?: string; view: Record<string, unknown> }[] = [];
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
  private readonly fileReadyAfterMs: number;
  private readonly nowFn: () => number;
  private clockOffsetMs = 0;
  private readonly responseUrls = new Map<string, { issuedAt: number; uses: number }>();
  private readonly usedTriggers = new Set<string>();
  private readonly openViews = new Map<string, { hash: string; external_id?: string }>();

  constructor(options: FakeSlackOptions = {}) {
    this.token = options.token ?? 'xoxb-fake-slack-token';
    this.botUserId = options.botUserId ?? 'U0TWINCOACH';
    for (const c of options.channels ?? []) this.channels.add(c);
    for (const u of options.users ?? []) this.users.add(u);
    this.perSecond = options.perChannelPerSecond ?? 1;
    this.burst = options.burst ?? 1;
    this.fileReadyAfterMs = options.fileReadyAfterMs ?? 300;
    this.nowFn = options.now ?? Date.now;
  }

  /** Move the fake's clock forward (a trigger used late, a response_url used after 30 minutes). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  private clock(): number {
    return this.nowFn() + this.clockOffsetMs;
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

  /** A response_url for an interaction or slash command: usable 5 times within 30 minutes from now. */
  responseUrl(id: string): string {
    if (!this.responseUrls.has(id)) this.responseUrls.set(id, { issuedAt: this.clock(), uses: 0 });
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
    if ((m = /^\/response\/([^/]+)$/.exec(url.pathname))) return this.respondTo(m[1]!, body, res);
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
        if (text && text.length > 40_000) return answer(200, { ok: false, error: 'msg_too_long' });
        const problem = blocks ? this.checkBlocks(blocks, 'message') : undefined;
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
        const problem = blocks ? this.checkBlocks(blocks, 'message') : undefined;
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
          u.completedAt = this.clock();
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
      case 'views.push':
      case 'views.publish':
      case 'views.update': {
        const view = args.view as Record<string, unknown> | undefined;
        if (!view || typeof view !== 'object') return answer(200, { ok: false, error: 'invalid_arguments' });
        if (method === 'views.open' || method === 'views.push') {
          const trigger = this.checkTrigger(args.trigger_id);
          if (trigger) return answer(200, { ok: false, error: trigger });
        }
        if (method === 'views.publish' && !this.users.has(String(args.user_id ?? ''))) return answer(200, { ok: false, error: 'user_not_found' });
        let viewId: string | undefined;
        if (method === 'views.update') {
          viewId = typeof args.view_id === 'string' ? args.view_id : [...this.openViews].find(([, v]) => v.external_id !== undefined && v.external_id === args.external_id)?.[0];
          if (!viewId || !this.openViews.has(viewId)) return answer(200, { ok: false, error: 'not_found' });
          if (typeof args.hash === 'string' && args.hash !== this.openViews.get(viewId)!.hash) return answer(200, { ok: false, error: 'hash_conflict' });
        }
        const problem = this.checkView(view);
        if (problem) return answer(200, { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] ${problem}`] } });
        viewId ??= `V${String(this.views.length + 1).padStart(8, '0')}`;
        const hash = `${Math.floor(this.clock() / 1000)}.${this.views.length + 1}`;
        this.openViews.set(viewId, { hash, ...(typeof view.external_id === 'string' ? { external_id: view.external_id } : {}) });
        this.views.push({ method, view, ...(typeof args.trigger_id === 'string' ? { trigger_id: args.trigger_id } : {}), ...(typeof args.user_id === 'string' ? { user_id: args.user_id } : {}), view_id: viewId });
        return answer(200, { ok: true, view: { id: viewId, hash, ...view } });
      }

      default:
        return answer(404, { ok: false, error: 'unknown_method' });
    }
  }

  /**
   * A POST to a response_url, answered as Slack answers them: 5 uses within 30 minutes (404 used_url /
   * expired_url after), a body with text or blocks (no_text), blocks within Block Kit's limits
   * (invalid_blocks), response_type "ephemeral" or "in_channel". Errors are HTTP 4xx with { ok: false, error }.
   */
  private respondTo(id: string, raw: Buffer, res: ServerResponse): void {
    const fail = (status: number, error: string, errors?: string[]) => this.json(res, status, { ok: false, error, ...(errors ? { errors } : {}) });
    const issued = this.responseUrls.get(id);
    if (!issued) return fail(404, 'invalid_url');
    if (this.clock() - issued.issuedAt > 30 * 60_000) return fail(404, 'expired_url');
    if (issued.uses >= 5) return fail(404, 'used_url');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return fail(400, 'invalid_payload');
    }
    const blocks = body.blocks as Record<string, unknown>[] | undefined;
    if (body.response_type !== undefined && body.response_type !== 'ephemeral' && body.response_type !== 'in_channel') return fail(400, 'invalid_payload');
    const replacing = body.replace_original === true || body.delete_original === true;
    if (!replacing && !(typeof body.text === 'string' && body.text !== '') && !(Array.isArray(blocks) && blocks.length > 0)) return fail(400, 'no_text');
    if (typeof body.text === 'string' && body.text.length > 40_000) return fail(400, 'msg_too_long');
    const problem = Array.isArray(blocks) ? this.checkBlocks(blocks, 'message') : undefined;
    if (problem) return fail(400, 'invalid_blocks', [problem]);
    issued.uses += 1;
    this.responses.push({ id, body });
    return this.json(res, 200, { ok: true });
  }

  /** A trigger id works once, within 3 seconds of the event that carried it (issue time = its first part, ms). */
  private checkTrigger(trigger: unknown): string | undefined {
    if (typeof trigger !== 'string' || trigger === '') return 'invalid_trigger_id';
    const issuedAt = Number(trigger.split('.')[0]);
    if (!Number.isFinite(issuedAt) || issuedAt < 1e12) return 'invalid_trigger_id';
    if (this.clock() - issuedAt > 3_000) return 'expired_trigger_id';
    if (this.usedTriggers.has(trigger)) return 'exchanged_trigger_id';
    this.usedTriggers.add(trigger);
    return undefined;
  }

  /** A modal or Home tab view: Slack's limits, with the json-pointer of the first problem. */
  private checkView(view: Record<string, unknown>): string | undefined {
    if (view.type !== 'modal' && view.type !== 'home') return 'must be one of modal, home [json-pointer:/view/type]';
    const plain = (key: string, max: number, required: boolean): string | undefined => {
      const t = view[key] as { type?: string; text?: string } | undefined;
      if (t === undefined) return required ? `missing required field: ${key} [json-pointer:/view/${key}]` : undefined;
      if (t.type !== 'plain_text' || !t.text || t.text.length > max) return `must be less than ${max + 1} characters [json-pointer:/view/${key}/text]`;
      return undefined;
    };
    const blocks = (view.blocks as Record<string, unknown>[] | undefined) ?? [];
    if (view.type === 'modal') {
      const problem = plain('title', 24, true) ?? plain('submit', 24, false) ?? plain('close', 24, false);
      if (problem) return problem;
      if (blocks.some((b) => b.type === 'input') && view.submit === undefined) return 'submit is required when an input block is present [json-pointer:/view/submit]';
    }
    if (strLen(view.callback_id) > 255) return 'must be less than 256 characters [json-pointer:/view/callback_id]';
    if (strLen(view.private_metadata) > 3000) return 'must be less than 3001 characters [json-pointer:/view/private_metadata]';
    if (strLen(view.external_id) > 255) return 'must be less than 256 characters [json-pointer:/view/external_id]';
    const problem = this.checkBlocks(blocks, 'view');
    return problem?.replace('[json-pointer:/blocks', '[json-pointer:/view/blocks');
  }

  /**
   * Block Kit limits; returns the first problem or undefined. Messages take ≤ 50 blocks, modals and Home
   * tabs ≤ 100 (and input blocks); block_id ≤ 255 and unique; header text ≤ 150; section text 1–3000,
   * ≤ 10 fields of ≤ 2000; context ≤ 10 elements; actions ≤ 25 elements, button text ≤ 75, value ≤ 2000,
   * action_id ≤ 255 and unique; image alt_text ≤ 2000, a slack_file completed and processed.
   */
  private checkBlocks(blocks: Record<string, unknown>[], surface: 'message' | 'view'): string | undefined {
    const max = surface === 'message' ? 50 : 100;
    if (blocks.length > max) return `must provide no more than ${max} items [json-pointer:/blocks]`;
    const actionIds = new Set<string>();
    const blockIds = new Set<string>();
    for (const [i, b] of blocks.entries()) {
      const text = b.text as { type?: string; text?: string } | undefined;
      if (b.block_id !== undefined) {
        if (strLen(b.block_id) < 1 || strLen(b.block_id) > 255) return `must be less than 256 characters [json-pointer:/blocks/${i}/block_id]`;
        if (blockIds.has(b.block_id as string)) return `duplicate block_id [json-pointer:/blocks/${i}/block_id]`;
        blockIds.add(b.block_id as string);
      }
      switch (b.type) {
        case 'header':
          if (text?.type !== 'plain_text' || !text.text || text.text.length > 150) return `must be less than 151 characters [json-pointer:/blocks/${i}/text/text]`;
          break;
        case 'section': {
          const fields = (b.fields as { type?: string; text?: string }[] | undefined) ?? [];
          if (!text && fields.length === 0) return `section needs text or fields [json-pointer:/blocks/${i}]`;
          if (text && (!text.text || text.text.length > 3000)) return `must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`;
          if (text && text.type !== 'mrkdwn' && text.type !== 'plain_text') return `must be one of mrkdwn, plain_text [json-pointer:/blocks/${i}/text/type]`;
          if (fields.length > 10) return `must provide no more than 10 items [json-pointer:/blocks/${i}/fields]`;
          for (const [j, f] of fields.entries())
            if (!f.text || f.text.length > 2000) return `must be less than 2001 characters [json-pointer:/blocks/${i}/fields/${j}/text]`;
          break;
        }
        case 'image': {
          const file = b.slack_file as { id?: string; url?: string } | undefined;
          if (!b.alt_text || strLen(b.alt_text) > 2000) return `alt_text must be 1–2000 characters [json-pointer:/blocks/${i}/alt_text]`;
          if (file?.id !== undefined) {
            const upload = this.uploads.get(file.id);
            if (!upload?.completed) return `invalid slack file [json-pointer:/blocks/${i}/slack_file]`;
            // Like Slack: a file completed a moment ago is still being processed and cannot be shown yet.
            if (this.clock() - (upload.completedAt ?? 0) < this.fileReadyAfterMs) return `invalid slack file [json-pointer:/blocks/${i}/slack_file]`;
          }
          if (!file && typeof b.image_url !== 'string') return `image needs image_url or slack_file [json-pointer:/blocks/${i}]`;
          if (strLen(b.image_url) > 3000) return `must be less than 3001 characters [json-pointer:/blocks/${i}/image_url]`;
          break;
        }
        case 'actions': {
          const elements = (b.elements as { action_id?: string; text?: { text?: string }; value?: string; url?: string }[] | undefined) ?? [];
          if (elements.length === 0 || elements.length > 25) return `must provide between 1 and 25 items [json-pointer:/blocks/${i}/elements]`;
          for (const [j, e] of elements.entries()) {
            if (!e.action_id || e.action_id.length > 255 || actionIds.has(e.action_id)) return `invalid or duplicate action_id [json-pointer:/blocks/${i}/elements/${j}]`;
            actionIds.add(e.action_id);
            if ((e.text?.text ?? '').length > 75) return `must be less than 76 characters [json-pointer:/blocks/${i}/elements/${j}/text/text]`;
            if (strLen(e.value) > 2000) return `must be less than 2001 characters [json-pointer:/blocks/${i}/elements/${j}/value]`;
            if (strLen(e.url) > 3000) return `must be less than 3001 characters [json-pointer:/blocks/${i}/elements/${j}/url]`;
          }
          break;
        }
        case 'context': {
          const elements = (b.elements as unknown[] | undefined) ?? [];
          if (elements.length === 0 || elements.length > 10) return `must provide between 1 and 10 items [json-pointer:/blocks/${i}/elements]`;
          break;
        }
        case 'input': {
          if (surface !== 'view') return `input blocks are for modals and Home tabs [json-pointer:/blocks/${i}/type]`;
          const problem = checkInput(b, i);
          if (problem) return problem;
          break;
        }
        case 'divider':
        case 'rich_text':
          break;
        default:
          return `unknown block type [json-pointer:/blocks/${i}/type]`;
      }
    }
    return undefined;
  }
}

const strLen = (v: unknown) => (typeof v === 'string' ? v.length : -1);

/**
 * An input block: label 1–2000 (plain_text), hint ≤ 2000; plain_text_input min/max_length ≤ 3000 and an
 * initial_value within max_length; static_select 1–100 options (text ≤ 75, value ≤ 150) with an
 * initial_option that is one of them; number_input an initial_value that is a number; placeholders ≤ 150.
 */
function checkInput(b: Record<string, unknown>, i: number): string | undefined {
  const at = `[json-pointer:/blocks/${i}`;
  const label = b.label as { type?: string; text?: string } | undefined;
  if (label?.type !== 'plain_text' || !label.text || label.text.length > 2000) return `must be less than 2001 characters ${at}/label/text]`;
  if (strLen((b.hint as { text?: string } | undefined)?.text) > 2000) return `must be less than 2001 characters ${at}/hint/text]`;
  const e = (b.element as Record<string, unknown> | undefined) ?? {};
  if (strLen(e.action_id) < 1 || strLen(e.action_id) > 255) return `must be less than 256 characters ${at}/element/action_id]`;
  if (strLen((e.placeholder as { text?: string } | undefined)?.text) > 150) return `must be less than 151 characters ${at}/element/placeholder/text]`;
  switch (e.type) {
    case 'plain_text_input': {
      const maxLength = (e.max_length as number | undefined) ?? 3000;
      if (maxLength < 1 || maxLength > 3000) return `must be between 1 and 3000 ${at}/element/max_length]`;
      if (e.min_length !== undefined && ((e.min_length as number) < 0 || (e.min_length as number) > 3000)) return `must be between 0 and 3000 ${at}/element/min_length]`;
      if (e.initial_value !== undefined && strLen(e.initial_value) > maxLength) return `must be less than ${maxLength + 1} characters ${at}/element/initial_value]`;
      break;
    }
    case 'number_input':
      if (e.initial_value !== undefined && !/^-?\d+(\.\d+)?$/.test(String(e.initial_value))) return `must be a number ${at}/element/initial_value]`;
      if (e.initial_value !== undefined && e.is_decimal_allowed !== true && String(e.initial_value).includes('.')) return `must be an integer ${at}/element/initial_value]`;
      break;
    case 'static_select': {
      const options = (e.options as { text?: { text?: string }; value?: string }[] | undefined) ?? [];
      if (options.length < 1 || options.length > 100) return `must provide between 1 and 100 items ${at}/element/options]`;
      for (const [j, o] of options.entries()) {
        if (!o.text?.text || o.text.text.length > 75) return `must be less than 76 characters ${at}/element/options/${j}/text/text]`;
        if (strLen(o.value) < 1 || strLen(o.value) > 150) return `must be less than 151 characters ${at}/element/options/${j}/value]`;
      }
      const initial = e.initial_option as { value?: string } | undefined;
      if (initial && !options.some((o) => o.value === initial.value)) return `initial_option must match an option ${at}/element/initial_option]`;
      break;
    }
    default:
      break;
  }
  return undefined;
}

function publicMessage(m: FakeSlackMessage, withMetadata: boolean): Record<string, unknown> {
  const { metadata, channel: _c, ...rest } = m;
  return withMetadata && metadata ? { ...rest, metadata } : rest;
}
